"""A paper's text split into blocks: headings, paragraphs and tables, each with its section and page.

Pure functions: text in, blocks out. Tables keep their raw lines; `grid.py` turns them into cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .errors import IngestError

PAGE = re.compile(r"\[p\.\s*([0-9][0-9,–\- ]*)(?:\s*continued)?\]")
CAPTION = re.compile(r"^\s*(?:\*\*)?\s*Table(?:\s+(\d+[A-Za-z]?))?\s*[:.]\s*(.*)$")  # also pandoc's 'Table: ...'
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
NOTE = re.compile(r"^\s*(?:\*+\s*)?(?:Note|Notes)\s*[:.]", re.I)
SHORTCODE = re.compile(r"\{\{<.*?>\}\}")
COMMENT = re.compile(r"<!--.*?-->", re.S)
FOOTREF = re.compile(r"\[\^\d+\]")
MD_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass
class Table:
    fmt: str                     # 'markdown', 'tsv' or 'html'
    lines: list[str]             # raw lines (html: one string may hold the whole table)
    line: int                    # 1-based line number of the first table line
    section: str
    page: str | None
    table_no: str | None = None
    caption: str | None = None
    note: str | None = None
    heading: str | None = None   # nearest heading, used when there is no caption


@dataclass
class Paragraph:
    text: str
    line: int
    section: str
    page: str | None


@dataclass
class Document:
    path: Path
    title: str
    text: str
    front_matter: bool = False
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)


def read_text(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        from .pdf import pdf_to_markdown     # imported here: only PDF papers pay for loading the PDF reader
        return pdf_to_markdown(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise IngestError(path, f"cannot be read ({e.strerror})") from e
    if not data.strip():
        raise IngestError(path, "is empty")
    if b"\x00" in data[:65536]:
        raise IngestError(path, "looks binary (it contains NUL bytes), not a markdown, text or HTML paper")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise IngestError(path, f"is not UTF-8 text (bad byte at offset {e.start})") from e
    bad = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if bad > 0.01 * min(len(text), 65536):
        raise IngestError(path, "looks binary (too many control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_front_matter(text: str) -> tuple[str, str | None, int]:
    """Remove a YAML front-matter block; return (rest, title, lines removed)."""
    m = re.match(r"^\s*---\n(.*?)\n---\s*\n", text, re.S)
    if not m or "title" not in m.group(1):
        return text, None, 0
    t = re.search(r"^title:\s*[\"']?(.*?)[\"']?\s*$", m.group(1), re.M)
    return text[m.end():], (t.group(1) if t else None), m.group(0).count("\n")


def clean_heading(raw: str) -> tuple[str, str | None]:
    page = PAGE.search(raw)
    title = FOOTREF.sub("", PAGE.sub("", raw)).strip(" *#")
    return title, (page.group(1).strip() if page else None)


def parse_document(path: Path, text: str | None = None) -> Document:
    text = read_text(path) if text is None else text
    if path.suffix.lower() in (".html", ".htm") and not text.lstrip().startswith(("#", "---")):
        text = html_to_markdownish(text)
    body, title, offset = strip_front_matter(text)
    body = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    lines = body.split("\n")
    doc = Document(path=path, title=paper_title(path, title or first_heading(lines)), text=text,
                   front_matter=title is not None)
    Segmenter(doc, lines, offset).run()
    doc.paragraphs = join_broken(doc.paragraphs)
    return doc


def join_broken(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Rejoin a sentence a page break split in two: no end punctuation, then a lowercase or digit start."""
    out: list[Paragraph] = []
    for p in paragraphs:
        prev = out[-1] if out else None
        if (prev and prev.section == p.section and not re.search(r"[.!?:;)\]”\"*|]\s*$", prev.text)
                and re.match(r"[a-z0-9(]", p.text) and not p.text.startswith(("```", "|", "- ", "* "))):
            out[-1] = Paragraph(prev.text + " " + p.text, prev.line, prev.section, prev.page)
        else:
            out.append(p)
    return out


