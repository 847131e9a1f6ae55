"""One table printed in several text styles (markdown with a group header row over the names, HTML with colspan
group headers and a rowspan group column) reads to the same score rows through the real build."""
from __future__ import annotations

import duckdb
import pytest

from index.build import build

MAIN = {"Harrier-7B": (48.3, 31.2, 62.0, 55.4), "Quail-3B": (52.0, 33.9, 60.1, 57.2)}
BENCHES = (("GlyphQA", "Reasoning"), ("ChainMath", "Reasoning"), ("AtlasQA", "Knowledge"), ("LoreBench", "Knowledge"))
DOMAINS = {("Science", "OrbitQA"): (52.4, 58.0), ("Science", "CellBench"): (47.1, 51.6),
           ("Finance", "LedgerQA"): (61.5, 64.9), ("Finance", "TaxEval"): (44.3, 49.7)}

WANT = {(m, b, g, "1", v) for m, vals in MAIN.items() for (b, g), v in zip(BENCHES, vals)} | {
    (m, b, g, "2", v) for (g, b), vals in DOMAINS.items() for m, v in zip(("Harrier-7B", "Quail-3B"), vals)}

MARKDOWN = """# Quail: a small model

## Results

Table 1: Main results of small models.

| | Reasoning | | Knowledge | |
|---|---|---|---|---|
| Model | GlyphQA | ChainMath | AtlasQA | LoreBench |
| Harrier-7B | 48.3 | 31.2 | 62.0 | 55.4 |
| Quail-3B | **52.0** | **33.9** | 60.1 | 57.2 |

Table 2: Results by domain.

| Domain | Suite | Harrier-7B | Quail-3B |
|---|---|---|---|
| Science | OrbitQA | 52.4 | 58.0 |
| | CellBench | 47.1 | 51.6 |
| Finance | LedgerQA | 61.5 | 64.9 |
| | TaxEval | 44.3 | 49.7 |
"""

HTML = """<html><body><h1>Quail: a small model</h1>
<h2>Results</h2>
<table><caption>Table 1: Main results of small models.</caption>
<tr><th rowspan="2">Model</th><th colspan="2">Reasoning</th><th colspan="2">Knowledge</th></tr>
<tr><th>GlyphQA</th><th>ChainMath</th><th>AtlasQA</th><th>LoreBench</th></tr>
<tr><td>Harrier-7B</td><td>48.3</td><td>31.2</td><td>62.0</td><td>55.4</td></tr>
<tr><td>Quail-3B</td><td><b>52.0</b></td><td><b>33.9</b></td><td>60.1</td><td>57.2</td></tr>
</table>
<table><caption>Table 2: Results by domain.</caption>
<tr><th>Domain</th><th>Suite</th><th>Harrier-7B</th><th>Quail-3B</th></tr>
<tr><td rowspan="2">Science</td><td>OrbitQA</td><td>52.4</td><td>58.0</td></tr>
<tr><td>CellBench</td><td>47.1</td><td>51.6</td></tr>
<tr><td rowspan="2">Finance</td><td>LedgerQA</td><td>61.5</td><td>64.9</td></tr>
<tr><td>TaxEval</td><td>44.3</td><td>49.7</td></tr>
</table>
</body></html>
"""


@pytest.mark.parametrize("name,text", [("quail.md", MARKDOWN), ("quail.html", HTML)])
def test_group_headers_read_the_same_in_markdown_and_html(tmp_path, name, text):
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / name).write_text(text)
    build(papers, tmp_path / "scores.duckdb")
    with duckdb.connect(str(tmp_path / "scores.duckdb"), read_only=True) as con:
        got = set(con.execute("SELECT model_id, benchmark_id, grp, table_no, value FROM scores "
                              "WHERE source_kind = 'table'").fetchall())
        bold = set(con.execute("SELECT model_id, benchmark_id FROM scores WHERE is_bold").fetchall())
    assert got == WANT
    assert bold == {("Quail-3B", "GlyphQA"), ("Quail-3B", "ChainMath")}


