"""The text (RAG) path: search passages with BM25 (optionally fused with dense vectors), then answer.

`TextIndex.search` finds passages; `extractive_answer` quotes the best one or two sentences without an LLM;
`llm_answer` synthesises a cited answer from the same passages; `is_answerable` abstains when they do not match.
Everything runs offline: tokens, stopwords and stems are our own (bm25s's list + PyStemmer), so llama-index
never reaches for nltk or tiktoken data.
"""
from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

RRF_K = 60                  # reciprocal-rank fusion constant
DENSE_POOL = 50             # dense neighbours that enter the fusion
EMBED_BATCH = 64
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
    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text. Raises on failure."""
        ...


class EmbeddingError(Exception):
    """The embedding server failed; search falls back to BM25 alone."""


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible /v1/embeddings endpoint, with an explicit timeout and no retries."""

    def __init__(self, base_url: str | None, model: str, timeout: float = 10.0, api_key: str | None = None):
        import openai
        self.model = model
        self._errors = openai.OpenAIError
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "none", timeout=timeout, max_retries=0)

    def embed(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), EMBED_BATCH):
            try:
                resp = self._client.embeddings.create(model=self.model, input=texts[start:start + EMBED_BATCH])
            except self._errors as e:
                raise EmbeddingError(f"embedding with {self.model!r} failed ({e}); check PAPERQA_EMBED_BASE_URL "
                                     f"and PAPERQA_EMBED_MODEL") from e
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
            q = _unit(np.asarray(self.embedder.embed([query]), dtype=float))[0]
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
        return Hit(**asdict(self.passages[i]), score=float(score), bm25=float(max(bm25, 0.0)))


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


def search_text(section: str | None, text: str, title: str = "") -> str:
    """What BM25 and the embedder see: the names in the paper's title ('GLM-4.5'), the section title, the
    text, and joined model names ('glm4_5'), so 'GLM-4.5' in a question matches every passage of that paper."""
    return f"{title_names(title)}\n{leaf_section(section)}\n{text}\n{expand_compounds(text)}"


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
    included), and one passage must hold at least half of the question's content words (two at least).
    """
    an = analyzer()
    terms = set(content_terms(question, an))
    if not hits or not terms:
        return False
    top = [set(an.tokens(f"{h.paper_title} {search_text(h.section, h.text, h.paper_title)}")) for h in hits[:3]]
    union = set().union(*top)
    if any(not (group & union) for group in entity_terms(question, an)):
        return False
    best = max(len(terms & t) for t in top)
    return best / len(terms) >= 0.5 and (best >= 2 or len(terms) == 1)


def extractive_answer(question: str, hits: Sequence[Hit], max_sentences: int = 2) -> tuple[str, list[dict]]:
    """The best one or two sentences from the top passages, quoted with their source; no LLM.

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


# ---------------------------------------------------------------------------------------------- words
class Analyzer:
    """The one tokenizer for BM25, questions and sentences: lowercase words of 2+ characters, bm25s's English
    stopwords, Snowball English stems. Offline; one PyStemmer object per thread (they are not thread-safe)."""

    pattern = r"(?u)\b\w\w+\b"

    def __init__(self):
        from bm25s.stopwords import STOPWORDS_EN
        self.stopwords = frozenset(STOPWORDS_EN)
        self._local = threading.local()
        self._regex = re.compile(self.pattern)

    @property
    def stemmer(self):
        if not hasattr(self._local, "stemmer"):
            import Stemmer
            self._local.stemmer = Stemmer.Stemmer("english")
        return self._local.stemmer

    def tokens(self, text: str, stop: frozenset[str] = frozenset()) -> list[str]:
        words = [w for w in self._regex.findall(text.lower()) if w not in self.stopwords and w not in stop]
        return self.stemmer.stemWords(words) if words else []


@lru_cache(maxsize=1)
def analyzer() -> Analyzer:
    return Analyzer()


