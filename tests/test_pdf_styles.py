"""More real LaTeX PDFs (tests/fixtures/latex/*.tex, compiled with pdflatex as test_pdf_latex.py describes), each in
a table style the first set does not print. Every paper is built through the real build into a tmp database and its
score rows are compared, both ways, with the rows read off the .tex source; table numbers, captions and groups too.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from index.build import build
from tests.test_pdf_latex import key

LATEX = Path(__file__).resolve().parent / "fixtures" / "latex"
ROW = re.compile(r"^([A-Za-z][\w.\-]*) ((?:& [\d.]+ )+)\\\\$")   # a plain 'Model & 1.0 & 2.0' tabular row


def tex_rows(name: str, label: str) -> list[tuple[str, list[float]]]:
    """The plain 'Model & 1.0 & 2.0 \\\\' rows of the longtable labelled `label` in a fixture's source (or of the
    first tabular, for label 'tabular')."""
    tex = (LATEX / f"{name}.tex").read_text()
    start = tex.index(r"\begin{tabular}" if label == "tabular" else r"\label{" + label + "}")
    body = tex[start:tex.index(r"\end{tabular}" if label == "tabular" else r"\end{longtable}", start)]
    out = []
    for line in body.splitlines():
        m = ROW.match(line.strip())
        if m:
            out.append((m.group(1), [float(v) for v in re.findall(r"[\d.]+", m.group(2))]))
    return out


def longtable_rows() -> list[tuple]:
    """(model, benchmark, setting, grp, table number, value)"""
    rows = [(m, b, None, None, "1", v) for m, vals in tex_rows("longtable", "tab:sweep")
            for b, v in zip(("RiverQA", "StoneMath", "CloudCode", "LeafBench"), vals)]
    rows += [(m, b, None, None, "2", v) for m, vals in tex_rows("longtable", "tab:base")
             for b, v in zip(("MarshQA", "TideMath", "ReedCode"), vals)]
    stage = {"Pretrain": (("Kestrel-2B", (31.4, 22.0, 18.5)), ("Kestrel-7B", (44.8, 35.1, 29.9)),
                          ("Kestrel-13B", (52.3, 41.7, 36.4))),
             "Aligned": (("Kestrel-2B-Chat", (38.6, 27.3, 24.0)), ("Kestrel-7B-Chat", (51.2, 40.9, 37.8)),
                         ("Kestrel-13B-Chat", (59.7, 48.2, 44.1)))}
    rows += [(m, b, None, g, "3", v) for g, models in stage.items() for m, vals in models
             for b, v in zip(("RiverQA", "StoneMath", "CloudCode"), vals)]
    bench = "Long-context retrieval accuracy at three context lengths"
    rows += [(m, bench, s, None, "4", v) for m, vals in (("Kestrel-13B-Chat", (71.5, 64.2, 50.8)),
                                                        ("Kestrel-34B-Chat", (78.9, 72.6, 61.3)),
                                                        ("Plover-34B", (69.0, 58.4, 40.2)))
             for s, v in zip(("8K", "32K", "128K"), vals)]
    return rows


def acl_rows() -> list[tuple]:
    """(model, benchmark, setting, grp, table number, value); spreads and bold marks are checked apart."""
    main = {"Harrier-7B": (48.3, 31.2, 62.0, 55.4, 6.8, 71.0), "Kestrel-13B-Chat": (55.1, 38.7, 68.9, 58.2, 7.4, 74.5),
            "Falconet-9B": (51.9, 35.0, 64.7, 61.3, 7.1, 76.2),
            "Merlin-8B-Instruct": (59.6, 44.8, 66.3, 60.0, 7.9, 79.3)}
    groups = ("Reasoning",) * 2 + ("Knowledge",) * 2 + ("Dialogue",) * 2
    rows = [(m, b, None, g, "1", v) for m, vals in main.items()
            for b, g, v in zip(("GlyphQA", "ChainMath", "AtlasQA", "LoreBench", "ChatJudge", "TurnEval"), groups, vals)]
    cols = {"SpellBench": (41.2, 44.0, 47.5), "CipherQA": (None, 29.8, 33.1), "ArenaScore": (1108, 1143, 1187)}
    rows += [(m, b, None, None, "2", v) for b, vals in cols.items()
             for m, v in zip(("Harrier-7B", "Falconet-9B", "Merlin-8B"), vals) if v is not None]
    domains = {"Science": {"OrbitQA": (52.4, 58.0), "CellBench": (47.1, 51.6), "QuarkQA": (39.8, 45.2)},
               "Finance": {"LedgerQA": (61.5, 64.9), "TaxEval": (44.3, 49.7), "AuditQA": (50.2, 53.8)},
               "Engineering": {"BridgeQA": (35.6, 40.3), "CircuitEval": (28.9, 34.7)},
               "Public law": {"CourtQA": (33.0, 36.4), "StatuteEval": (27.5, 31.9), "ClauseQA": (40.8, 42.2)}}
    rows += [(m, b, None, g, "3", v) for g, suites in domains.items() for b, vals in suites.items()
             for m, v in zip(("Harrier-7B", "Merlin-8B"), vals)]
    return rows


def landscape_rows() -> list[tuple]:
    """A table on a page turned landscape (pdflscape) and a sidewaystable: the whole page's text is turned."""
    wide = {"Osprey-2-7B-Chat": (61.2, 44.0, 38.5, 70.1, 52.3, 66.8, 59.0, 35.2, 48.7),
            "Osprey-2-70B-Chat": (75.8, 62.4, 55.1, 81.9, 68.0, 77.3, 71.6, 50.9, 63.5),
            "Skua-12B-Instruct": (64.0, 47.3, 41.8, 72.2, 55.5, 69.1, 60.4, 39.0, 51.2),
            "Gannet-34B": (70.3, 55.6, 47.2, 77.0, 61.1, 72.5, 66.3, 44.4, 57.8)}
    benches = ("MossQA", "FernMath", "PineCode", "CedarQA", "BirchLogic", "MapleRead", "AlderFact", "WillowCode",
               "ElmEval")
    rows = [(m, b, None, None, "1", v) for m, vals in wide.items() for b, v in zip(benches, vals)]
    safety = {"Osprey-2-7B-Chat": (4.1, 2.8, 11.5, 7.7, 1.9, 0.6), "Osprey-2-70B-Chat": (2.3, 1.7, 6.4, 5.2, 1.1, 0.3),
              "Skua-12B-Instruct": (6.9, 3.5, 15.8, 9.4, 2.6, 1.2)}
    benches = ("HarmRefuse", "ToxiScore", "JailGuard", "BiasProbe", "PrivLeak", "SelfHarmQA")
    return rows + [(m, b, None, None, "2", v) for m, vals in safety.items() for b, v in zip(benches, vals)]


