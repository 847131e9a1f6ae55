"""`index add` changes a copy of the database in place, and the result is the database a full build of the same
folder writes: every table, row ids included, compared both ways (EXCEPT ALL).

The corpus: the shipped papers plus copies with every model renamed (bench/corpus.py), so papers share benchmarks
and settings but name their own models, as a growing collection of real reports does.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bench import corpus
from index.build import add, build, ensure_database
from index.errors import DatabaseNotWritable
from tests.conftest import copy_papers, raw_copy

ROOT = Path(__file__).resolve().parent.parent
# Columns that may differ from a full build, and why: when it was built; and the modification time the stat cache
# recorded for an added paper, which is that of the file given to `add` (the folder's copy is written after the
# build, so the next build finds a new time and hashes that one file again).
IGNORED = {"build_info": {"built_at"}, "paper_files": {"mtime_ns"}}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> list[Path]:
    return sorted(copy_papers(tmp_path_factory.mktemp("shipped") / "papers").iterdir())


def renamed(paper: Path, tag: str, folder: Path, name: str | None = None) -> Path:
    """A copy of `paper` with every model renamed by `tag`, written as `name` (default: stem-tag) in `folder`."""
    out = folder / (name or f"{paper.stem}-{tag.lower()}{paper.suffix}")
    out.write_text(corpus.rename(paper.read_text(encoding="utf-8"), tag), encoding="utf-8")
    return out


@pytest.fixture
def papers(tmp_path, shipped) -> Path:
    """The shipped papers and two renamed copies of each (15 papers)."""
    folder = tmp_path / "papers"
    folder.mkdir()
    for paper in shipped:
        (folder / paper.name).write_bytes(paper.read_bytes())
        for i in (1, 2):
            renamed(paper, corpus.tag(i), folder)
    return folder


def differences(a: Path, b: Path) -> dict[str, tuple[int, int]]:
    """Per table: rows only in `a`, rows only in `b` (EXCEPT ALL, so duplicates count), over all but IGNORED."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{raw_copy(a)}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{raw_copy(b)}' AS b (READ_ONLY)")
        tables = {d: {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE "
                                                "table_catalog = ? AND table_schema = 'main'", [d]).fetchall()}
                  for d in ("a", "b")}
        assert tables["a"] == tables["b"]
        out = {}
        for t in sorted(tables["a"]):
            cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                              "table_catalog = 'a' AND table_name = ? ORDER BY ordinal_position",
                                              [t]).fetchall() if c not in IGNORED.get(t, ())]
            sel = ", ".join(f'"{c}"' for c in cols)
            only = lambda x, y: con.execute(f"SELECT count(*) FROM (SELECT {sel} FROM {x}.{t} "  # noqa: E731
                                            f"EXCEPT ALL SELECT {sel} FROM {y}.{t})").fetchall()[0][0]
            out[t] = (only("a", "b"), only("b", "a"))
        return out
    finally:
        con.close()


def assert_same(a: Path, b: Path) -> None:
    diff = differences(a, b)
    assert {t: d for t, d in diff.items() if d != (0, 0)} == {}
    assert "vocab" in diff and "scores" in diff
    vocab = "SELECT key, name, kind, target, paper_id FROM vocab"        # in the order a reader gets it
    with duckdb.connect(str(raw_copy(a)), read_only=True) as ca, duckdb.connect(str(raw_copy(b)), read_only=True) as cb:
        assert ca.execute(vocab).fetchall() == cb.execute(vocab).fetchall()


def count(db: Path, sql: str) -> int:
    with duckdb.connect(str(raw_copy(db)), read_only=True) as con:
        return con.execute(sql).fetchall()[0][0]