# Words that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = frozenset("""
what which who whom whose when where why how did do does done was were is are be been being used use uses using
team paper papers report reports reported authors author describe described explain tell me please give list show
many much kind type run ran can could would should their they we our about according mention mentioned say said
get got has have had also any all some its this that these those there my you your i
""".split())
_FOCUS = re.compile(
    r"^\s*(?:what|which|how many|how much)\s+(?:(?:is|was|are|were)\s+)?(?:(?:the|a|an)\s+)?(?P<focus>.+?)\s+"
    r"(?:of|for|in|on|at|by|with|from|during|when|between|among|across|besides|to|that|did|does|do|was|were|"
    r"is|are|has|have|had|used|can|could|would|should)\b", re.I)
_PROCEDURE = re.compile(r"^\s*how\s+(?:did|does|do|was|were|is|are|has|have|can|could|would|should)\b", re.I)
_NUMBER_QUESTION = re.compile(
    r"\bhow (?:many|much|large|big|long|high|low)\b|\b(?:value|number|size|temperature|rate|ratio|percentage|"
    r"length|count|dimension|threshold|weight|decay|budget|steps?|epochs?|top[- ]?p|frequency|heads?|layers?)\b",
    re.I)
_NUMBER = re.compile(r"(?<![\w.\-\[])\d+(?:[.,]\d+)*(?:%|[KMBT]\b|k\b)?(?![\w\-])")
_COMPOUND = re.compile(r"\b([A-Za-z]+)(-?)(\d+(?:\.\d+)*)(?![\d.]?\d)")
_NAME_LIKE = re.compile(r"[A-Za-z][\w.\-]*\d[\w.\-]*|[A-Za-z]*[a-z][A-Z][\w\-]*|[A-Z]{2,}[\w\-]*|[A-Z][a-z]+")
_PAGE_MARK = re.compile(r"\[p\.\s*[^\]]*\]\s*")


def expand_compounds(text: str) -> str:
    """Extra tokens for versioned names the tokenizer would split: 'GLM-4.5' -> 'glm4_5', 'GPT-4o' -> 'gpt4'."""
    out = [f"{m.group(1)}{m.group(3).replace('.', '_')}".lower() for m in _COMPOUND.finditer(text)
           if m.group(2) or "." in m.group(3)]
    return " ".join(dict.fromkeys(out))


def title_names(title: str) -> str:
    """The names in a paper title, for search: 'GLM-4.5: Agentic, Reasoning, ...' -> 'GLM-4.5 glm4_5'."""
    names = [w.strip(":,;()") for w in title.split() if re.search(r"\d|[a-z][A-Z]", w)]
    return " ".join(names + [expand_compounds(" ".join(names))]).strip()


def content_terms(question: str, an: Analyzer) -> list[str]:
    """Stemmed content words of a question, in order ('what', 'used', 'team' and the like dropped)."""
    return an.tokens(question + " " + expand_compounds(question), stop=QUESTION_WORDS)


def focus_words(question: str) -> list[str]:
    """The content words of what the question asks for: 'What sampling temperature was used ...' ->
    ['sampling', 'temperature']; none for 'how did ...' questions."""
    m = _FOCUS.match(question)
    if not m:
        return []
    words = [w.lower() for w in re.findall(r"\w+", m.group("focus"))[:3]]
    return [w for w in words if w not in QUESTION_WORDS and w not in analyzer().stopwords]


def entity_terms(question: str, an: Analyzer) -> list[set[str]]:
    """Name-like words of the question ('Qwen2', 'GLM-4.5', 'France'), each as the stems that would match it."""
    groups = []
    for pos, word in enumerate(question.split()):
        word = re.sub(r"(?:['’]s)?[?!.,;:)\"'’]*$", "", word.lstrip("(\"'“"))
        if not _NAME_LIKE.fullmatch(word) or (pos == 0 and word.istitle()) or word.lower() in QUESTION_WORDS:
            continue
        compound = expand_compounds(word)
        stems = set(an.tokens(compound or word))
        if stems:
            groups.append(stems)
    return groups


def leaf_section(section: str | None) -> str:
    """'Paper > 2 Methods > 2.4 Hyper-Parameters [p. 3]' -> '2.4 Hyper-Parameters'."""
    leaf = (section or "").split(" > ")[-1]
    return _PAGE_MARK.sub("", leaf).replace("**", "").strip()


# ---------------------------------------------------------------------------------------------- sentences
_SENT_END = re.compile(r"(?<=[.!?])(?:\*{1,2}|[\"”’)])?\s+(?=[\"“(\[*]?[A-Z0-9•*-])|\n+")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|et al|vs|Fig|Figs|No|Eq|Sec|approx|cf|Cf|etc|resp)\.|\b[A-Z]\.)$")


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; each line of a list is one; 'e.g.', 'et al.', 'vs.' do not end a sentence."""
    text = _PAGE_MARK.sub("", text)
    out, start = [], 0
    for m in _SENT_END.finditer(text):
        piece = text[start:m.start()].strip()
        if "\n" not in m.group(0) and _ABBREV.search(piece):
            continue
        out.append(piece)
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if re.search(r"[A-Za-z]{2}", s)]


