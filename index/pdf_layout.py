"""A page's reading order: running heads and page numbers dropped, two-column bands read left column
first, tables placed where they start."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .pdf_lines import Line, chunks, group_lines
from .pdf_read import Page
from .pdf_regions import TableItem, find_tables

GUTTER_GAP = 0.7     # runs inside one line are split at gaps this many glyph heights wide to find columns (a 10pt
                     # column gap under 10pt type is 1.0)


@dataclass
class Placed:
    """One line (or table) in reading order, with the column stream it belongs to."""
    line: Line | None
    table: TableItem | None
    column: int          # 0 full width, 1 left, 2 right
    left: float          # the column's left and right edges
    right: float


def is_furniture(ln: Line, page: Page, repeated: set[str]) -> bool:
    """Page numbers and running heads/feet."""
    edge = ln.bottom < 0.09 * page.height or ln.top > 0.91 * page.height
    if not edge:
        return False
    page_no = re.fullmatch(r"[\divxlcIVXLC\s\-–/]+|Page \d+( of \d+)?", ln.text)
    return bool(page_no) or furniture_key(ln.text) in repeated


# what a browser prints in a page's margins: the date and time, the address, 'n/m'
STAMP = re.compile(r"(?:https?|file)://\S+|www\.\S+|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?(?:\s+\d{1,2}:\d{2}(?::\d{2})?"
                   r"(?:\s*[AaPp]\.?[Mm]\.?)?)?|\d+\s*/\s*\d+|Page \d+ of \d+")


def without_stamps(page: Page) -> Page:
    """The page without the header and footer a browser prints in its margins: a line at the page's top or bottom
    edge with a date stamp, an address or a page count in a run of its own goes whole (the page title beside
    the date too), before tables are looked for, so no table takes them as a row."""
    drop: set[int] = set()
    for ln in group_lines(page.words):
        edge = ln.bottom < 0.06 * page.height or ln.top > 0.94 * page.height
        if edge and any(STAMP.fullmatch(c.text) for c in ln.runs) and not all(
                re.fullmatch(r"\d+", c.text) for c in ln.runs):
            drop |= {id(w) for w in ln.words}
    return replace(page, words=[w for w in page.words if id(w) not in drop]) if drop else page


def furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


@dataclass
class Gutter:
    left: float          # where the left column's text ends at the furthest
    right: float         # where the right column's text starts at the nearest

    @property
    def x(self) -> float:
        return (self.left + self.right) / 2


def find_gutter(lines: list[Line], width: float, body: float) -> Gutter | None:
    """The strip between two columns that almost no text run crosses, if the page has two columns."""
    runs = [[(c.x0, c.x1) for c in chunks(ln.words, GUTTER_GAP)] for ln in lines if len(ln.words) >= 2]
    if len(runs) < 8:
        return None
    best, best_n = None, None
    for x in range(int(0.35 * width), int(0.65 * width) + 1, 2):
        n = sum(1 for rs in runs if any(a < x < b for a, b in rs))
        if best_n is None or n < best_n:
            best, best_n = x, n
    both = sum(1 for rs in runs if any(b <= best for _, b in rs) and any(a >= best for a, _ in rs))
    if best_n > 0.2 * len(runs) or both < 5:
        return None
    ends = sorted(b for rs in runs for a, b in rs if b <= best)
    starts = sorted(a for rs in runs for a, b in rs if a >= best)
    return Gutter(ends[int(0.9 * (len(ends) - 1))], starts[int(0.1 * (len(starts) - 1))])   # a centred line is no edge


def sidebar(lines: list[Line], width: float) -> Gutter | None:
    """A web page's navigation strip down the left or right edge: a strip no line crosses, with only short
    entries ('FAQ', 'API reference') on the strip's outer side and the page's running text on the other. Read as a
    column of its own."""
    runs = [c for ln in lines for c in chunks(ln.words, GUTTER_GAP)]
    for xs, on_left in ((range(int(0.1 * width), int(0.35 * width) + 1, 2), True),
                        (range(int(0.9 * width), int(0.65 * width) - 1, -2), False)):
        def outer(c, x):
            return c.x1 <= x if on_left else c.x0 >= x
        for x in xs:
            if any(c.x0 < x < c.x1 for c in runs):
                continue
            side = [c for c in runs if outer(c, x)]
            main = [c for c in runs if not outer(c, x)]
            if not side:
                continue                    # the margin, beyond all text
            if len(side) >= 4 and all(len(c.words) <= 3 for c in side) and sum(len(c.words) >= 8 for c in main) >= 2:
                left, right = (side, main) if on_left else (main, side)
                return Gutter(max(c.x1 for c in left), min(c.x0 for c in right))
            break
    return None


def order_page(page: Page, body: float, repeated: set[str]) -> list[Placed]:
    page = without_stamps(page)
    lines = group_lines(page.words)
    two = find_gutter([ln for ln in lines if not is_furniture(ln, page, repeated)], page.width, body)
    tables = find_tables(page, lines, body, two.x if two else None)
    used = set().union(*(t.used for t in tables)) if tables else set()
    words = [w for w in page.words if id(w) not in used]
    lines = [ln for ln in group_lines(words) if not is_furniture(ln, page, repeated)]
    gutter = find_gutter(lines, page.width, body) or two or sidebar(lines, page.width)
    left = min((ln.x0 for ln in lines), default=0.0)
    right = max((ln.x1 for ln in lines), default=page.width)
    if gutter is None:
        items = [Placed(ln, None, 0, left, right) for ln in lines] + [Placed(None, t, 0, left, right)
                                                                        for t in tables]
        return sorted(items, key=top_of)
    return two_columns(lines, tables, gutter, left, right)


def top_of(p: Placed) -> float:
    return p.line.top if p.line else p.table.top


def two_columns(lines: list[Line], tables: list[TableItem], strip: Gutter, left: float,
                right: float) -> list[Placed]:
    """Full-width lines and tables cut the page into bands; inside a band, the left column then the right."""
    pieces: list[Placed] = []
    gutter = strip.x
    for ln in lines:
        runs = chunks(ln.words, GUTTER_GAP)
        if any(c.x0 < gutter < c.x1 for c in runs):
            pieces.append(Placed(ln, None, 0, left, right))
            continue
        lw = [w for w in ln.words if w.x1 <= gutter]
        rw = [w for w in ln.words if w.x1 > gutter]
        if lw:
            pieces.append(Placed(Line(lw), None, 1, left, gutter))
        if rw:
            pieces.append(Placed(Line(rw), None, 2, gutter, right))
    for t in tables:
        col = 1 if t.x1 <= strip.right + 2 else (2 if t.x0 >= strip.left - 2 else 0)
        pieces.append(Placed(None, t, col, left if col < 2 else gutter, right if col != 1 else gutter))
    pieces.sort(key=top_of)
    out: list[Placed] = []
    band: list[Placed] = []
    for p in pieces:
        if p.column == 0:
            out += sorted(band, key=lambda q: (q.column, top_of(q)))
            band = []
            out.append(p)
        else:
            band.append(p)
    return out + sorted(band, key=lambda q: (q.column, top_of(q)))
