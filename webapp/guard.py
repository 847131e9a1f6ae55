"""HTTP guards in front of everything: a request-body cap checked before any parsing, uploads off, only the
public endpoints (/chat, /ask) reachable by name from outside, and the page's own handlers (by fn_index) only from
a page: a request that names one must come with an Origin header this server accepts, as every browser sends and
scripts and API clients do not. The queue itself is kept mandatory by `lock_queue` (api_open off, every handler
queued)."""
from __future__ import annotations

import json
import re
from collections.abc import Collection
from urllib.parse import urlsplit

import gradio as gr

DEFAULT_MAX_REQUEST_BYTES = 256_000     # a question, its history and the framing; setting: max_request_bytes
PUBLIC_API = frozenset({"chat", "ask"})
# Routes this app has no use for that accept files or call into components: closed.
_CLOSED = re.compile(r"^/(gradio_api/)?(upload|upload_progress|process_recording|component_server)/?$")
_BY_NAME = re.compile(r"^/(?:gradio_api/)?(?:run|api|call(?:/v2)?)/([^/]+)")


class RequestGuard:
    """ASGI middleware. Rejects with a short JSON error; never reads a body past the cap."""

    def __init__(self, app, max_body_bytes: int = DEFAULT_MAX_REQUEST_BYTES, public_api=PUBLIC_API,
                 page_handlers: Collection[int] = (), origins: Collection[str] = ("*",)):
        self.app = app
        self.max_body = max_body_bytes
        self.public = frozenset(public_api)
        self.page_handlers = frozenset(page_handlers)
        self.origins = frozenset(origins)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if _CLOSED.match(path):
            return await _reject(send, 403, "Uploads and component calls are disabled on this server.")
        named = _BY_NAME.match(path)
        if named and named.group(1) not in self.public:
            return await _reject(send, 404, "Only /chat and /ask are callable from outside.")
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            length = _header(scope, b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                return await _reject(send, 413, f"Request body over {self.max_body:,} bytes.")
            body, too_big = await _read_capped(receive, self.max_body)
            if too_big:
                return await _reject(send, 413, f"Request body over {self.max_body:,} bytes.")
            if path.endswith("/queue/join") and self._page_only(body) and not self._from_a_page(scope):
                return await _reject(send, 403, "That handler belongs to the web page; use /chat or /ask.")
            receive = _replay(body, receive)
        return await self.app(scope, receive, send)

    def _page_only(self, body: bytes) -> bool:
        try:
            fn_index = json.loads(body).get("fn_index")
        except (ValueError, AttributeError):
            return False  # not ours to judge: Gradio answers a malformed join itself
        return fn_index in self.page_handlers

    def _from_a_page(self, scope) -> bool:
        origin = _header(scope, b"origin")
        if not origin:
            return False
        host = _header(scope, b"host") or ""
        return "*" in self.origins or origin in self.origins or urlsplit(origin).netloc == host


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1").strip()
    return None


async def _read_capped(receive, cap: int) -> tuple[bytes, bool]:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", True
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks), False


def _replay(body: bytes, receive):
    """Hand the app the body already read, then the real stream (so a client's disconnect is still seen)."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replay


async def _reject(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def page_handlers(demo: gr.Blocks, public_api=PUBLIC_API) -> set[int]:
    """The fn_index of every handler that only the page itself calls."""
    return {fn_id for fn_id, fn in demo.fns.items() if fn.api_name not in public_api}


def lock_queue(demo: gr.Blocks, concurrency_limit: int, max_size: int) -> None:
    """Every handler runs through the queue (so its limits hold), and no REST route skips it."""
    for fn in demo.fns.values():
        if fn.fn is not None:
            fn.queue = True
    demo.queue(api_open=False, default_concurrency_limit=concurrency_limit, max_size=max_size)
