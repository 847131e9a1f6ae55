"""Plan -> parameterised SQL, run through the guard; then pick the rows whose setting the question asked for."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog import label_words, words
from .guard import SafeDB
from .plan import Plan

SCORE_SQL = """SELECT s.model_id, s.benchmark_id, s.value, s.unit, s.setting, s.grp, s.metric, s.raw_cell,
       s.paper_id, p.title AS paper_title, p.kind, p.precedence, s.table_id, s.table_no, s.caption, s.page,
       s.section, s.model_raw, s.benchmark_raw, s.source_kind, m.variant, m.size_b
FROM scores s JOIN papers p ON p.paper_id = s.paper_id LEFT JOIN models m ON m.model_id = s.model_id"""
FACT_SQL = """SELECT f.model_id, f.subject, f.attribute, f.value, f.unit, f.value_text, f.raw_cell, f.paper_id,
       p.title AS paper_title, p.kind, p.precedence, f.table_id, f.table_no, f.caption, f.page, f.section,
       f.row_header, f.col_header
FROM facts f JOIN papers p ON p.paper_id = f.paper_id"""
RANKED_ROWS = 50         # places a ranking returns (the answer shows ten; the chart and the CSV get these)
ATTRIBUTE_LIKE = {"layers": "%layers", "experts": "%experts%", "intermediate_dim": "%intermediate%"}


@dataclass
class Result:
    sql: str
    rows: list[dict]


def show(sql: str, params: list) -> str:
    """The SQL with its parameters inlined, for people to read and paste into the DuckDB CLI."""
    def lit(v):
        return "'" + str(v).replace("'", "''") + "'" if isinstance(v, str) else str(v)
    parts = sql.split("?")
    return parts[0] + "".join(lit(p) + rest for p, rest in zip(params, parts[1:]))


def in_list(col: str, values: list, params: list) -> str:
    params.extend(values)
    return f"{col} IN ({', '.join('?' for _ in values)})"


def scope_where(plan: Plan, params: list, alias: str = "s") -> list[str]:
    where = []
    if plan.papers:
        where.append(in_list(f"{alias}.paper_id", plan.papers, params))
    if plan.table_no:
        where.append(f"{alias}.table_no = ?")
        params.append(plan.table_no)
    if plan.size_min is not None:
        where.append("m.size_b >= ?")
        params.append(plan.size_min)
    if plan.size_max is not None:
        where.append("m.size_b <= ?")
        params.append(plan.size_max)
    if plan.variant:
        where.append("m.variant = ?")
        params.append(plan.variant)
    if plan.value_min is not None and alias == "s":
        where.append("s.value > ?" if plan.strict else "s.value >= ?")
        params.append(plan.value_min)
    if plan.value_max is not None and alias == "s":
        where.append("s.value < ?" if plan.strict else "s.value <= ?")
        params.append(plan.value_max)
    return where


def scores(db: SafeDB, plan: Plan, models: list[str] | None, benches: list[str] | None) -> Result:
    """Score rows with their provenance, for named models and/or benchmarks (bounded: rankings use `ranked`)."""
    params: list = []
    base = SCORE_SQL.replace("FROM scores s", "FROM " + of_models(models, params), 1) if models else SCORE_SQL
    where = filters(plan, None, benches, params)
    order = "p.precedence, s.paper_id, s.source_kind = 'text', s.score_id"
    sql = base + ("\nWHERE " + "\n  AND ".join(where) if where else "") + "\nORDER BY " + order
    return Result(show(sql, params), db.query_all(sql, params)[1])     # bounded by the names; never cut


def of_models(models: list[str], params: list, columns: str = "*") -> str:
    """The score rows of the named models, as `(...) s`: one equality per model, so each reads only its own row
    groups of the model-sorted table (an IN list of distant names reads everything between them)."""
    params.extend(models)
    if len(models) > UNION_MAX:         # a family of many members: one scan beats planning many branches
        return f"(SELECT {columns} FROM scores WHERE model_id IN ({', '.join('?' for _ in models)})) s"
    return "(" + " UNION ALL ".join(f"SELECT {columns} FROM scores WHERE model_id = ?" for _ in models) + ") s"


UNION_MAX = 4            # measured at 1M scores: 2 distant models 7.0 -> 4.3 ms by union; from 8 on, IN is faster


def filters(plan: Plan, models: list[str] | None, benches: list[str] | None, params: list) -> list[str]:
    where = []
    if models:
        where.append(in_list("s.model_id", models, params))
    if benches:
        where.append(in_list("s.benchmark_id", benches, params))
    return where + scope_where(plan, params)




def chosen_settings(db: SafeDB, plan: Plan, models, benches) -> tuple[list[str], bool]:
    """The (setting, group, metric) combinations the question asks for, picked over the distinct combinations
    (one row each, with its count) exactly as pick_setting picks over rows; and whether their tables say lower
    is better. Grouped in DuckDB on the stored `combo` key, so the rows read into Python stay few at any corpus
    size; never capped."""
    params: list = []
    where = filters(plan, models, benches, params)
    sql = ("SELECT s.combo, any_value(s.setting) AS setting, any_value(s.grp) AS grp, any_value(s.metric) AS metric,\n"
           "       count(*) AS n, bool_or(s.lower_better) AS lower_better\n"
           + from_ranks(plan) + ("\nWHERE " + "\n  AND ".join(where) if where else "") +
           "\nGROUP BY s.combo ORDER BY s.combo")
    combos = db.query_all(sql, params)[1]
    picked = pick_setting(combos, plan.setting_words, weight="n")
    return [c["combo"] for c in picked], any(c["lower_better"] for c in picked)


def from_ranks(plan: Plan) -> str:
    """The narrow, benchmark-sorted copy of the scores (index/order.py), joined to models only when a filter
    reads the model's size or variant."""
    needs_model = plan.size_min is not None or plan.size_max is not None or bool(plan.variant)
    return "FROM score_ranks s" + (" LEFT JOIN models m ON m.model_id = s.model_id" if needs_model else "")


