"""A report printed to PDF from a web page (Chromium's print, not LaTeX): an HTML table with a rowspan category
column whose labels sit centred on their rows, model groups spanning two columns each, '±' and '†' cells and a
'—' cell. Printed with cell borders and without (only a rule above and below), both read to exactly the cells
printed, through the real build. The .html beside each PDF is its source."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from assistant import Assistant
from assistant.settings import Settings
from index.build import build
from tests.checks import assert_numbers
from tests.conftest import raw_copy

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "printed"
GROUPS = {"MMLU": "Knowledge", "TriviaQA": "Knowledge", "GSM8K": "Math", "MATH": "Math", "HumanEval": "Code"}
VALUES = {
    "Kestrel-2-8B": {"MMLU": 68.4, "TriviaQA": 71.2, "GSM8K": 79.6, "MATH": 41.0, "HumanEval": 62.2},
    "Heron-8B": {"MMLU": 66.1, "TriviaQA": 72.9, "GSM8K": 75.3, "MATH": 38.2, "HumanEval": 58.5},
    "Kestrel-2-70B": {"MMLU": 82.0, "TriviaQA": 85.3, "GSM8K": 93.0, "MATH": 62.5, "HumanEval": 80.5},
    "Heron-70B": {"MMLU": 79.5, "TriviaQA": 84.1, "GSM8K": 91.2, "MATH": 64.1},      # HumanEval printed '—'
}
WANT = {(m, b, v, f"{GROUPS[b]} | {m.rsplit('-', 1)[1]} models") for m, vs in VALUES.items() for b, v in vs.items()}


@pytest.fixture(scope="module", params=["kestrel-grid", "kestrel-open"])
def printed(request, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp(request.param) / "papers"
    folder.mkdir()
    shutil.copyfile(FIXTURES / f"{request.param}.pdf", folder / f"{request.param}.pdf")
    db = folder.parent / "scores.duckdb"
    build(folder, db)
    return db


def test_every_cell_printed_and_nothing_else(printed):
    con = duckdb.connect(str(raw_copy(printed)), read_only=True)
    try:
        got = set(con.execute("SELECT model_id, benchmark_id, value, grp FROM scores").fetchall())
        spread = con.execute("SELECT spread FROM scores WHERE model_id = 'Kestrel-2-8B' AND benchmark_id = 'TriviaQA'"
                             ).fetchone()[0]
        title, facts = con.execute("SELECT (SELECT title FROM papers), (SELECT count(*) FROM facts)").fetchone()
    finally:
        con.close()
    assert got == WANT
    assert spread == 0.4 and facts == 0 and title == "Kestrel-2 Technical Report"


def test_answers_from_the_printed_table(printed):
    assistant = Assistant(printed, Settings())
    assert_numbers(assistant.ask("What is Heron-8B's GSM8K score?", []).text, [75.3])
    assert_numbers(assistant.ask("Which model is best on MATH?", []).text, [64.1])
    assert_numbers(assistant.ask("Compare Kestrel-2-70B and Heron-70B on MMLU", []).text, [82.0, 79.5])
