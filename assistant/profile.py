"""One model across its benchmarks, and models ranked by a fact: 'What is X's best benchmark?', 'X's average over
its benchmarks', 'Which model has the most parameters?'. Benchmarks use different scales, so a model's benchmarks
are compared only on 0-100 ones (query.model_benchmarks says which), and the answer says so."""
from __future__ import annotations

import re

from index.names import key

from . import query
from .catalog import Catalog
from .compose import Draft, decimals, model_label, setting_label, value_text
from .guard import SafeDB
from .plan import Plan

MAX_BENCH_ROWS = 15          # a model's benchmarks listed in one ranking of them
LEFT_OUT = "averages, 0-10 and Elo-like scales, and tables where lower is better"   # query.model_benchmarks
# 'X's average across all its benchmarks' asks for our mean even where a table prints an 'Avg.' of its own columns.
ACROSS = re.compile(r"\b(?:all|every|across|over (?:its|their|the) benchmarks)\b", re.I)
# A ranking with a model and no benchmark ranks the model's benchmarks only when the question is about its scores
# ('best benchmark', 'lowest score', 'where is it weakest'), not 'the highest quality data bucket'.
ABOUT_SCORES = re.compile(r"\b(?:benchmarks?|scores?|tasks?|evals?|evaluations?|weak(?:est|er|ness)?|"
                          r"strong(?:est|er)?|strengths?)\b", re.I)


def about_scores(plan: Plan) -> bool:
    return bool(ABOUT_SCORES.search(plan.question))


def across_all(plan: Plan) -> bool:
    """'across all its benchmarks', unscoped: our mean even where a table prints an average of its own columns."""
    return not (plan.table_no or plan.papers) and bool(ACROSS.search(plan.question))


def fact_label(r: dict) -> str:
    """The header that names what a fact is: the one that is not the model's own name."""
    own = {key(n) for n in (r.get("model_id"), r.get("subject")) if n}
    heads = [h for h in (r.get("row_header"), r.get("col_header"))
             if h and not any(o in key(h) or key(h) in o for o in own)]
    return heads[0] if heads else r["attribute"].replace("_", " ")


def fact_text(r: dict) -> str:
    return r["value_text"] if r["value"] is None else value_text(r)


def rank_facts(db: SafeDB, cat: Catalog, plan: Plan):
    """'Which model has the most parameters?': models ordered by the fact, with its source."""
    res = query.ranked_facts(db, plan, plan.attributes[0], plan.descending)
    if not res.rows:
        return None
    d = Draft()
    first = res.rows[0]
    word = {"context_length": ("longest", "shortest")}.get(plan.attributes[0], ("most", "least"))[
        0 if plan.descending else 1]
    label = fact_label(first)
    ties = [r for r in res.rows if r["amount"] == first["amount"]]
    who = " and ".join(model_label(r["model_id"], cat) for r in ties[:MAX_BENCH_ROWS])
    d.lines.append(f"{who} {'have' if len(ties) > 1 else 'has'} the {word} {label}: **{fact_text(first)}** — "
                   f"{d.source(first)}.")
    d.lines += ["", "| Model | " + label + " | Source |", "|---|---:|---|"]
    d.lines += [f"| {model_label(r['model_id'], cat).replace('**', '')} | {fact_text(r)} | "
                f"{d.source(r).replace('|', '/')} |" for r in res.rows[:MAX_BENCH_ROWS]]
    return d, res.sql, res.rows


def rank_benchmarks(db: SafeDB, cat: Catalog, plan: Plan):
    """'What is X's best benchmark?', 'Where is X weakest?': the model's benchmarks ordered by its score."""
    found, sqls = benchmark_rows(db, plan, plan.descending)
    if not found:
        return None
    d = Draft()
    word = "highest" if plan.descending else "lowest"
    for mid, rows in found:
        first = rows[0]
        d.lines.append(f"{model_label(mid, cat)} scores {word} on **{first['benchmark_id']}**: "
                       f"**{value_text(first)}** — {d.source(first)}.")
        shown = rows[:MAX_BENCH_ROWS]
        d.lines += ["", f"Its {len(shown)} {word} scores of {len(rows)} benchmarks:" if len(rows) >
                    len(shown) else f"All {len(rows)} of its benchmarks, {word} first:", "",
                    "| Benchmark | Score | Source |", "|---|---:|---|"]
        d.lines += [f"| {r['benchmark_id']}{setting_label(r)} | {value_text(r)} | {d.source(r).replace('|', '/')} |"
                    for r in shown]
        d.lines.append("")
    d.lines.append(f"(Benchmarks use different scales: this orders raw scores on 0-100 scales, and leaves out "
                   f"{LEFT_OUT}.)")
    return d, "\n;\n".join(sqls), [r for _, rows in found for r in rows]


def benchmark_rows(db: SafeDB, plan: Plan, descending: bool) -> tuple[list[tuple[str, list[dict]]], list[str]]:
    """Each model the name covers (up to three) with its rows from query.model_benchmarks, and the SQL run."""
    found, sqls = [], []
    for mid in plan.models[0].ids[:3]:
        res = query.model_benchmarks(db, plan, mid, descending)
        if res.rows:
            found.append((mid, res.rows))
            sqls.append(res.sql)
    return found, sqls


def printed_average(db: SafeDB, cat: Catalog, plan: Plan) -> bool:
    """The papers print an average for the model (an 'Avg.' column): that is the answer, not one of ours."""
    rows = query.scores(db, plan, plan.model_ids, None).rows
    return any((cat.benchmarks.get(r["benchmark_id"]) or {}).get("category") == "aggregate" for r in rows)


def average_of_model(db: SafeDB, cat: Catalog, plan: Plan):
    """'X's average over all its benchmarks': the mean of its score on each benchmark of a 0-100 scale (the
    rows a ranking of its benchmarks uses), with every term shown up to a bound."""
    found, sqls = benchmark_rows(db, plan, True)
    if not found:
        return None
    d = Draft()
    for mid, terms in found:
        mean = sum(r["value"] for r in terms) / len(terms)
        expr = " + ".join(value_text(r) for r in terms[:MAX_BENCH_ROWS]) + (
            f" + … ({len(terms) - MAX_BENCH_ROWS} more)" if len(terms) > MAX_BENCH_ROWS else "")
        d.lines.append(f"Average of {model_label(mid, cat)} over its {len(terms)} benchmarks: ({expr}) / "
                       f"{len(terms)} = **{round(mean, decimals(*terms) + 2):g}**.")
        d.lines += [f"- {r['benchmark_id']}{setting_label(r)}: {value_text(r)} — {d.source(r)}"
                    for r in terms[:MAX_BENCH_ROWS]]
    d.lines.append(f"(Benchmarks use different scales: this averages the scores on 0-100 scales, one per benchmark, "
                   f"and leaves out {LEFT_OUT}.)")
    return d, "\n;\n".join(sqls), [r for _, rows in found for r in rows]
