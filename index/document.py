"""A paper's text split into blocks: headings, paragraphs and tables, each with its section and page.

Pure functions: text in, blocks out. Tables keep their raw lines; `grid.py` turns them into cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import IngestError
from .front_matter import strip_front_matter

PAGE = re.compile(r"\[p\.\s*([0-9][0-9,–\- ]*)(?:\s*continued)?\]")
TABLE_NO = r"[A-Z]?\d{1,3}(?:\.\d{1,3})?[A-Za-z]?"    # '3', '3b', 'A1' (appendix), '2.1' (chapter.table)
CAPTION = re.compile(r"^\s*(?:\*\*)?\s*Table(?:\s+(" + TABLE_NO + r"))?\s*[:.]\s*(.*)$")  # also pandoc's 'Table: ...'
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FOOTNOTE = re.compile(r"^\s*(?:[∗*†‡§¶]|\^?[a-z0-9]\)|[¹²³⁴⁵⁶⁷⁸⁹])\s*\S")   # '∗ Run with a shorter window', '† API'
NOTE = re.compile(r"^\s*(?:\*+\s*)?(?:Note|Notes)\s*[:.]", re.I)
SHORTCODE = re.compile(r"\{\{<.*?>\}\}")
COMMENT = re.compile(r"<!--.*?-->", re.S)
FOOTREF = re.compile(r"\[\^\d+\]")
MAX_PAPER_CHARS = 8_000_000     # a paper's text beyond this is refused: builds stay bounded
MAX_CAPTION = 1000              # characters of a caption kept (a runaway line is not a caption)
MAX_TABLE_DEPTH = 8             # nested <table> tags deeper than this are refused
MENTION = re.compile(r"\bTable\s+(" + TABLE_NO + r")\b")
CONTINUED = re.compile(r"(?:\*\*)?Table\s+(" + TABLE_NO + r")\s*[:.—–-]?\s*[(\[]?\s*(?:continued|cont\.|cont'd)\W*$", re.I)
TABLE_TAG = re.compile(r"<(/?)table\b", re.I)
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
    meta: dict[str, str] = field(default_factory=dict)   # front-matter fields ('title', 'kind', 'precedence', 'date')
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


def clean_heading(raw: str) -> tuple[str, str | None]:
    page = PAGE.search(raw)
    title = FOOTREF.sub("", PAGE.sub("", raw)).strip(" *#")
    return title, (page.group(1).strip() if page else None)


def parse_document(path: Path, text: str | None = None) -> Document:
    text = read_text(path) if text is None else text
    if len(text) > MAX_PAPER_CHARS:
        raise IngestError(path, f"is too large ({len(text):,} characters of text; the limit is {MAX_PAPER_CHARS:,}); "
                                "split it into smaller papers")
    if path.suffix.lower() in (".html", ".htm") and not text.lstrip().startswith(("#", "---")):
        from .document_html import html_to_markdownish    # imported here: it reads this module's CAPTION
        text = html_to_markdownish(text)
    body, meta, offset = strip_front_matter(text)
    title = meta.get("title")
    body = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    lines = body.split("\n")
    doc = Document(path=path, title=paper_title(path, title or first_heading(lines)), text=text,
                   front_matter=bool(meta), meta=meta)
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


NAME_LIKE = re.compile(r"\b(?:[A-Za-z]+-?\d[\w.\-]*|[A-Z]?[a-z]+[A-Z]\w*|[A-Z]{2,}\w*)")   # Qwen2, LLaMA, GLM


def paper_title(path: Path, title: str | None) -> str:
    """The paper's title; an excerpt whose first heading is only a section ('Instruction-tuned Model': short, no
    name, no colon) gets the file's name in front. A paper's own title ('Merlin: Compact Models ...', 'Qwen2
    Technical Report') is kept as printed, whatever the file is called ('2407.10671v4.pdf')."""
    words = re.split(r"[-_\s]+", path.stem)
    stem = " ".join(w[:1].upper() + w[1:] for w in words if w)
    if not title:
        return stem
    title = re.sub(r"\)(?=[A-Z][a-z])", ") ", title)    # '(ARC)Foundation' glued by the PDF conversion
    squash = re.sub(r"[^a-z0-9]", "", title.lower())
    first = re.sub(r"[^a-z0-9]", "", words[0].lower()) if words else ""
    numbered = re.match(r"(?:\d+(?:\.\d+)*|[IVX]+\.?)\s", title)      # '1 Evaluation': a section
    own = not numbered and (":" in title or len(title.split()) >= 4 or NAME_LIKE.search(title))
    return title if own or first and first in squash else f"{stem}: {title}"


def first_heading(lines: list[str]) -> str | None:
    """The first heading; a top-level one right after it wins (a web page's small navigation title, then the
    page's own title)."""
    found: list[tuple[int, str]] = []
    for ln in lines:
        m = HEADING.match(ln)
        if m and clean_heading(m.group(2))[0]:
            found.append((len(m.group(1)), clean_heading(m.group(2))[0]))
            if len(found) == 2:
                break
    if len(found) == 2 and found[1][0] == 1 < found[0][0] and not re.match(r"(?:\d|[IVX]+\b)", found[1][1]):
        return found[1][1]                          # (a numbered section is no title: '## Abstract', '# 1 Intro')
    return found[0][1] if found else None


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
        self.used_caption = -1          # a caption line below a table, already given to that table
        self.numbers: set[str] = set()  # table numbers given so far
        self.in_code = False
        self._printed: set[str] | None = None   # table numbers printed on caption lines anywhere in the paper

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
        if "|" in line and i + 1 < len(self.lines) and MD_SEP.match(self.lines[i + 1]) and (
                line.lstrip().startswith("|") or "|" in self.lines[i + 1]):      # pipes at the edges are optional
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
            if i != self.used_caption:
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
        if i + 1 < len(self.lines) and "\t" not in nxt and self.is_group_line(i + 1):
            nxt = self.lines[i + 2]
        return "\t" in nxt and len(self.lines[i].split("\t")) >= 2

    def take_markdown(self, i: int) -> int:
        head: list[str] = []       # a group row set right above the names row, both over the '---' line
        while (self.para and len(head) < 3 and self.para[-1].lstrip().startswith("|")
               and self.para[-1].count("|") == self.lines[i].count("|")):
            head.insert(0, self.para.pop())
        self.flush()
        j, edged = i, self.lines[i].lstrip().startswith("|")
        while j < len(self.lines) and (self.lines[j].lstrip().startswith("|") if edged else
                                       "|" in self.lines[j] and self.lines[j].strip()):
            j += 1
        rows = self.lines[i:j]
        if head:        # read as a table whose names row is its second header row: '---' after the first
            rows = [head[0], rows[1], *head[1:], rows[0], *rows[2:]]
        return self.finish_table("markdown", rows, i - len(head), j)

    def take_tsv(self, i: int) -> int:
        self.flush()
        j = i
        while j < len(self.lines) and ("\t" in self.lines[j] or self.is_group_line(j)):
            j += 1
        return self.finish_table("tsv", self.lines[i:j], i, j)

    def is_group_line(self, j: int) -> bool:
        """A short label alone on its line between tab-separated rows ('Reasoning', 'Code'): a group row, as text
        copied from a typeset table prints it."""
        line = self.lines[j].strip()
        return (0 < len(line) <= 60 and j + 1 < len(self.lines) and "\t" in self.lines[j + 1]
                and not line.endswith((".", ":", ";")) and not line.startswith(("#", "|", "<", "[", "!"))
                and not CAPTION.match(line) and not NOTE.match(line) and len(line.split()) <= 6)

    def take_html(self, i: int) -> int:
        """An HTML table up to the </table> that closes it (nested tables included, up to MAX_TABLE_DEPTH)."""
        self.flush()
        j, depth, deepest = i, 0, 0
        while j < len(self.lines):
            for tag in TABLE_TAG.finditer(self.lines[j]):
                depth += -1 if tag.group(1) else 1
                deepest = max(deepest, depth)
            if deepest > MAX_TABLE_DEPTH:
                raise IngestError(self.doc.path, f"HTML tables are nested more than {MAX_TABLE_DEPTH} deep",
                                  f"line {j + 1 + self.offset}")
            if depth <= 0:
                break
            j += 1
        else:
            raise IngestError(self.doc.path, "HTML table is not closed (no </table>)", f"line {i + 1 + self.offset}")
        return self.finish_table("html", ["\n".join(self.lines[i:j + 1])], i, j + 1)

    def finish_table(self, fmt: str, lines: list[str], start: int, end: int) -> int:
        t = Table(fmt=fmt, lines=lines, line=start + 1 + self.offset, section=self.section, page=self.page,
                  heading=self.heading)
        if self.pending_caption and start - self.pending_caption[2] <= 12:
            self.attach_caption(t, *self.pending_caption[:2])
        self.pending_caption = None
        end = self.take_after(t, end)
        if t.table_no is None:
            self.caption_from_mention(t, start)
        if t.table_no is None:
            self.caption_from_next(t, end)
        if t.table_no:
            self.numbers.add(t.table_no)
        self.doc.tables.append(t)
        return end

    def attach_caption(self, t: Table, number: str, line: str) -> None:
        t.table_no = number
        caption = PAGE.sub("", line).replace("**", "").strip()
        t.caption = re.sub(r"^Table(?:\s+" + TABLE_NO + r")?\s*[:.]\s*", "", caption).strip()[:MAX_CAPTION]
        m = PAGE.search(line)
        if m:
            span = re.fullmatch(r"(\d+)\s*[–-]\s*(\d+)", m.group(1).strip())     # a table over pages: '3–4'
            t.page = f"{span.group(1)}–{span.group(2)}" if span else m.group(1).split("–")[0].split(",")[0].strip()

    def take_after(self, t: Table, end: int) -> int:
        """Notes right under a table, and a caption that follows the table instead of preceding it."""
        j = end
        while j < len(self.lines) and not self.lines[j].strip():
            j += 1
        if j < len(self.lines) and NOTE.match(self.lines[j]):
            t.note = self.lines[j].strip().strip("*").strip()[:MAX_CAPTION]
            self.add_text(j, self.lines[j])
            self.flush()
            return j + 1
        if t.table_no is None:                  # a caption below the table may follow its footnotes ('∗ Run with ...')
            k = j
            while k < len(self.lines) and k - end <= 6 and (FOOTNOTE.match(self.lines[k]) or not self.lines[k].strip()):
                k += 1
            if k < len(self.lines) and k > j and CAPTION.match(self.lines[k]) and CAPTION.match(self.lines[k]).group(1):
                self.attach_caption(t, CAPTION.match(self.lines[k]).group(1), self.lines[k])
                self.used_caption = k
                return end
        if t.table_no is None and j < len(self.lines) and j - end <= 3:
            cap = CAPTION.match(self.lines[j])
            if cap:
                self.attach_caption(t, cap.group(1), self.lines[j])
                self.used_caption = j
        return end

    def caption_from_next(self, t: Table, end: int) -> None:
        """No caption line, none above: the first sentence below naming 'Table N' ('As Table 4 shows, ...') captions
        it, if no caption line in the paper prints N (no other table's) and it does not point on ('below')."""
        j = end
        while j < len(self.lines) and j - end <= 3 and not self.lines[j].strip():
            j += 1
        para = []
        while j < len(self.lines) and self.lines[j].strip() and len(para) < 20:
            para.append(self.lines[j].strip())
            j += 1
        text = PAGE.sub("", " ".join(para)).strip()
        stop = re.search(r"(?<!\b[A-Z])(?<!\bal)[.!?](?:\s|$)", text)
        first = text[:stop.end() if stop else len(text)].strip()
        m = re.search(r"\bTable\s+(" + TABLE_NO + r")\b(?!\s*[:.]\s)", first)
        if not m or m.group(1) in self.numbers or m.group(1) in self.printed_numbers() or \
                re.search(r"\b(?:below|following|next)\b", first, re.I):
            return
        t.table_no = m.group(1)
        t.caption = first[:MAX_CAPTION]

    def printed_numbers(self) -> set[str]:
        if self._printed is None:
            self._printed = {m.group(1) for ln in self.lines if (m := CAPTION.match(ln)) and m.group(1)}
        return self._printed

    def caption_from_mention(self, t: Table, start: int) -> None:
        """No caption line: the paragraph just above that mentions a table by number ('Table 5 shows ...')."""
        paras = [q for q in self.doc.paragraphs[-3:] if PAGE.sub("", q.text).strip()]   # not a lone '[p. 4]'
        p = paras[-1] if paras else None
        if not p or start + 1 + self.offset - p.line > 12:
            return
        cont = CONTINUED.match(PAGE.sub("", p.text).strip())
        first = next((x for x in self.doc.tables if cont and x.table_no == cont.group(1)), None)
        if first:                        # 'Table 3 (continued)' over a table: the rest of Table 3
            t.table_no, t.caption = first.table_no, first.caption
            return
        for m in MENTION.finditer(p.text[:5000] if p.section == t.section else ""):
            if m.group(1) not in self.numbers:
                dot = p.text.rfind(". ", 0, m.start())
                head = dot + 2 if dot >= 0 else 0
                stop = p.text.find(". ", m.end())
                t.table_no = m.group(1)
                t.caption = p.text[head:stop + 1 if stop >= 0 else len(p.text)].strip()[:MAX_CAPTION]
                return