def cited_rows() -> list[tuple]:
    """Model names with citations ('Harrier-7B [1]'), headers with arrows ('GlyphQA ↑', 'Perplexity ↓'), a metric
    in parentheses or as a subscript ('TurnEval_EM'), a size column, and long model names wrapped in the header."""
    main = {"Harrier-7B": (48.3, 31.2, 55.0, 6.12), "Falconet-9B": (51.9, 35.0, 58.4, 5.87),
            "Shrike-4B": (50.2, 36.6, 57.1, 6.01), "Shrike-12B": (57.8, 43.9, 63.2, 5.40)}
    rows = [(m, b, None, None, "1", v) for m, vals in main.items()
            for b, v in zip(("GlyphQA", "ChainMath", "TurnEval", "Perplexity"), vals)]
    chat = {"GlyphQA": (60.1, 55.3, 51.0), "ChainMath": (47.2, 39.8, 34.4), "TurnEval": (66.0, 61.7, 58.2)}
    models = ("Shrike-12B-Chat-Preview", "Falconet-9B-Instruct-v2", "Harrier-7B-Chat-DPO")
    rows += [(m, b, None, None, "2", v) for b, vals in chat.items() for m, v in zip(models, vals)]
    return rows + [(m, "Average", "Chat models, one column per model", None, "2", v)
                   for m, v in zip(models, (57.8, 52.3, 47.9))]


def grid_rows() -> list[tuple]:
    """An older style: \\hline under every row and vertical lines, '45.3% (+4.3)' cells, one \\cline under two
    spanning labels, and a longtable whose caption (not marked 'continued') repeats atop every page."""
    grid = {"Bittern-Base": (41.0, 22.5, 18.0), "Bittern-SFT": (45.3, 27.9, 21.2), "Bittern-RL": (49.8, 33.0, 24.6)}
    rows = [(m, b, None, None, "1", v) for m, vals in grid.items() for b, v in zip(("HeronQA", "EgretMath", "IbisCode"),
                                                                                   vals)]
    two = {"Bittern-Base": (38.2, 41.0, 19.9, 22.5), "Bittern-RL": (46.1, 49.8, 30.7, 33.0)}
    cols = (("HeronQA", "0-shot"), ("HeronQA", "3-shot"), ("EgretMath", "0-shot"), ("EgretMath", "3-shot"))
    rows += [(m, b, s, None, "2", v) for m, vals in two.items() for (b, s), v in zip(cols, vals)]
    return rows + [(m, b, None, None, "3", v) for m, vals in tex_rows("grid-classic", "tab:sweep")
                   for b, v in zip(("HeronQA", "EgretMath"), vals)]


