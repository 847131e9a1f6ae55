"""Parsed records into rows, and rows into a new database file. Besides the score tables it writes what each paper
contributed to the tables shared by all papers (models, benchmarks, benchmark aliases): an incremental build
(index/incremental.py) recomputes a shared row from these when the papers naming it change.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from . import names, order
from .dbfile import META_DDL
from .schema import DDL
from .vocab import (COLUMNS as VOCAB_COLUMNS, NAME_KINDS, name_rows, names_seen, question_rows, seen_in,
                    word_rows)

if TYPE_CHECKING:
    from pathlib import Path

    from .build import Plan
    from .paper import PaperRecords

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
IDS = {"scores": "score_id", "facts": "fact_id", "passages": "passage_id"}      # numbered in paper-file order
PER_PAPER = ("papers", "tables", "scores", "facts", "passages", "claims", "model_aliases")
# What each paper contributed to a shared table (first record per paper; the build keeps the first paper's, in
# file-name order). Their DDL is dbfile.META_DDL: build metadata, not for questions.
CONTRIB = {"paper_models": ["paper_id", *COLUMNS["models"]],
           "paper_benchmarks": ["paper_id", *COLUMNS["benchmarks"]],
           "paper_benchmark_aliases": ["paper_id", *COLUMNS["benchmark_aliases"]]}
SMALL_INSERT = 20_000    # rows: fewer go in as parameter lists (no pandas import), more through a DataFrame


def collect(papers: list[PaperRecords]) -> dict[str, list[dict]]:
    """The rows of every table (and of CONTRIB) for the parsed papers, in their order."""
    rows: dict[str, list[dict]] = {k: [] for k in (*COLUMNS, *CONTRIB)}
    models: dict[str, names.ModelName] = {}
    benches: dict[str, names.Benchmark] = {}
    m_alias, b_alias = set(), set()
    for p in papers:
        pid = p.paper["paper_id"]
        rows["papers"].append(p.paper)
        rows["tables"] += p.tables
        rows["passages"] += p.passages
        own_models: dict[str, names.ModelName] = {}
        own_benches: dict[str, names.Benchmark] = {}
        own_b_alias: set[tuple[str, str]] = set()
        for rec in p.records:
            rows["scores"] += rec.scores
            rows["facts"] += rec.facts
            rows["claims"] += rec.claims
            for k, v in rec.models.items():
                own_models.setdefault(k, v)
            for k, v in rec.benchmarks.items():
                own_benches.setdefault(k, v)
            m_alias |= {(a, m, pid) for a, m in rec.model_aliases}
            own_b_alias |= rec.benchmark_aliases
        for k, v in own_models.items():
            models.setdefault(k, v)
        for k, v in own_benches.items():
            benches.setdefault(k, v)
        b_alias |= own_b_alias
        rows["paper_models"] += [dict(paper_id=pid, **model_row(m)) for m in own_models.values()]
        rows["paper_benchmarks"] += [dict(paper_id=pid, **benchmark_row(b)) for b in own_benches.values()]
        rows["paper_benchmark_aliases"] += [dict(paper_id=pid, alias=a, norm=names.model_key(a), benchmark_id=b)
                                            for a, b in sorted(own_b_alias)]
    number(rows)
    rows["models"] = [model_row(m) for m in models.values()]
    rows["model_aliases"] = [dict(alias=a, norm=names.model_key(a), model_id=m, paper_id=pid)
                             for a, m, pid in sorted(m_alias | {(m, m, None) for m in models}, key=str)]
    rows["benchmarks"] = [benchmark_row(b) for b in benches.values()]
    rows["benchmark_aliases"] = [dict(alias=a, norm=names.model_key(a), benchmark_id=b) for a, b in sorted(b_alias)]
    return rows


def model_row(m: names.ModelName) -> dict:
    return dict(model_id=m.canonical, family=m.family, size_b=m.size_b, active_b=m.active_b, variant=m.variant,
                version=m.version)


def benchmark_row(b: names.Benchmark) -> dict:
    return dict(benchmark_id=b.canonical, family=b.family, category=b.category)


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
        write_meta(con, plan, version)
        run(con, "CREATE TEMP TABLE staged_scores AS FROM scores LIMIT 0")    # written once, sorted, below
        for table, cols in (*COLUMNS.items(), *CONTRIB.items()):
            if table != "vocab":
                insert(con, "staged_scores" if table == "scores" else table, cols, rows[table])
        order.lay_out(con, staged="staged_scores")
        run(con, "DROP TABLE staged_scores")
        run(con, f"CREATE TEMP TABLE {WORK_VOCAB} AS FROM vocab LIMIT 0")
        insert(con, WORK_VOCAB, VOCAB_COLUMNS["vocab"], vocab_of(con))
        save_vocab(con)
        con.execute("CHECKPOINT")
        return counts(con)
    finally:
        con.close()


def write_meta(con: duckdb.DuckDBPyConnection, plan: Plan, version: str) -> None:
    """build_info, build_meta and paper_files (emptied first: an incremental build rewrites them whole)."""
    for table in ("build_info", "build_meta", "paper_files"):
        run(con, f"DELETE FROM {table}")
    run(con, "INSERT INTO build_info VALUES (?, ?, current_timestamp)", [version, plan.fingerprint()])
    run(con, "INSERT INTO build_meta VALUES ('papers_dir', ?)", [str(plan.papers_dir) if plan.papers_dir else None])
    files = [dict(paper_id=s.paper_id, file=s.path.name, sha256=s.sha256, kind=s.kind, size=s.size,
                  mtime_ns=s.mtime_ns) for s in plan.sources]
    insert(con, "paper_files", ["paper_id", "file", "sha256", "kind", "size", "mtime_ns"], files)


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in COLUMNS}


# The order the vocabulary reads its sources in (it keeps the first name seen for a key): the same in a full and
# an incremental build, whatever order the rows were written in.
VOCAB_SOURCES = {
    "models": ("SELECT * FROM models", "model_id", "ORDER BY model_id"),
    "model_aliases": ("SELECT * FROM model_aliases", "model_id", "ORDER BY ALL NULLS FIRST"),
    "benchmarks": ("SELECT * FROM benchmarks", "benchmark_id", "ORDER BY benchmark_id"),
    "benchmark_aliases": ("SELECT * FROM benchmark_aliases", "benchmark_id", "ORDER BY ALL NULLS FIRST"),
    "papers": ("SELECT * FROM papers", "paper_id", "ORDER BY paper_id"),
    "scores": ("SELECT DISTINCT setting, grp, metric, benchmark_id, paper_id FROM scores "
               "WHERE (setting IS NOT NULL OR grp IS NOT NULL OR metric IS NOT NULL)", "paper_id", "ORDER BY ALL NULLS FIRST"),
}


# The vocab table is written in one order (its rows are unique on these columns), so a reader that keeps the first
# row per key sees the same rows after a full or an incremental build; it is made in the temp table WORK_VOCAB.
VOCAB_ORDER = "ORDER BY kind, key, target, paper_id NULLS FIRST"
WORK_VOCAB = "work_vocab"


def save_vocab(con: duckdb.DuckDBPyConnection) -> None:
    run(con, "DELETE FROM vocab")
    run(con, f"INSERT INTO vocab SELECT * FROM {WORK_VOCAB} {VOCAB_ORDER}")
    run(con, f"DROP TABLE {WORK_VOCAB}")


def vocab_of(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The vocabulary of everything written so far."""
    out = name_rows(vocab_sources(con))
    return out + word_rows(names_seen(out)) + question_rows()


