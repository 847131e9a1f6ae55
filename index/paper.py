"""One paper file into normalised records (pure: no database)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import textfix
from .document import Document, Table, parse_document
from .grid import to_grid
from .interpret import Context, Records, interpret

PAPER_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
PRECEDENCE = re.compile(r"[^.\n]*\b(?:takes?|should take) precedence\b[^.\n]*\.?", re.I)


@dataclass
class PaperRecords:
    paper: dict
    tables: list[dict] = field(default_factory=list)
    records: list[Records] = field(default_factory=list)
    passages: list[dict] = field(default_factory=list)


def paper_kind(doc: Document) -> tuple[str, int]:
    head = doc.text[:3000].lower()
    if "machine-generated" in doc.text.lower() or "literature synthesis" in head:
        return "synthesis", 3
    if doc.front_matter or "blog" in doc.path.stem.lower():
        return "blog", 2
    return "report", 1


def table_ids(tables: list[Table]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for k, t in enumerate(tables, 1):
        base = f"Table {t.table_no}" if t.table_no else (t.caption or t.heading or "Table")
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base} (#{seen[base]})")
    return out


def parse_paper(path: Path, text: str | None = None) -> PaperRecords:
    doc = parse_document(path, text)
    kind, precedence = paper_kind(doc)
    note = PRECEDENCE.search(doc.text)
    out = PaperRecords(paper=dict(
        paper_id=path.stem, title=doc.title, file=path.name, kind=kind, precedence=precedence,
        precedence_note=note.group(0).strip(" :[]^1") if note else None,
        sha256=hashlib.sha256(doc.text.encode()).hexdigest()))
    for t, tid in zip(doc.tables, table_ids(doc.tables)):
        rec = interpret(to_grid(t, path), Context(path.stem, tid, t))
        out.records.append(rec)
        out.tables.append(dict(paper_id=path.stem, table_id=tid, table_no=t.table_no, caption=t.caption or t.heading,
                               page=t.page, section=t.section, format=t.fmt, orientation=rec.orientation,
                               note=t.note, line=t.line,
                               n_values=len(rec.scores) + sum(1 for f in rec.facts if f["value"] is not None)
                               + sum(1 for c in rec.claims if c["confidence"] is not None)))
    out.passages = passages(doc)
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
