"""LLM routing and text-to-SQL: one call for {"route", "sql"}, at most one repair call, never an exception.

    result = draft(question, history, llm, db, NameHints.from_db(db), deadline=time.monotonic() + 5)
    if result.error: ...fall back to the deterministic planner...
"""
from __future__ import annotations

import ast
import json
import re
import time
from dataclasses import dataclass, field

import duckdb

from assistant import prompts
from assistant.guard import QueryRejected, SafeDB
from assistant.llm import LLM, LLMError
from assistant.provenance import stored_rows, with_row_keys
from index.schema import DDL

ROUTES = ("sql", "text", "both", "none")
MAX_CALLS = 2
MAX_NAMES = 150              # canonical names of each kind put in the prompt
MIN_CALL_S = 0.3             # do not start an LLM call with less time left than this
HISTORY_TURNS = 6
HISTORY_CHARS = 300

_FENCE_RE = re.compile(r"```[ \t]*(?P<lang>[A-Za-z]*)[ \t]*\n?(?P<body>.*?)(?:```|\Z)", re.S)
_ROUTE_RE = re.compile(r"""["']route["']\s*:\s*["'](?P<route>[A-Za-z]+)""")
_SQL_UPPER_RE = re.compile(r"(?<![\w.])(?:WITH|SELECT)\b")
_SQL_LINE_RE = re.compile(r"(?im)^[ \t>*-]*(?=(?:with|select)\b)")
_JSON_LITERALS = {"null": "None", "true": "True", "false": "False"}


@dataclass
class LLMDraft:
    route: str                           # 'sql', 'text', 'both' or 'none'
    sql: str | None = None               # the SQL that ran (or last failed)
    rows: list[dict] = field(default_factory=list)   # the stored scores/facts rows it selected, re-read by key
    calls: int = 0                       # LLM calls made (at most 2)
    error: str | None = None             # set when the caller should fall back

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class NameHints:
    """Canonical names the LLM must use, most-reported first."""
    models: list[str] = field(default_factory=list)
    benchmarks: list[str] = field(default_factory=list)

    @classmethod
    def from_db(cls, db: SafeDB) -> NameHints:
        return cls(models=_names(db, "models", "model_id"), benchmarks=_names(db, "benchmarks", "benchmark_id"))


def _names(db: SafeDB, table: str, column: str) -> list[str]:
    _, rows = db.query(f"SELECT t.{column} AS name FROM {table} t LEFT JOIN scores s ON s.{column} = t.{column} "
                       f"GROUP BY t.{column} ORDER BY count(s.{column}) DESC, t.{column}")
    return [r["name"] for r in rows if r["name"]]


class ReplyError(ValueError):
    """The LLM's reply had no usable route."""


def draft(question: str, history: list[dict], llm: LLM, db: SafeDB, names: NameHints,
          deadline: float) -> LLMDraft:
    """Route the question and, for 'sql'/'both', run the LLM's SQL through the fence.

    Never raises for a failed call, an unusable reply or SQL that is rejected or fails (LLM implementations
    raise only LLMError): the result's `error` is set instead, and the caller falls back.
    """
    session = _Session(llm, deadline)
    messages = sql_messages(question, history, names)
    route = "none"
    try:
        reply = session.ask(messages)
        route, sql = parse_reply(reply)
    except (LLMError, ReplyError) as e:
        return LLMDraft(route, calls=session.calls, error=str(e))
    if route in ("text", "none"):
        return LLMDraft(route, calls=session.calls)
    return _run_with_repair(session, messages, reply, route, sql, db)