METRIC_LEVELS = {"Grebe-2-1B": (51.2, 63.0, 44.7, 58.1, 38.2, 35.0),
                 "Grebe-2-3B-Instruct-with-a-Very-Long-Name": (58.9, 70.4, 50.3, 64.8, 41.7, 38.3),
                 "Coot-2B": (49.0, 60.6, 41.9, 55.2, 36.5, 33.1)}
METRIC_COLS = (("PondRead", "EM"), ("PondRead", "F1"), ("LakeQA", "EM"), ("LakeQA", "F1"), ("BrookSum", "R-1"),
               ("BrookSum", "R-L"))
LONG_FORM = (("Coot-2B", "PondRead", 47.5), ("Coot-2B", "LakeQA", 40.2), ("Moorhen-7B", "PondRead", 55.8),
             ("Moorhen-7B", "BrookSum", 40.9))


def metric_rows() -> list[tuple]:
    """Metric names ('EM | F1') under each benchmark's spanning label, and a long 'Model | Benchmark | Score' table."""
    rows = [(m, b, None, None, "1", v) for m, vals in METRIC_LEVELS.items() for (b, _), v in zip(METRIC_COLS, vals)]
    return rows + [(m, b, None, None, "2", v) for m, b, v in LONG_FORM]


def sweep_rows() -> list[tuple]:
    """A 70-row longtable under two header levels (benchmarks over settings) that fills a whole page, its header
    repeated under 'Table 1 (continued)'."""
    cols = (("MarshQA", "0-shot"), ("MarshQA", "5-shot"), ("TideMath", "0-shot"), ("TideMath", "5-shot"))
    return [(m, b, s, None, "1", v) for m, vals in tex_rows("sweep-pages", "tab:sweep") for (b, s), v in zip(cols, vals)]


def tight_rows() -> list[tuple]:
    """A 13-benchmark table* in a two-column paper, set in small type with 1.5pt column gaps: its header row's
    names are closer together than the words of a sentence."""
    benches = re.search(r"Model & (.*?) \\\\", (LATEX / "tight-wide.tex").read_text()).group(1).split(" & ")
    assert len(benches) == 13
    subject = "All results, set tight to fit the page width"      # what the 'Avg.' column averages
    return [(m, "Average", subject, None, "1", v) if b == "Avg." else (m, b, None, None, "1", v)
            for m, vals in tex_rows("tight-wide", "tabular") for b, v in zip(benches, vals)]


def ieee_rows() -> list[tuple]:
    """IEEE-style captions: 'TABLE I' alone on a line, the title in small capitals on the next."""
    main = {"Petrel-1B": (81.2, 74.5, 66.0), "Petrel-3B": (85.9, 79.1, 71.4), "Shearwater-2B": (80.4, 72.8, 63.3)}
    rows = [(m, b, None, None, "1", v) for m, vals in main.items()
            for b, v in zip(("NoisyRead", "CallBench", "FarFieldQA"), vals)]
    abl = {"Petrel-3B-NoCurriculum": (83.0, 76.2), "Petrel-3B-Reversed": (82.1, 75.0)}
    return rows + [(m, b, None, None, "2", v) for m, vals in abl.items() for b, v in zip(("NoisyRead", "CallBench"), vals)]


def compare_rows() -> list[tuple]:
    """A big report's comparison table: 'Benchmark (Metric)' and '# Shots' label columns, a category column
    spanning rows, architecture rows above the scores, and a model name with no size ('Loon-V2')."""
    bench = (("English", "MossQA", "5-shot", (71.3, 77.2, 78.4)), ("English", "FernQA", "3-shot", (41.8, 49.0, 51.6)),
             ("English", "PineRead", "1-shot", (66.1, 70.3, 75.9)), ("Code", "WillowCode", "0-shot", (45.1, 48.8, 50.0)),
             ("Code", "AshCode", "3-shot", (57.4, 60.2, 61.7)))
    return [(m, b, s, g, "1", v) for g, b, s, vals in bench for m, v in zip(("Loon-67B", "Grebe-72B", "Loon-V2"), vals)]


