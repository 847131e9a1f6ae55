"""Property: every table of the shipped papers, re-rendered into the other two formats (markdown pipes,
tab-separated, HTML) with decorations added (±, footnote marks, bold, LaTeX spacing), yields the same
(model, benchmark, setting, value) rows as the table as printed (and the same facts and claims)."""
from __future__ import annotations

import html
import random
import shutil
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from index.document import Table, parse_document
from index.grid import Grid, parse_number, to_grid
from index.headers import header_rows
from index.interpret import Context, interpret
from index.paper import table_ids

PAPERS = Path(__file__).resolve().parent.parent / "data" / "papers"
FORMATS = ("markdown", "tsv", "html")


def shipped_tables(tmp: Path) -> list[tuple[str, str, Table]]:
    out = []
    for src in sorted(PAPERS.iterdir()):
        path = tmp / src.name
        shutil.copy(src, path)                      # a copy: tests never read the papers folder in place
        doc = parse_document(path)
        out += [(path.stem, tid, t) for t, tid in zip(doc.tables, table_ids(doc.tables))]
    return out


with tempfile.TemporaryDirectory(prefix="roundtrip-") as _tmp:
    TABLES = shipped_tables(Path(_tmp))        # read once at collection: the cases are parametrised over them


def score_rows(t: Table, paper: str, tid: str) -> Counter:
    rec = interpret(to_grid(t, paper), Context(paper, tid, t))
    return Counter([(s["model_id"], s["benchmark_id"], s["setting"], s["value"]) for s in rec.scores] +
                   [("fact", f["model_id"], f["attribute"], f["value"]) for f in rec.facts] +
                   [("claim", c["claim"], c["verified"], c["confidence"]) for c in rec.claims])


def decorate(text: str, fmt: str, rng: random.Random) -> str:
    """A plain number with what papers print around it."""
    parsed = parse_number(text)
    if parsed is None or "/" in text or rng.random() < 0.3:
        return text
    kind = rng.choice(["spread", "mark", "bold", "latex", "latex_spread", "percent_mark"])
    if kind == "spread":
        return f"{text} ± 0.{rng.randint(1, 9)}"
    if kind == "mark":
        return text + (f"<sup>{rng.choice('ab12')}</sup>" if fmt == "html" else rng.choice(["†", "‡", "*", "§", "¹", "^a"]))
    if kind == "bold":
        return {"markdown": f"**{text}**", "tsv": f"\\textbf{{{text}}}", "html": f"<b>{text}</b>"}[fmt]
    if kind == "latex":
        return "$" + " ".join(text.replace("%", "\\%")) + "$"
    if kind == "latex_spread":
        return f"${text.replace('%', '')} \\pm {rng.randint(1, 9)}.{rng.randint(0, 9)}$" + ("%" if "%" in text else "")
    return text + "†"


def render(g: Grid, fmt: str, rng: random.Random) -> list[str]:
    """The grid in `fmt`; a spanned cell is written once (empty where the span covered), as papers write it."""
    h = header_rows(g)
    cells = [[("" if c.copy else (decorate(c.text, fmt, rng) if r >= h else c.text)) for c in row]
             for r, row in enumerate(g.rows)]
    if fmt == "markdown":
        lines = ["| " + " | ".join(x.replace("|", "\\|") for x in row) + " |" for row in cells]
        return [lines[0], "|" + "---|" * g.width] + lines[1:]
    if fmt == "tsv":
        return ["\t".join(row) for row in cells]
    body = "".join("<tr>" + "".join(f"<td>{esc(x)}</td>" for x in row) + "</tr>" for row in cells)
    return [f"<table>{body}</table>"]


def esc(text: str) -> str:
    """HTML text, keeping the inline tags decorate() added."""
    out = html.escape(text, quote=False)
    for tag in ("b", "sup"):
        out = out.replace(f"&lt;{tag}&gt;", f"<{tag}>").replace(f"&lt;/{tag}&gt;", f"</{tag}>")
    return out


CASES = [(k, fmt) for k, (_, _, t) in enumerate(TABLES) for fmt in FORMATS if fmt != t.fmt]


def test_all_shipped_tables_are_covered():
    assert len(TABLES) == 47 and len(CASES) == 94


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("k, fmt", CASES, ids=[f"{TABLES[k][0]}-{TABLES[k][1]}-{fmt}" for k, fmt in CASES])
def test_table_reads_the_same_in_every_format(k, fmt, seed):
    """Seeded decorations: each run draws the same ones, so a failure can be reproduced."""
    rng = random.Random(f"{k}-{fmt}-{seed}")
    paper, tid, t = TABLES[k]
    want = score_rows(t, paper, tid)
    other = replace(t, fmt=fmt, lines=render(to_grid(t, paper), fmt, rng))
    got = score_rows(other, paper, tid)
    assert got == want, f"lost {list((want - got).items())[:5]}; new {list((got - want).items())[:5]}\n" + \
        "\n".join(other.lines[:6])
