"""Each prompt's placeholders are exactly the ones its caller fills, and formatting with them works."""
from __future__ import annotations

import json
import re
import shutil
import string
from pathlib import Path

import duckdb
import pytest

from assistant import prompts
from assistant.guard import check_sql
from assistant.llm_sql import schema_for_prompt
from index.build import build
from index.schema import TABLE_NAMES
from tests.checks import abstains

EXPECTED = {
    "SQL_SYSTEM": {"schema"},
    "SQL_USER": {"question", "history", "models", "benchmarks", "examples"},
    "SQL_REPAIR_USER": {"sql", "error"},
    "TEXT_SYSTEM": set(),
    "TEXT_USER": {"question", "passages"},
}


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_placeholders_are_exactly_the_expected_ones(name):
    assert placeholders(getattr(prompts, name)) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_formatting_with_the_expected_keys_works(name):
    values = {key: f"<{key}-value>" for key in EXPECTED[name]}
    text = getattr(prompts, name).format(**values)
    for value in values.values():
        assert value in text
    assert "{{" not in text and "}}" not in text      # escaped braces came out single


def test_every_prompt_constant_is_covered():
    constants = {n for n in dir(prompts) if n.isupper() and n.endswith(("_SYSTEM", "_USER"))}
    assert constants == set(EXPECTED)


FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROVENANCE = ("paper_id", "table_no", "caption", "page", "model_id", "benchmark_id", "setting", "value", "raw_cell")


def test_sql_system_names_the_rules_and_the_tables():
    text = prompts.SQL_SYSTEM.format(schema=schema_for_prompt())
    for table in TABLE_NAMES:
        assert f"CREATE TABLE {table} " in text
    scores = re.search(r"CREATE TABLE scores \((.*?)\)", text, re.S).group(1)
    for column in PROVENANCE:      # each a column of scores, and each named in the rule that asks for it
        assert re.search(rf"(?<!\w){column}(?!\w)", scores), column
    assert "from scores always select score_id" in text and ", ".join(PROVENANCE) in text
    assert '{"route": "...", "sql": "..."}' in text


def test_repair_prompt_shows_the_json_shape():
    text = prompts.SQL_REPAIR_USER.format(sql="SELECT 1", error="boom")
    assert '{"route": "sql", "sql": "..."}' in text


def test_text_system_says_the_cannot_answer_phrase():
    assert prompts.CANNOT_ANSWER_PHRASE in prompts.TEXT_SYSTEM
    assert abstains(prompts.CANNOT_ANSWER_PHRASE)       # the evaluation reads it as an abstention
    assert "[1]" in prompts.TEXT_SYSTEM


def test_sql_examples_are_valid_json_whose_sql_passes_the_fence():
    answers = [json.loads(line) for line in prompts.SQL_EXAMPLES.splitlines() if line.startswith("{")]
    assert {a["route"] for a in answers} == {"sql", "text", "none"}
    for answer in answers:
        if answer["sql"]:
            check_sql(answer["sql"], set(TABLE_NAMES))


def test_sql_examples_answer_their_questions_on_their_paper(tmp_path):
    """The few-shot examples teach by example: each query must return the answer to the question it follows, on
    the invented paper they are written about."""
    pairs = re.findall(r"^Q: (.*)\n(\{.*\})$", prompts.SQL_EXAMPLES, re.M)
    sql = {q: json.loads(reply)["sql"] for q, reply in pairs}
    papers = tmp_path / "papers"
    papers.mkdir()
    shutil.copy(FIXTURES / "corvid-report.md", papers)
    db = tmp_path / "scores.duckdb"
    build(papers, db)
    with duckdb.connect(str(db), read_only=True) as con:
        def run(query: str) -> list[dict]:
            cur = con.execute(query)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

        chat = run(sql["What is Corvid-14B-Chat's TideMath score?"])
        assert {r["value"] for r in chat} == {55.0} and set(PROVENANCE) <= set(chat[0])
        top = run(sql["Which model scores highest on GlyphQA?"])
        assert (top[0]["model_id"], top[0]["value"]) == ("Corvid-40B-Chat", 70.2)
    assert sql["How was the long-context data for Corvid built?"] is None
    assert sql["What is the capital of France?"] is None
