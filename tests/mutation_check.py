"""Does the suite notice a wrong answer? Break the answer to five dev questions on purpose and count failing tests.

    python tests/mutation_check.py            # six runs of the answer-checking tests
    python tests/mutation_check.py --only wrong-number-mmlu

Each mutation is SQL run on the test database after it is built (conftest.py applies PAPERQA_TEST_DB_MUTATION):
a changed number, a model's rows dropped. The script first asks the dev question against a mutated copy to show the
answer really changed, then runs the answer-checking tests in a subprocess against the mutated database and
prints a table. A baseline run without a mutation must pass. Exit status 1 when a mutation goes unnoticed.
Not a test (it runs the suite several times).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import MUTATION_ENV, copy_papers  # noqa: E402

# The tests that check answers against the database: the dev questions (tests/dev.jsonl through the README's
# evaluation command), the assistant's cases, the README and prompt examples, concurrent conversations, the
# LLM fallback. The launched-app tests build their own database and are left out.
SUITE = ["tests/test_assistant.py", "tests/test_docs.py", "tests/test_prompts.py", "tests/test_startup.py",
         "tests/test_assistant_llm.py"]
DESELECT = ("not api_examples and not embedding_snippet and not smollm2 and not hang and not trickle "
            "and not index_add and not corrupt and not truncated and not settings and not environment")


@dataclass(frozen=True)
class Mutation:
    name: str
    dev_id: str
    sql: str


MUTATIONS = [
    Mutation("wrong-number-mmlu", "D01",
             "UPDATE scores SET value = 81.9, raw_cell = '81.9' WHERE model_id = 'Qwen2-72B-Instruct' "
             "AND benchmark_id = 'MMLU' AND value = 82.3"),
    Mutation("wrong-number-bfcl", "D03",
             "UPDATE scores SET value = 78.7, raw_cell = '78.7' WHERE model_id = 'GLM-4.5' "
             "AND benchmark_id = 'BFCL V3' AND value = 77.8"),
    Mutation("missing-model-gemini", "D06", "DELETE FROM scores WHERE model_id = 'Gemini 1.5 Pro'"),
    Mutation("missing-model-top-of-ranking", "D08", "DELETE FROM scores WHERE model_id = 'o3'"),
    Mutation("wrong-number-comparison", "D07",
             "UPDATE scores SET value = 71.7, raw_cell = '71.7' WHERE model_id = 'GLM-4.5-Air' "
             "AND benchmark_id LIKE 'LiveCodeBench%' AND value = 70.7"),
]


def dev_case(dev_id: str) -> dict:
    cases = [json.loads(line) for line in (ROOT / "tests" / "dev.jsonl").read_text().splitlines() if line.strip()]
    return next(c for c in cases if c["id"] == dev_id)


def answer_on_mutated_copy(mutation: Mutation, workdir: Path) -> str:
    """What the assistant now says to the dev question, on a freshly built and mutated database."""
    import duckdb

    from assistant import Assistant
    from assistant.settings import Settings
    from index.build import build

    db = workdir / f"{mutation.name}.duckdb"
    build(copy_papers(workdir / f"{mutation.name}-papers"), db)
    with duckdb.connect(str(db)) as con:
        con.execute(mutation.sql)
        con.execute("CHECKPOINT")
    ask = Assistant(db, Settings(openai_api_key=None, openai_base_url=None, embed_base_url=None))
    return ask.ask(dev_case(mutation.dev_id)["q"]).text


def run_suite(sql: str | None) -> tuple[int, int, list[str]]:
    """(passed, failed, failing test ids) of SUITE with the database mutated by `sql`."""
    env = {k: v for k, v in os.environ.items() if k != MUTATION_ENV}
    if sql:
        env[MUTATION_ENV] = sql
    proc = subprocess.run([sys.executable, "-m", "pytest", "-rf", "-p", "no:cacheprovider",
                           "-k", DESELECT, *SUITE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    failed = re.findall(r"^FAILED (\S+)", proc.stdout, re.M)
    passed = re.search(r"(\d+) passed", proc.stdout)
    return int(passed.group(1)) if passed else 0, len(failed), failed


def short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="run one mutation by name")
    args = ap.parse_args()
    chosen = [m for m in MUTATIONS if not args.only or m.name == args.only]
    passed, failed, names = run_suite(None)
    print(f"baseline (no mutation): {passed} passed, {failed} failed" + (f": {names}" if names else ""))
    rows, unnoticed = [], failed > 0
    with tempfile.TemporaryDirectory() as tmp:
        for m in chosen:
            case = dev_case(m.dev_id)
            answer = answer_on_mutated_copy(m, Path(tmp))
            passed, failed, names = run_suite(m.sql)
            unnoticed |= failed == 0
            rows.append((m, case, answer, passed, failed, names))
    print(f"\n{'mutation':<30} {'dev':<4} {'gold':<14} {'failed':>6} {'passed':>6}  caught by (first three)")
    for m, case, answer, passed, failed, names in rows:
        gold = ", ".join(str(v) for v in case.get("all", []))
        first = ", ".join(n.split("::", 1)[1][:40] for n in names[:3])
        print(f"{m.name:<30} {m.dev_id:<4} {gold:<14} {failed:>6} {passed:>6}  {first or 'NOTHING - unnoticed'}")
    print("\nwhat the assistant answers after each mutation:")
    for m, case, answer, *_ in rows:
        print(f"  {m.dev_id} {short(case['q'], 50)!r}\n     -> {short(answer, 110)}")
    return 1 if unnoticed else 0


if __name__ == "__main__":
    sys.exit(main())
