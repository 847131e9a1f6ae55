"""The Assistant: question -> plan -> route (sql, text, both, none) -> one Answer, with or without an LLM."""
from __future__ import annotations

import gc
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from index.names import key

from . import prompts, query
from .answer import Answer, Source
from .catalog import Catalog
from .compose import Draft
from .guard import SafeDB
from .llm import LLM, make_llm
from .parse import messages, parse
from .plan import Intent, Plan, Route
from .settings import Settings
from .sqlpath import SqlPath

NUDGE = ("Ask me about the indexed LLM papers: a model's score on a benchmark, a comparison or ranking, what a "
         "paper compares, or how something was done (data, training, evaluation).")
OUT_OF_SCOPE = ("I can only answer questions about the indexed LLM papers (their benchmark scores, model facts and "
                "methods); none of the indexed papers cover that.")


@dataclass
class Budget:
    """One answer's LLM allowance: a deadline and at most two calls; and the conversation so far."""
    deadline: float
    calls: int = 0
    history: list[dict] = field(default_factory=list)


# What one answer carries besides its text (the CSV, the source list): a ranking with long ties at a large corpus
# reads hundreds of rows, and the text already names the ties and counts the rest.
MAX_ROWS = 100
MAX_SOURCES = 50
CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])")


def clean_question(q: str) -> str:
    """Drop control characters, fold widths (NFKC), and space out CJK so names glued to it can be found."""
    q = "".join(ch for ch in unicodedata.normalize("NFKC", q or "") if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return re.sub(r"\s+", " ", CJK.sub(r" \1 ", q)).strip()


class Assistant:
    """`Assistant(db_path, settings, llm=None).ask(question, history) -> Answer`."""

    def __init__(self, db_path: str | Path, settings: Settings | None = None, llm: LLM | None = None,
                 embedder=None):
        self.settings = settings or Settings()
        self.db = SafeDB(db_path, self.settings)
        self._generation = self.db.generation           # of the file self.cat, self.sql and the text came from
        self.cat = Catalog.load(self.db)
        self.sql = SqlPath(self.db, self.cat)
        settle()
        self.llm = llm
        self.embedder = embedder
        self._text = None
        self._hints = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Assistant:
        from index.build import ensure_database
        settings = settings or Settings()
        ensure_database(settings.papers_dir, settings.db_path)
        embedder = None
        if settings.embed_base_url:
            from .text import OpenAIEmbedder
            embedder = OpenAIEmbedder(settings.embed_base_url, settings.embed_model, settings.embed_timeout_s,
                                      api_key=settings.openai_api_key, input_type=settings.embed_input_type)
        assistant = cls(settings.db_path, settings, make_llm(settings), embedder)
        threading.Thread(target=lambda: assistant.text, name="text-index-warmup", daemon=True).start()
        return assistant

    def llm_status(self) -> str:
        if self.llm is None:
            return "No LLM configured: answers come from the deterministic parser and extractive text search."
        return f"LLM configured ({self.settings.llm_model}); answers fall back to the deterministic path on any failure."

    @property
    def text(self):
        """The text index, built (or loaded from its saved copy beside the database) on first use."""
        with self._lock:
            if self._text is None:
                from .text import TextIndex
                self._text = TextIndex.for_database(self.db, embedder=self.embedder)
                settle()
            return self._text

    def refresh(self) -> None:
        """After a rebuilt database was swapped in at the path, read the catalog again and drop the name hints
        and text index of the old file (the text index is loaded again in the background)."""
        generation = self.db.refresh()
        if generation == self._generation:
            return
        with self._lock:
            if generation == self._generation:
                return
            old, self._text, self._hints = self._text, None, None
            self.cat = Catalog.load(self.db)
            self.sql = SqlPath(self.db, self.cat)
            self._generation = generation
            settle()
        if old is not None:
            old.close()
            threading.Thread(target=lambda: self.text, name="text-index-reload", daemon=True).start()

    # -- the one entry point ----------------------------------------------------------------------
    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        q = clean_question(question)
        if not q:
            return Answer(NUDGE, "none")
        self.refresh()
        turns = [{"role": role, "content": clean_question(text)} for role, text in messages(history)]
        plan = parse(q, self.cat, [t for t in turns if t["content"]])
        budget = Budget(time.monotonic() + self.settings.llm_timeout_s, history=turns)
        return self.routes[plan.route](self, plan, budget)

    def on_none(self, plan: Plan, budget: Budget) -> Answer:
        """Model or benchmark names the papers do not hold: say so, and what they do hold."""
        if plan.unknown:
            return self.abstain_unknown(plan.unknown, plan.bench_ids)
        return self.abstain_benchmark(plan)

    def on_sql(self, plan: Plan, budget: Budget) -> Answer:
        """Scores, facts, counts, the corpus and claims from SQL; else an LLM-written query; else a sentence naming
        the same model and benchmark; else an abstention that says what the papers do hold."""
        found = self.sql.answer(plan)
        if found:
            if plan.unknown:                  # 'Compare Lumen-2 and Foo-4.5': say which name found nothing
                found[0].ambiguities.append(f"{', '.join(plan.unknown)}: not in the indexed papers; not shown.")
            if any(m.kind == "category" for m in plan.benchmarks):
                shown = sorted({r["benchmark_id"] for r in found[2] if r.get("benchmark_id")})
                found[0].ambiguities.append(f"No benchmark was named: “{plan.category}” is read as the "
                                            f"{plan.category} benchmarks reported here ({bounded(shown, 10)}).")
            if plan.size_min is not None or plan.size_max is not None:
                found[0].ambiguities += self.unsized(plan)
            return self.from_draft(*found, route="sql", plan=plan)
        if plan.intent == Intent.FACT or (plan.methodology and not plan.benchmarks):
            return self.on_text(plan, budget)
        if not (plan.models or plan.benchmarks or plan.intent == Intent.COUNT):
            return self.llm_sql(plan.question, plan, budget) or self.on_text(plan, budget)
        return (self.llm_sql(plan.question, plan, budget)
                or self.text_answer(plan.question, plan, budget, strict=True) or self.abstain(plan))

    def on_text(self, plan: Plan, budget: Budget) -> Answer:
        """How something was done: the text (with any text-valued facts); nothing found is an abstention. A question
        the parser could not read at all goes to an LLM-written query first, when an LLM is configured."""
        if not (plan.methodology or plan.text_asked):
            found = self.llm_sql(plan.question, plan, budget)
            if found:
                return found
        text = self.text_answer(plan.search, plan, budget)
        facts = self.sql.text_facts(plan)
        if facts:
            return self.merge(facts, text)
        if text:
            return text
        return self.llm_sql(plan.question, plan, budget) or Answer(OUT_OF_SCOPE, "none")

    def on_both(self, plan: Plan, budget: Budget) -> Answer:
        """A number and how it was obtained: the SQL answer with the text's."""
        found = self.sql.answer(plan)
        text = self.text_answer(plan.search, plan, budget)
        if found:
            return self.merge(found, text)
        return text or self.on_sql(plan, budget)

    routes = {Route.NONE: on_none, Route.SQL: on_sql, Route.TEXT: on_text, Route.BOTH: on_both}

    # -- paths ------------------------------------------------------------------------------------
    def from_draft(self, d: Draft, sql: str, rows: list[dict], route: str = "sql", plan: Plan | None = None) -> Answer:
        if plan is not None and plan.unknown_paper:
            d.ambiguities.append(f"No indexed paper is called “{plan.unknown_paper}”; this answer covers every "
                                 f"indexed paper ({bounded([p['title'] for p in self.cat.papers.values()], 5)}).")
        text = "\n".join(d.lines)
        if d.ambiguities:
            text += "\n\n" + "\n".join(f"_Note: {a}_" for a in dict.fromkeys(d.ambiguities))
        return Answer(text, route, sql=sql, rows=jsonable(rows[:MAX_ROWS]), sources=d.sources[:MAX_SOURCES],
                      conflicts=d.conflicts,
                      ambiguities=list(dict.fromkeys(d.ambiguities)), chart=d.chart if len(d.chart) > 1 else [])

    def merge(self, found, text: Answer | None) -> Answer:
        ans = self.from_draft(*found, route="both")
        if text:
            ans.text += "\n\n**From the text:**\n" + text.text
            ans.sources += text.sources
            ans.llm_used = text.llm_used
        return ans

    def text_answer(self, q: str, plan: Plan, budget: Budget, strict: bool = False) -> Answer | None:
        from .text import extractive_answer, is_answerable, llm_answer
        paper = plan.papers[0] if len(plan.papers) == 1 else None
        hits = self.text.search(q, k=6, paper_id=paper)
        if strict:
            hits = [h for h in hits if mentions_all(h.text + " " + h.paper_title, plan)]
        if not hits or not is_answerable(q, hits):
            return None
        quote, sources = extractive_answer(q, hits)
        if strict and not any(mentions_all(quote + " " + h.paper_title, plan) for h in hits):
            return None          # checked before any LLM call: that answer would be thrown away
        out = None
        if self.llm is not None and budget.calls < 2 and time.monotonic() < budget.deadline - 0.3:
            budget.calls += 1
            out = llm_answer(q, hits, self.llm, budget.deadline)
        text = quote
        if out:
            text, sources = out[0] + "\n\n**Supporting passage:**\n" + quote, out[1]
        if prompts.CANNOT_ANSWER_PHRASE.lower() in text.lower():
            return None
        return Answer(text, "text", sources=[Source(**s) for s in sources], llm_used=out is not None)

    def llm_sql(self, q: str, plan: Plan, budget: Budget) -> Answer | None:
        if self.llm is None or budget.calls >= 2:
            return None
        from .llm_sql import NameHints, draft
        if self._hints is None:
            self._hints = NameHints.from_db(self.db)
        result = draft(q, budget.history, self.llm, self.db, self._hints, budget.deadline - 0.5)
        budget.calls += result.calls
        if not result.ok or not result.rows or result.route not in ("sql", "both"):
            return None
        return llm_rows_answer(result)

    def unsized(self, plan: Plan) -> list[str]:
        """A size filter reads sizes from model names: say which models in scope it could not place."""
        params: list = []
        where = ["m.size_b IS NULL"] + ([query.in_list("s.paper_id", plan.papers, params)] if plan.papers else [])
        if plan.bench_ids:
            where.append(query.in_list("s.benchmark_id", plan.bench_ids, params))
        if plan.model_ids:
            where.append(query.in_list("s.model_id", plan.model_ids, params))
        rows = query.run_all(self.db, "SELECT DISTINCT s.model_id FROM scores s LEFT JOIN models m ON m.model_id = "
                             "s.model_id WHERE " + " AND ".join(where) + " ORDER BY 1", params).rows
        if not rows:
            return []
        return [f"Sizes come from model names; {len(rows)} models here have none in their name and are left out: "
                f"{bounded([r['model_id'] for r in rows], 8)}."]

    # -- abstaining -------------------------------------------------------------------------------
    def abstain(self, plan: Plan) -> Answer:
        what = " / ".join(plan.bench_ids) or "that"
        who = " / ".join(m.text for m in plan.models) or "any model"
        lines = [f"The indexed papers do not report {what} for {who}{filters_text(plan, self.cat)}."]
        if plan.model_ids:
            params: list = []
            rows = query.run(self.db, "SELECT DISTINCT s.benchmark_id FROM "
                             + query.of_models(plan.model_ids, params, "benchmark_id")
                             + " WHERE s.benchmark_id <> 'Average' ORDER BY 1", params).rows
            if rows:
                lines.append(f"For {who} they report: {bounded([r['benchmark_id'] for r in rows])}.")
        if plan.bench_ids:
            n, first = self.models_reporting(plan.bench_ids)[1:]
            if n:
                lines.append(f"{what} is reported for: {bounded_count(first, n)}.")
        return Answer(" ".join(lines[:1]) + ("\n\n" + "\n\n".join(lines[1:]) if lines[1:] else ""), "none")

    def abstain_benchmark(self, plan: Plan) -> Answer:
        """'Foo-4.5's FooBench score': no benchmark of that name; never the model's other scores in its place."""
        names = ", ".join(plan.unknown_benchmarks)
        lines = [f"None of the indexed papers report a benchmark named {names}, so that score is not reported here."]
        sql = None
        if plan.model_ids:
            params: list = []
            res = query.run_all(self.db, "SELECT DISTINCT s.benchmark_id FROM "
                                + query.of_models(plan.model_ids, params, "benchmark_id")
                                + " WHERE s.benchmark_id <> 'Average' ORDER BY 1", params)
            sql = res.sql
            who = " / ".join(m.text for m in plan.models)
            if res.rows:
                lines.append(f"For {who} they report: {bounded([r['benchmark_id'] for r in res.rows], 20)}.")
        else:
            lines.append(f"They report {len(self.cat.benchmarks)} benchmarks, e.g. "
                         f"{bounded(sorted(self.cat.benchmarks), 12)}.")
        return Answer("\n\n".join(lines), "none", sql=sql)

    def models_reporting(self, bench_ids: list[str], limit: int = 12) -> tuple[str, int, list[str]]:
        """How many models report these benchmarks, and the first `limit` names in order (read from the narrow,
        benchmark-sorted copy of the scores; never every name into Python)."""
        params: list = []
        sql = ("WITH d AS (SELECT DISTINCT model_id FROM score_ranks WHERE "
               + query.in_list("benchmark_id", bench_ids, params) + ")\n"
               "SELECT (SELECT count(*) FROM d) AS n, (SELECT list(model_id ORDER BY model_id) FROM "
               "(SELECT model_id FROM d ORDER BY model_id LIMIT ?)) AS first")
        params.append(limit)
        res = query.run_all(self.db, sql, params)
        row = res.rows[0] if res.rows else {"n": 0, "first": []}
        return res.sql, row["n"] or 0, list(row["first"] or [])

    def abstain_unknown(self, unknown: list[str], bench_ids: list[str] | None = None) -> Answer:
        """Never another model's numbers: say the name is not in the papers, and name what is there."""
        names = ", ".join(dict.fromkeys(unknown))
        lines = [f"None of the indexed papers mention {names}, so no scores are reported for it here."]
        kin = sorted({m for u in unknown for m in self.cat.family_of(u)})
        if kin:
            lines.append(f"Models of that family in the papers: {bounded(kin)}.")
        sql = None
        if bench_ids:
            sql, n, first = self.models_reporting(bench_ids)
            if n:
                lines.append(f"{' / '.join(bench_ids)} is reported for {n} models: {bounded_count(first, n)}.")
        else:
            lines.append(f"The papers cover {len(self.cat.models)} models, e.g. {bounded(sorted(self.cat.models), 8)}; "
                         f"papers indexed: {bounded([p['title'] for p in self.cat.papers.values()], 5)}.")
        return Answer("\n\n".join(lines), "none", sql=sql)


def settle() -> None:
    """Move what is loaded so far (the catalog, the text index: hundreds of thousands of objects at 1,000 papers)
    out of the garbage collector's reach: a full collection walked them all (158 ms at 1,000 papers), in the
    middle of whichever request triggered it. Called after each load: what an earlier load froze and has since
    been dropped is collected first."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def bounded_count(first: list[str], n: int, limit: int = 12) -> str:
    """bounded() when only the first names and the count were read."""
    return ", ".join(first[:limit]) + (f" and {n - limit} more" if n > limit else "")


def filters_text(plan: Plan, cat: Catalog) -> str:
    """' (instruction-tuned, over 100B, in the Quill report)': the filters an empty answer was under."""
    bits = []
    if plan.variant:
        bits.append({"chat": "instruction-tuned", "base": "base models"}.get(plan.variant, plan.variant))
    if plan.size_min is not None:
        bits.append(f"at least {plan.size_min:g}B")
    if plan.size_max is not None:
        bits.append(f"at most {plan.size_max:g}B")
    if plan.value_min is not None:
        bits.append(f"scoring {'above' if plan.strict else 'at least'} {plan.value_min:g}")
    if plan.value_max is not None:
        bits.append(f"scoring {'below' if plan.strict else 'at most'} {plan.value_max:g}")
    if plan.table_no:
        bits.append(f"Table {plan.table_no}")
    if plan.papers:
        bits.append("in " + " / ".join(f"*{cat.papers[p]['title']}*" for p in plan.papers))
    return f" ({', '.join(bits)})" if bits else ""


def bounded(items: list[str], limit: int = 12) -> str:
    """'a, b, c and 312 more': answers stay short at any corpus size."""
    items = list(items)
    return bounded_count(items, len(items), limit)


def mentions_all(text: str, plan: Plan) -> bool:
    """Every model and benchmark the question names appears in the text (under any of its names)."""
    k = key(text)
    return all(any(key(a) in k for a in [m.text, *m.ids]) for m in plan.models + plan.benchmarks)


def jsonable(rows: list[dict]) -> list[dict]:
    return [{k: (v if isinstance(v, (str, int, float, bool, type(None))) else str(v)) for k, v in r.items()}
            for r in rows]


def llm_rows_answer(result) -> Answer:
    rows = result.rows[:50]
    lines, sources = [], []
    for r in rows:
        desc = ", ".join(f"{k} = {v}" for k, v in r.items()
                         if v is not None and k not in ("caption", "section") and not k.endswith("_id"))
        lines.append(f"- {desc}")
        if r.get("paper_id"):
            src = Source(paper=r.get("paper_title") or r["paper_id"], paper_id=r["paper_id"],
                         table=f"Table {r['table_no']}" if r.get("table_no") else r.get("table_id"),
                         caption=r.get("caption"), page=r.get("page"), quote=r.get("raw_cell"))
            if src not in sources:
                sources.append(src)
    text = "Rows found by the LLM-written query (checked and run read-only):\n" + "\n".join(lines)
    return Answer(text, result.route, sql=result.sql, rows=jsonable(rows), sources=sources, llm_used=True)
