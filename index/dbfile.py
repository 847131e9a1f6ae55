"""The database file itself: is it ours, may we replace it, what was it built from; the atomic swap; the clean-up
of what killed builds left behind. Nothing here parses papers.

A build writes `.<name>.tmp<pid>` next to the database and renames it over the old file. Before replacing a file
we check that it is a score database (never another program's data), that it is writable (a read-only file is
served as built, never replaced), and we remove temporary files whose build process is gone.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .errors import DatabaseNotWritable, NotAScoreDatabase

# Tables every score database has; a DuckDB file without them belongs to someone else.
REQUIRED_TABLES = ("papers", "scores", "build_info")

# Build metadata beside the score tables: where the papers came from, and one row per paper file, so a later
# build can tell which papers changed (by content hash) and keep a paper's `--kind` flag.
META_DDL = """
CREATE TABLE build_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE paper_files (paper_id VARCHAR PRIMARY KEY, file VARCHAR, sha256 VARCHAR, kind VARCHAR,
                          size BIGINT, mtime_ns BIGINT);
CREATE TABLE paper_models (paper_id VARCHAR, model_id VARCHAR, family VARCHAR, size_b DOUBLE, active_b DOUBLE,
                           variant VARCHAR, version VARCHAR);
CREATE TABLE paper_benchmarks (paper_id VARCHAR, benchmark_id VARCHAR, family VARCHAR, category VARCHAR);
CREATE TABLE paper_benchmark_aliases (paper_id VARCHAR, alias VARCHAR, norm VARCHAR, benchmark_id VARCHAR);
"""
# The last three: what each paper contributed to models, benchmarks and benchmark_aliases (index/store.py), so an
# incremental build can recompute those rows. A change to this layout needs a new INDEX_VERSION (index/build.py).
META_TABLES = ("build_info", "build_meta", "paper_files", "paper_models", "paper_benchmarks",
               "paper_benchmark_aliases")


@dataclass
class DbInfo:
    """What is at the database path. `exists` is False for a missing (or empty) file."""
    path: Path
    exists: bool = False
    index_version: str | None = None
    papers_hash: str | None = None
    papers_dir: Path | None = None                   # the folder it was built from, when recorded
    in_use: bool = False                             # open in this process with other settings: not inspected
    paper_names: set[str] = field(default_factory=set)                      # papers.file of every paper it holds
    files: dict[str, tuple[str, str | None]] = field(default_factory=dict)   # paper_id -> (sha256, kind flag)
    stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)    # file name -> (size, mtime_ns, sha256)

    @property
    def read_only(self) -> bool:
        return self.exists and is_read_only(self.path)


def inspect(db: Path) -> DbInfo:
    """Read what a score database records about itself. Raises NotAScoreDatabase for anything else."""
    db = Path(db)
    if not db.exists() and not db.is_symlink():
        return DbInfo(db)
    if not db.is_file():
        raise NotAScoreDatabase(db, "it is a folder or a special file, not a DuckDB file")
    if db.stat().st_size == 0:
        return DbInfo(db)                            # an empty file holds nothing to lose
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.ConnectionException as e:
        if is_duckdb_file(db):                       # this process already has it open (the app serving it)
            return DbInfo(db, exists=True, in_use=True)
        raise NotAScoreDatabase(db, f"DuckDB cannot open it: {_first_line(e)}") from e
    except duckdb.Error as e:
        raise NotAScoreDatabase(db, f"DuckDB cannot open it: {_first_line(e)}") from e
    try:
        return _read_info(db, con)
    finally:
        con.close()


def _read_info(db: Path, con: duckdb.DuckDBPyConnection) -> DbInfo:
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'main'").fetchall()}
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise NotAScoreDatabase(db, f"it has no {', '.join(missing)} table; it looks like another program's data")
    info = DbInfo(db, exists=True)
    row = con.execute("SELECT index_version, papers_hash FROM build_info").fetchone()
    if row:
        info.index_version, info.papers_hash = row
    info.paper_names = {r[0] for r in con.execute("SELECT file FROM papers").fetchall() if r[0]}
    if "build_meta" in tables:
        meta = dict(con.execute("SELECT key, value FROM build_meta").fetchall())
        info.papers_dir = Path(meta["papers_dir"]) if meta.get("papers_dir") else None
    if "paper_files" in tables:
        rows = con.execute("SELECT * FROM paper_files").fetchall()
        names = [d[0] for d in con.description]
        for row in (dict(zip(names, r)) for r in rows):
            info.files[row["paper_id"]] = (row["sha256"], row["kind"])
            if row.get("size") is not None and row.get("mtime_ns") is not None:
                info.stats[row["file"]] = (row["size"], row["mtime_ns"], row["sha256"])
    return info


def is_duckdb_file(path: Path) -> bool:
    """The DuckDB storage header: 'DUCK' at byte 8."""
    try:
        with open(path, "rb") as f:
            return f.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def is_read_only(path: Path) -> bool:
    """No write permission for its owner (checked on the mode bits too: root's os.access says yes to anything)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (mode & stat.S_IWUSR) or not os.access(path, os.W_OK)


def prepare_target(db: Path) -> Path:
    """Check that `db` may be (re)written, create its folder, remove leftovers; return the temporary file to write."""
    if is_read_only(db):
        raise DatabaseNotWritable(db, "the file is read-only; it is served as built and never replaced")
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DatabaseNotWritable(db.parent, e.strerror or type(e).__name__) from e
    if not os.access(db.parent, os.W_OK):
        raise DatabaseNotWritable(db.parent, "permission denied")
    remove_leftovers(db)
    tmp = db.with_name(f".{db.name}.tmp{os.getpid()}")
    discard(tmp)
    return tmp


def remove_leftovers(db: Path) -> list[Path]:
    """Delete `.<name>.tmp<pid>` files (and their WAL) whose build process no longer runs."""
    prefix = f".{db.name}.tmp"
    removed = []
    try:
        entries = list(db.parent.iterdir())
    except OSError:
        return removed
    for p in entries:                                # exact prefix match: no glob, so '*' in a name is literal
        if not p.name.startswith(prefix):
            continue
        pid = p.name[len(prefix):].removesuffix(".wal")
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True                                  # exists, owned by someone else
    return True


def discard(tmp: Path) -> None:
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)


def swap_in(tmp: Path, db: Path) -> None:
    """Atomically replace `db` by the finished `tmp` (a checkpointed file, so its WAL is empty)."""
    try:
        Path(str(db) + ".wal").unlink(missing_ok=True)
        os.replace(tmp, db)
    except OSError as e:
        raise DatabaseNotWritable(db, e.strerror or type(e).__name__) from e


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _first_line(e: Exception) -> str:
    return (str(e).splitlines() or [type(e).__name__])[0]
