"""Reports printed to PDF from web pages and word-processor-style documents (Chromium's print, not LaTeX), one
table style per fixture; each must read to exactly the cells printed, through the real build. The .html beside each
PDF is its source.

- wren-word: a Word-like table (shaded header row in white type, zebra rows, no vertical lines), benchmarks as rows
  and models as columns, model names wrapped over two or three lines, a label wrapped around its centred values,
  right-aligned '71.2 (±0.4)', '65.3*', '%' cells, 'n/a' and '—' (no score), bold best and underlined second best,
  the caption below the table.
- gannet-long-thead / gannet-long-plain: a 55-row table over a page break, its header repeated on the next page
  (thead) or not, with the browser's date, address and page count printed in the margins.
- heron-side: two tables side by side (a flex row), each with its caption below, model names wrapped in a narrow
  first column whose gap to the first value is narrower than a column gap usually is.
- heron-groups: a Google-Docs-style grid with a shaded header, benchmarks grouped under spanning headers and
  models under shaded full-width group rows; a numbered list under the table.
- plover-blog: a blog post printed from the browser (its title in the page header), a GitHub-style bordered table
  with zebra rows, benchmarks with their metric or shots as rows, '70.9 ± 0.3', '79.9†' and '—' cells.
- plover-tight: a table at 8pt with 3px of padding (columns closer than a word gap is wide), two label columns
  (model, decoding), column names on two lines ('GSM8K' / 'accuracy') set at the bottom.
- curlew-docs: a Google-Docs-style grid (every cell bordered, text at the top of its cell), a category column whose
  cells span blocks of rows (no rule crosses them), a benchmark name wrapped over three lines beside a category
  wrapped over three, model names over three lines, '1,104'.
- godwit-settings: settings under spanning benchmark names ('MMLU' over '0-shot' and '5-shot'), a column name
  ('IFEval') and the corner ('Model') set across both header levels, a model name over five lines centred on
  its values, superscript marks ('64.9ᵃ'), the caption below (HTML caption-side), a '−' cell.
- sandpiper-code: a how-to note with a shaded code block of harness output and a shaded callout holding numbers
  (neither is a table), a title wrapped onto a second line, and a small table with a dark header.
- tern-zebra: a dashboard export with no borders at all, only a dark header and every other row shaded, so the
  last row (unshaded) has no edge under it; '66.2%' cells.
- avocet-ar5iv: a paper read as a web page (arXiv's HTML view) and printed: booktabs-like borders, MathML
  '58.4 ± 0.6' cells, a size column ('2B'), a footnote mark as <sup> after a model name, lines 1.4 apart.
- stilt-sheet: a spreadsheet export: a shaded title row spanning the table above the row of names, thin grid
  lines, bold names set as plain cells, empty cells for no score, an 'Average' row, no caption.
- ibis-sizes: a blog table with one rule, under its header, and no caption: the family name ('Ibis-2') alone on
  the row above its sizes ('7B', '13B', '70B'), centred over them with no rule of its own; lines 1.5 apart.
- kite-sidebar: a documentation page printed with its navigation strip down the left edge (short links beside
  the running text), two tables of models named 'Kite Nano', 'Kite Pro' under a rule-per-row style.
- pipit-left: a memo whose table sets everything flush left, the model names too, each over the two settings
  (SFT, DPO) it spans, with no rule under them.
- finch-plain: a blog note with a table in the browser's default style (no rule, no caption, no padding to
  speak of: the bold header row is one run), a 'Delta' column of '+8.5' differences, a title over two lines
  whose first ends 'vs.'.
- gannet-word-long: the 55-row table again in a Word look (blue header repeated on the next page, zebra rows, no
  rule at all), over a page break.
- kite-right: the same page with its navigation ('On this page') down the right edge instead.
- egret-notes: an HTML <caption> above the table and a <tfoot> note row under its last rule, '79.2*'.
- shrike-meta: a model card's table with a 'Metric' and a 'Shots' column beside the benchmark ('5' is how the
  row was measured, not a score).
- wren-landscape: a landscape page with a 15-benchmark table at 8pt, model names wrapped over two lines with the
  values centred between them, wrapped column names ('MMLU-' 'Pro'), a numbered list and a figure caption nearby.
"""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from assistant import Assistant
from assistant.settings import Settings
from index.build import build
from tests.checks import assert_numbers
from tests.conftest import raw_copy

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "printed"


