"""Look and feel: system fonts only (nothing loaded, so bold renders with the reader's own font, offline), the
chart's colours from the theme's variables (so dark mode follows), the compact widget, and the little scripts
(character count, focus) that make the chat pleasant."""
from __future__ import annotations

import gradio as gr
from gradio.themes.utils.fonts import Font

# Generic keywords stay bare strings; named families are Font objects (quoted, and never fetched).
SANS = ["system-ui", "-apple-system", Font("Segoe UI"), Font("Roboto"), Font("Helvetica Neue"), Font("Noto Sans"),
        Font("DejaVu Sans"), Font("Arial"), "sans-serif"]
MONO = ["ui-monospace", Font("SFMono-Regular"), Font("Menlo"), Font("Consolas"), Font("DejaVu Sans Mono"),
        "monospace"]


def theme() -> gr.themes.Base:
    return gr.themes.Default(font=SANS, font_mono=MONO)


CSS = """
#page-chrome h1 { margin-bottom: 0; }
#llm-status { font-size: var(--text-sm); color: var(--body-text-color-subdued); }
#llm-status p { margin: 0; }
/* The widget is a guest: embedded (Gradio marks its own full page embed="false"), or with ?embed, no title. */
gradio-app:not([embed="false"]) #page-chrome, .compact #page-chrome { display: none !important; }
#question-count-box { min-height: 0 !important; padding: 0 !important; margin-top: calc(-1 * var(--layout-gap, 12px)); }
#question-count { font-size: var(--text-sm); color: var(--body-text-color-subdued); text-align: right;
                  margin-top: -6px; min-height: 1.2em; }
#question-count.over { color: var(--error-text-color, #dc2626); font-weight: 600; }
#examples { gap: 6px; flex-wrap: wrap; }
#examples > * { flex: 0 1 auto !important; min-width: 0 !important; width: auto !important; }
#examples button { font-size: var(--text-sm); padding: 3px 10px; border-radius: 999px; }
.answer-extras { display: flex; flex-direction: column; gap: 6px; }
.answer-chart { margin: 4px 0; max-width: 720px; font-size: var(--text-sm); }
.answer-chart figcaption { display: flex; flex-wrap: wrap; gap: 2px 10px; align-items: baseline; margin-bottom: 4px; }
.answer-chart .chart-title { font-weight: 600; font-size: var(--text-md); }
.answer-chart .chart-sub, .answer-chart .chart-axis { color: var(--body-text-color-subdued); font-size: var(--text-xs); }
.answer-chart .chart-row { display: grid; grid-template-columns: minmax(6em, 34%) 1fr 3.6em; gap: 8px;
                           align-items: center; min-height: 20px; }
.answer-chart .chart-label { text-align: right; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.answer-chart .chart-track { height: 14px; }
.answer-chart .bar { display: block; height: 100%; border-radius: 3px; background: var(--color-accent-soft, #c7d2fe);
                     border: 1px solid var(--color-accent, #6366f1); box-sizing: border-box; }
.answer-chart .bar.top { background: var(--color-accent, #6366f1); }
.answer-chart .chart-value { font-weight: 600; font-variant-numeric: tabular-nums; }
.answer-chart .chart-axis { display: flex; justify-content: space-between; margin-left: calc(34% + 8px);
                            margin-right: calc(3.6em + 8px); }
@media (max-width: 640px) {
  .answer-chart .chart-row { grid-template-columns: 1fr 3.6em; gap: 0 8px; }
  .answer-chart .chart-label { grid-column: 1 / -1; text-align: left; }
  .answer-chart .chart-axis { margin-left: 0; }
}
a.csv-download { font-size: var(--text-sm); }
#browser-table table, #browser-table td, #browser-table th { font-family: var(--font) !important; }
#chatbot table { font-size: var(--text-sm); }
#chatbot td, #chatbot th { padding: 2px 8px; }
"""

# Runs once when the app (page or widget) loads.
ON_LOAD_JS = """
() => {
  const root = () => document.querySelector('gradio-app')?.shadowRoot || document;
  if (new URLSearchParams(location.search).has('embed')) {
    document.querySelector('.gradio-container')?.classList.add('compact');
  }
  const count = (event) => {
    const box = root().querySelector('#question textarea');
    const out = root().querySelector('#question-count');
    if (!box || !out || (event && !box.contains(event.target) && event.target !== box)) return;
    const limit = Number(out.dataset.limit || 0);
    out.textContent = box.value.length ? `${box.value.length.toLocaleString()} / ${limit.toLocaleString()}` : '';
    out.classList.toggle('over', limit > 0 && box.value.length >= limit);
  };
  document.addEventListener('input', count, true);
  setInterval(count, 500);
}
"""

# After each answer: the input keeps the focus (without scrolling a host page).
FOCUS_JS = """
() => {
  const root = document.querySelector('gradio-app')?.shadowRoot || document;
  root.querySelector('#question textarea')?.focus({ preventScroll: true });
}
"""
