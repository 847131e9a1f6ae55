"""Answers stay right as the corpus grows: rankings and averages equal a full scan, abstentions stay short.

The corpus is bench/corpus.py's: copies of the real papers with every model renamed, so each copy adds distinct
models with the same values. The reference is computed here with plain SQL over every row of the scores table and
the rules the README states (rows without setting qualifiers when a benchmark has them, each model's most
authoritative paper first), never through the assistant.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from assistant import Assistant
from assistant.compose import MAX_NAMED
from assistant.settings import Settings
from bench.corpus import write_corpus
from index.build import build
from tests.conftest import raw_copy

COPIES = 6                 # 30 papers
ROW_CAP = 40               # a row cap that changes an answer is a bug at any cap; a small one shows it at 30 papers
BENCHES = ["MMLU", "HumanEval", "GSM8K"]
BOLD = re.compile(r"\*\*(-?\d+(?:\.\d+)?)%?\*\*")


def _corpus_db(root: Path, copies: int) -> Path:
    write_corpus(5 * copies, root / "papers")
    db = root / "scores.duckdb"
    build(root / "papers", db)
    return db


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Assistant, dict]:
    """The assistant over six copies, and the full-scan reference read first (one process cannot hold a plain
    and a locked-down connection to the same file at once)."""
    db = _corpus_db(tmp_path_factory.mktemp("scale"), COPIES)
    con = duckdb.connect(str(db), read_only=True)
    try:
        ref = {b: reference(con, b) for b in BENCHES}
        ref["counts"] = con.execute("SELECT count(DISTINCT model_id), count(DISTINCT paper_id) FROM scores").fetchone()
        ref["per_copy"] = con.execute(
            "SELECT regexp_extract(paper_id, '-([a-z]+)$', 1), count(*), count(DISTINCT model_id), "
            "list(DISTINCT benchmark_id ORDER BY benchmark_id) FROM scores GROUP BY 1").fetchall()
    finally:
        con.close()
    assistant = Assistant(db, Settings(sql_row_cap=ROW_CAP))
    yield assistant, ref
    assistant.db.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Assistant:
    assistant = Assistant(_corpus_db(tmp_path_factory.mktemp("scale1"), 1), Settings(sql_row_cap=ROW_CAP))
    yield assistant
    assistant.db.close()


def reference(con: duckdb.DuckDBPyConnection, bench: str) -> list[tuple[str, float]]:
    """(model, value) for every model with a score on `bench`, best first: a full scan of the scores table."""
    rows = con.execute(
        "SELECT s.model_id, s.value, s.setting FROM scores s JOIN papers p USING (paper_id) "
        "WHERE s.benchmark_id = ? ORDER BY p.precedence, s.paper_id, s.score_id", [bench]).fetchall()
    plain = [r for r in rows if not r[2]]
    assert len(plain) >= len(rows) / 3, f"{bench}: pick a benchmark mostly reported without qualifiers"
    first: dict[str, float] = {}
    for model, value, _ in plain:
        first.setdefault(model, value)           # each model's most authoritative paper
    assert len(plain) > ROW_CAP, f"{bench}: too few rows to test ranking past the row cap"
    return sorted(first.items(), key=lambda mv: -mv[1])


def bold_values(text: str) -> list[float]:
    return [float(v) for v in BOLD.findall(text)]


@pytest.mark.parametrize("bench", BENCHES)
def test_best_equals_full_scan(big, bench):
    assistant, ref = big
    ranked = ref[bench]
    answer = assistant.ask(f"Which model has the highest {bench} score?")
    assert answer.route == "sql", answer.text
    best = ranked[0][1]
    assert bold_values(answer.text)[:1] == [best], answer.text
    leaders = {m for m, v in ranked if v == best}
    assert any(m in answer.text for m in leaders), answer.text


@pytest.mark.parametrize("bench", BENCHES)
def test_top5_equals_full_scan(big, bench):
    """Every copy repeats the same values, so the top places are ties: each place names exactly its tied models."""
    assistant, ref = big
    ranked = ref[bench]
    answer = assistant.ask(f"Top 5 models on {bench}")
    first = answer.text.splitlines()[0]
    assert bold_values(first)[-1:] == [ranked[0][1]], answer.text
    tied = {m for m, v in ranked if v == ranked[0][1]}
    named = set(re.findall(r"\*\*([^*]+)\*\*", first)) - {f"{ranked[0][1]}"}
    if len(tied) <= MAX_NAMED:
        assert named == tied, answer.text
    else:                                             # a long tie is named in part and counted
        assert named <= tied and len(named) == MAX_NAMED, answer.text
        assert f"and {len(tied) - MAX_NAMED} more" in first and f"({len(tied)}-way tie)" in first, answer.text
    if len(tied) < 5:                                 # places left for the runners-up: the next value is named
        runners = [v for _, v in ranked if v < ranked[0][1]]
        assert f"{runners[0]}" in answer.text and f"{len(ranked)} models" in answer.text, answer.text


@pytest.mark.parametrize("bench", BENCHES)
def test_average_equals_full_scan(big, bench):
    assistant, ref = big
    ranked = ref[bench]
    answer = assistant.ask(f"What is the average {bench} score?")
    m = re.search(r"over (\d+) models: \*\*(-?[\d.]+)\*\*", answer.text)
    assert m, answer.text
    mean = sum(v for _, v in ranked) / len(ranked)
    assert int(m.group(1)) == len(ranked), answer.text
    assert float(m.group(2)) == pytest.approx(mean, abs=0.01), answer.text


@pytest.mark.parametrize("bench", BENCHES)
def test_best_is_the_same_at_every_size(big, small, bench):
    """Every copy holds the same values, so one copy and six must give the same best score."""
    one = small.ask(f"Which model has the highest {bench} score?")
    six = big[0].ask(f"Which model has the highest {bench} score?")
    assert bold_values(one.text)[:1] == bold_values(six.text)[:1], (one.text, six.text)


def test_the_reference_sees_every_copy(big):
    """The corpus really is six copies with distinct names: every copy's models are in the scores table."""
    models, papers = big[1]["counts"]
    per_copy = models / COPIES
    assert papers == 4 * COPIES          # the synthesis paper of each copy holds claims, not score tables
    assert per_copy == int(per_copy) and per_copy > 50


def test_every_copy_parses_like_the_real_papers(big, real_db):
    """The renaming keeps the papers what they are: each copy has the real papers' scores and benchmarks, and its
    models are as many as the real ones (one more: a renamed Mistral-8x22B is no longer read as Mixtral)."""
    con = duckdb.connect(str(raw_copy(real_db)), read_only=True)
    try:
        scores, models, benches = con.execute(
            "SELECT count(*), count(DISTINCT model_id), list(DISTINCT benchmark_id ORDER BY benchmark_id) "
            "FROM scores").fetchone()
    finally:
        con.close()
    assert len(big[1]["per_copy"]) == COPIES
    for tag, n, m, b in big[1]["per_copy"]:
        assert (n, b) == (scores, benches), tag
        assert models <= m <= models + 1, tag


def test_unknown_model_answer_is_bounded(big, small):
    question = "What is Zorblax-9-7B's MMLU score?"
    one, six = small.ask(question), big[0].ask(question)
    assert one.route == six.route == "none", six.text
    assert len(six.text) <= 1000, f"{len(six.text)} characters"
    assert len(six.text) <= len(one.text) + 100, (len(one.text), len(six.text))