METRICS_MD = """# Grebe-2

Table 1: Reading comprehension.

<table><tr><th rowspan="2">Model</th><th colspan="2">PondRead</th><th colspan="2">LakeQA</th></tr>
<tr><th>EM</th><th>F1</th><th>EM</th><th>F1</th></tr>
<tr><td>Grebe-2-1B</td><td>51.2</td><td>63.0</td><td>44.7</td><td>58.1</td></tr>
<tr><td>Coot-2B</td><td>49.0</td><td>60.6</td><td>41.9</td><td>55.2</td></tr></table>

Table 2: Single scores reported by other groups.

| Model | Benchmark | Accuracy |
|---|---|---|
| Coot-2B | PondRead | 47.5 |
| Moorhen-7B | BrookSum | 40.9 |
"""


def test_metric_levels_and_long_form_tables(tmp_path):
    """'EM | F1' under each benchmark are metrics, not benchmarks; 'Model | Benchmark | Accuracy' rows name their
    benchmark in a column, and the value column's header is the metric."""
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "grebe.md").write_text(METRICS_MD)
    build(papers, tmp_path / "scores.duckdb")
    with duckdb.connect(str(tmp_path / "scores.duckdb"), read_only=True) as con:
        got = set(con.execute("SELECT model_id, benchmark_id, metric, value FROM scores").fetchall())
    assert got == {("Grebe-2-1B", "PondRead", "EM", 51.2), ("Grebe-2-1B", "PondRead", "F1", 63.0),
                   ("Grebe-2-1B", "LakeQA", "EM", 44.7), ("Grebe-2-1B", "LakeQA", "F1", 58.1),
                   ("Coot-2B", "PondRead", "EM", 49.0), ("Coot-2B", "PondRead", "F1", 60.6),
                   ("Coot-2B", "LakeQA", "EM", 41.9), ("Coot-2B", "LakeQA", "F1", 55.2),
                   ("Coot-2B", "PondRead", "Accuracy", 47.5), ("Moorhen-7B", "BrookSum", "Accuracy", 40.9)}


@pytest.mark.parametrize("para,number", [
    ("Table 4 shows the accuracy at three context lengths. It drops at 32K.", "4"),
    ("As Table 4 shows, the accuracy drops at long context lengths.", "4"),
    ("The ablations are in Table 4 below.", None),           # points on: not this table's caption
    ("Unlike the results in Table 2, these are zero-shot.", None),   # Table 2 has a caption line of its own
])
def test_caption_from_the_paragraph_after_an_uncaptioned_table(para, number):
    from pathlib import Path

    from index.document import parse_document
    md = (f"# Paper\n\nSome introduction.\n\n| Model | 8K | 32K |\n|---|---|---|\n| Foo-7B | 61.0 | 52.0 |\n\n{para}\n\n"
          "Table 2: Other results.\n\n| Model | BarQA |\n|---|---|\n| Foo-7B | 3.0 |\n")
    first = parse_document(Path("paper.md"), md).tables[0]
    assert first.table_no == number
    assert (first.caption == para.split(". ")[0].rstrip(".") + ".") if number else first.caption is None


QUIRKS_HTML = """<html><body><h1>Quail report</h1>
<p>Table 1: Results.</p>
<table>
<thead><tr><td><b>Model</b></td><td><b>GlyphQA</b></td><td><b>ChainMath</b><sup>†</sup></td></tr></thead>
<tbody>
<tr><td>Harrier-7B<sup>[3]</sup></td><td>48.3</td><td>31.2</td></tr>
<tr><td>Quail-3B (ours)</td><td><strong>52.0</strong></td><td>33.9 &plusmn; 0.4</td></tr>
</tbody></table>
<p>† Evaluated with chain-of-thought.</p>
<table>
<tr><th>Benchmark</th><th>Harrier-7B</th><th>Quail-3B</th></tr>
<tr><td colspan="3"><i>Knowledge</i></td></tr>
<tr><td>AtlasQA</td><td>62.0</td><td>60.1</td></tr>
<tr><td colspan="3"><i>Code</i></td></tr>
<tr><td>PyTasks</td><td>40.2</td><td>41.0</td></tr>
</table>
<p>Table 2 compares the two models per benchmark.</p>
</body></html>
"""


