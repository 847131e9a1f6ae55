"""Words and sentences: the one tokenizer for BM25 and questions, and sentence splitting and scoring.

`Analyzer` (bm25s's English stopwords, PyStemmer stems, one stem per word family; offline) turns text into
stems; `content_terms`, `asked_parts` and `entity_terms` read a question; `split_sentences` cuts a passage into
sentences and `score_sentences` / `best_sentences` pick the ones that answer the question. No search here:
`assistant.text` retrieves the passages (any object with a title, section, text and score will do, see
`Candidate`).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Protocol

from .words import (CAPTION_LINE, KIND_WORDS, PAGE_MARK, PERCENT_VALUE, Analyzer, analyzer, asked_parts, content_terms,
                    entity_terms, expand_compounds, leaf_section, name_words, near_number_stems, run_in,
                    search_text, sentence_marks, sentence_names, sentence_roles, title_names, value_phrases)


class Candidate(Protocol):
    """A retrieved passage as sentence scoring sees it (`assistant.text.Hit` is one)."""

    paper_title: str
    section: str | None
    text: str
    score: float                # the retrieval score; higher is better


# ---------------------------------------------------------------------------------------------- words

_PROCEDURE = re.compile(r"^\s*how\s+(?:did|does|do|was|were|is|are|has|have|can|could|would|should)\b|^\s*why\b",
                        re.I)
_HOW_LONG = re.compile(r"\bhow long\b(?!.*\b(?:context|sequence|length|window|input|output|prompt)s?\b)", re.I)
_WHY = re.compile(r"^\s*why\b", re.I)
_DONE = re.compile(r"^\s*how\s+(?:did|does|do|was|were|is|are)\b|\b(?:did|does|do|used|using)\b", re.I)
_MADE = re.compile(r"\b(?:build|built|develop(?:ed)?|create[ds]?|design(?:ed)?|propose[ds]?|introduce[ds]?)\b", re.I)
_NUMBER_QUESTION = re.compile(
    r"\bhow (?:many|much|large|big|long|high|low)\b|\b(?:value|number|size|temperature|rate|ratio|percentage|"
    r"percent|share|proportion|fraction|score|accuracy|"
    r"length|count|dimension|threshold|weight|decay|budget|steps?|epochs?|top[- ]?p|frequency|heads?|layers?)\b",
    re.I)

# ---------------------------------------------------------------------------------------------- sentences
NEAR_WEIGHT = 0.15      # question words in the two sentences before: 'On FixBench ...' then 'We use OpenHands'
OFF_TOPIC = 0.3         # penalty for a sentence away from every name the question asks about
CAPTION = 0.5           # penalty for a caption's sentences when the question asks what was done
SAYS_HOW = 0.2          # bonus for 'we use X' / 'we developed X' when that is what is asked
SAYS_NAME = 0.3         # bonus for naming something the question does not when it asks 'which X' / 'what X'
VALUE_PHRASE = 0.4      # bonus for a value between the question's verb and what it counts: 'trained on 7T tokens'
NAMES_ASKED = 0.15      # bonus for naming every name a 'how many' question asks about (not only through its paper)
ROLE_NAME = 0.5         # bonus for a name in brackets after a question word when a name is asked: 'Rollout (X)'
_NAME_QUESTION = re.compile(r"^\s*(?:which|what)\s+(?!(?:is|was|are|were|did|does|do|has|have|had)\b)\w", re.I)
_PERCENT_QUESTION = re.compile(r"\bpercent(?:age)?\b|%", re.I)
KIND_CREDIT = 0.5       # an asked-for kind word ('criterion') counts half
_SENT_END = re.compile(r"(?<=[.!?])(?:\*{1,2}|[\"”’)])?\s+(?=[\"“(\[*]?[A-Z0-9•*-])|\n+(?![a-z])")   # a wrapped line goes on in lowercase
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|et al|vs|Fig|Figs|No|Eq|Sec|approx|cf|Cf|etc|resp)\.|\b[A-Z]\.)$")


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; each line of a list is one; 'e.g.', 'et al.', 'vs.' do not end a sentence."""
    text = PAGE_MARK.sub("", text)
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
    run_in: frozenset[str]          # stems of its paragraph's run-in heading ('Low-Precision Decoding')
    near: set[str]                  # stems of the two sentences before it: what it goes on about
    earlier: set[str]               # stems of every sentence before it in its passage
    near_named: frozenset[str]      # stems of the names in the two sentences before it
    sequence: tuple[str, ...]       # its stems in order, for phrases
    by_numbers: set[str]            # stems within a few words of a number: 'temperature = 0.6'
    value_phrases: frozenset[tuple[str, str]]   # (stem before, stem after) a value: ('train', 'token')
    marks: frozenset[str]           # what it says how: 'number', 'uses', 'own work', 'objects', 'short', 'long'
    caption: bool                   # its passage is a table or figure caption
    named: frozenset[str]           # stems of the names it mentions ('SGLang', 'Digital Card Game')
    names: set[str]                 # stems of the paper's names ('bar2', 'foo4_5')
    roles: frozenset[str]           # stems of words that label a name in brackets: 'Rollout (SGLang)' -> 'rollout'
    score: float = 0.0


