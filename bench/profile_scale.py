"""Where the time goes at scale: cProfile of a build, or of the question mix, printed as the top functions.

    nice -n 10 python bench/profile_scale.py build --papers 200            # writes a 200-paper corpus, builds it
    nice -n 10 python bench/profile_scale.py answers --db DB --corpus DIR  # the mix of bench_scale.py, 3 rounds

The build is profiled in one process (parsing is kept out of worker processes, so the profiler sees it). Prints the top functions by own time and by cumulative time.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from bench.bench_scale import load_mix  # noqa: E402


def top(profile: cProfile.Profile, n: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(n)
    stats.sort_stats("cumulative").print_stats(n)
    stats.sort_stats("tottime").print_callers(3)     # who calls the three costliest functions
    return out.getvalue()


def profile_build(papers: int, n: int) -> None:
    from index import build as build_module
    from index.build import build
    build_module.PARALLEL_MIN = 10**9              # parse in this process, so the profiler sees the parsing
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "papers"
        corpus.write_corpus(papers, folder)
        profile = cProfile.Profile()
        start = time.perf_counter()
        profile.runcall(build, folder, Path(tmp) / "scores.duckdb")
        print(f"build of {papers} papers: {time.perf_counter() - start:.1f} s under the profiler")
    print(top(profile, n))


def profile_answers(db: Path, folder: Path, rounds: int, n: int) -> None:
    from assistant import Assistant
    from assistant.settings import Settings
    start = time.perf_counter()
    assistant = Assistant(db, Settings())
    try:
        assistant.text
    except Exception as e:  # noqa: BLE001 - shown, and the profile of the questions still runs
        print(f"text index failed: {type(e).__name__}: {e}"[:200])
    print(f"assistant loaded in {time.perf_counter() - start:.1f} s")
    mix = load_mix(corpus.read_manifest(folder)[-1].tag)
    profile = cProfile.Profile()
    per_question: dict[str, list[float]] = {}
    for _ in range(rounds):
        for case in mix:
            t0 = time.perf_counter()
            profile.enable()
            try:
                assistant.ask(case["q"], [])
            except Exception:  # noqa: BLE001 - profiled either way
                pass
            finally:
                profile.disable()
            per_question.setdefault(case["id"], []).append((time.perf_counter() - t0) * 1000)
    for qid, ms in per_question.items():
        print(f"{qid} {min(ms):8.1f} ms (min of {len(ms)})")
    print(top(profile, n))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--papers", type=int, default=200)
    a = sub.add_parser("answers")
    a.add_argument("--db", type=Path, required=True)
    a.add_argument("--corpus", type=Path, required=True, help="the corpus folder (for the copies' names)")
    a.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    if args.cmd == "build":
        profile_build(args.papers, args.top)
    else:
        profile_answers(args.db, args.corpus, args.rounds, args.top)


if __name__ == "__main__":
    main()
