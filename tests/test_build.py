"""Building the index never loses what is not ours; `index add` is incremental; the CLI reads the app's settings.

Every case works on copies in tmp dirs: the real papers are copied, never written.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from index.build import add, build, ensure_database, is_current
from index.dbfile import inspect
from index.errors import DatabaseNotWritable, IngestError, NotAScoreDatabase

ROOT = Path(__file__).resolve().parent.parent
PAPERS = ROOT / "data" / "papers"
NOVA = "# Nova report\n\nTable 1: Results.\n\n| Model | MMLU | GSM8K |\n|---|---|---|\n| Nova-7B | 61.0 | 50.5 |\n"


def small_paper(name: str, model: str, value: float) -> str:
    return f"# {name}\n\nTable 1: Main results.\n\n| Model | MMLU |\n|---|---|\n| {model} | {value} |\n"


@pytest.fixture
def papers(tmp_path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    for name, model, value in (("a", "Alpha-7B", 50.0), ("b", "Beta-7B", 60.0), ("c", "Gamma-7B", 70.0)):
        (folder / f"{name}.md").write_text(small_paper(name, model, value))
    return folder


def count(db: Path, table: str = "papers") -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# -- never overwrite what is not ours -------------------------------------------------------------------------
def test_text_file_is_refused_and_left_byte_for_byte(tmp_path, papers):
    db = tmp_path / "notes.txt"
    db.write_text("my notes, not a database\n")
    for call in (lambda: ensure_database(papers, db), lambda: is_current(papers, db), lambda: build(papers, db)):
        with pytest.raises(NotAScoreDatabase, match="is not a score database.*left untouched"):
            call()
    assert db.read_text() == "my notes, not a database\n"


def test_another_programs_duckdb_is_refused(tmp_path, papers):
    db = tmp_path / "app.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE customers (id INTEGER, name VARCHAR)")
        con.execute("INSERT INTO customers VALUES (1, 'Ada')")
    before = db.read_bytes()
    with pytest.raises(NotAScoreDatabase, match="another program"):
        ensure_database(papers, db)
    with pytest.raises(NotAScoreDatabase):
        add([papers / "a.md"], db, papers)
    assert db.read_bytes() == before


def test_database_from_another_folder_is_served_and_refreshed_from_its_own(tmp_path, papers):
    other = tmp_path / "other"
    shutil.copytree(papers, other)
    (other / "d.md").write_text(small_paper("d", "Delta-7B", 80.0))
    db = tmp_path / "s.duckdb"
    build(other, db)
    assert count(db) == 4
    assert ensure_database(papers, db) is False          # 4 papers stay 4: it records its folder
    assert count(db) == 4 and inspect(db).papers_dir == other.resolve()
    (other / "e.md").write_text(small_paper("e", "Eps-7B", 90.0))
    assert ensure_database(papers, db) is True           # refreshed from the folder it records
    assert count(db) == 5
    new = tmp_path / "x.md"
    new.write_text(NOVA)
    with pytest.raises(IngestError, match="was built from"):
        add([new], db, papers)                           # asking for the other folder would drop its papers
    add([new], db)                                       # without --papers: into the folder it records
    assert (other / "x.md").exists() and not (papers / "x.md").exists() and count(db) == 6


def test_database_without_a_recorded_folder_is_not_rebuilt_from_another(tmp_path, papers):
    other = tmp_path / "other"
    other.mkdir()
    (other / "z.md").write_text(small_paper("z", "Zeta-7B", 10.0))
    db = tmp_path / "s.duckdb"
    build(other, db)
    with duckdb.connect(str(db)) as con:                 # as older code wrote it: no record of its folder
        con.execute("DROP TABLE build_meta")
        con.execute("UPDATE build_info SET index_version = 'old'")
    assert ensure_database(papers, db) is False
    assert count(db) == 1


def test_read_only_database_is_served_never_replaced(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    build(papers, db)
    (papers / "d.md").write_text(small_paper("d", "Delta-7B", 80.0))
    db.chmod(0o444)
    before = db.read_bytes()
    try:
        assert ensure_database(papers, db) is False
        with pytest.raises(DatabaseNotWritable, match="read-only"):
            build(papers, db)
        assert db.read_bytes() == before and count(db) == 3
    finally:
        db.chmod(0o644)


def test_database_open_in_this_process_is_served_not_refused(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    build(papers, db)
    (papers / "d.md").write_text(small_paper("d", "Delta-7B", 80.0))
    with duckdb.connect(str(db), read_only=True, config={"threads": 1, "memory_limit": "64MB"}):
        assert ensure_database(papers, db) is False          # the app has it open: no refusal, no rebuild
    assert ensure_database(papers, db) is True


def test_add_star_glob_deletes_nothing(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    build(papers, db)
    before = snapshot(papers)
    with pytest.raises(IngestError, match="does not exist"):
        add([Path("*.md")], db, papers)
    star = tmp_path / "*.md"                             # a file really named '*.md'
    star.write_text(NOVA)
    add([star], db, papers)
    after = snapshot(papers)
    assert {k: v for k, v in after.items() if k != "*.md"} == before
    assert count(db) == 4


def test_add_replaces_only_the_paper_with_the_same_name(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    (papers / "ab.md").write_text(small_paper("ab", "AB-7B", 55.0))
    build(papers, db)
    new = tmp_path / "new" / "a.html"
    new.parent.mkdir()
    new.write_text("<h1>A again</h1><table><tr><th>Model</th><th>MMLU</th></tr>"
                   "<tr><td>Alpha-7B</td><td>51.0</td></tr></table>")
    add([new], db, papers)
    assert sorted(p.name for p in papers.iterdir()) == ["a.html", "ab.md", "b.md", "c.md"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT value FROM scores WHERE model_id = 'Alpha-7B'").fetchall() == [(51.0,)]


def test_symlink_outside_the_folder_is_refused(tmp_path, papers):
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nnot a paper of this folder\n")
    (papers / "evil.md").symlink_to(secret)
    db = tmp_path / "s.duckdb"
    with pytest.raises(IngestError, match="outside the papers folder"):
        build(papers, db)
    assert not db.exists()


def test_symlink_inside_the_folder_is_a_paper(tmp_path, papers):
    (papers / "sub").mkdir()
    (papers / "sub" / "d.txt").write_text(small_paper("d", "Delta-7B", 80.0))
    (papers / "d.md").symlink_to(papers / "sub" / "d.txt")
    db = tmp_path / "s.duckdb"
    build(papers, db)
    assert count(db) == 4


def test_leftovers_of_killed_builds_are_removed(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    code = ("import os, sys; from pathlib import Path; from index.dbfile import prepare_target; "
            "t = prepare_target(Path(sys.argv[1])); t.write_bytes(b'half'); Path(str(t) + '.wal').write_bytes(b'w'); "
            "print(t.name, flush=True); os._exit(9)")
    out = subprocess.run([sys.executable, "-c", code, str(db)], cwd=ROOT, capture_output=True, text=True)
    left = tmp_path / out.stdout.strip()
    assert left.exists() and Path(str(left) + ".wal").exists()
    build(papers, db)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["papers", "s.duckdb"]


def test_unwritable_folder_is_a_one_line_error(tmp_path, papers):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for db in (blocker / "sub" / "s.duckdb", Path("/proc/paperqa-test/s.duckdb")):
        with pytest.raises(DatabaseNotWritable) as info:
            build(papers, db)
        assert "\n" not in str(info.value) and "cannot be written" in str(info.value)
    result = subprocess.run([sys.executable, "-m", "index", "build", "--papers", str(papers), "--db",
                             str(blocker / "s.duckdb")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot be written" in result.stderr


# -- incremental add --------------------------------------------------------------------------------------------
def rows(db: Path) -> dict[str, list]:
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in ("papers", "tables", "scores", "facts", "passages", "claims", "models", "model_aliases",
                      "benchmarks", "benchmark_aliases"):
            cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                              "table_name = ? ORDER BY ordinal_position", [table]).fetchall()
                    if c not in ("score_id", "fact_id", "passage_id", "claim_id")]
            out[table] = sorted(map(repr, con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()))
    return out


def test_incremental_add_equals_a_full_build_and_reads_only_the_new_paper(tmp_path, monkeypatch):
    folder = tmp_path / "papers"
    shutil.copytree(PAPERS, folder)
    db, full = tmp_path / "inc.duckdb", tmp_path / "full.duckdb"
    build(folder, db)
    new = tmp_path / "nova-report.md"
    new.write_text(NOVA)
    import index.build as b
    parsed, hashed = [], []
    real, real_hash = b._parse_job, b._file_hash
    monkeypatch.setattr(b, "_parse_job", lambda job: parsed.append(job[0].name) or real(job))
    monkeypatch.setattr(b, "_file_hash", lambda path: hashed.append(path.name) or real_hash(path))
    add([new], db)
    assert parsed == ["nova-report.md"] and hashed == ["nova-report.md"]    # the rest were not read again
    build(folder, full)
    assert rows(db) == rows(full)


def test_changed_paper_is_reparsed_on_start_up(tmp_path, papers, monkeypatch):
    db = tmp_path / "s.duckdb"
    build(papers, db)
    (papers / "b.md").write_text(small_paper("b", "Beta-7B", 61.5))
    import index.build as b
    parsed = []
    real = b._parse_job
    monkeypatch.setattr(b, "_parse_job", lambda job: parsed.append(job[0].name) or real(job))
    assert ensure_database(papers, db) is True
    assert parsed == ["b.md"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT value FROM scores WHERE model_id = 'Beta-7B'").fetchall() == [(61.5,)]


def test_kind_flag_is_kept_across_builds(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    build(papers, db)
    new = tmp_path / "d.md"
    new.write_text(small_paper("d", "Delta-7B", 80.0))
    add([new], db, kind="blog")
    (papers / "c.md").write_text(small_paper("c", "Gamma-7B", 71.0))    # forces a rebuild
    assert ensure_database(papers, db) is True
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT kind FROM papers WHERE paper_id = 'd'").fetchall() == [("blog",)]


def test_parallel_parse_gives_the_same_rows(tmp_path, monkeypatch):
    import index.build as b
    folder = tmp_path / "papers"
    folder.mkdir()
    for k in range(8):
        (folder / f"p{k}.md").write_text(small_paper(f"p{k}", f"Model{k}-7B", 40.0 + k))
    build(folder, tmp_path / "serial.duckdb")
    monkeypatch.setattr(b, "PARALLEL_MIN", 2)
    monkeypatch.setattr(b, "_workers", lambda: 2)
    build(folder, tmp_path / "parallel.duckdb")
    assert rows(tmp_path / "serial.duckdb") == rows(tmp_path / "parallel.duckdb")


# -- the CLI reads the app's settings ---------------------------------------------------------------------------
def test_cli_uses_paperqa_env_settings(tmp_path, papers):
    db = tmp_path / "env.duckdb"
    env = {**os.environ, "PAPERQA_DB_PATH": str(db), "PAPERQA_PAPERS_DIR": str(papers)}
    run = lambda *args: subprocess.run([sys.executable, "-m", "index", *args], cwd=ROOT, env=env,  # noqa: E731
                                       capture_output=True, text=True)
    assert run("build").returncode == 0 and count(db) == 3
    new = tmp_path / "d.md"
    new.write_text(small_paper("d", "Delta-7B", 80.0))
    result = run("add", str(new), "--kind", "report")
    assert result.returncode == 0, result.stderr
    assert (papers / "d.md").exists() and count(db) == 4
    stats = run("stats")
    assert stats.returncode == 0 and "papers 4" in stats.stdout


def test_a_bad_paper_parsed_in_a_worker_names_the_file(tmp_path, monkeypatch):
    import pickle

    import index.build as b
    folder = tmp_path / "papers"
    folder.mkdir()
    for k in range(4):
        (folder / f"p{k}.md").write_text(small_paper(f"p{k}", f"Model{k}-7B", 40.0 + k))
    (folder / "unclosed.html").write_text("<h1>Broken</h1>\n<table><tr><td>Model</td><td>MMLU</td></tr>\n"
                                         "<tr><td>X-7B</td><td>1.0</td></tr>\n")
    err = NotAScoreDatabase("x.duckdb", "why")
    assert str(pickle.loads(pickle.dumps(err))) == str(err)
    monkeypatch.setattr(b, "PARALLEL_MIN", 2)
    monkeypatch.setattr(b, "_workers", lambda: 2)
    db = tmp_path / "s.duckdb"
    with pytest.raises(IngestError, match="unclosed.html") as info:
        build(folder, db)
    assert info.value.reason and not db.exists()