def grid(models: list[str], benches: list[str], rows: list[list[float | None]], by_bench: bool) -> set:
    """(model, benchmark, value) for every printed score; `rows` follow the printed rows (None: no score)."""
    out = set()
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                m, b = (models[j], benches[i]) if by_bench else (models[i], benches[j])
                out.add((m, b, v, None))
    return out


WORD = grid(["Wren-7B-Instruct (ours)", "Osprey-7B Chat Preview", "Finch-8B-Instruct v2", "Plover-7B Instruct Release"],
            ["MMLU", "GSM8K", "HumanEval", "ARC-Challenge", "TruthfulQA"],
            [[71.2, 68.0, 69.5, 64.3], [82.6, 65.3, 79.1, None], [61.0, 55.5, 63.4, None], [88.9, 84.2, 85.0, 86.1],
             [57.7, 59.8, 52.4, 49.9]], by_bench=True)
WIDE_BENCHES = ["MMLU", "MMLU-Pro", "GPQA", "BBH", "GSM8K", "MATH", "HumanEval", "MBPP", "ARC-C", "HellaSwag",
                "WinoGrande", "TriviaQA", "NQ", "DROP", "IFEval"]
LANDSCAPE = grid(["Sparrow-3-9B", "Sparrow-3-27B", "Thrush-12B", "Thrush-30B"], WIDE_BENCHES, [
    [72.1, 45.3, 31.2, 68.8, 84.0, 47.5, 66.5, 62.1, 90.2, 83.4, 78.9, 70.6, 33.1, 71.0, 79.4],
    [79.8, 55.0, 38.6, 77.2, 90.5, 58.3, 74.4, 70.0, 93.8, 87.1, 83.0, 78.2, 40.5, 78.8, 84.6],
    [70.4, 42.7, 29.9, 66.0, 80.3, 44.1, 63.2, 60.5, 88.7, 82.0, 77.1, 69.3, 31.8, 69.5, 75.2],
    [77.6, 52.9, 36.0, 75.5, 88.8, 55.6, 71.3, 68.4, 92.6, 86.0, 82.2, 76.9, 39.0, 77.3, 81.9]], by_bench=False)


class Cells(HTMLParser):
    """The rows of a simple HTML table (one header row, labels in the first column), as printed."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def from_html(name: str) -> set:
    """The scores of a fixture's one simple table, read from its HTML source."""
    p = Cells()
    p.feed((FIXTURES / f"{name}.html").read_text(encoding="utf-8"))
    head, *rows = p.rows
    return {(head[j], r[0], float(re.match(r"[\d.]+", v).group()), None)
            for r in rows for j, v in enumerate(r) if j and re.match(r"\d", v)}


SIDE = grid(["Heron-2-14B", "Heron-1-14B", "Egret-13B"], ["XNLI", "MGSM", "FLORES", "RULER", "LongBench", "NIAH"],
            [[71.5, 58.2, 33.9, 82.4, 47.3, 99.1], [66.0, 41.7, 30.2, 61.0, 39.8, 92.5],
             [64.8, 45.5, 29.4, 70.2, 42.6, 97.0]], by_bench=False)
HERON_BENCHES = ["GSM8K", "MATH", "HumanEval", "MBPP"]
OPEN = grid(["Heron-2-14B", "Egret-13B"], HERON_BENCHES, [[88.1, 55.4, 72.0, 68.3], [80.6, 44.9, 65.2, 63.0]], False)
CLOSED = grid(["Bittern-Pro", "Bittern-Lite"], HERON_BENCHES, [[92.3, 68.7, 84.1, 76.5], [85.0, 51.2, 70.4, None]],
              False)
