"""A benchmark printed with several metrics (EM and F1, R-1 and R-L, read from a real LaTeX PDF through the real
build): a question naming a metric gets that metric's value; a question naming none gets every metric, each as
its own measurement, never as sources that disagree."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.settings import Settings
from index.build import build
from tests.checks import assert_numbers

PDF = Path(__file__).resolve().parent / "fixtures" / "latex" / "metric-levels.pdf"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    folder = tmp_path_factory.mktemp("metrics") / "papers"
    folder.mkdir()
    shutil.copyfile(PDF, folder / PDF.name)
    db = folder.parent / "scores.duckdb"
    build(folder, db)
    return Assistant(db, Settings())


@pytest.mark.parametrize("question, value, other", [
    ("What F1 does Coot-2B get on LakeQA?", "55.2", "41.9"),
    ("What is Coot-2B's EM on LakeQA?", "41.9", "55.2"),
    ("Coot-2B's LakeQA F1 score", "55.2", "41.9"),
    ("What is Coot-2B's R-L on BrookSum?", "33.1", "36.5"),
    ("Coot-2B BrookSum R-1?", "36.5", "33.1"),
])
def test_a_named_metric_picks_its_value(assistant, question, value, other):
    assert_numbers(assistant.ask(question, []).text, [float(value)], forbid=[float(other)])


def test_no_metric_named_lists_each_metric_and_calls_none_a_disagreement(assistant):
    text = assistant.ask("Coot-2B LakeQA score?", []).text
    assert_numbers(text, [41.9, 55.2])
    assert "(EM)" in text and "(F1)" in text
    assert "disagree" not in text.lower()
