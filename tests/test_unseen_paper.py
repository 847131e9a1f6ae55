"""A paper no other test has seen (a Llama-3.1-style excerpt: spaced model names, shots in benchmark names, a
two-level HTML header, a TSV facts table), added through the CLI, then asked about."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.score import check
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    {'id': 'U01', 'q': "What is Llama 3.1 8B's MMLU score?", 'all': [69.4]},
    {'id': 'U02', 'q': 'Llama 3.1 70B GSM8K', 'all': [95.1]},
    {'id': 'U03', 'q': 'Compare Llama 3.1 8B and Gemma 2 9B on MATH', 'all': [51.9, 44.3]},
    {'id': 'U04', 'q': 'Which model is best on HumanEval in the Llama 3 report?', 'all': [80.5]},
    {'id': 'U05', 'q': "What is Mistral 7B's RACE score?", 'all': [53.0]},
    {'id': 'U06', 'q': 'How many layers does Llama 3.1 70B have?', 'all': [80]},
    {'id': 'U07', 'q': 'What is the vocabulary size of Llama 3.1 8B?', 'all': [128000]},
    {'id': 'U08', 'q': 'What learning rate was used for the post-trained Llama 3 models?', 'kw_any': [['10', '-5', '10^-5', 'DPO']]},
    {'id': 'U09', 'q': 'What does GPT-3.5 Turbo score on ZeroSCROLLS/QuALITY?', 'abstain': True, 'forbid': [81.0, 90.5]},
    {'id': 'U10', 'q': 'Mixtral 8x22B MBPP', 'all': [71.2]},
    {'id': 'U11', 'q': 'What is the model dimension of Llama 3.1 8B?', 'all': [4096]},
    {'id': 'U12', 'q': 'Llama 3 70B SQuAD', 'all': [81.8]},
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unseen")
    papers = tmp / "papers"
    shutil.copytree(ROOT / "data" / "papers", papers)
    db = tmp / "s.duckdb"
    for args in (["build", "--papers", str(papers)], ["add", str(ROOT / "tests" / "fixtures" / "llama-3.1-excerpt.md"),
                                                       "--papers", str(papers)]):
        out = subprocess.run([sys.executable, "-m", "index", *args, "--db", str(db)], capture_output=True, text=True,
                             cwd=ROOT)
        assert out.returncode == 0, out.stderr
    return Assistant(db, Settings())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_unseen_paper(assistant, case):
    ans = assistant.ask(case["q"])
    ok, why = check(case, ans.text)
    assert ok, f"{why}\n{ans.route}: {ans.text}"


def test_grouped_header_is_a_group_not_a_setting(assistant):
    rows = assistant.db.query("SELECT model_id, grp, setting, metric FROM scores WHERE paper_id = 'llama-3.1-excerpt' "
                              "AND benchmark_id = 'MMLU' ORDER BY value")[1]
    assert [r["model_id"] for r in rows] == ["Llama-3.1-8B-Instruct", "GPT-3.5 Turbo", "Gemma-2-9B-it",
                                             "Llama-3.1-70B-Instruct"]
    assert all(r["setting"] is None and r["metric"] == "5-shot" and r["grp"].startswith("General |") for r in rows)