def _run_with_repair(session: _Session, messages: list[dict], reply: str, route: str, sql: str | None,
                     db: SafeDB) -> LLMDraft:
    try:
        return LLMDraft(route, sql, _run(db, sql), session.calls)
    except QueryRejected as e:
        failure = e
    if not session.can_ask():
        return LLMDraft(route, sql, calls=session.calls, error=f"{failure} (no time or calls left to repair it)")
    repair = prompts.SQL_REPAIR_USER.format(sql=sql or "(none)", error=failure.reason)
    try:
        fixed = extract_sql(session.ask([*messages, {"role": "assistant", "content": reply},
                                         {"role": "user", "content": repair}]))
        return LLMDraft(route, fixed, _run(db, fixed), session.calls)
    except (LLMError, QueryRejected) as e:
        return LLMDraft(route, sql, calls=session.calls, error=f"repair failed: {e}")


def _run(db: SafeDB, sql: str | None) -> list[dict]:
    """Check and run the LLM's SQL (with the stored rows' keys added when it has none); return the stored rows
    its result names, re-read from the tables: never the values it computed."""
    if not sql:
        raise QueryRejected("", "the reply held no SQL")
    try:
        keyed = with_row_keys(db.check(sql))
        _, rows = db.query_isolated(keyed)
        return stored_rows(db, keyed, rows)
    except duckdb.Error as e:     # SafeDB translates these already; kept so a DuckDB error can never escape
        raise QueryRejected(sql, str(e).splitlines()[0]) from e


class _Session:
    """Counts calls and hands each one the time left before the deadline."""

    def __init__(self, llm: LLM, deadline: float):
        self.llm, self.deadline, self.calls = llm, deadline, 0

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def can_ask(self) -> bool:
        return self.calls < MAX_CALLS and self.remaining() >= MIN_CALL_S

    def ask(self, messages: list[dict]) -> str:
        if not self.can_ask():
            raise LLMError(f"no LLM call made ({self.calls} calls used, {max(self.remaining(), 0):.2f} s left)",
                           "Raise PAPERQA_LLM_TIMEOUT_S.", llm_name=self.llm.name)
        self.calls += 1
        return self.llm.complete(messages, timeout=self.remaining())


def sql_messages(question: str, history: list[dict], names: NameHints) -> list[dict]:
    """The first call's chat messages: schema and rules, then names, examples, history and the question."""
    user = prompts.SQL_USER.format(
        question=question, history=format_history(history),
        models=_name_list(names.models, question), benchmarks=_name_list(names.benchmarks, question),
        examples=prompts.SQL_EXAMPLES)
    return [{"role": "system", "content": prompts.SQL_SYSTEM.format(schema=schema_for_prompt())},
            {"role": "user", "content": user}]


def schema_for_prompt() -> str:
    """index.schema.DDL with its layout squeezed (comments kept: they say what the columns mean)."""
    lines = (" ".join(line.split()) for line in DDL.strip().splitlines())
    return "\n".join(line for line in lines if line)


def _name_list(names: list[str], question: str, limit: int = MAX_NAMES) -> str:
    """Up to `limit` names; those whose words the question mostly contains come first."""
    asked = set(_words(question))

    def coverage(name: str) -> float:
        words = _words(name)
        return sum(w in asked for w in words) / len(words) if words else 0.0

    ranked = sorted(names, key=coverage, reverse=True)      # stable: ties keep the most-reported order
    return "; ".join(ranked[:limit]) or "(none)"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def format_history(history: list[dict], turns: int = HISTORY_TURNS) -> str:
    """The user's earlier questions only: the assistant's answers quote papers, and a paper's text must never
    reach the SQL prompt where it could read as an instruction."""
    asked = [m for m in history or [] if isinstance(m, dict) and m.get("role") == "user"]
    lines = [f"user: {' '.join(str(m.get('content', '')).split())[:HISTORY_CHARS]}" for m in asked[-turns:]]
    return "\n".join(lines) or "(none)"


