"""Time draft() (LLM routing + text-to-SQL) over tests/dev.jsonl and count how often it is usable.

    python -m bench.bench_llm                   # the LLM configured by OPENAI_BASE_URL / OPENAI_API_KEY
    python -m bench.bench_llm --smollm2         # a local llama.cpp server with SmolLM2-135M (n_ctx 4096)

Prints one line per question (route, calls, seconds, whether an expected number is in the rows) and a summary.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import tempfile
import time
from pathlib import Path

from assistant.guard import SafeDB
from assistant.llm import LLM, OpenAICompatible, make_llm
from assistant.llm_sql import LLMDraft, NameHints, draft
from assistant.settings import ROOT, Settings

DEV = ROOT / "tests" / "dev.jsonl"
ROUTE_ALIASES = {"rag": "text"}


def main() -> None:
    args = _args()
    settings = Settings().model_copy(update={"llm_timeout_s": args.budget})
    with _database(settings) as db, _llm(settings, args) as llm:
        names = NameHints.from_db(db)
        results = [_one(case, llm, db, names, args.budget) for case in _cases(args.limit)]
    _summary(results)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smollm2", action="store_true", help="start a local SmolLM2 llama.cpp server")
    parser.add_argument("--budget", type=float, default=15.0, help="seconds allowed per question")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    return parser.parse_args()


def _cases(limit: int) -> list[dict]:
    cases = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    return cases[:limit] if limit else cases


@contextlib.contextmanager
def _database(settings: Settings):
    if settings.db_path.is_file():
        with SafeDB(settings.db_path, settings) as db:
            yield db
        return
    from index.build import build
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scores.duckdb"
        build(settings.papers_dir, path)
        with SafeDB(path, settings) as db:
            yield db


@contextlib.contextmanager
def _llm(settings: Settings, args: argparse.Namespace):
    if not args.smollm2:
        llm = make_llm(settings)
        if llm is None:
            raise SystemExit("No LLM configured: set OPENAI_BASE_URL (and OPENAI_API_KEY), or pass --smollm2.")
        yield llm
        return
    from tests.llm_servers import smollm2_server
    with smollm2_server(n_ctx=4096) as url:
        yield OpenAICompatible(settings.model_copy(update={"openai_base_url": url, "openai_api_key": None,
                                                           "llm_model": "smollm2", "llm_max_tokens": 128}))


def _one(case: dict, llm: LLM, db: SafeDB, names: NameHints, budget: float) -> tuple[dict, LLMDraft, float]:
    start = time.monotonic()
    result = draft(case["q"], case.get("history") or [], llm, db, names, deadline=start + budget)
    elapsed = time.monotonic() - start
    print(f"{case['id']:>4} {result.route:>5} calls={result.calls} {elapsed:5.2f}s "
          f"route_ok={_route_ok(case, result)} number_found={_number_found(case, result)} "
          f"{'ERR ' + result.error[:80] if result.error else ''}")
    return case, result, elapsed


def _route_ok(case: dict, result: LLMDraft) -> bool:
    expected = ROUTE_ALIASES.get(case["route"], case["route"])
    return result.route == expected or (result.route == "both" and expected in ("sql", "text"))


def _number_found(case: dict, result: LLMDraft) -> bool | None:
    wanted = case.get("all") or case.get("any") or []
    if not wanted:
        return None
    values = {row.get("value") for row in result.rows}
    return any(v in values for v in wanted)


def _summary(results: list[tuple[dict, LLMDraft, float]]) -> None:
    times = [t for _, _, t in results]
    print(f"\n{len(results)} questions; median {statistics.median(times):.2f}s, max {max(times):.2f}s; "
          f"errors {sum(1 for _, r, _ in results if r.error)}; "
          f"routes right {sum(_route_ok(c, r) for c, r, _ in results)}; "
          f"numbers found {sum(bool(_number_found(c, r)) for c, r, _ in results)}; "
          f"calls {sum(r.calls for _, r, _ in results)}")


if __name__ == "__main__":
    main()