def paper_title(path: Path, title: str | None) -> str:
    """The paper's title; an excerpt whose first heading is only a section gets the file's name in front."""
    words = re.split(r"[-_\s]+", path.stem)
    stem = " ".join(w[:1].upper() + w[1:] for w in words if w)
    if not title:
        return stem
    title = re.sub(r"\)(?=[A-Z][a-z])", ") ", title)    # '(ARC)Foundation' glued by the PDF conversion
    squash = re.sub(r"[^a-z0-9]", "", title.lower())
    first = re.sub(r"[^a-z0-9]", "", words[0].lower()) if words else ""
    return title if first and first in squash else f"{stem}: {title}"


def first_heading(lines: list[str]) -> str | None:
    for ln in lines:
        m = HEADING.match(ln)
        if m and clean_heading(m.group(2))[0]:
            return clean_heading(m.group(2))[0]
    return None


class Segmenter:
    """Walks the lines once, tracking section path and page, and emits tables and paragraphs."""

    def __init__(self, doc: Document, lines: list[str], offset: int):
        self.doc, self.lines, self.offset = doc, lines, offset
        self.path: list[tuple[int, str]] = []
        self.page: str | None = None
        self.heading: str | None = None
        self.para: list[str] = []
        self.para_line = 0
        self.pending_caption: tuple[str, str, int] | None = None   # (number, text, index)
        self.in_code = False

    @property
    def section(self) -> str:
        return " > ".join(t for _, t in self.path)

    def run(self) -> None:
        i = 0
        while i < len(self.lines):
            i = self.step(i)
        self.flush()

    def step(self, i: int) -> int:
        raw = self.lines[i]
        line = SHORTCODE.sub("", raw)
        if line.strip().startswith("```"):
            self.in_code = not self.in_code
            self.add_text(i, line)
            return i + 1
        if self.in_code:
            self.add_text(i, line)
            return i + 1
        if "<table" in line.lower():
            return self.take_html(i)
        if line.lstrip().startswith("|") and i + 1 < len(self.lines) and MD_SEP.match(self.lines[i + 1]):
            return self.take_markdown(i)
        if "\t" in line and self.is_tsv_start(i):
            return self.take_tsv(i)
        m = HEADING.match(line)
        if m:
            self.flush()
            self.set_heading(len(m.group(1)), m.group(2))
            return i + 1
        if not line.strip():
            self.flush()
            return i + 1
        cap = CAPTION.match(line)
        if cap:
            self.flush()
            self.pending_caption = (cap.group(1), line, i)
        self.note_page(line)
        self.add_text(i, line)
        if cap:
            self.flush()
        return i + 1

    def set_heading(self, level: int, raw: str) -> None:
        title, page = clean_heading(raw)
        if not title:
            return
        self.path = [(lv, t) for lv, t in self.path if lv < level] + [(level, title)]
        self.heading = title
        if page:
            self.page = page.split("–")[0].split("-")[0].split(",")[0].strip()

    def note_page(self, line: str) -> None:
        m = PAGE.search(line)
        if m:
            self.page = m.group(1).split("–")[0].split("-")[0].split(",")[0].strip()

    def add_text(self, i: int, line: str) -> None:
        if not self.para:
            self.para_line = i + 1 + self.offset
        self.para.append(line)

    def flush(self) -> None:
        text = "\n".join(self.para).strip()
        self.para = []
        if text and not re.fullmatch(r"!\[[^\]]*\]\([^)]*\)", text):
            self.doc.paragraphs.append(Paragraph(text, self.para_line, self.section, self.page))

    def is_tsv_start(self, i: int) -> bool:
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else ""
        return "\t" in nxt and len(self.lines[i].split("\t")) >= 2

    def take_markdown(self, i: int) -> int:
        self.flush()
        j = i
        while j < len(self.lines) and self.lines[j].lstrip().startswith("|"):
            j += 1
        return self.finish_table("markdown", self.lines[i:j], i, j)

    def take_tsv(self, i: int) -> int:
        self.flush()
        j = i
        while j < len(self.lines) and "\t" in self.lines[j]:
            j += 1
        return self.finish_table("tsv", self.lines[i:j], i, j)

    def take_html(self, i: int) -> int:
        self.flush()
        j, buf = i, []
        while j < len(self.lines):
            buf.append(self.lines[j])
            if "</table>" in self.lines[j].lower():
                break
            j += 1
        else:
            raise IngestError(self.doc.path, "HTML table is not closed (no </table>)", f"line {i + 1 + self.offset}")
        joined = "\n".join(buf)
        if joined.lower().count("<table") != joined.lower().count("</table>"):
            raise IngestError(self.doc.path, "HTML table is not closed (nested or unbalanced <table>)",
                              f"line {i + 1 + self.offset}")
        return self.finish_table("html", [joined], i, j + 1)

    def finish_table(self, fmt: str, lines: list[str], start: int, end: int) -> int:
        t = Table(fmt=fmt, lines=lines, line=start + 1 + self.offset, section=self.section, page=self.page,
                  heading=self.heading)
        if self.pending_caption and start - self.pending_caption[2] <= 12:
            self.attach_caption(t, *self.pending_caption[:2])
        self.pending_caption = None
        end = self.take_after(t, end)
        self.doc.tables.append(t)
        return end

    def attach_caption(self, t: Table, number: str, line: str) -> None:
        t.table_no = number
        caption = PAGE.sub("", line).replace("**", "").strip()
        t.caption = re.sub(r"^Table(?:\s+\S+?)?\s*[:.]\s*", "", caption).strip()
        m = PAGE.search(line)
        if m:
            t.page = m.group(1).split("–")[0].split(",")[0].strip()

    def take_after(self, t: Table, end: int) -> int:
        """Notes right under a table, and a caption that follows the table instead of preceding it."""
        j = end
        while j < len(self.lines) and not self.lines[j].strip():
            j += 1
        if j < len(self.lines) and NOTE.match(self.lines[j]):
            t.note = self.lines[j].strip().strip("*").strip()
            self.add_text(j, self.lines[j])
            self.flush()
            return j + 1
        if t.table_no is None and j < len(self.lines) and j - end <= 3:
            cap = CAPTION.match(self.lines[j])
            if cap:
                self.attach_caption(t, cap.group(1), self.lines[j])
        return end


