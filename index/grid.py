"""Table blocks (markdown pipes, tab-separated, HTML) into one rectangular grid of cells.

Spans are expanded: a cell copied into the places its rowspan/colspan covers is marked `copy=True`
so it is never counted or stored twice.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .document import Table
from .errors import IngestError

BOLD = re.compile(r"(\*\*|__)(.+?)\1")
NUM = re.compile(r"^[<>~≈]?\s*([-−]?\d+(?:,\d{3})*(?:\.\d+)?)\s*(%|[BKMT]|k)?$")
MISSING = {"", "-", "–", "—", "n/a", "N/A", "/", "x"}


@dataclass
class Cell:
    text: str           # markdown stripped
    raw: str            # as printed
    bold: bool = False
    copy: bool = False  # filled in from a rowspan/colspan


@dataclass
class Grid:
    rows: list[list[Cell]]

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


def clean(raw: str) -> tuple[str, bool]:
    s = html.unescape(raw).strip()
    bold = bool(BOLD.search(s)) or s.startswith("**")
    s = s.replace("**", "").replace("__", "")
    s = re.sub(r"(?<!\w)\*(.+?)\*(?!\w)", r"\1", s)      # *italic*
    s = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", s)
    return re.sub(r"\s+", " ", s).strip(" *"), bold


def parse_number(text: str) -> tuple[float, str | None] | None:
    m = NUM.match(text.strip())
    if not m:
        return None
    unit = m.group(2)
    return float(m.group(1).replace(",", "").replace("−", "-")), (unit.upper() if unit == "k" else unit)


def split_values(text: str) -> list[str] | None:
    """'38.77 / 66.32' -> ['38.77', '66.32']; a single number -> [it]; anything else -> None."""
    parts = [p.strip() for p in text.split("/")] if "/" in text else [text.strip()]
    if all(parse_number(p) for p in parts) and len(parts) <= 3:
        return parts
    return None


def to_grid(t: Table, path) -> Grid:
    where = f"table at line {t.line}" + (f" (Table {t.table_no})" if t.table_no else "")
    if t.fmt == "markdown":
        rows = markdown_rows(t.lines, path, where)
    elif t.fmt == "tsv":
        rows = [[c for c in ln.split("\t")] for ln in t.lines]
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        rows = [[make_cell(c) for c in r] for r in rows]
    else:
        rows = html_rows(t.lines[0], path, where)
    rows = [r for r in rows if any(c.text for c in r)]
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        raise IngestError(path, "table has no data rows or only one column", where)
    return Grid(rows)


def make_cell(raw: str) -> Cell:
    text, bold = clean(raw)
    return Cell(text=text, raw=raw.strip(), bold=bold)


def markdown_rows(lines: list[str], path, where: str) -> list[list[Cell]]:
    def cells(line: str) -> list[str]:
        s = line.strip()
        s = s[1:] if s.startswith("|") else s
        s = s[:-1] if s.endswith("|") else s
        return re.split(r"(?<!\\)\|", s)

    header = cells(lines[0])
    out = []
    for k, line in enumerate(lines):
        if k == 1:
            continue  # the --- separator
        row = cells(line)
        if len(row) != len(header):
            raise IngestError(path, f"ragged markdown table: row has {len(row)} cells, header has {len(header)}",
                              f"{where}, row {k + 1}: {line.strip()[:80]!r}")
        out.append([make_cell(c) for c in row])
    return out


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, int, int]]] = []
        self.cell: list[str] | None = None
        self.span = (1, 1)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            if not self.rows:
                self.rows.append([])
            self.cell = []
            self.span = (int(a.get("rowspan") or 1), int(a.get("colspan") or 1))
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(("".join(self.cell), *self.span))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def html_rows(source: str, path, where: str) -> list[list[Cell]]:
    p = _Rows()
    try:
        p.feed(source)
        p.close()
    except (ValueError, AssertionError) as e:
        raise IngestError(path, f"HTML table cannot be parsed ({e})", where) from e
    grid: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(p.rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in grid:
                c += 1
            for dr in range(min(rs, 500)):
                for dc in range(min(cs, 100)):
                    cell = make_cell(text)
                    cell.copy = bool(dr or dc)
                    grid[(r + dr, c + dc)] = cell
            c += cs
    if not grid:
        raise IngestError(path, "HTML table has no cells", where)
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), Cell("", "")) for c in range(width)] for r in range(height)]
