"""Words and sentences: the one tokenizer for BM25 and questions, and sentence splitting and scoring.

`Analyzer` (bm25s's English stopwords, PyStemmer stems; offline) turns text into stems; `content_terms`,
`focus_words` and `entity_terms` read a question; `split_sentences` cuts a passage into sentences and
`score_sentences` / `best_sentences` pick the ones that answer the question. No search here: `assistant.text`
retrieves the passages (any object with a title, section, text and score will do, see `Candidate`).
"""
from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol


class Candidate(Protocol):
    """A retrieved passage as sentence scoring sees it (`assistant.text.Hit` is one)."""

    paper_title: str
    section: str | None
    text: str
    score: float                # the retrieval score; higher is better


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


def search_text(section: str | None, text: str, title: str = "") -> str:
    """What BM25 and the embedder see: the names in the paper's title ('GLM-4.5'), the section title, the
    text, and joined model names ('glm4_5'), so 'GLM-4.5' in a question matches every passage of that paper."""
    return f"{title_names(title)}\n{leaf_section(section)}\n{text}\n{expand_compounds(text)}"



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
    hit: Candidate
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


def score_sentences(question: str, hits: Sequence[Candidate]) -> tuple[list[_Sentence], _Query]:
    """Every sentence of the hits scored for the question, best first, and the parsed question.

    A sentence scores by the asked-for words it holds (exact words beat stems: 'optimizer' over
    'optimization'), the question words it, its passage and its section title hold, a number near an
    asked-for word when a value is asked for, shared phrases, and its passage's retrieval score.
    """
    an = analyzer()
    sents = []
    for r, h in enumerate(hits):
        context, heading, parts = _passage_features(h.paper_title, h.section, h.text)
        sents += [_Sentence(h, r, i, t, stems, words, context, heading) for i, (t, stems, words) in enumerate(parts)]
    q = _query(question, sents, an)
    top = max((h.score for h in hits), default=0.0) or 1.0
    for s in sents:
        s.score = _score(s, q) + 0.5 * max(s.hit.score, 0.0) / top
    return sorted(sents, key=lambda s: (-s.score, s.rank, s.index)), q


@lru_cache(maxsize=4096)
def _passage_features(title: str, section: str, text: str):
    """What scoring needs of a passage that does not depend on the question, computed once per passage."""
    an = analyzer()
    names = frozenset(an.tokens(title_names(title)))           # 'Qwen2' in the question is met by the paper
    context = frozenset(an.tokens(search_text(section, text, title))) | names
    heading = frozenset(an.tokens(leaf_section(section)))
    parts = tuple((t, frozenset(an.tokens(f"{t} {expand_compounds(t)}")) | names, frozenset(_surface(t)))
                  for t in split_sentences(text))
    return context, heading, parts


def best_sentences(question: str, hits: Sequence[Candidate], n: int = 2) -> list[tuple[Candidate, str]]:
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
    def specifics(s: _Sentence) -> float:
        return s.score + (0.4 if _NUMBER.search(s.text) else 0.0) - 0.05 * (s.index - first.index)

    later = [s for s in sents if s.hit is first.hit and s.index > first.index]
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
