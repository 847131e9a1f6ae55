"""Sparse retrieval over the passages: llama-index's BM25Retriever (bm25s) over one TextNode per window.

Each node carries its paper, section and page as metadata; the searched text is the paper's names, the
section heading (twice: a heading says what a passage is about), the window, and joined model names
('foo4_5'). A caption's first sentence counts twice too; fenced code (prompt templates, transcripts) is
quoted but not searched. Searching one paper uses a mask built from that paper's node positions (a sparse
index per paper, never a dense mask per paper). The index is saved next to the database, keyed by a hash
of the passages, and loaded memory-mapped on the next start.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .words import analyzer, expand_compounds, leaf_section, query_words, title_names

log = logging.getLogger(__name__)

INDEX_FORMAT = "4"          # bump when the searched text of a node changes: saved indexes are rebuilt
CHUNK_CHARS = 450           # long passages are searched as windows of sentences this long
POOL_CHUNKS = 90            # nodes retrieved per question before they are grouped by passage
READ_BATCH = 5000           # passages per read (keyset pages, each far inside the query time limit)
# A question is about the papers when one of its words is among the corpus's widespread words (this share of
# the vocabulary has fewer passages), or it names something the papers name ('Bar2', 'SafeBench-X').
DOMAIN_QUANTILE = 0.85
_CODE = re.compile(r"```.*?(?:```|$)", re.S)
_CAPTION = re.compile(r"\W*(?:Table|Figure|Fig\.)\s+\d+[^.:]*[.:]")
_DISTINCT_NAME = re.compile(r"[A-Za-z]*\d[\w.\-]*|[A-Za-z]*[a-z][A-Z][\w\-]*|[A-Z]{2,}[\w\-]*|\w+-\w[\w\-]*")


@dataclass(frozen=True)
class Passage:
    passage_id: int
    paper_id: str
    paper_title: str
    section: str | None
    page: str | None
    text: str                   # repaired: for search and quoting
    original: str               # as printed


class FamilyStemmer:
    """PyStemmer's English stems, one per word family (see `words.word_family`): what bm25s calls for the
    corpus and for each question, so both sides are stemmed alike."""

    def stemWords(self, words: Iterable[str]) -> list[str]:      # noqa: N802 (bm25s's name)
        return analyzer().stems(list(words))


def retriever_class():
    """llama-index's BM25Retriever with a top-k that looks only at the windows sharing a word with the question.

    The library ranks a dense array of every window's score (an argpartition over ~1.5M windows at 1M scores:
    15 ms a question, most of a text answer there); the scores are the library's own (`bm25.get_scores`, on
    the tokens its `_retrieve` makes), and the windows kept are the same top k, ties at the cut broken by
    position. A paper's mask stays a numpy array instead of a list made again on every question."""
    global _RETRIEVER
    if _RETRIEVER is None:
        import bm25s
        from llama_index.core.schema import NodeWithScore
        from llama_index.core.vector_stores.utils import metadata_dict_to_node
        from llama_index.retrievers.bm25 import BM25Retriever

        class SparseTopK(BM25Retriever):
            mask: Any = None                            # np.ndarray of 0/1 per window, or None

            def _retrieve(self, query_bundle):
                tokens = bm25s.tokenize(query_bundle.query_str, stemmer=None if self.skip_stemming else self.stemmer,
                                        token_pattern=self.token_pattern, return_ids=False, show_progress=False)[0]
                scores = np.asarray(self.bm25.get_scores(tokens, weight_mask=self.mask))
                hits = np.flatnonzero(scores)
                k = self.similarity_top_k
                if len(hits) > k:
                    values = scores[hits]
                    kth = np.partition(values, len(values) - k)[len(values) - k]
                    above, tied = hits[values > kth], hits[values == kth]
                    hits = np.concatenate([above, tied[:k - len(above)]])
                hits = hits[np.lexsort((hits, -scores[hits]))]
                return [NodeWithScore(node=metadata_dict_to_node(self.corpus[int(i)]), score=float(scores[i]))
                        for i in hits]

        _RETRIEVER = SparseTopK
    return _RETRIEVER


_RETRIEVER = None


# ---------------------------------------------------------------------------------------------- reading
_PASSAGES_SQL = ("SELECT p.passage_id, p.paper_id, coalesce(pa.title, p.paper_id) AS title, p.section, p.page, "
                 "p.text, p.original FROM passages p LEFT JOIN papers pa USING (paper_id) "
                 "WHERE p.passage_id > ? ORDER BY p.passage_id LIMIT ?")


def read_passages(source: Any) -> list[Passage]:
    """Passages with their paper titles, from a DuckDB path, a DuckDB connection, or the assistant's SafeDB.

    Read in keyset pages of READ_BATCH: every read is small, so none runs into the time limit that SafeDB keeps
    for user queries, and none is cut by its row cap (`query_all`)."""
    if isinstance(source, (str, Path)):
        import duckdb
        with duckdb.connect(str(source), read_only=True) as con:
            return read_passages(con)
    rows: list[tuple] = []
    while True:
        page = _page(source, rows[-1][0] if rows else -2**31)
        rows += page
        if len(page) < READ_BATCH:
            return [_passage(*row) for row in rows]


