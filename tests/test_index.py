"""The score database, built by the real ingestion from the real papers."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from index import names
from index.build import build
from index.errors import IngestError

ROOT = Path(__file__).resolve().parent.parent
PAPERS = ROOT / "data" / "papers"


def one(con, sql, *params):
    rows = con.execute(sql, list(params)).fetchall()
    assert rows, f"no rows for {sql} {params}"
    return rows


def score(con, model, bench, setting_like="%", paper_like="%"):
    return sorted(r[0] for r in con.execute(
        "SELECT value FROM scores WHERE model_id = ? AND benchmark_id = ? AND coalesce(setting, '') LIKE ? "
        "AND paper_id LIKE ?", [model, bench, setting_like, paper_like]).fetchall())


# -- spot values from every format and paper ---------------------------------------------------------
def test_base_and_chat_glm4_9b_are_different_models(db_con):
    base = one(db_con, "SELECT s.model_id, m.variant, s.table_no, s.caption FROM scores s JOIN models m USING (model_id) "
                       "WHERE s.benchmark_id = 'MATH' AND s.value = 30.4 AND s.paper_id = 'chatglm-glm4-report'")
    chat = one(db_con, "SELECT s.model_id, m.variant, s.table_no FROM scores s JOIN models m USING (model_id) "
                       "WHERE s.benchmark_id = 'MATH' AND s.value = 50.6 AND s.paper_id = 'chatglm-glm4-report'")
    assert base[0][1] == "base" and base[0][0].startswith("GLM-4-9B") and base[0][2] == "1"
    assert chat[0][0] == "GLM-4-9B-Chat" and chat[0][1] == "chat" and chat[0][2] == "2"
    assert base[0][0] != chat[0][0]


def test_report_and_blog_both_stored_with_sources(db_con):
    rows = db_con.execute("SELECT value, paper_id, table_no, table_id FROM scores WHERE model_id = 'Qwen2-7B-Instruct' "
                          "AND benchmark_id = 'GPQA' AND setting IS NULL ORDER BY value").fetchall()
    assert (25.3, "qwen2-blog") in [(r[0], r[1]) for r in rows]
    assert (34.3, "qwen2-tech-report-instruct-eval", "8") in [(r[0], r[1], r[2]) for r in rows]
    kinds = dict(db_con.execute("SELECT paper_id, kind FROM papers").fetchall())
    assert kinds["qwen2-blog"] == "blog" and kinds["qwen2-tech-report-instruct-eval"] == "report"
    note = one(db_con, "SELECT precedence_note FROM papers WHERE paper_id = 'qwen2-blog'")[0][0]
    assert "technical report" in note and "precedence" in note


def test_split_cells_become_two_values_with_settings_from_the_note(db_con):
    rows = dict(db_con.execute("SELECT setting, value FROM scores WHERE model_id = 'Qwen2-7B-Instruct' AND "
                               "benchmark_id = 'NeedleBench' AND setting LIKE '128k%'").fetchall())
    assert rows == {"128k | without YARN+DCA": 38.77, "128k | with YARN+DCA": 66.32}
    raw = one(db_con, "SELECT DISTINCT raw_cell, page, table_no FROM scores WHERE value = 66.32")
    assert raw == [("38.77 / 66.32", "17", "12")]


def test_two_level_tsv_header_ifeval(db_con):
    rows = one(db_con, "SELECT value, setting FROM scores WHERE model_id = 'GPT-4 Turbo (0409)' AND "
                       "benchmark_id = 'IFEval' AND setting LIKE '%strict instruction-level%' AND setting LIKE '%English%'")
    assert rows == [(85.9, rows[0][1])]
    assert one(db_con, "SELECT DISTINCT model_raw FROM scores WHERE model_id = 'GPT-4 Turbo (0409)' "
                       "AND paper_id = 'chatglm-glm4-report'") == [("GPT-4 Turbo (2024-04-09)",)]


def test_html_rowspan_table(db_con):
    rows = one(db_con, "SELECT value, grp, metric, table_no FROM scores WHERE model_id = 'Kimi-K2-Base' "
                       "AND benchmark_id = 'Chinese-SimpleQA'")
    assert rows == [(77.6, "Chinese", "EM", "2")]


def test_multilingual_human_evaluation(db_con):
    rows = one(db_con, "SELECT value, setting, table_no FROM scores WHERE model_id = 'Qwen2-72B-Instruct' "
                       "AND setting = 'French' AND paper_id LIKE 'qwen2-tech%'")
    assert rows == [(4.01, "French", "13")]


def test_percent_cells_and_bold(db_con):
    rows = db_con.execute("SELECT value, unit, is_bold, raw_cell FROM scores WHERE paper_id = 'qwen2-blog' AND "
                          "model_id LIKE 'Mixtral-8x22B%' AND setting = 'zh' AND grp = 'Fraud'").fetchall()
    assert rows == [(17.0, "%", False, "17%")]
    bold = one(db_con, "SELECT is_bold, value FROM scores WHERE raw_cell = '**82.3**' AND model_id = 'Qwen2-72B-Instruct'")
    assert all(b for b, _ in bold) and {v for _, v in bold} == {82.3}


def test_caption_says_suffix_omitted(db_con):
    rows = one(db_con, "SELECT DISTINCT model_id FROM scores WHERE paper_id LIKE 'qwen2-tech%' AND table_no = '8' "
                       "AND model_raw = 'GLM-4-9B'")
    assert rows == [("GLM-4-9B-Chat",)]
    assert one(db_con, "SELECT DISTINCT model_id FROM scores WHERE model_raw = 'ChatGLM4-9B-1M'") == \
        [("GLM-4-9B-Chat-1M",)]
    base = one(db_con, "SELECT DISTINCT s.model_id, m.variant FROM scores s JOIN models m USING (model_id) "
                       "WHERE s.paper_id = 'qwen2-blog' AND s.table_id = 'Qwen2-72B performance' AND s.model_raw LIKE '%Qwen2-72B%'")
    assert base == [("Qwen2-72B", "base")]


def test_benchmark_versions_not_merged(db_con):
    fam = dict(db_con.execute("SELECT benchmark_id, family FROM benchmarks").fetchall())
    assert fam["LiveCodeBench v1"] == fam["LiveCodeBench (2407-2501)"] == "LiveCodeBench"
    assert fam["MATH"] != fam["MATH 500"]
    assert one(db_con, "SELECT DISTINCT benchmark_id FROM scores WHERE benchmark_raw = 'TheroemQA'") == [("Theorem QA",)]
    cats = dict(db_con.execute("SELECT benchmark_id, category FROM benchmarks").fetchall())
    assert cats["SWE-bench Verified"] == "coding" and cats["SafetyBench"] == "safety"


def test_every_score_has_provenance(db_con):
    missing = db_con.execute("SELECT count(*) FROM scores WHERE paper_id IS NULL OR caption IS NULL OR raw_cell IS NULL "
                             "OR row_header IS NULL OR col_header IS NULL").fetchone()[0]
    assert missing == 0
    numbered = db_con.execute("SELECT count(*) FROM scores WHERE paper_id <> 'qwen2-blog' AND table_no IS NULL "
                              "AND source_kind = 'table'").fetchone()[0]
    assert numbered == 0
    no_page = db_con.execute("SELECT count(*) FROM scores WHERE paper_id LIKE 'qwen2-tech%' AND page IS NULL").fetchone()[0]
    assert no_page == 0


def test_facts_are_queryable(db_con):
    assert one(db_con, "SELECT value, unit FROM facts WHERE model_id = 'GLM-4.5-Air' AND attribute = 'total_params'") \
        == [(106.0, "B")]
    assert (64.0, "K") in db_con.execute("SELECT value, unit FROM facts WHERE model_id = 'Qwen2-57B-A14B' "
                                         "AND attribute = 'context_length'").fetchall()
    assert one(db_con, "SELECT value_text FROM facts WHERE model_id = 'GLM-4.5' AND attribute = 'qk_norm'") == [("Yes",)]


def test_claims_table(db_con):
    total, verified = db_con.execute("SELECT count(*), count(*) FILTER (WHERE verified) FROM claims").fetchone()
    assert (total, verified) == (13, 4)


def test_passages_repaired_but_original_kept(db_con):
    text, original = one(db_con, "SELECT text, original FROM passages WHERE original LIKE '%$7 0 . 1 \\%$%' LIMIT 1")[0]
    assert "70.1%" in text and "$7 0 . 1" in original
    temp = one(db_con, "SELECT text FROM passages WHERE original LIKE '%temperature $_ { = 0 . 6 }$%'")[0][0]
    assert "temperature = 0.6" in temp
    sections = one(db_con, "SELECT section, page FROM passages WHERE text LIKE '%one professional annotator%'")
    assert sections[0][0].endswith("Multilingual Evaluation") and sections[0][1] == "18"


# -- no cell lost ---------------------------------------------------------------------------------
NUMERIC = re.compile(r"^[<>~≈]?\s*-?\d+(?:,\d{3})*(?:\.\d+)?\s*(?:%|[BKMTk])?$")


def source_rows(lines: list[str], start: int, fmt: str) -> list[list[str]]:
    i = start - 1
    if fmt == "markdown":
        block = []
        while i < len(lines) and lines[i].lstrip().startswith("|"):
            block.append(lines[i].strip().strip("|").split("|"))
            i += 1
        return [block[0]] + block[2:]
    if fmt == "tsv":
        block = []
        while i < len(lines) and "\t" in lines[i]:
            block.append(lines[i].split("\t"))
            i += 1
        return block
    html = []
    while "</table>" not in lines[i - 1 if html else i] or not html:
        html.append(lines[i])
        i += 1
    return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S) for tr in re.findall(r"<tr>(.*?)</tr>", "\n".join(html), re.S)]


def count_numeric(rows: list[list[str]]) -> int:
    def clean(c):
        return re.sub(r"[*_]", "", c).strip()

    def decimal(c):
        return bool(re.fullmatch(r"-?\d+(?:\.\d+)?%?", clean(c)))

    def fact_row(row):          # '# Total Params' under the model names: values, not header labels
        first = next((clean(c) for c in row if clean(c)), "")
        return names.fact_attribute(first) is not None

    body = rows[1:]
    while body and not clean(body[0][0]) and sum(1 for c in body[0] if clean(c)) >= 2 and \
            not any(map(decimal, body[0])) and not fact_row(body[0]):
        body = body[1:]
    n = 0
    for row in body:
        for c in row:
            parts = [p for p in clean(c).split("/")]
            if all(NUMERIC.match(p.strip()) for p in parts):
                n += len(parts)
    return n


def test_no_cell_is_lost(db_con):
    tables = db_con.execute("SELECT t.paper_id, t.table_id, t.line, t.format, p.file FROM tables t JOIN papers p "
                            "USING (paper_id)").fetchall()
    assert len(tables) >= 45
    for pid, tid, line, fmt, file in tables:
        lines = (PAPERS / file).read_text().split("\n")
        want = count_numeric(source_rows(lines, line, fmt))
        got = db_con.execute(
            "SELECT (SELECT count(*) FROM scores WHERE paper_id = $1 AND table_id = $2) + "
            "(SELECT count(*) FROM facts WHERE paper_id = $1 AND table_id = $2 AND value IS NOT NULL) + "
            "(SELECT count(*) FROM claims WHERE paper_id = $1 AND table_id = $2 AND confidence IS NOT NULL)",
            [pid, tid]).fetchone()[0]
        assert got == want, f"{pid} {tid} (line {line}): {want} numeric cells in the source, {got} stored"


# -- bad input loses nothing ------------------------------------------------------------------------
BAD = {
    "unclosed.html": "<h1>Broken</h1>\n<p>Text.</p>\n<table><tr><td>Model</td><td>MMLU</td></tr>\n<tr><td>X-7B</td><td>1.0</td></tr>\n",
    "ragged.md": "# Ragged\n\n| Model | MMLU | GSM8K |\n|---|---|---|\n| A-7B | 1.0 | 2.0 |\n| B-7B | 3.0 |\n",
    "junk.md": bytes(range(256)) * 8,
    "empty.txt": "",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_malformed_paper_fails_and_keeps_old_database(tmp_path, name):
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "good.md").write_text("# Good\n\n| Model | MMLU |\n|---|---|\n| Good-7B | 50.0 |\n")
    db = tmp_path / "scores.duckdb"
    build(papers, db)
    before = db.read_bytes()
    content = BAD[name]
    (papers / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(IngestError) as e:
        build(papers, db)
    assert name in str(e.value)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["papers", "scores.duckdb"]
    cli = subprocess.run([sys.executable, "-m", "index", "build", "--papers", str(papers), "--db", str(db)],
                         capture_output=True, text=True, cwd=ROOT)
    assert cli.returncode == 1 and name in cli.stderr and "Traceback" not in cli.stderr
    assert db.read_bytes() == before


NEW_PAPER = """# Falcon-X Technical Report