GROUPED = {(m, b, v, f"{who} | {'Reasoning' if b in ('GSM8K', 'MATH') else 'Coding'}")
           for who, block in (("Open-weight models", OPEN), ("Proprietary models", CLOSED)) for m, b, v, _ in block}
BLOG = grid(["Plover 3 Small", "Plover 3 Large", "Curlew-34B", "Dunlin-70B"],
            ["MMLU (5-shot)", "GPQA Diamond (0-shot)", "MATH (4-shot)", "HumanEval (pass@1)", "MT-Bench (score)"],
            [[70.9, 81.6, 76.2, 79.9], [33.8, 46.1, 37.4, 41.0], [48.2, 67.3, 50.5, None], [68.9, 83.5, 71.3, 77.4],
             [8.1, 8.9, 8.3, 8.6]], by_bench=True)
TIGHT_BENCHES = ["GSM8K accuracy", "MATH accuracy", "ARC-C accuracy", "BBH accuracy"]
TIGHT = {(m, b, v, how) for m, how, vs in (("Plover-3-S", "greedy", [77.0, 44.1, 85.5, 61.7]),
                                           ("Plover-3-S", "sampled", [79.4, 46.0, 85.1, 62.9]),
                                           ("Plover-3-L", "greedy", [89.2, 63.5, 93.0, 75.3]),
                                           ("Plover-3-L", "sampled", [91.0, 66.8, 92.4, 77.1]))
         for b, v in zip(TIGHT_BENCHES, vs)}
CURLEW_MODELS = ["Curlew-2 Mini (instruction tuned)", "Curlew-2 Max (instruction tuned)", "Godwit Chat"]
CURLEW = {(m, b, v, grp) for grp, b, vs in (
    ("General knowledge and reasoning", "MMLU", [69.0, 84.2, 78.8]),
    ("General knowledge and reasoning", "Big-Bench Hard (3-shot, chain of thought)", [60.3, 81.9, 74.0]),
    ("General knowledge and reasoning", "AGIEval", [47.5, 63.8, 58.1]), ("Math", "GSM8K", [80.1, 94.6, 88.2]),
    ("Math", "MATH", [41.9, 70.3, 55.0]), ("Chat", "Arena Elo", [1104.0, 1251.0, 1187.0]))
    for m, v in zip(CURLEW_MODELS, vs)}
GODWIT = {(m, b, v, how) for m, vs in (("Godwit-3B", [55.1, 58.7, 61.2, 66.0, 70.3]),
                                       ("Whimbrel Large Instruct Preview Edition", [60.4, 64.9, 68.8, 73.5, 72.9]),
                                       ("Knot-7B", [57.3, 61.0, 65.4, 70.2, None]))
          for (b, how), v in zip((("MMLU", "0-shot"), ("MMLU", "5-shot"), ("GSM8K", "greedy"), ("GSM8K", "maj@8"),
                                  ("IFEval", None)), vs) if v is not None}
SANDPIPER = grid(["Sandpiper-7B", "Stint-7B"], ["MMLU", "GSM8K", "HellaSwag"],
                 [[64.8, 62.1], [71.2, 55.9], [80.1, 79.4]], by_bench=True)
TERN = grid(["Tern-1.5-8B", "Tern-1.5-32B", "Tern-1.0-8B", "Skua-9B", "Skua-27B"],
            ["MMLU", "ARC-C", "GSM8K", "HumanEval"],
            [[66.2, 81.0, 74.4, 52.4], [75.9, 89.3, 86.1, 68.9], [61.5, 77.2, 65.0, 45.7], [68.0, 82.4, 71.9, 50.0],
             [74.1, 88.0, 84.7, 63.4]], by_bench=False)
