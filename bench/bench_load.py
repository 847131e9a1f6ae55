"""Load benchmark: 1, 8 and 32 concurrent gradio_client sessions against a launched `python ui.py`.

    python bench/bench_load.py                      # launches ui.py on a free loopback port
    python bench/bench_load.py --url http://127.0.0.1:7860 --pid <server pid>
    python bench/bench_load.py --db scale-work/scores-1000.duckdb --corpus scale-work/papers-1000   # at scale

Each session asks a fixed mix of questions (/ask and multi-turn /chat) a bounded number of times. Prints p50, p95
and errors per level and the server's resident memory (VmRSS from /proc/<pid>/status). With --corpus (a folder
written by bench/corpus.py, whose database is --db) the mix is bench/questions_scale.jsonl for that corpus.
Needs only requirements.txt.
Targets: one session p50 <= 150 ms; 32 sessions p95 <= 1 s with zero errors; server RSS <= 400 MB. Not a test.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.settings import Settings  # noqa: E402
from bench.apprun import client_for, cpu_seconds, launched_server, rss_mb  # noqa: E402

LEVELS = (1, 8, 32)
# (endpoint, question): /chat keeps each session's history, so the follow-up rides on the question before it.
MIX = [
    ("/ask", "What is GLM-4-9B's MATH score?"),
    ("/ask", "What is Qwen2-72B-Instruct's MMLU score?"),
    ("/chat", "What is Llama-3-8B-Instruct's MBPP score?"),
    ("/chat", "And Qwen2-7B-Instruct?"),
    ("/ask", "What does GLM-4.5 score on BFCL V3?"),
    ("/ask", "GLM-4-9B 的 MATH 分数是多少？"),
    ("/ask", "How did the Qwen2 team run the multilingual human evaluation?"),
    ("/ask", "Compare GLM-4.5 and GLM-4.5-Air on LiveCodeBench"),
]
TARGETS = "targets: 1 session p50 <= 150 ms; 32 sessions p95 <= 1000 ms, 0 errors; RSS <= 400 MB"


def run_session(client, mix: list[tuple[str, str]], rounds: int, start: threading.Barrier
                ) -> tuple[list[float], int]:
    latencies, errors = [], 0
    start.wait()
    for i in range(rounds):
        endpoint, question = mix[i % len(mix)]
        t0 = time.perf_counter()
        try:
            if endpoint == "/ask":
                ok = bool(client.predict(question=question, history=[], api_name="/ask")["answer"])
            else:
                ok = bool(client.predict(question, api_name="/chat"))
        except Exception as e:  # noqa: BLE001 - a benchmark counts failures, whatever they are
            ok = False
            print(f"error on {endpoint} {question!r}: {type(e).__name__}: {e}"[:300], file=sys.stderr)
        latencies.append((time.perf_counter() - t0) * 1000)
        errors += not ok
    return latencies, errors


def run_level(url: str, mix: list[tuple[str, str]], sessions: int, rounds: int) -> tuple[list[float], int]:
    clients = [client_for(url) for _ in range(sessions)]  # connecting is not part of the timing
    start = threading.Barrier(sessions)
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        results = list(pool.map(lambda c: run_session(c, mix, rounds, start), clients))
    for client in clients:
        client.close()
    return [ms for lat, _ in results for ms in lat], sum(err for _, err in results)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench(url: str, pid: int, rounds: int, mix: list[tuple[str, str]] = MIX) -> None:
    run_level(url, mix, 1, len(mix))  # warm-up: first answers load caches
    print(f"{'sessions':>8} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6} "
          f"{'RSS MB':>7} {'server CPU ms/req':>17}")
    for sessions in LEVELS:
        cpu_before = cpu_seconds(pid)
        latencies, errors = run_level(url, mix, sessions, rounds)
        cpu_per_request = (cpu_seconds(pid) - cpu_before) * 1000 / len(latencies)
        print(f"{sessions:>8} {len(latencies):>8} {statistics.median(latencies):>8.1f} "
              f"{percentile(latencies, 95):>8.1f} {max(latencies):>8.1f} {errors:>6} {rss_mb(pid):>7.1f} "
              f"{cpu_per_request:>17.1f}")
    print(TARGETS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: launch ui.py on a free port)")
    parser.add_argument("--pid", type=int, help="the running server's pid, for its memory")
    parser.add_argument("--db", type=Path, default=Settings().db_path, help="score database for the launched server")
    parser.add_argument("--rounds", type=int, default=16, help="questions per session per level")
    parser.add_argument("--corpus", type=Path, help="a bench/corpus.py folder: ask its scale question mix")
    args = parser.parse_args()
    mix = MIX
    if args.corpus:
        from bench.bench_scale import load_mix
        from bench.corpus import read_manifest
        mix = [("/ask", c["q"]) for c in load_mix(read_manifest(args.corpus)[-1].tag)]
    if args.url:
        if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error("the benchmark only runs against a server on this machine (loopback)")
        if args.pid is None:
            parser.error("--pid is needed with --url (the memory is read from /proc/<pid>/status)")
        bench(args.url, args.pid, args.rounds, mix)
        return
    with tempfile.TemporaryDirectory() as tmp:
        # A corpus database is not built from data/papers: a papers folder that does not exist keeps it as it is.
        papers = Path(tmp) / "no-papers-folder" if args.corpus else None
        with launched_server(Path(tmp), args.db, papers_dir=papers) as server:
            print(f"server {server.url} (pid {server.pid}, database {server.db_path})")
            bench(server.url, server.pid, args.rounds, mix)


if __name__ == "__main__":
    main()
