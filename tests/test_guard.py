"""The SQL fence: check_sql rejects what must not run; DuckDB itself refuses it again; timer, cap, threads."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlglot

from assistant.guard import QueryRejected, QueryTimeout, ResultTooLarge, SafeDB, check_sql
from assistant.settings import Settings
from index.schema import TABLE_NAMES
from tests.llm_servers import score_db_path

ALLOWED = set(TABLE_NAMES)


@pytest.fixture(scope="module")
def db_path(request, tmp_path_factory) -> Path:
    return score_db_path(request, tmp_path_factory)


def _db(path: Path, **update) -> SafeDB:
    return SafeDB(path, Settings().model_copy(update=update))


@pytest.fixture(scope="module")
def db(db_path):
    with _db(db_path) as safe:
        yield safe


REJECTED = {
    "drop": "DROP TABLE scores",
    "insert": "INSERT INTO scores (score_id) VALUES (1)",
    "update": "UPDATE scores SET value = 0",
    "delete": "DELETE FROM scores",
    "create": "CREATE TABLE x AS SELECT * FROM scores",
    "create_temp": "CREATE TEMP TABLE x (a INTEGER)",
    "attach": "ATTACH '/tmp/other.duckdb' AS other",
    "detach": "DETACH other",
    "copy": "COPY scores TO '/tmp/scores.csv'",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "pragma": "PRAGMA database_list",
    "set": "SET memory_limit = '8GB'",
    "call": "CALL pragma_version()",
    "export": "EXPORT DATABASE '/tmp/dump'",
    "select_into": "SELECT * INTO stolen FROM scores",
    "cte_delete": "WITH gone AS (DELETE FROM scores RETURNING *) SELECT * FROM gone",
    "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
    "read_csv_scalar": "SELECT (SELECT count(*) FROM read_csv_auto('/etc/passwd'))",
    "read_text": "SELECT * FROM read_text('/etc/hostname')",
    "read_parquet": "SELECT * FROM read_parquet('s3://bucket/x.parquet')",
    "glob": "SELECT * FROM glob('/etc/*')",
    "from_path": "SELECT * FROM '/etc/passwd'",
    "from_file": "SELECT * FROM 'file.csv'",
    "two_statements": "SELECT * FROM scores; SELECT * FROM models",
    "select_then_drop": "SELECT 1 FROM scores; DROP TABLE scores",
    "unknown_table": "SELECT * FROM secrets",
    "information_schema": "SELECT * FROM information_schema.tables",
    "information_schema_join": "SELECT s.value FROM scores s JOIN information_schema.columns c ON true",
    "pg_catalog": "SELECT * FROM pg_catalog.pg_class",
    "sqlite_master": "SELECT * FROM sqlite_master",
    "duckdb_tables": "SELECT * FROM duckdb_tables()",
    "duckdb_settings": "SELECT * FROM duckdb_settings()",
    "range": "SELECT * FROM range(1000000000)",
    "getenv": "SELECT getenv('HOME')",
    "current_setting": "SELECT current_setting('memory_limit')",
    "query_fn": "SELECT * FROM query('SELECT 1')",
    "other_catalog": "SELECT * FROM other.main.scores",
    "describe": "DESCRIBE scores",
    "show": "SHOW TABLES",
    "empty": "   ",
    "garbage": "SELEC value FROM scores WHERE",
}


@pytest.mark.parametrize("sql", list(REJECTED.values()), ids=list(REJECTED))
def test_check_sql_rejects(sql):
    with pytest.raises(QueryRejected) as info:
        check_sql(sql, ALLOWED)
    assert info.value.sql == sql
    assert info.value.reason
    assert "Write one SELECT" in str(info.value)      # the message says how to fix it


ACCEPTED = [
    "SELECT model_id, value FROM scores WHERE benchmark_id = 'MATH' ORDER BY value DESC LIMIT 5",
    "select * from Scores s join models m using (model_id)",
    "WITH best AS (SELECT model_id, max(value) AS v FROM scores GROUP BY model_id) SELECT * FROM best",
    "SELECT model_id FROM scores UNION SELECT model_id FROM models",
    "SELECT * FROM main.scores WHERE model_id = ? AND value > ?",
    "SELECT b.category, count(*) FROM scores s JOIN benchmarks b USING (benchmark_id) GROUP BY ALL",
    "SELECT * FROM (SELECT model_id FROM scores) AS sub",
    "SELECT * FROM scores;",
]


@pytest.mark.parametrize("sql", ACCEPTED)
def test_check_sql_accepts_plain_queries_and_normalises(sql):
    normalised = check_sql(sql, ALLOWED)
    assert sqlglot.parse_one(normalised, read="duckdb") is not None
    assert not normalised.rstrip().endswith(";")


def test_accepted_queries_run(db):
    for sql in ACCEPTED:
        params = ["GLM-4-9B-Chat", 0] if "?" in sql else None
        columns, rows = db.run_checked(sql, params)
        assert columns


def test_project_parameterised_sql_passes_the_fence(db):
    sql = ("SELECT paper_id, table_no, caption, page, model_id, benchmark_id, setting, value, raw_cell "
           "FROM scores WHERE benchmark_id = ? ORDER BY value DESC")
    columns, rows = db.run_checked(sql, ["MATH"])
    assert columns[:2] == ["paper_id", "table_no"]
    assert rows and all(r["benchmark_id"] == "MATH" for r in rows)


def test_table_names_are_the_schema(db):
    assert set(TABLE_NAMES) <= db.table_names()


# The second layer: SQL that skips check_sql still cannot write, read files or change settings.
RAW_REFUSED = {
    "insert": "INSERT INTO scores (score_id) VALUES (-1)",
    "delete": "DELETE FROM scores",
    "drop": "DROP TABLE scores",
    "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
    "read_text": "SELECT * FROM read_text('/etc/hostname')",
    "glob": "SELECT * FROM glob('/etc/*')",
    "attach": "ATTACH '/tmp/paperqa-guard-attach.duckdb' AS other",
    "load": "LOAD httpfs",
    "install": "INSTALL httpfs",
    "set_memory": "SET memory_limit = '8GB'",
    "set_external": "SET enable_external_access = true",
}


@pytest.mark.parametrize("sql", list(RAW_REFUSED.values()), ids=list(RAW_REFUSED))
def test_duckdb_refuses_without_the_validator(db, sql):
    with pytest.raises(QueryRejected, match="DuckDB could not run it"):
        db.query(sql)


def test_duckdb_refuses_copy_and_writes_no_file(db, tmp_path):
    target = tmp_path / "leak.csv"
    with pytest.raises(QueryRejected):
        db.query(f"COPY scores TO '{target}'")
    assert not target.exists()


def test_database_unchanged_after_attacks(db):
    _, before = db.query("SELECT count(*) AS n FROM scores")
    for sql in RAW_REFUSED.values():
        with pytest.raises(QueryRejected):
            db.query(sql)
    _, after = db.query("SELECT count(*) AS n FROM scores")
    assert before == after and before[0]["n"] > 0


def test_slow_query_is_interrupted(db_path):
    with _db(db_path, sql_timeout_ms=300) as db:
        start = time.monotonic()
        with pytest.raises(QueryTimeout) as info:
            db.query("SELECT count(*) FROM range(100000000) a, range(100000) b")
        assert time.monotonic() - start < 0.3 + 2
        assert "timed out" in str(info.value) and "PAPERQA_SQL_TIMEOUT_MS" in str(info.value)
        _, rows = db.query("SELECT count(*) AS n FROM scores")        # the connection still works
        assert rows[0]["n"] > 0


def test_row_cap(db_path):
    with _db(db_path, sql_row_cap=3) as db:
        _, rows = db.run_checked("SELECT * FROM scores")
        assert len(rows) == 3
        start = time.monotonic()
        _, rows = db.query("SELECT * FROM range(10000000000)")       # streamed: stops at the cap
        assert len(rows) == 3 and time.monotonic() - start < 2


def test_concurrent_queries_from_8_threads(db):
    _, expected = db.query("SELECT model_id, count(*) AS n FROM scores GROUP BY model_id ORDER BY model_id")
    results, errors = [], []

    def worker():
        try:
            for _ in range(10):
                results.append(db.run_checked(
                    "SELECT model_id, count(*) AS n FROM scores GROUP BY model_id ORDER BY model_id")[1])
        except Exception as e:      # collected and asserted below, so a thread failure fails the test
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert len(results) == 80 and all(r == expected for r in results)


def test_missing_database_says_how_to_build_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="index.build"):
        SafeDB(tmp_path / "nope.duckdb", Settings())


# Functions off the allow-list: values of unbounded size built inside one operator, settings, versions, files.
OFF_LIST = {
    "repeat": "SELECT repeat('x', 1500000000) FROM scores",
    "range_scalar": "SELECT range(100000000) FROM scores",
    "unnest": "SELECT unnest(range(100000000)) FROM scores",
    "generate_series": "SELECT generate_series(1, 100000000) FROM scores",
    "string_agg": "SELECT string_agg(raw_cell, ',') FROM scores",
    "list": "SELECT list(raw_cell) FROM scores",
    "array_agg": "SELECT array_agg(raw_cell) FROM scores",
    "version": "SELECT version()",
    "lpad": "SELECT lpad(raw_cell, 1000000, 'x') FROM scores",
    "format": "SELECT format('{:>1000000}', raw_cell) FROM scores",
    "md5": "SELECT md5(raw_cell) FROM scores",
    "unknown": "SELECT some_new_function(raw_cell) FROM scores",
    "lambda": "SELECT list_transform([1, 2], x -> x + 1) FROM scores",
    "array_literal": "SELECT [1, 2, 3] FROM scores",
}


@pytest.mark.parametrize("sql", list(OFF_LIST.values()), ids=list(OFF_LIST))
def test_functions_off_the_allow_list_are_rejected(sql):
    with pytest.raises(QueryRejected, match="not allowed"):
        check_sql(sql, ALLOWED)


def test_window_and_string_functions_on_the_list_run(db):
    sql = ("SELECT model_id, benchmark_id, value, rank() OVER (PARTITION BY benchmark_id ORDER BY value DESC) AS r, "
           "lower(coalesce(setting, '')) AS s, round(value, 1) AS v FROM scores WHERE benchmark_id ILIKE 'math%' "
           "AND value BETWEEN 0 AND 100 QUALIFY r <= 3")
    columns, rows = db.run_checked(sql)
    assert rows and all(r["r"] <= 3 for r in rows)


def test_length_and_nesting_limits_are_settings(db_path):
    with _db(db_path, sql_max_chars=60, sql_max_depth=3) as db:
        with pytest.raises(QueryRejected, match="characters long"):
            db.check("SELECT score_id FROM scores WHERE model_id = '" + "x" * 60 + "'")
        with pytest.raises(QueryRejected, match="more than 3 deep"):
            db.check("SELECT ((((1))))")
        assert db.check("SELECT ((1)) AS one")


def test_result_size_cap_in_bytes(db_path):
    with _db(db_path, sql_max_result_bytes=2000) as db:
        with pytest.raises(ResultTooLarge, match="2,000 bytes") as info:
            db.query("SELECT s.raw_cell || repeat('x', 500) AS big FROM scores s")
        assert "PAPERQA_SQL_MAX_RESULT_BYTES" in str(info.value)
        assert db.query("SELECT model_id FROM scores LIMIT 3")[1]


def test_build_metadata_is_not_for_llm_sql(db_path, tmp_path):
    from index.build import build
    from tests.conftest import PAPERS
    db_file = tmp_path / "s.duckdb"
    build(PAPERS, db_file)
    with _db(db_file) as db:
        for table in ("build_meta", "paper_files", "build_info"):
            with pytest.raises(QueryRejected, match="unknown table"):
                db.run_checked(f"SELECT * FROM {table}")