@dataclass
class _Query:
    terms: dict[str, float]         # content stem -> weight (rarer among the candidate sentences, heavier)
    focus: dict[str, float]         # what is asked for (all terms when the question does not say)
    focus_words: dict[str, str]     # focus stem -> the word as asked ('optimizer'), for exact-word credit
    parts: list[set[str]]           # the focus stems of each part of a many-part question
    kinds: set[str]                 # focus stems that only name a kind of thing ('criterion', 'method')
    pairs: set[tuple[str, str]]     # consecutive content stems
    wants_number: bool
    procedure: bool                 # 'how did / how was ...'
    why: bool                       # 'why did ...': a reason answers it
    method: bool                    # asks what was done ('how did', 'what ... did X use'), not about a table
    own_work: bool                  # asks what the authors built, developed or proposed
    asks_name: bool                 # 'which engine ...', 'what toolkit ...': a name answers it
    asks_percent: bool              # 'what percentage ...': a number with '%' answers it
    asks_duration: bool             # 'how long did training take': a time ('three weeks') answers it
    counts: bool                    # 'how many X ...': a count of X answers it
    asked_stems: frozenset[str]     # every stem of the question, names included
    entities: list[set[str]]        # name-like words: 'Bar2', 'Foo-4.5'

    @cached_property
    def total(self) -> float:
        return sum(self.terms.values()) or 1.0

    @cached_property
    def focus_total(self) -> float:
        return sum(self.focus.values()) or 1.0

    def credit(self, stem: str, words: set[str]) -> float:
        """How much an asked-for stem counts in a sentence with these surface words: fully as the word asked,
        0.6 as another form ('optimization' for 'optimizer'); half that for a kind word ('criterion')."""
        asked = self.focus_words.get(stem)
        credit = 1.0 if asked is None or asked in words else 0.6
        return credit * KIND_CREDIT if stem in self.kinds else credit


def score_sentences(question: str, hits: Sequence[Candidate]) -> tuple[list[_Sentence], _Query]:
    """Every sentence of the hits scored for the question, best first, and the parsed question.

    A sentence scores by the asked-for words it holds (exact words beat stems: 'optimizer' over
    'optimization'), the question words it, the two sentences before it, its passage and its section title
    hold, a number near an asked-for word when a value is asked for, saying what was used or made when that
    is asked, shared phrases, and its passage's retrieval score; it loses for lying away from the names the
    question asks about, for another model's passage, and for a caption when a method is asked for.
    """
    an = analyzer()
    sents = []
    for r, h in enumerate(hits):
        facts = _passage_features(h.paper_title, h.section, h.text)
        sents += [_Sentence(h, r, i, **f) for i, f in enumerate(facts)]
    _follow_references(sents)
    q = _query(question, sents, an)
    top = max((h.score for h in hits), default=0.0) or 1.0
    for s in sents:
        s.score = _score(s, q) + 0.5 * max(s.hit.score, 0.0) / top
    return sorted(sents, key=lambda s: (-s.score, s.rank, s.index)), q


_REFERENCE = re.compile(r"\b(Table|Figure|Fig\.)\s*(\d+)", re.I)


