"""Errors that ingestion raises; each says which file, where, and what to do."""


class IngestError(Exception):
    def __init__(self, path, reason: str, where: str | None = None):
        self.path, self.reason, self.where = str(path), reason, where
        at = f" ({where})" if where else ""
        super().__init__(f"{self.path}{at}: {reason}. Fix or remove the file and run the build again; "
                         f"the existing database was left unchanged.")
