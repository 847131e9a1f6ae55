"""Every table variant, read cell for cell from fixture papers; cells, setting words, paper kinds and bounds."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from index.build import build
from index.cells import read_cell
from index.errors import IngestError
from index.paper import parse_paper
from index.qualifiers import is_qualifier, normalize, qualifiers_in

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# (table_no, model, benchmark, setting, grp, value, spread, is_bold); table_no None: stated in the text
MARKDOWN_ROWS = {
    ("1", "Zephyrine-7B", "MMLU", None, None, 71.2, 0.4, False),
    ("1", "Zephyrine-7B", "GSM8K", None, None, 65.3, None, False),
    ("1", "Zephyrine-7B", "HumanEval", None, None, 48.2, None, True),
    ("1", "Zephyrine-7B", "ARC-C", None, None, 83.2, None, False),
    ("1", "Zephyrine-13B", "MMLU", None, None, 74.8, 0.3, False),
    ("1", "Zephyrine-13B", "GSM8K", None, None, 70.1, None, False),
    ("1", "Zephyrine-13B", "HumanEval", None, None, 55.0, None, True),
    ("1", "Llama-2-13B", "MMLU", None, None, 54.8, None, False),
    ("1", "Llama-2-13B", "GSM8K", None, None, 28.7, None, False),
    ("1", "Llama-2-13B", "HumanEval", None, None, 18.3, None, False),
    ("1", "Quokka", "MMLU", None, None, 62.5, 0.6, False),
    ("1", "Quokka", "GSM8K", None, None, 52.2, None, False),
    ("1", "Quokka", "HumanEval", None, None, 30.5, None, False),
    ("1", "Quokka", "ARC-C", None, None, 78.5, None, False),
    ("2", "Zephyrine-7B-Base", "MMLU", "0-shot", None, 68.0, None, False),
    ("2", "Zephyrine-7B-Base", "MMLU", "5-shot", None, 71.2, None, False),
    ("2", "Llama-2-13B", "MMLU", "0-shot", None, 50.1, None, False),
    ("2", "Zephyrine-7B-Base", "TriviaQA", "0-shot", None, 60.5, None, False),
    ("2", "Zephyrine-7B-Base", "TriviaQA", "5-shot", None, 64.9, None, False),
    ("2", "Llama-2-13B", "TriviaQA", "5-shot", None, 73.0, None, False),
    ("3", "Zephyrine-7B", "GSM8K", None, "Math", 65.3, None, True),
    ("3", "Zephyrine-7B", "MATH", None, "Math", 30.2, None, False),
    ("3", "Zephyrine-7B", "HumanEval", None, "Code", 48.2, 1.1, False),
    ("3", "Zephyrine-13B", "GSM8K", None, "Math", 70.1, None, False),
    ("3", "Zephyrine-13B", "MATH", None, "Math", 35.6, None, True),
    ("3", "Zephyrine-13B", "HumanEval", None, "Code", 55.0, None, False),
    ("3", "Zephyrine-13B", "MBPP", None, "Code", 61.4, None, False),
    ("4", "Zephyrine-7B", "ZetaQA", None, None, 41.0, None, False),
    ("4", "Zephyrine-MoE-A2B", "ZetaQA", None, None, 39.5, None, False),
    ("5", "Zephyrine-7B", "IFEval", "strict", None, 60.1, None, False),
    ("5", "Zephyrine-7B", "IFEval", "loose", None, 66.4, None, False),
    ("5", "Zephyrine-7B", "RULER", "32k", None, 88.0, None, False),
    ("5", "Zephyrine-7B", "RULER", "128k", None, 71.5, None, False),
    ("5", "Zephyrine-13B", "IFEval", "strict", None, 63.9, None, False),
    ("5", "Zephyrine-13B", "IFEval", "loose", None, 70.2, None, False),
    ("5", "Zephyrine-13B", "RULER", "32k", None, 90.3, None, False),
    ("5", "Zephyrine-13B", "RULER", "128k", None, 75.0, None, False),
    ("6", "Zephyrine-7B", "MMLU", None, "Dense models", 70.0, None, False),
    ("6", "Zephyrine-7B", "GSM8K", None, "Dense models", 66.0, None, False),
    ("6", "Zephyrine-13B", "MMLU", None, "Dense models", 73.5, None, False),
    ("6", "Zephyrine-13B", "GSM8K", None, "Dense models", 71.0, None, False),
    ("6", "Zephyrine-MoE-A2B", "MMLU", None, "Mixture of experts", 68.2, None, False),
    ("6", "Zephyrine-MoE-A2B", "GSM8K", None, "Mixture of experts", 60.1, 1.2, False),
    ("7", "Zephyrine-7B", "BBH", None, None, 61.0, None, False),
    ("7", "Zephyrine-7B", "DROP", None, None, 55.5, None, False),
    ("7", "Zephyrine-13B", "BBH", None, None, 66.1, None, False),
    ("7", "Zephyrine-13B", "DROP", None, None, 58.0, None, False),
    ("8", "Zephyrine-7B", "MMLU", "5-shot", None, 60.1, None, False),
    ("8", "Zephyrine-13B", "MMLU", "5-shot", None, 65.2, None, False),
    ("8", "Zephyrine-7B", "TriviaQA", "0-shot", None, 70.0, None, False),
    ("8", "Zephyrine-13B", "TriviaQA", "0-shot", None, 71.5, None, False),
    (None, "Zephyrine-13B", "SWE-bench Verified", None, None, 64.2, None, False),
}
MARKDOWN_FACTS = {
    ("4", "Zephyrine-7B", "architecture", None, "Dense"),
    ("4", "Zephyrine-7B", "context_length", 32.0, "32K"),
    ("4", "Zephyrine-MoE-A2B", "architecture", None, "MoE"),
    ("4", "Zephyrine-MoE-A2B", "experts_active", 2.0, "2 / 16"),
    ("4", "Zephyrine-MoE-A2B", "experts_total", 16.0, "2 / 16"),
    ("4", "Zephyrine-MoE-A2B", "context_length", 128.0, "128K"),
    (None, "Zephyrine-7B", "relative_score", 96.3, "96.3% of GPT-4 on MMLU"),
}
HTML_ROWS = {
    ("1", "Zephyrine-7B", "BBH", None, "Reasoning", 71.2, 0.4, True),
    ("1", "Zephyrine-7B", "ARC-C", None, "Reasoning", 65.3, None, False),
    ("1", "Zephyrine-7B", "MMLU", None, "Knowledge", 83.2, None, False),
    ("1", "Zephyrine-13B", "BBH", None, "Reasoning", 74.8, 0.3, False),
    ("1", "Zephyrine-13B", "ARC-C", None, "Reasoning", 70.1, None, False),
    ("1", "Zephyrine-13B", "MMLU", None, "Knowledge", 55.0, None, False),
    ("2", "Zephyrine-7B", "MMLU", "0-shot", "Knowledge", 68.0, None, False),
    ("2", "Zephyrine-7B", "MMLU", "5-shot", "Knowledge", 71.2, None, False),
    ("2", "Llama-2-13B", "MMLU", "0-shot", "Knowledge", 50.1, None, False),
    ("2", "Llama-2-13B", "MMLU", "5-shot", "Knowledge", 54.8, None, False),
    ("2", "Zephyrine-7B", "TriviaQA", "0-shot", "Knowledge", 60.5, None, False),
    ("2", "Zephyrine-7B", "TriviaQA", "5-shot", "Knowledge", 64.9, None, False),
    ("2", "Llama-2-13B", "TriviaQA", "5-shot", "Knowledge", 73.0, None, False),
    ("2", "Zephyrine-7B", "GSM8K", "0-shot", "Math", 30.2, None, False),
    ("2", "Zephyrine-7B", "GSM8K", "5-shot", "Math", 35.6, None, True),
    ("2", "Llama-2-13B", "GSM8K", "5-shot", "Math", 28.7, None, False),
    (None, "Zephyrine-13B", "HellaSwag", None, None, 81.0, None, False),
}


@pytest.fixture(scope="module")
def variants_db(tmp_path_factory) -> Path:
    papers = tmp_path_factory.mktemp("variants")
    for name in ("variants-report.md", "variants-report.html"):       # two stems: paper ids must differ
        shutil.copy(FIXTURES / name, papers / name.replace("report.", "report-" + name.split(".")[-1] + "."))
    db = papers.parent / "variants.duckdb"
    build(papers, db)
    return db


def rows(db: Path, paper: str) -> tuple[set, set, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        scores = con.execute("SELECT table_no, model_id, benchmark_id, setting, grp, value, spread, is_bold, "
                             "source_kind, raw_cell, caption FROM scores WHERE paper_id = ?", [paper]).fetchall()
        facts = set(con.execute("SELECT table_no, model_id, attribute, value, value_text FROM facts "
                                "WHERE paper_id = ?", [paper]).fetchall())
    finally:
        con.close()
    return {r[:8] for r in scores}, facts, scores


def test_markdown_and_tsv_variants_read_cell_for_cell(variants_db):
    got, facts, raw = rows(variants_db, "variants-report-md")
    assert got == MARKDOWN_ROWS
    assert len(raw) == len(MARKDOWN_ROWS)              # nothing stored twice
    assert facts == MARKDOWN_FACTS


def test_html_variants_read_cell_for_cell(variants_db):
    got, facts, raw = rows(variants_db, "variants-report-html")
    assert got == HTML_ROWS and len(raw) == len(HTML_ROWS)
    assert facts == set()


def test_a_metric_column_is_the_metric(variants_db):
    con = duckdb.connect(str(variants_db), read_only=True)
    try:
        got = con.execute("SELECT DISTINCT benchmark_id, metric FROM scores WHERE paper_id = 'variants-report-md' "
                          "AND table_no = '8' ORDER BY 1").fetchall()
    finally:
        con.close()
    assert got == [("MMLU", "Acc."), ("TriviaQA", "EM")]


def test_raw_cells_are_kept_as_printed_and_text_scores_quote_their_sentence(variants_db):
    _, _, raw = rows(variants_db, "variants-report-md")
    by_key = {(r[0], r[1], r[2], r[3]): r for r in raw}
    assert by_key[("1", "Zephyrine-7B", "MMLU", None)][9] == "71.2 ± 0.4"
    assert by_key[("1", "Zephyrine-7B", "ARC-C", None)][9] == "$8 3 . 2$"
    assert by_key[("1", "Llama-2-13B", "HumanEval", None)][9] == "18.3^a"
    text = by_key[(None, "Zephyrine-13B", "SWE-bench Verified", None)]
    assert text[8] == "text" and text[9] == "Zephyrine-13B scores 64.2% on SWE-bench Verified."
    assert {r[8] for r in raw if r[0] is not None} == {"table"}


def test_captions_before_after_and_from_the_mentioning_paragraph(variants_db):
    con = duckdb.connect(str(variants_db), read_only=True)
    try:
        caps = dict(con.execute("SELECT table_no, caption FROM tables WHERE paper_id = 'variants-report-md'").fetchall())
    finally:
        con.close()
    assert caps["1"].startswith("Main results.") and caps["2"].startswith("Few-shot evaluation")
    assert caps["3"].startswith("Results grouped by domain") and caps["4"].startswith("Architecture and one")
    assert caps["5"].startswith("Table 5 shows instruction following")


@pytest.mark.parametrize("raw, text, bold, spread", [
    ("71.2 ± 0.4", "71.2", False, 0.4), ("74.8±0.3", "74.8", False, 0.3), ("71.2 (±0.4)", "71.2", False, 0.4),
    ("$83.2 \\pm 0.4$", "83.2", False, 0.4), ("65.3†", "65.3", False, None), ("65.3‡", "65.3", False, None),
    ("65.3*", "65.3", False, None), ("65.3§", "65.3", False, None), ("65.3¹", "65.3", False, None),
    ("65.3^a", "65.3", False, None), ("65.3<sup>b</sup>", "65.3", False, None), ("$8 3 . 2$", "83.2", False, None),
    ("$83.2$", "83.2", False, None), ("\\textbf{83.2}", "83.2", True, None), ("**83.2**", "83.2", True, None),
    ("<b>83.2</b>", "83.2", True, None), ("<u>83.2</u>", "83.2", False, None), ("\\underline{83.2}", "83.2", False, None),
    ("_83.2_", "83.2", False, None), ("*83.2*", "83.2", False, None), ("$7 0 . 1 \\%$", "70.1%", False, None),
    ("83.2 %", "83.2 %", False, None), ("61.0 (+2.5)", "61.0", False, None), ("55.5↑", "55.5", False, None), ("GPT-4†", "GPT-4", False, None), ("**Model**", "Model", True, None),
    ("C#", "C#", False, None), ("Foo-<br>4.5", "Foo-4.5", False, None), ("Bar<br/>Large 4", "Bar Large 4", False, None), ("$^\\dagger$65.3", "65.3", False, None), ("38.77 / 66.32", "38.77 / 66.32", False, None),
])
def test_cell_decorations(raw, text, bold, spread):
    c = read_cell(raw)
    assert (c.text, c.bold, c.spread) == (text, bold, spread)


def test_setting_words_have_one_normal_form_for_headers_and_questions():
    assert normalize("0-shot") == normalize("zero-shot") == normalize("0 shot") == normalize("Zero Shot") == "0-shot"
    assert normalize("five-shot") == "5-shot" and normalize("w/o CoT") == "without CoT"
    assert normalize("Chain-of-Thought") == "CoT" and normalize("128K") == "128k"
    assert normalize("Prompt-level strict") == "strict prompt-level"
    assert qualifiers_in("What is X's zero-shot MMLU with chain of thought?") == ["0-shot", "CoT"]
    assert qualifiers_in("five shot GSM8K, loose instruction-level") == ["5-shot", "loose instruction-level"]
    assert is_qualifier("5-shot, CoT") and not is_qualifier("Math") and not is_qualifier("GSM8K")


def parse(tmp_path, text: str, name: str = "paper.md", **kw):
    p = tmp_path / name
    p.write_text(text)
    return parse_paper(p, **kw).paper


def test_paper_kind_and_precedence_from_front_matter_arguments_or_rule(tmp_path):
    table = "\n\n| Model | MMLU |\n|---|---|\n| Alpha-7B | 50.0 |\n"
    p = parse(tmp_path, "---\ntitle: Alpha notes\nkind: Blog\nprecedence: 4\n---\n# A" + table, "alpha.md")
    assert (p["title"], p["kind"], p["precedence"]) == ("Alpha notes", "blog", 4)
    assert parse(tmp_path, "# A" + table, kind="blog")["kind"] == "blog"
    assert parse(tmp_path, "---\ntitle: A\nkind: report\n---\n# A" + table, kind="blog", precedence=5)[
        "precedence"] == 5
    assert parse(tmp_path, "# A report" + table)["kind"] == "report"
    p = parse(tmp_path, "# A\n\nIn case of any discrepancy, the results in the paper should take precedence." + table)
    assert p["kind"] == "blog" and p["precedence"] == 2 and p["precedence_note"].startswith("In case of any")
    p = parse(tmp_path, "# A\n\nThese results take precedence over earlier numbers." + table)
    assert p["kind"] == "report" and p["precedence"] == 1
    claims = "# S\n\n| Claim | Verified | Confidence |\n|---|---|---|\n| X is good | ✓ | 0.5 |\n"
    assert parse(tmp_path, claims)["kind"] == "synthesis"
    assert parse(tmp_path, "---\ntitle: Post\ndate: 2024-06-07\n---\n# Post" + table)["kind"] == "blog"
    assert parse(tmp_path, "\n---\n\n# Heading between rules\n\n---\n" + table)["kind"] == "report"
    ruled = parse_paper(tmp_path / "ruled.md", "---\nNote: a draft, between two rules\n---\n# R" + table)
    assert ruled.paper["kind"] == "report" and "a draft" in " ".join(p["text"] for p in ruled.passages)


def test_builds_are_bounded(tmp_path):
    line = " ".join(["the model reaches on takes"] * 1700)           # a 40 KB line with no period
    assert parse(tmp_path, "# A\n\n" + line + "\n")["precedence"] == 1
    words = " ".join(["MMLU GSM8K model results the"] * 1400)      # 40 KB where names are looked up
    table = "| Model | MMLU |\n|---|---|\n| Alpha-7B | 50.0 |\n"
    for text in ("| Model | " + words + " |\n|---|---|\n| Alpha-7B | 50.0 |\n", "Table 1 shows " * 3000 + "\n\n" + table,
                 table + "\nNote: " + words + "\n", "Table 1: " + words + "\n\n" + table):
        parse(tmp_path, "# A\n\n" + text)
    with pytest.raises(IngestError, match="nested more than"):
        parse(tmp_path, "# A\n\n" + "<table>\n" * 50 + "</table>\n" * 50)
    with pytest.raises(IngestError, match="more than 50,000 cells"):
        parse(tmp_path, "# A\n\n<table>" + '<tr><td rowspan="500" colspan="100">1</td></tr>' * 3 + "</table>\n")
    from index import document
    big = tmp_path / "big.md"
    big.write_text("# Big\n\n" + "x" * (document.MAX_PAPER_CHARS + 1))
    with pytest.raises(IngestError, match="too large"):
        parse_paper(big)


def test_scores_in_sentences_only_for_names_the_vocabulary_parses():
    from index.prose import scores_in_text
    sentences = ["Zephyrine-7B achieves 64.2% accuracy on MMLU.",
                 "Zephyrine-7B scores 5.2 points higher than Llama-2-13B on GSM8K.",
                 "Zephyrine-7B scores 61.0% on HumanEval, while Llama-2-13B scores 50.1% on HumanEval.",
                 "In 2024, Zephyrine-13B reached 71.0 on BBH and 55.0 on MATH.",
                 "Quokka scores 12.0 on MMLU, and Zephyrine-13B scores 40.0 on WidgetBench.",
                 "Zephyrine-13B achieves 96.3% of GPT-4's performance on GSM8K."]
    rec = scores_in_text([{"text": s, "page": None, "section": "Results"} for s in sentences], "p", [])
    assert {(s["model_id"], s["benchmark_id"], s["value"]) for s in rec.scores} == {
        ("Zephyrine-7B", "MMLU", 64.2), ("Zephyrine-7B", "HumanEval", 61.0), ("Llama-2-13B", "HumanEval", 50.1),
        ("Zephyrine-13B", "BBH", 71.0), ("Zephyrine-13B", "MATH", 55.0)}
    assert all(s["source_kind"] == "text" and s["raw_cell"] in sentences for s in rec.scores)
    assert [(f["model_id"], f["attribute"], f["value"], f["row_header"], f["col_header"]) for f in rec.facts] == [
        ("Zephyrine-13B", "relative_score", 96.3, "GPT-4", "GSM8K")]


def test_a_sentence_naming_the_papers_own_benchmark_is_a_text_score(tmp_path):
    """A benchmark no list knows is still a benchmark in the paper that prints it in a table."""
    text = ("# Quill report\n\n## Results\n\n**Table 1: Results.**\n\n| Model | ZorpBench |\n|---|---|\n"
            "| Quill-7B | 61.0 |\n| Quill-13B | 66.5 |\n\n"
            "A larger model, Quill-34B, scores 70.5% on ZorpBench.\n")
    rec = parse_paper(tmp_path / "quill-report.md", text)
    said = [(s["model_id"], s["benchmark_id"], s["value"]) for r in rec.records for s in r.scores
            if s.get("source_kind") == "text"]
    assert said == [("Quill-34B", "ZorpBench", 70.5)]
