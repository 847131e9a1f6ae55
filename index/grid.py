"""Table blocks (markdown pipes, tab-separated, HTML) into one rectangular grid of cells.

Spans are expanded: a cell copied into the places its rowspan/colspan covers is marked `copy=True`
so it is never counted or stored twice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from .cells import MISSING, NUM, parse_number, read_cell
from .document import Table
from .errors import IngestError

__all__ = ["MISSING", "NUM", "Cell", "Grid", "parse_number", "split_values", "to_grid"]


@dataclass
class Cell:
    text: str                    # markup, footnote marks and spread removed
    raw: str                     # as printed
    bold: bool = False
    copy: bool = False           # filled in from a rowspan/colspan
    spread: float | None = None  # '71.2 ± 0.4' -> 0.4
    mark: str | None = None      # footnote mark removed from the cell


@dataclass
class Grid:
    rows: list[list[Cell]]

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


@lru_cache(maxsize=65536)
def split_values(text: str) -> tuple[str, ...] | None:
    """'38.77 / 66.32' -> ('38.77', '66.32'); a single number -> (it,); anything else -> None."""
    parts = [p.strip() for p in text.split("/")] if "/" in text else [text.strip()]
    if all(parse_number(p) for p in parts) and len(parts) <= 3:
        return tuple(parts)
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


def make_cell(raw: str, printed: str | None = None) -> Cell:
    """raw: the cell's source (markup included); printed: what a reader sees, when that differs (HTML)."""
    c = read_cell(raw)
    shown = raw if printed is None else printed
    return Cell(text=c.text, raw=shown.strip(), bold=c.bold, spread=c.spread, mark=c.mark)


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


def span_of(raw: str | None) -> int:
    """A rowspan/colspan attribute; junk ('2a', '-1', '') counts as 1."""
    return int(raw) if raw and raw.strip().isdigit() and int(raw) > 0 else 1


MAX_CELLS = 50_000      # an HTML table's cells after rowspan/colspan are filled in
INLINE = {"b", "strong", "i", "em", "u", "ins", "sup", "sub", "span", "small"}


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, str, int, int]]] = []
        self.cell: list[str] | None = None      # the cell's text with its inline markup, for read_cell
        self.plain: list[str] = []              # the text a reader sees, for raw_cell
        self.span = (1, 1)
        self.depth = 0          # <table> nesting: rows and cells of a nested table are text of the outer cell

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.depth += 1
        if self.depth > 1 or (tag in INLINE and self.cell is not None):
            self.markup(f"<{tag}>", tag)
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            if not self.rows:
                self.rows.append([])
            self.cell, self.plain = [], []
            self.span = (span_of(a.get("rowspan")), span_of(a.get("colspan")))
        elif tag == "br":
            self.markup(" ", tag)

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1
        if self.depth > 1 or (tag in INLINE and self.cell is not None):
            self.markup(f"</{tag}>", tag)
            return
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(("".join(self.cell), "".join(self.plain), *self.span))
            self.cell = None

    def markup(self, text: str, tag: str) -> None:
        """Inline tags stay in the cell's source (bold, footnote <sup>); nested tables become spaces."""
        if self.cell is None:
            return
        if tag in INLINE and self.depth <= 1:
            self.cell.append(text)
        else:
            self.cell.append(" ")
            self.plain.append(" ")

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data.replace("<", "&lt;"))
            self.plain.append(data)


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
        for text, plain, rs, cs in row:
            while (r, c) in grid:
                c += 1
            rs, cs = min(rs, 500), min(cs, 100)
            if len(grid) + rs * cs > MAX_CELLS:
                raise IngestError(path, f"HTML table has more than {MAX_CELLS:,} cells once its spans are filled in",
                                  where)
            for dr in range(rs):
                for dc in range(cs):
                    cell = make_cell(text, plain)
                    cell.copy = bool(dr or dc)
                    grid[(r + dr, c + dc)] = cell
            c += cs
    if not grid:
        raise IngestError(path, "HTML table has no cells", where)
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    if height * width > MAX_CELLS:
        raise IngestError(path, f"HTML table is {height} × {width} cells, more than {MAX_CELLS:,}", where)
    return [[grid.get((r, c), Cell("", "")) for c in range(width)] for r in range(height)]
