"""An incremental build: a copy of the previous database file, changed in place to hold the current papers.

The rows of every paper that changed or went away are deleted, the new papers' rows inserted, and what depends on
them recomputed: the shared models, benchmarks and aliases from what each paper contributed (the first paper in
file-name order wins, as in a full build), the vocabulary rows of the names they touch, and the row ids (numbered
in file-name order, as a full build numbers them). The result holds the same rows as a full build of the same
papers; the caller swaps it in atomically, exactly like a full build's file.

Only a database written by this same index code is changed this way (the caller checks its index version).
"""
from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import duckdb

from . import names, order
from .store import (CONTRIB, COLUMNS, IDS, PER_PAPER, WORK_VOCAB, counts, insert, number, run, save_vocab,
                    vocab_seen, vocab_sources, write_meta)
from .vocab import BENCHMARK_KINDS, COLUMNS as VOCAB, MODEL_KINDS, name_rows, word_rows

if TYPE_CHECKING:
    from pathlib import Path

    from .build import Plan

# Temp tables of ids (column `id`) naming what this build changes.
CHANGED, MODELS, BENCHMARKS = "changed_papers", "touched_models", "touched_benchmarks"
VOCAB_COLUMNS = VOCAB["vocab"]
TOUCHES = {MODELS: ("SELECT model_id FROM paper_models WHERE paper_id IN (SELECT id FROM changed_papers) UNION "
                    "SELECT model_id FROM model_aliases WHERE paper_id IN (SELECT id FROM changed_papers)"),
           BENCHMARKS: ("SELECT benchmark_id FROM paper_benchmarks WHERE paper_id IN (SELECT id FROM changed_papers) "
                        "UNION SELECT benchmark_id FROM paper_benchmark_aliases "
                        "WHERE paper_id IN (SELECT id FROM changed_papers)")}


def update(old: Path, target: Path, rows: dict[str, list[dict]], plan: Plan, version: str) -> dict[str, int]:
    """Write into `target` (a new file) `old` with the papers not in `plan.reused` replaced by `rows` (their
    collected rows). Returns the row count of each table."""
    shutil.copyfile(old, target)
    con = duckdb.connect(str(target))
    try:
        run(con, "BEGIN TRANSACTION")
        mark_changed(con, plan, rows)
        for table in (*PER_PAPER, *CONTRIB):
            run(con, f"DELETE FROM {table} WHERE paper_id IN (SELECT id FROM {CHANGED})")
        write_meta(con, plan, version)
        number(rows, {t: con.execute(f"SELECT coalesce(max({k}), 0) FROM {t}").fetchall()[0][0]
                      for t, k in IDS.items()})
        for table, cols in (*((t, COLUMNS[t]) for t in PER_PAPER), *CONTRIB.items()):
            insert(con, table, cols, [r for r in rows[table] if table != "model_aliases" or r["paper_id"]])
        for table, sql in TOUCHES.items():                  # and what the new papers name
            run(con, f"INSERT INTO {table} {sql}")
        shared(con)
        renumber(con)
        order.refresh(con)
        vocabulary(con)
        run(con, "COMMIT")
        run(con, "CHECKPOINT")
        return counts(con)
    finally:
        con.close()


def mark_changed(con: duckdb.DuckDBPyConnection, plan: Plan, rows: dict[str, list[dict]]) -> None:
    """The changed papers (in the old file but not kept, or new) and the models and benchmarks they name now."""
    kept = sorted(plan.reused)
    new = [p["paper_id"] for p in rows["papers"]]
    run(con, f"CREATE TEMP TABLE {CHANGED} AS SELECT paper_id AS id FROM paper_files "
             "WHERE paper_id NOT IN (SELECT unnest(?::VARCHAR[])) UNION SELECT unnest(?::VARCHAR[])", [kept, new])
    for table, sql in TOUCHES.items():
        run(con, f"CREATE TEMP TABLE {table} AS SELECT * FROM ({sql}) t(id)")


def shared(con: duckdb.DuckDBPyConnection) -> None:
    """Models, benchmarks and their aliases for the touched names, from what the current papers contribute."""
    first = "QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY f.file) = 1"
    for table, contrib, key, touched in (("models", "paper_models", "model_id", MODELS),
                                         ("benchmarks", "paper_benchmarks", "benchmark_id", BENCHMARKS)):
        cols = ", ".join(f"c.{c}" for c in COLUMNS[table])
        run(con, f"DELETE FROM {table} WHERE {key} IN (SELECT id FROM {touched})")
        run(con, f"INSERT INTO {table} SELECT {cols} FROM {contrib} c JOIN paper_files f USING (paper_id) "
                 f"WHERE c.{key} IN (SELECT id FROM {touched}) " + first.format(key=f"c.{key}"))
    run(con, f"DELETE FROM model_aliases WHERE paper_id IS NULL AND model_id IN (SELECT id FROM {MODELS})")
    present = [m for (m,) in con.execute(f"SELECT model_id FROM models WHERE model_id IN (SELECT id FROM {MODELS}) "
                                         "ORDER BY model_id").fetchall()]
    insert(con, "model_aliases", COLUMNS["model_aliases"],
           [dict(alias=m, norm=names.model_key(m), model_id=m, paper_id=None) for m in present])
    run(con, f"DELETE FROM benchmark_aliases WHERE benchmark_id IN (SELECT id FROM {BENCHMARKS})")
    run(con, "INSERT INTO benchmark_aliases SELECT DISTINCT alias, norm, benchmark_id FROM paper_benchmark_aliases "
             f"WHERE benchmark_id IN (SELECT id FROM {BENCHMARKS})")


def renumber(con: duckdb.DuckDBPyConnection) -> None:
    """Row ids as a full build numbers them: papers in file-name order, each paper's rows in their own order."""
    for table, key in IDS.items():
        run(con, f"UPDATE {table} SET {key} = n.rn FROM (SELECT t.rowid AS r, row_number() OVER "
                 f"(ORDER BY f.file, t.{key}) AS rn FROM {table} t JOIN paper_files f USING (paper_id)) n "
                 f"WHERE {table}.rowid = n.r AND {table}.{key} IS DISTINCT FROM n.rn")


def vocabulary(con: duckdb.DuckDBPyConnection) -> None:
    """The vocabulary rows of the touched models, benchmarks and changed papers again; the everyday words anew."""
    kinds = lambda ks: ", ".join(f"'{k}'" for k in ks)  # noqa: E731
    run(con, f"CREATE TEMP TABLE {WORK_VOCAB} AS FROM vocab")
    run(con, f"DELETE FROM {WORK_VOCAB} WHERE "
             f"(kind IN ({kinds(MODEL_KINDS)}) AND target IN (SELECT id FROM {MODELS})) "
             f"OR (kind IN ({kinds(BENCHMARK_KINDS)}) AND target IN (SELECT id FROM {BENCHMARKS})) "
             f"OR (kind = 'setting' AND paper_id IN (SELECT id FROM {CHANGED})) "
             f"OR (kind = 'paper' AND target IN (SELECT id FROM {CHANGED})) OR kind = 'word'")
    only = {"models": MODELS, "model_aliases": MODELS, "benchmarks": BENCHMARKS, "benchmark_aliases": BENCHMARKS,
            "papers": CHANGED, "scores": CHANGED}
    insert(con, WORK_VOCAB, VOCAB_COLUMNS, name_rows(vocab_sources(con, only)))
    insert(con, WORK_VOCAB, VOCAB_COLUMNS, word_rows(vocab_seen(con, WORK_VOCAB)))
    save_vocab(con)