def ranked(db: SafeDB, plan: Plan, models: list[str] | None, benches: list[str] | None, k: int,
           descending: bool, combos: list[str]) -> Result:
    """Each model's preferred row (highest precedence, most specific setting) in the chosen settings, ranked by
    value in SQL; ties share a place; the top k places and the next ones, with how many models were compared."""
    params: list = []
    order = "DESC" if descending else "ASC"
    sql = ("WITH picked AS (\n" + picked_sql(plan, models, benches, combos, params) + "),\n"
           f"top AS (SELECT {KEY}, rank() OVER (PARTITION BY benchmark_id ORDER BY value {order}) AS place,\n"
           "       count(*) OVER (PARTITION BY benchmark_id) AS compared FROM picked QUALIFY place <= ?)\n"
           + SCORE_SQL.replace("SELECT ", "SELECT top.place, top.compared, ", 1) + "\n" + ON_KEY.format(t="top") +
           f"ORDER BY s.benchmark_id, s.value {order}, s.model_id")
    params.append(max(k + 5, RANKED_ROWS))
    return Result(show(sql, params), db.query_all(sql, params)[1])


def picked_sql(plan: Plan, models, benches, combos: list[str], params: list) -> str:
    """Each model's preferred row per benchmark in the chosen settings (a CTE body: benchmark_id, model_id, pref,
    value): the row of lowest `pref`, which the index numbers in preference order."""
    where = filters(plan, models, benches, params) + [in_list("s.combo", combos, params)]
    return ("SELECT s.benchmark_id, s.model_id, min(s.pref) AS pref, arg_min(s.value, s.pref) AS value\n"
            + from_ranks(plan) + "\nWHERE " + "\n  AND ".join(where) + "\nGROUP BY s.benchmark_id, s.model_id")


KEY = "benchmark_id, model_id, pref"                  # a score row's key in score_ranks and scores alike
ON_KEY = "JOIN {t} ON {t}.model_id = s.model_id AND {t}.benchmark_id = s.benchmark_id AND {t}.pref = s.pref\n"


