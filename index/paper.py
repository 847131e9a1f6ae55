"""One paper file into normalised records (pure: no database)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import prose, textfix
from .document import Document, Table, parse_document
from .grid import to_grid
from .interpret import Context, Records, interpret

PAPER_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")     # PDFs are read by index/pdf.py
PRECEDENCE = re.compile(r"\b(?:takes?|should take|shall take|have|has) (?:the )?precedence\b", re.I)
SELF_PRECEDENCE = re.compile(r"\b(?:this|these|our|the present)\s+(?:paper|report|document|results?|numbers?|post|blog)\b"
                             r"[^.]{0,40}$", re.I)
KINDS = {"report": 1, "blog": 2, "synthesis": 3}   # default precedence by kind: lower wins when sources disagree
SYNTHESIS = re.compile(r"\bmachine-generated\b|\bliterature synthesis\b", re.I)


@dataclass
class PaperRecords:
    paper: dict
    tables: list[dict] = field(default_factory=list)
    records: list[Records] = field(default_factory=list)
    passages: list[dict] = field(default_factory=list)


def precedence_note(text: str) -> str | None:
    """The paper's own sentence on which source takes precedence (found in linear time)."""
    m = PRECEDENCE.search(text)
    if not m:
        return None
    start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
    stop = min(x for x in (text.find(".", m.end()), text.find("\n", m.end()), len(text)) if x >= 0)
    return text[start:stop + 1].strip(" :[]^1\n") or None


def defers(note: str | None) -> bool:
    """The note gives precedence to another source ('... the results of the journal version take precedence')."""
    if not note:
        return False
    head = note[:PRECEDENCE.search(note).start()] if PRECEDENCE.search(note) else note
    return not SELF_PRECEDENCE.search(head)


def paper_kind(doc: Document, claims: bool, note: str | None) -> str:
    """A general rule when the paper does not say: a synthesis lists claims with verification marks or calls
    itself machine-generated; a web post carries a dated front matter; a paper deferring to another source is
    secondary (a blog); otherwise a report."""
    if claims or SYNTHESIS.search(doc.text[:20000]):
        return "synthesis"
    if "date" in doc.meta or defers(note):
        return "blog"
    return "report"


def kind_and_precedence(doc: Document, claims: bool, note: str | None, kind: str | None = None,
                        precedence: int | None = None) -> tuple[str, int]:
    """Arguments (the CLI's --kind) beat the paper's front matter, which beats the general rule."""
    kind = (kind or doc.meta.get("kind") or paper_kind(doc, claims, note)).strip().lower()
    if precedence is None and re.fullmatch(r"\d{1,3}", doc.meta.get("precedence", "")):
        precedence = int(doc.meta["precedence"])
    if precedence is None:
        precedence = max(KINDS.get(kind, 1), 2 if defers(note) else 1)
    return kind, precedence


def table_ids(tables: list[Table]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for k, t in enumerate(tables, 1):
        base = f"Table {t.table_no}" if t.table_no else (t.caption or t.heading or "Table")
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base} (#{seen[base]})")
    return out


def parse_paper(path: Path, text: str | None = None, kind: str | None = None,
                precedence: int | None = None) -> PaperRecords:
    """One paper into records. kind/precedence, when given, override the paper's front matter and the rule."""
    doc = parse_document(path, text)
    note = precedence_note(doc.text)
    out = PaperRecords(paper=dict(
        paper_id=path.stem, title=doc.title, file=path.name, kind=None, precedence=None,
        precedence_note=note, sha256=hashlib.sha256(doc.text.encode()).hexdigest()))
    for t, tid in zip(doc.tables, table_ids(doc.tables)):
        rec = interpret(to_grid(t, path), Context(path.stem, tid, t))
        out.records.append(rec)
        out.tables.append(dict(paper_id=path.stem, table_id=tid, table_no=t.table_no, caption=t.caption or t.heading,
                               page=t.page, section=t.section, format=t.fmt, orientation=rec.orientation,
                               note=t.note, line=t.line,
                               n_values=len(rec.scores) + sum(1 for f in rec.facts if f["value"] is not None)
                               + sum(1 for c in rec.claims if c["confidence"] is not None)))
    claims = any(r.orientation == "claims" for r in out.records)
    out.paper["kind"], out.paper["precedence"] = kind_and_precedence(doc, claims, note, kind, precedence)
    out.passages = passages(doc)
    out.records.append(prose.scores_in_text(out.passages, path.stem, out.records))
    return out


def passages(doc: Document) -> list[dict]:
    vocab = textfix.build_vocab(p.text for p in doc.paragraphs)
    out = []
    for p in doc.paragraphs:
        if p.section.split(" > ")[-1].strip().lower() in ("references", "citation", "contributors",
                                                           "core contributors"):
            continue
        out.append(dict(paper_id=doc.path.stem, section=p.section or doc.title, page=p.page,
                        text=textfix.repair(p.text, vocab), original=p.text, line=p.line))
    return out
