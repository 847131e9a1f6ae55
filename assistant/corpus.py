"""Questions about the corpus itself, from the database with counts: which papers, which models a paper compares,
which benchmarks (of a category, in a table) it uses, what kind of document it is."""
from __future__ import annotations

import re

from . import query
from .answer import Source
from .catalog import Catalog
from .compose import Draft, table_name
from .guard import SafeDB
from .plan import Plan

LIMIT = 40            # names listed in one answer; the rest are counted ('and 12 more')


class CorpusPath:
    def __init__(self, db: SafeDB, cat: Catalog):
        self.db, self.cat = db, cat
        self.handlers = {"papers": self.papers, "models": self.models, "benchmarks": self.benchmarks,
                         "kind": self.kind}

    def answer(self, plan: Plan):
        handler = self.handlers.get(plan.corpus or "")
        return handler(plan) if handler else None

    def papers(self, plan: Plan):
        if plan.bench_ids or plan.model_ids:
            return self.papers_reporting(plan)
        params: list = []
        where = [query.in_list("p.paper_id", plan.papers, params)] if plan.papers else []
        sql = ("SELECT p.paper_id, p.title, p.kind, p.file, count(s.score_id) AS scores, "
               "count(DISTINCT s.model_id) AS models, count(DISTINCT s.benchmark_id) AS benchmarks, "
               "count(DISTINCT s.table_id) AS tables\nFROM papers p LEFT JOIN scores s ON s.paper_id = p.paper_id"
               + ("\nWHERE " + " AND ".join(where) if where else "") +
               "\nGROUP BY p.paper_id, p.title, p.kind, p.file, p.precedence\nORDER BY p.precedence, p.paper_id")
        res = query.run_all(self.db, sql, params)
        if not res.rows:
            return None
        d = Draft()
        d.lines.append(f"I can answer questions about **{len(res.rows)}** indexed papers:")
        for r in res.rows[:LIMIT]:
            d.lines.append(f"- *{r['title']}* ({r['kind']}, `{r['file']}`): {r['scores']} scores of {r['models']} "
                           f"models on {r['benchmarks']} benchmarks in {r['tables']} tables")
            d.sources.append(Source(paper=r["title"], paper_id=r["paper_id"]))
        more(d, len(res.rows), "papers")
        return d, res.sql, res.rows

    def papers_reporting(self, plan: Plan):
        """'Which papers report FooBench?', 'Which papers evaluate Foo-7B?': the papers holding those scores, with
        how many, of how many models, in which tables."""
        params: list = []
        on = []
        if plan.bench_ids:
            on.append(query.in_list("s.benchmark_id", plan.bench_ids, params))
        if plan.model_ids:
            on.append(query.in_list("s.model_id", plan.model_ids, params))
        sql = ("SELECT p.paper_id, p.title, p.kind, p.file, count(*) AS scores, count(DISTINCT s.model_id) AS models,\n"
               "       list(DISTINCT s.benchmark_id ORDER BY s.benchmark_id) AS benchmarks,\n"
               "       list(DISTINCT {'table_no': s.table_no, 'table_id': s.table_id, 'source_kind': s.source_kind,\n"
               "                      'section': s.section}) AS tables,\n"
               "       list(s.raw_cell ORDER BY s.score_id) AS cells\n"
               "FROM papers p JOIN scores s ON s.paper_id = p.paper_id AND " + " AND ".join(on) +
               "\nGROUP BY p.paper_id, p.title, p.kind, p.file, p.precedence\nORDER BY p.precedence, p.paper_id")
        res = query.run_all(self.db, sql, params)
        what = " / ".join(plan.bench_ids[:3] + [m.text for m in plan.models][:3])
        d = Draft()
        if not res.rows:
            d.lines.append(f"None of the indexed papers report scores for {what}.")
            return d, res.sql, res.rows
        d.lines.append(f"**{len(res.rows)}** of the indexed papers report {what}:")
        for r in res.rows[:LIMIT]:
            tables = sorted({table_name(t) for t in r["tables"]}, key=natural)     # as answers cite them
            cells = f" ({', '.join(c for c in r['cells'][:3])})" if plan.model_ids and plan.bench_ids else ""
            d.lines.append(f"- *{r['title']}* ({r['kind']}): {plural(r['scores'], 'score')}{cells} of "
                           f"{plural(r['models'], 'model')} on {', '.join(r['benchmarks'][:6])}, "
                           f"in {', '.join(tables[:6])}" + (" and more" if len(tables) > 6 else ""))
            d.sources.append(Source(paper=r["title"], paper_id=r["paper_id"], table=tables[0]))
        more(d, len(res.rows), "papers")
        return d, res.sql, res.rows

    def models(self, plan: Plan):
        params: list = []
        where = query.scope_where(plan, params) + self.category_where(plan, params)
        if plan.bench_ids:
            where.append(query.in_list("s.benchmark_id", plan.bench_ids, params))
        sql = ("SELECT s.model_id, count(*) AS scores, count(DISTINCT s.benchmark_id) AS benchmarks\n" + query.FROM
               + ("\nWHERE " + "\n  AND ".join(where) if where else "") +
               "\nGROUP BY s.model_id\nORDER BY scores DESC, s.model_id")
        res = query.run_all(self.db, sql, params)
        if not res.rows:
            return None
        d = Draft()
        d.lines.append(f"{self.scope_text(plan)} report scores for **{len(res.rows)}** models:")
        d.lines += [f"- {r['model_id']} ({r['scores']} scores on {r['benchmarks']} benchmarks)"
                    for r in res.rows[:LIMIT]]
        more(d, len(res.rows), "models")
        self.cite(d, plan)
        return d, res.sql, res.rows

    def benchmarks(self, plan: Plan):
        params: list = []
        where = query.scope_where(plan, params) + self.category_where(plan, params)
        if plan.model_ids:
            where.append(query.in_list("s.model_id", plan.model_ids, params))
        where.append("coalesce(b.category, '') <> 'aggregate'")
        sql = ("SELECT s.benchmark_id, b.category, count(DISTINCT s.model_id) AS models, count(*) AS scores\n"
               + query.FROM + "\nLEFT JOIN benchmarks b ON b.benchmark_id = s.benchmark_id\nWHERE "
               + "\n  AND ".join(where) + "\nGROUP BY s.benchmark_id, b.category\nORDER BY models DESC, s.benchmark_id")
        res = query.run_all(self.db, sql, params)
        if not res.rows:
            return None
        d = Draft()
        what = f"{plan.category} benchmarks" if plan.category else "benchmarks"
        d.lines.append(f"{self.scope_text(plan)} use **{len(res.rows)}** {what}:")
        d.lines += [f"- {r['benchmark_id']} ({r['category']}; {r['models']} models)" for r in res.rows[:LIMIT]]
        more(d, len(res.rows), what)
        self.cite(d, plan)
        return d, res.sql, res.rows

    def kind(self, plan: Plan):
        if not plan.papers:
            return None
        params: list = []
        sql = ("SELECT paper_id, title, kind, file, precedence, precedence_note FROM papers WHERE "
               + query.in_list("paper_id", plan.papers, params) + " ORDER BY precedence, paper_id")
        res = query.run_all(self.db, sql, params)
        d = Draft()
        for r in res.rows:
            note = f" It says: “{r['precedence_note']}”" if r.get("precedence_note") else ""
            d.lines.append(f"*{r['title']}* (`{r['file']}`) is indexed as a **{r['kind']}** (precedence "
                           f"{r['precedence']}: when sources disagree, lower wins).{note}")
            d.sources.append(Source(paper=r["title"], paper_id=r["paper_id"]))
        return d, res.sql, res.rows

    # -- helpers ------------------------------------------------------------------------------------
    @staticmethod
    def category_where(plan: Plan, params: list) -> list[str]:
        if not plan.category:
            return []
        params.append(plan.category)
        return ["s.benchmark_id IN (SELECT benchmark_id FROM benchmarks WHERE category = ?)"]

    def scope_text(self, plan: Plan) -> str:
        table = f"Table {plan.table_no} of " if plan.table_no else ""
        where = f"*{self.cat.papers[plan.papers[0]]['title']}*" if len(plan.papers) == 1 else "the indexed papers"
        text = table + where
        return text[:1].upper() + text[1:]

    def cite(self, d: Draft, plan: Plan) -> None:
        for pid in plan.papers:
            d.sources.append(Source(paper=self.cat.papers[pid]["title"], paper_id=pid,
                                    table=f"Table {plan.table_no}" if plan.table_no else None))


def natural(label: str) -> tuple:
    """'Table 6' before 'Table 15'; 'the text' last."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", label)) + \
        ((label == "the text"),)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def more(d: Draft, n: int, what: str) -> None:
    if n > LIMIT:
        d.lines.append(f"- … and {n - LIMIT} more {what}.")
