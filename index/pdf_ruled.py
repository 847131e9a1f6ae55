"""Rows of a ruled grid: a table with a rule under every row (a word processor's or web page's bordered table),
whose cells wrap over several lines each, set at the top, middle or bottom of their row.

Between two rules lies one row, whatever the lines inside it: each column's words there, top to bottom, are its
cell. A rule that stops short of a column (a rowspan cell's border) leaves that column's cell open over the rows
it spans: its label names the block of rows (a group). Used only when every band between rules holds at most one
line of values; booktabs blocks of several rows between midrules are read line by line as before.
"""
from __future__ import annotations

from .pdf_lines import Chunk, Line, is_numeric
from .pdf_read import Rule
from .pdf_rowgroups import Row
from .pdf_wrap import is_value, join_wrapped


def ruled_rows(body: list[Line], rules: list[Rule], cols: list, nearest, cell_text) -> tuple[list[Row], list] | None:
    """(rows, groups) read band by band, or None when the body is not one row per band or needs no such reading
    (every band a single line). `groups` is [(label, rows)] when a first-column cell spans several rows, else []."""
    if not body or len(cols) < 2:
        return None
    last = cols[-1].center
    ys = bands_of(rules, last, body[0].top)
    if len(ys) < 2:
        return None
    bands: list[list[Line]] = [[] for _ in range(len(ys) + 1)]
    for ln in body:
        bands[band_of(ln.mid, ys)].append(ln)
    filled = [b for b in bands if b]
    if len(filled) < 2 or all(len(b) == 1 for b in filled):
        return None
    if any(sum(1 for ln in b if values_in(ln) >= 1) > 1 for b in filled):
        return None                                   # several rows of values between two rules: not this grid
    col_ys = [bands_of(rules, c.center, body[0].top) for c in cols]
    rows, spans = [], []
    for k, band in enumerate(bands):
        if not band:
            continue
        mid = sum(ln.mid for ln in band) / len(band)
        cells, keys = [], []
        for j, c in enumerate(cols):
            cell_band = band_of(mid, col_ys[j])
            words = [w for ln in body if band_of(ln.mid, col_ys[j]) == cell_band for w in ln.words
                     if nearest(Chunk([w]), cols) == j]
            cells.append(text_of(words, cell_text))
            keys.append(cell_band)
        filled_cells = [t for t in cells if t]
        label_only = len(filled_cells) == 1 and not is_numeric(filled_cells[0])
        first = next((t for t in cells if t), "")
        rows.append(Row(cells, mid, label_only, first[:1].islower(), False))
        spans.append(keys[0])
    return rows, groups_of(rows, spans)


def values_in(ln: Line) -> int:
    return sum(1 for c in ln.runs if is_value(c.text))


def bands_of(rules: list[Rule], x: float, top: float) -> list[float]:
    """The ys of the rules that cross x below the body's top, one per line."""
    ys: list[float] = []
    for y in sorted(r.y for r in rules if r.x0 - 1 <= x <= r.x1 + 1 and r.y > top - 1):
        if not ys or y - ys[-1] > 1.5:
            ys.append(y)
    return ys


def band_of(y: float, ys: list[float]) -> int:
    return sum(1 for r in ys if r < y)


def text_of(words: list, cell_text) -> str:
    """A cell's words, line by line top to bottom, wrapped lines joined."""
    if not words:
        return ""
    lines: list[list] = []
    for w in sorted(words, key=lambda w: (w.mid, w.x0)):
        if lines and abs(w.mid - lines[-1][0].mid) < 0.4 * w.size:
            lines[-1].append(w)
        else:
            lines.append([w])
    text = ""
    for ws in lines:
        text = join_wrapped(text, cell_text(Chunk(sorted(ws, key=lambda w: w.x0))))
    return text


def groups_of(rows: list[Row], spans: list[int]) -> list[tuple[str, int]]:
    """[(label, n)] for the first column when one of its cells spans several rows (and no row is a lone label)."""
    if len(set(spans)) == len(spans) or any(r.label_only for r in rows):
        return []
    out: list[tuple[str, int]] = []
    prev = None
    for r, s in zip(rows, spans):
        if s == prev:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((r.cells[0], 1))
        prev = s
    return out