def headless_rows() -> list[tuple]:
    """A longtable with empty head and foot: page 2 starts straight with rows, under no rule, down to the last rule;
    a footnote of the text sits between the two parts."""
    return [(m, b, None, None, "1", v) for m, vals in tex_rows("sweep-headless", "tab:sweep")
            for b, v in zip(("MarshQA", "TideMath"), vals)]


PAPERS = {"longtable": longtable_rows, "tight-wide": tight_rows, "ieee-captions": ieee_rows,
          "sweep-headless": headless_rows,
          "report-compare": compare_rows, "acl-twocol": acl_rows, "landscape": landscape_rows,
          "cited-models": cited_rows, "grid-classic": grid_rows, "metric-levels": metric_rows,
          "sweep-pages": sweep_rows}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, list[tuple]]:
    out = {}
    for name in PAPERS:
        root = tmp_path_factory.mktemp(name)
        (root / "papers").mkdir()
        shutil.copy(LATEX / f"{name}.pdf", root / "papers" / f"{name}.pdf")
        build(root / "papers", root / "scores.duckdb")
        with duckdb.connect(str(root / "scores.duckdb"), read_only=True) as con:
            out[name] = con.execute("SELECT model_id, benchmark_id, setting, grp, table_no, value, caption, spread, "
                                    "is_bold, metric, page FROM scores WHERE source_kind = 'table' ORDER BY score_id").fetchall()
    return out


@pytest.mark.parametrize("name", list(PAPERS))
def test_every_printed_cell_is_read_and_nothing_else(built, name):
    want_rows = PAPERS[name]()
    got = {key(m, b, s, v) for m, b, s, _, _, v, *_ in built[name]}
    want = {key(m, b, s, v) for m, b, s, _, _, v in want_rows}
    assert len(want) == len(want_rows)
    missing, extra = want - got, got - want
    assert not missing, f"{name}: {len(missing)} of {len(want)} rows not read: {sorted(map(str, missing))[:10]}"
    assert not extra, f"{name}: {len(extra)} rows not in the paper: {sorted(map(str, extra))[:10]}"


@pytest.mark.parametrize("name", list(PAPERS))
def test_rows_keep_their_table_number_and_group(built, name):
    rows = {key(m, b, s, v): (g, no) for m, b, s, g, no, v, *_ in built[name]}
    for m, b, s, g, no, v in PAPERS[name]():
        assert rows[key(m, b, s, v)] == (g, no), (m, b, s, v)


def test_a_table_over_page_breaks_is_one_table(built):
    """Table 1 repeats its header under 'Table 1 (continued)' on each page; Table 2 runs on with no header at all.
    Every row keeps the first page's number and caption, and no part is read as a table of its own."""
    by_no: dict[str, set[str]] = {}
    for _, _, _, _, no, _, cap, *_ in built["longtable"]:
        by_no.setdefault(no, set()).add(cap)
    pages = {no: page for _, _, _, _, no, _, _, _, _, _, page in built["longtable"]}
    assert (pages["1"], pages["2"], pages["3"]) == ("1–2", "2–3", "3")     # the pages its rows are on
    assert by_no["1"] == {"Zero-shot results of open models."}
    assert by_no["2"] == {"Five-shot results of base models."}
    assert set(by_no) == {"1", "2", "3", "4"}
    assert len(tex_rows("longtable", "tab:sweep")) == 38 and len(tex_rows("longtable", "tab:base")) == 49


def test_caption_in_the_paragraph_after_the_table(built):
    caps = {no: cap for _, _, _, _, no, _, cap, *_ in built["longtable"]}
    assert caps["4"].startswith("Table 4 shows the long-context retrieval accuracy")


def test_line_end_hyphens_in_compounds():
    """'instruction-' at a line's end before 'tuned' is the compound the paper prints elsewhere; 'mixture-of-'
    and 'state-of-the-' were compounds already; 'pre-' + 'trained' is the closed word the paper also prints."""
    from index.pdf import pdf_to_markdown
    text = pdf_to_markdown(LATEX / "longtable.pdf")
    for phrase in ("every instruction-tuned model", "the mixture-of-experts kind", "the state-of-the-art systems",
                   "The pretrained checkpoints were not changed"):
        assert phrase in text


