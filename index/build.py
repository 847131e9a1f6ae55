"""Build the score database: parse every paper (pure), then write a new file and swap it in atomically."""
from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

from . import names
from .errors import IngestError
from .paper import PAPER_SUFFIXES, PaperRecords, parse_paper
from .schema import DDL
from .vocab import COLUMNS as VOCAB_COLUMNS, vocab_rows

DEFAULT_PAPERS = Path(__file__).resolve().parent.parent / "data" / "papers"
DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "scores.duckdb"
INDEX_VERSION = "1"     # bump when parsing changes: databases built by older code are rebuilt on start-up

COLUMNS = {
    "papers": ["paper_id", "title", "file", "kind", "precedence", "precedence_note", "sha256"],
    "tables": ["paper_id", "table_id", "table_no", "caption", "page", "section", "format", "orientation", "note",
               "line", "n_values"],
    "scores": ["score_id", "paper_id", "table_id", "table_no", "caption", "page", "section", "model_id",
               "benchmark_id", "grp", "setting", "metric", "value", "unit", "raw_cell", "row_header", "col_header",
               "model_raw", "benchmark_raw", "is_bold"],
    "facts": ["fact_id", "paper_id", "table_id", "table_no", "caption", "page", "section", "model_id", "subject",
              "attribute", "value", "unit", "value_text", "raw_cell", "row_header", "col_header"],
    "passages": ["passage_id", "paper_id", "section", "page", "text", "original", "line"],
    "claims": ["claim_id", "paper_id", "table_id", "claim", "mark", "verified", "confidence"],
    "models": ["model_id", "family", "size_b", "active_b", "variant", "version"],
    "model_aliases": ["alias", "norm", "model_id", "paper_id"],
    "benchmarks": ["benchmark_id", "family", "category"],
    "benchmark_aliases": ["alias", "norm", "benchmark_id"],
    **VOCAB_COLUMNS,
}


def paper_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise IngestError(folder, "is not a folder of papers")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PAPER_SUFFIXES)
    if not files:
        raise IngestError(folder, f"holds no papers (files ending in {', '.join(PAPER_SUFFIXES)})")
    return files


def parse_all(sources: list[tuple[Path, str | None]], progress: bool = False) -> list[PaperRecords]:
    out, start = [], time.monotonic()
    for k, (path, text) in enumerate(sources, 1):
        out.append(parse_paper(path, text))
        if progress and (k % 50 == 0 or k == len(sources)) and len(sources) >= 50:
            print(f"  parsed {k}/{len(sources)} papers ({time.monotonic() - start:.1f} s)", file=sys.stderr)
    ids = [p.paper["paper_id"] for p in out]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise IngestError(sorted(dupes)[0], "two papers share this name (file stem); rename one")
    return out


