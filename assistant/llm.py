"""The one LLM interface the assistant uses: `complete(messages) -> str`, raising LLMError on any failure.

`OpenAICompatible` talks to any OpenAI-protocol server; `QueuedFakeLLM` replays scripted answers in unit tests.
Callers treat LLMError as "use the deterministic answer instead".
"""
from __future__ import annotations

import contextlib
import json
import threading
from collections import deque
from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

import openai

from assistant.settings import Settings

# How long after the deadline the waiting thread gives an aborted request to unwind.
_ABORT_GRACE_S = 0.25


class LLMError(Exception):
    """An LLM call failed. The message says what failed and what to check."""

    def __init__(self, reason: str, fix: str = "", llm_name: str = "LLM"):
        self.reason, self.llm_name = reason, llm_name
        tail = f" {fix}" if fix else ""
        super().__init__(f"{llm_name} call failed: {reason}; the deterministic answer was used instead.{tail}")


@runtime_checkable
class LLM(Protocol):
    name: str

    def complete(self, messages: list[dict], *, max_tokens: int | None = None,
                 timeout: float | None = None) -> str:
        """The assistant's reply text. Raises LLMError on any failure, within `timeout` seconds."""
        ...


class OpenAICompatible:
    """Chat completions from an OpenAI-compatible server, bounded by wall-clock time on every call.

    httpx timeouts bound each network operation, not the whole response (a server that sends a byte at a time
    never trips them), so each request runs in a worker thread and is aborted when the caller's time is up.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.base_url = settings.openai_base_url
        self.name = f"{settings.llm_model} @ {self.base_url or 'api.openai.com'}"
        self._client = openai.OpenAI(base_url=self.base_url, api_key=settings.openai_api_key or "none",
                                     timeout=settings.llm_timeout_s, max_retries=0)

    def complete(self, messages: list[dict], *, max_tokens: int | None = None,
                 timeout: float | None = None) -> str:
        timeout = self.settings.llm_timeout_s if timeout is None else timeout
        if timeout <= 0:
            raise self._error("no time left in the LLM budget", "Raise PAPERQA_LLM_TIMEOUT_S.")
        request = {"model": self.settings.llm_model, "messages": messages, "temperature": 0,
                   "max_tokens": max_tokens or self.settings.llm_max_tokens, "timeout": timeout}
        return self._content(self._run_bounded(request, timeout))

    def _run_bounded(self, request: dict, timeout: float) -> Any:
        call = _Call(self._client, request, max_bytes=4 * self.settings.llm_max_reply_chars + 65_536)
        worker = threading.Thread(target=call.run, name="llm-request", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            call.abort()
            worker.join(_ABORT_GRACE_S)
            raise self._error(f"no complete answer within {timeout:.1f} s",
                              "Check the server, or raise PAPERQA_LLM_TIMEOUT_S.")
        if call.error is not None:
            raise self._translate(call.error) from call.error
        return call.result

    def _translate(self, exc: BaseException) -> LLMError:
        if isinstance(exc, openai.APITimeoutError):
            return self._error("the request timed out", "Check the server, or raise PAPERQA_LLM_TIMEOUT_S.")
        if isinstance(exc, openai.APIConnectionError):
            return self._error(f"could not connect ({exc})",
                               "Is the server running? Check OPENAI_BASE_URL.")
        if isinstance(exc, openai.RateLimitError):
            return self._error("rate limited (HTTP 429)", "Wait, or use a key with more quota.")
        if isinstance(exc, openai.APIStatusError):
            return self._error(f"HTTP {exc.status_code}: {_short(exc.message)}",
                               "Check OPENAI_BASE_URL, OPENAI_API_KEY and PAPERQA_LLM_MODEL.")
        if isinstance(exc, ReplyTooLarge):
            return self._error(str(exc), "Lower PAPERQA_LLM_MAX_TOKENS, or raise PAPERQA_LLM_MAX_REPLY_CHARS.")
        if isinstance(exc, ValueError):     # json.JSONDecodeError, pydantic.ValidationError
            return self._error(f"the server's reply is not chat-completion JSON ({_short(str(exc))})",
                               "Check that OPENAI_BASE_URL points at an OpenAI-compatible /v1 endpoint.")
        return self._error(f"unexpected {type(exc).__name__}: {_short(str(exc))}")

    def _content(self, completion: Any) -> str:
        choices = _get(completion, "choices") or []
        if not isinstance(choices, list) or not choices:
            raise self._error("the reply has no choices")
        choice = choices[0]
        message = _get(choice, "message")
        refusal = _get(message, "refusal")
        if refusal:
            raise self._error(f"the model refused: {_short(refusal)}")
        content = _get(message, "content")
        limit = self.settings.llm_max_reply_chars
        if isinstance(content, str) and len(content) > limit:
            raise self._error(f"the reply is {len(content):,} characters, more than the {limit:,} allowed",
                              "Lower PAPERQA_LLM_MAX_TOKENS, or raise PAPERQA_LLM_MAX_REPLY_CHARS.")
        if isinstance(content, str) and content.strip():
            return content
        if _get(choice, "finish_reason") == "length":
            raise self._error("the reply hit max_tokens before any text", "Raise PAPERQA_LLM_MAX_TOKENS.")
        raise self._error("the reply has no text content")

    def _error(self, reason: str, fix: str = "") -> LLMError:
        return LLMError(reason, fix, llm_name=self.name)

    def close(self) -> None:
        self._client.close()


class ReplyTooLarge(ValueError):
    """The server sent more bytes than any allowed reply can take."""


class _Call:
    """One chat-completion request run in a worker thread; `abort()` closes its response from outside.

    The body is read in chunks and given up past `max_bytes`, so a huge reply never sits in memory whole."""

    def __init__(self, client: openai.OpenAI, request: dict, max_bytes: int = 1 << 20):
        self._client, self._request, self._max_bytes = client, request, max_bytes
        self._response: Any = None
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self._client.chat.completions.with_streaming_response.create(**self._request) as response:
                self._response = response
                self.result = json.loads(self._read(response))
        except Exception as exc:    # handed to the waiting thread, which translates it into LLMError
            self.error = exc

    def _read(self, response: Any) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise ReplyTooLarge(f"the reply is larger than {self._max_bytes:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def abort(self) -> None:
        if self._response is not None:
            with contextlib.suppress(Exception):    # best effort: the caller has already given up on it
                self._response.close()


class QueuedFakeLLM:
    """Replays queued replies in order (an Exception instance is raised instead); records every request."""

    name = "queued-fake"

    def __init__(self, responses: Iterable[str | BaseException] = ()):
        self._queue: deque[str | BaseException] = deque(responses)
        self.history: list[list[dict]] = []
        self.options: list[dict] = []

    def enqueue(self, responses: Iterable[str | BaseException]) -> QueuedFakeLLM:
        self._queue.extend(responses)
        return self

    def complete(self, messages: list[dict], *, max_tokens: int | None = None,
                 timeout: float | None = None) -> str:
        self.history.append([dict(m) for m in messages])
        self.options.append({"max_tokens": max_tokens, "timeout": timeout})
        if not self._queue:
            raise LLMError("the fake's queue is empty", "Enqueue one reply per expected call.", llm_name=self.name)
        reply = self._queue.popleft()
        if isinstance(reply, BaseException):
            raise reply
        return reply


def make_llm(settings: Settings) -> LLM | None:
    """The configured LLM, or None when neither OPENAI_BASE_URL nor OPENAI_API_KEY is set."""
    if not settings.llm_configured:
        return None
    return OpenAICompatible(settings)


def _get(obj: Any, name: str) -> Any:
    """A field of a decoded JSON object (or of an SDK model), None when absent or of the wrong shape."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."
