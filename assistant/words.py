"""Reading words: the analyzer (tokens, stems, word families) and what a question asks for.

Shared by retrieval (`text.py`) and sentence scoring (`sentences.py`); knows nothing of either.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache


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

    def words(self, text: str) -> list[str]:
        """The lowercased words of a text, stopwords included."""
        return self._regex.findall(text.lower())

    def tokens(self, text: str, stop: frozenset[str] = frozenset()) -> list[str]:
        words = [w for w in self.words(text) if w not in self.stopwords and w not in stop]
        return self.stems(words)

    def stems(self, words: list[str]) -> list[str]:
        """The stem of each word, one per word family (see `word_family`)."""
        return [word_family(s) for s in self.stemmer.stemWords(words)] if words else []


# Word families the stemmer leaves apart: irregular past forms as their verbs ('built' -> 'build') and
# comparatives and superlatives as their adjectives ('longer' -> 'long').
FAMILIES = {form: base for base, forms in (
    ("build", "built"), ("make", "made"), ("choos", "chose chosen"), ("find", "found"), ("hold", "held"),
    ("keep", "kept"), ("lead", "led"), ("take", "taken took"), ("give", "given gave"), ("show", "shown"),
    ("know", "known knew"), ("write", "written wrote"), ("begin", "began begun"), ("bring", "brought"),
    ("seek", "sought"), ("teach", "taught"), ("grow", "grown grew"), ("draw", "drawn drew"), ("send", "sent"),
    ("spend", "spent"), ("lose", "lost"), ("freez", "froze frozen"), ("feed", "fed"),
    ("wide", "wider widest"), ("big", "bigger biggest"), *((adj, f"{adj}er {adj}est") for adj in
     "long larg small high low great deep fast slow strong weak short few".split()),
) for form in forms.split()}


def word_family(stem: str) -> str:
    """One stem for a word's family: see FAMILIES ('built' -> 'build', 'longer' -> 'long'), and long words
    without an undoing prefix: 'decontamin' -> 'contamin' (so 'decontaminate' meets 'contaminated'),
    'unsupervis' -> 'supervis'. Short stems keep their prefix: 'determin' is not 'termin'."""
    stem = FAMILIES.get(stem, stem)
    return stem[2:] if len(stem) >= 9 and stem[:2] in ("de", "un") else stem


@lru_cache(maxsize=1)
def analyzer() -> Analyzer:
    return Analyzer()


# Words that say what kind of answer is wanted, not what it is about ('how does X handle Y' asks for a method),
# and prepositions, which bm25s's short stopword list keeps.
QUESTION_WORDS = frozenset("""
what which who whom whose when where why how did do does done was were is are be been being used use uses using
team paper papers report reports reported authors author describe described explain tell me please give list show
many much kind type run ran can could would should their they we our about according mention mentioned say said
get got has have had also any all some its this that these those there my you your i them us he she him her
handle handles handled handling deal deals dealt tackle tackles tackled cope copes coped take takes took taken
over under above below beyond within without across between among through during before after upon toward
""".split())
# Nouns that name the kind of thing asked for, which the answer describes rather than repeats: 'What criterion
# did they use?' is answered by 'they remove it if ...'. As asked-for words they count half.
KIND_WORDS = frozenset("""
criterion criteria method methods approach approaches technique techniques strategy strategies way ways procedure
mechanism framework frameworks tool tools process
""".split())
# Nouns that name a value the answer states as a number ('what overlap threshold': '>= 9'), so a passage need not
# hold the word itself.
VALUE_WORDS = frozenset("threshold thresholds value values number amount figure cutoff level share proportion fraction "
                        "ratio portion range".split())
_FOCUS = re.compile(
    r"^\s*(?:what|which|how many|how much)\s+(?!(?:did|does|do|can|could|would|should|has|have|had)\b)"
    r"(?:(?P<copula>is|was|are|were)\s+)?(?:(?:the|a|an)\s+)?(?P<focus>.+?)"
    r"(?:\s+(?:of|for|in|on|at|by|with|from|during|when|between|among|across|besides|to|that|against|versus|vs|"
    r"than|did|does|do|was|"
    r"were|is|are|has|have|had|used|can|could|would|should)\b|(?(copula)\s*[?.!]*\s*$|(?!)))", re.I)
_SHORT_ASK = re.compile(r"^\s*(?:what|which)\s+(?P<focus>(?:[\w-]+\s*){1,3}?)\s*[?.!]*\s*$", re.I)   # 'what momentum?'
_AND_ASK = re.compile(r"\s*,?\s+and\s+(?=(?:what|which|how|who|when|where|why)\b)", re.I)
_COMPOUND = re.compile(r"\b([A-Za-z]+)(-?)(\d+(?:\.\d+)*)(?![\d.]?\d)|\b([A-Z][A-Za-z]*) (\d+\.\d+)(?![\d.]?\d)")
_VERSION = re.compile(r"\d+\.\d+")
_NAME_LIKE = re.compile(r"[A-Za-z][\w.\-]*\d[\w.\-]*|[A-Za-z]*[a-z][A-Z][\w\-]*|[A-Z]{2,}[\w\-]*|"
                        r"[A-Z][a-z]+(?:-[A-Za-z]+)*")
PAGE_MARK = re.compile(r"\[p\.\s*[^\]]*\]\s*")


def expand_compounds(text: str) -> str:
    """Extra tokens for versioned names the tokenizer would split: 'Foo-4.5' -> 'foo4_5', 'Qux-4o' -> 'qux4',
    'Baz 3.1' -> 'baz3_1' (a name and a dotted version apart: 'Baz 3' and 'of 2.5' stay as they are)."""
    out = [f"{m.group(1) or m.group(4)}{(m.group(3) or m.group(5)).replace('.', '_')}".lower()
           for m in _COMPOUND.finditer(text) if m.group(4) or m.group(2) or "." in m.group(3)]
    return " ".join(dict.fromkeys(out))


def title_names(title: str) -> str:
    """The names in a paper title, for search: 'Foo-4.5: Agentic, Reasoning, ...' -> 'Foo-4.5 foo4_5';
    'Heron: Efficient ...' -> 'Heron'."""
    words = [w.strip(":,;()") for w in title.split()]
    names = [w for w in words if re.search(r"\d|[a-z][A-Z]", w)]
    # 'Heron: Efficient Sparse Models': a short title part before a colon is the name the paper goes by
    names += [w for part in title.split(":")[:-1] if len(part.split()) <= 2 for w in part.split()
              if re.fullmatch(r"[A-Z][\w-]+", w)]
    # 'The Baz 3 Herd of Models': a version standing apart names the word before it
    names += [a for a, b in zip(words, words[1:]) if re.fullmatch(r"\d+(?:\.\d+)*", b) and re.fullmatch(r"[A-Z]\w+", a)]
    return " ".join(names + [expand_compounds(" ".join(names))]).strip()


def content_terms(question: str, an: Analyzer, known: Callable[[str], bool] | None = None) -> list[str]:
    """Stemmed content words of a question, in order ('what', 'used', 'team' and the like dropped); words
    glued together repaired first ('Whatoptimizer' -> 'What optimizer'; with `known`, see `query_words`)."""
    return an.stems(query_words(question, known))


def repair_question(question: str) -> str:
    """A question with words glued together split as the papers' text is at ingestion ('theBar2',
    'whichinference'): the same repair on both sides, so a glued question meets a repaired passage."""
    from index.textfix import repair
    return repair(question)


def query_words(question: str, known: Callable[[str], bool] | None = None) -> list[str]:
    """The words of a question that search should look for, as written (lowercased; BM25 stems them): its
    content words (see `content_terms`) and joined model names ('foo4_5'). A word the corpus does not hold that
    is two words it does hold glued together is split ('decontaminatethe' -> 'decontaminate', 'the')."""
    an = analyzer()
    question = re.sub(r"\bhow (?:long|far|often)\b", "how", repair_question(question), flags=re.I)
    counted = set(re.findall(r"\bhow many (\w+)", question.lower()))     # 'how many papers ...': what is counted
    words = [w for w in an.words(question) if w not in QUESTION_WORDS or w in counted]
    if known is not None:
        words = [piece for w in words for piece in split_unknown(w, known)]
    words = [w for w in words if w not in an.stopwords and (w not in QUESTION_WORDS or w in counted)]
    return words + expand_compounds(question).split()


def split_unknown(word: str, known: Callable[[str], bool]) -> list[str]:
    """`word` as two words when the corpus does not know it but knows both halves (a stopword counts as
    known): the split with the longest shorter half; else the word itself."""
    an = analyzer()
    if len(word) < 7 or not word.isalpha() or known(an.stems([word])[0]):
        return [word]

    def ok(piece: str) -> bool:
        return piece in an.stopwords or (len(piece) >= 3 and known(an.stems([piece])[0]))

    splits = [(word[:i], word[i:]) for i in range(2, len(word) - 1) if ok(word[:i]) and ok(word[i:])]
    return list(max(splits, key=lambda s: min(len(s[0]), len(s[1])))) if splits else [word]


def focus_words(question: str) -> list[str]:
    """The content words of what the question asks for: 'What sampling temperature was used ...' ->
    ['sampling', 'temperature']; none for 'how did ...' questions."""
    m = _FOCUS.match(question) or _SHORT_ASK.match(question)
    return _asked_words(m.group("focus")) if m else []


def _asked_words(phrase: str) -> list[str]:
    """The last three words of an asked-for phrase, after any owner: "Bar2's MATH score" -> ['math', 'score']."""
    words = [w.lower() for w in re.findall(r"\w\w+", re.split(r"['’]s\s+", phrase)[-1])[-3:]]
    return [w for w in words if w not in QUESTION_WORDS and w not in analyzer().stopwords]


def asked_parts(question: str) -> list[list[str]]:
    """What each part of a question asks for, as `focus_words`: 'How many claims were verified and what
    quality score did it get?' -> [['claims'], ['quality', 'score']]; 'What learning rate and weight decay were
    used?' -> [['learning', 'rate'], ['weight', 'decay']]; one part, maybe empty, for a simple question."""
    clauses = _AND_ASK.split(question)
    if len(clauses) > 1:
        return [focus_words(c) for c in clauses]
    m = _FOCUS.match(question)
    phrases = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", m.group("focus")) if m else []
    return [words for words in map(_asked_words, phrases) if words] or [[]]


