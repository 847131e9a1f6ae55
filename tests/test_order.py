"""The ranking layout (index/order.py): every row's `combo` and `pref` as a full-scan reference computes them, the
narrow `score_ranks` copy equal to `scores`, and the in-place refresh of an incremental add equal to a full
lay-out."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from index import order
from tests.conftest import raw_copy

SCORE_KEYS = "model_id, benchmark_id, paper_id, table_no, combo, setting, grp, metric, pref, value"


def rows(con, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


@pytest.fixture
def work(real_db, tmp_path):
    path = tmp_path / "work.duckdb"
    shutil.copyfile(raw_copy(real_db), path)
    con = duckdb.connect(str(path))
    yield con
    con.close()


def test_combo_and_pref_match_a_full_scan_reference(db_con):
    """pref 1 is the row a window over each (model, benchmark) in preference order puts first, computed here in
    Python from the rows (precedence, then table before text, then the longest setting, then the row order)."""
    got = dict(((m, b), sid) for sid, m, b in db_con.execute(
        "SELECT score_id, model_id, benchmark_id FROM scores WHERE pref = 1").fetchall())
    data = db_con.execute("SELECT s.score_id, s.model_id, s.benchmark_id, p.precedence, s.source_kind, s.setting, "
                          "s.grp, s.metric, s.combo FROM scores s JOIN papers p USING (paper_id)").fetchall()
    best: dict[tuple, tuple] = {}
    for sid, m, b, prec, kind, setting, grp, metric, combo in data:
        assert combo == "\x1f".join(x or "" for x in (setting, grp, metric))
        k = (prec, kind == "text", -len(setting or ""), sid)
        if (m, b) not in best or k < best[(m, b)][0]:
            best[(m, b)] = (k, sid)
    assert got == {pair: sid for pair, (_, sid) in best.items()}
    n, distinct = db_con.execute("SELECT count(*), count(DISTINCT (model_id, benchmark_id, pref)) FROM scores"
                                 ).fetchone()
    assert n == distinct                                   # a total order: no two rows of a pair share a place


def test_score_ranks_hold_every_score_row(db_con):
    assert rows(db_con, f"SELECT {SCORE_KEYS} FROM score_ranks") == rows(db_con, f"SELECT {SCORE_KEYS} FROM scores")
    lower = db_con.execute("SELECT count(*) FROM score_ranks WHERE lower_better").fetchone()[0]
    captions = db_con.execute("SELECT count(*) FROM scores WHERE regexp_matches(caption, ?, 'i')",
                              [order.LOWER_BETTER]).fetchone()[0]
    assert lower == captions


def test_layout_is_sorted_for_each_reader(db_con):
    models = [r[0] for r in db_con.execute("SELECT model_id FROM scores").fetchall()]
    assert models == sorted(models)
    benches = [r[0] for r in db_con.execute("SELECT benchmark_id FROM score_ranks").fetchall()]
    assert benches == sorted(benches)


def test_refresh_after_a_paper_is_removed_and_added_in_place_equals_a_full_layout(work):
    """What an incremental add does to one paper's rows, in place: delete them, insert them again without their
    keys (unsorted, at the end), refresh for that paper. Every row must come out as a full lay-out makes it."""
    before_scores = rows(work, "SELECT * FROM scores")
    before_ranks = rows(work, "SELECT * FROM score_ranks")
    paper = work.execute("SELECT paper_id FROM scores GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    work.execute("CREATE TEMP TABLE gone AS SELECT * FROM scores WHERE paper_id = ?", [paper])
    work.execute("DELETE FROM scores WHERE paper_id = ?", [paper])
    order.refresh(work)
    assert work.execute("SELECT count(*) FROM score_ranks WHERE paper_id = ?", [paper]).fetchone()[0] == 0
    work.execute("UPDATE gone SET combo = NULL, pref = NULL")
    work.execute("INSERT INTO scores SELECT * FROM gone")
    order.refresh(work)
    assert rows(work, "SELECT * FROM scores") == before_scores
    assert rows(work, "SELECT * FROM score_ranks") == before_ranks
    order.lay_out(work)
    assert rows(work, "SELECT * FROM scores") == before_scores
    assert rows(work, "SELECT * FROM score_ranks") == before_ranks
