"""The app as a reader meets it, in headless Chromium: the full page (chat, charts inside answers, the data
browser, sources that open) and the embedded widget on the example host page (web/index.html), served from another
origin than the app. Screenshots go to artifacts/ (and docs/screenshot.png with PAPERQA_UPDATE_SCREENSHOT=1)."""
from __future__ import annotations

import csv
import io
import os
import re
import time
import urllib.parse
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

pytest_plugins = ["tests.ui_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
TIMEOUT_MS = 60_000
GLM_MATH = "What is GLM-4-9B's MATH score?"
MBPP = "Compare Qwen2-7B-Instruct and Llama-3-8B-Instruct on MBPP"
HUMANEVAL = "Which model has the highest HumanEval score in the Qwen2 report?"
INPUT = "#question textarea"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


@pytest.fixture
def app_page(browser, ui_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(ui_server.url)
    page.locator(INPUT).wait_for(timeout=TIMEOUT_MS)
    yield page
    page.close()


def _bot_rows(page, scope: str = ""):
    return page.locator(f"{scope} #chatbot .message-row.bot-row".strip())


def _ask(page, question: str, scope: str = "", expect: str | None = None):
    """Type a question, press Enter, and return the bot message row that answers it."""
    before = _bot_rows(page, scope).count()
    box = page.locator(f"{scope} {INPUT}".strip())
    box.click()
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('{scope} #chatbot .message-row.bot-row'.trim()).length > {before}",
                           timeout=TIMEOUT_MS)
    answer = _bot_rows(page, scope).nth(before)
    if expect:
        answer.get_by_text(expect).first.wait_for(timeout=TIMEOUT_MS)
    return answer


def _chart_text(chart) -> str:
    return chart.inner_text()


def _focused_on_input(page) -> bool:
    return page.evaluate("!!document.activeElement && !!document.activeElement.closest('#question')")


def test_two_chart_answers_in_a_row_each_show_their_own_chart_and_keep_the_focus(app_page):
    first = _ask(app_page, MBPP, expect="67.9")
    app_page.wait_for_function("document.activeElement && document.activeElement.closest('#question')",
                               timeout=10_000)
    second = _ask(app_page, HUMANEVAL, expect="86.0")
    assert _focused_on_input(app_page), "the input keeps the focus after an answer"
    charts = app_page.locator("#chatbot .answer-chart")
    assert charts.count() == 2
    one, two = first.locator(".answer-chart"), second.locator(".answer-chart")
    assert one.count() == 1 and two.count() == 1, "each chart sits inside the answer it belongs to"
    one_text, two_text = _chart_text(one), _chart_text(two)
    assert one_text.startswith("MBPP") and "67.9" in one_text and "67.2" in one_text and "86.0" not in one_text
    assert two_text.startswith("HumanEval") and "all 18 scores" in two_text and "Qwen1.5-0.5B-Chat" in two_text
    values = [float(v) for v in two.locator(".chart-value").all_text_contents()]
    assert values == sorted(values, reverse=True) and len(values) == 18
    assert "axis from 66.5" in one_text, "the axis starts near the values, so a 0.7-point gap shows"
    table = second.locator("table").first
    assert table.locator("tr").nth(1).inner_text().split("\t")[:3] == ["1", "Qwen2-72B-Instruct", "86.0"]
    assert second.get_by_text("Tie (79.9)").count() == 1, "ties are flagged at a glance"
    assert app_page.locator("#examples button").count() >= 4, "examples stay available after answers"
    second.locator(".answer-chart").scroll_into_view_if_needed()
    _shot(app_page, "chat-1280.png")
    app_page.locator("#clear").click()
    app_page.wait_for_function("document.querySelectorAll('#chatbot .answer-chart').length === 0", timeout=10_000)


def test_on_a_phone_in_dark_mode_the_chart_stays_readable(browser, ui_server):
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme="dark")
    try:
        page.goto(ui_server.url)
        page.locator(INPUT).wait_for(timeout=TIMEOUT_MS)
        answer = _ask(page, HUMANEVAL, expect="86.0")
        label = answer.locator(".answer-chart .chart-label").first
        assert float(label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 11
        assert label.bounding_box()["width"] >= 80
        assert page.evaluate("document.body.scrollWidth <= window.innerWidth + 1"), "no sideways scrolling"
        answer.locator(".answer-chart").scroll_into_view_if_needed()
        _shot(page, "chat-390-dark.png")
    finally:
        page.close()


def test_the_page_has_its_title_and_drops_it_with_embed(browser, ui_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        t0 = time.monotonic()
        page.goto(ui_server.url)
        page.locator(INPUT).wait_for(timeout=TIMEOUT_MS)
        print(f"first load: {time.monotonic() - t0:.2f} s")
        assert page.locator("#page-chrome h1").is_visible()
        page.goto(f"{ui_server.url}/?embed")
        page.locator(INPUT).wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function("!document.querySelector('#page-chrome') || "
                               "getComputedStyle(document.querySelector('#page-chrome')).display === 'none'",
                               timeout=10_000)
    finally:
        page.close()


def test_a_typed_follow_up_uses_the_conversation(app_page):
    _ask(app_page, "What is Llama-3-8B-Instruct's MBPP score?", expect="67.9")
    assert _focused_on_input(app_page)
    app_page.keyboard.type("And Qwen2-7B-Instruct?")  # straight on: the focus stayed in the input
    app_page.keyboard.press("Enter")
    app_page.wait_for_function("document.querySelectorAll('#chatbot .message-row.bot-row').length === 2",
                               timeout=TIMEOUT_MS)
    _bot_rows(app_page).nth(1).get_by_text("67.2").first.wait_for(timeout=TIMEOUT_MS)


def test_empty_input_is_not_sent_and_the_limit_shows_while_typing(app_page):
    box = app_page.locator(INPUT)
    for blank in ("", "   "):
        box.fill(blank)
        box.press("Enter")
    time.sleep(1.0)
    assert app_page.locator("#chatbot .message-row").count() == 0, "no bubble for an empty message"
    box.fill("")
    box.press_sequentially("MATH of GLM")
    app_page.wait_for_function("document.querySelector('#question-count').textContent.includes('11 / 2,000')",
                               timeout=5_000)
    assert box.get_attribute("maxlength") == "2000"


def test_an_example_sends_itself_and_the_answer_downloads_as_csv(app_page, ui_server):
    app_page.locator("#examples button", has_text=GLM_MATH).click()
    answer = _bot_rows(app_page).first
    answer.get_by_text("50.6").first.wait_for(timeout=TIMEOUT_MS)
    with app_page.expect_download() as download:
        answer.locator("a.csv-download").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert {r["model_id"] for r in rows} == {"GLM-4-9B (0605)", "GLM-4-9B-Chat"}
    assert {r["value"] for r in rows} == {"30.4", "50.6"}


def test_a_cited_table_opens_as_printed_with_the_cell_marked(app_page):
    answer = _ask(app_page, GLM_MATH, expect="50.6")
    answer.get_by_text(re.compile(r"^Sources \(\d+\)$")).click()
    link = answer.get_by_role("link", name=re.compile("open table")).first
    link.wait_for(timeout=TIMEOUT_MS)
    with app_page.context.expect_page() as opened:
        link.click()
    source = opened.value
    source.wait_for_load_state()
    cited = source.locator("td.cited")
    assert cited.count() >= 1 and {c.strip() for c in cited.all_inner_texts()} <= {"30.4", "50.6"}
    assert source.locator("h1").inner_text().startswith("Table")
    source.set_viewport_size({"width": 1280, "height": 900})
    _shot(source, "source-table.png")
    source.close()


def _choose(page, elem_id: str, option: str) -> None:
    box = page.locator(f"#{elem_id} input")
    box.click()
    box.fill(option)
    page.locator("[role=option]", has_text=re.compile(rf"^\W*{re.escape(option)}")).first.click()


def test_the_data_browser_filters_and_downloads_the_database_rows(app_page, ui_server):
    app_page.get_by_role("tab", name="Data").click()
    app_page.locator("#browser-count").wait_for(timeout=TIMEOUT_MS)
    _choose(app_page, "filter-paper", "Qwen2 Tech Report Instruct Eval")
    _choose(app_page, "filter-benchmark", "MBPP")
    con = duckdb.connect(str(ui_server.db_path), read_only=True)
    try:
        expected = con.execute("SELECT model_id, value, table_id FROM scores WHERE benchmark_id = 'MBPP' AND "
                               "paper_id = 'qwen2-tech-report-instruct-eval'").fetchall()
    finally:
        con.close()
    app_page.wait_for_function(f"document.querySelector('#browser-count').textContent.startsWith('{len(expected)} ')",
                               timeout=TIMEOUT_MS)
    _shot(app_page, "data-browser.png")
    with app_page.expect_download() as download:
        app_page.locator("#browser-summary a.csv-download").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert sorted((r["model"], float(r["value"]), r["table_id"]) for r in rows) == sorted(expected)
    _choose(app_page, "filter-table", "Table 8")
    in_table = sorted(e for e in expected if e[2] == "Table 8")
    app_page.wait_for_function(f"document.querySelector('#browser-count').textContent.startsWith('{len(in_table)} ')",
                               timeout=TIMEOUT_MS)
    app_page.wait_for_function("!document.querySelector('#browser-table').innerText.includes('Table 6')",
                               timeout=TIMEOUT_MS)
    grid = app_page.locator("#browser-table").inner_text()
    assert all(model in grid for model, _, _ in in_table)
    link = app_page.locator("#browser-summary a", has_text="Open this table as printed")
    assert "table=Table+8" in link.get_attribute("href")


# ------------------------------------------------------------------------------------------ the widget


@pytest.fixture
def widget_page(browser, host_page, ui_server):
    """The host page with the widget below the fold, and the list of every URL the page requests."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{host_page}/index.html?{urllib.parse.urlencode({'app': ui_server.url, 'spacer': 1200})}")
    page.locator(f"gradio-app {INPUT}").wait_for(state="attached", timeout=TIMEOUT_MS)
    yield page, requested
    page.close()


def test_the_widget_is_a_guest_on_another_origin(widget_page, host_page, ui_server):
    page, requested = widget_page
    assert urlsplit(host_page).netloc != urlsplit(ui_server.url).netloc
    time.sleep(1.0)
    assert page.evaluate("scrollY") == 0, "loading the widget does not scroll the host page"
    assert page.evaluate("document.activeElement === document.body"), "nor takes the focus"
    assert not page.locator("gradio-app #page-chrome").is_visible(), "compact: no page title inside the widget"
    page.locator("gradio-app #question").scroll_into_view_if_needed()
    at = page.evaluate("scrollY")
    answer = _ask(page, GLM_MATH, scope="gradio-app", expect="50.6")
    assert "30.4" in answer.inner_text()
    assert abs(page.evaluate("scrollY") - at) < 2, "an answer does not scroll the host page"
    assert answer.locator(".answer-chart").count() == 1
    hosts = {urlsplit(url).netloc for url in requested if url.startswith("http")}
    assert hosts <= {urlsplit(host_page).netloc, urlsplit(ui_server.url).netloc}, "nothing from a CDN"
    fonts = [url for url in requested if re.search(r"\.(woff2?|ttf|otf)(\?|$)", url)]
    assert not fonts, f"system fonts only, so bold renders in the reader's own font: {fonts}"
    page.evaluate("document.getElementById('spacer').style.display = 'none'; window.scrollTo(0, 0)")
    answer.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget.png"), full_page=True)
    if os.environ.get("PAPERQA_UPDATE_SCREENSHOT") or not (ROOT / "docs" / "screenshot.png").exists():
        (ROOT / "docs").mkdir(exist_ok=True)
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"), full_page=True)


def test_the_widget_follows_a_dark_host_page(browser, host_page, ui_server):
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme="dark")
    try:
        page.goto(f"{host_page}/index.html?{urllib.parse.urlencode({'app': ui_server.url})}")
        page.locator(f"gradio-app {INPUT}").wait_for(timeout=TIMEOUT_MS)
        _ask(page, MBPP, scope="gradio-app", expect="67.9")
        background = page.evaluate("getComputedStyle(document.querySelector('gradio-app .gradio-container'))"
                                   ".getPropertyValue('--body-background-fill')")
        assert page.locator("gradio-app .dark, gradio-app.dark, .dark gradio-app").count() + \
            page.evaluate("document.documentElement.classList.contains('dark') || "
                          "document.body.classList.contains('dark')") >= 1, background
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widget-dark-390.png"), full_page=True)
    finally:
        page.close()


def test_one_vote_per_answer_in_the_widget(widget_page, ui_server):
    page, _ = widget_page
    before = _lines(ui_server.feedback_path)
    page.locator("gradio-app #question").scroll_into_view_if_needed()
    answer = _ask(page, GLM_MATH, scope="gradio-app", expect="50.6")
    chat = page.locator("gradio-app #chatbot")  # the vote buttons sit just after the answer's row
    like = chat.get_by_role("button", name="Like", exact=True).last
    like.click()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(_lines(ui_server.feedback_path)) == len(before):
        time.sleep(0.1)
    dislike = chat.get_by_role("button", name="Dislike", exact=True).last
    if dislike.is_visible():
        dislike.click()
    like.click(force=True)
    time.sleep(1.5)
    added = _lines(ui_server.feedback_path)[len(before):]
    assert len(added) == 1, ui_server.log_tail()
    assert '"liked": true' in added[0] and "GLM-4-9B" in added[0] and "50.6" in added[0]


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