class _HTMLText(HTMLParser):
    """Turns an HTML paper into markdown-ish lines: headings as '#', paragraphs, tables kept as HTML."""

    BLOCKS = {"p", "div", "li", "br", "section", "article", "caption", "figcaption"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.table_depth = 0
        self.skip = 0
        self.table_at = 0                    # where the open table starts in self.out
        self.caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag == "caption" and self.table_depth == 1:
            self.caption = []
        elif tag == "table":
            self.table_depth += 1
            if self.table_depth == 1:
                self.table_at = len(self.out)
            self.out.append("\n<table>" if self.table_depth == 1 else "<table>")
        elif self.table_depth:
            attr = "".join(f' {k}="{v}"' for k, v in attrs if k in ("rowspan", "colspan"))
            self.out.append(f"<{tag}{attr}>")
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCKS:
            self.out.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag == "caption" and self.caption is not None:
            text = re.sub(r"\s+", " ", "".join(self.caption)).strip()
            line = text if CAPTION.match(text) else f"Table: {text}"     # pandoc's form for an unnumbered caption
            self.out.insert(self.table_at, f"\n\n{line}\n")
            self.table_at += 1
            self.caption = None
        elif tag == "table":
            self.table_depth -= 1
            self.out.append("</table>\n" if self.table_depth == 0 else "</table>")
        elif self.table_depth:
            self.out.append(f"</{tag}>")
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if self.skip:
            return
        if self.caption is not None:
            self.caption.append(data)
            return
        self.out.append(data.replace("\n", " ") if self.table_depth else data)


def html_to_markdownish(text: str) -> str:
    p = _HTMLText()
    p.feed(text)
    p.close()
    if p.table_depth:
        p.out.append("")  # left unclosed: the segmenter reports it with a line number
    return re.sub(r"\n{3,}", "\n\n", "".join(p.out))
