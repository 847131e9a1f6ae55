"""HTTP guards in front of everything: a request-body cap checked before any parsing, uploads off, and only the
public endpoints (/chat, /ask) reachable by name from outside. The queue itself is kept mandatory by
`lock_queue` (api_open off, every handler queued)."""
from __future__ import annotations

import json
import re

import gradio as gr

DEFAULT_MAX_REQUEST_BYTES = 256_000     # a question, its history and the framing; setting: max_request_bytes
PUBLIC_API = frozenset({"chat", "ask"})
_UPLOAD = re.compile(r"^/(gradio_api/)?upload(_progress)?/?$")
_BY_NAME = re.compile(r"^/(?:gradio_api/)?(?:run|api|call(?:/v2)?)/([^/]+)")


class RequestGuard:
    """ASGI middleware. Rejects with a short JSON error; never reads a body past the cap."""

    def __init__(self, app, max_body_bytes: int = DEFAULT_MAX_REQUEST_BYTES, public_api=PUBLIC_API):
        self.app = app
        self.max_body = max_body_bytes
        self.public = frozenset(public_api)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if _UPLOAD.match(path):
            return await _reject(send, 403, "Uploads are disabled on this server.")
        named = _BY_NAME.match(path)
        if named and named.group(1) not in self.public:
            return await _reject(send, 404, "Only /chat and /ask are callable from outside.")
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            length = _content_length(scope)
            if length is not None and (length < 0 or length > self.max_body):
                return await _reject(send, 413, f"Request body over {self.max_body:,} bytes.")
            if length is None:
                body, too_big = await _read_capped(receive, self.max_body)
                if too_big:
                    return await _reject(send, 413, f"Request body over {self.max_body:,} bytes.")
                receive = _replay(body)
        return await self.app(scope, receive, send)


def _content_length(scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
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


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}
    return receive


async def _reject(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def lock_queue(demo: gr.Blocks, concurrency_limit: int, max_size: int) -> None:
    """Every handler runs through the queue (so its limits hold), and no REST route skips it."""
    for fn in demo.fns.values():
        if fn.fn is not None:
            fn.queue = True
    demo.queue(api_open=False, default_concurrency_limit=concurrency_limit, max_size=max_size)
