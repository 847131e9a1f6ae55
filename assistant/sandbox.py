"""LLM-written SQL in a separate process that is killed at the time limit and has its own memory ceiling.

DuckDB's interrupt() is checked between chunks, so one operator building huge strings runs on past the limit
(measured: `length(repeat('x', 1500000000))` ran 8.7 s under a 1 s interrupt and took 1.5 GB). The function
allow-list refuses the known culprits; this process is the second wall: a read-only connection in a worker
(assistant/sqlworker.py) with an address-space limit, asked over a pipe, and killed when it does not answer in
time or dies (a new one starts for the next query).

    box = Sandbox(db_path, settings)
    columns, rows = box.run(sql)        # QueryTimeout / ResultTooLarge / QueryRejected, like SafeDB.query
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

from assistant.guard import QueryRejected, QueryTimeout, ResultTooLarge, file_identity
from assistant.settings import Settings

WORKER = Path(__file__).with_name("sqlworker.py")     # run as a script (-I): no package import, a quick start
KILL_GRACE_S = 0.25          # after the limit, the worker's own interrupt() gets this long before it is killed
START_TIMEOUT_S = 20.0
QUEUE_WAIT_S = 2.0           # how long a query waits for the worker (busy with another query, or starting)


class Sandbox:
    """One worker process, one query at a time (LLM-written SQL is rare; others wait their turn, within the limit)."""

    def __init__(self, db_path: str | Path, settings: Settings):
        self.path, self.settings = str(db_path), settings
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._ident: tuple | None = None                 # the file the worker opened (see guard.file_identity)
        self._buffer = b""
        self.kills = 0                                   # workers killed so far (the tests read it)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def start(self) -> None:
        with self._lock:
            self._ensure()

    def run(self, sql: str, params: list | tuple | None = None) -> tuple[list[str], list[dict]]:
        s = self.settings
        limit = s.sql_timeout_ms / 1000
        if not self._lock.acquire(timeout=limit + QUEUE_WAIT_S):     # one query at a time; a start takes ~0.5 s
            raise QueryTimeout(sql, s.sql_timeout_ms)
        try:
            self._ensure()
            deadline = time.monotonic() + limit + KILL_GRACE_S
            request = {"sql": sql, "params": list(params) if params else None, "row_cap": s.sql_row_cap,
                       "byte_cap": s.sql_max_result_bytes, "limit_s": limit}
            self._proc.stdin.write((json.dumps(request) + "\n").encode())
            self._proc.stdin.flush()
            reply = self._read_line(deadline)
            if reply is None:
                self._kill()
                raise QueryTimeout(sql, s.sql_timeout_ms)
        except (BrokenPipeError, OSError, ValueError) as e:
            self._kill()
            raise QueryRejected(sql, "the query process stopped (it passed its memory ceiling)") from e
        finally:
            self._lock.release()
        return _result(sql, reply, s)

    def _read_line(self, deadline: float) -> dict | None:
        """The worker's next reply line, or None at the deadline. Raises OSError if the worker died."""
        fd = self._proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise OSError("the worker closed its output")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def _ensure(self) -> None:
        """A live worker on the file now at the path: a rebuilt database swapped in since gets a new worker."""
        ident = file_identity(self.path)
        if self._proc is not None and self._proc.poll() is None and (ident is None or ident == self._ident):
            return
        self._stop()
        self._ident = ident
        config = {"enable_external_access": False, "autoload_known_extensions": False,
                  "autoinstall_known_extensions": False, "temp_directory": "",      # never spill next to the db
                  "memory_limit": self.settings.sql_memory_limit, "threads": 1, "lock_configuration": True}
        memory = self.settings.sql_worker_memory_mb * 1024 * 1024
        self._proc = subprocess.Popen(
            [sys.executable, "-I", str(WORKER), self.path, json.dumps(config), str(memory)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._buffer = b""
        try:
            ready = self._read_line(time.monotonic() + START_TIMEOUT_S)
        except (OSError, ValueError):
            ready = None
        if not ready or ready.get("kind") != "ready":
            self._kill()
            reason = (ready or {}).get("reason", "it did not start")
            raise QueryRejected("", f"the query process could not start: {reason}")

    def _kill(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.kill()
            self.kills += 1
        self._proc.wait(5)
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe:
                pipe.close()
        self._proc = None

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.stdin.close()                 # the worker's loop ends at end of input
            try:
                self._proc.wait(2)
            except subprocess.TimeoutExpired:
                pass
        self._kill()


def _result(sql: str, reply: dict, s: Settings) -> tuple[list[str], list[dict]]:
    kind = reply.get("kind")
    if kind == "ok":
        columns = reply["columns"]
        return columns, [dict(zip(columns, row)) for row in reply["rows"]]
    if kind == "timeout":
        raise QueryTimeout(sql, s.sql_timeout_ms)
    if kind == "too_large":
        raise ResultTooLarge(sql, s.sql_max_result_bytes)
    raise QueryRejected(sql, str(reply.get("reason") or "the query process failed"))
