"""A database rebuilt and swapped in under a running assistant: the next answer reads the new file.

`python -m index build` writes a new file and renames it over the old one. The assistant's connection, catalog and
text index were read from the old file; SafeDB notices the new file before its next query (one os.stat), lets the
queries in flight finish on the old connection, and opens the new one; the assistant reads its catalog again.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from assistant import Assistant
from assistant.guard import SafeDB
from assistant.sandbox import Sandbox
from assistant.settings import Settings
from tests.conftest import copy_papers
from tests.test_multiprocess import pick_score

ROOT = Path(__file__).resolve().parent.parent
# Slow enough to be running while the file is swapped (a self-join over every score, counted).
SLOW_SQL = ("SELECT count(*) AS n FROM scores a, scores b, (SELECT value FROM scores LIMIT 20) c "
            "WHERE a.value + b.value > c.value")


def build(papers: Path, db: Path) -> None:
    """The real CLI in its own process, as a user rebuilds beside a running app."""
    subprocess.run([sys.executable, "-m", "index", "build", "--papers", str(papers), "--db", str(db)], cwd=ROOT,
                   check=True, capture_output=True, timeout=300)


def rewritten(db: Path, sql: str) -> Path:
    """A changed copy of `db` (as a rebuild would write it), not yet swapped in."""
    new = db.with_name("next-" + db.name)
    shutil.copyfile(db, new)
    with duckdb.connect(str(new)) as con:
        con.execute(sql)
        con.execute("CHECKPOINT")
    return new


def count(db: SafeDB) -> int:
    return db.query("SELECT count(*) AS n FROM scores")[1][0]["n"]


@pytest.fixture()
def db_file(real_db, tmp_path) -> Path:
    path = tmp_path / "scores.duckdb"
    shutil.copyfile(real_db, path)
    return path


def test_the_next_query_reads_a_swapped_in_file(db_file):
    with SafeDB(db_file, Settings()) as db:
        before = count(db)
        assert db.refresh() == 0
        os.replace(rewritten(db_file, "DELETE FROM scores WHERE score_id % 2 = 0"), db_file)
        after = count(db)
        assert 0 < after < before
        assert db.generation == 1 and db.refresh() == 1


def test_a_query_in_flight_during_the_swap_finishes_on_the_old_file(db_file):
    with SafeDB(db_file, Settings(sql_timeout_ms=60_000)) as db:
        before = count(db)
        done: dict = {}

        def slow() -> None:
            try:
                done["rows"] = db.query_all(SLOW_SQL)[1]
            except Exception as e:  # noqa: BLE001 - the test reports any failure of the query in flight
                done["error"] = e
            done["end"] = time.monotonic()

        new = rewritten(db_file, "DELETE FROM scores WHERE score_id % 2 = 0")
        worker = threading.Thread(target=slow)
        worker.start()
        while not db._users and "end" not in done:        # until the slow query holds the connection
            time.sleep(0.001)
        os.replace(new, db_file)
        swapped = time.monotonic()
        after = count(db)                    # waits for the slow query, then opens the new file
        worker.join(60)
        assert "error" not in done, done.get("error")
        assert done["rows"][0]["n"] > 0
        assert done["end"] > swapped, "the slow query ended before the swap; make SLOW_SQL slower"
        assert 0 < after < before and db.generation == 1


def test_the_sql_worker_opens_a_swapped_in_file(db_file):
    box = Sandbox(db_file, Settings())
    try:
        before = box.run("SELECT count(*) AS n FROM scores")[1][0]["n"]
        first = box.pid
        os.replace(rewritten(db_file, "DELETE FROM scores WHERE score_id % 2 = 0"), db_file)
        after = box.run("SELECT count(*) AS n FROM scores")[1][0]["n"]
        assert 0 < after < before and box.pid != first and box.kills == 0
    finally:
        box.close()


def test_the_assistant_answers_from_a_rebuilt_database(tmp_path):
    papers, db = copy_papers(tmp_path / "papers"), tmp_path / "scores.duckdb"
    build(papers, db)
    score = pick_score(db, papers)
    bot = Assistant(db, Settings())
    try:
        assert f"**{score['old']}**" in bot.ask(score["question"]).text
        old_cat = bot.cat
        text = score["path"].read_text(encoding="utf-8")
        score["path"].write_text(text.replace(score["old"], score["new"]), encoding="utf-8")
        build(papers, db)
        answer = bot.ask(score["question"]).text
        assert f"**{score['new']}**" in answer, answer
        assert bot.db.generation == 1 and bot.cat is not old_cat
        assert bot.text.search(score["bench"], k=1) is not None        # the text index is read again
    finally:
        bot.db.close()
