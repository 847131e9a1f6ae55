"""What happens around the answers: start-up refresh of the database when papers change, a corrupt database file,
`python -m index add` replacing a paper, concurrent questions with their own histories, settings from the
environment. Everything runs on private copies of the papers in tmp dirs."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from assistant import Assistant
from assistant.settings import Settings
from index.build import ensure_database, is_current
from tests.checks import assert_numbers
from index.errors import NotAScoreDatabase
from tests.conftest import copy_papers

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXCERPT = FIXTURES / "llama-3.1-excerpt.md"      # Table 9: SQuAD, Llama 3 8B = 77.0


def small_corpus(folder: Path) -> Path:
    """Two small papers written for the tests: enough for the refresh logic, quick to build."""
    folder.mkdir(parents=True)
    for paper in (EXCERPT, FIXTURES / "orion-report.html"):
        (folder / paper.name).write_bytes(paper.read_bytes())
    return folder


def values(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


SQUAD_8B = "SELECT value FROM scores WHERE benchmark_id = 'SQuAD' AND col_header = 'Llama 3 8B'"


def test_start_up_builds_once_then_reuses_the_database(tmp_path):
    papers, db = small_corpus(tmp_path / "papers"), tmp_path / "scores.duckdb"
    assert ensure_database(papers, db) is True and is_current(papers, db)
    built = db.stat().st_mtime_ns
    assert ensure_database(papers, db) is False and db.stat().st_mtime_ns == built
    assert values(db, SQUAD_8B) == [(77.0,)]


def test_an_edited_paper_is_picked_up_at_start_up(tmp_path):
    papers, db = small_corpus(tmp_path / "papers"), tmp_path / "scores.duckdb"
    ensure_database(papers, db)
    paper = papers / EXCERPT.name
    paper.write_text(paper.read_text().replace("| SQuAD | 77.0 |", "| SQuAD | 78.5 |"))
    assert not is_current(papers, db)
    assert ensure_database(papers, db) is True
    assert values(db, SQUAD_8B) == [(78.5,)]


def test_a_removed_paper_disappears_at_start_up(tmp_path):
    papers, db = small_corpus(tmp_path / "papers"), tmp_path / "scores.duckdb"
    ensure_database(papers, db)
    (papers / EXCERPT.name).unlink()
    assert ensure_database(papers, db) is True
    assert values(db, "SELECT paper_id FROM papers") == [("orion-report",)]
    assert values(db, "SELECT count(*) FROM scores WHERE paper_id = 'llama-3.1-excerpt'") == [(0,)]


def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_was(tmp_path):
    """A file DuckDB cannot open may be someone else's data: start-up refuses it by name and changes nothing."""
    papers, db = small_corpus(tmp_path / "papers"), tmp_path / "scores.duckdb"
    before = {p.name: p.read_bytes() for p in papers.iterdir()}
    junk = b"this is not a duckdb file\x00" * 100
    db.write_bytes(junk)
    with pytest.raises(NotAScoreDatabase, match="scores.duckdb"):
        ensure_database(papers, db)
    assert db.read_bytes() == junk
    assert {p.name: p.read_bytes() for p in papers.iterdir()} == before


def test_a_truncated_database_file_is_refused_not_replaced(tmp_path):
    """A database DuckDB can no longer read is not rebuilt over: the message says which file and what to do."""
    papers, db = small_corpus(tmp_path / "papers"), tmp_path / "scores.duckdb"
    ensure_database(papers, db)
    db.write_bytes(db.read_bytes()[: 8192])
    cut = db.read_bytes()
    with pytest.raises(NotAScoreDatabase, match="left untouched"):
        ensure_database(papers, db)
    assert db.read_bytes() == cut
    db.unlink()                                       # what the message asks the user to do: then it builds again
    assert ensure_database(papers, db) is True
    assert values(db, SQUAD_8B) == [(77.0,)]


