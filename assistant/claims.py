"""A synthesis's claims, judged one by one against the primary sources (the papers that are not syntheses):
supported (a source prints the claimed value), contradicted (sources print another value: which), or not found."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.names import key

from . import query
from .catalog import Catalog, Mention
from .compose import Draft, value_text
from .guard import SafeDB
from .plan import Intent, Plan

NUMBER = re.compile(r"(?<![\w.\-])(\d+(?:\.\d+)?)(?![\w.])")


@dataclass
class Verdict:
    claim: dict
    status: str                       # 'supported', 'rounded', 'contradicted', 'not found', 'no score'
    models: list[Mention] = field(default_factory=list)
    value: float | None = None
    evidence: list[dict] = field(default_factory=list)


class ClaimsPath:
    def __init__(self, db: SafeDB, cat: Catalog):
        self.db, self.cat = db, cat
        self._verdicts: dict[tuple, Verdict] = {}     # (paper, claim, primary papers) -> verdict; the db is fixed

    def answer(self, plan: Plan):
        params: list = []
        synth = [p for p in plan.papers if self.cat.papers[p]["kind"] == "synthesis"]
        where = [query.in_list("c.paper_id", synth, params)] if synth else []
        if plan.claim_filter == "verified":
            where.append("c.verified")
        elif plan.claim_filter == "unverified":
            where.append("NOT c.verified")
        sql = ("SELECT c.claim_id, c.claim, c.mark, c.verified, c.confidence, c.paper_id, p.title AS paper_title, "
               "p.kind, c.table_id\nFROM claims c JOIN papers p ON p.paper_id = c.paper_id"
               + ("\nWHERE " + " AND ".join(where) if where else "") + "\nORDER BY c.claim_id")
        res = query.run_all(self.db, sql, params)
        per_paper = {r["paper_id"]: r["n"] for r in query.run_all(
            self.db, "SELECT paper_id, count(*) AS n FROM claims GROUP BY paper_id").rows}
        total = sum(per_paper.get(p, 0) for p in dict.fromkeys(c["paper_id"] for c in res.rows))
        primary = [p for p in plan.papers if self.cat.papers[p]["kind"] != "synthesis"]
        verdicts = [self.judged(c, primary) for c in res.rows]
        verdicts = [v for v in verdicts if self.wanted(v, plan)]
        if not verdicts:
            return None
        d = Draft()
        if plan.claim_filter == "about":
            self.about(d, verdicts, total)
        else:
            self.summary(d, verdicts, total, plan, primary)
            order = {"supported": 0, "rounded": 1, "contradicted": 2, "not found": 3, "no score": 4}
            if plan.claim_filter in ("supported", "contradicted"):
                verdicts.sort(key=lambda v: (v.status != plan.claim_filter, order[v.status]))
            d.lines += [self.line(d, v) for v in verdicts]
        rows = [dict(v.claim, status=v.status, value=v.value) for v in verdicts]
        return d, res.sql, rows

    # -- judging ------------------------------------------------------------------------------------
    def judged(self, claim: dict, primary: list[str]) -> Verdict:
        k = (claim["paper_id"], claim["claim_id"], tuple(primary))
        if k not in self._verdicts:
            self._verdicts[k] = self.judge(claim, primary)
        return self._verdicts[k]

    def judge(self, claim: dict, primary: list[str]) -> Verdict:
        text = claim["claim"]
        models = self.cat.find_models(text)
        benches = self.cat.find_benchmarks(text, models)
        blank = list(text)
        for m in models + benches:
            blank[m.start:m.end] = " " * (m.end - m.start)
        nums = [float(x) for x in NUMBER.findall("".join(blank))]
        if not (models and benches and nums):
            return Verdict(claim, "no score", models)
        ids = self.named(models)
        scope = Plan(papers=primary or [p for p, r in self.cat.papers.items() if r["kind"] != "synthesis"])
        rows = query.scores(self.db, scope, ids, [b for m in benches for b in m.ids]).rows
        value = nums[-1]
        places = len(str(nums[-1]).split(".")[1].rstrip("0")) if "." in NUMBER.findall("".join(blank))[-1] else 0
        hits = [r for r in rows if abs(r["value"] - value) < 1e-6]
        if hits:
            return Verdict(claim, "supported", models, value, hits)
        rounded = [r for r in rows if abs(round(r["value"], places) - value) < 1e-6]
        if rounded:                                   # '9.1' for a printed 9.12: right, to the claim's precision
            return Verdict(claim, "rounded", models, value, rounded)
        return Verdict(claim, "contradicted" if rows else "not found", models, value, rows)

    @staticmethod
    def named(models: list[Mention]) -> list[str]:
        """The model a claim names exactly ('Bar2-72B' is the base model, not also its instruct variant)."""
        out = []
        for m in models:
            exact = [i for i in m.ids if key(i) == key(m.text)]
            out += exact or m.ids
        return list(dict.fromkeys(out))

    def wanted(self, v: Verdict, plan: Plan) -> bool:
        text = key(v.claim["claim"])
        if plan.bench_ids and not any(key(b) in text for b in plan.bench_ids):
            return False
        if plan.claim_filter != "about" and plan.model_ids and not any(i in plan.model_ids for m in v.models
                                                                         for i in m.ids):
            return False
        return plan.claim_value is None or plan.intent != Intent.VERIFY or v.value == plan.claim_value

    # -- writing ------------------------------------------------------------------------------------
    def summary(self, d: Draft, verdicts: list[Verdict], total: int, plan: Plan, primary: list[str]) -> None:
        counts = {s: sum(v.status == s for v in verdicts) for s in ("supported", "rounded", "contradicted",
                                                                    "not found", "no score")}
        first = verdicts[0].claim
        marked = {"verified": " marked verified", "unverified": " marked not verified"}.get(plan.claim_filter or "", "")
        against = ", ".join(f"*{self.cat.papers[p]['title']}*" for p in primary) or "the primary sources"
        d.lines.append(f"**{len(verdicts)}** of the {total} claims extracted in *{first['paper_title']}* "
                       f"(“{first['table_id']}”){marked}; checked against {against}: "
                       f"{counts['supported']} supported, {counts['rounded']} supported up to rounding, "
                       f"{counts['contradicted']} contradicted, "
                       f"{counts['not found']} not found in any table, {counts['no score']} "
                       f"{'states' if counts['no score'] == 1 else 'state'} no score.")
        asked = plan.claim_filter if plan.claim_filter in ("supported", "contradicted") else None
        if asked:
            n = counts[asked] + (counts["rounded"] if asked == "supported" else 0)
            d.lines.insert(0, f"**{n}** claim{'s are' if n != 1 else ' is'} {asked} by the primary sources." if n
                           else f"No claim is {asked} by the primary sources.")
        d.source(dict(first, table_no=None, page=None, section=None, caption=None, raw_cell=None))

    def line(self, d: Draft, v: Verdict) -> str:
        c = v.claim
        head = (f"- “{c['claim']}” (marked {c['mark']}, {'verified' if c['verified'] else 'not verified'}, "
                f"confidence {c['confidence']:g})")
        if v.status == "supported":
            r = v.evidence[0]
            return f"{head} — **supported**: {r['model_id']} {r['benchmark_id']} = **{value_text(r)}** in {d.source(r)}."
        if v.status == "rounded":
            r = v.evidence[0]
            return (f"{head} — **supported up to rounding**: {d.source(r)} prints **{value_text(r)}**, which the claim "
                    f"rounds to {v.value:g}.")
        if v.status == "contradicted":
            said = "; ".join(f"{r['model_id']} **{value_text(r)}** in {d.source(r)}" for r in v.evidence[:3])
            return f"{head} — **contradicted**: the primary sources print {said}, not {v.value:g}."
        if v.status == "not found":
            return f"{head} — **not found**: no primary source reports that score."
        return f"{head} — states no score to check against the tables."

    def about(self, d: Draft, verdicts: list[Verdict], total: int) -> None:
        counts: dict[str, int] = {}
        for v in verdicts:
            for name in dict.fromkeys(m.text if m.kind == "family" else ", ".join(self.named([m])) for m in v.models):
                counts[name] = counts.get(name, 0) + 1
        first = verdicts[0].claim
        named = ", ".join(f"**{n}** ({k} claim{'s' if k > 1 else ''})" for n, k in
                          sorted(counts.items(), key=lambda x: -x[1]))
        d.lines.append(f"The {total} claims extracted in *{first['paper_title']}* are about: {named or 'no model'}.")
        title_models = {i for m in self.cat.find_models(first["paper_title"]) for i in m.ids}
        about = {i for v in verdicts for m in v.models for i in m.ids}
        if title_models and not title_models & about:
            d.lines.append(f"None of them is about {', '.join(sorted(title_models))}, the model its title names.")
        d.source(dict(first, table_no=None, page=None, section=None, caption=None, raw_cell=None))
