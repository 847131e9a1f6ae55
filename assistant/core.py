"""The Assistant: question -> plan -> route (sql, text, both, none) -> one Answer, with or without an LLM."""
from __future__ import annotations

import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from index import names

from . import prompts, query
from .answer import Answer, Source
from .catalog import Catalog, key
from .compose import Draft
from .guard import SafeDB
from .llm import LLM, make_llm
from .parse import Plan, parse
from .settings import Settings
from .sqlpath import SqlPath

NUDGE = ("Ask me about the indexed LLM papers — for example “What is GLM-4-9B's MATH score?” or "
         "“How did the Qwen2 team check for contamination?”")
OUT_OF_SCOPE = ("I can only answer questions about the indexed LLM papers (their benchmark scores, model facts and "
                "methods); none of the indexed papers cover that.")
SCORE_WORDS = re.compile(r"\b(score|scores|result|accuracy|perform|achiev|get|reach)", re.I)


@dataclass
class Budget:
    """One answer's LLM allowance: a deadline and at most two calls; and the conversation so far."""
    deadline: float
    calls: int = 0
    history: list[dict] = field(default_factory=list)


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
        self.cat = Catalog.load(self.db)
        self.sql = SqlPath(self.db, self.cat)
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
            embedder = OpenAIEmbedder(settings.embed_base_url, settings.embed_model, settings.llm_timeout_s,
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
        with self._lock:
            if self._text is None:
                from .text import Passage, TextIndex
                rows = self.db.query_all("SELECT p.passage_id, p.paper_id, coalesce(pa.title, p.paper_id) AS title, "
                                    "p.section, p.page, p.text, p.original FROM passages p LEFT JOIN papers pa "
                                    "ON pa.paper_id = p.paper_id ORDER BY p.passage_id")[1]
                passages = [Passage(int(r["passage_id"]), r["paper_id"], r["title"], r["section"], r["page"],
                                    r["text"] or "", r["original"] or "") for r in rows]
                self._text = TextIndex(passages, embedder=self.embedder)
            return self._text

    # -- the one entry point ----------------------------------------------------------------------
    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        q = clean_question(question)
        if not q:
            return Answer(NUDGE, "none")
        past = [clean_question(m.get("content")) for m in history or []
                if isinstance(m, dict) and m.get("role") == "user" and isinstance(m.get("content"), str)]
        plan = parse(q, self.cat, [p for p in past if p])
        budget = Budget(time.monotonic() + self.settings.llm_timeout_s, history=[
            {"role": m["role"], "content": m["content"]} for m in history or []
            if isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)])
        return self.route(q, plan, budget)

    def route(self, q: str, plan: Plan, budget: Budget) -> Answer:
        """Try each path in turn; the first that has an answer gives it."""
        unknown = unknown_models(q, plan, self.cat)
        if unknown and not plan.models and not plan.methodology:
            return self.abstain_unknown(unknown)
        for attempt in (self.claims, self.model_facts, self.methods, self.numbers):
            answer = attempt(plan, budget)
            if answer:
                return answer
        llm = self.llm_sql(q, plan, budget)
        return llm or self.text_answer(plan.question, plan, budget) or Answer(OUT_OF_SCOPE, "none")

    def claims(self, plan: Plan, budget: Budget) -> Answer | None:
        """Counting or listing the synthesis's claims; a second question part ('and what ...') from the text."""
        if "claim" not in plan.question.lower() or plan.intent not in ("count", "list"):
            return None
        found = self.sql.answer(plan)
        if not found:
            return None
        second = method_part(plan.question, plan)
        if second == plan.question:
            return self.from_draft(*found, route="sql")
        return self.merge(found, self.text_answer(second, plan, budget))

    def model_facts(self, plan: Plan, budget: Budget) -> Answer | None:
        found = self.sql.answer(plan) if plan.intent == "fact" and plan.models else None
        return self.from_draft(*found, route="sql") if found else None

    def methods(self, plan: Plan, budget: Budget) -> Answer | None:
        """How something was done: the text; with the score too when one is asked ('... and how was it evaluated')."""
        if not plan.methodology:
            return None
        text = self.text_answer(method_part(plan.question, plan), plan, budget)
        if plan.models and plan.benchmarks and SCORE_WORDS.search(plan.question) and plan.intent != "fact":
            found = self.sql.answer(plan)
            if found:
                return self.merge(found, text)
        facts = self.sql.text_facts(plan)
        return self.merge(facts, text) if facts else text

    def numbers(self, plan: Plan, budget: Budget) -> Answer | None:
        """Scores and counts: SQL; else an LLM-written query; else a sentence naming the same model and benchmark;
        else an abstention that says what the papers do hold."""
        if not (plan.models or plan.benchmarks or plan.intent == "count"):
            return None
        found = self.sql.answer(plan)
        if found:
            return self.from_draft(*found, route="sql")
        return (self.llm_sql(plan.question, plan, budget)
                or self.text_answer(plan.question, plan, budget, strict=True) or self.abstain(plan))

    # -- paths ------------------------------------------------------------------------------------
    def from_draft(self, d: Draft, sql: str, rows: list[dict], route: str = "sql") -> Answer:
        text = "\n".join(d.lines)
        if d.ambiguities:
            text += "\n\n" + "\n".join(f"_Note: {a}_" for a in dict.fromkeys(d.ambiguities))
        return Answer(text, route, sql=sql, rows=jsonable(rows), sources=d.sources, conflicts=d.conflicts,
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

    # -- abstaining -------------------------------------------------------------------------------
    def abstain(self, plan: Plan) -> Answer:
        what = " / ".join(plan.bench_ids) or "that"
        who = " / ".join(m.text for m in plan.models) or "any model"
        lines = [f"The indexed papers do not report {what} for {who}."]
        if plan.model_ids:
            params: list = []
            rows = query.run(self.db, "SELECT DISTINCT s.benchmark_id FROM scores s WHERE s.benchmark_id <> 'Average' "
                             "AND " + query.in_list("s.model_id", plan.model_ids, params) + " ORDER BY 1", params).rows
            if rows:
                lines.append(f"For {who} they report: {', '.join(r['benchmark_id'] for r in rows)}.")
        if plan.bench_ids:
            params = []
            rows = query.run(self.db, "SELECT DISTINCT s.model_id FROM scores s WHERE " +
                             query.in_list("s.benchmark_id", plan.bench_ids, params) + " ORDER BY 1", params).rows
            if rows:
                lines.append(f"{what} is reported for: {', '.join(r['model_id'] for r in rows)}.")
        return Answer(" ".join(lines[:1]) + ("\n\n" + "\n\n".join(lines[1:]) if lines[1:] else ""), "none")

    def abstain_unknown(self, unknown: list[str]) -> Answer:
        return Answer(f"None of the indexed papers mention {', '.join(unknown)}, so its scores are not reported "
                      f"here. Papers indexed: " + "; ".join(p["title"] for p in self.cat.papers.values()) + ".", "none")


ASKING = {"which", "what", "who", "how", "is", "does", "did", "the", "a", "an", "and", "or", "of", "on", "in", "for",
          "compare", "best", "top", "models", "model"}


def unknown_models(q: str, plan: Plan, cat: Catalog) -> list[str]:
    """Model-like names in the question that match nothing in the papers ('Grok 5', 'Mistral-Large-2')."""
    spans = [(m.start, m.end) for m in plan.models + plan.benchmarks]
    known = list(cat.model_keys) + list(cat.stem_keys)
    out = []
    for m in re.finditer(r"[A-Za-z][\w.\-]*(?:\s+\d+(?:\.\d+)?\b(?![+%]))?", q):
        tok = m.group(0).rstrip(".")
        if any(m.start() < e and s < m.end() for s, e in spans) or tok.split()[0].lower() in ASKING:
            continue
        k = key(tok)
        if re.search(r"\d", tok) and names.looks_like_model(tok) and not names.lookup_benchmark(tok) \
                and not any(kk.startswith(k) for kk in known):
            out.append(tok)
    return out


def method_part(q: str, plan: Plan) -> str:
    """'What is X's Y score and how was it evaluated?' -> 'how was it evaluated X Y' for the text search."""
    m = re.search(r"\b(?:and|also)\s+((?:how|why|what|which)\b.*)$", q, re.I)
    if not m:
        return q
    names = " ".join(x.text for x in plan.models + plan.benchmarks)
    return f"{m.group(1)} {names}".strip()


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
        desc = ", ".join(f"{k} = {v}" for k, v in r.items() if v is not None and k not in ("caption", "section"))
        lines.append(f"- {desc}")
        if r.get("paper_id"):
            src = Source(paper=r.get("paper_title") or r["paper_id"], paper_id=r["paper_id"],
                         table=f"Table {r['table_no']}" if r.get("table_no") else r.get("table_id"),
                         caption=r.get("caption"), page=r.get("page"), quote=r.get("raw_cell"))
            if src not in sources:
                sources.append(src)
    text = "Rows found by the LLM-written query (checked and run read-only):\n" + "\n".join(lines)
    return Answer(text, result.route, sql=result.sql, rows=jsonable(rows), sources=sources, llm_used=True)