def test_add_and_replace_equal_a_full_build(tmp_path, papers, shipped, monkeypatch):
    db = tmp_path / "inc.duckdb"
    build(papers, db)
    # A new paper (sorting between the others, so every later row id moves), added from the command line, which
    # imports only what one paper needs (no DataFrame library, no process pool).
    new = renamed(shipped[0], corpus.tag(7), tmp_path, name=f"{shipped[0].stem}-0{shipped[0].suffix}")
    cli = subprocess.run([sys.executable, "-X", "importtime", "-m", "index", "add", str(new), "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in cli.stderr.splitlines() if line.startswith("import time")}
    assert "duckdb" in imported and not imported & {"pandas", "numpy", "concurrent.futures.process"}
    # A changed paper: the same file name, its models renamed again (the old names must leave every table).
    old_tag, now_tag = corpus.tag(2), corpus.tag(8)
    target = next(p for p in sorted(papers.iterdir()) if p.stem.endswith("-" + old_tag.lower()))
    original = next(p for p in shipped if target.name == f"{p.stem}-{old_tag.lower()}{p.suffix}")
    (tmp_path / "changed").mkdir()
    changed = renamed(original, now_tag, tmp_path / "changed", name=target.name)
    import index.build as b
    parsed, real = [], b._parse_job
    monkeypatch.setattr(b, "_parse_job", lambda job: parsed.append(job[0].name) or real(job))
    add([changed], db)
    assert parsed == [target.name]                      # the other 15 papers were not read again
    full = tmp_path / "full.duckdb"
    build(papers, full)
    assert_same(db, full)
    assert count(db, "SELECT count(*) FROM papers") == 16
    assert count(db, f"SELECT count(*) FROM scores WHERE paper_id = '{target.stem}' AND model_id LIKE "
                     f"'%{now_tag}%'") > 0
    for table, col in (("scores", "model_id"), ("models", "model_id"), ("vocab", "target")):
        assert count(db, f"SELECT count(*) FROM {table} WHERE {col} LIKE '%{old_tag}%' AND "
                         f"{col} NOT IN (SELECT model_id FROM model_aliases WHERE paper_id <> '{target.stem}')") == 0


def test_a_removed_paper_leaves_every_table_on_start_up(tmp_path, papers):
    db = tmp_path / "inc.duckdb"
    build(papers, db)
    victim = sorted(papers.iterdir())[4]
    victim.unlink()
    assert ensure_database(papers, db) is True
    full = tmp_path / "full.duckdb"
    build(papers, full)
    assert_same(db, full)
    assert count(db, f"SELECT count(*) FROM scores WHERE paper_id = '{victim.stem}'") == 0


def test_repeated_adds_do_not_grow_the_file(tmp_path, papers, shipped):
    """A file changed in place keeps the blocks it rewrote as free space, which the next change reuses: the file
    grows once (by about the tables it rewrote: all of them here, where each table is one row group), then not."""
    db = tmp_path / "inc.duckdb"
    build(papers, db)
    sizes = [db.stat().st_size]
    for k in range(6):                                  # the same paper replaced again and again
        add([renamed(shipped[1], corpus.tag(20 + k), tmp_path, name=shipped[1].name)], db)
        sizes.append(db.stat().st_size)
    assert max(sizes[3:]) <= 1.05 * max(sizes[1:3]) and sizes[-1] < 2.5 * sizes[0], sizes


def test_add_to_a_read_only_database_changes_nothing(tmp_path, papers, shipped):
    db = tmp_path / "inc.duckdb"
    build(papers, db)
    before, folder = db.read_bytes(), sorted(p.name for p in papers.iterdir())
    db.chmod(0o444)
    try:
        with pytest.raises(DatabaseNotWritable, match="read-only"):
            add([renamed(shipped[0], corpus.tag(30), tmp_path)], db)
        assert db.read_bytes() == before and sorted(p.name for p in papers.iterdir()) == folder
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    finally:
        db.chmod(0o644)


def test_a_database_changed_by_hand_is_built_whole(tmp_path, papers, shipped):
    db = tmp_path / "inc.duckdb"
    build(papers, db)
    with duckdb.connect(str(db)) as con:                # its per-paper record dropped: nothing to change in place
        con.execute("DROP TABLE paper_models")
    add([renamed(shipped[2], corpus.tag(31), tmp_path)], db)
    full = tmp_path / "full.duckdb"
    build(papers, full)
    assert_same(db, full)
