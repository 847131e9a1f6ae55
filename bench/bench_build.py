"""Build-time benchmark on realistic papers: the five real papers, and N renamed copies of them (bench/corpus.py).

    nice -n 10 python bench/bench_build.py [--repeat 3] [--papers 200,1000]

Each build runs `python -m index build` in a child process (as users run it), so the figures include start-up and
any worker processes. Prints medians as a table with the scores built and the target. Targets: five papers <= 3 s,
1,000 papers <= 60 s on a two-core machine. Not a test: these machines are shared and noisy.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402

TARGETS = {5: 3.0, 1000: 60.0}


def timed(papers: Path, repeat: int) -> tuple[float, str]:
    times, summary = [], ""
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "index", "build", "--papers", str(papers), "--db",
                                   str(Path(tmp) / "bench.duckdb")], cwd=ROOT, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(f"build of {papers} failed:\n{done.stderr[-2000:]}")
            summary = done.stdout.strip().splitlines()[-1]
    return statistics.median(times), summary


def scores_in(summary: str) -> str:
    for part in summary.split(", "):
        if part.endswith(" scores"):
            return part.split()[-2]
    return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="builds per corpus up to 100 papers (larger: one)")
    ap.add_argument("--papers", default="200,1000", help="corpus sizes besides the five real papers")
    args = ap.parse_args()
    rows = [("5 real papers", 5, *timed(ROOT / "data" / "papers", args.repeat))]
    for n in (int(s) for s in args.papers.split(",") if s.strip()):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "papers"
            write_corpus(n, folder)
            rows.append((f"{n} renamed papers", n, *timed(folder, args.repeat if n <= 100 else 1)))
    print(f"{'corpus':<22} {'median s':>9} {'scores':>8} {'s/paper':>8} {'target s':>9}  ok")
    for name, n, t, summary in rows:
        target = TARGETS.get(n)
        verdict = "-" if target is None else "yes" if t <= target else "NO"
        print(f"{name:<22} {t:>9.2f} {scores_in(summary):>8} {t / n:>8.3f} "
              f"{target if target is not None else '-':>9}  {verdict}")


if __name__ == "__main__":
    main()
