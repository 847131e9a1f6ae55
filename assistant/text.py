"""The text (RAG) path: retrieve passages (BM25, optionally fused with dense vectors), then answer.

`TextIndex.retrieve` finds passages and says whether anything relevant was found; `extractive_answer` quotes
the best one or two sentences without an LLM; `llm_answer` synthesises a cited answer from the same passages and
keeps it only when every number it states is in a cited passage; `is_answerable` abstains when the passages do
not match. Everything runs offline: tokens, stopwords and stems are our own (`assistant.words`), so llama-index
never reaches for nltk or tiktoken data.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .numbers_check import numbers_supported
from .retrieval import Passage, SparseIndex, node_text, passage_nodes, read_passages
from .retrieval_dense import (EMBED_BATCH, DenseIndex, Embedder, EmbeddingError, OpenAIEmbedder, embed_queries,
                              rrf)
from .sentences import best_sentences, score_sentences, split_sentences
from .words import analyzer, asked_heads, content_terms, entity_terms, leaf_section, search_text

__all__ = ["EMBED_BATCH", "Embedder", "EmbeddingError", "Hit", "OpenAIEmbedder", "Passage", "Retrieval",
           "TextIndex", "embed_queries", "extractive_answer", "is_answerable", "llm_answer", "numbers_supported",
           "read_passages", "renumber_citations", "split_sentences"]

log = logging.getLogger(__name__)

DENSE_POOL = 50             # dense neighbours that enter the fusion
RERANK_POOL = 30            # retrieved passages reordered by their best sentence
MIN_LLM_S = 0.2             # no LLM call with less time than this left


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


@dataclass
class Retrieval:
    """What a text search found. `relevant` is False when nothing in the papers is about the question (an
    off-topic question: see `SparseIndex.in_domain`) or the passages found do not match it (`is_answerable`);
    the router then abstains. `hits` are the passages found either way, best first."""

    hits: list[Hit] = field(default_factory=list)
    relevant: bool = False
    reason: str = ""

    def __bool__(self) -> bool:
        return self.relevant


class TextIndex:
    """BM25 over passage windows (llama-index BM25Retriever, see `assistant.retrieval`), fused with dense vectors
    once an embedder has embedded them in the background (see `assistant.retrieval_dense`).

    With a `cache_dir` the BM25 index is saved there and loaded on the next start, and so are the vectors.
    """

    def __init__(self, passages: Iterable[Passage], embedder: Embedder | None = None,
                 cache_dir: str | Path | None = None):
        self.passages = list(passages)
        self.embedder = embedder
        self._papers: np.ndarray | None = None          # paper id per passage, for dense search in one paper
        cache = Path(cache_dir) if cache_dir else None
        self.sparse = SparseIndex.cached(self.passages, cache / "bm25" if cache else None)
        self.dense_index = (DenseIndex(self._dense_texts, embedder, cache) if embedder is not None and
                            self.sparse is not None else None)

    @classmethod
    def from_db(cls, source: Any, embedder: Embedder | None = None,
                cache_dir: str | Path | None = None) -> TextIndex:
        """Read passages and paper titles once from a DuckDB path or connection, or the assistant's SafeDB."""
        return cls(read_passages(source), embedder=embedder, cache_dir=cache_dir)

    @classmethod
    def for_database(cls, db: Any, embedder: Embedder | None = None) -> TextIndex:
        """The index of the assistant's database (a SafeDB or a path), saved beside it as '<db file>.text/'."""
        path = Path(getattr(db, "path", db))
        return cls.from_db(db, embedder=embedder, cache_dir=path.with_name(path.name + ".text"))

    @property
    def dense(self) -> bool:
        """Dense vectors are built and searched (not while they are being built in the background)."""
        return self.dense_index is not None and self.dense_index.ready

    def close(self) -> None:
        if self.dense_index is not None:
            self.dense_index.close()

    def search(self, query: str, k: int = 5, paper_id: str | None = None) -> list[Hit]:
        """The k passages that best match `query`, optionally only from one paper; none when the question is
        not about anything the papers discuss (see `retrieve` for the whole result)."""
        found = self._find(query, k, paper_id)
        return found.hits if found.reason != "off topic" else []

    def retrieve(self, query: str, k: int = 5, paper_id: str | None = None) -> Retrieval:
        """The passages for `query` and whether they are relevant (see `Retrieval`)."""
        found = self._find(query, k, paper_id)
        if found.reason or is_answerable(query, found.hits):
            return found
        return Retrieval(found.hits, False, "no passage matches the question")

    def _find(self, query: str, k: int, paper_id: str | None) -> Retrieval:
        """BM25 (fused with dense ranks when the vectors are ready) picks RERANK_POOL candidates; they are
        reordered by their best sentence's fit to the question (see `score_sentences`) plus the retrieval score."""
        if self.sparse is None or not query.strip() or k <= 0:
            return Retrieval(reason="empty")
        bm25 = self.sparse.retrieve(query, paper_id)
        if not self.sparse.in_domain(query, [self.passages[i] for i, _ in bm25[:3]]):
            return Retrieval(reason="off topic")
        dense = self._dense_order(query, paper_id) if self.dense_index is not None else None
        if dense is None:
            pool = bm25[:RERANK_POOL]
        else:
            pool = rrf([[i for i, _ in bm25[:DENSE_POOL]], dense])[:RERANK_POOL]
        scores = dict(bm25)
        hits = _rerank(query, [self._hit(i, score, scores.get(i, 0.0)) for i, score in pool])[:k]
        return Retrieval(hits, bool(hits), "" if hits else "no passage holds the question's words")

    def _dense_order(self, query: str, paper_id: str | None) -> list[int] | None:
        if not self.dense_index.ready or (paper_id and not self.sparse.has_paper(paper_id)):
            return None
        owner = self.dense_index.owner
        sims = self.dense_index.scores(query, self._dense_nodes(paper_id, owner) if paper_id else None)
        if sims is None:
            return None
        best = np.full(len(self.passages), -np.inf)
        np.maximum.at(best, owner, sims)
        return [int(i) for i in np.argsort(-best, kind="stable")[:DENSE_POOL] if np.isfinite(best[i])]

    def _dense_nodes(self, paper_id: str, owner: np.ndarray) -> np.ndarray:
        if self._papers is None:
            self._papers = np.array([p.paper_id for p in self.passages], dtype=object)
        return np.flatnonzero(self._papers[owner] == paper_id)

    def _dense_texts(self) -> tuple[list[str], np.ndarray]:
        nodes, owner = passage_nodes(self.passages)
        return [node_text(n) for n in nodes], np.asarray(owner, dtype=np.int32)

    def _hit(self, i: int, score: float, bm25: float) -> Hit:
        return Hit(**vars(self.passages[i]), score=float(score), bm25=float(max(bm25, 0.0)))