AVOCET = {("Avocet-MoE", b, v, None) for b, v in (("ARC-C", 58.4), ("HellaSwag", 77.9), ("GSM8K", 52.1))} | {
    ("Dense-7B", b, v, None) for b, v in (("ARC-C", 57.0), ("HellaSwag", 78.3), ("GSM8K", 49.8))} | {
    ("Dense-2B", b, v, None) for b, v in (("ARC-C", 44.6), ("HellaSwag", 65.0), ("GSM8K", 30.2))}
STILT = grid(["Stilt-S", "Stilt-M", "Stilt-L", "Avocet-MoE"], ["WinoGrande", "PIQA", "BoolQ", "OpenBookQA"],
             [[70.1, 74.8, 79.6, 73.0], [78.5, 80.2, 82.7, None], [76.0, 81.4, 85.9, 80.3], [42.2, 46.8, 51.0, 47.5]],
             by_bench=True) | {(m, "Average", v, "Stilt model comparison (spreadsheet export)")   # what it averages:
                               for m, v in (("Stilt-S", 66.7), ("Stilt-M", 70.8), ("Stilt-L", 74.8))}  # the heading
IBIS = grid(["Ibis-2 7B", "Ibis-2 13B", "Ibis-2 70B"], ["MMLU", "GSM8K", "HumanEval", "TruthfulQA"],
            [[58.3, 64.0, 77.1], [41.2, 55.8, 80.4], [25.6, 33.5, 51.2], [44.0, 46.9, 53.3]], by_bench=True)
KITE = grid(["Kite Nano", "Kite Mini", "Kite Pro"],
            ["MMLU", "GPQA", "MATH", "GSM8K", "HumanEval", "MBPP", "LiveCodeBench"],
            [[52.0, 24.7, 21.3, 48.8, 40.2, 45.5, 12.0], [68.3, 31.1, 40.2, 75.0, 65.9, 61.3, 25.4],
             [82.9, 48.6, 68.0, 92.1, 87.2, 78.8, 44.1]], by_bench=False)
PIPIT_COLS = (("Pipit-4B", "SFT"), ("Pipit-4B", "DPO"), ("Pipit-12B", "SFT"), ("Pipit-12B", "DPO"))
PIPIT = {(m, b, v, how) for b, vs in (("AlpacaEval 2", [18.2, 24.9, 27.5, 35.0]),
                                      ("Arena-Hard", [12.4, 19.8, 25.1, 33.6]), ("MT-Bench", [7.1, 7.6, 7.9, 8.4]),
                                      ("IFEval", [61.0, 66.3, 70.2, 74.8]))
         for (m, how), v in zip(PIPIT_COLS, vs)}
FINCH = grid(["Finch-Lite", "Finch"], ["HellaSwag", "PIQA", "ARC-Easy", "LAMBADA"],
             [[71.4, 79.9], [76.0, 80.3], [68.2, 75.1], [60.5, 68.8]], by_bench=True)     # 'Delta' is no model
EGRET = grid(["Egret-3", "Egret-2", "Egret-1"], ["MMLU", "BBH", "DROP", "MGSM"],
             [[79.2, 72.5, 80.1, 66.4], [73.8, 65.0, 76.9, 55.2], [64.1, 51.3, 70.0, 38.8]], by_bench=False)
SHRIKE = {(m, b, v, f"{k}-shot") for b, k, vs in (("TriviaQA", 5, [66.7, 60.2]), ("HumanEval", 0, [48.2, 35.4]),
                                                 ("MBPP", 3, [55.0, 47.1]), ("DROP", 3, [71.9, 64.0]))
          for m, v in zip(["Shrike-2-9B", "Shrike-1-9B"], vs)}