@dataclass
class _Sentence:
    hit: Hit
    rank: int                       # the hit's position
    index: int                      # the sentence's position in the passage
    text: str
    stems: set[str]
    words: set[str]                 # surface words, for exact matches
    context: set[str]               # stems of the whole passage, its section title and the paper's names
    heading: set[str]               # stems of the section title
    score: float = 0.0


@dataclass
class _Query:
    terms: dict[str, float]         # content stem -> weight (rarer among the candidate sentences, heavier)
    focus: dict[str, float]         # what is asked for (all terms when the question does not say)
    focus_words: dict[str, str]     # focus stem -> the word as asked ('optimizer'), for exact-word credit
    pairs: set[tuple[str, str]]     # consecutive content stems
    wants_number: bool
    procedure: bool                 # 'how did / how was ...'
    entities: list[set[str]]        # name-like words: 'Qwen2', 'GLM-4.5'


def score_sentences(question: str, hits: Sequence[Hit]) -> tuple[list[_Sentence], _Query]:
    """Every sentence of the hits scored for the question, best first, and the parsed question.

    A sentence scores by the asked-for words it holds (exact words beat stems: 'optimizer' over
    'optimization'), the question words it, its passage and its section title hold, a number near an
    asked-for word when a value is asked for, shared phrases, and its passage's retrieval score.
    """
    an = analyzer()
    sents = []
    for r, h in enumerate(hits):
        names = set(an.tokens(title_names(h.paper_title)))       # 'Qwen2' in the question is met by the paper
        context = set(an.tokens(search_text(h.section, h.text, h.paper_title))) | names
        heading = set(an.tokens(leaf_section(h.section)))
        sents += [_Sentence(h, r, i, t, set(an.tokens(f"{t} {expand_compounds(t)}")) | names, _surface(t),
                            context, heading) for i, t in enumerate(split_sentences(h.text))]
    q = _query(question, sents, an)
    top = max((h.score for h in hits), default=0.0) or 1.0
    for s in sents:
        s.score = _score(s, q) + 0.5 * max(s.hit.score, 0.0) / top
    return sorted(sents, key=lambda s: (-s.score, s.rank, s.index)), q


def best_sentences(question: str, hits: Sequence[Hit], n: int = 2) -> list[tuple[Hit, str]]:
    """The n (<= 2) best sentences from the top five hits, with their hits, in reading order.

    For 'how did ...' questions the second sentence is the one of the same passage that best elaborates the
    first; otherwise a second sentence must be nearly as good and add asked-for words.
    """
    ranked, q = score_sentences(question, hits[:5])
    if not ranked or not q.terms:
        return []
    picks = [ranked[0]]
    second = (_elaboration(ranked[0], ranked) if q.procedure else None) or _runner_up(ranked, q)
    if n > 1 and second is not None:
        picks.append(second)
    picks.sort(key=lambda s: (s.rank, s.index))
    return [(s.hit, _trim(s.text)) for s in picks]


