"""The web surface under hostile or careless use, against a launched `python ui.py` with tight limits: the queue
cannot be skipped, only /chat and /ask answer by name, uploads are refused, big bodies are cut off before any
parsing, CORS is restricted, votes are one per answer, and the server answers fast, stays small and writes nothing."""
from __future__ import annotations

import hashlib
import http.client
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.ui_fixtures import client_for, copy_papers, launched_server


ALLOWED = "http://allowed.example"
QUEUE = {"PAPERQA_CONCURRENCY_LIMIT": "1", "PAPERQA_MAX_QUEUE_SIZE": "2", "PAPERQA_ALLOWED_ORIGINS": ALLOWED}
ANSWER_WITHIN_S = 6
MAX_RSS_MB = 1024
BIG = 50 * 1024 * 1024


def _snapshot(root: Path) -> dict[str, str]:
    """Every file under `root` with its hash; the log and the text index the app saves beside its database (its own
    cache, written once at start-up, whatever is asked) are left out."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "server.log"
            and not any(part.endswith(".duckdb.text") for part in p.relative_to(root).parts)}


@pytest.fixture(scope="module")
def tight(tmp_path_factory):
    """A server with one worker, a queue of two, one allowed origin and one paper; and its files beforehand."""
    workdir = tmp_path_factory.mktemp("surface")
    papers = copy_papers(workdir / "papers", ["chatglm-glm4-report.md"])
    with launched_server(workdir, env_extra=QUEUE, papers_dir=papers) as server:
        before = _snapshot(workdir)
        yield server, workdir, before


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _post(url: str, body: bytes, headers: dict | None = None) -> int:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=ANSWER_WITHIN_S) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def _config(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/config", timeout=10) as response:
        return json.load(response)


def _timed(fn, *args):
    t0 = time.monotonic()
    result = fn(*args)
    assert time.monotonic() - t0 < ANSWER_WITHIN_S
    return result


@pytest.mark.parametrize("path", ["run/ask", "run/chat", "run/respond", "run/vote", "run/predict", "api/ask",
                                  "call/respond", "call/vote", "call/clear", "call/v2/respond"])
def test_no_route_skips_the_queue_or_reaches_a_private_handler(tight, path):
    server, _, _ = tight
    body = json.dumps({"data": ["What is GLM-4-9B's MATH score?", []]}).encode()
    for prefix in ("/gradio_api/", "/"):
        assert _timed(_post, f"{server.url}{prefix}{path}", body) == 404


def test_every_handler_is_queued_and_none_answers_a_direct_post_by_fn_index(tight):
    server, _, _ = tight
    dependencies = [d for d in _config(server.url)["dependencies"] if d.get("backend_fn")]
    assert dependencies and all(d["queue"] for d in dependencies)
    for dep in dependencies:
        body = json.dumps({"fn_index": dep["id"], "data": [], "session_hash": "direct"}).encode()
        assert _post(f"{server.url}/gradio_api/run/predict", body) == 404


def test_the_pages_own_handlers_answer_only_a_page(tight):
    """Joining the queue for a UI handler needs an Origin this server accepts (browsers send one; scripts don't)."""
    server, _, _ = tight
    dependencies = _config(server.url)["dependencies"]
    vote = next(d["id"] for d in dependencies if d.get("api_name") == "vote")
    respond = next(d["id"] for d in dependencies if d.get("api_name") == "respond")
    for fn_index in (vote, respond):
        body = json.dumps({"fn_index": fn_index, "data": [None, None, None], "session_hash": "script",
                           "event_data": {"index": 1, "value": "x", "liked": True}}).encode()
        url = f"{server.url}/gradio_api/queue/join"
        assert _post(url, body) == 403
        assert _post(url, body, {"Origin": "http://evil.example"}) == 403
        assert _post(url, body, {"Origin": ALLOWED}) == 200
        assert _post(url, body, {"Origin": server.url}) == 200
    time.sleep(1)


def test_only_chat_and_ask_are_documented(tight):
    server, _, _ = tight
    with urllib.request.urlopen(f"{server.url}/gradio_api/info", timeout=10) as response:
        assert set(json.load(response)["named_endpoints"]) == {"/chat", "/ask"}


def test_uploads_are_refused(tight):
    server, workdir, _ = tight
    body = b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nhello\r\n--x--\r\n"
    for path in ("/gradio_api/upload", "/upload", "/gradio_api/process_recording", "/gradio_api/component_server"):
        assert _post(f"{server.url}{path}", body, {"Content-Type": "multipart/form-data; boundary=x"}) == 403
    assert not any(p.is_file() for p in (workdir / "gradio-tmp").rglob("*"))


def _send_raw(url: str, body_chunks, headers: dict) -> int:
    """POST with http.client so the body can be streamed; the server may answer before it has all of it."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=ANSWER_WITHIN_S)
    try:
        conn.putrequest("POST", parts.path)
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders()
        try:
            for chunk in body_chunks:
                conn.send(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return conn.getresponse().status
    finally:
        conn.close()


def test_a_50_mb_body_is_refused_before_it_is_read(tight):
    server, _, _ = tight
    chunk = b"x" * (1024 * 1024)
    url = f"{server.url}/gradio_api/queue/join"
    sized = _timed(_send_raw, url, (chunk for _ in range(BIG // len(chunk))),
                   {"Content-Type": "application/json", "Content-Length": str(BIG)})
    chunked = _timed(_send_raw, url, (b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(BIG // len(chunk))),
                     {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    assert sized == 413 and chunked == 413
    assert _rss_mb(server.pid) < MAX_RSS_MB


def test_over_long_and_hostile_questions_are_answered_fast_and_small(tight):
    server, _, _ = tight
    client = client_for(server.url)
    try:
        long = _timed(lambda: client.predict(question="MATH " * 40_000, history=[], api_name="/ask"))
        assert long["route"] == "none" and "2,000" in long["answer"]
        history = [{"role": "user", "content": "x" * 2000}] * 60
        follow = _timed(lambda: client.predict(question="What is GLM-4-9B's MATH score?", history=history,
                                               api_name="/ask"))
        assert "50.6" in follow["answer"]
    finally:
        client.close()
    assert _rss_mb(server.pid) < MAX_RSS_MB


def test_cors_allows_only_the_configured_origin(tight):
    server, _, _ = tight
    for origin, allowed in ((ALLOWED, True), ("http://evil.example", False)):
        request = urllib.request.Request(f"{server.url}/widget/gradio.js", headers={"Origin": origin})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert (response.headers.get("Access-Control-Allow-Origin") == origin) is allowed
        preflight = urllib.request.Request(f"{server.url}/gradio_api/queue/join", method="OPTIONS", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        try:
            with urllib.request.urlopen(preflight, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as err:
            status = err.code
        assert (status == 200) is allowed


def test_the_queue_limits_hold(tight):
    """One worker and two waiting places: a burst of 20 jobs gets most of them turned away with 503."""
    server, _, _ = tight
    ask = next(d["id"] for d in _config(server.url)["dependencies"] if d.get("api_name") == "ask")

    def join(i: int) -> int:
        body = json.dumps({"fn_index": ask, "data": ["What is GLM-4-9B's MATH score?", []],
                           "session_hash": f"burst-{i}"}).encode()
        return _post(f"{server.url}/gradio_api/queue/join", body)

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(join, range(20)))
    assert statuses.count(200) >= 1 and statuses.count(503) >= 10, statuses
    assert set(statuses) <= {200, 503}
    time.sleep(2)  # let the accepted jobs drain before the next test


def test_the_server_wrote_nothing(tight):
    server, workdir, before = tight
    client = client_for(server.url)
    try:
        assert "50.6" in client.predict(question="What is GLM-4-9B's MATH score?", history=[], api_name="/ask")["answer"]
    finally:
        client.close()
    assert _snapshot(workdir) == before
    assert _rss_mb(server.pid) < MAX_RSS_MB


# In process: the feedback rules.


def test_one_vote_per_answer_and_a_capped_feedback_file(tmp_path):
    from webapp.edge import FeedbackLog, record_feedback

    log = FeedbackLog(tmp_path / "feedback.jsonl", max_bytes=600)
    turns = {1: {"question": "q", "answer": "a", "group": 1}, 2: {"question": "q", "answer": "a", "group": 1},
             4: {"question": "q2", "answer": "b" * 100, "group": 4}}
    record_feedback(log, turns, 1, True)
    record_feedback(log, turns, 2, False)  # the same answer's sources box: already voted
    record_feedback(log, turns, 1, True)
    record_feedback(log, turns, 7, True)   # no such answer in this session
    assert len(log.path.read_text().splitlines()) == 1
    for i in range(10, 30):
        record_feedback(log, {**turns, i: {"question": "q", "answer": "c" * 100, "group": i}}, i, True)
    assert log.path.stat().st_size <= 600
