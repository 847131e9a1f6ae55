"""Words into lines and lines into runs (chunks): the geometry the text and table readers share."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .pdf_read import Word

NUMERIC = re.compile(r"^[<>~≈±+\-−–]?\$?\d[\d,.]*\s*(?:%|[BKMT]|k)?(?:\s*(?:±|\+/?-)\s*\d[\d.]*)?"
                     r"(?:\s*[(\[]\s*[±+\-]?\d[\d.]*\s*%?[)\]])?\S{0,2}$")   # 71.2 ± 0.4, 58.1 (0.9), 65.3†
CHUNK_GAP = 0.9      # a gap wider than this many glyph heights inside one line separates table cells / columns


@dataclass
class Line:
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def size(self) -> float:
        sizes = sorted(w.size for w in self.words)
        return sizes[len(sizes) // 2]

    @property
    def bold(self) -> bool:
        chars = sum(len(w.text) for w in self.words)
        return sum(len(w.text) for w in self.words if w.bold) >= 0.8 * chars

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @cached_property
    def runs(self) -> list[Chunk]:
        """The line cut at gaps wider than a table's column gap."""
        return chunks(self.words)


@dataclass
class Chunk:
    words: list[Word]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words)


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def group_lines(words: list[Word]) -> list[Line]:
    """Words sharing a baseline band, left to right; lines top to bottom."""
    lines: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.mid, w.x0)):
        if bands:
            top, bot = bands[-1]
            h = min(bot - top, w.bottom - w.top) or 1.0
            if overlap(top, bot, w.top, w.bottom) >= 0.6 * h:
                lines[-1].append(w)
                continue
        lines.append([w])
        bands.append((w.top, w.bottom))
    return [Line(sorted(ws, key=lambda w: w.x0)) for ws in lines]


def chunks(words: list[Word], gap: float = CHUNK_GAP) -> list[Chunk]:
    """Split left-to-right words where the gap is wider than `gap` glyph heights."""
    out: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.x0):
        if out and w.x0 - out[-1][-1].x1 <= gap * max(w.size, out[-1][-1].size):
            out[-1].append(w)
        else:
            out.append([w])
    return [Chunk(ws) for ws in out]


def is_numeric(text: str) -> bool:
    return bool(NUMERIC.match(text.replace("**", "").strip()))
