"""Two app processes on one database file while it is rebuilt and swapped in: no errors, no stale answers.

This is the README's "Serving many users" set-up on one machine: several `python ui.py` processes open the same
database read-only; `python -m index build` writes a new file and swaps it in atomically while they serve.
A paper is edited so one score changes; after the swap both processes must answer the new value.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import duckdb
import pytest

from bench.apprun import client_for, launched_server

ROOT = Path(__file__).resolve().parent.parent
PAPERS = ROOT / "data" / "papers"
PLAIN_NUMBER = re.compile(r"\d{1,2}\.\d")


def build(papers: Path, db: Path) -> None:
    subprocess.run([sys.executable, "-m", "index", "build", "--papers", str(papers), "--db", str(db)], cwd=ROOT,
                   check=True, capture_output=True, timeout=300)


def pick_score(db: Path, papers: Path) -> dict:
    """A score reported once, for one model and benchmark, whose printed cell occurs once in its paper."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT s.model_id, s.benchmark_id, s.value, s.raw_cell, p.file FROM scores s JOIN papers p USING "
            "(paper_id) WHERE s.setting IS NULL AND (s.model_id, s.benchmark_id) IN (SELECT model_id, benchmark_id "
            "FROM scores GROUP BY ALL HAVING count(*) = 1) ORDER BY s.score_id").fetchall()
    finally:
        con.close()
    for model, bench, value, raw, file in rows:
        path = papers / Path(file).name
        if PLAIN_NUMBER.fullmatch(raw or "") and path.read_text(encoding="utf-8").count(raw) == 1:
            new = f"{value + 10.1 if value < 80 else value - 10.1:.1f}"
            return {"model": model, "bench": bench, "old": raw, "new": new, "path": path,
                    "question": f"What is {model}'s {bench} score?"}
    raise AssertionError("no score with a unique printed cell in the papers")


def ask(client, question: str) -> str:
    return client.predict(question=question, history=[], api_name="/ask")["answer"]


def ask_once(url: str, question: str) -> str:
    client = client_for(url)
    try:
        return ask(client, question)
    finally:
        client.close()


class Hammer(threading.Thread):
    """Asks one server the same question in a loop, recording (start, end, answer or error)."""

    def __init__(self, url: str, question: str):
        super().__init__(daemon=True)
        self.url, self.question, self.log = url, question, []
        self.stop = threading.Event()

    def run(self) -> None:
        client = client_for(self.url)
        try:
            while not self.stop.is_set():
                start = time.monotonic()
                try:
                    answer, error = ask(client, self.question), None
                except Exception as e:  # noqa: BLE001 - any failure during the swap is what this test looks for
                    answer, error = "", f"{type(e).__name__}: {e}"
                self.log.append((start, time.monotonic(), answer, error))
        finally:
            client.close()


@pytest.fixture(scope="module")
def swap(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("multiprocess")
    papers, db = root / "papers", root / "scores.duckdb"
    shutil.copytree(PAPERS, papers)
    build(papers, db)
    score = pick_score(db, papers)
    with ExitStack() as stack:
        servers = [stack.enter_context(launched_server(root / f"app{i}", db, papers_dir=papers)) for i in (1, 2)]
        before = [ask_once(s.url, score["question"]) for s in servers]
        hammers = [Hammer(s.url, score["question"]) for s in servers]
        for h in hammers:
            h.start()
        time.sleep(1.0)
        text = score["path"].read_text(encoding="utf-8")
        score["path"].write_text(text.replace(score["old"], score["new"]), encoding="utf-8")
        build(papers, db)
        swapped = time.monotonic()
        time.sleep(1.5)
        for h in hammers:
            h.stop.set()
            h.join(timeout=60)
        after = [ask_once(s.url, score["question"]) for s in servers]
        logs = [s.log_tail(80) for s in servers]
    return {"score": score, "before": before, "after": after, "hammers": hammers, "swapped": swapped,
            "logs": logs}


def test_both_processes_answer_the_old_value_before_the_swap(swap):
    old = swap["score"]["old"]
    for answer in swap["before"]:
        assert f"**{old}**" in answer, answer


def test_no_errors_while_the_database_is_swapped(swap):
    for hammer, log in zip(swap["hammers"], swap["logs"]):
        assert hammer.log, "the server answered nothing during the rebuild"
        errors = [e for *_, e in hammer.log if e]
        assert not errors, f"{errors[:3]}\n{log}"
        assert all(answer for _, _, answer, _ in hammer.log)
    assert any(start < swap["swapped"] for h in swap["hammers"] for start, *_ in h.log)


def test_no_stale_answers_after_the_swap(swap):
    new = swap["score"]["new"]
    for answer in swap["after"]:
        assert f"**{new}**" in answer, answer
    lates = [[answer for start, _, answer, _ in hammer.log if start > swap["swapped"]] for hammer in swap["hammers"]]
    assert any(lates), "no question was asked after the swap"
    for late in lates:
        assert all(f"**{new}**" in a for a in late), late[:1]
