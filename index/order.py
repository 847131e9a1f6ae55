"""The score rows laid out for the two ways questions read them, so neither reads more than it needs at any size.

- `scores` (every column) is stored sorted by model, then benchmark: a question about named models reads only the
  row groups of those models (DuckDB's zone maps skip the rest).
- `score_ranks` (a narrow copy: keys, setting, value) is stored sorted by benchmark, best value first: a ranking or
  an average reads only its benchmark's rows and only these columns, then fetches the few rows it shows from
  `scores` by their key (model_id, benchmark_id, pref), which an in-place add does not renumber.

Both carry each row's (setting, group, metric) combination as one key (`combo`) and its place among the rows of
its (model, benchmark) in the order a question prefers them (`pref`: the paper of highest precedence first, a
table before the text, the most specific setting first, then the order of the rows). Because that order is total,
the preferred row of any subset of a pair's rows is the one of lowest `pref`: a query picks it with arg_min
instead of a window over wide rows. `lower_better` marks rows whose table caption says lower is better."""
from __future__ import annotations

import duckdb

COMBO = "coalesce(s.setting, '') || chr(31) || coalesce(s.grp, '') || chr(31) || coalesce(s.metric, '')"
PREF = ("row_number() OVER (PARTITION BY s.model_id, s.benchmark_id ORDER BY p.precedence, s.source_kind = 'text', "
        "length(coalesce(s.setting, '')) DESC, s.score_id)")
# A caption saying lower is better ('lower is better', 'the lower, the better', '(lower values are better)', '↓'):
# read here for rankings and by assistant/compose.py for comparisons, so both order a table the same way.
LOWER_BETTER = r"lower,? (?:is )?(?:the )?better|\(lower\b[^)]*\bbetter\)|↓"
RANK_COLUMNS = ["benchmark_id", "model_id", "paper_id", "table_no", "combo", "setting", "grp", "metric",
                "pref", "value", "lower_better"]
RANKS_DDL = """CREATE TABLE IF NOT EXISTS score_ranks (
    benchmark_id VARCHAR, model_id VARCHAR, paper_id VARCHAR, table_no VARCHAR, combo VARCHAR,
    setting VARCHAR, grp VARCHAR, metric VARCHAR, pref INTEGER, value DOUBLE, lower_better BOOLEAN)"""


def lay_out(con: duckdb.DuckDBPyConnection, staged: str | None = None) -> None:
    """Write `scores` sorted by model with `combo` and `pref`, and `score_ranks` from it, sorted by benchmark.
    staged: a table holding the new rows (scores is empty then, and written once); else scores is rewritten."""
    cols = _columns(con, "scores")
    kept = ", ".join(f"s.{c}" for c in cols if c not in ("combo", "pref"))
    laid = (f"SELECT {kept}, {COMBO} AS combo, ({PREF})::INTEGER AS pref "
            f"FROM {staged or 'scores'} s LEFT JOIN papers p ON p.paper_id = s.paper_id "
            "ORDER BY s.model_id, s.benchmark_id, s.score_id")
    if staged:
        _run(con, f"INSERT INTO scores ({', '.join(cols)}) {laid}")
    else:
        _run(con, f"CREATE OR REPLACE TEMP TABLE laid AS {laid}")
        _run(con, "DELETE FROM scores")
        _run(con, "CHECKPOINT")                  # frees the old blocks, so the rewrite reuses them
        _run(con, f"INSERT INTO scores ({', '.join(cols)}) SELECT {', '.join(cols)} FROM laid")
        _run(con, "DROP TABLE laid")
    _run(con, "DROP TABLE IF EXISTS score_ranks")
    _run(con, RANKS_DDL)
    _insert_ranks(con)


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """After rows were inserted or deleted in place (new rows appended, unsorted, without keys) and the row ids
    renumbered in order: give new rows their `combo`; number `pref` again in every (model, benchmark) pair that
    has a new row or lost one (its places are no longer exactly 1..n); and write the `score_ranks` rows of those
    pairs, and of pairs whose row count changed, again. The result equals a full lay-out's, up to the physical
    order of the rows."""
    _run(con, f"UPDATE scores s SET combo = {COMBO} WHERE s.combo IS NULL")
    _run(con, """CREATE OR REPLACE TEMP TABLE dirty AS SELECT model_id, benchmark_id FROM scores
                 GROUP BY model_id, benchmark_id
                 HAVING count(pref) < count(*) OR max(pref) <> count(*) OR min(pref) <> 1""")
    pairs = "(s.model_id, s.benchmark_id) IN (SELECT model_id, benchmark_id FROM dirty)"
    _run(con, f"""UPDATE scores SET pref = x.pref FROM (
        SELECT s.score_id, ({PREF})::INTEGER AS pref FROM scores s LEFT JOIN papers p ON p.paper_id = s.paper_id
        WHERE {pairs}) x WHERE scores.score_id = x.score_id AND scores.pref IS DISTINCT FROM x.pref""")
    _run(con, """INSERT INTO dirty SELECT coalesce(a.model_id, b.model_id), coalesce(a.benchmark_id, b.benchmark_id)
        FROM (SELECT model_id, benchmark_id, count(*) AS n FROM scores GROUP BY ALL) a
        FULL JOIN (SELECT model_id, benchmark_id, count(*) AS n FROM score_ranks GROUP BY ALL) b
          ON a.model_id = b.model_id AND a.benchmark_id = b.benchmark_id
        WHERE a.n IS DISTINCT FROM b.n""")
    _run(con, f"DELETE FROM score_ranks s WHERE {pairs}")
    _insert_ranks(con, pairs)
    _run(con, "DROP TABLE dirty")


def _insert_ranks(con: duckdb.DuckDBPyConnection, where: str = "TRUE") -> None:
    """score_ranks rows from scores, sorted by benchmark; `lower_better` read once per table from its caption."""
    select = ", ".join(f"s.{c}" for c in RANK_COLUMNS if c != "lower_better")
    _run(con, f"""INSERT INTO score_ranks ({', '.join(RANK_COLUMNS)})
        SELECT {select}, coalesce(t.lower_better, false)
        FROM scores s LEFT JOIN (SELECT paper_id, table_id, regexp_matches(caption, ?, 'i') AS lower_better
                                 FROM tables) t ON t.paper_id = s.paper_id AND t.table_id = s.table_id
        WHERE {where}
        ORDER BY s.benchmark_id, s.value DESC NULLS LAST, s.model_id, s.pref""", [LOWER_BETTER])


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()]


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> None:
    con.execute(sql, params).fetchall()