def _follow_references(sents: list[_Sentence]) -> None:
    """'As shown in figure 13, X reached 90.6%': a sentence citing a table or figure is about what its caption
    (among the candidates) says, as if the caption were the sentence before it."""
    captions: dict[tuple[str, str], frozenset[str]] = {}
    for s in sents:
        m = _REFERENCE.match(s.text) if s.caption and s.index == 0 else None
        if m:
            captions.setdefault((m.group(1)[:3].lower(), m.group(2)), s.stems)
    if not captions:
        return
    for s in sents:
        for m in _REFERENCE.finditer(s.text):
            stems = captions.get((m.group(1)[:3].lower(), m.group(2)))
            if stems is not None and not (s.caption and s.index == 0):
                s.near, s.context = s.near | stems, s.context | stems


@lru_cache(maxsize=4096)
def _passage_features(title: str, section: str, text: str) -> tuple[dict, ...]:
    """What scoring needs of each sentence of a passage that does not depend on the question (the fields of
    `_Sentence` after `index`), computed once per passage."""
    an = analyzer()
    names = frozenset(an.tokens(title_names(title)))           # 'Bar2' in the question is met by the paper
    passage = {"context": frozenset(an.tokens(search_text(section, text, title))) | names, "names": names,
               "heading": frozenset(an.tokens(leaf_section(section))), "caption": bool(CAPTION_LINE.match(text))}
    texts = split_sentences(text)
    heads, bodies = zip(*(run_in(t) for t in texts)) if texts else ((), ())
    percent = frozenset(an.tokens("percent percentage"))                 # '61.5%' says a percentage
    stems = [frozenset(an.tokens(f"{t} {expand_compounds(t)}")) | names
             | (percent if PERCENT_VALUE.search(t) else frozenset()) for t in bodies]
    named = [sentence_names(t) for t in bodies]
    section_heading = passage.pop("heading")
    run_ins, current = [], frozenset()
    for h in heads:                             # a run-in heading titles its paragraph's sentences
        current = frozenset(an.tokens(h)) if h else current
        run_ins.append(current)
    return tuple({"text": t, "stems": stems[i], "named": named[i], "heading": section_heading | run_ins[i],
                  "run_in": run_ins[i],
                  "near_named": frozenset().union(*named[max(0, i - 2):i]), "words": frozenset(_surface(bodies[i])),
                  "sequence": tuple(an.tokens(bodies[i])), "near": frozenset().union(*stems[max(0, i - 2):i]),
                  "earlier": frozenset().union(*stems[:i]), "by_numbers": near_number_stems(bodies[i]),
                  "value_phrases": value_phrases(bodies[i]), "marks": sentence_marks(bodies[i]),
                  "roles": sentence_roles(bodies[i]), **passage} for i, t in enumerate(texts))





def best_sentences(question: str, hits: Sequence[Candidate], n: int = 3) -> list[tuple[Candidate, str]]:
    """The best sentences from the top five hits, with their hits, in reading order: at most n, and at most
    two unless the question asks for several things ('... and what ...?'), each of which gets its sentence.

    For 'how did ...' questions the second sentence is the one of the same passage that best elaborates the
    first; otherwise a second sentence must be nearly as good and add asked-for words.
    """
    ranked, q = score_sentences(question, hits[:5])
    if not ranked or not q.terms:
        return []
    picks = _cover(ranked, q, n) if len(q.parts) > 1 else [ranked[0]]
    second = (_elaboration(ranked[0], ranked, q.why) if q.procedure else None) or _runner_up(ranked, q)
    if len(picks) == 1 and min(n, 2) > 1 and second is not None:
        picks.append(second)
    picks.sort(key=lambda s: (s.rank, s.index))
    return [(s.hit, _trim(s.text)) for s in picks]


def _cover(ranked: list[_Sentence], q: _Query, n: int) -> list[_Sentence]:
    """For a many-part question: the best sentence, then for each part it leaves open the best sentence that
    answers that part (holds most of its asked-for words), while they are at least half as good."""
    picks = [ranked[0]]
    for s in ranked[1:]:
        open_parts = [part for part in q.parts if not any(_answers(p, part, q) for p in picks)]
        if not open_parts or len(picks) >= n or s.score < 0.5 * ranked[0].score:
            break
        if any(_answers(s, part, q) for part in open_parts):
            picks.append(s)
    return picks