def asked_heads(question: str, an: Analyzer) -> set[str]:
    """The stems of the nouns a question asks for ('temperature' in 'What sampling temperature ...'), kind
    words ('criterion') aside; none for 'how did ...' questions."""
    return {an.stems([words[-1]])[0] for words in asked_parts(question)
            if words and words[-1] not in KIND_WORDS and words[-1] not in VALUE_WORDS}


def entity_terms(question: str, an: Analyzer) -> list[set[str]]:
    """Name-like words of the question ('Bar2', 'Foo-4.5', 'France'), each as the stems that would match it."""
    groups = [set(an.tokens(expand_compounds(word) or word)) for word in name_words(question)]
    return [g for g in groups if g]


def name_words(question: str) -> list[str]:
    """The name-like words of a question as written: 'FixBench', 'Verified', 'Foo-4.5', 'Baz 3.1' (a name
    and its version); not a capitalised first word."""
    words = [re.sub(r"(?:['’]s)?[?!.,;:)\"'’]*$", "", w.lstrip("(\"'“")) for w in question.split()]
    out = []
    for pos, word in enumerate(words):
        if pos and _VERSION.fullmatch(word) and words[pos - 1][:1].isupper():
            if out and out[-1] == words[pos - 1]:
                out.pop()
            out.append(f"{words[pos - 1]} {word}")
        elif _NAME_LIKE.fullmatch(word) and not (pos == 0 and word.istitle()) and word.lower() not in QUESTION_WORDS:
            out.append(word)
    return out


