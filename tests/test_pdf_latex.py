"""Real LaTeX PDFs (compiled from tests/fixtures/latex/*.tex with pdflatex): an arXiv-style two-column paper,
a one-column report and a NeurIPS-like paper. Each is built through the real build into a tmp database and its
score rows are compared, both ways, with the rows written by hand from the .tex source.

To remake a PDF after editing its source: `pdflatex x.tex` twice in tests/fixtures/latex (TeX Live's base,
recommended and recommended-fonts sets are enough; multirow and makecell are stood in for in the source)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from index.build import build

LATEX = Path(__file__).resolve().parent / "fixtures" / "latex"

# (model as printed, benchmark, setting, grp, metric, value, spread) -- read off the .tex files
ARXIV = [
    *[(m, b, None, g, None, v, None) for m, vals in (
        ("Kestrel-7B", (45.2, 21.3, 38.9, 40.1, 52.7, 18.4)),
        ("Osprey-13B", (51.8, 25.0, 44.6, 47.3, 58.2, 22.9)),
        ("Heron-Small", (56.4, 28.7, 49.1, 50.6, 61.5, 25.3)),
        ("Heron-Large", (63.9, 34.2, 55.8, 58.4, 69.0, 31.7)))
      for (b, g), v in zip((("QuantBench", "Math"), ("ProofSet", "Math"), ("AlgebraX", "Math"),
                            ("CodeLoop", "Code"), ("PyTasks", "Code"), ("BugFix-L", "Code")), vals)],
    ("Kestrel-7B", "LoreQA", None, None, None, 61.2, 0.8), ("Kestrel-7B", "ReadWell", None, None, None, 70.4, None),
    ("Kestrel-7B", "FactHunt", None, None, None, 33.5, None),
    ("Osprey-13B", "LoreQA", None, None, None, 66.0, 0.5), ("Osprey-13B", "ReadWell", None, None, None, 72.9, None),
    ("Osprey-13B", "FactHunt", None, None, None, 36.1, None),
    ("Heron-Large", "LoreQA", None, None, None, 71.2, 0.4), ("Heron-Large", "ReadWell", None, None, None, 78.3, None),
    ("Heron-Large", "FactHunt", None, None, None, 41.7, None),
    ("Heron-Small", "ScrollEval", None, None, None, 47.5, None), ("Heron-Small", "NeedleMax", None, None, None, 80.2, None),
    ("Heron-Large", "ScrollEval", None, None, None, 53.1, None), ("Heron-Large", "NeedleMax", None, None, None, 88.6, None),
]

_BASE = {   # benchmark (metric, group): {model: (0-shot, 5-shot)}; None where the cell is '--' or 'N/A'
    ("WorldFacts", "EM", "General"): {"Pelican Base-9B": (55.1, 60.3), "Grebe Open-8B": (52.4, 57.9),
                                      "Tern Mini-7B": (49.0, 54.2)},
    ("Riddle-Eval", "EM", "General"): {"Pelican Base-9B": (40.7, 46.2), "Grebe Open-8B": (38.1, 43.5),
                                       "Tern Mini-7B": (None, 41.0)},
    ("SnakeCode", "Pass@1", "Coding"): {"Pelican Base-9B": (37.8, 41.2), "Grebe Open-8B": (35.0, 39.9),
                                        "Tern Mini-7B": (30.4, 33.3)},
    ("JavaJolt", "Pass@1", "Coding"): {"Pelican Base-9B": (29.5, 33.0), "Grebe Open-8B": (None, None),
                                       "Tern Mini-7B": (24.1, 27.6)},
}
REPORT = [
    *[(m, b, s, g, metric, v, None) for (b, metric, g), per in _BASE.items() for m, vals in per.items()
      for s, v in zip(("0-shot", "5-shot"), vals) if v is not None],
    *[(m, b, None, None, None, v, None) for b, vals in (
        ("DialogueArena", (71.4, 68.2, 60.5)), ("StepMath", (48.9, 45.5, None)), ("HelpSteer-X", (80.3, 77.7, 72.0)))
      for m, v in zip(("Pelican Chat-9B", "Grebe Open-8B-Instruct", "Tern Mini-7B-Chat"), vals) if v is not None],
    # Table 2.3: a multirow label column ('32K' centred on its block of rows) is the context-length setting
    *[(m, b, w, None, None, v, None) for w, m, vals in (
        ("32K", "Pelican Chat-9B", (41.5, 88.0)), ("32K", "Grebe Open-8B-Instruct", (39.2, 85.1)),
        ("32K", "Tern Mini-7B-Chat", (35.8, 80.4)), ("128K", "Pelican Chat-9B-Long", (44.0, 93.6)),
        ("128K", "Grebe Open-8B-Instruct-Long", (42.2, 90.9)))
      for b, v in zip(("ScrollSum", "KeyFind"), vals)],
]

NEURIPS = [
    (m, b, None, None, None, v, s) for m, cells in (
        ("Finch-2B", ((55.3, 1.1), (47.0, 0.9), (58.8, None))),
        ("Sparrow-3B", ((61.0, 1.2), (50.4, 1.0), (62.5, None))),
        ("Wren-1B", ((57.9, 0.7), (52.7, 0.6), (56.1, None))),
        ("Wren-3B", ((64.2, 0.8), (58.1, 0.5), (83.2, None))))
    for b, (v, s) in zip(("PuzzleBench", "LogicGrid", "TriviaMix"), cells)
] + [   # Table 2: benchmark names turned 90 degrees in the header
    (m, b, None, None, None, v, None) for m, vals in (("Wren-1B-Shuffled", (30.2, 51.4, 40.0)),
                                                      ("Wren-1B-Reversed", (33.9, 53.8, 42.6)))
    for b, v in zip(("MazeRun", "PuzzleBench", "CountingQA"), vals)
]

PAPERS = {"arxiv-twocol": ARXIV, "techreport": REPORT, "neurips": NEURIPS}


def model_key(name: str) -> frozenset[str]:
    """A model name modulo word order, punctuation and the word 'base' ('Pelican Base-9B' = 'Pelican-9B')."""
    return frozenset(re.findall(r"[a-z0-9.]+", name.lower())) - {"base"}


def key(model, bench, setting, value) -> tuple:
    return model_key(model), bench.lower(), (setting or "").lower(), round(value, 2)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, list[tuple]]:
    out = {}
    for name in PAPERS:
        root = tmp_path_factory.mktemp(name)
        (root / "papers").mkdir()
        shutil.copy(LATEX / f"{name}.pdf", root / "papers" / f"{name}.pdf")
        build(root / "papers", root / "scores.duckdb")
        with duckdb.connect(str(root / "scores.duckdb"), read_only=True) as con:
            out[name] = con.execute("SELECT model_id, benchmark_id, setting, grp, metric, value, spread, is_bold, "
                                    "source_kind FROM scores ORDER BY score_id").fetchall()
    return out


@pytest.mark.parametrize("name", list(PAPERS))
def test_latex_pdf_scores_recall_and_precision(built, name):
    got = {key(*r[:3], r[5]) for r in built[name] if r[8] == "table"}
    want = {key(m, b, s, v) for m, b, s, _, _, v, _ in PAPERS[name]}
    assert len(want) == len(PAPERS[name])
    missing, extra = want - got, got - want
    assert not missing, f"{name}: {len(missing)} of {len(want)} rows not read: {sorted(map(str, missing))[:10]}"
    assert not extra, f"{name}: {len(extra)} rows not in the paper: {sorted(map(str, extra))[:10]}"


@pytest.mark.parametrize("name", list(PAPERS))
def test_latex_pdf_groups_metrics_and_spreads(built, name):
    rows = {key(*r[:3], r[5]): r for r in built[name]}
    for m, b, s, grp, metric, v, spread in PAPERS[name]:
        r = rows[key(m, b, s, v)]
        assert (r[3], r[4], r[6]) == (grp, metric, spread), (m, b, s, v, r)


def test_bold_best_values_are_marked(built):
    bold = {(r[0], r[1]) for r in built["arxiv-twocol"] if r[7]}
    assert {("Heron-Large", b) for b in ("QuantBench", "BugFix-L", "ReadWell", "FactHunt")} <= bold
    assert not any(m == "Kestrel-7B" for m, _ in bold)
    assert {b for m, b in ((r[0], r[1]) for r in built["neurips"] if r[7])} == {"PuzzleBench", "LogicGrid", "TriviaMix"}


def test_latex_sections_and_two_columns(tmp_path):
    from index.pdf import pdf_to_markdown
    heads = [ln for ln in pdf_to_markdown(LATEX / "techreport.pdf").splitlines() if ln.startswith("#")]
    assert [re.sub(r"\s*\[p\. \d+\]", "", h) for h in heads][1:] == [
        "# 1 Introduction", "# 2 Evaluation", "## 2.1 Base models", "## 2.2 Chat models", "## 2.3 Long-context models",
        "# 3 Conclusion"]
    text = pdf_to_markdown(LATEX / "arxiv-twocol.pdf")
    # each column read top to bottom: the left column's paragraph is whole, the right column's follows it
    assert "Our main findings are that sparse training helps most on multi-step problems" in text
    assert "Efficient Sparse Language Models" in text
    order = [text.index(s) for s in ("# 1 Introduction", "# 2 Training", "# 3 Evaluation", "# 4 Discussion",
                                     "# 5 Limitations", "# A Additional Results")]
    assert order == sorted(order)
    # a table in the left column beside right-column text takes only its own caption lines
    assert "Table 2: Knowledge and reading results (mean ± std over 3 seeds). Best in bold, second underlined.\n" in text


def test_bitmap_t1_fonts_keep_their_ligatures():
    """pdflatex with T1 encoding and no Type 1 fonts installed embeds bitmap fonts whose ligatures come out as
    control codes: 'fi' at a word's start and 'ffi' inside one are still read."""
    from index.pdf_read import read_pages
    text = " ".join(w.text for p in read_pages(LATEX / "t1-ligatures.pdf") for w in p.words)
    assert "Our findings are efficient and final; the office staff affirm it." in text


def test_table_numbers_and_captions_as_printed(tmp_path):
    """Appendix numbers ('A1'), chapter numbers ('2.1') and a caption set below its table, after the table's
    footnote, all reach the tables' rows."""
    papers = tmp_path / "papers"
    papers.mkdir()
    for name in ("arxiv-twocol", "techreport"):
        shutil.copy(LATEX / f"{name}.pdf", papers / f"{name}.pdf")
    build(papers, tmp_path / "scores.duckdb")
    with duckdb.connect(str(tmp_path / "scores.duckdb"), read_only=True) as con:
        got = con.execute("SELECT paper_id, table_no, caption FROM tables ORDER BY 1, 2").fetchall()
    numbers = {(p, n) for p, n, _ in got}
    assert {("arxiv-twocol", "A1"), ("techreport", "2.1"), ("techreport", "2.2"), ("techreport", "2.3")} <= numbers
    captions = {n: c for p, n, c in got if p == "techreport"}
    assert captions["2.1"].startswith("Base model results") and captions["2.2"] == "Chat model results."
