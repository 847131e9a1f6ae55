"""PDF papers: the real GLM-4.5 report PDF against its markdown twin, drawn layouts (two columns, a booktabs
table), and broken PDFs that must stop the build and leave the old database alone."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pypdfium2
import pytest

from index.__main__ import main as index_cli
from index.build import build
from index.document import parse_document
from index.errors import IngestError
from index.grid import to_grid
from index.pdf import pdf_to_markdown
from index.pdf_read import Word
from index.pdf_table import rebuild

ROOT = Path(__file__).resolve().parent.parent
REPORT_PDF = ROOT / "tests" / "fixtures" / "glm-4.5-report.pdf"
REPORT_MD = ROOT / "data" / "papers" / "glm-4.5-report.md"


# -- a tiny PDF writer: Helvetica text and thin rules placed by coordinates (top-down, points) ------------------
WIDTH, HEIGHT = 612, 792


@dataclass
class Sheet:
    ops: list[str] = field(default_factory=list)

    def text(self, x: float, top: float, s: str, size: float = 10, bold: bool = False) -> "Sheet":
        s = s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        self.ops.append(f"BT /{'F2' if bold else 'F1'} {size} Tf {x:.2f} {HEIGHT - top - size:.2f} Td ({s}) Tj ET")
        return self

    def rule(self, x0: float, x1: float, y: float, width: float = 0.6) -> "Sheet":
        self.ops.append(f"{width} w {x0:.2f} {HEIGHT - y:.2f} m {x1:.2f} {HEIGHT - y:.2f} l S")
        return self

    def box(self, x: float, top: float, w: float, h: float) -> "Sheet":
        self.ops.append(f"{x:.2f} {HEIGHT - top - h:.2f} {w:.2f} {h:.2f} re f")
        return self


def pdf_bytes(sheets: list[Sheet], encrypt: bool = False) -> bytes:
    n = len(sheets)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            ("<< /Type /Pages /Kids [" + " ".join(f"{5 + 2 * k} 0 R" for k in range(n)) + f"] /Count {n} >>").encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"]
    for k, sheet in enumerate(sheets):
        stream = "\n".join(sheet.ops).encode("cp1252")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] "
                    f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {6 + 2 * k} 0 R >>".encode())
        objs.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    if encrypt:      # standard security handler with a user password that is not empty
        objs.append(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -4 >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    extra = f" /Encrypt {len(objs)} 0 R /ID [<{'01' * 16}> <{'01' * 16}>]" if encrypt else ""
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R{extra} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def two_column_page() -> Sheet:
    s = Sheet().text(160, 60, "A Study of Widget Sorting", 18, bold=True)
    s.text(50, 100, "1 Introduction", 11, bold=True).text(320, 100, "2 Method", 11, bold=True)
    left = ["Left column text opens a paragraph", "and keeps on going with several", "more words until it stops here."]
    right = ["Right column text opens another", "paragraph that continues with its", "own words and ends right here."]
    for k in range(12):
        s.text(50, 120 + 12 * k, f"L{k:02d} " + left[k % 3], 9)
        s.text(320, 120 + 12 * k, f"R{k:02d} " + right[k % 3], 9)
    return s


def booktabs_page(cmidrules: bool = True) -> Sheet:
    """Two booktabs tables: models as columns with names wrapped over two lines, group rows, a bold best value,
    a '±' cell; then models as rows under header groups that span columns over cmidrules."""
    s = Sheet().text(50, 60, "3 Results", 11, bold=True)
    s.text(50, 80, "Table 4: Scores of the models on the suites. Best in bold.", 9)
    s.rule(50, 560, 98).text(60, 108, "Benchmark", 8, bold=True)
    names = ((240, "Zeta-", "7B"), (300, "Orca", "Large 2"), (380, "Quill", "13B"), (460, "Mega", "Chat"))
    for x, top, bottom in names:
        s.text(x, 102, top, 8, bold=True).text(x, 112, bottom, 8, bold=True)
    s.rule(50, 560, 124, 0.4)
    rows = [("Reading", None), ("FooQA (EM)", ["71.2 ± 0.4", "65.3", "60.0", "58.1"]),
            ("BarBench (Pass@1)", ["40.5", "44.0", "39.9", "-"]), ("Coding", None),
            ("CodeX-Eval", ["30.1", "33.3", "29.0", "31.5"])]
    y = 128
    for label, values in rows:
        s.text(60, y, label, 8, bold=values is None)
        for x, v in zip((240, 300, 380, 460), values or []):
            s.text(x, y, v, 8, bold=v == "65.3")
        y += 11
    s.rule(50, 560, y + 3)
    s.text(50, y + 20, "The scores above are discussed in the text that follows the table on this page.", 9)
    s.text(50, 260, "Table 5: Models as rows, suites as column groups.", 9)
    s.rule(50, 560, 278).text(299, 282, "Math", 8, bold=True).text(448, 282, "Code", 8, bold=True)
    if cmidrules:
        s.rule(240, 360, 292, 0.4).rule(400, 520, 292, 0.4)
    s.text(60, 296, "Model", 8, bold=True)
    for x, name in ((250, "SumQA"), (320, "ProofBench"), (410, "LoopEval"), (480, "BugFix")):
        s.text(x, 296, name, 8, bold=True)
    s.rule(50, 560, 308, 0.4)
    for k, (model, vals) in enumerate((("Zeta-7B", ["55.0", "21.5", "33.0", "12.5"]),
                                       ("Quill-13B", ["61.5", "25.0", "35.5", "14.0"]),
                                       ("Mega-70B", ["70.5", "30.0", "41.0", "20.5"]))):
        s.text(60, 312 + 11 * k, model, 8)
        for x, v in zip((250, 320, 410, 480), vals):
            s.text(x, 312 + 11 * k, v, 8)
    s.text(60, 342, "Instruct", 8)                   # the last name wrapped in its cell: closer than rows are
    s.rule(50, 560, 356)
    return s


def fill_rule(s: Sheet, x0: float, x1: float, y: float, h: float = 0.5) -> Sheet:
    return s.box(x0, y - h / 2, x1 - x0, h)          # TeX draws rules as thin filled boxes

def column_table(s: Sheet, L: float, ty: float) -> None:
    """A booktabs table inside one column: '±' and '†' cells, a bold row, a raised footnote mark."""
    s.text(L, ty, "Table 1: Main results (mean ± std over 3 seeds).", 8)
    fill_rule(s, L, L + 242, ty + 14, 0.8)
    s.text(L + 4, ty + 18, "Model", 8, bold=True)
    for x, h in ((L + 90, "QA-One"), (L + 150, "QA-Two"), (L + 205, "Avg")):
        s.text(x, ty + 18, h, 8, bold=True)
    fill_rule(s, L, L + 242, ty + 30, 0.5)
    rows = [("Widget-S", ["61.2 ±0.4", "55.0†", "58.1 (0.9)"]), ("Widget-M", ["64.8 ± 0.3", "57.5", "61.2"]),
            ("Widget-L", ["70.3 ± 0.2", "60.1†", "65.2"])]
    for k, (m, vals) in enumerate(rows):
        s.text(L + 4, ty + 34 + 10 * k, m, 8)
        for x, v in zip((L + 90, L + 150, L + 205), vals):
            s.text(x, ty + 34 + 10 * k, v, 8, bold=(m == "Widget-L"))
            if v == "61.2":
                s.text(x + 15.6, ty + 34 + 10 * k, "1", 5)      # a raised footnote mark right after it
    fill_rule(s, L, L + 242, ty + 34 + 30 + 3, 0.8)


def wide_table(s: Sheet, L: float, R: float, fy: float) -> None:
    """A full-width table whose header groups sit over cmidrules."""
    s.text(150, fy, "Table 2: Full comparison across suites.", 9)
    fill_rule(s, L, R + 242, fy + 14, 0.8)
    s.text(L + 4, fy + 24, "Model", 8, bold=True)
    s.text(L + 160, fy + 18, "Reasoning", 8, bold=True)
    fill_rule(s, L + 120, L + 250, fy + 28, 0.4)
    s.text(L + 340, fy + 18, "Knowledge", 8, bold=True)
    fill_rule(s, L + 300, L + 430, fy + 28, 0.4)
    heads = [(L + 125, "Logic-5"), (L + 200, "Chain-QA"), (L + 305, "FactBench"), (L + 380, "Trivia-X")]
    for x, h in heads:
        s.text(x, fy + 32, h, 8, bold=True)
    fill_rule(s, L, R + 242, fy + 44, 0.5)
    for k, (m, vals) in enumerate((("Widget-S", ["40.1", "35.2", "50.0", "44.4"]),
                                   ("Widget-L", ["48.9", "41.0", "57.3", "49.9"]))):
        s.text(L + 4, fy + 48 + 10 * k, m, 8)
        for (x, _), v in zip(heads, vals):
            s.text(x, fy + 48 + 10 * k, v, 8)
    fill_rule(s, L, R + 242, fy + 48 + 20 + 3, 0.8)


def arxiv_page() -> Sheet:
    """A two-column page: a table inside the left column, a full-width table with header groups, cells with
    '±' and '†', a bold row, and a centred author line."""
    s = Sheet()
    s.text(240, 30, "Preprint. Under review.", 7)
    s.ops.append("BT /F1 20 Tf 0 1 -1 0 32 420 Tm (arXiv:2501.00001v1 [cs.CL] 1 Jan 2025) Tj ET")   # margin stamp
    s.text(130, 60, "Scaling Widgets: A Technical Report", 16, bold=True)
    s.text(260, 84, "Anon Authors", 9)
    L, R = 54, 316   # column lefts, width 242
    y = 110
    s.text(L, y, "1 Introduction", 11, bold=True)
    words = ("we train widget models at several scales and report their scores on a broad suite of tasks with "
             "careful evaluation").split()
    for k in range(8):
        line = " ".join(words[(k * 3) % 10:(k * 3) % 10 + 7])
        s.text(L, y + 16 + 11 * k, f"A{k} {line}", 9)
    column_table(s, L, y + 16 + 11 * 8 + 8)
    # right column
    s.text(R, y, "2 Method", 11, bold=True)
    for k in range(18):
        line = " ".join(words[(k * 2) % 12:(k * 2) % 12 + 7])
        s.text(R, y + 16 + 11 * k, f"B{k} {line}", 9)
    wide_table(s, L, R, 360)
    # two columns again below
    for k in range(10):
        s.text(L, 460 + 11 * k, f"C{k} " + " ".join(words[k:k + 7]), 9)
        s.text(R, 460 + 11 * k, f"D{k} " + " ".join(words[k + 1:k + 8]), 9)
    s.text(300, 760, "1", 9)
    return s


def plain_tables_page() -> Sheet:
    """A table with every cell boxed, border drawn cell by cell (word-processor style), and a table with no
    rules at all, known only by its caption and its aligned columns."""
    s = Sheet().text(50, 60, "4 More Results", 11, bold=True)
    s.text(50, 80, "Table 6: Boxed cells.", 9)
    xs, ys = (50, 150, 250, 350), (96, 110, 124, 138)
    for y in ys:
        for a, b in zip(xs, xs[1:]):
            s.rule(a, b, y, 0.5)
    for x in xs:
        s.ops.append(f"0.5 w {x} {HEIGHT - ys[0]} m {x} {HEIGHT - ys[-1]} l S")
    boxed = (("Model", "AlphaQA", "BetaMath"), ("Zeta-7B", "44.1", "12.0"), ("Quill-13B", "47.9", "15.5"))
    for k, row in enumerate(boxed):
        for x, v in zip(xs, row):
            s.text(x + 5, ys[k] + 2, v, 8, bold=k == 0)
    s.text(50, 170, "Table 7: No rules at all.", 9)
    for k, row in enumerate((("Model", "GammaEval", "DeltaCode"), ("Zeta-7B", "61.0", "22.4"),
                             ("Quill-13B", "66.3", "25.0"), ("Mega-70B", "70.2", "31.9"))):
        for x, v in zip((50, 200, 320), row):
            s.text(x, 190 + 12 * k, v, 8)
    s.text(50, 260, "Both tables above hold scores that the text below discusses in some more detail.", 9)
    return s


def two_block_page() -> Sheet:
    """One ruled table in two blocks: base models, then chat models under a header row of their own."""
    s = Sheet().text(50, 60, "5 Chat Models", 11, bold=True).text(50, 80, "Table 8: Base and chat models.", 9)
    xs = (60, 220, 320, 420)
    y = 100
    s.rule(50, 520, y - 4)
    blocks = ((("Benchmark", "Zeta-7B", "Quill-13B", "Mega-70B"), [("AlphaQA", "40.0", "45.5", "52.0"),
                                                                     ("BetaMath", "20.5", "24.0", "31.5")]),
              (("Benchmark", "Zeta-7B-Chat", "Quill-13B-Chat", "Mega-70B-Chat"),
               [("AlphaQA", "48.0", "50.5", "60.0"), ("BetaMath", "25.5", "29.0", "38.0")]))
    for head, rows in blocks:
        for x, h in zip(xs, head):
            s.text(x, y, h, 8, bold=True)
        s.rule(50, 520, y + 13, 0.4)
        y += 17
        for row in rows:
            for x, v in zip(xs, row):
                s.text(x, y, v, 8)
            y += 11
        s.rule(50, 520, y + 2, 0.4 if head[1] == "Zeta-7B" else 0.8)
        y += 6
    return s


# -- the real report against its markdown twin -----------------------------------------------------------------
def build_one(tmp: Path, source: Path, name: str) -> duckdb.DuckDBPyConnection:
    folder = tmp / name
    folder.mkdir()
    shutil.copy(source, folder / ("glm-4.5-report" + source.suffix))
    db = tmp / f"{name}.duckdb"
    build(folder, db)
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("twins")
    pdf, md = build_one(tmp, REPORT_PDF, "pdf"), build_one(tmp, REPORT_MD, "md")
    yield pdf, md
    pdf.close()
    md.close()


def score_set(con, cols: str) -> set[tuple]:
    return set(con.execute(f"SELECT {cols} FROM scores").fetchall())


@pytest.mark.parametrize("cols", ["model_id, benchmark_id, value", "model_id, benchmark_id, value, setting"])
def test_pdf_scores_match_the_markdown_twin(twins, cols):
    pdf, md = (score_set(con, cols) for con in twins)
    both = pdf & md
    recall, precision = len(both) / len(md), len(both) / len(pdf)
    print(f"\n{cols}: markdown {len(md)} rows, pdf {len(pdf)} rows, recall {recall:.3f}, precision {precision:.3f}")
    assert len(md) > 100
    assert recall >= 0.95 and precision >= 0.95, (sorted(md - pdf, key=str)[:10], sorted(pdf - md, key=str)[:10])


def test_pdf_tables_keep_numbers_captions_and_pages(twins):
    pdf, md = twins
    got = {n: (cap, page) for n, cap, page in pdf.execute("SELECT table_no, caption, page FROM tables").fetchall()}
    want = {n: cap for n, cap in md.execute("SELECT table_no, caption FROM tables").fetchall()}
    assert set(got) == set(want)
    doc = pypdfium2.PdfDocument(str(REPORT_PDF))
    try:
        for n, (cap, page) in got.items():
            assert squash(cap)[:40] == squash(want[n])[:40]
            text = doc[int(page) - 1].get_textpage().get_text_range()
            assert re.search(rf"Table\s*{n}\s*:", text), (n, page)       # the caption is on that page
    finally:
        doc.close()


def squash(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def test_pdf_passages_have_pdf_pages_and_numbered_sections(twins):
    pdf, md = twins
    pages = [p for (p,) in pdf.execute("SELECT page FROM passages ORDER BY line").fetchall()]
    n_pages = len(pypdfium2.PdfDocument(str(REPORT_PDF)))
    assert all(p is not None and p.isdigit() and 1 <= int(p) <= n_pages for p in pages)
    assert pages == sorted(pages, key=int)                     # read front to back
    assert {int(p) for p in pages} == set(range(1, int(pages[-1]) + 1))     # no page left out on the way

    def numbered(con):
        return {squash(s.split(" > ")[-1]) for (s,) in con.execute("SELECT DISTINCT section FROM passages").fetchall()
                if re.match(r"\d+(\.\d+)*\s", s.split(" > ")[-1])}
    assert numbered(md) and numbered(md) <= numbered(pdf)
    nested = [s for (s,) in pdf.execute("SELECT DISTINCT section FROM passages").fetchall() if s.count(" > ") >= 2]
    assert nested and all(re.match(r"\d+ ", s) for s in nested)   # 4 > 4.2 > 4.2.1, nothing else on top
    texts = " ".join(t for (t,) in pdf.execute("SELECT text FROM passages").fetchall())
    assert not re.search(r"\b[a-z]{3,}- [a-z]{3,}\b", texts.replace("- and", ""))  # hyphenation repaired


# -- drawn layouts ------------------------------------------------------------------------------------------------
def test_two_columns_are_read_one_after_the_other(tmp_path):
    path = tmp_path / "widgets.pdf"
    path.write_bytes(pdf_bytes([two_column_page()]))
    text = pdf_to_markdown(path)
    tags = re.findall(r"\b([LR])(\d\d)\b", text)
    assert [t for t in tags if t[0] == "L"] == [("L", f"{k:02d}") for k in range(12)]
    assert [t for t in tags if t[0] == "R"] == [("R", f"{k:02d}") for k in range(12)]
    assert tags.index(("R", "00")) == 12                       # all of the left column first
    doc = parse_document(path, text)
    assert doc.title == "A Study of Widget Sorting"
    assert {p.section for p in doc.paragraphs if "L05" in p.text} == {"1 Introduction"}
    assert {p.section for p in doc.paragraphs if "R05" in p.text} == {"2 Method"}
    assert all(p.page == "1" for p in doc.paragraphs)
    assert not any("L0" in p.text and "R0" in p.text for p in doc.paragraphs)



def printed(cell) -> str:
    """The cell as the PDF printed it (bold is checked apart, through `Cell.bold`)."""
    return cell.raw.replace("**", "").strip()

@pytest.mark.parametrize("cmidrules", [True, False])
def test_booktabs_tables_rebuilt_from_word_positions(tmp_path, cmidrules):
    path = tmp_path / "widgets.pdf"
    path.write_bytes(pdf_bytes([two_column_page(), booktabs_page(cmidrules)]))
    doc = parse_document(path, pdf_to_markdown(path))
    first, second = doc.tables
    assert (first.table_no, first.page, first.section) == ("4", "2", "3 Results")
    assert first.caption.startswith("Scores of the models")
    grid = to_grid(first, path).rows
    rows, bold = [[printed(c) for c in r] for r in grid], [[c.bold for c in r] for r in grid]
    assert rows[0] == ["Benchmark", "Zeta-7B", "Orca Large 2", "Quill 13B", "Mega Chat"]   # wrapped names merged
    assert rows[1] == ["Reading", "", "", "", ""]                            # a group row stays a row
    assert rows[2] == ["FooQA (EM)", "71.2 ± 0.4", "65.3", "60.0", "58.1"]   # metric suffix kept in the label
    assert bold[2] == [False, False, True, False, False]
    assert (grid[2][1].text, grid[2][1].spread) == ("71.2", 0.4)               # the spread is read, not lost
    assert rows[3] == ["BarBench (Pass@1)", "40.5", "44.0", "39.9", "-"]
    assert rows[4][0] == "Coding" and rows[5] == ["CodeX-Eval", "30.1", "33.3", "29.0", "31.5"]
    assert any("discussed in the text" in p.text for p in doc.paragraphs)
    rows = [[printed(c) for c in r] for r in to_grid(second, path).rows]
    assert second.table_no == "5"
    assert rows[0] == ["", "Math", "Math", "Code", "Code"]          # groups over cmidrules, or centred over gaps
    assert rows[1] == ["Model", "SumQA", "ProofBench", "LoopEval", "BugFix"]
    assert rows[2:] == [["Zeta-7B", "55.0", "21.5", "33.0", "12.5"], ["Quill-13B", "61.5", "25.0", "35.5", "14.0"],
                        ["Mega-70B Instruct", "70.5", "30.0", "41.0", "20.5"]]


def test_arxiv_style_page_keeps_columns_and_tables_apart(tmp_path):
    path = tmp_path / "scaling.pdf"
    path.write_bytes(pdf_bytes([arxiv_page()]))
    text = pdf_to_markdown(path)
    order = [m.group(0) for m in re.finditer(r"\b(?:[ABCD]\d+|Table \d|Anon Authors)\b", text)]
    firsts = [order.index(x) for x in ("Anon Authors", "A0", "A7", "Table 1", "B0", "B17", "Table 2", "C0", "C9",
                                       "D0", "D9")]
    assert firsts == sorted(firsts), order
    left = text[text.index("A0"):text.index("Table 1")].split()
    assert all(len(t) > 1 or t == "a" for t in left), left          # no letters of the rotated stamp mixed in
    doc = parse_document(path, text)
    one, two = ([[printed(c) for c in r] for r in to_grid(t, path).rows] for t in doc.tables)
    assert one == [["Model", "QA-One", "QA-Two", "Avg"], ["Widget-S", "61.2 ±0.4", "55.0†", "58.1 (0.9)"],
                   ["Widget-M", "64.8 ± 0.3", "57.5", "61.2¹"], ["Widget-L", "70.3 ± 0.2", "60.1†", "65.2"]]
    assert [c.bold for c in to_grid(doc.tables[0], path).rows[3]] == [False, True, True, True]
    assert two[0] == ["", "Reasoning", "Reasoning", "Knowledge", "Knowledge"]
    assert two[1:] == [["Model", "Logic-5", "Chain-QA", "FactBench", "Trivia-X"],
                       ["Widget-S", "40.1", "35.2", "50.0", "44.4"], ["Widget-L", "48.9", "41.0", "57.3", "49.9"]]
    assert [t.section for t in doc.tables] == ["1 Introduction", "2 Method"]


def test_boxed_and_ruleless_tables(tmp_path):
    path = tmp_path / "plain.pdf"
    path.write_bytes(pdf_bytes([plain_tables_page()]))
    doc = parse_document(path, pdf_to_markdown(path))
    assert [t.table_no for t in doc.tables] == ["6", "7"]
    boxed, bare = ([[printed(c) for c in r] for r in to_grid(t, path).rows] for t in doc.tables)
    assert boxed == [["Model", "AlphaQA", "BetaMath"], ["Zeta-7B", "44.1", "12.0"], ["Quill-13B", "47.9", "15.5"]]
    assert bare == [["Model", "GammaEval", "DeltaCode"], ["Zeta-7B", "61.0", "22.4"], ["Quill-13B", "66.3", "25.0"],
                    ["Mega-70B", "70.2", "31.9"]]
    assert any(p.text.startswith("Both tables above") for p in doc.paragraphs)


def test_paragraph_runs_on_past_footnotes_and_page_break(tmp_path):
    one = Sheet().text(50, 60, "1 Setup", 11, bold=True)
    for k in range(5):
        one.text(50, 80 + 12 * k, f"line {k} of a long paragraph about the training setup that goes on", 9)
    one.text(50, 720, "1 A footnote in small type.", 6).text(300, 760, "1", 9)
    two = Sheet().text(50, 60, "and ends on the next page after a page break.", 9)
    two.text(50, 84, "A new paragraph starts here and is a paragraph of its own.", 9).text(300, 760, "2", 9)
    path = tmp_path / "run-on.pdf"
    path.write_bytes(pdf_bytes([one, two]))
    doc = parse_document(path, pdf_to_markdown(path))
    texts = [p.text for p in doc.paragraphs]
    whole = next(t for t in texts if "line 0" in t)
    assert whole.endswith("goes on and ends on the next page after a page break.")
    assert any(t.endswith("A footnote in small type.") for t in texts)
    assert [p.page for p in doc.paragraphs if "line 0" in p.text] == ["1"]
    assert [p.page for p in doc.paragraphs if "A new paragraph" in p.text] == ["2"]


def test_header_row_inside_a_table_starts_a_second_block(tmp_path):
    path = tmp_path / "chat.pdf"
    path.write_bytes(pdf_bytes([two_block_page()]))
    doc = parse_document(path, pdf_to_markdown(path))
    assert [t.table_no for t in doc.tables] == ["8", "8"]
    base, chat = ([[printed(c) for c in r] for r in to_grid(t, path).rows] for t in doc.tables)
    assert base == [["Benchmark", "Zeta-7B", "Quill-13B", "Mega-70B"], ["AlphaQA", "40.0", "45.5", "52.0"],
                    ["BetaMath", "20.5", "24.0", "31.5"]]
    assert chat == [["Benchmark", "Zeta-7B-Chat", "Quill-13B-Chat", "Mega-70B-Chat"],
                    ["AlphaQA", "48.0", "50.5", "60.0"], ["BetaMath", "25.5", "29.0", "38.0"]]


def test_unnumbered_headings_from_type_size_and_weight(tmp_path):
    s = Sheet().text(50, 50, "Widget Report", 20, bold=True)
    y = 90
    for title, size in (("Overview", 14), ("Results", 14), ("Details", 10)):
        s.text(50, y, title, size, bold=True)
        for k in range(3):
            s.text(50, y + size + 8 + 12 * k, f"{title.lower()} text line {k} that reads like an ordinary sentence", 10)
        y += size + 8 + 12 * 3 + 14
    path = tmp_path / "widget-report.pdf"
    path.write_bytes(pdf_bytes([s]))
    doc = parse_document(path, pdf_to_markdown(path))
    assert doc.title == "Widget Report"
    sections = {p.text.split()[0]: p.section for p in doc.paragraphs if "text line 0" in p.text}
    assert sections == {"overview": "Overview", "results": "Results", "details": "Results > Details"}


def test_tight_columns_split_by_values_not_by_gaps():
    """Columns closer than a word gap: each value (with its '±0.4' or '(1.1)') is still its own cell."""
    def w(text, x0, top, bold=False):
        return Word(text, x0, x0 + 4.2 * len(text), top, top + 8, 8.0, bold)
    words = [w("Model", 0, 0), w("AQA", 56, 0), w("BQA", 94, 0),
             w("Widget-S", 0, 12), w("61.2", 52, 12), w("±0.4", 71.5, 12), w("55.0", 94, 12), w("(1.1)", 113, 12),
             w("Widget-M", 0, 24), w("64.8", 52, 24), w("57.5", 94, 24, bold=True)]
    t = rebuild(words, [], 140.0)
    assert t.header == ["Model", "AQA", "BQA"]
    assert [r.cells for r in t.rows] == [["Widget-S", "61.2 ±0.4", "55.0 (1.1)"], ["Widget-M", "64.8", "**57.5**"]]


def test_index_add_reads_a_pdf(tmp_path):
    papers, db = tmp_path / "papers", tmp_path / "scores.duckdb"
    papers.mkdir()
    (papers / "other.md").write_text("# Other\n\n| Model | MMLU |\n|---|---|\n| Other-7B | 50.0 |\n")
    new = tmp_path / "widgets.pdf"
    new.write_bytes(pdf_bytes([two_column_page(), booktabs_page()]))
    assert index_cli(["add", str(new), "--db", str(db), "--papers", str(papers)]) == 0
    assert (papers / "widgets.pdf").read_bytes() == new.read_bytes()
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = set(con.execute("SELECT model_raw, value, page, table_no FROM scores "
                              "WHERE paper_id = 'widgets'").fetchall())
        assert {("Zeta-7B", 30.1, "2", "4"), ("Quill-13B", 25.0, "2", "5"), ("Zeta-7B", 12.5, "2", "5")} <= got
    finally:
        con.close()


# -- broken PDFs stop the build and lose nothing ----------------------------------------------------------------
def bad_pdfs() -> dict[str, tuple[bytes, str]]:
    good = pdf_bytes([two_column_page()])
    return {
        "truncated.pdf": (REPORT_PDF.read_bytes()[:200_000], "truncated"),
        "notes.pdf": (b"# Notes\n\nThis is a markdown file with the wrong name.\n", "not a PDF"),
        "locked.pdf": (pdf_bytes([two_column_page()], encrypt=True), "password"),
        "scan.pdf": (pdf_bytes([Sheet().box(50, 50, 500, 300).box(60, 400, 200, 100)]), "no text layer"),
        "scan-with-stamps.pdf": (pdf_bytes([Sheet().box(50, 50, 500, 300).text(50, 20, "Scanned copy page 1", 8)
                                            .text(300, 760, "1", 9)] * 3), "no text layer"),
        "empty.pdf": (b"", "empty"),
        "cut-tail.pdf": (good[: len(good) // 2], "truncated"),
    }


@pytest.mark.parametrize("name", sorted(bad_pdfs()))
def test_broken_pdf_fails_clearly_and_keeps_old_database(tmp_path, name):
    content, reason = bad_pdfs()[name]
    papers, db = tmp_path / "papers", tmp_path / "scores.duckdb"
    papers.mkdir()
    (papers / "good.md").write_text("# Good\n\n| Model | MMLU |\n|---|---|\n| Good-7B | 50.0 |\n")
    build(papers, db)
    before = db.read_bytes()
    (papers / name).write_bytes(content)
    with pytest.raises(IngestError) as e:
        build(papers, db)
    assert name in str(e.value) and reason in e.value.reason
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["papers", "scores.duckdb"]
    if name == "scan.pdf":
        cli = subprocess.run([sys.executable, "-m", "index", "build", "--papers", str(papers), "--db", str(db)],
                             capture_output=True, text=True, cwd=ROOT)
        assert cli.returncode == 1 and name in cli.stderr and "Traceback" not in cli.stderr
        assert db.read_bytes() == before
