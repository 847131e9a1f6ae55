"""Questions written after the dev sets, over the shipped papers and over papers no name list knows (the fixtures:
Corvid, Orion, Zephyrine, a Llama 3.1 excerpt; and the GLM-4.5 report read from its PDF), asked in the ways people
ask: typos, lowercase names, 'chat' for 'instruct', shot counts, other languages, follow-ups, claims, methods and
questions the papers cannot answer. Each case is scored with the evaluation's rules (tests/checks.py).

A case's `papers` says which database answers it: 'all' (the shipped papers and the markdown/HTML fixtures) or
'pdf' (the GLM-4.5 report as a PDF, alone: its markdown twin is among the shipped papers)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant import Assistant
from index.build import build
from tests.checks import assert_case
from tests.conftest import copy_papers

FIXTURES = Path(__file__).parent / "fixtures"
CASES = [json.loads(line) for line in (Path(__file__).parent / "questions_wave2.jsonl").read_text().splitlines()
         if line.strip()]
TEXT_FIXTURES = ["corvid-report.md", "corvid-synthesis.md", "llama-3.1-excerpt.md", "orion-report.html",
                 "variants-report.md"]


@pytest.fixture(scope="module")
def assistants(tmp_path_factory):
    root = tmp_path_factory.mktemp("wave2")
    papers = copy_papers(root / "all")
    for name in TEXT_FIXTURES:
        shutil.copy2(FIXTURES / name, papers / name)
    (root / "pdf").mkdir()
    shutil.copy2(FIXTURES / "glm-4.5-report.pdf", root / "pdf" / "glm-4.5-report.pdf")
    out = {}
    for which in ("all", "pdf"):
        db = root / f"{which}.duckdb"
        build(root / which, db)
        out[which] = Assistant(db)
    return out


def test_the_question_set_is_well_formed():
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)
    for c in CASES:
        assert c["all"] or c["any"] or c["kw_all"] or c["kw_any"] or c["abstain"], c["id"]
        assert all(set(m) == {"role", "content"} for m in c["history"]), c["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case, assistants):
    ans = assistants[case.get("papers", "all")].ask(case["q"], case["history"])
    assert_case(case, ans.text)


def test_a_score_stated_in_a_sentence_cites_the_sentence(assistants):
    """A score read from prose is cited as 'stated in the text (section)' with the sentence quoted, not as a table."""
    ans = assistants["all"].ask("What does Zephyrine-13B score on SWE-bench Verified?")
    assert "stated in the text (1 Introduction)" in ans.text
    assert "“Zephyrine-13B scores 64.2% on SWE-bench Verified.”" in ans.text
    assert "Text” table" not in ans.text


def test_a_fact_is_labelled_by_its_header_not_the_model(assistants):
    """'Layers = 32', not 'Llama 3.1 8B = 32'; one cell holding two facts ('2 / 16') names each."""
    ans = assistants["all"].ask("How many layers does Llama 3.1 8B have?")
    assert "Layers = **32**" in ans.text
    ans = assistants["all"].ask("How many experts does Zephyrine-MoE-A2B have in total?")
    assert "experts total" in ans.text and "experts active" in ans.text