WANT = {"shrike-meta": SHRIKE, "egret-notes": EGRET, "wren-word": WORD, "finch-plain": FINCH, "pipit-left": PIPIT,
        "kite-sidebar": KITE, "kite-right": KITE, "ibis-sizes": IBIS, "stilt-sheet": STILT, "avocet-ar5iv": AVOCET,
        "tern-zebra": TERN, "sandpiper-code": SANDPIPER, "godwit-settings": GODWIT, "curlew-docs": CURLEW,
        "plover-blog": BLOG,
        "plover-tight": TIGHT, "heron-side": SIDE, "heron-groups": GROUPED, "wren-landscape": LANDSCAPE,
        "gannet-long-thead": from_html("gannet-long-thead"), "gannet-long-plain": from_html("gannet-long-plain"),
        "gannet-word-long": from_html("gannet-word-long")}


def build_one(name: str, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp(name) / "papers"
    folder.mkdir()
    shutil.copyfile(FIXTURES / f"{name}.pdf", folder / f"{name}.pdf")
    db = folder.parent / "scores.duckdb"
    build(folder, db)
    return db


@pytest.fixture(scope="module", params=sorted(WANT))
def printed(request, tmp_path_factory) -> tuple[str, Path]:
    return request.param, build_one(request.param, tmp_path_factory)


def rows_of(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(raw_copy(db)), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_cell_printed_and_nothing_else(printed):
    name, db = printed
    got = set(rows_of(db, "SELECT model_raw, benchmark_raw, value, coalesce(grp, setting) FROM scores"))
    assert got == WANT[name]


def test_word_table_keeps_spread_marks_and_answers(tmp_path_factory):
    db = build_one("wren-word", tmp_path_factory)
    spread, no, caption = rows_of(db, "SELECT spread, table_no, caption FROM scores WHERE benchmark_raw = 'MMLU' "
                                      "AND model_raw LIKE 'Wren%'")[0]
    assert spread == 0.4 and no == "2" and caption.startswith("Accuracy (%)") and caption.endswith("3-shot.")
    assistant = Assistant(db, Settings())
    assert_numbers(assistant.ask("What is Finch-8B-Instruct v2's GSM8K score?", []).text, [79.1])


def test_code_block_is_no_table_and_title_is_whole(tmp_path_factory):
    db = build_one("sandpiper-code", tmp_path_factory)
    title, tables = rows_of(db, "SELECT (SELECT title FROM papers), (SELECT count(DISTINCT table_id) FROM scores)")[0]
    assert title == "Reproducing the Sandpiper-7B numbers" and tables == 1


def test_web_paper_marks_spreads_and_paragraphs(tmp_path_factory):
    db = build_one("avocet-ar5iv", tmp_path_factory)
    models = {m for (m,) in rows_of(db, "SELECT DISTINCT model_id FROM scores")}
    spreads = rows_of(db, "SELECT spread FROM scores WHERE model_raw = 'Dense-2B' AND benchmark_raw = 'GSM8K'")
    abstract = rows_of(db, "SELECT count(*) FROM passages WHERE text LIKE '%show it matches dense%'")
    assert models == {"Avocet-MoE", "Dense-7B", "Dense-2B"} and spreads == [(1.3,)] and abstract == [(1,)]


@pytest.mark.parametrize("name, title", [("kite-sidebar", "Kite model benchmarks"),
                                         ("kite-right", "Kite model benchmarks (v2)")])
def test_navigation_strip_stays_out_of_the_text(tmp_path_factory, name, title):
    db = build_one(name, tmp_path_factory)
    got, glued = rows_of(db, "SELECT (SELECT title FROM papers), (SELECT count(*) FROM passages WHERE "
                             "text LIKE '%Overview Kite%' OR text LIKE '%settings Pricing%' OR "
                             "text LIKE '%page Overview%' AND text LIKE '%benchmark results%')")[0]
    assert got == title and glued == 0


def test_plain_table_title_over_two_lines(tmp_path_factory):
    db = build_one("finch-plain", tmp_path_factory)
    assert rows_of(db, "SELECT title FROM papers") == [("Quick notes: Finch-Lite vs. Finch",)]