def leaf_section(section: str | None) -> str:
    """'Paper > 2 Methods > 2.4 Hyper-Parameters [p. 3]' -> '2.4 Hyper-Parameters'."""
    leaf = (section or "").split(" > ")[-1]
    return PAGE_MARK.sub("", leaf).replace("**", "").strip()


def search_text(section: str | None, text: str, title: str = "") -> str:
    """What BM25 and the embedder see: the names in the paper's title ('Foo-4.5'), the section title, the
    text, and joined model names ('foo4_5'), so 'Foo-4.5' in a question matches every passage of that paper."""
    return f"{title_names(title)}\n{leaf_section(section)}\n{text}\n{expand_compounds(text)}"


# ---------------------------------------------------------------------------------------------- what a sentence says
_DURATION = re.compile(r"(?:\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|several|a few))[\s-]*(?:seconds?|"
                       r"minutes?|hours?|days?|weeks?|months?|years?|GPU[- ]hours?)\b", re.I)
_REASON = re.compile(r"\b(?:because|since|due to|as a result|therefore|thus|hence|showed|shows|found|observed|"
                     r"indicat\w*|suggest\w*|so that|in order to)\b", re.I)
_USES = re.compile(r"\b(?:we|they|is|are|was|were|be|been)\s+(?:\w+\s+)?(?:use[ds]?|adopt|employ|appl(?:y|ied))|"
                   r"\b(?:using|adopt(?:s|ed)|employ(?:s|ed)|appl(?:ies|ying)|leverag(?:e|es|ed|ing)|"
                   r"buil(?:t|ds?) (?:upon|on)|based on|via)\b", re.I)
_OWN_WORK = re.compile(r"\bwe\s+(?:have\s+|also\s+)?(?:buil[dt]|develop|creat|design|propos|introduc)\w*|\bour own\b",
                       re.I)
_NUMBER = re.compile(r"(?<![\w.\-\[])\d+(?:[.,]\d+)*(?:%|[KMBT]\b|k\b)?(?![\w\-])|"
                     r"(?<![\w.\-\[])\d+(?:\.\d+)?[KMBT](?=-[a-z])")      # '400B-token training'