def _rerank(query: str, hits: list[Hit]) -> list[Hit]:
    """Order by the best sentence's score (which includes the passage's retrieval score)."""
    best: dict[int, float] = {}
    for s in score_sentences(query, hits)[0]:
        best.setdefault(id(s.hit), s.score)
    return sorted(hits, key=lambda h: -best.get(id(h), 0.0))


# ---------------------------------------------------------------------------------------------- answers
def is_answerable(question: str, hits: Sequence[Hit]) -> bool:
    """Do the top passages match the question well enough to answer from them?

    Every name-like word ('Bar2', 'Foo-4.5', 'France') must appear in one of the top three passages (title
    included), and one passage must hold at least half of the question's content words (two at least) and,
    when the question names what it asks for ('What learning rate ...'), that word.
    """
    an = analyzer()
    percent = set(an.tokens("percent percentage"))                  # '61.5%' answers 'what percentage'
    top = [set(an.tokens(f"{h.paper_title} {search_text(h.section, h.text, h.paper_title)}"))
           | (percent if "%" in h.text else set()) for h in hits[:3]]
    union = set().union(*top)
    terms = set(content_terms(question, an, known=union.__contains__))
    if not hits or not terms:
        return False
    if any(not found(group, union) for group in entity_terms(question, an)):
        return False
    heads = asked_heads(question, an)
    best = max((sum(found({term}, t) for term in terms) for t in top if not heads or heads & t), default=0)
    return best / len(terms) >= 0.5 and (best >= 2 or len(terms) == 1)


def found(group: set[str], tokens: set[str]) -> bool:
    """A name's stems among the passages' tokens, also glued to the next word ('FooHashdeduplication'), or split in
    two where a PDF set a space inside it ('Foo Judge' for FooJudge)."""
    return bool(group & tokens) or any(t.startswith(g) for g in group if len(g) >= 5 for t in tokens) or \
        any(g[:i] in tokens and g[i:] in tokens for g in group if len(g) >= 6 for i in range(3, len(g) - 2))


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
    if not numbers_supported(text, [f"{hits[n - 1].paper_title}\n{hits[n - 1].text}\n{hits[n - 1].original}"
                                    for n in cited]):
        log.info("LLM synthesis states a number no cited passage holds; using the extractive answer")
        return None
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
