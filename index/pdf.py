"""A PDF paper as the markdown-ish text the rest of the index reads.

Headings become '#' lines (numbering depth gives the level), each page's first block carries a `[p. N]`
marker, paragraphs are rejoined (line breaks and hyphenation repaired), two-column pages are read one
column at a time, and tables rebuilt from word positions follow their `Table N:` caption.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .pdf_continue import continued_number, merge_parts
from .pdf_layout import Placed, furniture_key, order_page
from .pdf_lines import Line, group_lines
from .pdf_read import Page, read_pages
from .pdf_regions import FIGURE_CAPTION, TABLE_CAPTION
from .pdf_table import SOFT_HYPHEN

NUMBERED = re.compile(r"^(?:(\d{1,2}(?:\.\d{1,2}){0,3})|([A-H](?:\.\d{1,2}){1,3})|(Appendix [A-H]))\.?\s+\S")
WORD_PUNCT = ".,;:()[]\"'“”"
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass
class Block:
    kind: str            # 'heading', 'para' or 'table'
    page: int
    text: str = ""
    level: int = 1
    tables: list[list[str]] | None = None
    size: float = 0.0
    last_page: int = 0       # a table continued over a page break: the page its last part is on


def pdf_to_markdown(path: Path) -> str:
    pages = read_pages(path)
    body = body_size(pages)
    repeated = running_heads(pages)
    hyphenated = Counter(w.text.lower().strip(WORD_PUNCT) for p in pages for w in p.words)   # every word, as seen
    ordered = [(page.number, order_page(page, body, repeated)) for page in pages]
    writer = Writer(body, hyphenated, section_style([p for _, items in ordered for p in items], body))
    writer.leading = leading([p for _, items in ordered for p in items], body)
    for number, items in ordered:
        writer.page(number, items)
    writer.flush()
    return render(writer.blocks)


def body_size(pages: list[Page]) -> float:
    sizes = Counter(round(w.size * 2) / 2 for p in pages for w in p.words for _ in w.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def running_heads(pages: list[Page]) -> set[str]:
    """Text at the very top or bottom of at least three pages (digits ignored): running heads and feet."""
    seen: Counter[str] = Counter()
    for p in pages:
        edge = [w for w in p.words if w.bottom < 0.09 * p.height or w.top > 0.91 * p.height]
        seen.update({furniture_key(ln.text) for ln in group_lines(edge)})
    return {k for k, n in seen.items() if n >= 3 and len(pages) >= 4}


def leading(items: list[Placed], body: float) -> float:
    """The usual white between two lines of a paragraph (most common gap between body-size lines in one
    column): a web page's line-height of 1.5 leaves more than half a line, LaTeX far less."""
    gaps: Counter[float] = Counter()
    for a, b in zip(items, items[1:]):
        if a.line and b.line and a.column == b.column and abs(a.line.size - body) < 0.1 * body \
                and abs(b.line.size - body) < 0.1 * body and 0 <= b.line.top - a.line.bottom < 1.5 * body:
            gaps[round(b.line.top - a.line.bottom)] += 1
    return float(gaps.most_common(1)[0][0]) if gaps else 0.0


