"""Scores printed as fractions with a leading dot ('.832', as some papers print accuracy) are values, read through
the real build and answered as numbers."""
from __future__ import annotations

import duckdb
import pytest

from assistant import Assistant
from assistant.settings import Settings
from index.build import build
from index.cells import parse_number
from tests.checks import assert_numbers
from tests.conftest import raw_copy

PAPER = """# Finch: Calibrated Small Models

## Results

Table 1: Accuracy (fraction correct) on three suites.

| Model | PondQA | ReedMath | MossCode |
|---|---|---|---|
| Finch-3B | .832 | .617 | .402 |
| Sparrow-7B | .801 | .655 | −.05 |
"""


@pytest.mark.parametrize("cell, value", [(".832", 0.832), ("-.25", -0.25), ("−.05", -0.05), ("0.5", 0.5),
                                         ("1,234", 1234.0)])
def test_leading_dot_numbers(cell, value):
    assert parse_number(cell)[0] == value


@pytest.mark.parametrize("cell", [".5.", "3.", "."])
def test_not_numbers(cell):
    assert parse_number(cell) is None


def test_fraction_table_reads_and_answers(tmp_path):
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "finch.md").write_text(PAPER, encoding="utf-8")
    db = tmp_path / "scores.duckdb"
    build(tmp_path / "papers", db)
    con = duckdb.connect(str(raw_copy(db)), read_only=True)
    rows = set(con.execute("SELECT model_id, benchmark_id, value FROM scores").fetchall())
    con.close()
    assert ("Finch-3B", "PondQA", 0.832) in rows and ("Sparrow-7B", "MossCode", -0.05) in rows and len(rows) == 6
    assistant = Assistant(db, Settings())
    assert_numbers(assistant.ask("What is Finch-3B's PondQA score?", []).text, [0.832])
    assert_numbers(assistant.ask("Which model is best on ReedMath?", []).text, [0.655])
