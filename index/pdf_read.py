"""A PDF's pages as positioned words and horizontal rules (pypdfium2), with clear errors for bad files.

Coordinates are top-down (y grows down the page), in points. Pure: a path in, pages out.
"""
from __future__ import annotations

import ctypes
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from .errors import IngestError

SUPERSCRIPT = str.maketrans("0123456789+-=()abcdefghijklmnoprstuvwxyz",
                            "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ")
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"})
T1_LIGATURES = {"\x1b": "ff", "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi", "\x1f": "ffl"}
BOLD_FONT = re.compile(r"bold|black|heavy|demi|medi(?:um)?\b|-medi|\+?(?:cm|sf|lm)bx|bx\d")   # CMBX10, Times-Medi
WORD_GAP = 0.6       # a gap wider than this many glyph heights splits a word even where the PDF has no space


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def mid_x(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Rule:
    x0: float
    x1: float
    y: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    turned: list[Word] = field(default_factory=list)     # rotated words (a table's turned headers, stamps, axes)


def check_bytes(path: Path, data: bytes) -> None:
    if not data.strip():
        raise IngestError(path, "is empty")
    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise IngestError(path, "is not a PDF (it does not start with %PDF-); rename it if it is a text paper")
    if b"%%EOF" not in data[-4096:]:
        raise IngestError(path, "is a truncated or damaged PDF (no end-of-file marker); download it again")


def open_pdf(path: Path) -> pdfium.PdfDocument:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise IngestError(path, f"cannot be read ({e.strerror})") from e
    check_bytes(path, data)
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg or "security" in msg:
            raise IngestError(path, "is an encrypted PDF that needs a password; save an unlocked copy") from e
        raise IngestError(path, f"is a damaged PDF the reader cannot open ({e})") from e


def read_pages(path: Path) -> list[Page]:
    doc = open_pdf(path)
    try:
        if len(doc) == 0:
            raise IngestError(path, "is a PDF with no pages")
        pages = [read_page(doc[k], k + 1) for k in range(len(doc))]
    except pdfium.PdfiumError as e:
        raise IngestError(path, f"is a damaged PDF (a page cannot be read: {e})") from e
    finally:
        doc.close()
    if sum(len(p.words) for p in pages) < max(20, 10 * len(pages)):      # a stamp or a page number is no text
        raise IngestError(path, "has no text layer (a scanned or image-only PDF); run OCR on it first")
    return pages


def read_page(page, number: int) -> Page:
    width, height = page.get_size()
    if page.get_rotation() in (90, 270):
        width, height = height, width                # get_size reports the page as shown; the text is unturned
    tp = page.get_textpage()
    try:
        frame = Frame.of(text_quarter(tp.raw), width, height)   # a landscape page's text is read turned upright
        turned: list[Word] = []
        words = page_words(tp, height, turned, frame)
    finally:
        tp.close()
    out = Page(number, frame.width, frame.height, words, drop_underlines(page_rules(page, frame), words), turned)
    page.close()
    return out


@dataclass
class Frame:
    """Page coordinates (y up) to reading coordinates (y down) for text turned by `quarter` quarter turns."""
    c: int
    s: int
    ox: float
    oy: float
    width: float
    height: float
    quarter: int = 0

    @classmethod
    def of(cls, quarter: int, width: float, height: float) -> Frame:
        c, s = ((1, 0), (0, -1), (-1, 0), (0, 1))[quarter]        # pdfium counts angles clockwise
        xs = [x * c + y * s for x in (0, width) for y in (0, height)]
        ys = [x * s - y * c for x in (0, width) for y in (0, height)]
        return cls(c, s, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys), quarter)

    def xs(self, l: float, b: float, r: float, t: float) -> tuple[float, float]:
        a, z = l * self.c + b * self.s - self.ox, r * self.c + t * self.s - self.ox
        return min(a, z), max(a, z)

    def ys(self, l: float, b: float, r: float, t: float) -> tuple[float, float]:
        a, z = l * self.s - b * self.c - self.oy, r * self.s - t * self.c - self.oy
        return min(a, z), max(a, z)

    def up(self, x: float, y: float) -> float:
        return -(x * self.s - y * self.c)


