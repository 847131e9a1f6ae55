"""The embedded widget as a reader meets it: headless Chromium on the example host page (web/index.html), served
from another origin than the app, with the web-component script coming from the app itself."""
from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest_plugins = ["tests.ui_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "what is GLM-4-9B's MATH score?"
TIMEOUT_MS = 60_000


@pytest.fixture
def widget_page(browser, host_page, ui_server):
    """The host page with the widget loaded, and the list of every URL the page requests."""
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{host_page}/index.html?app={ui_server.url}")
    page.locator("gradio-app textarea").first.wait_for(timeout=TIMEOUT_MS)
    yield page, requested
    page.close()


def _ask(page, question: str):
    box = page.locator("gradio-app textarea").first
    box.fill(question)
    box.press("Enter")
    answer = page.locator("gradio-app .message.bot").last
    answer.get_by_text("50.6").first.wait_for(timeout=TIMEOUT_MS)
    return answer


def test_embedded_widget_answers_from_another_origin(widget_page, host_page, ui_server):
    widget_page, requested = widget_page
    assert urlsplit(host_page).netloc != urlsplit(ui_server.url).netloc
    answer = _ask(widget_page, QUESTION)
    assert "30.4" in answer.inner_text()
    widget_page.locator("gradio-app #llm-status").get_by_text("LLM").wait_for(timeout=TIMEOUT_MS)
    answer.get_by_text(re.compile(r"^Sources \(\d+\)$")).click()  # the collapsed sources box opens
    answer.get_by_text("ChatGLM: A Family of Large Language Models").first.wait_for(timeout=TIMEOUT_MS)
    widget_page.locator("gradio-app #answer-chart").wait_for(state="visible", timeout=TIMEOUT_MS)
    time.sleep(0.5)  # let the chart finish drawing
    (ROOT / "artifacts").mkdir(exist_ok=True)
    widget_page.screenshot(path=str(ROOT / "artifacts" / "widget.png"), full_page=True)
    if os.environ.get("PAPERQA_UPDATE_SCREENSHOT") or not (ROOT / "docs" / "screenshot.png").exists():
        (ROOT / "docs").mkdir(exist_ok=True)
        widget_page.screenshot(path=str(ROOT / "docs" / "screenshot.png"), full_page=True)
    hosts = {urlsplit(url).netloc for url in requested if url.startswith("http")}
    assert hosts <= {urlsplit(host_page).netloc, urlsplit(ui_server.url).netloc}, "nothing from a CDN"


def test_like_in_the_widget_stores_feedback(widget_page, ui_server):
    widget_page, _ = widget_page
    before = ui_server.feedback_path.read_text().splitlines() if ui_server.feedback_path.exists() else []
    _ask(widget_page, QUESTION)
    widget_page.locator("gradio-app").get_by_role("button", name="Like", exact=True).last.click()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(_lines(ui_server.feedback_path)) == len(before):
        time.sleep(0.1)
    added = _lines(ui_server.feedback_path)[len(before):]
    assert len(added) == 1, ui_server.log_tail()
    assert '"liked": true' in added[0] and "GLM-4-9B" in added[0] and "50.6" in added[0]


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
