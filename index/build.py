"""Build the score database: parse every paper (pure, in worker processes when there are many), then write a new
file and swap it in atomically. Papers whose file is unchanged since the last build (same content hash, same index
code) are not read again: the previous database is copied and only the changed papers' rows are replaced.
"""
from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb

from . import store
from .dbfile import DbInfo, discard, inspect, is_read_only, prepare_target, sha256_file, swap_in
from .errors import DatabaseNotWritable, IngestError
from .paper import PAPER_SUFFIXES, PaperRecords, parse_paper
from .settings import ROOT, Settings
from .store import COLUMNS, collect, number  # noqa: F401  (re-exported: older callers import them from here)

DEFAULT_PAPERS = ROOT / "data" / "papers"
DEFAULT_DB = ROOT / "data" / "scores.duckdb"
INDEX_VERSION = "3"     # bump when the database layout changes; parsing changes are caught by the code hash below
PARALLEL_MIN = 24       # parse in worker processes from this many papers on (a small build stays in-process)
PROGRESS_EVERY = 50


# Modules that only orchestrate (what they change cannot change a parsed row): left out of the code hash.
NOT_PARSING = {"__main__.py", "build.py", "dbfile.py", "errors.py", "settings.py"}


@lru_cache(maxsize=1)
def index_version() -> str:
    """INDEX_VERSION plus a hash of the parsing code and data: a database built by other parsing code is stale."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for p in sorted(here.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc" and p.name not in NOT_PARSING:
            h.update(str(p.relative_to(here)).encode() + b"\0" + p.read_bytes() + b"\0")
    return f"{INDEX_VERSION}:{h.hexdigest()[:16]}"


@dataclass
class Source:
    """One paper to index: its file, its content hash, and the `--kind` it was added with (if any)."""
    path: Path
    sha256: str
    kind: str | None = None
    text: str | None = None          # given instead of reading the file (tests, generated papers)
    size: int | None = None
    mtime_ns: int | None = None

    @property
    def paper_id(self) -> str:
        return self.path.stem


@dataclass
class Plan:
    """What one build writes: all sources, which of them are kept from `reuse_db` (its rows, in place) unparsed."""
    sources: list[Source]
    papers_dir: Path | None = None
    reuse_db: Path | None = None
    reused: set[str] = field(default_factory=set)

    @property
    def to_parse(self) -> list[Source]:
        return [s for s in self.sources if s.paper_id not in self.reused]

    def fingerprint(self) -> str:
        return papers_hash(self.sources)


def paper_files(folder: Path) -> list[Path]:
    """The papers in `folder`: files with a paper suffix. A link to a file outside the folder is refused."""
    folder = Path(folder)
    if not folder.is_dir():
        raise IngestError(folder, "is not a folder of papers")
    root = folder.resolve()
    files = []
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() not in PAPER_SUFFIXES or not (p.is_file() or p.is_symlink()):
            continue
        target = p.resolve()
        if not target.is_relative_to(root):
            raise IngestError(p, f"links to {target}, which is outside the papers folder; copy the paper into "
                                 "the folder instead of linking to it")
        if target.is_file():
            files.append(p)
    if not files:
        raise IngestError(folder, f"holds no papers (files ending in {', '.join(PAPER_SUFFIXES)})")
    return files


def make_sources(items: list[tuple[Path, str | None]], kinds: dict[str, str] | None = None,
                 known: dict[str, tuple[int, int, str]] | None = None) -> list[Source]:
    """Sources with their content hash. A file whose size and modification time match what the last build
    recorded (`known`: name -> (size, mtime_ns, sha256)) is not read again, as git does for its index."""
    kinds, known = kinds or {}, known or {}
    out = []
    for path, text in items:
        path = Path(path)
        if text is not None:
            out.append(Source(path, hashlib.sha256(text.encode()).hexdigest(), kinds.get(path.stem), text))
            continue
        st = _stat(path)
        seen = known.get(path.name)
        sha = seen[2] if seen and seen[:2] == (st.st_size, st.st_mtime_ns) else _file_hash(path)
        out.append(Source(path, sha, kinds.get(path.stem), None, st.st_size, st.st_mtime_ns))
    ids = [s.paper_id for s in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    if dupes:
        raise IngestError(dupes[0], "two papers share this name (file stem); rename one")
    return out


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except OSError as e:
        raise IngestError(path, f"cannot be read ({e.strerror or type(e).__name__})") from e


def _file_hash(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError as e:
        raise IngestError(path, f"cannot be read ({e.strerror or type(e).__name__})") from e


def papers_hash(sources: list[Source]) -> str:
    h = hashlib.sha256()
    for s in sorted(sources, key=lambda s: s.path.name):
        h.update(f"{s.path.name}\0{s.sha256}\0{s.kind or ''}\0".encode())
    return h.hexdigest()


# -- parsing ---------------------------------------------------------------------------------------------------
def parse_all(sources: list, progress: bool = False) -> list[PaperRecords]:
    """Parse every source (a Source, or a (path, text) pair); in worker processes when there are many."""
    if sources and not isinstance(sources[0], Source):
        sources = make_sources(sources)
    jobs = [(s.path, s.text, s.kind) for s in sources]
    start, out = time.monotonic(), []
    results = _parse_in_workers(jobs) if len(jobs) >= PARALLEL_MIN and _workers() > 1 else map(_parse_job, jobs)
    for k, rec in enumerate(results, 1):
        out.append(rec)
        if progress and len(jobs) >= PROGRESS_EVERY and (k % PROGRESS_EVERY == 0 or k == len(jobs)):
            print(f"\r  parsed {k}/{len(jobs)} papers ({time.monotonic() - start:.1f} s)", end="",
                  file=sys.stderr, flush=True)
    if progress and len(jobs) >= PROGRESS_EVERY:
        print(file=sys.stderr)
    return out


def _parse_job(job: tuple[Path, str | None, str | None]) -> PaperRecords:
    path, text, kind = job
    return parse_paper(path, text, kind=kind or None)


def _workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _pool_context():
    """fork when only one Python thread runs (the CLI: quick, and the caller's script is not imported again);
    else forkserver, so a threaded caller (the web app) is never forked while another thread holds a lock."""
    from multiprocessing import get_context           # imported when a build is big enough to need workers
    return get_context("fork" if threading.active_count() == 1 else "forkserver")


def _parse_in_workers(jobs: list):
    from concurrent.futures import ProcessPoolExecutor
    pool = ProcessPoolExecutor(max_workers=_workers(), mp_context=_pool_context())
    try:
        yield from pool.map(_parse_job, jobs, chunksize=max(1, min(16, len(jobs) // (_workers() * 4))))
    finally:
        pool.shutdown(cancel_futures=True)


# -- building --------------------------------------------------------------------------------------------------
def build_database(sources: list, db: Path, progress: bool = False, papers_dir: Path | None = None,
                   reuse: DbInfo | None = None) -> dict[str, int]:
    """Parse the sources, write them into a new file, swap it in. On any error the old file is untouched.

    With `reuse` (what the old database records), papers whose content hash is unchanged are not parsed again: the
    new file is a copy of the old one with the other papers replaced (index/incremental.py), equal to a full build."""
    db = Path(db)
    srcs = sources if sources and isinstance(sources[0], Source) else make_sources(sources)
    plan = Plan(sorted(srcs, key=lambda s: s.path.name), Path(papers_dir).resolve() if papers_dir else None)
    if reuse is not None and _reusable(reuse, db):
        plan.reuse_db = db
        plan.reused = {s.paper_id for s in srcs if reuse.files.get(s.paper_id) == (s.sha256, s.kind)}
    rows = collect(parse_all(plan.to_parse, progress))
    tmp = prepare_target(db)
    try:
        counts = _write(plan, rows, db, tmp, progress)
        swap_in(tmp, db)
    except (duckdb.IOException, duckdb.PermissionException, OSError) as e:
        raise DatabaseNotWritable(db, str(e).splitlines()[0] if str(e) else type(e).__name__) from e
    finally:
        discard(tmp)
    return counts


def _write(plan: Plan, rows: dict[str, list[dict]], db: Path, tmp: Path, progress: bool) -> dict[str, int]:
    """Write the new file `tmp`: whole, or (when the plan reuses papers) from a copy of `db` changed in place."""
    if not plan.reused:
        return store.write(rows, tmp, plan, index_version())
    from .incremental import update
    try:
        return update(db, tmp, rows, plan, index_version())
    except (duckdb.CatalogException, duckdb.BinderException, duckdb.ConstraintException):
        discard(tmp)                                 # its tables were changed by hand: build it whole instead
        plan.reused = set()
        return store.write(collect(parse_all(plan.to_parse, progress)), tmp, plan, index_version())


def _reusable(info: DbInfo, db: Path) -> bool:
    """Written by this index code, and complete in its file (no write-ahead log left beside it)."""
    return info.exists and info.index_version == index_version() and not Path(f"{db}.wal").exists()


def _settings() -> Settings:
    return Settings()


def build(papers_dir: Path | None = None, db: Path | None = None, progress: bool = False,
          reuse: bool = False) -> dict[str, int]:
    """Build `db` from every paper in `papers_dir` (defaults: the settings). `reuse` copies unchanged papers."""
    s = _settings()
    papers_dir, db = Path(papers_dir or s.papers_dir), Path(db or s.db_path)
    info = inspect(db)                               # refuses a file that is not a score database
    kinds = {pid: kind for pid, (_, kind) in info.files.items() if kind}
    sources = make_sources([(p, None) for p in paper_files(papers_dir)], kinds, info.stats if reuse else None)
    return build_database(sources, db, progress, papers_dir, info if reuse else None)


def recorded_folder(info: DbInfo, papers_dir: Path | None, default: Path) -> Path:
    """The papers folder to use with a database: the one asked for, else the one it records, else the default.
    Asking for a different folder than the one a database records is refused: it would drop its papers."""
    if papers_dir is None:
        return info.papers_dir or Path(default)
    if info.papers_dir and Path(papers_dir).resolve() != info.papers_dir:
        raise IngestError(info.path, f"was built from {info.papers_dir}, not {papers_dir}",
                          fix=f"Pass --papers {info.papers_dir}, or use another --db for the other folder.")
    return Path(papers_dir)


def add(files: list[Path], db: Path | None = None, papers_dir: Path | None = None, kind: str | None = None,
        progress: bool = False) -> dict[str, int]:
    """Add or replace papers: only new or changed papers are parsed; then the files are copied into the folder.

    Deletes nothing but the paper each file replaces (same name; or same stem with another suffix)."""
    s = _settings()
    db = Path(db or s.db_path)
    files = [Path(f) for f in files]
    for f in files:
        if f.suffix.lower() not in PAPER_SUFFIXES:
            raise IngestError(f, f"is not a paper (expected one of {', '.join(PAPER_SUFFIXES)})")
        if not f.is_file():
            raise IngestError(f, "does not exist or is not a file")
    info = inspect(db)
    folder = recorded_folder(info, Path(papers_dir) if papers_dir else None, s.papers_dir)
    new = {f.stem for f in files}
    kept = [p for p in paper_files(folder) if p.stem not in new] if folder.is_dir() else []
    kinds = {pid: k for pid, (_, k) in info.files.items() if k and pid not in new}
    kinds.update({f.stem: kind for f in files} if kind else {})
    known = {name: st for name, st in info.stats.items() if Path(name).stem not in new}
    sources = make_sources([(p, None) for p in kept] + [(f, None) for f in files], kinds, known)
    counts = build_database(sources, db, progress, folder, info)
    copy_into(files, folder)
    return counts


def copy_into(files: list[Path], folder: Path) -> None:
    """Copy each new paper into the folder (atomically), then remove the one paper it replaces, if any."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DatabaseNotWritable(folder, e.strerror or type(e).__name__) from e
    root = folder.resolve()
    for f in files:
        if f.resolve().parent == root:
            continue
        dest, tmp = folder / f.name, folder / f".{f.name}.tmp{os.getpid()}"
        tmp.write_bytes(f.read_bytes())
        os.replace(tmp, dest)
        for old in folder.iterdir():
            if old.stem == f.stem and old.name != f.name and old.suffix.lower() in PAPER_SUFFIXES and old.is_file():
                old.unlink()


def ensure_database(papers_dir: Path | None = None, db: Path | None = None) -> bool:
    """Build the database if it is missing, or was built by other index code, or its papers changed since.

    A database records the folder it was built from and is refreshed from that folder; a read-only database is
    served as built. Raises NotAScoreDatabase (never replacing the file) when `db` is something else.
    Returns True when it built one."""
    s = _settings()
    papers_dir, db = Path(papers_dir or s.papers_dir), Path(db or s.db_path)
    info = inspect(db)
    if not info.exists:
        build(papers_dir, db)
        return True
    folder = info.papers_dir or papers_dir
    if info.in_use or is_read_only(db) or not folder.is_dir() or _current(info, folder):
        return False
    if info.papers_dir is None and not info.paper_names <= {p.name for p in folder.iterdir()}:
        return False                                 # built (by older code) from papers this folder lacks
    try:
        build(folder, db, reuse=True)
    except DatabaseNotWritable:
        return False                                 # cannot refresh it here: serve it as built
    return True


def is_current(papers_dir: Path, db: Path) -> bool:
    """True when `db` was built by this index code from the papers now in its folder (or `papers_dir`)."""
    info = inspect(Path(db))
    if not info.exists:
        return False
    if info.in_use:
        return True                                  # being served by this process: treated as current
    folder = info.papers_dir or Path(papers_dir)
    return not folder.is_dir() or _current(info, folder)


def _current(info: DbInfo, folder: Path) -> bool:
    if info.index_version != index_version():
        return False
    kinds = {pid: kind for pid, (_, kind) in info.files.items() if kind}
    return info.papers_hash == papers_hash(make_sources([(p, None) for p in paper_files(folder)], kinds, info.stats))
