"""python -m assistant.eval FILE.jsonl — score the assistant on gold cases with the rules of score.py.

Prints accuracy per category (the case's expected route) and per route taken, then every failure.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from .core import Assistant
from .score import check, load
from .settings import Settings


def history_messages(case: dict) -> list[dict]:
    """A case's conversation as {role, content} messages: dicts are kept (user and assistant turns), bare strings
    are user questions."""
    out = []
    for h in case.get("history") or []:
        if isinstance(h, dict) and isinstance(h.get("content"), str):
            out.append({"role": h.get("role") or "user", "content": h["content"]})
        elif isinstance(h, str):
            out.append({"role": "user", "content": h})
    return out


def evaluate(assistant: Assistant, cases: list[dict]) -> tuple[list[tuple[dict, object, bool, str]], float]:
    out, start = [], time.monotonic()
    for case in cases:
        ans = assistant.ask(case["q"], history_messages(case))
        ok, why = check(case, ans.text)
        out.append((case, ans, ok, why))
    return out, time.monotonic() - start


def report(results, seconds: float) -> str:
    lines = []
    for title, keyf in (("category", lambda c, a: c.get("category") or c.get("route", "?")),
                        ("route taken", lambda c, a: a.route)):
        total, good = Counter(), Counter()
        for case, ans, ok, _ in results:
            k = keyf(case, ans)
            total[k] += 1
            good[k] += ok
        lines.append(f"{'by ' + title:<16} {'n':>4} {'pass':>5} {'acc':>7}")
        for k in sorted(total):
            lines.append(f"  {k:<14} {total[k]:>4} {good[k]:>5} {good[k] / total[k]:>7.1%}")
    fails = [(c, a, why) for c, a, ok, why in results if not ok]
    for case, ans, why in fails:
        lines.append(f"\nFAIL {case.get('id')}: {case['q']}\n  {why}; route {ans.route}\n  answer: "
                     + ans.text[:400].replace("\n", "\n          "))
    n = len(results)
    passed = n - len(fails)
    lines.append(f"\nTOTAL {passed}/{n} = {passed / n:.1%} in {seconds:.2f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.eval", description=__doc__)
    ap.add_argument("file")
    ap.add_argument("--min", type=int, default=None, metavar="N",
                    help="exit with status 1 when fewer than N cases pass (for CI)")
    args = ap.parse_args(argv)
    assistant = Assistant.from_settings(Settings())
    results, seconds = evaluate(assistant, load(args.file))
    print(report(results, seconds))
    passed = sum(ok for _, _, ok, _ in results)
    if args.min is not None and passed < args.min:
        print(f"FAILED: {passed} passed, below --min {args.min}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
