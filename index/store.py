"""Parsed records into rows, and rows into a new database file (plus the rows of unchanged papers, copied)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from . import names, order
from .dbfile import META_DDL
from .paper import PaperRecords
from .schema import DDL
from .vocab import COLUMNS as VOCAB_COLUMNS, vocab_rows

if TYPE_CHECKING:
    from pathlib import Path

    from .build import Plan

COLUMNS = {
    "papers": ["paper_id", "title", "file", "kind", "precedence", "precedence_note", "sha256"],
    "tables": ["paper_id", "table_id", "table_no", "caption", "page", "section", "format", "orientation", "note",
               "line", "n_values"],
    "scores": ["score_id", "paper_id", "table_id", "table_no", "caption", "page", "section", "model_id",
               "benchmark_id", "grp", "setting", "metric", "value", "unit", "raw_cell", "row_header", "col_header",
               "model_raw", "benchmark_raw", "is_bold", "spread", "source_kind"],
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
IDS = {"scores": "score_id", "facts": "fact_id", "passages": "passage_id"}
PER_PAPER = ("papers", "tables", "scores", "facts", "passages", "claims", "model_aliases")
# Tables shared by all papers: a row already copied from the old database is not inserted twice.
SHARED_KEYS = {"models": "model_id", "benchmarks": "benchmark_id"}


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
    return rows


def number(rows: dict[str, list[dict]], start: dict[str, int] | None = None) -> None:
    for table, key in IDS.items():
        first = (start or {}).get(table, 0) + 1
        for k, r in enumerate(rows[table], first):
            r[key] = k


def write(rows: dict[str, list[dict]], target: Path, plan: Plan, version: str) -> dict[str, int]:
    """Write a complete database into `target` (a new file); return the row count of each table."""
    con = duckdb.connect(str(target))
    try:
        con.execute(DDL)
        con.execute(META_DDL)
        con.execute("INSERT INTO build_info VALUES (?, ?, current_timestamp)", [version, plan.fingerprint()])
        con.execute("INSERT INTO build_meta VALUES ('papers_dir', ?)",
                    [str(plan.papers_dir) if plan.papers_dir else None])
        files = [dict(paper_id=s.paper_id, file=s.path.name, sha256=s.sha256, kind=s.kind, size=s.size,
                      mtime_ns=s.mtime_ns) for s in plan.sources]
        _insert(con, "paper_files", list(files[0]) if files else [], files, dedupe=False)
        known_keys = None
        if plan.reused:
            known_keys = copy_reused(con, plan.reuse_db, sorted(plan.reused))
            number(rows, {t: con.execute(f"SELECT coalesce(max({k}), 0) FROM {t}").fetchall()[0][0]
                          for t, k in IDS.items()})
        for table, cols in COLUMNS.items():
            if rows[table]:
                _insert(con, table, cols, rows[table], dedupe=bool(plan.reused))
        order.lay_out(con)
        _insert(con, "vocab", VOCAB_COLUMNS["vocab"], vocab_of(con, known_keys), dedupe=False)
        con.execute("CHECKPOINT")
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in COLUMNS}
    finally:
        con.close()


def vocab_of(con: duckdb.DuckDBPyConnection, known_keys: dict[str, str] | None = None) -> list[dict]:
    """The vocabulary of everything written so far, new and copied papers alike (so an incremental add sees all).
    known_keys: the name keys the previous build computed (same index code), so they are not computed again."""
    def fetch(sql: str) -> list[dict]:
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    rows = {t: fetch(f"SELECT * FROM {t}") for t in ("models", "model_aliases", "benchmarks", "benchmark_aliases",
                                                      "papers")}
    rows["scores"] = fetch("SELECT DISTINCT setting, grp, benchmark_id, paper_id FROM scores "
                           "WHERE setting IS NOT NULL OR grp IS NOT NULL")
    return vocab_rows(rows, known_keys)["vocab"]


def _insert(con: duckdb.DuckDBPyConnection, table: str, cols: list[str], rows: list[dict], dedupe: bool) -> None:
    if not rows:
        return
    con.register("frame", pd.DataFrame(rows, columns=cols))
    try:
        select = "SELECT * FROM frame"
        if dedupe and table in SHARED_KEYS:
            key = SHARED_KEYS[table]
            select += f" WHERE {key} NOT IN (SELECT {key} FROM {table})"
        elif dedupe and table in ("model_aliases", "benchmark_aliases"):
            select = f"SELECT * FROM frame EXCEPT SELECT * FROM {table}"
        _run(con, f"INSERT INTO {table} ({', '.join(cols)}) {select}")
    finally:
        con.unregister("frame")


def copy_reused(con: duckdb.DuckDBPyConnection, old: Path, paper_ids: list[str]) -> dict[str, str]:
    """Copy the rows of unchanged papers from the old database, and the names they use. Returns the old
    vocabulary's name -> key pairs (the old file was built by this same index code: the keys are valid)."""
    _run(con, f"ATTACH '{_quote(old)}' AS old (READ_ONLY)")
    try:
        _run(con, "CREATE TEMP TABLE keep AS SELECT unnest(?::VARCHAR[]) AS paper_id", [paper_ids])
        for table in PER_PAPER:
            cols = ", ".join(COLUMNS[table])
            _run(con, f"INSERT INTO {table} ({cols}) SELECT {cols} FROM old.{table} "
                        f"WHERE paper_id IN (SELECT paper_id FROM keep)")
        used_models = ("SELECT model_id FROM scores UNION SELECT model_id FROM facts "
                       "UNION SELECT model_id FROM model_aliases")
        _copy_where(con, "models", f"model_id IN ({used_models})")
        _copy_where(con, "model_aliases", "paper_id IS NULL AND model_id IN (SELECT model_id FROM models)")
        _copy_where(con, "benchmarks", "benchmark_id IN (SELECT benchmark_id FROM scores)")
        _copy_where(con, "benchmark_aliases", "benchmark_id IN (SELECT benchmark_id FROM benchmarks)")
        return dict(con.execute("SELECT DISTINCT name, key FROM old.vocab WHERE name IS NOT NULL").fetchall())
    finally:
        _run(con, "DETACH old")


def _copy_where(con: duckdb.DuckDBPyConnection, table: str, where: str) -> None:
    cols = ", ".join(COLUMNS[table])
    _run(con, f"INSERT INTO {table} ({cols}) SELECT {cols} FROM old.{table} WHERE {where}")


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> None:
    con.execute(sql, params).fetchall()         # consumed, so the connection is free for the next statement


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