def test_spreads_daggers_separators_and_bold_best(built):
    """'59.6 ± 0.5' keeps its spread, '44.0†' and '1,143' are plain values, and a bold value with a plain spread
    after it is the column's best; underlined second-best values are not bold."""
    rows = {(m, b): (v, spread, bold) for m, b, _, _, _, v, _, spread, bold, *_ in built["acl-twocol"]}
    assert rows[("Merlin-8B-Instruct", "GlyphQA")] == (59.6, 0.5, True)
    assert rows[("Kestrel-13B-Chat", "GlyphQA")] == (55.1, 0.4, False)
    assert rows[("Falconet-9B", "ArenaScore")][:2] == (1143.0, None)
    bold = {(m, b) for (m, b), (_, _, is_bold) in rows.items() if is_bold}
    assert bold == {("Merlin-8B-Instruct", b) for b in ("GlyphQA", "ChainMath", "ChatJudge", "TurnEval")} | {
        ("Kestrel-13B-Chat", "AtlasQA"), ("Falconet-9B", "LoreBench")} | {
        ("Merlin-8B", b) for b in ("SpellBench", "CipherQA", "ArenaScore")}


def test_landscape_page_reads_as_text_too():
    from index.pdf import pdf_to_markdown
    text = pdf_to_markdown(LATEX / "landscape.pdf")
    assert "Table 1: Zero-shot accuracy of open chat models on nine benchmarks. [p. 2]" in text
    assert "Table 2: Refusal and toxicity rates (lower is better) on six safety suites." in text


def test_citations_arrows_and_metrics_leave_the_names(built):
    """'Harrier-7B [1]' is the model Harrier-7B; 'ChainMath (acc) ↑' is ChainMath, metric acc; 'TurnEval_EM' is
    TurnEval, metric EM."""
    rows = {(m, b): metric for m, b, _, _, _, _, _, _, _, metric, _ in built["cited-models"]}
    assert rows[("Harrier-7B", "ChainMath")] == "acc" and rows[("Falconet-9B", "TurnEval")] == "EM"
    assert rows[("Shrike-12B", "GlyphQA")] is None and ("Shrike-12B", "Perplexity") in rows


def test_a_caption_repeated_atop_each_page_is_one_table(tmp_path):
    """The sweep's longtable repeats 'Table 3: Checkpoint sweep.' on each of its pages: one table, all 60 rows."""
    papers = tmp_path / "papers"
    papers.mkdir()
    shutil.copy(LATEX / "grid-classic.pdf", papers / "grid-classic.pdf")
    build(papers, tmp_path / "scores.duckdb")
    with duckdb.connect(str(tmp_path / "scores.duckdb"), read_only=True) as con:
        tables = con.execute("SELECT table_no, page FROM tables WHERE table_no = '3'").fetchall()
        n = con.execute("SELECT count(DISTINCT model_id) FROM scores WHERE table_no = '3'").fetchone()[0]
    assert tables == [("3", "1–3")] and n == len(tex_rows("grid-classic", "tab:sweep")) == 60


def test_metric_level_under_benchmarks_and_long_tables(built):
    got = {(m, b, v): metric for m, b, _, _, _, v, _, _, _, metric, _ in built["metric-levels"]}
    want = {(m, b, v): metric for m, vals in METRIC_LEVELS.items() for (b, metric), v in zip(METRIC_COLS, vals)}
    want |= {(m, b, v): None for m, b, v in LONG_FORM}
    assert got == want


def test_wrapped_cells_and_wide_headers():
    """Row labels wrapped in a p{} column and hyphenated inside a word ('augmen-' / 'tation') read as printed, and a
    header wider than its column stays over it."""
    from index.pdf import pdf_to_markdown
    text = pdf_to_markdown(LATEX / "wrapped-cells.pdf")
    assert "| Model | AtlasQA | PyTasks | Mean accuracy over all suites |" in text
    assert "| Plover-7B-Instruct with retrieval augmentation | 61.0 | 40.2 | 50.6 |" in text
    assert "| Dunlin-9B-Chat trained with preference data | 65.1 | 47.3 | 56.2 |" in text


def test_ieee_captions_number_their_tables(built):
    caps = {no: cap for _, _, _, _, no, _, cap, *_ in built["ieee-captions"]}
    assert caps == {"1": "WORD ACCURACY ON THREE TEST SETS", "2": "ABLATION OF THE NOISE CURRICULUM"}
