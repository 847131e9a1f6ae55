"""Values and sources from stored rows only: an LLM-written query picks rows by key, the tables supply the values.

Whatever SQL the LLM writes, what the user sees is re-read from `scores` / `facts` by the keys its result holds
(`score_id`, `fact_id`), so a literal (`99.9 AS value`) or an expression can never pass as a reported number.

    sql = with_row_keys(checked_sql)            # adds score_id / fact_id to a plain SELECT over scores or facts
    rows = stored_rows(db, sql, result_rows)    # the stored rows those keys name, in the query's order
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp

from assistant.guard import QueryRejected, SafeDB

# table -> (key column, the alias with_row_keys gives an added key)
KEYS = {"scores": ("score_id", "_score_id"), "facts": ("fact_id", "_fact_id")}
SHOWN = {
    "scores": ("SELECT s.score_id, s.paper_id, coalesce(p.title, s.paper_id) AS paper_title, s.table_id, s.table_no, "
               "s.caption, s.page, s.section, s.model_id, s.benchmark_id, s.grp, s.setting, s.metric, s.value, s.unit, "
               "s.raw_cell FROM scores s LEFT JOIN papers p ON p.paper_id = s.paper_id WHERE s.score_id IN "),
    "facts": ("SELECT f.fact_id, f.paper_id, coalesce(p.title, f.paper_id) AS paper_title, f.table_id, f.table_no, "
              "f.caption, f.page, f.section, f.model_id, f.subject, f.attribute, f.value, f.unit, f.value_text, "
              "f.raw_cell FROM facts f LEFT JOIN papers p ON p.paper_id = f.paper_id WHERE f.fact_id IN "),
}
NO_KEYS = ("it returns no score_id or fact_id: select the stored rows themselves (SELECT score_id, ... FROM scores "
           "...), not computed values, so every number shown comes from a paper's table")


def with_row_keys(sql: str) -> str:
    """`sql` with the key of each scores/facts table it reads added to its output, when that keeps one output row
    per stored row (a plain SELECT: no GROUP BY, DISTINCT, aggregate or set operation). Otherwise unchanged."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except (sqlglot.errors.SqlglotError, RecursionError):
        return sql
    if not _one_row_per_row(tree):
        return sql
    present = {e.alias_or_name.lower() for e in tree.expressions}
    if "*" in present:
        return sql
    added = False
    for table in _read_tables(tree):
        key, alias = KEYS[table.name.lower()]
        if key not in present and alias not in present:
            tree.select(exp.column(key, table=table.alias_or_name).as_(alias), copy=False)
            present.add(alias)
            added = True
    return tree.sql(dialect="duckdb") if added else sql


def _one_row_per_row(tree: exp.Expression) -> bool:
    if not isinstance(tree, exp.Select) or tree.args.get("group") or tree.args.get("distinct"):
        return False
    return not any(p.find(exp.AggFunc) for p in tree.expressions)


def _read_tables(tree: exp.Select) -> list[exp.Table]:
    frm = tree.args.get("from_") or tree.args.get("from")
    sources = [frm.this] if frm else []
    sources += [j.this for j in tree.args.get("joins") or []]
    return [t for t in sources if isinstance(t, exp.Table) and t.name.lower() in KEYS and not t.db]


def row_keys(rows: list[dict]) -> dict[str, list[int]]:
    """The stored-row keys a result holds, per table, in result order, without repeats."""
    out: dict[str, list[int]] = {}
    for table, names in KEYS.items():
        keys: list[int] = []
        for r in rows:
            for name in names:
                value = r.get(name)
                if isinstance(value, int) and not isinstance(value, bool) and value not in keys:
                    keys.append(value)
        if keys:
            out[table] = keys
    return out


def stored_rows(db: SafeDB, sql: str, rows: list[dict]) -> list[dict]:
    """The scores/facts rows the result names by key, re-read from the tables, in the result's order.
    Raises QueryRejected when the result names no stored row."""
    keys = row_keys(rows)
    out: list[dict] = []
    for table, ids in keys.items():
        ids = ids[: db.settings.sql_row_cap]
        _, found = db.query(SHOWN[table] + "(" + ", ".join("?" * len(ids)) + ")", ids)
        key = KEYS[table][0]
        order = {k: i for i, k in enumerate(ids)}
        out += sorted(found, key=lambda r: order[r[key]])
    if not out:
        raise QueryRejected(sql, NO_KEYS if not keys else "the rows it names are not in the tables")
    return out
