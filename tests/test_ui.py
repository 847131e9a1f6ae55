"""The web app as API users reach it: `python ui.py` launched as a subprocess, then gradio_client and raw HTTP."""
from __future__ import annotations

import html
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from assistant.answer import Answer
from assistant.guard import QueryRejected
from assistant.core import NUDGE
from assistant.settings import Settings

pytest_plugins = ["tests.ui_fixtures"]

GLM_MATH = "what is GLM-4-9B's MATH score?"
ANSWER_KEYS = {"answer", "route", "sql", "rows", "sources", "conflicts", "ambiguities", "llm_used"}


def _post(url: str, body: dict, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_first_run_builds_the_database(ui_server):
    assert ui_server.db_path.is_file()
    assert "built the score database" in ui_server.log_tail(200)


def test_ask_answers_glm4_math_with_both_models_and_sources(client):
    result = client.predict(question=GLM_MATH, history=[], api_name="/ask")
    assert ANSWER_KEYS <= set(result)
    assert "30.4" in result["answer"] and "50.6" in result["answer"]
    assert result["route"] in ("sql", "both")
    assert result["sql"] and "select" in result["sql"].lower()
    assert any("ChatGLM" in source["paper"] for source in result["sources"])
    assert result["llm_used"] is False


def test_chat_returns_markdown_with_sources_and_sql(client):
    reply = client.predict(GLM_MATH, api_name="/chat")
    assert "30.4" in reply and "50.6" in reply
    assert "**Sources**" in reply and "ChatGLM" in reply
    assert "```sql" in reply


def test_chat_follow_up_keeps_the_conversation(client):
    first = client.predict("What is Llama-3-8B-Instruct's MBPP score?", api_name="/chat")
    assert "MBPP" in first
    follow_up = client.predict("And Qwen2-7B-Instruct?", api_name="/chat")
    assert "67.2" in follow_up


def test_ask_follow_up_uses_the_given_history(client):
    history = [{"role": "user", "content": "What is Llama-3-8B-Instruct's MBPP score?"}]
    history.append({"role": "assistant", "content": client.predict(
        question=history[0]["content"], history=[], api_name="/ask")["answer"]})
    result = client.predict(question="And Qwen2-7B-Instruct?", history=history, api_name="/ask")
    assert "67.2" in result["answer"]


@pytest.mark.parametrize("blank", ["", "   ", "\n\t \x00"])
def test_empty_input_gets_a_nudge(client, blank):
    result = client.predict(question=blank, history=[], api_name="/ask")
    assert result["route"] == "none"
    assert result["answer"] == NUDGE
    assert "Ask me" in client.predict(blank, api_name="/chat")


def test_too_long_input_says_the_limit(client):
    limit = Settings().max_question_chars
    result = client.predict(question="What is GLM-4-9B's MATH score? " * (limit // 20), history=[], api_name="/ask")
    assert result["route"] == "none" and result["sql"] is None
    assert f"{limit:,}" in result["answer"] and "shorten" in result["answer"]


def test_control_characters_are_stripped(client):
    result = client.predict(question="what is GLM-4-9B\x00's MATH\x1b score?\x07", history=[], api_name="/ask")
    assert "50.6" in result["answer"]


def test_non_english_question_is_passed_through(client):
    result = client.predict(question="GLM-4-9B 的 MATH 分数是多少？", history=[], api_name="/ask")
    assert result["answer"] and "went wrong" not in result["answer"]
    assert "30.4" in result["answer"] or "50.6" in result["answer"]


def test_only_chat_and_ask_are_public(client):
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {"/chat", "/ask"}


def _like_dependency(server_url: str) -> tuple[int, int]:
    with urllib.request.urlopen(f"{server_url}/config", timeout=10) as response:
        config = json.load(response)
    for dep in config["dependencies"]:
        for target, event in dep["targets"]:
            if event == "like":
                return dep["id"], target
    raise AssertionError("the chatbot has no like event")


def _wait_for_queue_job(server_url: str, session_hash: str) -> None:
    with urllib.request.urlopen(f"{server_url}/gradio_api/queue/data?session_hash={session_hash}",
                                timeout=10) as stream:
        deadline = time.monotonic() + 10
        for line in stream:
            if b"process_completed" in line or time.monotonic() > deadline:
                return


def _lines(path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_raw_post_cannot_write_feedback(ui_server, client):
    """The like endpoint is private, and the server votes only on answers it gave in that browser session."""
    fn_index, chatbot_id = _like_dependency(ui_server.url)
    before = _lines(ui_server.feedback_path)
    with pytest.raises(ValueError):
        client.predict(api_name="/vote")
    client.predict(GLM_MATH, api_name="/chat")  # a real answer now exists in this client's session
    for index in range(4):
        body = {"fn_index": fn_index, "data": [None], "trigger_id": chatbot_id,
                "event_data": {"index": index, "value": "GLM-4-9B", "liked": True}}
        for session in ("raw-post-attacker", client.session_hash):
            _post(f"{ui_server.url}/gradio_api/run/predict", {**body, "session_hash": session})
        status, _ = _post(f"{ui_server.url}/gradio_api/queue/join", {**body, "session_hash": "raw-post-queue"})
        assert status == 403, "a script (no Origin) cannot join the queue for a page handler"
        status, _ = _post(f"{ui_server.url}/gradio_api/queue/join", {**body, "session_hash": "raw-post-queue"},
                          {"Origin": ui_server.url})  # a forged Origin gets in, and finds no answer to vote on
        if status == 200:
            _wait_for_queue_job(ui_server.url, "raw-post-queue")
    assert _lines(ui_server.feedback_path) == before
    assert "feedback ignored" in ui_server.log_tail(200)


def test_server_does_not_serve_repository_files(ui_server):
    for path in (ui_server.db_path, ui_server.log_path, ui_server.papers_dir / "qwen2-blog.md"):
        assert _get_status(f"{ui_server.url}/gradio_api/file={path}") in (403, 404)


def test_widget_script_is_served_with_cors(ui_server):
    request = urllib.request.Request(f"{ui_server.url}/widget/gradio.js",
                                     headers={"Origin": "http://127.0.0.1:9"})
    with urllib.request.urlopen(request, timeout=10) as response:
        script = response.read().decode()
        assert response.headers["Access-Control-Allow-Origin"] in ("*", "http://127.0.0.1:9")
    asset = script.split('"')[1]  # gradio.js only imports the bundle beside it, e.g. "./assets/index-….js"
    assert asset.startswith("./assets/")
    assert _get_status(f"{ui_server.url}/widget/{asset[2:]}") == 200


# The edge, in process: errors from below become chat text, never tracebacks.


class _Raises:
    def __init__(self, error: BaseException):
        self.error = error

    def ask(self, question: str, history: list[dict]) -> Answer:
        raise self.error


def test_unexpected_errors_become_a_plain_message(caplog):
    import ui

    answer = ui.answer_safely(_Raises(RuntimeError("secret detail")), Settings(), GLM_MATH, [])
    assert answer.text == ui.SORRY and "secret" not in answer.text
    assert "secret detail" in caplog.text  # logged server-side, with the traceback


def test_rejected_queries_are_explained():
    import ui

    answer = ui.answer_safely(_Raises(QueryRejected("DROP TABLE scores", "not a query")), Settings(), "drop it", [])
    assert answer.route == "none" and "not a query" in answer.text and "Traceback" not in answer.text


def test_chat_renders_a_ranking_as_a_table(client):
    reply = client.predict("Which model has the highest HumanEval score in the Qwen2 report?", api_name="/chat")
    assert "| Rank | Model | Score | Source |" in reply and reply.count("| Rank | Model") == 1   # one table, not two
    table = [line for line in reply.splitlines() if line.startswith("| ")][1:]
    assert table[0].startswith("| 1 | Qwen2-72B-Instruct | 86.0 |")
    assert [row.split(" | ")[0] for row in table[2:4]] == ["| 3=", "| 3="]      # a shared rank, marked
    assert len(table) == 10 and "Top 10 of 18 models compared" in reply


def test_concurrent_chat_sessions_keep_their_histories_apart(ui_server):
    """Two /chat sessions interleaved from two threads: each follow-up rides on its own session's question."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.ui_fixtures import client_for

    def session(first: str) -> str:
        c = client_for(ui_server.url)
        try:
            c.predict(first, api_name="/chat")
            return c.predict("And Qwen2-7B-Instruct?", api_name="/chat")
        finally:
            c.close()

    firsts = ["What is Llama-3-8B-Instruct's MBPP score?", "What is Llama-3-8B-Instruct's HumanEval score?"] * 3
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(session, firsts))
    for first, reply in zip(firsts, replies):
        benchmark = "MBPP" if "MBPP" in first else "HumanEval"
        other = "HumanEval" if benchmark == "MBPP" else "MBPP"
        assert benchmark in reply and other not in reply.split("**Sources**")[0], reply[:300]
        assert ("67.2" if benchmark == "MBPP" else "79.9") in reply


def test_source_page_shows_the_cited_table_with_the_cell_marked(ui_server, client):
    result = client.predict(question=GLM_MATH, history=[], api_name="/ask")
    row = next(r for r in result["rows"] if r["model_id"] == "GLM-4-9B-Chat" and r["paper_id"] == "chatglm-glm4-report")
    query = urllib.parse.urlencode([("paper", row["paper_id"]), ("table", row["table_id"]),
                                    ("cell", f"{row['model_id']}\t{row['benchmark_id']}")])
    with urllib.request.urlopen(f"{ui_server.url}/source/table?{query}", timeout=10) as response:
        page = response.read().decode()
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    cited = re.findall(r'<td class="cited">(.*?)</td>', page)
    assert cited and all("50.6" in c for c in cited)
    assert row["table_id"] in page and "<script" not in page


def test_source_page_shows_a_cited_passage_in_its_section(ui_server, client):
    result = client.predict(question="How did the Qwen2 team check for contamination?", history=[], api_name="/ask")
    source = next(s for s in result["sources"] if not s["table"])
    query = urllib.parse.urlencode({"paper": source["paper_id"], "section": source["section"] or "",
                                    "quote": source["quote"][:200]})
    with urllib.request.urlopen(f"{ui_server.url}/source/passage?{query}", timeout=10) as response:
        page = response.read().decode()
    cited = re.findall(r'<p class="cited"><span class="page">(.*?)</span>(.*?)</p>', page, re.S)
    assert len(cited) == 1 and cited[0][0].startswith("p. ")
    assert html.unescape(cited[0][1]).replace("*", "")[:40] in html.unescape(page).replace("*", "")
    assert _get_status(f"{ui_server.url}/source/passage?paper=no-such-paper") == 404


def test_mcp_and_sources_are_listed_in_the_log(ui_server):
    assert "MCP at /gradio_api/mcp/" in ui_server.log_tail(200)


# Start-up: the port is taken before the log says "serving"; index errors are one clear line.


def _run_ui(args: list[str], env_extra: dict[str, str], timeout: int = 120):
    import os
    import subprocess
    import sys

    from tests.ui_fixtures import LLM_ENV, ROOT

    env = {k: v for k, v in os.environ.items() if k not in LLM_ENV}
    env.update(env_extra)
    return subprocess.run([sys.executable, "ui.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_a_port_in_use_stops_start_up_before_saying_serving(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = _run_ui(["--port", str(port), "--db", str(tmp_path / "scores.duckdb")],
                       {"PAPERQA_PAPERS_DIR": str(tmp_path / "papers")})
    output = done.stdout + done.stderr
    assert done.returncode == 2
    assert f"127.0.0.1:{port} is not available" in output and "--port" in output
    assert "serving" not in output and "Traceback" not in output
    assert not (tmp_path / "scores.duckdb").exists(), "nothing was built for a server that could not start"


def test_an_unparseable_paper_stops_start_up_with_one_clear_line(tmp_path):
    from tests.ui_fixtures import free_port

    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "broken.html").write_text("<h1>A paper</h1><table><tr><td>MMLU</td><td>70.1</td>")
    done = _run_ui(["--port", str(free_port()), "--db", str(tmp_path / "scores.duckdb")],
                   {"PAPERQA_PAPERS_DIR": str(papers)})
    assert done.returncode == 2, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("Cannot start:")]
    assert len(lines) == 1 and "broken.html" in lines[0]
    assert "Traceback" not in done.stdout + done.stderr and "serving" not in done.stdout + done.stderr


# Rendering, in process: what a chart and a ranked table show.


def _answer(values: dict[str, float], benchmark: str = "MMLU", paper: str = "p1") -> Answer:
    rows = [{"model_id": m, "benchmark_id": benchmark, "value": v, "raw_cell": f"{v:.1f}", "setting": None,
             "paper_id": paper, "paper_title": "A Paper", "table_id": "Table 2", "page": "4", "precedence": 1}
            for m, v in values.items()]
    return Answer(text="ranked", route="sql", rows=rows)


def test_a_comparison_is_sorted_titled_and_on_an_axis_that_shows_the_gap():
    from webapp.chart import MAX_BARS, axis, comparison, html

    chart = comparison(_answer({"a": 70.1, "b": 71.3, "c": 70.9}))
    assert [p.label for p in chart.points] == ["b", "c", "a"] and chart.title == "MMLU"
    low, high = axis([p.value for p in chart.points])
    assert 60 <= low < 70.1 and high == 71.3, "the axis starts near the lowest value, not at 0"
    page = html(chart)
    assert page.index(">71.3<") < page.index(">70.9<") < page.index(">70.1<") and "all 3 scores" in page
    many = comparison(_answer({f"m{i}": float(i) + 50 for i in range(MAX_BARS + 5)}))
    assert f"top {MAX_BARS} of {MAX_BARS + 5} scores" in html(many) and html(many).count("chart-row") == MAX_BARS
    assert comparison(_answer({"only": 50.0})) is None, "no chart for a single value"


def test_a_ranking_table_marks_ties_and_says_what_it_leaves_out():
    from webapp.chart import comparison
    from webapp.render import notes_markdown, ranks, table_markdown

    assert ranks([90.0, 85.0, 85.0, 80.0]) == ["1", "2=", "2=", "4"]
    answer = _answer({"a": 91.9, "b": 91.9, "c": 90.2} | {f"m{i}": 80.0 - i for i in range(12)})
    chart = comparison(answer)
    table = table_markdown(chart)
    assert table.splitlines()[2].startswith("| 1= | a | 91.9 | Table 2, p. 4 |")
    assert "top 10 of 15 shown" in table and "all from *A Paper*" in table
    assert "**Tie (91.9):** a, b" in notes_markdown(answer, chart)


def test_chat_messages_put_the_chart_inside_the_answer():
    import gradio as gr

    from webapp.chat import chat_messages

    messages = chat_messages(_answer({"a": 1.0, "b": 2.0}), root="http://app.example")
    assert isinstance(messages[1].content, gr.HTML) and "answer-chart" in messages[1].content.value
    assert "a.csv-download" not in messages[0].content and "data:text/csv" in messages[1].content.value


def test_model_filter_offers_the_most_reported_models_and_takes_any_typed_part(tmp_path):
    """The Data tab's model filter lists at most MODEL_CHOICES names (a page with every model of 1,000 papers
    weighed 2.5 MB); any typed part of a name still filters, as the rows' SQL matches substrings."""
    from assistant.browse import Browser, ScoreFilter
    from assistant.guard import SafeDB
    from assistant.settings import Settings
    from tests.conftest import copy_papers
    from index.build import build
    build(copy_papers(tmp_path / "papers"), tmp_path / "s.duckdb")
    browser = Browser(SafeDB(tmp_path / "s.duckdb", Settings()))
    every = browser.models()
    top = browser.models(5)
    assert len(top) == 5 and set(top) <= set(every) and top == sorted(top, key=str.lower)
    rare = next(m for m in every if m not in top)
    part = rare[1:-1]
    assert any(r["model"] == rare for r in browser.scores(ScoreFilter(model=part)))