def collect(papers: list[PaperRecords]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {k: [] for k in COLUMNS}
    models: dict[str, names.ModelName] = {}
    benches: dict[str, names.Benchmark] = {}
    m_alias, b_alias = set(), set()
    for p in papers:
        rows["papers"].append(p.paper)
        rows["tables"] += p.tables
        rows["passages"] += p.passages
        for rec in p.records:
            rows["scores"] += rec.scores
            rows["facts"] += rec.facts
            rows["claims"] += rec.claims
            for k, v in rec.models.items():
                models.setdefault(k, v)
            for k, v in rec.benchmarks.items():
                benches.setdefault(k, v)
            m_alias |= {(a, m, p.paper["paper_id"]) for a, m in rec.model_aliases}
            b_alias |= rec.benchmark_aliases
    number(rows)
    rows["models"] = [dict(model_id=m.canonical, family=m.family, size_b=m.size_b, active_b=m.active_b,
                           variant=m.variant, version=m.version) for m in models.values()]
    rows["model_aliases"] = [dict(alias=a, norm=names.model_key(a), model_id=m, paper_id=pid)
                             for a, m, pid in sorted(m_alias | {(m, m, None) for m in models}, key=str)]
    rows["benchmarks"] = [dict(benchmark_id=b.canonical, family=b.family, category=b.category)
                          for b in benches.values()]
    rows["benchmark_aliases"] = [dict(alias=a, norm=names.model_key(a), benchmark_id=b) for a, b in sorted(b_alias)]
    rows.update(vocab_rows(rows))
    return rows


def number(rows: dict[str, list[dict]]) -> None:
    for table, key in (("scores", "score_id"), ("facts", "fact_id"), ("passages", "passage_id")):
        for k, r in enumerate(rows[table], 1):
            r[key] = k


def papers_hash(sources: list[tuple[Path, str | None]]) -> str:
    h = hashlib.sha256()
    for path, text in sorted(sources, key=lambda s: s[0].name):
        h.update(path.name.encode() + b"\0" + (text.encode() if text is not None else path.read_bytes()) + b"\0")
    return h.hexdigest()


def write(rows: dict[str, list[dict]], target: Path, fingerprint: str) -> None:
    con = duckdb.connect(str(target))
    try:
        con.execute(DDL)
        con.execute("INSERT INTO build_info VALUES (?, ?, current_timestamp)", [INDEX_VERSION, fingerprint])
        for table, cols in COLUMNS.items():
            if rows[table]:
                con.register("frame", pd.DataFrame(rows[table], columns=cols))
                con.execute(f"INSERT INTO {table} SELECT * FROM frame")
                con.unregister("frame")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def swap_in(tmp: Path, db: Path) -> None:
    wal = Path(str(db) + ".wal")
    if wal.exists():
        wal.unlink()
    os.replace(tmp, db)


def build_database(sources: list[tuple[Path, str | None]], db: Path, progress: bool = False) -> dict[str, int]:
    """Parse all sources, write them into a fresh file, swap it in. On any error the old file is untouched."""
    papers = parse_all(sources, progress)
    rows = collect(papers)
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f".{db.name}.tmp{os.getpid()}")
    for stale in (tmp, Path(str(tmp) + ".wal")):
        stale.unlink(missing_ok=True)
    try:
        write(rows, tmp, papers_hash(sources))
        swap_in(tmp, db)
    finally:
        for stale in (tmp, Path(str(tmp) + ".wal")):
            stale.unlink(missing_ok=True)
    return {k: len(v) for k, v in rows.items()}


def build(papers_dir: Path = DEFAULT_PAPERS, db: Path = DEFAULT_DB, progress: bool = False) -> dict[str, int]:
    return build_database([(p, None) for p in paper_files(papers_dir)], db, progress)


def add(files: list[Path], db: Path = DEFAULT_DB, papers_dir: Path | None = DEFAULT_PAPERS) -> dict[str, int]:
    """Add or replace papers: rebuild from the papers folder plus the new files; then copy them in."""
    new = {f.stem: f for f in files}
    for f in files:
        if f.suffix.lower() not in PAPER_SUFFIXES:
            raise IngestError(f, f"is not a paper (expected one of {', '.join(PAPER_SUFFIXES)})")
    kept = [p for p in paper_files(papers_dir) if p.stem not in new] if papers_dir and papers_dir.is_dir() else []
    counts = build_database([(p, None) for p in kept] + [(f, None) for f in files], db)
    if papers_dir:
        papers_dir.mkdir(parents=True, exist_ok=True)
        for f in files:
            if f.resolve().parent != papers_dir.resolve():
                for old in papers_dir.glob(f.stem + ".*"):
                    old.unlink()
                (papers_dir / f.name).write_bytes(f.read_bytes())
    return counts


def ensure_database(papers_dir: Path = DEFAULT_PAPERS, db: Path = DEFAULT_DB) -> bool:
    """Build the database if it is missing, was built by older index code, or the papers changed since.

    Returns True when it built one."""
    papers_dir, db = Path(papers_dir), Path(db)
    if db.exists() and is_current(papers_dir, db):
        return False
    build(papers_dir, db)
    return True


def is_current(papers_dir: Path, db: Path) -> bool:
    try:
        con = duckdb.connect(str(db), read_only=True)
        try:
            row = con.execute("SELECT index_version, papers_hash FROM build_info").fetchone()
        finally:
            con.close()
    except duckdb.Error:
        return False          # unreadable, or built before build_info existed
    if not papers_dir.is_dir():
        return True           # nothing to compare with: keep what we have
    return row == (INDEX_VERSION, papers_hash([(p, None) for p in paper_files(papers_dir)]))
