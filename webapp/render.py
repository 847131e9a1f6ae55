"""Answer -> what people see: markdown for /chat, chat messages (text, a table, a chart with a CSV link, sources
you can open, the SQL) for the UI. Rendering only: everything shown comes from the Answer."""
from __future__ import annotations

import csv
import io
from html import escape
from urllib.parse import quote, urlencode

from assistant.answer import Answer, Source

from .chart import Comparison, comparison, html

TABLE_MIN_ROWS = 3       # two models read fine as text; three or more become a ranked table
TABLE_MAX_ROWS = 10


def _md(text: object) -> str:
    """Text safe inside a markdown table cell or link label."""
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ").replace("[", "\\[")


def notes_markdown(answer: Answer, chart: Comparison | None = None) -> str:
    """Ties, conflicts and ambiguities, each one line with a label that stands out."""
    said = answer.text.replace("*", "")
    lines = []
    for group in (chart.ties() if chart else [])[:3]:
        names = ", ".join(p.label for p in group[:6]) + (" …" if len(group) > 6 else "")
        lines.append(f"> **Tie ({group[0].text}):** {names}")
    lines += [f"> **Sources disagree:** {c}" for c in answer.conflicts if c not in said]
    lines += [f"> **Ambiguous:** {a}" for a in answer.ambiguities if a not in said]
    return "\n>\n".join(lines)


def ranks(values: list[float]) -> list[str]:
    """Competition ranks ('1', '2=', '2=', '4'): a shared rank is marked with '='."""
    return [f"{values.index(v) + 1}{'=' if values.count(v) > 1 else ''}" for v in values]


def _paper(row: dict) -> str:
    paper = row.get("paper_title") or row.get("paper_id") or ""
    return paper if len(paper) <= 32 else paper[:31] + "…"


def _row_source(row: dict, with_paper: bool) -> str:
    where = ", ".join(x for x in (row.get("table_id"), f"p. {row['page']}" if row.get("page") else None) if x)
    if not with_paper:
        return _md(where)
    return f"*{_md(_paper(row))}*{', ' + _md(where) if where else ''}"


def table_markdown(chart: Comparison | None) -> str:
    """Rankings and lists as a compact table: rank, model, value, source."""
    if chart is None or len(chart.points) < TABLE_MIN_ROWS or not chart.points[0].row:
        return ""
    shown = chart.points[:TABLE_MAX_ROWS]
    papers = {p.row.get("paper_id") for p in chart.points}
    lines = ["| # | Model | Value | Source |", "|---:|---|---:|---|"]
    for rank, p in zip(ranks([p.value for p in chart.points]), shown):
        lines.append(f"| {rank} | {_md(p.label)} | {p.text} | {_row_source(p.row, len(papers) > 1)} |")
    notes = [f"all from *{_md(_paper(chart.points[0].row))}*"] if len(papers) == 1 else []
    if len(chart.points) > len(shown):
        notes.append(f"top {len(shown)} of {len(chart.points)} shown; the chart and the CSV have them all")
    return "\n".join(lines) + (f"\n\n_{'; '.join(notes)}._" if notes else "")


def source_url(source: Source, answer: Answer, root: str) -> str | None:
    """Where a source opens: its table as printed (cited cells marked), or its passage in its section."""
    if source.table:
        rows = [r for r in answer.rows if r.get("paper_id") == source.paper_id and r.get("table_id")
                and (r.get("table_id") == source.table or (source.caption and r.get("caption") == source.caption))]
        if not rows:
            return None
        params = [("paper", source.paper_id), ("table", rows[0]["table_id"])]
        params += [("cell", f"{r.get('model_id')}\t{r.get('benchmark_id')}") for r in rows
                   if r.get("table_id") == rows[0]["table_id"]][:40]
        return f"{root}/source/table?{urlencode(params)}"
    params = [("paper", source.paper_id), ("section", source.section or ""), ("quote", (source.quote or "")[:200])]
    return f"{root}/source/passage?{urlencode(params)}"


def sources_markdown(answer: Answer, root: str | None = None) -> str:
    lines = []
    for source in answer.sources:
        line = f"- **{_md(source.label())}**"
        if source.caption:
            line += f" — {_md(source.caption)}"
        url = source_url(source, answer, root) if root is not None else None
        if url:
            line += f" · [open {'table' if source.table else 'passage'} ↗]({url})"
        if source.quote:
            line += f"\n  > {source.quote}"
        lines.append(line)
    return "\n".join(lines)


def sql_markdown(answer: Answer) -> str:
    count = len(answer.rows)
    return f"```sql\n{answer.sql.strip()}\n```\n\nReturned {count} row{'' if count == 1 else 's'}."


def main_markdown(answer: Answer, chart: Comparison | None) -> str:
    """The answer's own message: notes that need a glance first, then the text, then the ranked table."""
    has_table = any(line.startswith("| ") for line in answer.text.splitlines())   # the answer ranks in a table itself
    table = "" if has_table else table_markdown(chart)
    return "\n\n".join(p for p in (notes_markdown(answer, chart), answer.text, table) if p)


def answer_markdown(answer: Answer) -> str:
    """One markdown document: what /chat returns."""
    parts = [main_markdown(answer, comparison(answer))]
    if answer.sources:
        parts.append("**Sources**\n\n" + sources_markdown(answer))
    if answer.sql:
        parts.append("**SQL**\n\n" + sql_markdown(answer))
    return "\n\n".join(p for p in parts if p)


def rows_csv(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def csv_link(rows: list[dict], filename: str, label: str) -> str:
    """A download link carrying the CSV itself (a data: URL), so nothing is written on the server."""
    href = "data:text/csv;charset=utf-8," + quote(rows_csv(rows))
    return (f'<a class="csv-download" download="{escape(filename)}" href="{href}">{escape(label)}</a>')


def extras_html(answer: Answer, chart: Comparison | None) -> str:
    """The chart (when there is a comparison) and the CSV of the rows behind the answer."""
    parts = []
    if chart is not None:
        parts.append(html(chart))
    if answer.rows:
        n = len(answer.rows)
        parts.append(csv_link(answer.rows, "answer-rows.csv", f"⬇ Download the {n} row{'s' if n != 1 else ''} (CSV)"))
    return f'<div class="answer-extras">{"".join(parts)}</div>' if parts else ""