def index_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "index", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_index_add_replaces_a_paper_of_the_same_name(tmp_path):
    papers, db = copy_papers(tmp_path / "papers"), tmp_path / "scores.duckdb"
    assert index_cli("build", "--papers", str(papers), "--db", str(db)).returncode == 0
    n_papers = values(db, "SELECT count(*) FROM papers")[0][0]
    assert values(db, "SELECT value FROM scores WHERE model_id = 'GLM-4-9B-Chat' AND benchmark_id = 'MATH' "
                      "AND paper_id = 'chatglm-glm4-report'") == [(50.6,)]

    new = tmp_path / "download" / "chatglm-glm4-report.md"      # a corrected version of a shipped paper
    new.parent.mkdir()
    row = "GLM-4-9B-Chat\t72.4\t79.6\t50.6\t"                    # its chat-model table (tab-separated)
    text = (papers / new.name).read_text()
    assert text.count(row) == 1
    new.write_text(text.replace(row, row.replace("50.6", "51.7")))
    proc = index_cli("add", str(new), "--db", str(db), "--papers", str(papers))
    assert proc.returncode == 0, proc.stderr

    assert values(db, "SELECT count(*) FROM papers")[0][0] == n_papers
    assert values(db, "SELECT value FROM scores WHERE model_id = 'GLM-4-9B-Chat' AND benchmark_id = 'MATH' "
                      "AND paper_id = 'chatglm-glm4-report'") == [(51.7,)]
    assert (papers / new.name).read_text() == new.read_text()
    assert is_current(papers, db)


def test_index_add_replaces_a_paper_given_in_another_format(tmp_path):
    papers, db = small_corpus(tmp_path / "papers"), tmp_path / "scores.duckdb"
    ensure_database(papers, db)
    html = tmp_path / "llama-3.1-excerpt.html"
    html.write_text("<h1>Excerpt</h1><p>Table 9: Reading comprehension.</p><table><tr><td>Benchmark</td>"
                    "<td>Llama 3 8B</td></tr><tr><td>SQuAD</td><td>79.9</td></tr></table>")
    proc = index_cli("add", str(html), "--db", str(db), "--papers", str(papers))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in papers.iterdir()) == ["llama-3.1-excerpt.html", "orion-report.html"]
    assert values(db, SQUAD_8B) == [(79.9,)]


def test_concurrent_questions_keep_their_histories_apart(real_db):
    """Eight threads, each with its own conversation; every follow-up resolves against its own first question."""
    assistant = Assistant(real_db, Settings(openai_api_key=None, openai_base_url=None))
    follow = "And Qwen2-7B-Instruct?"
    conversations = {   # first question -> what the follow-up must state (Qwen2-7B-Instruct on that benchmark)
        "What is Llama-3-8B-Instruct's MBPP score?": [67.2],
        "What is GLM-4-9B's MATH score?": [52.9],
    }
    results: dict[int, tuple[str, str]] = {}
    barrier = threading.Barrier(8)

    def converse(k: int, first: str) -> None:
        barrier.wait()
        history = [{"role": "user", "content": first}, {"role": "assistant", "content": assistant.ask(first).text}]
        results[k] = (first, assistant.ask(follow, history).text)

    threads = [threading.Thread(target=converse, args=(k, q)) for k, q in enumerate(list(conversations) * 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 8
    for first, answer in results.values():
        other = next(q for q in conversations if q != first)
        assert_numbers(answer, conversations[first], forbid=conversations[other])


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERQA_DB_PATH", str(tmp_path / "x.duckdb"))
    monkeypatch.setenv("PAPERQA_PORT", "8123")
    monkeypatch.setenv("PAPERQA_LLM_TIMEOUT_S", "2.5")
    monkeypatch.setenv("PAPERQA_EMBED_INPUT_TYPE", "true")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("PAPERQA_OPENAI_API_KEY", "sk-test")
    s = Settings()
    assert s.db_path == tmp_path / "x.duckdb" and s.port == 8123 and s.llm_timeout_s == 2.5
    assert s.embed_input_type is True and s.openai_api_key == "sk-test" and s.llm_configured
    assert s.openai_base_url == "http://127.0.0.1:9/v1"


def test_unset_environment_gives_the_documented_defaults(monkeypatch):
    for name in Settings.model_fields:
        monkeypatch.delenv(f"PAPERQA_{name.upper()}", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    s = Settings()
    assert s.host == "127.0.0.1" and s.port == 7860 and not s.llm_configured
    assert s.db_path == ROOT / "data" / "scores.duckdb" and s.allowed_origins == "*"


@pytest.mark.parametrize("name, value", [("PAPERQA_PORT", "not-a-port"), ("PAPERQA_LLM_TIMEOUT_S", "soon")])
def test_a_bad_environment_value_is_refused_with_its_name(monkeypatch, name, value):
    from pydantic import ValidationError
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.removeprefix("PAPERQA_").lower()):
        Settings()
