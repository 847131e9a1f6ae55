"""Sources you can open: a cited table laid out as the paper printed it (cited cells marked), a cited passage in
its section with its page. Plain HTML pages served by the app, read-only, escaped throughout."""
from __future__ import annotations

import re
from html import escape

from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse

from assistant.browse import Browser, PassageView, TableView

STYLE = """
:root { color-scheme: light dark; --fg:#1f2937; --bg:#fff; --muted:#6b7280; --line:#e5e7eb; --mark:#fde68a; }
@media (prefers-color-scheme: dark) { :root { --fg:#e5e7eb; --bg:#111827; --muted:#9ca3af; --line:#374151; --mark:#854d0e; } }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
       color: var(--fg); background: var(--bg); margin: 1.5rem auto; max-width: 1400px; padding: 0 1rem; }
h1 { font-size: 1.15rem; } .meta { color: var(--muted); font-size: .9rem; }
.scroll { overflow-x: auto; } table { border-collapse: collapse; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .55rem; text-align: right; white-space: nowrap; }
thead th { white-space: normal; vertical-align: bottom; min-width: 4.5em; }
th:first-child, td:first-child { text-align: left; } thead th { border-bottom: 2px solid var(--fg); }
td.cited, p.cited { background: var(--mark); outline: 2px solid #d97706; font-weight: 600; }
p { line-height: 1.5; } p .page { color: var(--muted); font-size: .85rem; margin-right: .4rem; }
"""
BOLD = re.compile(r"\*\*(.+?)\*\*")


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(status_code=status, content=f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
                        f'content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
                        f'<style>{STYLE}</style></head><body>{body}</body></html>',
                        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                                 "X-Content-Type-Options": "nosniff"})


def _cell(raw: str) -> str:
    """A raw cell as printed; markdown bold becomes bold."""
    return BOLD.sub(lambda m: f"<b>{m.group(1)}</b>", escape(raw))


def table_html(view: TableView) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in ["", *view.columns])
    body = []
    for r, (header, cells) in enumerate(view.rows):
        tds = "".join(f'<td class="cited">{_cell(c)}</td>' if (r, k) in view.highlight else f"<td>{_cell(c)}</td>"
                      for k, c in enumerate(cells))
        body.append(f"<tr><th scope=\"row\">{escape(header)}</th>{tds}</tr>")
    section = view.section or ""
    if section.startswith(view.paper):  # sections are paths that often start with the paper's own title
        section = section[len(view.paper):].lstrip(" >")
    where = " · ".join(escape(x) for x in (view.paper, section, f"p. {view.page}" if view.page else None) if x)
    caption = f"<p>{escape(view.caption)}</p>" if view.caption and view.caption != view.table_id else ""
    return (f"<h1>{escape(view.table_id)}</h1><p class=\"meta\">{where}</p>{caption}"
            f"<div class=\"scroll\"><table id=\"source-table\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>"
            f"<p class=\"meta\">Cells as printed in the paper; the cited ones are highlighted.</p>")


def passage_html(view: PassageView) -> str:
    paras = "".join(f'<p class="{"cited" if p["cited"] else ""}"><span class="page">'
                    f'{escape("p. " + p["page"]) if p["page"] else ""}</span>{escape(p["text"] or "")}</p>'
                    for p in view.passages)
    return (f"<h1>{escape(view.section or view.paper)}</h1><p class=\"meta\">{escape(view.paper)}</p>"
            f"<div id=\"source-passages\">{paras or '<p>No passages found for this section.</p>'}</div>")


def add_source_pages(app: FastAPI, browser: Browser) -> None:
    """GET /source/table and /source/passage (read-only views, no API)."""

    @app.get("/source/table", include_in_schema=False)
    def source_table(paper: str = Query(max_length=300), table: str = Query(max_length=300),
                     cell: list[str] = Query(default=[], max_length=50)) -> HTMLResponse:
        pairs = [tuple(c.split("\t", 1)) for c in cell if "\t" in c and len(c) <= 400]
        view = browser.table(paper, table, pairs)
        if view is None:
            return _page("Not found", "<p>That table is not in the score database.</p>", 404)
        return _page(f"{view.table_id} · {view.paper}", table_html(view))

    @app.get("/source/passage", include_in_schema=False)
    def source_passage(paper: str = Query(max_length=300), section: str = Query("", max_length=500),
                       quote: str = Query("", max_length=400)) -> HTMLResponse:
        view = browser.section(paper, section or None, quote or None)
        if view is None:
            return _page("Not found", "<p>That paper is not in the score database.</p>", 404)
        return _page(f"{view.section} · {view.paper}", passage_html(view))
