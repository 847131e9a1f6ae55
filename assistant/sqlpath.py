"""The numbers path: one handler per intent. Each returns (Draft, sql) or None when the papers hold nothing."""
from __future__ import annotations

import re
from dataclasses import replace

from . import profile, query
from .catalog import Catalog
from .claims import ClaimsPath
from .compose import (Draft, ahead, ambiguity_notes, better_first, decimals, model_label,
                      past_bar, rank_lines, ratio_line, relative_lines, setting_change, setting_label,
                      tally_line, tally_verdict, tie_line, value_lines, value_text, yes_no)
from .corpus import CorpusPath
from .guard import SafeDB
from .plan import Intent, Plan



class SqlPath:
    def __init__(self, db: SafeDB, cat: Catalog):
        self.db, self.cat = db, cat
        self.notes = {pid: p["precedence_note"] for pid, p in cat.papers.items() if p.get("precedence_note")}
        self.corpus, self.claims = CorpusPath(db, cat), ClaimsPath(db, cat)
        self._text_facts: list[tuple[str, set[str]]] | None = None
        self.handlers = {Intent.LOOKUP: self.on_lookup, Intent.COMPARE: self.on_compare, Intent.RANK: self.on_rank,
                         Intent.DIFF: self.on_diff, Intent.AVERAGE: self.on_average, Intent.LIST: self.on_list,
                         Intent.COUNT: self.on_count, Intent.VERIFY: self.on_verify, Intent.FACT: self.on_fact,
                         Intent.CORPUS: self.corpus.answer, Intent.CLAIMS: self.claims.answer}

    def answer(self, plan: Plan) -> tuple[Draft, str, list[dict]] | None:
        """(Draft, the SQL that ran, its rows), or None when the papers hold nothing for this plan."""
        return self.handlers[plan.intent](plan)

    # -- intents ----------------------------------------------------------------------------------
    def on_lookup(self, plan: Plan):
        if not plan.model_ids and plan.bench_ids:
            return self.benchmark_facts(plan) or self.on_list(plan)
        if not plan.model_ids or not plan.bench_ids:
            return self.on_list(plan) if plan.model_ids else None
        res = query.scores(self.db, plan, plan.model_ids, plan.bench_ids)
        rows = query.pick_setting(res.rows, plan.setting_words)
        if not rows:
            return None
        d = Draft()
        value_lines(d, rows, self.cat, self.notes)
        ambiguity_notes(d, plan, rows, self.cat)
        return d, res.sql, rows

    def on_compare(self, plan: Plan):
        if len(plan.models) == 2 and not plan.bench_ids:        # 'compare A and B': on the benchmarks both report
            plan = replace(plan, benchmarks=self.shared_benchmarks(plan))
        found = self.on_lookup(plan)
        if found and len(plan.models) == 2 and len(plan.bench_ids) == 1:
            pair = self.pair(plan, found[2])
            if pair:
                a, b = sorted(pair, key=better_first)
                gap = abs(difference(a, b))
                who = f"{model_label(a['model_id'], self.cat)} and {model_label(b['model_id'], self.cat)}"
                found[0].lines.insert(0, yes_no(plan, a, b) + (
                                      f"{who} tie on {a['benchmark_id']} at **{value_text(a)}**." if gap == 0 else
                                      f"{model_label(a['model_id'], self.cat)} is ahead of "
                                      f"{model_label(b['model_id'], self.cat)} on {a['benchmark_id']} by "
                                      f"**{gap:g}** points ({value_text(a)} vs {value_text(b)})."))
        elif found and len(plan.models) == 2 and len(plan.bench_ids) > 1:
            found[0].lines.insert(0, self.tally(plan, found[2]))
        if found and len(plan.models) == 2:            # 'X reaches 91.5% of Y on Z', as a paper says it
            params: list = []
            relative_lines(found[0], plan, query.run(self.db, query.FACT_SQL + "\nWHERE f.attribute = 'relative_score' "
                           "AND " + query.in_list("f.model_id", plan.model_ids, params), params).rows, self.cat)
        return found

    def shared_benchmarks(self, plan: Plan) -> list:
        """The benchmarks every named model has a score on (in the question's scope), as mentions."""
        from .catalog import Mention
        params: list = []
        parts = []
        for m in plan.models:
            rows = query.FROM.replace("FROM scores s", "FROM " + query.of_models(m.ids, params), 1)
            where = ["s.benchmark_id <> 'Average'"] + query.scope_where(plan, params)
            parts.append("SELECT s.benchmark_id " + rows + " WHERE " + " AND ".join(where))
        rows = query.run_all(self.db, "\nINTERSECT\n".join(parts) + "\nORDER BY 1", params).rows
        return [Mention(r["benchmark_id"], 0, 0, [r["benchmark_id"]], kind="shared") for r in rows]

    def tally(self, plan: Plan, rows: list[dict]) -> str:
        """Two models over several benchmarks: who is ahead on how many of those both report."""
        first: dict[tuple, dict] = {}
        for r in rows:
            first.setdefault((r["model_id"], r["benchmark_id"]), r)
        a_ids, b_ids = set(plan.models[0].ids), set(plan.models[1].ids)
        wins: dict[int, list[str]] = {0: [], 1: [], 2: []}
        for bid in plan.bench_ids:
            a = [r for (m, b), r in first.items() if b == bid and m in a_ids]
            b = [r for (m, b2), r in first.items() if b2 == bid and m in b_ids]
            if a and b:
                wins[ahead(a[0], b[0])].append(bid)
        both = sum(len(w) for w in wins.values())
        if not both:
            return f"No benchmark here has scores for both {plan.models[0].text} and {plan.models[1].text}."
        verdict, line = tally_verdict(plan, len(wins[0]), len(wins[1]), both), tally_line(plan, wins, both)
        return verdict + (line[:1].lower() + line[1:] if verdict else line)

    def on_verify(self, plan: Plan):
        # the synthesis holds claims, not scores: check them against the other papers
        plan = replace(plan, papers=[p for p in plan.papers if self.cat.papers[p]["kind"] != "synthesis"])
        found = self.on_lookup(plan)
        if not found:
            return None
        d, sql, rows = found
        want = plan.claim_value
        hits = [r for r in rows if abs(r["value"] - want) < 1e-6]
        if hits:
            r = hits[0]
            head = (f"Yes — confirmed: {model_label(r['model_id'], self.cat)} scores **{value_text(r)}** on "
                    f"{r['benchmark_id']}, as the papers report.")
        else:
            vals = ", ".join(dict.fromkeys(value_text(r) for r in rows))
            head = f"No — the papers report {vals}, not {want:g}."
        d.lines.insert(0, head)
        for c in self.claims_about(plan):
            d.lines.append(f"- The synthesis claims: “{c['claim']}” — marked {c['mark']} "
                           f"({'verified' if c['verified'] else 'not verified'}), confidence {c['confidence']}; "
                           f"{'the primary source agrees' if hits else 'the primary sources disagree'}.")
        return d, sql, rows

    def claims_about(self, plan: Plan) -> list[dict]:
        value = f"{plan.claim_value:g}"
        rows = query.run(self.db, "SELECT claim, mark, verified, confidence FROM claims WHERE claim LIKE ?",
                         [f"%{value}%"]).rows
        return [r for r in rows if any(m.text.lower() in r["claim"].lower() for m in plan.models)]

    def on_rank(self, plan: Plan):
        if plan.attributes and not plan.bench_ids and not plan.model_ids:
            return profile.rank_facts(self.db, self.cat, plan)
        if plan.own_best and len(plan.models) == 1:        # 'what is Foo-7B's best benchmark?': its own scores
            return profile.rank_benchmarks(self.db, self.cat, plan)
        if not plan.bench_ids:
            one = len(plan.models) == 1 and profile.about_scores(plan)     # 'what is X's best benchmark?'
            return profile.rank_benchmarks(self.db, self.cat, plan) if one else None
        if plan.reference is not None:                  # 'which models beat X on Y?': X's score is the bar
            at = query.scores(self.db, plan, plan.reference.ids, plan.bench_ids)
            bar = query.pick_setting(at.rows, plan.setting_words)
            if not bar:
                return None
            v = bar[0]["value"]
            plan = replace(plan, value_min=plan.value_min if plan.below else v, strict=not plan.tie,
                           value_max=v if plan.tie or plan.below else plan.value_max, descending=True)
        models = plan.model_ids if len(plan.model_ids) > 1 else None
        combos, lower = query.chosen_settings(self.db, plan, models, plan.bench_ids)
        if not combos and plan.reference is not None:   # nothing past the bar: say so, with the bar's own row
            return Draft(lines=[past_bar(plan, bar[0])]), at.sql, bar[:1]
        if not combos:
            return None
        desc = plan.descending if plan.literal else plan.descending != lower
        res = query.ranked(self.db, plan, models, plan.bench_ids, plan.k, desc, combos)
        rows = res.rows
        if not rows and plan.reference is not None:
            return Draft(lines=[past_bar(plan, bar[0])]), res.sql, bar[:1]
        if not rows:
            return None
        d = Draft()
        if plan.reference is not None:
            d.lines.append(tie_line(plan, rows, self.cat) if plan.tie else
                           f"{'Below' if plan.below else 'Above'} **{plan.reference.text}** ({v:g}):")
            if plan.tie and d.lines[-1].startswith("No "):
                return d, res.sql, rows
        for b in dict.fromkeys(r["benchmark_id"] for r in rows):
            rank_lines(d, [r for r in rows if r["benchmark_id"] == b], plan.k, desc, self.cat)
        if lower:
            d.lines.append("(In this table lower is better, as its caption says.)")
        return d, res.sql, rows

    def on_diff(self, plan: Plan):
        found = self.on_lookup(plan)
        if not found:
            return None
        d, sql, rows = found
        pair = self.pair(plan, rows) or self.sources_pair(rows)
        if pair:
            a, b = pair
            gap = difference(a, b)
            who_a, who_b = self.side(a, b), self.side(b, a)
            line = f"{who_a} {'leads' if gap >= 0 else 'trails'} {who_b} by **{abs(gap):g}** points " \
                   f"({value_text(a)} vs {value_text(b)})." if gap else \
                f"{who_a} and {who_b} tie at **{value_text(a)}** (a difference of 0 points)."
            d.lines.insert(0, ratio_line(a, b, who_a, who_b) if plan.ratio else line[:1].upper() + line[1:])
        elif plan.setting_words:                        # 'how much did X's Y rise on the non-contaminated set?'
            line = setting_change(query.scores(self.db, plan, plan.model_ids, plan.bench_ids).rows, rows, self.cat)
            d.lines[:0] = [line] if line else []
        return d, sql, rows

    def on_average(self, plan: Plan):
        if not plan.model_ids and plan.bench_ids:
            return self.average_across_models(plan)
        if not plan.bench_ids and len(plan.models) == 1 and (
                not profile.printed_average(self.db, self.cat, plan) or profile.across_all(plan)):
            return profile.average_of_model(self.db, self.cat, plan)
        found = self.on_lookup(plan)
        if not found:
            return None
        d, sql, rows = found
        best = {}
        for r in rows:
            best.setdefault((r["model_id"], r["benchmark_id"]), r)
        groups = [[r for (m, _), r in best.items() if m == mid] for mid in dict.fromkeys(k[0] for k in best)]
        if len(plan.bench_ids) == 1 or all(len(g) == 1 for g in groups):
            groups = [[r for (_, b), r in best.items() if b == bid] for bid in dict.fromkeys(k[1] for k in best)]
        for picked in groups:
            mid = picked[0]["model_id"]
            if len(picked) > 1:
                mean = sum(r["value"] for r in picked) / len(picked)
                expr = " + ".join(value_text(r) for r in picked)
                over = (f"{model_label(mid, self.cat)} over {', '.join(r['benchmark_id'] for r in picked)}"
                        if len({r['model_id'] for r in picked}) == 1 else
                        f"{picked[0]['benchmark_id']} over {', '.join(r['model_id'] for r in picked)}")
                d.lines.insert(0, f"Average for {over}: ({expr}) / {len(picked)} = "
                                  f"**{round(mean, decimals(*picked) + 2):g}**.")
        return d, sql, rows

    def average_across_models(self, plan: Plan):
        combos, _ = query.chosen_settings(self.db, plan, None, plan.bench_ids)
        if not combos:
            return None
        agg, first = query.averaged(self.db, plan, plan.bench_ids, combos)
        if not agg.rows:
            return None
        d = Draft()
        for a in agg.rows:
            picked = [r for r in first.rows if r["benchmark_id"] == a["benchmark_id"]]
            each = ", ".join(f"{r['model_id']} {value_text(r)}" for r in picked)
            more = f" and {a['n'] - len(picked)} more" if a["n"] > len(picked) else ""
            d.lines.append(f"Average {a['benchmark_id']} score over {a['n']} models: "
                           f"**{round(a['mean'], decimals(*picked) + 2):g}** ({each}{more}).")
            for r in picked[:1]:
                d.source(r)
        return d, agg.sql + ";\n" + first.sql, first.rows

    def on_fact(self, plan: Plan):
        if not plan.model_ids:
            return None
        res = query.facts(self.db, plan, plan.model_ids, plan.attributes)
        if not res.rows and "architecture" in plan.attributes:
            res = query.facts(self.db, plan, plan.model_ids, ["%"])
        if not res.rows:
            return self.size_from_name(plan)
        d = Draft()
        labels = [profile.fact_label(r) for r in res.rows]
        for r, label in zip(res.rows, labels):
            shown = f"{r['value_text']}" if r["value"] is None else value_text(r)
            if labels.count(label) > 1:           # one cell, two facts: 'Experts (active / total)' = '2 / 16'
                label = f"{r['attribute'].replace('_', ' ')} ({label})"
            d.lines.append(f"- {model_label(r['model_id'], self.cat)}: {label} = **{shown}** — {d.source(r)}.")
        return d, res.sql, res.rows

    def size_from_name(self, plan: Plan):
        """No parameter table for the model: say what its name states (9B, 57B-A14B), and that it is only the name."""
        if not {"total_params", "active_params"} & set(plan.attributes):
            return None
        params: list = []
        res = query.run(self.db, "SELECT model_id, size_b, active_b FROM models WHERE size_b IS NOT NULL AND "
                        + query.in_list("model_id", plan.model_ids, params) + " ORDER BY model_id", params)
        if not res.rows:
            return None
        d = Draft()
        for m in res.rows:
            active = f", {m['active_b']:g}B active" if m.get("active_b") else ""
            d.lines.append(f"- {model_label(m['model_id'], self.cat)}: **{m['size_b']:g}B** parameters{active} — from "
                           f"the model's name; the papers give no parameter table for it.")
        return d, res.sql, res.rows

    def on_list(self, plan: Plan):
        if plan.model_ids and not plan.bench_ids:
            res = query.scores(self.db, plan, plan.model_ids, None)
            rows = query.pick_setting(res.rows, plan.setting_words)
            if not rows:
                return None
            d = Draft()
            for mid in dict.fromkeys(r["model_id"] for r in rows):
                mine = [r for r in rows if r["model_id"] == mid]
                d.lines.append(f"{model_label(mid, self.cat)} — {len(mine)} reported scores:")
                for r in mine[:40]:
                    d.lines.append(f"- {r['benchmark_id']}{setting_label(r)}: **{value_text(r)}** — {d.source(r)}")
                if len(mine) > 40:
                    d.lines.append(f"- … and {len(mine) - 40} more (see the rows).")
            return d, res.sql, rows
        if plan.bench_ids:
            return self.on_rank(replace(plan, k=50))
        return None

    def on_count(self, plan: Plan):
        noun = plan.count_noun
        params: list = []
        where = query.scope_where(plan, params)
        if plan.bench_ids:
            where.append(query.in_list("s.benchmark_id", plan.bench_ids, params))
        if plan.bench_ids and plan.setting_words:       # '... on FooQA 5-shot': that setting's scores only
            combos = query.chosen_settings(self.db, plan, None, plan.bench_ids)[0]
            where += [query.in_list("s.combo", combos, params)] if combos else []
        if plan.model_ids:
            where.append(query.in_list("s.model_id", plan.model_ids, params))
        if plan.category:
            where.append("s.benchmark_id IN (SELECT benchmark_id FROM benchmarks WHERE category = ?)")
            params.append(plan.category)
        col = {"benchmarks": "s.benchmark_id", "tables": "s.paper_id || s.table_id", "papers": "s.paper_id",
               "scores": "s.score_id", "values": "s.score_id", "results": "s.score_id"}.get(noun, "s.model_id")
        sql = (f"SELECT count(DISTINCT {col}) AS n, list(DISTINCT {col} ORDER BY {col}) AS items\n"
               f"FROM scores s JOIN papers p ON p.paper_id = s.paper_id LEFT JOIN models m ON m.model_id = s.model_id"
               + ("\nWHERE " + "\n  AND ".join(where) if where else ""))
        res = query.run(self.db, sql, params)
        n, items = res.rows[0]["n"], res.rows[0]["items"] or []
        if not n:
            return None
        d = Draft()
        what = noun if noun in ("benchmarks", "tables", "papers", "scores", "values", "results") else "models"
        shown = items[:40] if what not in ("scores", "values", "results") else []
        d.lines.append(f"**{n}** {what}" + (f": {', '.join(map(str, shown))}" if shown else "")
                       + (f" and {len(items) - 40} more" if shown and len(items) > 40 else "") + ".")
        return d, res.sql, res.rows

    def benchmark_facts(self, plan: Plan):
        """Facts about a benchmark rather than a model: 'what percentage of CodeGen was contaminated?'."""
        params: list = []
        sql = (query.FACT_SQL + " JOIN benchmark_aliases a ON a.alias = f.subject\nWHERE f.model_id IS NULL AND "
               + query.in_list("a.benchmark_id", plan.bench_ids, params) + "\nORDER BY p.precedence, f.fact_id")
        res = query.run(self.db, sql, params)
        asked = {w[:6] for w in plan.words if len(w) >= 5 and w.isalpha()}
        rows = [r for r in res.rows if asked & {w[:6] for w in re.findall(r"[a-z]{5,}", r["attribute"])}]
        if not rows:
            return None
        d = Draft()
        for r in rows:
            d.lines.append(f"- {r['row_header']}: {r['col_header']} = **{value_text(r)}** — {d.source(r)}.")
        return d, res.sql, rows

    def text_facts(self, plan: Plan):
        """Facts held as text in tables about no model (e.g. the languages per region) whose name the question uses."""
        asked = {w for w in plan.words if len(w) >= 4 and w.isalpha()}
        if self._text_facts is None:          # the attributes are the database's: read once
            self._text_facts = [(r["attribute"], set(re.findall(r"[a-z]{4,}", r["attribute"]))) for r in query.run_all(
                self.db, "SELECT DISTINCT attribute FROM facts WHERE model_id IS NULL AND value IS NULL").rows]
        wanted = [a for a, need in self._text_facts if need <= asked]
        if not wanted:
            return None
        params: list = []
        res = query.run(self.db, query.FACT_SQL + "\nWHERE f.model_id IS NULL AND f.value IS NULL AND "
                        + query.in_list("f.attribute", wanted, params) + "\nORDER BY f.fact_id", params)
        d = Draft()
        for r in res.rows:
            d.lines.append(f"- {r['subject']}: {r['value_text']} — {d.source(r)}")
        return d, res.sql, res.rows

    # -- helpers ----------------------------------------------------------------------------------
    def pair(self, plan: Plan, rows: list[dict]):
        """The two values a difference is about: two models on one benchmark, or one model on two benchmarks."""
        first = {}
        for r in rows:
            first.setdefault((r["model_id"], r["benchmark_id"]), r)
        keys = list(first)
        if len(plan.models) >= 2:
            picks = [next((first[k] for k in keys if k[0] in m.ids), None) for m in plan.models[:2]]
        else:
            picks = [next((first[k] for k in keys if k[1] in b.ids), None) for b in plan.benchmarks[:2]]
        if len(picks) == 2 and all(picks) and picks[0] is not picks[1]:
            return picks[0], picks[1]
        return None

    @staticmethod
    def sources_pair(rows: list[dict]):
        """One model, one benchmark, two sources that disagree: the first two distinct values."""
        if len({(r["model_id"], r["benchmark_id"]) for r in rows}) != 1:
            return None
        distinct = list({r["value"]: r for r in rows}.values())
        return (distinct[0], distinct[1]) if len(distinct) >= 2 else None

    def side(self, a: dict, b: dict) -> str:
        if a["model_id"] != b["model_id"]:
            return model_label(a["model_id"], self.cat)
        if a["benchmark_id"] != b["benchmark_id"]:
            return a["benchmark_id"]
        if (a.get("setting"), a.get("metric")) != (b.get("setting"), b.get("metric")):
            return f"{a['benchmark_id']}{setting_label(a) or ' (no setting)'}"
        return f"the {a['kind']} ({a['paper_title']})"


def difference(a: dict, b: dict) -> float:
    """a - b, rounded to the decimals the papers print (64.2 - 57.6 = 6.6, not 6.600000000000001)."""
    return round(a["value"] - b["value"], decimals(a, b))
