"""The one result type. The UI and the API render it; nobody re-derives it."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Source:
    paper: str                      # paper title
    paper_id: str
    table: str | None = None        # 'Table 6' (or the table's heading when it has no number)
    caption: str | None = None
    page: str | None = None
    section: str | None = None
    quote: str | None = None        # the raw cell, or the quoted sentence

    def label(self) -> str:
        parts = [self.paper]
        if self.table:
            parts.append(self.table)
        if self.section and not self.table:
            parts.append(f"§ {self.section}")
        if self.page:
            parts.append(f"p. {self.page}")
        return ", ".join(parts)


@dataclass
class Answer:
    text: str                                   # markdown
    route: str                                  # 'sql', 'text', 'both' or 'none'
    sql: str | None = None
    rows: list[dict] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    ambiguities: list[str] = field(default_factory=list)
    llm_used: bool = False
    chart: list[dict] = field(default_factory=list)   # [{'label': str, 'value': float}] for bar charts

    def to_dict(self) -> dict:
        d = asdict(self)
        d["answer"] = d.pop("text")
        return d