def vocab_sources(con: duckdb.DuckDBPyConnection, only: dict[str, str] | None = None) -> dict[str, list[dict]]:
    """The rows the vocabulary is made from; `only`: table -> a temp table of the ids to read (the rest: all)."""
    out = {}
    for table, (sql, key, order) in VOCAB_SOURCES.items():
        if only is not None:
            sql += (" AND " if " WHERE " in sql else " WHERE ") + f"{key} IN (SELECT id FROM {only[table]})"
        out[table] = fetch(con, f"{sql} {order}")
    return out


def vocab_seen(con: duckdb.DuckDBPyConnection, table: str = "vocab") -> set[str]:
    """vocab.names_seen of the names in a vocab table: keys of every name, words of every setting label."""
    kinds = ", ".join(f"'{k}'" for k in NAME_KINDS)
    return seen_in({k for (k,) in con.execute(f"SELECT DISTINCT key FROM {table} WHERE kind IN ({kinds})").fetchall()},
                   {n for (n,) in con.execute(f"SELECT DISTINCT name FROM {table} WHERE kind = 'setting'").fetchall()})


def fetch(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def insert(con: duckdb.DuckDBPyConnection, table: str, cols: list[str], rows: list[dict]) -> None:
    """Insert `rows` (dicts) into `table`'s `cols`."""
    if not rows:
        return
    if len(rows) < SMALL_INSERT:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = ? AND table_schema = 'main'", [table]).fetchall())
        select = ", ".join(f"unnest(?::{types[c]}[])" for c in cols)
        run(con, f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select}", [[r.get(c) for r in rows] for c in cols])
        return
    import pandas as pd                         # only for big inserts: its import costs more than a small one
    con.register("frame", pd.DataFrame(rows, columns=cols))
    try:
        run(con, f"INSERT INTO {table} ({', '.join(cols)}) SELECT * FROM frame")
    finally:
        con.unregister("frame")


def run(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> None:
    con.execute(sql, params).fetchall()         # consumed, so the connection is free for the next statement
