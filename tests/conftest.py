"""Shared fixtures: a real DuckDB built by the real ingestion from the real papers."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.build import build

ROOT = Path(__file__).resolve().parent.parent
PAPERS = ROOT / "data" / "papers"


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("db") / "scores.duckdb"
    build(PAPERS, db)
    return db


@pytest.fixture
def db_con(real_db):
    import duckdb
    con = duckdb.connect(str(real_db), read_only=True)
    yield con
    con.close()