def parse_reply(text: str) -> tuple[str, str | None]:
    """(route, sql) from a reply that should be {"route": ..., "sql": ...}; raises ReplyError if unusable."""
    obj = extract_json(text)
    if obj is not None:
        route = str(obj.get("route") or "").strip().lower()
        sql = extract_sql(text)
    else:
        sql = extract_sql(text)
        found = _ROUTE_RE.search(text or "")
        route = found.group("route").lower() if found else ("sql" if sql else "")
    if route not in ROUTES:
        raise ReplyError(f"the LLM reply has no usable route (got {route!r}, want one of {'|'.join(ROUTES)}): "
                          f"{' '.join((text or '').split())[:120]!r}")
    return route, sql


def extract_json(text: str | None) -> dict | None:
    """The first JSON object in `text` (fenced, embedded in prose, or with Python-style quotes), else None."""
    if not text:
        return None
    for candidate in _json_candidates(text):
        obj = _loads(candidate)
        if isinstance(obj, dict):
            return obj
    return None


def _json_candidates(text: str, max_starts: int = 8):
    for fence in _FENCE_RE.finditer(text):
        yield fence.group("body").strip()
    start, tried = text.find("{"), 0
    while start != -1 and tried < max_starts:
        end = _matching_brace(text, start)
        if end is not None:
            yield text[start:end + 1]
        start, tried = text.find("{", start + 1), tried + 1


def _matching_brace(text: str, start: int) -> int | None:
    depth, quote, escaped = 0, None, False
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
    return None


def _loads(candidate: str) -> object:
    try:
        return json.loads(candidate)
    except ValueError:
        pass
    pythonish = re.sub(r"\b(null|true|false)\b(?=(?:[^'\"]|'[^']*'|\"[^\"]*\")*$)",
                       lambda m: _JSON_LITERALS[m.group(1)], candidate)
    try:
        return ast.literal_eval(pythonish)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def extract_sql(text: str | None) -> str | None:
    """The SQL in an LLM reply: a JSON "sql" field, a ```sql fence, or a bare SELECT/WITH in prose; else None."""
    if not text or not text.strip():
        return None
    obj = extract_json(text)
    if obj is not None and "sql" in obj:
        sql = obj["sql"]
        return _clean_sql(sql) if isinstance(sql, str) and sql.strip() else None
    for fence in _FENCE_RE.finditer(text):
        body = fence.group("body")
        if fence.group("lang").lower() in ("sql", "duckdb", "") and _looks_like_sql(body):
            return _clean_sql(body)
    return _bare_sql(text)


def _looks_like_sql(text: str) -> bool:
    return bool(re.match(r"\s*(with|select)\b", text, re.I))


def _bare_sql(text: str) -> str | None:
    match = _SQL_UPPER_RE.search(text)
    if match is None:
        line = _SQL_LINE_RE.search(text)
        if line is None or not re.search(r"\bfrom\b", text[line.end():], re.I):
            return None
        match = line
    start = match.start() if match.re is _SQL_UPPER_RE else match.end()
    quote = _opening_quote(text, start)
    body = _until_quote(text[start:], quote) if quote else text[start:]
    return _clean_sql(_cut_prose(body))


def _opening_quote(text: str, start: int) -> str | None:
    before = text[:start].rstrip()
    return before[-1] if before and before[-1] in "\"'" else None


def _until_quote(body: str, quote: str) -> str:
    """A string value that started before `body`: up to its closing quote, escapes undone."""
    out, escaped = [], False
    for ch in body:
        if escaped:
            out.append({"n": "\n", "t": "\t"}.get(ch, ch))
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == quote:
            break
        else:
            out.append(ch)
    return "".join(out)


def _cut_prose(sql: str) -> str:
    """Drop whatever follows the statement: after a ';' outside quotes, a closing fence, or a blank line."""
    quote = None
    for i, ch in enumerate(sql):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == ";" or sql.startswith("```", i) or sql.startswith("\n\n", i):
            return sql[:i]
    return sql


def _clean_sql(sql: str) -> str:
    return sql.strip().rstrip(";").strip()