## 4 Results [p. 7]

**Table 3: Falcon-X-40B-Instruct against baselines.** [p. 7] Scores are accuracy (%).

| Benchmark | Falcon-X-40B-Instruct | Llama-3-70B-Instruct |
|---|---|---|
| | *Knowledge* | |
| MMLU | **79.1** | 82.0 |
| GPQA | 41.5 / 44.0 | - |

*Note: Where two values are shown (x / y), x is the score without CoT and y is the score with CoT.*

Table 4: Long-context results.

Model\tRULER\t
\t32k\t128k
Falcon-X-40B-Instruct\t88.2\t71.9

Table 5: Architecture.

<table><tr><td>Model</td><td>Falcon-X-40B-Instruct</td></tr><tr><td># Layers</td><td>60</td></tr><tr><td rowspan="2">Math</td><td>91.0</td></tr></table>

The model was trained with a learning rate of $3 . 0 e-4$ and a cosine schedule.
"""


def test_add_unseen_paper_in_all_three_formats(tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    for p in PAPERS.iterdir():
        (papers / p.name).write_bytes(p.read_bytes())
    db = tmp_path / "scores.duckdb"
    build(papers, db)
    new = tmp_path / "falcon-x-report.md"
    new.write_text(NEW_PAPER)
    out = subprocess.run([sys.executable, "-m", "index", "add", str(new), "--db", str(db), "--papers", str(papers)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = {(r[0], r[1], r[2]): r[3] for r in con.execute(
            "SELECT benchmark_id, coalesce(setting, ''), table_no, value FROM scores "
            "WHERE paper_id = 'falcon-x-report' AND model_id = 'Falcon-X-40B-Instruct'").fetchall()}
        assert got[("MMLU", "", "3")] == 79.1
        assert got[("GPQA", "without CoT", "3")] == 41.5 and got[("GPQA", "CoT", "3")] == 44.0
        assert got[("RULER", "128k", "4")] == 71.9
        assert con.execute("SELECT value FROM facts WHERE paper_id = 'falcon-x-report' AND attribute = 'layers'").fetchall() == [(60.0,)]
        assert con.execute("SELECT page FROM scores WHERE paper_id = 'falcon-x-report' AND table_no = '3' LIMIT 1").fetchone() == ("7",)
        assert con.execute("SELECT count(*) FROM papers").fetchone()[0] == 6
    finally:
        con.close()
    assert (papers / "falcon-x-report.md").exists()
    stats = subprocess.run([sys.executable, "-m", "index", "stats", "--db", str(db)], capture_output=True, text=True,
                           cwd=ROOT)
    assert stats.returncode == 0 and "falcon-x-report" in stats.stdout and "Table 4" in stats.stdout


def test_cli_build_and_stats_list_every_paper(tmp_path):
    db = tmp_path / "s.duckdb"
    out = subprocess.run([sys.executable, "-m", "index", "build", "--db", str(db)], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 0, out.stderr
    stats = subprocess.run([sys.executable, "-m", "index", "stats", "--db", str(db)], capture_output=True,
                           text=True, cwd=ROOT).stdout
    for paper in PAPERS.iterdir():
        assert paper.stem in stats
    assert "Table 12" in stats and "html" in stats and "tsv" in stats and "markdown" in stats


def test_unknown_model_names_are_read_from_a_benchmark_axis(tmp_path):
    paper = tmp_path / "aurora-report.md"
    paper.write_text("# Aurora\n\nTable 2: Main results.\n\n| Benchmark | Zephyrus Alpha | Borealis Prime |\n|---|---|---|\n"
                     "| MMLU | 70.1 | 68.0 |\n| GSM8K | 80.2 | 79.9 |\n| FooBench | 33.3 | 30.0 |\n\n"
                     "Table 3: Per model.\n\nModel\tHumanEval\tWidgetQA\nZephyrus Alpha\t55.5\t12.5\n")
    db = tmp_path / "s.duckdb"
    build(tmp_path, db)
    con = duckdb.connect(str(db), read_only=True)
    got = {(m, b, t): v for m, b, t, v in con.execute("SELECT model_id, benchmark_id, table_no, value FROM scores").fetchall()}
    con.close()
    assert got[("Zephyrus Alpha", "MMLU", "2")] == 70.1 and got[("Borealis Prime", "FooBench", "2")] == 30.0
    assert got[("Zephyrus Alpha", "WidgetQA", "3")] == 12.5 and len(got) == 8


def test_ensure_database_rebuilds_when_papers_change(tmp_path):
    from index.build import ensure_database
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "a.md").write_text("# A\n\n| Model | MMLU |\n|---|---|\n| Alpha-7B | 50.0 |\n")
    db = tmp_path / "s.duckdb"
    assert ensure_database(papers, db) is True
    assert ensure_database(papers, db) is False
    (papers / "b.md").write_text("# B\n\n| Model | MMLU |\n|---|---|\n| Beta-7B | 60.0 |\n")
    assert ensure_database(papers, db) is True
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM papers").fetchone()[0] == 2
    con.close()
    assert ensure_database(papers, db) is False


def test_html_paper_with_captions_inside_tables(tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "orion-report.html").write_bytes((ROOT / "tests" / "fixtures" / "orion-report.html").read_bytes())
    db = tmp_path / "s.duckdb"
    build(papers, db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT title FROM papers").fetchone() == ("Orion-2: An Open Model Family",)
        assert con.execute("SELECT value, table_no, caption FROM scores WHERE model_id = 'Orion-2-14B-Chat' AND "
                           "benchmark_id = 'MMLU'").fetchall() == [(72.5, "2", "Results of chat models on standard benchmarks.")]
        assert con.execute("SELECT value, metric, caption FROM scores WHERE benchmark_id = 'RULER'").fetchall() == \
            [(88.0, "32k", "Long-context results")]
        texts = " ".join(r[0] for r in con.execute("SELECT text FROM passages").fetchall())
        assert "cosine learning-rate schedule" in texts and "var x" not in texts
    finally:
        con.close()


def test_text_scores_quote_their_sentence_and_never_repeat_a_table(db_con):
    text = db_con.execute("SELECT paper_id, model_id, benchmark_id, value, raw_cell FROM scores "
                          "WHERE source_kind = 'text'").fetchall()
    assert text, "sentences like 'X scores 42.5% on Y' are read"
    for pid, model, bench, value, sentence in text:
        assert f"{value:g}" in sentence and len(sentence) > 20
        assert db_con.execute("SELECT count(*) FROM scores WHERE source_kind = 'table' AND paper_id = ? AND "
                              "model_id = ? AND benchmark_id = ?", [pid, model, bench]).fetchone()[0] == 0
    assert db_con.execute("SELECT count(*) FROM scores WHERE source_kind IS NULL").fetchone()[0] == 0
