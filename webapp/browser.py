"""The data browser: papers -> tables -> scores, filterable by paper, table, model, benchmark and category,
sortable, with a CSV of exactly the rows shown. Reads through assistant.browse (fixed, parameterised SQL)."""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import gradio as gr
import pandas as pd

from assistant.browse import SCORE_COLUMNS, Browser, ScoreFilter

from .chat import app_root
from .render import csv_link

SHOWN = ("paper", "table", "model", "benchmark", "category", "setting", "value", "raw_cell", "page")
ANY = ("(any)", "")
MODEL_CHOICES = 200     # a page with every model of 1,000 papers as a choice weighed 2.5 MB


def _choices(values: list, label_any: str = "(any)") -> list[tuple[str, str]]:
    return [(label_any, "")] + [(v, v) if isinstance(v, str) else v for v in values]


def _short(title: str | None, width: int = 28) -> str:
    title = title or ""
    return title if len(title) <= width else title[:width - 1] + "…"


def summary_html(rows: list[dict], where: ScoreFilter, root: str) -> str:
    """How many rows, the CSV of them, and (for one table) a link to the table as printed."""
    parts = [f'<span id="browser-count">{len(rows):,} score{"s" if len(rows) != 1 else ""}</span>']
    if rows:
        parts.append(csv_link([{c: r.get(c) for c in SCORE_COLUMNS} for r in rows], "scores.csv", "⬇ Download CSV"))
    if where.paper and where.table:
        url = f"{root}/source/table?{urlencode({'paper': where.paper, 'table': where.table})}"
        parts.append(f'<a href="{escape(url)}" target="_blank" rel="noopener">Open this table as printed ↗</a>')
    return '<div class="browser-summary">' + " · ".join(parts) + "</div>"


def build_browser(browser: Browser) -> gr.Tab:
    """The data tab, built inside the caller's Blocks context; returns the tab so the caller can wire `select`."""

    def refresh(paper: str, table: str, model: str, benchmark: str, category: str, request: gr.Request):
        where = ScoreFilter(paper or None, (table or None) if paper else None, model or None,
                            benchmark or None, category or None)
        rows = browser.scores(where)
        frame = pd.DataFrame([{**{c: r.get(c) for c in SHOWN}, "paper": _short(r.get("paper"))} for r in rows],
                             columns=list(SHOWN))
        return frame, summary_html(rows, where, app_root(request))

    def pick_paper(paper: str):
        return gr.update(choices=_choices(browser.tables(paper or None), "(all tables)"), value="")

    with gr.Tab("Data", id="data", elem_id="data-tab") as tab:
        with gr.Row():
            paper = gr.Dropdown(_choices(browser.papers(), "(all papers)"), value="", label="Paper",
                                elem_id="filter-paper", scale=2)
            table = gr.Dropdown(_choices([], "(all tables)"), value="", label="Table", elem_id="filter-table",
                                scale=2)
        with gr.Row():
            model = gr.Dropdown(_choices(browser.models(MODEL_CHOICES)), value="", label="Model",
                                elem_id="filter-model", allow_custom_value=True,
                                info=f"the {MODEL_CHOICES} most reported, or type any part of a name")
            benchmark = gr.Dropdown(_choices(browser.benchmarks()), value="", label="Benchmark",
                                    elem_id="filter-benchmark")
            category = gr.Dropdown(_choices(browser.categories()), value="", label="Category",
                                   elem_id="filter-category")
        summary = gr.HTML("", elem_id="browser-summary", padding=False)
        grid = gr.Dataframe(pd.DataFrame(columns=list(SHOWN)), interactive=False, wrap=False, max_height=520,
                            elem_id="browser-table", show_search="filter", label="Scores (click a header to sort)",
                            buttons=["copy", "fullscreen"])
    filters = [paper, table, model, benchmark, category]
    kw = dict(fn=refresh, inputs=filters, outputs=[grid, summary], api_visibility="private",
              show_progress="minimal")
    paper.input(pick_paper, paper, table, api_visibility="private", api_name="browser_tables").then(**kw)
    for box in (table, model, benchmark, category):
        box.input(**kw)
    tab.select(**kw, api_name="browser_open")
    return tab