def _answers(s: _Sentence, part: set[str], q: _Query) -> bool:
    return _coverage({t: q.terms.get(t, 1.0) for t in part}, s.stems) >= 0.5


def _surface(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z0-9]+", text.lower())}


def _query(question: str, sents: list[_Sentence], an: Analyzer) -> _Query:
    seen = frozenset().union(*(s.context for s in sents))
    terms = content_terms(question, an, known=seen.__contains__)     # glued words split by the passages' words
    df = Counter(t for s in sents for t in s.stems)
    weights = {t: math.log(1 + (len(sents) + 1) / (df[t] + 1)) for t in terms}
    asked = asked_parts(question)
    parts = [an.stems(words) for words in asked]
    focus = {t: weights[t] for stems in parts for t in stems if t in weights} or dict(weights)
    for stems in parts:
        if stems and stems[-1] in focus:
            focus[stems[-1]] = 2 * weights[stems[-1]]   # the head noun: 'temperature' in 'sampling temperature'
    as_asked = {t: w for stems, words in zip(parts, asked) for t, w in zip(stems, words)}
    named = set(an.tokens(" ".join(name_words(question)))) | set(expand_compounds(question).split())
    return _Query(terms=weights, focus=focus, focus_words={t: w.rstrip("s") for t, w in as_asked.items()},
                  parts=[set(stems) for stems in parts if stems],
                  kinds={t for t, w in as_asked.items() if w in KIND_WORDS},
                  pairs={(a, b) for a, b in zip(terms, terms[1:]) if not {a, b} <= named},   # phrases, not names
                  wants_number=bool(_NUMBER_QUESTION.search(question)), procedure=bool(_PROCEDURE.match(question)),
                  why=bool(_WHY.match(question)),
                  asks_name=_asks_name(question, asked),
                  asks_percent=bool(_PERCENT_QUESTION.search(question)),
                  asks_duration=bool(_HOW_LONG.search(question)),
                  counts=bool(re.match(r"\s*how many\b", question, re.I)),
                  asked_stems=frozenset(an.tokens(f"{question} {expand_compounds(question)}")),
                  method=_asks_method(question), own_work=bool(_MADE.search(question)),
                  entities=entity_terms(question, an))


def _asks_name(question: str, asked: list[list[str]]) -> bool:
    """'Which engine ...', 'what toolkit ...': a name answers it; not a value ('what score'), nor a kind of
    thing that a description answers ('what criterion', 'what approach')."""
    if not _NAME_QUESTION.match(question) or _NUMBER_QUESTION.search(question):
        return False
    return question.lstrip().lower().startswith("which") or not any(w and w[-1] in KIND_WORDS for w in asked)


def _asks_method(question: str) -> bool:
    return bool(_DONE.search(question)) and not re.search(r"\b(?:tables?|figures?|fig)\b", question, re.I)


def _score(s: _Sentence, q: _Query) -> float:
    off = _off_topic(s, q)
    return _match(s, q, off) + _cues(s, q) - _mismatch(s, q, off)


def _match(s: _Sentence, q: _Query, off_topic: float) -> float:
    """The asked-for words the sentence holds (exact words beat stems; away from the asked-about names they do
    not count), the question words it, the two sentences before it, its passage and its section title hold,
    and the question's phrases it repeats."""
    focus = sum(w * q.credit(t, s.words) if t in s.stems else 0.5 * w
                for t, w in q.focus.items() if t in s.stems or t in s.run_in) / q.focus_total
    own = near = context = heading = 0.0
    for t, w in q.terms.items():
        own += w if t in s.stems else 0.0
        near += w if t in s.near and t not in s.stems else 0.0     # 'On FixBench ...' then 'We use OpenHands'
        context += w if t in s.context else 0.0
        heading += w if t in s.heading else 0.0                    # a passage about the topic, not a mention
    score = focus * (1 - off_topic)
    score += (0.3 * own + NEAR_WEIGHT * near + 0.6 * context + 0.3 * heading) / q.total
    return score + 0.1 * sum(1 for pair in zip(s.sequence, s.sequence[1:]) if pair in q.pairs)