def _page(source: Any, after: int) -> list[tuple]:
    if hasattr(source, "execute"):
        return source.execute(_PASSAGES_SQL, [after, READ_BATCH]).fetchall()
    return [tuple(r.values()) for r in source.query_all(_PASSAGES_SQL, [after, READ_BATCH])[1]]


def _passage(pid, paper_id, title, section, page, text, original) -> Passage:
    return Passage(int(pid), paper_id, title, section, None if page is None else str(page), text or "",
                   original or "")


def fingerprint(passages: Sequence[Passage]) -> str:
    """A hash of what the index is built from (and of how): a saved index is reused only when it matches."""
    h = hashlib.sha256(f"{INDEX_FORMAT}|{CHUNK_CHARS}".encode())
    for p in passages:
        h.update(f"\x1e{p.passage_id}\x1f{p.paper_id}\x1f{p.paper_title}\x1f{p.section}\x1f{p.text}".encode())
    return h.hexdigest()[:24]


# ---------------------------------------------------------------------------------------------- nodes
def passage_nodes(passages: Sequence[Passage]) -> tuple[list[Any], list[int]]:
    """One llama-index TextNode per window of each passage, and the passage index of each node."""
    from llama_index.core.schema import TextNode
    hidden = ["passage_id", "paper_id", "page"]
    nodes, owner = [], []
    for i, p in enumerate(passages):
        heading = leaf_section(p.section)
        for window in _windows(_CODE.sub(" ", p.text)):
            searched = searched_text(window)
            if not re.search(r"[A-Za-z]{2}", searched):
                continue                                    # code only: nothing to answer from
            meta = {"names": title_names(p.paper_title), "section": heading, "topic": heading,
                    "passage_id": p.passage_id, "paper_id": p.paper_id, "page": p.page or ""}
            nodes.append(TextNode(text=searched, metadata=meta, excluded_embed_metadata_keys=hidden,
                                  excluded_llm_metadata_keys=hidden, metadata_template="{value}",
                                  metadata_separator="\n"))
            owner.append(i)
    return nodes, owner


def searched_text(window: str) -> str:
    """A window as searched: a caption's first sentence twice, joined names added."""
    text = window.strip()
    caption = _CAPTION.match(text)
    lead = f"{caption.group(0)}\n" if caption else ""
    return f"{lead}{text}\n{expand_compounds(text)}".strip()


def node_text(node: Any) -> str:
    """What the embedder sees of a node: its searched text with the paper's names and the heading."""
    from llama_index.core.schema import MetadataMode
    return node.get_content(metadata_mode=MetadataMode.EMBED)


def _windows(text: str) -> list[str]:
    """Consecutive sentences grouped up to CHUNK_CHARS; short passages stay whole."""
    from .sentences import split_sentences
    if len(text) <= CHUNK_CHARS * 4 // 3:
        return [text]
    out, cur = [], ""
    for sentence in split_sentences(text):
        if cur and len(cur) + len(sentence) > CHUNK_CHARS:
            out.append(cur)
            cur = ""
        cur = f"{cur} {sentence}".strip()
    return out + [cur] if cur else out or [text]


