"""Columns set closer than the gap that splits a line into runs (a web page's table with a few pixels of padding):
a strip of white that runs down every row of a column, between two words of each, splits it in two."""
from __future__ import annotations

from .pdf_lines import Chunk, Line, is_numeric

MIN_ROWS = 3        # fewer rows can share a gap between words by chance
MIN_GAP = 0.3       # the strip is at least this many glyph heights wide (a word space is narrower)


def split_rivers(cols: list, lines: list[Line], make) -> list:
    """`cols` (x0, x1 intervals built with `make(x0, x1)`) with each one cut where every body line that reaches
    into it has words on both sides of one white strip."""
    out = []
    for col in cols:
        out += cut(col, [[w for w in ln.words if col.x0 - 0.5 <= w.mid_x <= col.x1 + 0.5] for ln in lines
                         if len(ln.runs) >= 2], make)
    return out


def cut(col, rows: list[list], make) -> list:
    rows = [ws for ws in rows if ws]
    if len(rows) < MIN_ROWS:
        return [col]
    size = sorted(w.size for ws in rows for w in ws)[len([w for ws in rows for w in ws]) // 2]
    spans = sorted((w.x0, w.x1) for ws in rows for w in ws)
    covered: list[list[float]] = []
    for a, b in spans:
        if covered and a <= covered[-1][1] + MIN_GAP * size:
            covered[-1][1] = max(covered[-1][1], b)
        else:
            covered.append([a, b])
    if len(covered) < 2:
        return [col]
    parts = []
    for k, (a, b) in enumerate(covered):    # every row has words in every part: a true column, not a ragged label
        texts = [" ".join(w.text for w in ws if a <= w.mid_x <= b) for ws in rows]
        if not all(texts) or (k < len(covered) - 1 and (any(is_numeric(t) for t in texts) or len(set(texts)) == 1)):
            return [col]            # a value and its spread ('71.2 ± 0.4') stay one cell; so do names sharing
                                    # their first word ('Kite Nano', 'Kite Pro'), however wide its space
        parts.append(make(a, b))
    return parts


def split_run(run: Chunk, cols: list, home) -> list[Chunk]:
    """A run whose words sit in different columns, one chunk per column (`home(chunk)` names a word's column)."""
    out: list[list] = []
    last = None
    for w in run.words:
        k = home(Chunk([w]))
        if out and k == last:
            out[-1].append(w)
        else:
            out.append([w])
        last = k
    return [Chunk(ws) for ws in out]
