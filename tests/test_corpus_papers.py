"""'Which papers report X?' lists the papers holding X's scores (checked against the database), never a ranking of
X; a model works the same way, and a model with a benchmark shows the value and its table."""
from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.settings import Settings


@pytest.fixture(scope="module")
def assistant(real_db):
    assistant = Assistant(real_db, Settings())
    yield assistant
    assistant.db.close()            # a configured connection left open breaks plain ones to the same file


def papers_with(db_con, column: str, value: str) -> set[str]:
    return {t for (t,) in db_con.execute(f"SELECT DISTINCT p.title FROM scores s JOIN papers p USING (paper_id) "
                                         f"WHERE s.{column} = ?", [value]).fetchall()}


@pytest.mark.parametrize("question, column, value", [
    ("Which papers report MMLU scores?", "benchmark_id", "MMLU"),
    ("What papers include results on HumanEval?", "benchmark_id", "HumanEval"),
    ("In which paper does BFCL V3 appear?", "benchmark_id", "BFCL V3"),
    ("Which papers evaluate Qwen2-72B-Instruct?", "model_id", "Qwen2-72B-Instruct"),
])
def test_papers_reporting(assistant, db_con, question, column, value):
    want = papers_with(db_con, column, value)
    all_titles = {t for (t,) in db_con.execute("SELECT title FROM papers").fetchall()}
    ans = assistant.ask(question, [])
    assert ans.route == "sql" and "Rank" not in ans.text and "highest" not in ans.text
    assert f"**{len(want)}** of the indexed papers" in ans.text
    assert {t for t in all_titles if f"*{t}*" in ans.text} == want


def test_model_and_benchmark_show_the_value_and_table(assistant, db_con):
    value, table = db_con.execute("SELECT raw_cell, table_no FROM scores WHERE model_id = 'GLM-4.5' "
                                  "AND benchmark_id = 'SWE-bench Verified'").fetchone()
    text = assistant.ask("Which paper has GLM-4.5's SWE-bench Verified score?", []).text
    assert f"({value})" in text and f"Table {table}" in text