def _off_topic(s: _Sentence, q: _Query) -> float:
    """The share of the question's names (other than the paper's own) that neither the sentence, the two
    before it nor its section title hold whole: 'We use the Terminus framework' after 'Terminal-Bench
    measures ...' is not about FixBench. A name further back in the passage counts half: 'Its overall score
    of 89.9' four sentences after 'we used FooBench' is likely still about it, unless the two sentences before
    it name something else ('BarBench measures ...')."""
    groups = [group for group in q.entities if not group & s.names]
    local = s.stems | s.near | s.heading
    moved_on = bool(s.near_named - q.asked_stems - s.names)
    away = [0.0 if group <= local else 0.5 if group <= s.earlier and not moved_on else 1.0 for group in groups]
    return sum(away) / len(groups) if groups else 0.0


def _cues(s: _Sentence, q: _Query) -> float:
    """A number near an asked-for word when a value is asked for; saying what was used or done ('we use',
    'built upon', 'by applying') when that is asked, and what the authors made ('we developed') when that is."""
    cue = SAYS_HOW if q.method and "uses" in s.marks else 0.0
    cue += SAYS_HOW if q.own_work and "own work" in s.marks else 0.0
    if q.asks_name and s.named - q.asked_stems - s.names:
        cue += SAYS_NAME                                            # names something new: 'SGLang'
        if s.roles & (q.terms.keys() - q.focus.keys()):
            cue += ROLE_NAME                                        # 'which engine ... for rollouts': 'Rollout (X)'
    if q.counts and q.entities and all(group <= s.named for group in q.entities):
        cue += NAMES_ASKED                              # 'how many tokens was X trained on': the count X's own
    if q.asks_duration and "duration" in s.marks:
        cue += 0.3                                                  # 'how long did it take': 'three weeks'
    if q.asks_percent and "percent" in s.marks:
        cue += 0.3
    if q.wants_number and "number" in s.marks:
        cue += 0.5 if s.by_numbers & q.focus.keys() else 0.1
        named = frozenset().union(s.named, *q.entities)             # a verb or a noun, not a name
        if any(a in q.focus and b in q.terms and b not in q.focus and b not in named for b, a in s.value_phrases):
            cue += VALUE_PHRASE                                     # 'trained on 7T tokens'
    return cue


def _mismatch(s: _Sentence, q: _Query, off_topic: float) -> float:
    """Another model's passage, a sentence away from the asked-about names, a caption when a method is
    asked for, a fragment or a ramble."""
    penalty = 0.3 * min(2, sum(1 for group in q.entities if not group & s.context))
    penalty += OFF_TOPIC * off_topic
    if s.caption and not (q.asks_name and s.roles & q.terms.keys()):   # a figure's parts, named: not a penalty
        penalty += CAPTION if q.method else 0.25 if "table" in s.marks else 0.0
    return penalty + (0.3 if "short" in s.marks or "label" in s.marks else 0.1 if "long" in s.marks else 0.0)


def _coverage(weights: dict[str, float], stems: set[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in stems) / total if total else 0.0


def _elaboration(first: _Sentence, sents: list[_Sentence], why: bool = False) -> _Sentence | None:
    """For 'how' questions: the later sentence of the same passage that adds the most specifics (a number
    most of all, what was used next); for 'why' questions, the one that gives a reason ('experiments showed ...');
    one that objects ('However, ...') is not an elaboration."""
    def specifics(s: _Sentence) -> float:
        turn = -0.2 if "objects" in s.marks else 0.0
        setup = {"number", "uses"} <= s.marks                       # 'we use FixHarness ... with temperature 0.7'
        found = (0.6 if "reason" in s.marks else 0.0) if why else (0.4 if "number" in s.marks else 0.0) + (
            0.2 if setup else 0.0)

        return s.score + turn + found - 0.05 * (s.index - first.index)

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
        if sum(q.terms[t] for t in adds) > 0.2 * sum(q.terms[t] for t in wanted) or (
                s.hit is first.hit and abs(s.index - first.index) == 1):
            return s
    return None


def _trim(sentence: str, limit: int = 450) -> str:
    """The sentence as quoted: one line, without a list bullet, at most `limit` characters."""
    sentence = re.sub(r"^(?:[-*•]|#+)\s+", "", " ".join(sentence.split()))
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