def model_benchmarks(db: SafeDB, plan: Plan, model_id: str, descending: bool) -> Result:
    """One model's score on each benchmark, best first (or worst): per benchmark its preferred row, a plain setting
    before a qualified one. Left out: benchmarks whose table says lower is better, aggregates, and scales other
    than 0-100 (Elo-like, or 0-10 ones: no model scores above 10), which would not order with the rest."""
    params: list = [model_id, model_id]
    where = ["s.model_id = ?", "NOT s.lower_better", "s.value BETWEEN 0 AND 100",
             "coalesce(b.category, '') <> 'aggregate'",
             "s.benchmark_id IN (SELECT benchmark_id FROM score_ranks WHERE benchmark_id IN (SELECT benchmark_id FROM "
             "score_ranks WHERE model_id = ?) GROUP BY benchmark_id HAVING max(value) > 10)"] + scope_where(plan, params)
    key = "(s.setting IS NOT NULL, s.pref)"
    sql = ("WITH top AS (\nSELECT s.benchmark_id, s.model_id, arg_min(s.pref, " + key + ") AS pref\n"
           "FROM score_ranks s LEFT JOIN benchmarks b ON b.benchmark_id = s.benchmark_id"
           + (" LEFT JOIN models m ON m.model_id = s.model_id" if "m." in " ".join(where) else "") +
           "\nWHERE " + "\n  AND ".join(where) + "\nGROUP BY s.benchmark_id, s.model_id)\n"
           + SCORE_SQL + "\n" + ON_KEY.format(t="top") +
           f"ORDER BY s.value {'DESC' if descending else 'ASC'}, s.benchmark_id")
    return Result(show(sql, params), db.query_all(sql, params)[1])


def averaged(db: SafeDB, plan: Plan, benches: list[str], combos: list[str], shown: int = 12) -> tuple[Result, Result]:
    """The mean per benchmark over every model's preferred row, in SQL; and the first rows, for citing."""
    params: list = []
    sql = ("WITH picked AS (\n" + picked_sql(plan, None, benches, combos, params) + ")\n"
           "SELECT benchmark_id, avg(value) AS mean, count(*) AS n FROM picked GROUP BY benchmark_id "
           "ORDER BY benchmark_id")
    agg = Result(show(sql, params), db.query_all(sql, params)[1])
    params = []
    sql = ("WITH picked AS (\n" + picked_sql(plan, None, benches, combos, params) + "),\n"
           f"top AS (SELECT {KEY} FROM picked "
           "QUALIFY row_number() OVER (PARTITION BY benchmark_id ORDER BY value DESC, model_id) <= ?)\n"
           + SCORE_SQL + "\n" + ON_KEY.format(t="top") + "ORDER BY s.benchmark_id, s.value DESC, s.model_id")
    params.append(shown)
    return agg, Result(show(sql, params), db.query_all(sql, params)[1])


FROM = "FROM scores s JOIN papers p ON p.paper_id = s.paper_id LEFT JOIN models m ON m.model_id = s.model_id"


def facts(db: SafeDB, plan: Plan, models: list[str], attributes: list[str]) -> Result:
    params: list = []
    where = [in_list("f.model_id", models, params)]
    ors = []
    for a in attributes:
        ors.append("f.attribute LIKE ?")  # '%' lists every fact of the model
        params.append(ATTRIBUTE_LIKE.get(a, a))
    where.append("(" + " OR ".join(ors) + ")")
    if plan.papers:
        where.append(in_list("f.paper_id", plan.papers, params))
    sql = FACT_SQL + "\nWHERE " + "\n  AND ".join(where) + "\nORDER BY p.precedence, f.fact_id"
    return Result(show(sql, params), db.query(sql, params)[1])


SCALE = "CASE upper(f.unit) WHEN 'K' THEN 1e3 WHEN 'M' THEN 1e6 WHEN 'B' THEN 1e9 WHEN 'T' THEN 1e12 ELSE 1 END"