def text_quarter(tp) -> int:
    """How many quarter turns (clockwise) most of the page's text is set at: 1 or 3 on a landscape page."""
    n = raw.FPDFText_CountChars(tp)
    step = max(1, n // 400)
    seen = [0, 0, 0, 0]
    for i in range(0, n, step):
        if not chr(raw.FPDFText_GetUnicode(tp, i)).isspace():
            seen[round(raw.FPDFText_GetCharAngle(tp, i) / (math.pi / 2)) % 4] += 1
    best = max(range(4), key=lambda q: seen[q])
    return best if seen[best] > 0.6 * sum(seen) else 0


class _Objects:
    """Per text object (one font, one matrix): is it bold, is it rotated. Looked up once per object."""

    def __init__(self, tp, quarter: int = 0):
        self.tp, self.base = tp, quarter * math.pi / 2
        self.buf = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.seen: dict[int | None, tuple[bool, bool]] = {}

    def style(self, i: int) -> tuple[bool, bool]:
        obj = ctypes.cast(raw.FPDFText_GetTextObject(self.tp, i), ctypes.c_void_p).value
        if obj is None:
            return self.lookup(i)
        if obj not in self.seen:
            self.seen[obj] = self.lookup(i)
        return self.seen[obj]

    def lookup(self, i: int) -> tuple[bool, bool]:
        n = raw.FPDFText_GetFontInfo(self.tp, i, self.buf, 128, ctypes.byref(self.flags))
        name = self.buf.raw[:max(0, n - 1)].decode("latin-1").lower()
        weight = raw.FPDFText_GetFontWeight(self.tp, i)
        bold = weight >= 600 or bool(BOLD_FONT.search(name)) or bool(self.flags.value & 0x40000)
        return bold, abs(math.sin(raw.FPDFText_GetCharAngle(self.tp, i) - self.base)) > 0.1


class _Marks:
    """Tells a raised, smaller footnote mark from the word it follows (by baseline and font size)."""

    def __init__(self, tp, frame: Frame):
        self.tp, self.frame = tp, frame
        self.x, self.y = ctypes.c_double(), ctypes.c_double()

    def baseline(self, i: int) -> tuple[float, float]:
        raw.FPDFText_GetCharOrigin(self.tp, i, self.x, self.y)
        return self.frame.up(self.x.value, self.y.value), raw.FPDFText_GetFontSize(self.tp, i)

    def raised(self, i: int, first: int) -> bool:
        (y, size), (y0, size0) = self.baseline(i), self.baseline(first)
        return size < 0.85 * size0 and y > y0 + 0.2 * size0

    def lowered(self, i: int, first: int) -> bool:
        (y, size), (y0, size0) = self.baseline(i), self.baseline(first)
        return size < 0.85 * size0 and y < y0 - 0.1 * size0


def page_words(textpage, height: float, turned: list[Word] | None = None, frame: Frame | None = None) -> list[Word]:
    """The page's upright words (upright in `frame`: a landscape page's turned text); rotated ones go to `turned`
    (when given), kept apart from the text."""
    tp = textpage.raw
    frame = frame or Frame.of(0, 0.0, height)
    upright = frame.quarter == 0                   # the usual page: no turn to apply
    objects, marks = _Objects(tp, frame.quarter), _Marks(tp, frame)
    l, b, r, t = (ctypes.c_double() for _ in range(4))
    loose = raw.FS_RECTF()
    words: list[Word] = []
    cur: list = []          # [chars, x0, x1, top, bottom, size, bold_count, n, index of first char, in subscript]
    tcur: list = []         # the rotated word being read: [chars, x0, x1, top, bottom, bold_count]
    n = raw.FPDFText_CountChars(tp)
    for i in range(n):
        ch = chr(raw.FPDFText_GetUnicode(tp, i))
        if ch in "\x02\ufffe\xad":
            ch = "-"                                 # a hyphen at a line end, reported as a soft hyphen
        if ch in T1_LIGATURES and (cur and cur[0][-1].isalpha() or not cur and i + 1 < n
                                   and chr(raw.FPDFText_GetUnicode(tp, i + 1)).isalpha()):
            ch = T1_LIGATURES[ch]                    # a ligature of a T1-encoded bitmap font: 'e\x1ecient'
        elif ord(ch) < 32 and not ch.isspace():
            continue                                 # a control code from a symbol font: no text
        bold, rotated = objects.style(i) if not ch.isspace() else (False, False)
        if ch in "\r\n" and cur and glued_mark(tp, i, cur, marks):
            continue                                 # a line break pdfium put before a raised mark ('7B' + '¹')
        if ch.isspace() or ch == "\x00" or rotated:
            close_word(cur, words)                   # rotated text (a margin stamp, an axis label) is not read
            cur = []                                 # as text; a table may use it as a turned header
            if turned is not None:
                tcur = turn(tcur, tp, i, frame, turned) if rotated and not ch.isspace() else close_turned(tcur, turned)
            continue
        raw.FPDFText_GetCharBox(tp, i, l, r, b, t)
        raw.FPDFText_GetLooseCharBox(tp, i, loose)
        if upright:
            x0, x1, top, bot = l.value, r.value, height - loose.top, height - loose.bottom
        else:
            x0, x1 = frame.xs(l.value, b.value, r.value, t.value)
            top, bot = frame.ys(loose.left, loose.bottom, loose.right, loose.top)
        size = (bot - top) or abs(t.value - b.value or r.value - l.value)   # the glyphs' drawn height, not Tf
        if cur and not same_word(cur, x0, top, bot, size):
            close_word(cur, words)
            cur = []
        if not cur:
            cur = [[ch], x0, x1, top, bot, size, int(bold), 1, i, False]
        elif size < 0.9 * cur[5] and marks.raised(i, cur[8]):
            cur[0].append(ch.translate(SUPERSCRIPT))      # a raised footnote mark: '65.3¹', never '65.31'
            cur[2] = max(cur[2], x1)
        elif ch.isalpha() and size < 0.9 * cur[5] and (marks.lowered(i, cur[8]) if cur[9] else len(cur[0]) >= 3
                                                       and "".join(cur[0][-3:]).isalpha() and marks.lowered(i, i - 1)):
            # a subscript after a name (not a math variable's 'x_i'): 'FooQA_EM' reads 'FooQA (EM)'
            cur[0].append(ch if cur[9] else f" ({ch}")
            cur[2], cur[9] = max(cur[2], x1), True
        else:
            if cur[9]:
                cur[0].append(")")
                cur[9] = False
            cur[0].append(ch)
            cur[2] = max(cur[2], x1)
            cur[3], cur[4] = min(cur[3], top), max(cur[4], bot)
            if size >= 0.9 * cur[5]:                   # a subscript ('64.2' bold, '±0.8' below it) does not
                cur[6] += int(bold)                      # decide the word's weight
                cur[7] += 1
            cur[5] = max(cur[5], size)
    close_word(cur, words)
    if turned is not None:
        close_turned(tcur, turned)
    return words


def glued_mark(tp, i: int, cur: list, marks: _Marks) -> bool:
    """The break at char i only separates the word being read from a footnote mark set right after it, raised and
    smaller (a web page's <sup>, which pdfium reads as a new line)."""
    n, j = raw.FPDFText_CountChars(tp), i
    while j < n and chr(raw.FPDFText_GetUnicode(tp, j)) in "\r\n":
        j += 1
    if j >= n or not chr(raw.FPDFText_GetUnicode(tp, j)).isalnum():
        return False
    l, r, b, t = (ctypes.c_double() for _ in range(4))
    raw.FPDFText_GetCharBox(tp, j, l, r, b, t)
    x0 = min(marks.frame.xs(l.value, b.value, r.value, t.value))
    return cur[2] - 1 <= x0 <= cur[2] + 0.3 * cur[5] and marks.raised(j, cur[8])


def turn(tcur: list, tp, i: int, frame: Frame, turned: list[Word]) -> list:
    """Add rotated char i to the rotated word being read (a gap along the text starts a new one)."""
    box = raw.FS_RECTF()
    raw.FPDFText_GetLooseCharBox(tp, i, box)
    x0, x1 = frame.xs(box.left, box.bottom, box.right, box.top)
    top, bot = frame.ys(box.left, box.bottom, box.right, box.top)
    ch = chr(raw.FPDFText_GetUnicode(tp, i))
    if tcur and (overlap(tcur[1], tcur[2], x0, x1) < 0.5 * (x1 - x0)
                 or max(top - tcur[4], tcur[3] - bot) > 0.5 * (x1 - x0)):
        close_turned(tcur, turned)
        tcur = []
    if not tcur:
        return [[ch], x0, x1, top, bot]
    tcur[0].append(ch)
    tcur[1], tcur[2], tcur[3], tcur[4] = min(tcur[1], x0), max(tcur[2], x1), min(tcur[3], top), max(tcur[4], bot)
    return tcur


def close_turned(tcur: list, turned: list[Word]) -> list:
    """Close the rotated word; the next word of a turned phrase ('Public law' set sideways) joins the one before
    it, in the order the page draws them (the reading order), when it sits in the same line just above or below."""
    if tcur:
        text = "".join(tcur[0]).translate(LIGATURES)
        w = Word(text, tcur[1], tcur[2], tcur[3], tcur[4], tcur[2] - tcur[1], False)
        last = turned[-1] if turned else None
        gap = max(w.top - last.bottom, last.top - w.bottom) if last else 0.0
        if last and overlap(last.x0, last.x1, w.x0, w.x1) >= 0.6 * min(last.size, w.size) and \
                -1.0 < gap < 0.8 * max(last.size, w.size):
            turned[-1] = Word(f"{last.text} {text}", min(last.x0, w.x0), max(last.x1, w.x1), min(last.top, w.top),
                              max(last.bottom, w.bottom), max(last.size, w.size), False)
        else:
            turned.append(w)
    return []


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def same_word(cur: list, x0: float, top: float, bot: float, size: float) -> bool:
    gap = x0 - cur[2]
    if gap > WORD_GAP * max(size, cur[5]) or gap < -max(size, cur[5]):
        return False
    return top < cur[4] and bot > cur[3]       # overlaps vertically (a superscript still joins)


def close_word(cur: list, words: list[Word]) -> None:
    if cur:
        text = "".join(cur[0]).translate(LIGATURES) + (")" if cur[9] else "")
        words.append(Word(text, cur[1], cur[2], cur[3], cur[4], cur[5], cur[6] * 2 > cur[7]))


def page_rules(page, frame: Frame) -> list[Rule]:
    """Thin horizontal strokes or filled boxes (booktabs rules), as (x0, x1, y), horizontal as the text reads; and
    the top and bottom edges of a shaded band (a word processor's or web page's shaded header or zebra rows):
    shaded cell by cell (a box beside another, or on a rule: browsers and word processors paint each cell). One
    shaded box alone is a code block or a note, not a table row.

    Only the page's own paths: those inside embedded figures (form objects) are figure art, not rules."""
    out, boxes = [], []
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=0):
        left, bottom, right, top = obj.get_bounds()
        x0, x1 = frame.xs(left, bottom, right, top)
        y0, y1 = frame.ys(left, bottom, right, top)
        if x1 - x0 < 15 or x0 < -5 or x1 > frame.width + 5:
            continue
        if y1 - y0 <= 2.5:
            out.append(Rule(x0, x1, (y0 + y1) / 2))
        elif y1 - y0 <= 100 and shaded(obj):
            boxes.append((x0, x1, y0, y1))
    edges: dict[int, list] = {}              # by rounded y: a page of chart bars stays quick to check
    for b, y in [(b, y) for b in boxes for y in b[2:]] + [((r.x0, r.x1, r.y, r.y), r.y) for r in out]:
        edges.setdefault(round(y), []).append((b, y))
    for box in boxes:
        x0, x1, y0, y1 = box
        near = [e for y in (y0, y1) for k in (round(y) - 1, round(y), round(y) + 1) for e in edges.get(k, ())]
        if any(b != box and (abs(y - y0) < 1 or abs(y - y1) < 1) and b[0] - 2 <= x1 and x0 <= b[1] + 2
               for b, y in near):
            out += [Rule(x0, x1, y0), Rule(x0, x1, y1)]
    return out


def shaded(obj) -> bool:
    """A path filled in a colour other than white (white is the paper, not a band)."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke)) or not fill.value:
        return False
    rgba = [ctypes.c_uint() for _ in range(4)]
    if not raw.FPDFPageObj_GetFillColor(obj.raw, *(ctypes.byref(c) for c in rgba)):
        return False
    r, g, b, a = (c.value for c in rgba)
    return a > 0 and min(r, g, b) < 245


def drop_underlines(rules: list[Rule], words: list[Word]) -> list[Rule]:
    """A stroke inside the lower half of a word's box and no wider than the word underlines it (a 'second best'
    mark), it rules nothing."""
    return [r for r in rules if not any(w.x0 - 2 <= r.x0 and r.x1 <= w.x1 + 2
                                        and (w.top + w.bottom) / 2 < r.y < w.bottom + 0.5 for w in words)]