def _surface(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z0-9]+", text.lower())}


def _query(question: str, sents: list[_Sentence], an: Analyzer) -> _Query:
    terms = content_terms(question, an)
    df = Counter(t for s in sents for t in s.stems)
    weights = {t: math.log(1 + (len(sents) + 1) / (df[t] + 1)) for t in terms}
    asked = focus_words(question)
    focus_stems = an.stemmer.stemWords(asked) if asked else []
    focus = {t: weights[t] for t in focus_stems if t in weights} or dict(weights)
    if asked and focus_stems[-1] in focus:
        focus[focus_stems[-1]] *= 2             # the head noun: 'temperature' in 'sampling temperature'
    return _Query(weights, focus, {t: w.rstrip("s") for t, w in zip(focus_stems, asked)},
                  set(zip(terms, terms[1:])), bool(_NUMBER_QUESTION.search(question)),
                  bool(_PROCEDURE.match(question)), entity_terms(question, an))


def _score(s: _Sentence, q: _Query) -> float:
    exact = {t: 1.0 if w in s.words else 0.6 for t, w in q.focus_words.items()}
    focus = sum(w * exact.get(t, 1.0) for t, w in q.focus.items() if t in s.stems) / (sum(q.focus.values()) or 1.0)
    score = focus + 0.3 * _coverage(q.terms, s.stems) + 0.6 * _coverage(q.terms, s.context)
    score += 0.3 * _coverage(q.terms, s.heading)             # a passage about the topic, not a mention of it
    stems = analyzer().tokens(s.text)
    score += 0.1 * sum(1 for pair in zip(stems, stems[1:]) if pair in q.pairs)
    if q.wants_number and _NUMBER.search(s.text):
        score += 0.5 if _number_near(s.text, set(q.focus)) else 0.1
    score -= 0.3 * min(2, sum(1 for group in q.entities if not group & s.context))   # another model's passage
    words = len(s.text.split())
    score -= 0.3 if words < 5 else 0.1 if words > 70 else 0.0
    return score - (0.25 if re.match(r"\W*(?:Table|Figure)\s+\d+", s.text) else 0.0)


def _coverage(weights: dict[str, float], stems: set[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in stems) / total if total else 0.0


def _number_near(text: str, focus: set[str]) -> bool:
    """A number within a few words of an asked-for word: 'temperature = 0.6', 'a size of 150,000'."""
    an = analyzer()
    words = text.split()
    for i, w in enumerate(words):
        if _NUMBER.search(w) and focus & set(an.tokens(" ".join(words[max(0, i - 6):i + 4]))):
            return True
    return False


def _elaboration(first: _Sentence, sents: list[_Sentence]) -> _Sentence | None:
    """For 'how' questions: the later sentence of the same passage that adds the most specifics."""
    later = [s for s in sents if s.hit is first.hit and s.index > first.index]
    specifics = lambda s: s.score + (0.4 if _NUMBER.search(s.text) else 0.0) - 0.05 * (s.index - first.index)  # noqa: E731
    return max(later, key=specifics, default=None)


def _runner_up(ranked: list[_Sentence], q: _Query) -> _Sentence | None:
    """A second sentence only when it is nearly as good and adds asked-for words, or continues the first."""
    first = ranked[0]
    wanted = q.focus if q.focus_words else q.terms
    for s in ranked[1:4]:
        if s.score < 0.8 * first.score:
            break
        adds = [t for t in wanted if t in s.stems and t not in first.stems]
        if sum(q.terms[t] for t in adds) > 0.2 * sum(q.terms.values()) or (
                s.hit is first.hit and abs(s.index - first.index) == 1):
            return s
    return None


def _trim(sentence: str, limit: int = 450) -> str:
    """The sentence as quoted: one line, without a list bullet, at most `limit` characters."""
    sentence = re.sub(r"^(?:[-*•]|#+)\s+", "", " ".join(sentence.split()))
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
