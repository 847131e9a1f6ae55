"""Reaching the app as users do: a launched `python ui.py`, a headless Chromium, and a host page on another origin.

Test modules load these with `pytest_plugins = ["tests.ui_fixtures"]`, so the session-scoped server is started
once and shared. The launcher helpers (free port, readiness wait, quiet client) are `bench/apprun.py`'s,
which the load benchmark uses without pytest.
"""
from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.apprun import LLM_ENV, _wait_ready, client_for, free_port  # noqa: F401 (re-exported to the tests)
from tests.conftest import copy_papers  # noqa: F401 (re-exported to the tests)

# gradio_client pings a telemetry endpoint unless both are set; the tests stay on loopback.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 240  # the first run builds the score database
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    db_path: Path
    feedback_path: Path
    log_path: Path
    papers_dir: Path | None = None

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def launched_server(workdir: Path, db_path: Path | None = None, env_extra: dict[str, str] | None = None,
                    papers_dir: Path | None = None) -> Iterator[Server]:
    """Run `python ui.py --port <free> --db <db_path>` over a copy of the papers (the database is built on first
    run) until the block ends. `env_extra` sets more PAPERQA_* settings."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = db_path or workdir / "scores.duckdb"
    papers_dir = papers_dir or copy_papers(workdir / "papers")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in LLM_ENV}
    env["PAPERQA_FEEDBACK_PATH"] = str(workdir / "feedback.jsonl")
    env["PAPERQA_PAPERS_DIR"] = str(papers_dir)
    env["GRADIO_TEMP_DIR"] = str(workdir / "gradio-tmp")  # so a test can see that nothing was written
    env.update(env_extra or {})
    log_path = workdir / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "ui.py", "--port", str(port), "--db", str(db_path)],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc, log_path, STARTUP_TIMEOUT_S)
        yield Server(url, proc.pid, db_path, Path(env["PAPERQA_FEEDBACK_PATH"]), log_path, papers_dir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("ui")
    with launched_server(workdir) as server:
        yield server


@pytest.fixture
def client(ui_server):
    """A fresh gradio_client session against the launched server."""
    client = client_for(ui_server.url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path; missing Chromium skips locally but fails under CI."""
    path = shutil.which("chromium")
    if path is None:
        message = "chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@pytest.fixture(scope="session")
def host_page() -> Iterator[str]:
    """The example host page in web/, served from its own origin (another port)."""
    handler = functools.partial(_QuietHandler, directory=str(ROOT / "web"))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