def test_html_bold_td_headers_cited_names_and_group_rows(tmp_path):
    """Headers as bold <td>s, a <sup>[3]</sup> citation after a name, '(ours)', '± 0.4', colspan group rows between
    benchmark rows, and a caption only in the sentence after the table."""
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "quail.html").write_text(QUIRKS_HTML)
    build(papers, tmp_path / "scores.duckdb")
    with duckdb.connect(str(tmp_path / "scores.duckdb"), read_only=True) as con:
        got = set(con.execute("SELECT model_id, benchmark_id, grp, table_no, value, spread FROM scores").fetchall())
    assert got == {("Harrier-7B", "GlyphQA", None, "1", 48.3, None), ("Harrier-7B", "ChainMath", None, "1", 31.2, None),
                   ("Quail-3B", "GlyphQA", None, "1", 52.0, None), ("Quail-3B", "ChainMath", None, "1", 33.9, 0.4),
                   ("Harrier-7B", "AtlasQA", "Knowledge", "2", 62.0, None),
                   ("Quail-3B", "AtlasQA", "Knowledge", "2", 60.1, None),
                   ("Harrier-7B", "PyTasks", "Code", "2", 40.2, None), ("Quail-3B", "PyTasks", "Code", "2", 41.0, None)}


GROUP_ROWS_MD = """# Quail

Table 1: Each group label repeated over its columns.

| | Reasoning | Reasoning | Knowledge | Knowledge |
|---|---|---|---|---|
| Model | GlyphQA | ChainMath | AtlasQA | LoreBench |
| Harrier-7B | 48.3 | 31.2 | 62.0 | 55.4 |
| Quail-3B | 52.0 | 33.9 | 60.1 | 57.2 |

Table 2: Two header rows over the rule.

| | Reasoning | | Knowledge | |
| Model | GlyphQA | ChainMath | AtlasQA | LoreBench |
|---|---|---|---|---|
| Harrier-7B | 48.3 | 31.2 | 62.0 | 55.4 |
| Quail-3B | 52.0 | 33.9 | 60.1 | 57.2 |
"""


def test_markdown_group_rows_repeated_or_above_the_rule(tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "quail.md").write_text(GROUP_ROWS_MD)
    build(papers, tmp_path / "scores.duckdb")
    with duckdb.connect(str(tmp_path / "scores.duckdb"), read_only=True) as con:
        got = set(con.execute("SELECT model_id, benchmark_id, grp, table_no, value FROM scores").fetchall())
    want = {(m, b, g, no, v) for no in ("1", "2") for m, vals in MAIN.items() for (b, g), v in zip(BENCHES, vals)}
    assert got == want


@pytest.mark.parametrize("corner", ["Rank", "#", ""])
def test_a_rank_column_numbers_rows_and_is_not_a_score(tmp_path, corner):
    md = (f"# Leaderboard\n\nTable 1: Leaderboard.\n\n| {corner} | Model | GlyphQA | ChainMath |\n|---|---|---|---|\n"
          "| 1 | Quail-3B | 52.0 | 33.9 |\n| 2 | Harrier-7B | 48.3 | 31.2 |\n| 3 | Snipe-1B | 40.1 | 20.5 |\n")
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "board.md").write_text(md)
    build(papers, tmp_path / "scores.duckdb")
    with duckdb.connect(str(tmp_path / "scores.duckdb"), read_only=True) as con:
        got = set(con.execute("SELECT model_id, benchmark_id, grp, value FROM scores").fetchall())
    assert got == {("Quail-3B", "GlyphQA", None, 52.0), ("Quail-3B", "ChainMath", None, 33.9),
                   ("Harrier-7B", "GlyphQA", None, 48.3), ("Harrier-7B", "ChainMath", None, 31.2),
                   ("Snipe-1B", "GlyphQA", None, 40.1), ("Snipe-1B", "ChainMath", None, 20.5)}


def test_markdown_table_continued_under_its_own_mark():
    """'Table 3 (continued)' over a second table (as a PDF converted to markdown prints it): the rest of Table 3,
    with its number and caption, even in another section; a sentence 'Table 4 continued ...' is no such mark."""
    from pathlib import Path

    from index.document import parse_document
    md = ("# P\n\n## Results\n\nTable 3: Main results.\n\n| Model | A | B |\n|---|---|---|\n| Foo-7B | 1.0 | 2.0 |\n\n"
          "## Appendix\n\nTable 3 (continued)\n\n| Model | A | B |\n|---|---|---|\n| Bar-7B | 3.0 | 4.0 |\n\n"
          "Table 4 continued the trend, as we discuss here.\n\n| Model | A |\n|---|---|\n| Baz-7B | 5.0 |\n")
    got = [(t.table_no, t.caption) for t in parse_document(Path("p.md"), md).tables]
    assert got[:2] == [("3", "Main results."), ("3", "Main results.")] and got[2][0] == "4"
