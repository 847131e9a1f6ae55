"""The vocabulary: written by ingestion with the one key function, read by the assistant from the database only."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from index import names
from index.seed import SEED, load
from index.vocab import stem

from assistant.guard import SafeDB
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


class Con:
    """fetchall() over the assistant's own read-only connection (one configuration per file in a process)."""

    def __init__(self, db):
        self.db = SafeDB(db, Settings())

    def execute(self, sql, params=None):
        cols, rows = self.db.query_all(sql, params)
        return Rows([tuple(r[c] for c in cols) for r in rows])


class Rows(list):
    def fetchall(self):
        return list(self)

    def fetchone(self):
        return self[0]


@pytest.fixture(scope="module")
def db_con(real_db):
    return Con(real_db)
KINDS = {"model", "model_nover", "model_stem", "family", "benchmark", "benchmark_family", "setting", "category",
         "variant", "paper", "paper_kind", "word"}


def test_every_key_is_made_by_the_one_key_function(db_con):
    rows = db_con.execute("SELECT key, name, kind FROM vocab").fetchall()
    assert {kind for _, _, kind in rows} == KINDS
    assert all(k == names.key(n) and k for k, n, _ in rows)


def test_every_model_and_benchmark_has_its_canonical_row(db_con):
    missing = db_con.execute("SELECT model_id FROM models m WHERE NOT EXISTS (SELECT 1 FROM vocab v WHERE "
                             "v.kind = 'model' AND v.target = m.model_id)").fetchall()
    assert missing == []
    missing = db_con.execute("SELECT benchmark_id FROM benchmarks b WHERE NOT EXISTS (SELECT 1 FROM vocab v "
                             "WHERE v.kind = 'benchmark' AND v.target = b.benchmark_id)").fetchall()
    assert missing == []


def test_aliases_as_printed_are_vocabulary(db_con):
    rows = db_con.execute("SELECT alias, model_id FROM model_aliases").fetchall()
    vocab = set(db_con.execute("SELECT key, target FROM vocab WHERE kind = 'model'").fetchall())
    assert all((names.key(a), m) in vocab for a, m in rows)


def test_family_size_and_variant_keys(db_con):
    def targets(kind, name):
        return {r[0] for r in db_con.execute("SELECT target FROM vocab WHERE kind = ? AND key = ?",
                                             [kind, names.key(name)]).fetchall()}
    qwen2 = {r[0] for r in db_con.execute("SELECT model_id FROM models WHERE family = 'Qwen2'").fetchall()}
    assert targets("family", "Qwen2") == qwen2 and len(qwen2) >= 8
    assert targets("model_stem", "Qwen2 7B") == {"Qwen2-7B", "Qwen2-7B-Instruct"}
    assert targets("variant", "instruction-tuned") == {"chat"}
    assert targets("variant", "pre-trained") == {"base"}
    assert targets("paper_kind", "technical report") == {"report"}
    assert targets("category", "code") == {"coding"}
    assert "glm-4.5-report" in targets("paper", "GLM-4.5")


def test_seed_benchmark_aliases_reach_the_database_for_benchmarks_the_papers_hold(db_con):
    bfcl = {r[0] for r in db_con.execute("SELECT target FROM vocab WHERE key = ?",
                                         [names.key("Berkeley Function Calling Leaderboard")]).fetchall()}
    assert bfcl and all(b.startswith("BFCL") for b in bfcl)


def test_setting_rows_name_their_paper(db_con):
    rows = db_con.execute("SELECT target, paper_id FROM vocab WHERE kind = 'setting'").fetchall()
    assert rows and all(p for _, p in rows)


def test_ordinary_words_are_marked(db_con):
    words = dict(db_con.execute("SELECT key, target FROM vocab WHERE kind = 'word'").fetchall())
    assert words.get("math") == "ordinary" and words.get("average") == "ordinary"


@pytest.mark.parametrize("raw,k", [("GLM-4.5", "glm4.5"), ("SQuAD 2.0", "squad2.0"), ("Avg.", "avg"),
                                   ("τ²-bench", "tau2bench"), ("Qwen2-7B-Instruct", "qwen27binstruct"),
                                   ("HumanEval+", "humaneval+"), ("GPT-4 Turbo (0409)", "gpt4turbo0409")])
def test_key(raw, k):
    assert names.key(raw) == k


def test_tokens_and_stop_words():
    assert names.tokens("What is Qwen1.5's YARN+DCA score?") == ["what", "is", "qwen1.5", "s", "yarn+dca", "score"]
    assert {"the", "which", "them"} <= names.STOP_WORDS


def test_stem():
    assert stem("Qwen2-7B-Instruct") == "Qwen2-7B" and stem("GLM-4 (0520)") == "GLM-4"


def test_seed_file_is_data_and_loads(tmp_path):
    assert SEED.BENCHMARKS and SEED.MODEL_FAMILY_PATTERNS and SEED.QUESTION_WORDS["variant"]
    copy = tmp_path / "seed.json"
    copy.write_text((ROOT / "index" / "seed_vocab.json").read_text())
    assert load(copy).BENCHMARKS == SEED.BENCHMARKS
    assert not (ROOT / "index" / "lexicon.py").exists()


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module + ":" + ",".join(a.name for a in node.names))
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_the_assistant_reads_names_from_the_database_not_the_seed():
    for path in (ROOT / "assistant").glob("*.py"):
        found = imports(path)
        assert not any("seed" in i or "lexicon" in i for i in found), path.name
        assert not any(i.startswith("index.names:") and ("parse_model" in i or "lookup_benchmark" in i
                                                         or "looks_like_model" in i) for i in found), path.name
