"""Errors that ingestion raises; each says which file, where, and what to do.

    IngestError                 a paper (or folder) cannot be read; the database is left unchanged
    ├── NotAScoreDatabase       the database path names a file this project did not write; it is left untouched
    └── DatabaseNotWritable     the database file or its folder cannot be written
"""

LEFT_UNCHANGED = "Fix or remove the file and run the build again; the existing database was left unchanged."


class IngestError(Exception):
    def __init__(self, path, reason: str, where: str | None = None, fix: str = LEFT_UNCHANGED):
        self.path, self.reason, self.where = str(path), reason, where
        at = f" ({where})" if where else ""
        super().__init__(f"{self.path}{at}: {reason}. {fix}")

    def __reduce__(self):
        """Picklable as it is (a paper parsed in a worker process raises it in the parent unchanged)."""
        return _restore, (type(self), str(self), dict(self.__dict__))


def _restore(cls: type, message: str, state: dict) -> IngestError:
    err = Exception.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class NotAScoreDatabase(IngestError):
    """The database path names a file that is not a score database (another program's data, a text file...)."""

    def __init__(self, path, reason: str):
        super().__init__(path, f"is not a score database ({reason})",
                         fix="It was left untouched. Point --db or PAPERQA_DB_PATH at a new file name or at a "
                             "database built by `python -m index build`.")


class DatabaseNotWritable(IngestError):
    """The database (or its folder) cannot be written, so a build has nowhere to go."""

    def __init__(self, path, reason: str):
        super().__init__(path, f"cannot be written ({reason})",
                         fix="Choose another --db or PAPERQA_DB_PATH, or fix the folder's permissions; "
                             "nothing was changed.")
