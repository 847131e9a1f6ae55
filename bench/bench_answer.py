"""Answer latency per route, in-process, no LLM; and LLM calls per answer when an LLM is configured.

    python bench/bench_answer.py [--repeat 20] [--questions tests/dev.jsonl]   # or a dev2-style set with
                                                                            # {role, content} history turns
    OPENAI_BASE_URL=http://127.0.0.1:8080/v1 python bench/bench_answer.py --llm

Targets (no LLM): p50 <= 10 ms and p95 <= 50 ms per route. Prints a table; not a test.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import Assistant  # noqa: E402
from assistant.eval import history_messages  # noqa: E402
from assistant.llm import make_llm  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from index.build import build  # noqa: E402


class CountingLLM:
    """Wraps the configured LLM to count calls per answer."""

    def __init__(self, inner):
        self.inner, self.name, self.calls = inner, getattr(inner, "name", "llm"), 0

    def complete(self, messages, **kw):
        self.calls += 1
        return self.inner.complete(messages, **kw)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--questions", default=str(ROOT / "tests" / "dev.jsonl"))
    ap.add_argument("--llm", action="store_true", help="use the LLM configured in the environment")
    args = ap.parse_args()
    cases = [json.loads(line) for line in open(args.questions) if line.strip()]
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        build(settings.papers_dir, db)
        llm = CountingLLM(make_llm(settings)) if args.llm and make_llm(settings) else None
        a = Assistant(db, settings, llm=llm)
        a.text  # build the text index before timing (the app does this at start-up)
        times: dict[str, list[float]] = {}
        calls: list[int] = []
        for _ in range(args.repeat if not llm else 1):
            for c in cases:
                hist = history_messages(c)     # {role, content} dicts kept; bare strings are user turns
                before = llm.calls if llm else 0
                start = time.perf_counter()
                ans = a.ask(c["q"], hist)
                times.setdefault(ans.route, []).append((time.perf_counter() - start) * 1000)
                if llm:
                    calls.append(llm.calls - before)
        print(f"{'route':<8} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for route, xs in sorted(times.items()):
            print(f"{route:<8} {len(xs):>5} {statistics.median(xs):>8.2f} {pct(xs, 95):>8.2f} {max(xs):>8.2f}")
        allx = [x for xs in times.values() for x in xs]
        print(f"{'all':<8} {len(allx):>5} {statistics.median(allx):>8.2f} {pct(allx, 95):>8.2f} {max(allx):>8.2f}")
        if llm:
            print(f"\nLLM calls per answer: mean {statistics.mean(calls):.2f}, max {max(calls)}, "
                  f"distribution {dict(sorted({n: calls.count(n) for n in set(calls)}.items()))}")


if __name__ == "__main__":
    main()
