"""The edge: where a question meets the assistant, where lower-layer errors become chat text (and are logged,
never shown as tracebacks), and where like/dislike feedback is written, outside the score database."""
from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

from assistant import Assistant
from assistant.answer import Answer
from assistant.core import NUDGE, clean_question
from assistant.guard import QueryRejected
from assistant.llm import LLMError
from assistant.settings import Settings
from index import errors as index_errors

log = logging.getLogger("paperqa.ui")

SORRY = "Sorry, something went wrong while answering that. It has been logged; please try again or rephrase."
MAX_HISTORY_MESSAGES = 20
MAX_HISTORY_CHARS = 8_000              # of one earlier message; a long answer's tail adds nothing to a follow-up
DEFAULT_FEEDBACK_MAX_BYTES = 5_000_000  # the feedback file stops growing here (setting: feedback_max_bytes)

# Every error class index/errors.py defines (IngestError and whatever joins it), caught by base class.
INDEX_ERRORS = tuple(v for v in vars(index_errors).values() if isinstance(v, type) and issubclass(v, Exception))


def clean_history(history: object) -> list[dict]:
    """Keep the last plain {role, content} text messages; sources/SQL boxes (titled messages) are display only."""
    messages = []
    for message in history if isinstance(history, list) else []:
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            continue
        if (message.get("metadata") or {}).get("title"):
            continue
        text = clean_question(_text_of(message.get("content"))[:MAX_HISTORY_CHARS])
        if text:
            messages.append({"role": message["role"], "content": text})
    return messages[-MAX_HISTORY_MESSAGES:]


def _text_of(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return content.get("text") if isinstance(content.get("text"), str) else ""
    if isinstance(content, list):
        return " ".join(_text_of(part) for part in content[:8])
    return ""


def too_long(question: str, settings: Settings) -> Answer:
    return Answer(text=f"That question is {len(question):,} characters long; the limit is "
                       f"{settings.max_question_chars:,}. Please shorten it to the model, benchmark and "
                       f"paper you are asking about.", route="none")


def answer_safely(assistant: Assistant, settings: Settings, question: object, history: object) -> Answer:
    """The one place a question meets the assistant; every outcome is an Answer the UI and API can render.

    The length is checked on the raw text before any normalisation; then control characters are dropped and
    whitespace collapsed; questions in any language pass through.
    """
    raw = question if isinstance(question, str) else ""
    if len(raw) > 4 * settings.max_question_chars:
        return too_long(raw, settings)
    question = clean_question(raw)
    if not question:
        return Answer(text=NUDGE, route="none")
    if len(question) > settings.max_question_chars:
        return too_long(question, settings)
    try:
        return assistant.ask(question, clean_history(history))
    except QueryRejected as err:
        log.warning("query rejected: %s | sql=%r", err.reason, err.sql)
        return Answer(text=f"I could not run the database query for that question ({err.reason}). "
                           "Try naming the model and benchmark more directly.", route="none", sql=err.sql)
    except LLMError as err:
        log.warning("LLM failed: %s", err)
        return Answer(text="The language model did not answer in time or returned an error, so I could not "
                           f"answer that one ({err}). Questions about a single model and benchmark work "
                           "without it.", route="none")
    except INDEX_ERRORS as err:
        log.error("index problem: %s", err)
        return Answer(text=f"The score database has a problem: {err}", route="none")
    except Exception:  # noqa: BLE001 - the edge: log the traceback, show a plain message
        log.exception("unexpected error answering %r", question[:200])
        return Answer(text=SORRY, route="none")


class FeedbackLog:
    """Append-only JSONL of likes/dislikes, kept apart from the score database, and capped in size."""

    def __init__(self, path: Path, max_bytes: int = DEFAULT_FEEDBACK_MAX_BYTES):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def append(self, record: dict) -> bool:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        with self._lock:
            size = self.path.stat().st_size if self.path.exists() else 0
            if size + len(line) > self.max_bytes:
                log.warning("feedback not stored: %s has reached its %d-byte cap", self.path, self.max_bytes)
                return False
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as f:
                f.write(line)
        return True


def turn_record(question: str, answer: Answer) -> dict:
    return {"question": question[:2000], "answer": answer.text[:4000], "route": answer.route, "sql": answer.sql,
            "sources": list(dict.fromkeys(s.label() for s in answer.sources))[:10], "llm_used": answer.llm_used}


def record_feedback(feedback: FeedbackLog, turns: dict, index: object, liked: object) -> None:
    """Write one vote per answer this server gave in this browser session.

    `turns` is server-side session state (message index -> what was asked and answered), filled only by the chat
    itself, so a raw request with its own session finds nothing to vote on; a voted turn is marked and not voted again.
    """
    index = index[0] if isinstance(index, (list, tuple)) and index else index
    turn = turns.get(index) if isinstance(index, int) else None
    if turn is None or not isinstance(liked, bool):
        log.warning("feedback ignored: no answer at index %r in this session", index)
        return
    group = turn.get("group", index)
    if any(t.get("voted") for t in turns.values() if t.get("group", None) == group) or turn.get("voted"):
        log.warning("feedback ignored: the answer at index %r already has a vote from this session", index)
        return
    turn["voted"] = True
    record = {k: v for k, v in turn.items() if k not in ("group", "voted")}
    feedback.append({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "liked": liked, **record})


def startup_error(err: BaseException) -> str:
    """One clear line for an error that stops the server from starting."""
    if isinstance(err, INDEX_ERRORS):
        return f"Cannot start: {err}"
    if isinstance(err, PermissionError):
        return f"Cannot start: no permission for {err.filename or err}. Choose a writable --db location."
    if isinstance(err, OSError):
        return f"Cannot start: {err.strerror or err} ({err.filename or 'no file name'})."
    return f"Cannot start: {err}"