def ranked_facts(db: SafeDB, plan: Plan, attribute: str, descending: bool, limit: int = 30) -> Result:
    """Models ordered by a numeric fact ('the most parameters', 'the longest context'): each model's fact from its
    paper of highest precedence, compared in one unit ('128K' and '1M' alike)."""
    params: list = [ATTRIBUTE_LIKE.get(attribute, attribute)]
    where = ["f.attribute LIKE ?", "f.value IS NOT NULL", "f.model_id IS NOT NULL"]
    if plan.papers:
        where.append(in_list("f.paper_id", plan.papers, params))
    sql = (FACT_SQL.replace("SELECT ", f"SELECT f.value * {SCALE} AS amount, ", 1) + "\nWHERE " + "\n  AND ".join(where)
           + "\nQUALIFY row_number() OVER (PARTITION BY f.model_id ORDER BY p.precedence, f.fact_id) = 1"
           + f"\nORDER BY amount {'DESC' if descending else 'ASC'}, f.model_id LIMIT ?")
    params.append(limit)
    return Result(show(sql, params), db.query_all(sql, params)[1])


def run(db: SafeDB, sql: str, params: list | None = None) -> Result:
    params = params or []
    return Result(show(sql, params), db.query(sql, params)[1])


def run_all(db: SafeDB, sql: str, params: list | None = None) -> Result:
    """An aggregate the caller knows is bounded (one row per name): no row cap, which would change the answer."""
    params = params or []
    return Result(show(sql, params), db.query_all(sql, params)[1])


# -- settings ------------------------------------------------------------------------------------
SYNONYMS = {"overall": {"average", "avg.", "avg"}, "average": {"overall", "avg.", "avg"}}


SHOT = re.compile(r"\b(\d+|zero|one|two|three|four|five|eight|ten|few)[\s-]?shots?\b", re.I)
SHOT_WORDS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "eight": "8", "ten": "10"}


def shots(text: str | None) -> set[str]:
    """'0-shot', 'zero-shot', '5 shot' -> {'0-shot'}, {'0-shot'}, {'5-shot'}: one token a row and a question share."""
    return {SHOT_WORDS.get(n.lower(), n.lower()) + "-shot" for n in SHOT.findall(text or "")}


def setting_score(row: dict, wanted: set[str]) -> int:
    have = (label_words(row.get("setting")) | label_words(row.get("grp")) | label_words(row.get("metric"))
            | shots(row.get("setting")))
    return sum(1 for w in wanted if w in have or SYNONYMS.get(w, set()) & have)


def pick_setting(rows: list[dict], wanted: set[str], weight: str | None = None) -> list[dict]:
    """Rows that best match the setting words; without any, prefer rows with no setting qualifiers.
    weight: a column holding how many rows each row stands for (when picking over distinct settings)."""
    if not rows:
        return rows
    if wanted:
        scored = [(setting_score(r, wanted), r) for r in rows]
        best = max(score for score, _ in scored)
        if best:
            return [r for score, r in scored if score == best]
    size = (lambda rs: sum(r[weight] for r in rs)) if weight else len
    plain = [r for r in rows if not r.get("setting")]
    if plain and size(plain) >= size(rows) / 3:
        return plain
    overall = [r for r in rows if AGGREGATE & words(r.get("setting"))]
    return overall or rows


AGGREGATE = {"overall", "average", "avg", "avg.", "mean"}


def group_values(rows: list[dict]) -> dict[tuple, list[dict]]:
    """(model, benchmark, setting, metric) -> rows, in precedence order: EM and F1 of one benchmark are two
    measurements, not two sources disagreeing."""
    out: dict[tuple, list[dict]] = {}
    for r in rows:
        out.setdefault((r["model_id"], r["benchmark_id"], r.get("setting") or "", r.get("metric") or ""), []).append(r)
    return out


def conflicts(group: list[dict]) -> bool:
    return len({r["value"] for r in group}) > 1