# ---------------------------------------------------------------------------------------------- the index
class SparseIndex:
    """BM25 over passage windows. `retrieve(question, paper_id)` -> [(passage index, BM25 score)], best first."""

    def __init__(self, retriever: Any, owner: np.ndarray, passages: Sequence[Passage]):
        self.retriever = retriever
        self.retriever.stemmer = FamilyStemmer()
        self.owner = owner                                            # node -> passage index
        self._position = {p.passage_id: i for i, p in enumerate(passages)}
        self._paper_nodes = _paper_nodes(passages, owner)             # paper -> its node positions (sparse)
        dfs = np.diff(np.asarray(retriever.bm25.scores["indptr"]))
        self._vocab = retriever.bm25.vocab_dict
        self._dfs = dfs
        self._widespread = max(2.0, float(np.quantile(dfs, DOMAIN_QUANTILE)) if len(dfs) else 0.0)

    @classmethod
    def build(cls, passages: Sequence[Passage]) -> SparseIndex | None:
        nodes, owner = passage_nodes(passages)
        if not nodes:
            return None
        an = analyzer()
        retriever = retriever_class()(nodes=nodes, stemmer=FamilyStemmer(), language=list(an.stopwords),
                                  token_pattern=an.pattern, similarity_top_k=min(POOL_CHUNKS, len(nodes)))
        return cls(retriever, np.asarray(owner, dtype=np.int32), passages)

    @classmethod
    def cached(cls, passages: Sequence[Passage], cache_dir: Path | None) -> SparseIndex | None:
        """Load the saved index for these passages from `cache_dir`, or build it and save it there."""
        if cache_dir is None or not passages:
            return cls.build(passages)
        folder = Path(cache_dir) / fingerprint(passages)
        try:
            if (folder / "owner.npy").is_file():
                return cls.load(folder, passages)
        except (OSError, ValueError, KeyError) as e:
            log.warning("rebuilding the text index: the saved one at %s does not load (%s)", folder, e)
        index = cls.build(passages)
        if index is not None and index.save(folder):
            try:                    # the saved copy is memory-mapped: the built one's node corpus is freed
                return cls.load(folder, passages)
            except (OSError, ValueError, KeyError) as e:
                log.warning("using the text index as built: the saved copy does not load (%s)", e)
        return index

    @classmethod
    def load(cls, folder: Path, passages: Sequence[Passage]) -> SparseIndex:
        retriever = retriever_class().from_persist_dir(str(folder), mmap=True, show_progress=False)
        owner = np.load(folder / "owner.npy")
        if len(owner) and int(owner.max()) >= len(passages):
            raise ValueError("the saved index belongs to other passages")
        return cls(retriever, owner, passages)

    def save(self, folder: Path) -> bool:
        """Write to a temporary folder beside `folder`, then rename: a reader never sees half an index. Other
        saved versions in the parent folder are removed. A read-only place only costs the next start time."""
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
            self.retriever.persist(str(tmp), show_progress=False)
            np.save(tmp / "owner.npy", self.owner)
            os.replace(tmp, folder)
            for old in folder.parent.iterdir():
                if old != folder and old.is_dir() and not old.name.startswith(".tmp-"):
                    shutil.rmtree(old, ignore_errors=True)
            return True
        except OSError as e:
            log.warning("the text index is not saved (%s); it is rebuilt at the next start", e)
            return False

    def retrieve(self, question: str, paper_id: str | None = None) -> list[tuple[int, float]]:
        """The passages whose windows best match the question (at most POOL_CHUNKS windows), each with its best
        window's BM25 score, best first; only passages of `paper_id` when given."""
        from llama_index.core.schema import QueryBundle
        words = query_words(question, self.known)
        if not words:
            return []
        retriever = self.retriever if paper_id is None else self._scoped(paper_id)
        if retriever is None:
            return []
        best: dict[int, float] = {}
        for hit in retriever.retrieve(QueryBundle(" ".join(words))):
            pos = self._position.get(int(hit.node.metadata["passage_id"]))
            if pos is not None and (hit.score or 0) > 0:
                best[pos] = max(best.get(pos, 0.0), float(hit.score))
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))

    def _scoped(self, paper_id: str):
        """A retriever over one paper's nodes: the shared BM25 index with a weight mask of those nodes."""
        positions = self._paper_nodes.get(paper_id)
        if positions is None:
            return None
        mask = np.zeros(len(self.owner), dtype=np.float32)
        mask[positions] = 1
        scoped = retriever_class()(existing_bm25=self.retriever.bm25, stemmer=self.retriever.stemmer,
                                   token_pattern=self.retriever.token_pattern,
                                   similarity_top_k=self.retriever.similarity_top_k)
        scoped.mask = mask
        scoped.corpus = self.retriever.corpus           # bm25s keeps no corpus of its own when built from nodes
        return scoped

    def has_paper(self, paper_id: str) -> bool:
        return paper_id in self._paper_nodes

    def known(self, stem: str) -> bool:
        """The stem occurs in some passage."""
        return stem in self._vocab

    def in_domain(self, question: str, top: Sequence[Passage] = ()) -> bool:
        """Is the question about what the papers discuss? One of its words is widespread in the corpus (see
        DOMAIN_QUANTILE), or a distinct name of it ('Foo-4.5', 'SafeBench-X', 'LV-Eval') occurs in the papers,
        or one of the `top` passages holds at least two of its words and half of them. 'What's the weather in
        Beijing?' is none of these (the one passage that quotes that request is a prompt in fenced code)."""
        stems = set(analyzer().stems(query_words(question, self.known)))
        if any(self._df(s) >= self._widespread for s in stems):
            return True
        for p in top:
            shared = stems & set(analyzer().tokens(f"{leaf_section(p.section)} {_CODE.sub(' ', p.text)}"))
            if len(shared) >= 2 and 2 * len(shared) >= len(stems):
                return True
        names = [w for w in _DISTINCT_NAME.findall(question) if len(w) > 1]
        return any(self._df(s) > 0 for s in analyzer().tokens(" ".join(names) + " " + expand_compounds(question)))

    def _df(self, stem: str) -> int:
        tid = self._vocab.get(stem)
        return 0 if tid is None else int(self._dfs[tid])


def _paper_nodes(passages: Sequence[Passage], owner: np.ndarray) -> dict[str, np.ndarray]:
    """Each paper's node positions, as one sorted int32 array per paper (no dense array per paper)."""
    if not len(owner):
        return {}
    ids, codes = np.unique(np.array([p.paper_id for p in passages], dtype=object), return_inverse=True)
    node_codes = codes[owner]
    order = np.argsort(node_codes, kind="stable").astype(np.int32)
    bounds = np.searchsorted(node_codes[order], np.arange(len(ids) + 1))
    return {str(pid): order[bounds[i]:bounds[i + 1]] for i, pid in enumerate(ids) if bounds[i + 1] > bounds[i]}
