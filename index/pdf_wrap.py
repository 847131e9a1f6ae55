"""Cell text wrapped over several lines inside one table row.

A web page or word processor centres a row's cells vertically: when a label wraps over two lines, the row's values
sit between them, on a line of their own that overlaps both halves. Those label lines belong to the row of values
they overlap; joined top to bottom they are its label ('ARC-' + 'Challenge'). A LaTeX table's lines never overlap,
so its group rows ('Knowledge' above its first row) are left alone.
"""
from __future__ import annotations

import re
from functools import cached_property

from .pdf_lines import Chunk, Line, chunks, is_numeric, overlap
from .pdf_read import Word

SOFT_HYPHEN = "\u00ad"      # a word hyphenated at a cell's line end: the page's reader decides if the hyphen stays
NO_VALUE = ("-", "–", "—", "n/a", "N/A")


class Folded(Line):
    """A row's line with its wrapped label joined in: the label is a cell of its own however close the first
    value sits (a narrow web table's column gap can be narrower than the gap that splits runs)."""

    @cached_property
    def runs(self) -> list[Chunk]:
        return [Chunk(self.words[:1])] + chunks(self.words[1:])


def join_wrapped(upper: str, lower: str) -> str:
    if not upper:
        return lower
    if not lower:
        return upper
    if re.search(r"(?:^|[\s/])[a-z]{2,}-$", upper) and re.match(r"[a-z]", lower):    # 'augmen-' + 'tation'
        return upper[:-1] + SOFT_HYPHEN + lower
    return upper + lower if upper.endswith(("-", "/")) or lower.startswith(("-", "/")) else f"{upper} {lower}"


def is_value(text: str) -> bool:
    return is_numeric(text) or text in NO_VALUE


def fold_wrapped(lines: list[Line]) -> list[Line]:
    """Each line of two or more values takes the lone label lines that overlap it (and the label lines right
    above or below those, a label over three or four lines) as the wrapped parts of its label."""
    taken: set[int] = set()
    folds: dict[int, tuple[list[Line], list[Line]]] = {}
    for k, d in enumerate(lines):
        if k in taken or not values_line(d):
            continue
        above = wrapped_parts(lines, k, -1, taken)
        below = wrapped_parts(lines, k, 1, taken)
        if label_run(d) is not None and len(above) != len(below):
            above = below = []      # the row's own label is the middle line of a centred label, or there is none
        if above or below:
            folds[k] = (above, below)
            taken |= {lines.index(ln) for ln in above + below}
    if not folds:
        return lines
    out = []
    for k, ln in enumerate(lines):
        if k in folds:
            out.append(folded(ln, *folds[k]))
        elif k not in taken:
            out.append(ln)
    return out


def values_line(ln: Line) -> bool:
    runs = ln.runs
    return sum(1 for c in runs if is_value(c.text)) >= 2


def label_run(d: Line) -> Chunk | None:
    """The row's own label: its runs left of its first value, as one chunk."""
    first = next(i for i, c in enumerate(d.runs) if is_value(c.text))
    words = [w for c in d.runs[:first] for w in c.words]
    return Chunk(words) if words else None


def wrapped_parts(lines: list[Line], k: int, step: int, taken: set[int]) -> list[Line]:
    """Lone label lines going up (step -1) or down from line k, all in the label's column: the first must overlap
    line k's height (when the row has no label of its own) or follow its label as lines of one paragraph do, and
    each next one must follow the last so."""
    d = lines[k]
    own = label_run(d)
    first_value = next(c for c in d.runs if is_value(c.text))
    parts: list[Line] = []
    j = k + step
    while 0 <= j < len(lines) and j not in taken:
        ln = lines[j]
        if len(ln.runs) != 1 or ln.x1 > first_value.x0:      # ("12B" of a wrapped name reads as a value)
            break
        if own is not None and overlap(ln.x0, ln.x1, own.x0, own.x1) <= 0:
            break
        if parts and overlap(ln.x0, ln.x1, parts[-1].x0, parts[-1].x1) <= 0:
            break
        h = min(ln.bottom - ln.top, d.bottom - d.top) or 1.0
        if not parts and own is None and overlap(ln.top, ln.bottom, d.top, d.bottom) < 0.2 * h:
            break
        if parts or own is not None:             # the next line of the label's paragraph
            last = parts[-1] if parts else d
            gap = ln.top - last.bottom if step > 0 else last.top - ln.bottom
            if gap > 0.1 * ln.size:
                break
        parts.append(ln)
        j += step
    return parts


def folded(d: Line, above: list[Line], below: list[Line]) -> Line:
    own = label_run(d)
    pieces = [ln.text for ln in reversed(above)] + ([own.text] if own else []) + [ln.text for ln in below]
    text = ""
    for p in pieces:
        text = join_wrapped(text, p)
    words = [w for ln in above + below for w in ln.words] + (own.words if own else [])
    ids = {id(w) for w in own.words} if own else set()
    label = Word(text, min(w.x0 for w in words), max(w.x1 for w in words), d.top, d.bottom,
                 sorted(w.size for w in words)[len(words) // 2], all(w.bold for w in words))
    return Folded([label] + [w for w in d.words if id(w) not in ids])
