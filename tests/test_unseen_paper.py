"""Papers no other test has seen, added through the CLI, then asked about: a Llama-3.1-style excerpt (spaced model
names, shots in benchmark names, a two-level HTML header, a TSV facts table) and a report whose models (Corvid,
Marten-2) and benchmarks (GlyphQA, TideMath, Lexi-Bench) no seed list knows: every name must come from ingestion."""
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
    # the unknown-names paper: families, variants, sizes, thresholds, ties, corpus, follow-ups, methods, unknowns
    {'id': 'C01', 'q': "What is Corvid's TideMath score?", 'all': [22.5, 47.3, 61.9, 30.1, 55.0, 68.8],
     'forbid': [40.2, 49.4]},
    {'id': 'C02', 'q': 'Average GlyphQA of the Corvid chat models', 'all': [58.567], 'forbid': [66.0]},
    {'id': 'C03', 'q': 'Which Corvid base models score above 50 on GlyphQA?', 'all': [66.0, 58.7],
     'forbid': [41.2, 70.2, 61.5]},
    {'id': 'C04', 'q': 'Which models between 10B and 20B are in the Corvid report?',
     'kw_all': ['Corvid-14B', 'Marten-2-13B'], 'forbid': [3]},
    {'id': 'C05', 'q': 'Which benchmarks does the Corvid report use?', 'kw_all': ['GlyphQA', 'TideMath', 'Lexi-Bench']},
    {'id': 'C06', 'q': 'Which base model comes second on Lexi-Bench?', 'all': [51.8],
     'kw_all': ['Corvid-14B', 'Marten-2-13B', 'tie']},
    {'id': 'C07', 'q': 'What optimizer trained Corvid?', 'kw_all': ['Heron']},
    {'id': 'C08', 'q': 'What is Corvid-7B\'s MMLU?', 'abstain': True, 'forbid': [52.1, 68.4, 76.3]},
    {'id': 'C09', 'q': 'Who judged GlyphQA answers?', 'kw_all': ['Marten-2-13B-Chat']},
    {'id': 'C10', 'q': 'How many Corvid models are evaluated on TideMath?', 'all': [6]},
    {'id': 'C11', 'q': 'And the base models?', 'all': [47.3, 40.2], 'forbid': [55.0, 49.4],
     'history': [{'role': 'user', 'content': 'Compare Corvid-14B-Chat and Marten-2-13B-Chat on TideMath'},
                 {'role': 'assistant', 'content': 'Corvid-14B-Chat scores 55.0 and Marten-2-13B-Chat 49.4.'}]},
    {'id': 'C12', 'q': 'Best Marten model on GlyphQA', 'all': [57.9], 'forbid': [70.2]},
    # claims of a synthesis about that paper, audited against it
    {'id': 'C14', 'q': 'Which claims of the Corvid synthesis are contradicted by the primary sources?',
     'all': [47.3, 51.8, 50.0, 61.0], 'kw_all': ['contradicted']},
    {'id': 'C15', 'q': 'Check the claims in the Corvid synthesis', 'all': [70.2, 30.1, 47.3, 51.8],
     'kw_all': ['supported', 'supported up to rounding', 'contradicted', 'not found', 'states no score'],
     'forbid': []},
    {'id': 'C16', 'q': 'Which Corvid synthesis claims are marked verified?', 'all': [70.2], 'kw_all': ['9.5 trillion'],
     'forbid': [50.0, 61.0]},
    {'id': 'C13', 'q': "What is Corvid-14B's ZetaEval score?", 'abstain': True, 'forbid': [58.7, 47.3, 51.8, 68.4]},
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unseen")
    papers = tmp / "papers"
    shutil.copytree(ROOT / "data" / "papers", papers)
    db = tmp / "s.duckdb"
    fixtures = ROOT / "tests" / "fixtures"
    for args in (["build", "--papers", str(papers)],
                 ["add", str(fixtures / "llama-3.1-excerpt.md"), str(fixtures / "corvid-report.md"),
                  str(fixtures / "corvid-synthesis.md"), "--papers", str(papers)]):
        out = subprocess.run([sys.executable, "-m", "index", *args, "--db", str(db)], capture_output=True, text=True,
                             cwd=ROOT)
        assert out.returncode == 0, out.stderr
    return Assistant(db, Settings())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_unseen_paper(assistant, case):
    ans = assistant.ask(case["q"], case.get("history"))
    ok, why = check(case, ans.text)
    assert ok, f"{why}\n{ans.route}: {ans.text}"


def test_grouped_header_is_a_group_not_a_setting(assistant):
    rows = assistant.db.query("SELECT model_id, grp, setting, metric FROM scores WHERE paper_id = 'llama-3.1-excerpt' "
                              "AND benchmark_id = 'MMLU' ORDER BY value")[1]
    assert [r["model_id"] for r in rows] == ["Llama-3.1-8B-Instruct", "GPT-3.5 Turbo", "Gemma-2-9B-it",
                                             "Llama-3.1-70B-Instruct"]
    assert all(r["setting"] is None and r["metric"] == "5-shot" and r["grp"].startswith("General |") for r in rows)