PERCENT_VALUE = re.compile(r"\d\s*%")
_NUMBER_WORD = re.compile(r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
                          r"fifty|hundred|thousand|million|billion|trillion)s?")
_OBJECTS = re.compile(r"\W*(?:However|But|Although|Though|Nevertheless|Nonetheless|In contrast|Still)\b")
CAPTION_LINE = re.compile(r"\W*(?:Table|Figure|Fig\.)\s+\d+")
_ROLE = re.compile(r"([A-Za-z][a-z]{2,})\s*\((?=[A-Z][\w.+-]*[A-Za-z])")


def sentence_roles(text: str) -> frozenset[str]:
    """Stems of the words that a bracketed name labels: 'Training (Megatron)', 'Rollout (SGLang + Router)'."""
    return frozenset(analyzer().tokens(" ".join(_ROLE.findall(text))))


def sentence_names(text: str) -> frozenset[str]:
    """Stems of the name-like words of a sentence: capitalised or versioned words past its first word (and the
    joined forms of versioned names: 'Foo-4.5' -> 'foo4_5')."""
    names = " ".join(name_words(text))
    return frozenset(analyzer().tokens(f"{names} {expand_compounds(names)}"))


def near_number_stems(text: str) -> frozenset[str]:
    """The stems within a few words of a value: 'temperature = 0.6', 'a size of 150,000'."""
    words = text.split()
    near = [" ".join(words[max(0, i - 6):i + 4]) for i in value_positions(words)]
    return frozenset(analyzer().tokens(" ".join(near)))


def value_phrases(text: str) -> frozenset[tuple[str, str]]:
    """(a stem up to three words around a value, a stem up to three words after it): 'trained on 7T tokens' and
    'the 7T-token training' give ('train', 'token'); a question's 'how many tokens ... trained on' meets them."""
    an = analyzer()
    words = text.split()
    out = set()
    for i in value_positions(words):
        after = an.tokens(" ".join([re.sub(r"^[\d.,]+[A-Za-z]?-?", "", words[i]), *words[i + 1:i + 4]]))
        around = an.tokens(" ".join(words[max(0, i - 3):i])) + after      # '400B-token training' too
        out |= {(b, a) for b in around for a in after}
    return frozenset(out)


def value_positions(words: list[str]) -> list[int]:
    """Where the words hold a value: a number, but not one ending a name ('Zed Sonnet 4', 'Table 5'); or a
    number written out ('six trillion tokens')."""
    return [i for i, w in enumerate(words)
            if (_NUMBER.search(w) and not (i > 0 and re.fullmatch(r"[A-Z][a-z]+\.?", words[i - 1])))
            or _NUMBER_WORD.fullmatch(w.strip(",.;:()").lower())]


def sentence_marks(text: str) -> frozenset[str]:
    """How a sentence says what it says, as far as scoring cares."""
    words = len(text.split())
    marks = {"number": value_positions(text.split()), "percent": re.search(r"\d\s*%", text), "uses": _USES.search(text),
             "own work": _OWN_WORK.search(text), "reason": _REASON.search(text), "duration": _DURATION.search(text),
             "objects": _OBJECTS.match(text), "table": CAPTION_LINE.match(text), "short": words < 5, "long": words > 70,
             "label": len(re.findall(r"(?<![\w-])[a-z][a-z]+\b", text)) < 3}    # 'Code Benchmarks: A, B': a label
    return frozenset(name for name, found in marks.items() if found)


_HEAD_WORD = r"(?:[A-Z][\w-]*|with|and|of|for|the|in|on|to|via|&)"
_RUN_IN = re.compile(r"((?!(?:The|A|An|This|These|That|Our|We|In|On|For|To|It|Its|They|Each|All|Both|Table|Figure|"
                     r"Fig|As|If|When|While|After|Before|However|But|And)\b)[A-Z][\w-]*(?:\s+" + _HEAD_WORD + r"){1,7})"
                     r"\s+(?=[A-Z][a-z]+\s+[a-z])")


def run_in(sentence: str) -> tuple[str, str]:
    """('Faster Decoding with Low-Precision Weights', 'Decoding speed is ...'): a paragraph's run-in
    heading, as PDFs print them, apart from the sentence it is glued to; ('', sentence) when there is none."""
    m = _RUN_IN.match(sentence)
    if not m or sum(w[:1].isupper() for w in m.group(1).split()) < 2 or m.group(1).split()[-1] in (
            "with", "and", "of", "for", "the", "in", "on", "to", "via", "&"):
        return "", sentence
    return m.group(1), sentence[m.end():]
