"""The worker process behind assistant.sandbox: `python -I sqlworker.py DB CONFIG_JSON MEMORY_BYTES`.

It caps its own address space, opens the database read-only, then answers one JSON request per stdin line with
one JSON reply per stdout line. Only the standard library and duckdb are imported, so it starts quickly.
"""
from __future__ import annotations

import json
import math
import resource
import sys
import threading
import time

import duckdb


def main(argv: list[str]) -> int:
    path, config, memory = argv[0], json.loads(argv[1]), int(argv[2])
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        db = duckdb.connect(path, read_only=True, config=config)
    except (duckdb.Error, MemoryError) as e:
        _send({"kind": "error", "reason": f"cannot open the database: {_line(e)}"})
        return 1
    _send({"kind": "ready"})
    for line in sys.stdin:
        request = json.loads(line)
        _send(execute(db, request["sql"], request.get("params"), request["row_cap"], request["byte_cap"],
                      request["limit_s"]))
    return 0


def execute(db: duckdb.DuckDBPyConnection, sql: str, params: list | None, row_cap: int, byte_cap: int,
            limit_s: float) -> dict:
    cursor = db.cursor()
    timer = threading.Timer(limit_s, cursor.interrupt)
    timer.start()
    start = time.monotonic()
    try:
        cursor.execute(sql, params)
        columns = [d[0] for d in cursor.description or []]
        rows, size = [], 0
        while len(rows) < row_cap:
            batch = cursor.fetchmany(min(64, row_cap - len(rows)))
            if not batch:
                break
            batch = [[_plain(v) for v in row] for row in batch]
            size += sum(len(v) if isinstance(v, str) else 8 for row in batch for v in row)
            if size > byte_cap:
                return {"kind": "too_large"}
            rows += batch
        return {"kind": "ok", "columns": columns, "rows": rows}
    except duckdb.InterruptException:
        return {"kind": "timeout"}
    except MemoryError:
        return {"kind": "error", "reason": "it ran out of memory"}
    except duckdb.Error as e:
        late = time.monotonic() - start >= limit_s
        return {"kind": "timeout" if late else "error", "reason": f"DuckDB could not run it: {_line(e)}"}
    finally:
        timer.cancel()
        cursor.close()


def _plain(value: object) -> object:
    """Values JSON carries exactly: numbers, text, None; anything else as its text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def _line(e: Exception) -> str:
    return (str(e).splitlines() or [type(e).__name__])[0]


def _send(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
