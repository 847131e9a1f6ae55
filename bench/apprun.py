"""What the benchmarks need to run the app and watch processes, with only requirements.txt installed.

`launched_server` runs `python ui.py` on a free loopback port against a given database (and papers folder: a
folder that does not exist keeps the database as it is, whatever it was built from); `client_for` opens a quiet
gradio_client session; the rest reads memory and CPU from /proc (Linux).
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# gradio_client pings a telemetry endpoint unless both are set; the benchmarks stay on loopback.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 600
# Settings that would switch on an LLM or dense retrieval; the benchmarks use the rules-only assistant.
LLM_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "PAPERQA_OPENAI_API_KEY", "PAPERQA_OPENAI_BASE_URL",
           "PAPERQA_EMBED_BASE_URL")


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    db_path: Path
    log_path: Path
    started: float          # time.monotonic() when the process was started

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, proc: subprocess.Popen, log_path: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ui.py exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/gradio_api/info", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"ui.py was not ready after {timeout_s}s:\n{log_path.read_text(errors='replace')}")


@contextlib.contextmanager
def launched_server(workdir: Path, db_path: Path | None = None, papers_dir: Path | None = None,
                    timeout_s: float = STARTUP_TIMEOUT_S, nice: int = 0) -> Iterator[Server]:
    """Run `python ui.py --port <free> --db <db_path>` until the block ends (the database is built if missing)."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = db_path or workdir / "scores.duckdb"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in LLM_ENV}
    env["PAPERQA_FEEDBACK_PATH"] = str(workdir / "feedback.jsonl")
    if papers_dir is not None:
        env["PAPERQA_PAPERS_DIR"] = str(papers_dir)
    log_path = workdir / f"server-{port}.log"
    command = [sys.executable, "ui.py", "--port", str(port), "--db", str(db_path)]
    started = time.monotonic()
    with log_path.open("w") as log:
        proc = subprocess.Popen((["nice", "-n", str(nice)] if nice else []) + command, cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc, log_path, timeout_s)
        yield Server(url, proc.pid, db_path, log_path, started)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client_for(url: str):
    """A gradio_client session (its own conversation history), quiet and without telemetry.

    Certificate checks only mean something over https; skipping them for plain http spares gradio_client
    loading the CA bundle on every request."""
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, ssl_verify=urlsplit(url).scheme == "https")


# --------------------------------------------------------------------------------------------- /proc
def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB (nan once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def descendants(pid: int) -> list[int]:
    """pid and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


class TreeRSS:
    """Samples the summed resident memory of a process and its descendants (worker pools included)."""

    def __init__(self, pid: int, every_s: float = 0.2):
        self.pid, self.every_s, self.peak_mb = pid, every_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(x for x in (rss_mb(p) for p in descendants(self.pid)) if x == x)
            self.peak_mb = max(self.peak_mb, total)
            self._stop.wait(self.every_s)

    def __enter__(self) -> TreeRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