def section_style(items: list[Placed], body: float) -> tuple[float, bool] | None:
    """Size and weight of the numbered top-level headings ('3 Method'), to know unnumbered ones by."""
    found = [(p.line.size, p.line.bold) for p in items
             if p.line and len(p.line.words) <= 10 and (p.line.bold or p.line.size >= 1.12 * body)
             and re.match(r"\d{1,2}\.?\s+[A-Z]", p.line.text)]
    if len(found) < 2:
        return None
    sizes = sorted(s for s, _ in found)
    return sizes[len(sizes) // 2], sum(b for _, b in found) * 2 >= len(found)


class Writer:
    """Turns placed lines into heading, paragraph and table blocks."""

    def __init__(self, body: float, hyphenated: Counter[str], style: tuple[float, bool] | None):
        self.body, self.hyphenated, self.style = body, hyphenated, style
        self.blocks: list[Block] = []
        self.para: list[Placed] = []
        self.para_page = 0
        self.leading = 0.0

    def page(self, number: int, items: list[Placed]) -> None:
        self.number = number
        self.fresh = True           # nothing of this page read yet (a table now may continue the last page's)
        for k, p in enumerate(items):
            if p.table:
                self.flush()
                markup = [[self.unhyphen(line) for line in part] for part in p.table.markup]
                self.add_table(Block("table", number, p.table.caption or "", tables=markup))
                self.fresh = False
                continue
            self.fresh = False
            nxt = next((q.line for q in items[k + 1:] if q.line), None)
            level = self.heading_level(p, nxt, k + 1 < len(items) and items[k + 1].table is not None)
            if level:
                self.flush()
                self.add_heading(number, level, p.line)
            else:
                self.add_line(number, p)

    def add_table(self, block: Block) -> None:
        """A table's next page joins its first part: marked 'Table N (continued)' (in its caption or on the line
        above it), or, unmarked and uncaptioned, as the first thing on a page right after a table."""
        marker = self.blocks[-1] if self.blocks and self.blocks[-1].kind == "para" else None
        number = continued_number(block.text) if block.text else None
        if number is None and block.text and self.fresh and any(
                b.kind == "table" and b.text == block.text for b in self.blocks):
            number = table_number(block.text)       # its caption repeated atop the next page (a longtable's head)
        if number is None and marker and len(marker.text) < 120:
            number = continued_number(marker.text, alone=True)
        else:
            marker = None
        if number is not None:
            target = next((b for b in reversed(self.blocks) if b.kind == "table" and b.text
                           and table_number(b.text) == number), None)
            if target and merge_parts(target.tables, block.tables, marked=True):
                if marker is not None:
                    self.blocks.remove(marker)
                target.last_page = self.number
                return
        elif not block.text and self.fresh:
            last = self.table_before_feet()
            if last and max(last.page, last.last_page) == self.number - 1 and \
                    merge_parts(last.tables, block.tables, marked=False):
                last.last_page = self.number
                return
        self.blocks.append(block)

    def table_before_feet(self) -> Block | None:
        """The table that ended the page before, past any footnotes (small type) printed under it."""
        for b in reversed(self.blocks):
            if b.kind == "table":
                return b
            if b.kind != "para" or b.size >= 0.9 * self.body:
                return None
        return None

    def heading_level(self, p: Placed, nxt: Line | None, table_next: bool = False) -> int:
        ln, text = p.line, p.line.text
        if len(text) > 120 or len(ln.words) > 14 or not re.search(r"[A-Za-z]{2}", text):
            return 0
        distinct = ln.bold or ln.size >= 1.12 * self.body
        if not distinct or text.rstrip().endswith((",", ";")) or is_caption(text) or is_contents_entry(ln):
            return 0
        m = NUMBERED.match(text)
        if m and re.match(r"[A-Z]", text[m.end() - 1]):
            return min(6, (m.group(1) or m.group(2) or "A").count(".") + 1)
        last = self.blocks[-1] if self.blocks else None
        if (not self.para and last and last.kind == "heading" and abs(last.size - ln.size) < 0.5
                and ln.size >= 1.3 * self.body and text[0].islower()):
            return last.level           # a large heading wrapped onto a second line ('... the Foo-7B' / 'numbers')
        if self.number == 1 and ln.size >= 1.3 * self.body and not self.blocks and not self.para and nxt is not None:
            return 1                    # the page's first line, large: the title, however it ends ('Foo vs.' / 'Bar')
        if len(ln.words) > 8 or text.rstrip().endswith((".", ":", "-")) or not text[0].isupper():
            return 0
        if (nxt is None and not table_next) or (nxt is not None and is_caption(nxt.text)):
            return 0                    # a page's last line is no heading, unless a table follows it
        heads = [b for b in self.blocks if b.kind == "heading"]
        if self.number == 1 and ln.size >= 1.3 * self.body and (
                not heads or (len(heads) == 1 and self.blocks[-1] is heads[0] and abs(heads[0].size - ln.size) < 0.5)):
            return 1                                        # the title, perhaps over two lines
        if self.style is None:                              # no numbered sections to compare with
            return 1 if ln.size >= 1.2 * self.body else 2    # larger type, a section; bold body type, below it
        size, bold = self.style
        return 1 if abs(ln.size - size) <= 0.06 * size and ln.bold == bold else 0

    def add_heading(self, page: int, level: int, ln: Line) -> None:
        last = self.blocks[-1] if self.blocks else None
        chapter = re.fullmatch(r"(?:Chapter|CHAPTER)\s+(\d{1,2}|[A-Z])", last.text) if last and last.kind == "heading" else None
        if chapter and not NUMBERED.match(ln.text):      # 'Chapter 2' over 'Evaluation': one heading, '2 Evaluation'
            last.text = f"{chapter.group(1)} {ln.text}"
            return
        if (last and last.kind == "heading" and last.level == level and abs(last.size - ln.size) < 0.5
                and ln.size >= 1.3 * self.body and not NUMBERED.match(ln.text)):
            last.text += " " + ln.text          # a title set over two lines
            return
        self.blocks.append(Block("heading", page, ln.text, level, size=ln.size))

    def add_line(self, page: int, p: Placed) -> None:
        if self.para and self.breaks(self.para[-1], p):
            self.flush()
        if not self.para:
            self.para_page = page
        self.para.append(p)

    def breaks(self, prev: Placed, p: Placed) -> bool:
        a, b, body = prev.line, p.line, self.body
        ends = bool(re.search(r"[.!?:]\W?$", a.text))
        if prev.column != p.column and b.top > a.top:
            return ends
        if b.top - a.bottom > max(0.5 * body, self.leading + 0.3 * body) or abs(a.size - b.size) > 0.15 * body:
            return True
        if ends and (b.x0 > a.x0 + 0.8 * body or a.x1 < prev.right - 3 * body):
            return True
        return False

    def flush(self) -> None:
        if not self.para:
            return
        text = ""
        for p in self.para:
            text = self.join(text, p.line.text)
        size = self.para[0].line.size
        self.para = []
        before = self.interrupted(size, text)
        if before:
            before.text = self.join(before.text, text.strip())
        else:
            self.blocks.append(Block("para", self.para_page, text.strip(), size=size))

    def interrupted(self, size: float, text: str) -> Block | None:
        """The paragraph this one continues across footnotes at a page's foot: it stops mid-sentence, only
        smaller text lies between, and this one starts lowercase."""
        if not re.match(r"[a-z]", text):
            return None
        skipped = 0
        for b in reversed(self.blocks):
            if b.kind == "para" and b.size < 0.9 * size:
                skipped += 1
                continue
            ok = b.kind == "para" and skipped and abs(b.size - size) < 0.1 * size
            return b if ok and not re.search(r"[.!?:]\W?$", b.text) else None
        return None

    def join(self, text: str, nxt: str) -> str:
        if not text:
            return nxt
        if text.endswith("-") and len(text) > 1 and text[-2].isalnum():
            head = text.rsplit(" ", 1)[-1]
            tail = nxt.split(" ", 1)[0]
            if text[-2].isalpha() and nxt[:1].islower() and not self.keeps_hyphen(head, tail):
                return text[:-1] + nxt
            return text + nxt
        return f"{text} {nxt}"

    def unhyphen(self, line: str) -> str:
        """A word a table cell hyphenated at its line end ('augmen' + 'tation') joined as the paper spells it."""
        return re.sub(SOFT_HYPHEN + r"(\w*)", lambda m: ("-" if self.keeps_hyphen(
            (line[:m.start()].split() or [""])[-1].rsplit(">", 1)[-1] + "-", m.group(1)) else "") + m.group(1), line)

    def keeps_hyphen(self, head: str, tail: str) -> bool:
        """'instruction-' + 'tuned' is the compound 'instruction-tuned' when the paper prints that form more
        often than 'instructiontuned', or when the word already had a hyphen ('mixture-of-' + 'experts')
        and the closed form never appears; otherwise the hyphen only broke the line."""
        head, tail = head.lower().lstrip(WORD_PUNCT), tail.lower().rstrip(WORD_PUNCT)
        seen, closed = self.hyphenated[head + tail], self.hyphenated[head[:-1] + tail]
        return seen > closed or (not closed and "-" in head[:-1])


def is_contents_entry(ln: Line) -> bool:
    """'2.1 Data ........ 7' or '2.1 Data        7': a table-of-contents line, not a heading."""
    runs = ln.runs
    return bool(re.search(r"(?:\.\s?){4,}", ln.text)) or (len(runs) >= 2 and runs[-1].text.isdigit())


def is_caption(text: str) -> bool:
    return bool(TABLE_CAPTION.match(text) or FIGURE_CAPTION.match(text))


def caption_line(caption: str) -> str:
    """'TABLE II: x' or 'Tab. 3. x' as 'Table 3: x', the form the text reader ties to the table below it."""
    m = TABLE_CAPTION.match(caption)
    if not m:
        return caption
    no = m.group(1)
    if re.fullmatch(r"[IVXLC]+", no):
        no = str(roman(no))
    return f"Table {no}: {caption[m.end():].strip()}"


def table_number(caption: str) -> str | None:
    m = TABLE_CAPTION.match(caption)
    return m.group(1) if m else None


def roman(s: str) -> int:
    vals = [ROMAN[c] for c in s]
    return sum(-v if k + 1 < len(vals) and v < vals[k + 1] else v for k, v in enumerate(vals))


def render(blocks: list[Block]) -> str:
    out: list[str] = []
    marked = 0
    for b in blocks:
        mark = f"[p. {b.page}]" if b.page != marked else ""
        if b.kind == "table" and b.last_page > b.page:
            mark = f"[p. {b.page}–{b.last_page}]"       # a table over a page break: its rows are on both pages
        marked = b.page
        if b.kind == "heading":
            out.append("#" * b.level + " " + b.text + (f" {mark}" if mark else ""))
        elif b.kind == "para":
            text = "\\" + b.text if b.text.startswith(("#", "```", "<table", "|")) else b.text   # not markup
            out.append((f"{mark} " if mark else "") + text)
        else:
            cap = caption_line(b.text) if b.text else ""
            for k, lines in enumerate(b.tables):     # a table split at a repeated header: each part captioned
                if cap or (mark and k == 0):
                    out.append((cap + (f" {mark}" if mark and k == 0 else "")).strip())
                out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"
