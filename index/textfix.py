"""Repair text damaged by PDF-to-markdown conversion, so that search (and quoting) sees what was printed.

Two kinds of damage: LaTeX-mangled numbers and symbols (`$4 2 . 5 \\%$` -> `42.5%`, `temperature $_ { = 0 . 6 }$`
-> `temperature = 0.6`) and words glued together at line breaks (`languagemodel`, `ahybrid`,
`GeneralIntelligence`, `onFoo-Bench`). Pure functions; the word-frequency model is built from the papers themselves
plus `common_words.txt`.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

COMMON_WORDS_FILE = Path(__file__).with_name("common_words.txt")


_TIER_PRIOR = {1: 200.0, 2: 20.0, 3: 5.0}    # pseudo-counts for common words, by tier
_SUFFIXES = ("ization", "ations", "ation", "ments", "ment", "ness", "ings", "ing", "ions", "ion", "ities", "ity",
             "ally", "ly", "ers", "er", "est", "ed", "es", "s", "able", "ible", "ive", "ize", "ized", "izes",
             "al", "ful", "less", "ism", "ist", "ists", "ic", "ical", "ous")
_SUFFIXES_BY_LAST = {c: tuple(x for x in _SUFFIXES if x[-1] == c) for c in {x[-1] for x in _SUFFIXES}}   # same order
_PIECE_PENALTY = 4.0           # extra cost per piece, so two words beat three
_MAX_PIECES = 2
_A_PENALTY = 1.0               # 'arepresented' is 'are presented', not 'a represented'
_URLISH = re.compile(r"/|^www\.|@|_|\\|[A-Za-z0-9]\.(?:com|org|net|cn|ai|io|edu|gov|html?|py|md|json)\b")
_ALPHA_RUN = re.compile(r"[A-Za-z]+")
_CAMEL_PIECE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+|[a-z]+|[A-Z]")


@dataclass(frozen=True)
class Vocab:
    """Word frequencies: the corpus's own words plus a built-in list of common English words."""

    counts: Mapping[str, int] = field(default_factory=dict)    # lowercased word -> corpus count
    cased: Mapping[str, int] = field(default_factory=dict)     # word as written -> corpus count
    common: Mapping[str, int] = field(default_factory=dict)    # lowercased common word -> tier (1 = most frequent)
    total: float = 1.0                                          # corpus words plus the common words' pseudo-counts
    memo: dict = field(default_factory=dict, compare=False, repr=False)   # chunk -> repaired chunk (same vocab)
    costs: dict = field(default_factory=dict, compare=False, repr=False)  # word -> cost (same vocab)

    def count(self, word: str) -> float:
        w = word.lower()
        return self.counts.get(w, 0) + _TIER_PRIOR.get(self.common.get(w, 0), 0.0)

    def cost(self, word: str) -> float:
        """-log probability of the word (lower is more frequent)."""
        c = self.costs.get(word)
        if c is None:
            c = self.costs[word] = -math.log(max(self.count(word), 0.1) / self.total)
        return c

    def is_common(self, word: str) -> bool:
        return word.lower() in self.common

    def known(self, word: str) -> bool:
        """A real word: common, a known name, seen twice in the corpus, or an inflection of a known word."""
        w = word.lower()
        return (w in self.common or w in known_names() or self.counts.get(w, 0) >= 2
                or any(self.known_stem(s) for s in _stems(w)))

    def known_stem(self, stem: str) -> bool:
        return len(stem) >= 3 and (stem in self.common or self.counts.get(stem, 0) >= 2)


def make_vocab(counts: Mapping[str, int], cased: Mapping[str, int]) -> Vocab:
    common = common_words()
    total = sum(counts.values()) + sum(_TIER_PRIOR[t] for t in common.values()) + 1.0
    return Vocab(counts=dict(counts), cased=dict(cased), common=common, total=total)


def _stems(word: str) -> list[str]:
    """Candidate stems of an inflected word: 'studies' -> 'studi', 'study'; 'planning' -> 'plann', 'plan'."""
    out = []
    for suf in _SUFFIXES_BY_LAST.get(word[-1:], ()):                 # only suffixes ending in its last letter
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            stem = word[: -len(suf)]
            out += [stem, stem + "e"]
            if len(stem) > 3 and stem[-1] == stem[-2]:
                out.append(stem[:-1])
            if stem.endswith("i"):
                out.append(stem[:-1] + "y")
    return out


@lru_cache(maxsize=1)
def _word_lists() -> tuple[dict[str, int], frozenset[str]]:
    """common_words.txt: common English words by tier, and the '## names' section."""
    tier, out, known = 3, {}, set()
    for line in COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## tier"):
            tier = int(line.split()[-1])
        elif line.startswith("## names"):
            tier = 0
        elif line and not line.startswith("#"):
            for w in line.split():
                if tier:
                    out.setdefault(w.lower(), tier)
                else:
                    known.add(w.lower())
    return out, frozenset(known)


def common_words() -> dict[str, int]:
    """The built-in list of common English words, word -> tier."""
    return _word_lists()[0]


def known_names() -> frozenset[str]:
    """Mixed-case names that look like two glued words but are not ('OpenHands' is not 'Open Hands')."""
    return _word_lists()[1]


@lru_cache(maxsize=1)
def default_vocab() -> Vocab:
    """Common English words only (no corpus): splits only the clearest glued words."""
    return make_vocab({}, {})


def build_vocab(texts: Iterable[str]) -> Vocab:
    """Word frequencies of `texts` (LaTeX repaired first), plus the built-in common words."""
    chunks: Counter[str] = Counter()
    for text in texts:
        chunks.update(_math_once(text).split())
    lower: Counter[str] = Counter()
    cased: Counter[str] = Counter()
    for chunk, n in chunks.items():                  # each distinct chunk once: papers repeat their words
        if _URLISH.search(chunk):
            continue
        for run in _ALPHA_RUN.findall(chunk):
            cased[run] += n
    for run, n in cased.items():
        lower[run.lower()] += n
    return make_vocab(lower, cased)


# ---------------------------------------------------------------------------------------------- LaTeX
_SYMBOLS = {
    "mu": "μ", "lambda": "λ", "theta": "θ", "pi": "π", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ",
    "epsilon": "ε", "varepsilon": "ε", "sigma": "σ", "tau": "τ", "eta": "η", "rho": "ρ", "phi": "φ", "psi": "ψ",
    "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "Pi": "Π", "Omega": "Ω", "sum": "Σ", "prod": "Π", "sim": "~",
    "ldots": "...", "dots": "...", "cdots": "...", "times": "×", "cdot": "·", "leq": "≤", "le": "≤", "geq": "≥",
    "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "infty": "∞", "pm": "±", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "Rightarrow": "⇒", "in": "∈", "propto": "∝", "nabla": "∇", "partial": "∂", "star": "*",
    "ast": "*", "circ": "°", "prime": "'", "mid": "|", "vert": "|", "lvert": "|", "rvert": "|", "langle": "⟨",
    "rangle": "⟩", "dagger": "†", "ddagger": "‡", "S": "§", "P": "¶", "log": "log", "exp": "exp", "max": "max", "min": "min", "arg": "arg",
}
_UNWRAP = {"mathrm", "mathtt", "mathbf", "mathit", "mathsf", "mathcal", "mathbb", "mathfrak", "boldsymbol", "bm",
           "operatorname", "textbf", "textit", "textrm", "texttt", "textsf", "mathbin", "mathrel", "mathop",
           "bar", "hat", "tilde", "overline", "underline", "vec", "dot", "ddot", "widehat", "widetilde", "mbox"}
_DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle", "limits",
         "nolimits", "textstyle", "scriptstyle", "!"}
_SPACES = {" ", ",", ";", ":", "quad", "qquad", "enspace", "thinspace"}
_LITERAL = set("%&#_${}|")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}_^&]|\s+|[^\\{}_^&\s]")
_SP = "\x00"                      # an explicit space inside math, kept when the rest is joined up
_RELATION = "=<>≤≥≈≠"


def math_to_text(src: str) -> str:
    """Plain text for a LaTeX math span: '4 2 . 5 \\%' -> '42.5%', '\\mathrm { S l i m e }' -> 'Slime'."""
    tokens = _TOKEN.findall(src)
    out, _ = _parse(tokens, 0, stop_at_brace=False)
    text = re.sub(r"(?<!\d),|,(?!\d)", ", ", out)
    text = re.sub(rf"[{_SP} ]+", " ", text).strip()
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))
    if len(text) > 1 and text[0] in "_^" and text[1] in _RELATION:
        text = text[1:]
    if text and text[0] in _RELATION:
        text = text[0] + " " + text[1:].lstrip()
    return text


def _parse(tokens: list[str], i: int, stop_at_brace: bool) -> tuple[str, int]:
    out: list[str] = []
    while i < len(tokens):
        tok = tokens[i]
        if tok == "}" and stop_at_brace:
            return "".join(out), i + 1
        text, i = _parse_token(tokens, i)
        out.append(text)
    return "".join(out), i


def _parse_arg(tokens: list[str], i: int) -> tuple[str, int]:
    """One argument: a {group} or a single token (whitespace skipped)."""
    while i < len(tokens) and tokens[i].isspace():
        i += 1
    if i >= len(tokens):
        return "", i
    if tokens[i] == "{":
        return _parse(tokens, i + 1, stop_at_brace=True)
    return _parse_token(tokens, i)


def _parse_token(tokens: list[str], i: int) -> tuple[str, int]:
    tok = tokens[i]
    if tok.isspace() or tok == "}":
        return "", i + 1
    if tok == "{":
        return _parse(tokens, i + 1, stop_at_brace=True)
    if tok in "_^":
        arg, j = _parse_arg(tokens, i + 1)
        arg = arg.strip(_SP)
        return (tok + arg if arg else ""), j
    if tok == "&":
        return _SP, i + 1
    if tok.startswith("\\"):
        return _parse_command(tok[1:], tokens, i + 1)
    return tok, i + 1


def _parse_command(name: str, tokens: list[str], i: int) -> tuple[str, int]:
    if name == "frac" or name == "dfrac" or name == "tfrac":
        num, i = _parse_arg(tokens, i)
        den, i = _parse_arg(tokens, i)
        return f"{_paren(num)}/{_paren(den)}", i
    if name in ("text", "textnormal"):
        arg, i = _parse_arg(tokens, i)
        return f"{_SP}{arg}{_SP}", i
    if name == "textcircled":
        arg, i = _parse_arg(tokens, i)
        return ("@" if arg == "a" else arg), i
    if name in ("begin", "end"):
        env, i = _parse_arg(tokens, i)
        if name == "begin" and env in ("array", "tabular"):
            _, i = _parse_arg(tokens, i)                              # the column spec, e.g. { r } or {l l}
        return "", i
    if name in _UNWRAP:
        return _parse_arg(tokens, i)
    if name == "\\":
        return ";" + _SP, i
    if name in _SPACES:
        return _SP, i
    if name in _DROP:
        if name in ("left", "right") and i < len(tokens) and tokens[i] == ".":
            i += 1                                                    # \right. is an invisible delimiter
        return "", i
    if name == "." or name == "sqrt":
        return ("" if name == "." else "√"), i
    if len(name) == 1 and name in _LITERAL:
        return name, i
    return _SYMBOLS.get(name, name), i


def _paren(s: str) -> str:
    return s if len(s) <= 1 or s.isalnum() else f"({s})"


_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![$\\])\$(?=[^\s$])([^$\n]*?[^\s$\\])\$(?![$\d])(?: (?=[,.;:)\]]))?")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!~|<>%&$])")


def repair_math(text: str) -> str:
    """Replace $...$ and $$...$$ LaTeX with plain text; undo markdown backslash escapes."""
    text = _DISPLAY_MATH.sub(lambda m: "\n" + math_to_text(m.group(1)) + "\n", text)
    text = _INLINE_MATH.sub(lambda m: math_to_text(m.group(1)), text)
    return _MD_ESCAPE.sub(r"\1", text)


# ---------------------------------------------------------------------------------------------- glued words
@lru_cache(maxsize=4096)
def _math_once(text: str) -> str:
    """repair_math, remembered: a paragraph is read once for the vocabulary and again when it is repaired."""
    return repair_math(text)


def split_glued(token: str, vocab: Vocab | None = None) -> str:
    """Split a purely alphabetic token made of words glued together; anything else is returned unchanged.

    'languagemodel' -> 'language model', 'ahybrid' -> 'a hybrid', 'GeneralIntelligence' -> 'General Intelligence',
    'onAgent' -> 'on Agent', 'LLMsacross' -> 'LLMs across'. Real words and names ('however', 'Deep', 'MoE',
    'OpenHands') are kept.
    """
    vocab = vocab or default_vocab()
    if len(token) < 4 or not token.isascii() or not token.isalpha():
        return token
    if token.islower():
        return " ".join(_split_lower(token, vocab) or [token])
    m = re.fullmatch(r"([a-z]+)([A-Z][A-Za-z]*)", token)          # 'andNova', 'aFastText', 'qualityRL'
    if m:
        head = _word_or_split(m.group(1), vocab)                    # None for 'iPhone', 'vLLM', 'macOS'
        return f"{head} {split_glued(m.group(2), vocab)}" if head else token
    if token.lower() in known_names() or vocab.cased.get(token, 0) >= 2:
        return token
    if token[0].isupper() and token[1:].islower():
        return _split_titlecase(token, vocab)
    return _split_mixed(token, vocab)


def _split_mixed(token: str, vocab: Vocab) -> str:
    m = re.fullmatch(r"([A-Z]{2,}s?)([a-z]{3,})", token)           # 'LLMsacross', 'RLdirectly', 'URLhttps'
    if m:
        return _split_acronym_word(token, vocab)
    pieces = _CAMEL_PIECE.findall(token)                             # 'GeneralIntelligence', 'LLMJudge'
    if len(pieces) >= 2 and not vocab.known(token) and all(_camel_piece_known(p, vocab) for p in pieces):
        return " ".join(pieces)
    return token


def _split_acronym_word(token: str, vocab: Vocab) -> str:
    caps = len(token) - len(token.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    for cut in (caps + 1, caps):                                     # prefer 'LLMs across' to 'LLM sacross'
        head, tail = token[:cut], token[cut:]
        if cut > caps and head[-1] != "s":
            continue
        words = _word_or_split(tail, vocab)
        if words and len(tail) >= 3:
            return f"{head} {words}"
    return token


def _split_titlecase(token: str, vocab: Vocab) -> str:
    """'Thetoken' -> 'The token', 'Mergingthe' -> 'Merging the'; names like 'Anand', 'Hardin' are kept.

    Capitalised tokens are mostly names, so one side must be a function word and the other a longer word.
    """
    pieces = _split_lower(token.lower(), vocab, strict=True)
    if not pieces:
        return token
    head, tail = pieces
    if not (_tier(head, vocab) == 1 and len(tail) >= 4 or _tier(tail, vocab) == 1 and len(head) >= 5):
        return token
    return f"{token[: len(head)]} {tail}"


def _tier(word: str, vocab: Vocab) -> int:
    return vocab.common.get(word.lower(), 0)


def _camel_piece_known(piece: str, vocab: Vocab) -> bool:
    if piece.isupper():
        return len(piece) >= 2 and (vocab.cased.get(piece, 0) >= 1 or piece.lower() in vocab.common)
    return len(piece) >= 2 and (vocab.is_common(piece) or vocab.counts.get(piece.lower(), 0) >= 2)


def _word_or_split(word: str, vocab: Vocab) -> str | None:
    """The lowercase word itself if known, else its split into known words, else None."""
    if word == "a" or (len(word) >= 2 and vocab.is_common(word)) or (len(word) >= 4 and vocab.known(word)):
        return word
    pieces = _split_lower(word, vocab)
    return " ".join(pieces) if pieces else None


def _split_lower(word: str, vocab: Vocab, strict: bool = False) -> list[str] | None:
    """The best split of a lowercase glued word into known words, or None to keep it whole."""
    w = word.lower()
    if len(w) < 4 or w in vocab.common or w in known_names():
        return None
    seen = vocab.counts.get(w, 0)
    if seen < 2 and any(vocab.known_stem(s) for s in _stems(w)):
        return None                                                  # an inflection: 'assigned', 'lowering'
    pieces = _segment(w, vocab, strict)
    if pieces is None:
        return None
    if seen >= 2 or vocab.known(w):
        return pieces if _split_beats_word(w, pieces, vocab) else None
    return pieces


def _split_beats_word(word: str, pieces: list[str], vocab: Vocab) -> bool:
    """For a word the corpus has seen repeatedly: split only when the pieces are far more likely together."""
    split_cost = sum(vocab.cost(p) for p in pieces) + _PIECE_PENALTY * (len(pieces) - 1)
    return all(vocab.is_common(p) for p in pieces) and split_cost + 4.0 < vocab.cost(word)


def _piece_ok(piece: str, vocab: Vocab, strict: bool) -> bool:
    key = (piece, strict)
    ok = vocab.memo.get(key)
    if ok is None:
        ok = _piece_ok_uncached(piece, vocab, strict)
        if len(vocab.memo) < 200_000:
            vocab.memo[key] = ok
    return ok


def _piece_ok_uncached(piece: str, vocab: Vocab, strict: bool) -> bool:
    if len(piece) == 1:
        return piece == "a"
    if len(piece) <= 4 or strict and len(piece) <= 5:
        return piece in vocab.common
    seen = vocab.counts.get(piece, 0)
    return piece in vocab.common or seen >= 2 or not strict and (
        seen >= 1 and len(piece) >= 6 or any(vocab.known_stem(s) for s in _stems(piece)))


def _segment(word: str, vocab: Vocab, strict: bool) -> list[str] | None:
    """Dynamic-programming segmentation into known pieces, cheapest total cost; None if impossible."""
    n = len(word)
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    open_starts = [0]        # ends reached with fewer than _MAX_PIECES pieces, ascending: the only useful starts
    for end in range(1, n + 1):
        for start in open_starts:
            if start < end - 24:
                continue
            prev, piece = best[start], word[start:end]
            if len(piece) == n or not _piece_ok(piece, vocab, strict):
                continue
            cost = prev[0] + vocab.cost(piece) + _PIECE_PENALTY + (_A_PENALTY if piece == "a" else 0.0)
            if best[end] is None or cost < best[end][0]:
                best[end] = (cost, prev[1] + [piece])
        if best[end] is not None and len(best[end][1]) < _MAX_PIECES:
            open_starts.append(end)
    found = best[n]
    return found[1] if found and len(found[1]) >= 2 and _plausible_pair(found[1]) else None


_SHORT_HEADS = frozenset("a of in on to is as at by or we it an be if so no".split())


def _plausible_pair(pieces: list[str]) -> bool:
    """Glue joins a line's last word to the next line's first: reject splits that real words often fake.

    'meme' -> 'me me', 'usability' -> 'us ability', 'meta' -> 'met a' are refused.
    """
    head, tail = pieces[0], pieces[-1]
    if len(head) <= 2 and head not in _SHORT_HEADS:
        return False
    if len(tail) == 1:
        return False
    if tail == "or" and head.endswith(("ss", "ct", "it", "at", "ut", "rt", "pt")):
        return False                                                 # 'compressor', 'predictor', 'editor'
    return not (len(tail) <= 2 and len(head) < 4)


# ---------------------------------------------------------------------------------------------- repair
_SENTENCE_GLUE = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])|(?<=[A-Za-z0-9)\]][,;])(?=[A-Za-z]{2})")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\S) +(?=[,;:]\s|[,;:]$|\.\s|\.$)")
_WORD_RUN = re.compile(r"(?<![0-9])[A-Za-z]+(?![0-9])")
_HYPHEN_BREAK = re.compile(r"(?<![A-Za-z-])([a-z]{2,})-([a-z]{2,})(?![A-Za-z-])")
_DIGIT_GLUE = re.compile(r"(?<![A-Za-z])([a-z]{2,4})(?=\d)|(?<=\d)([a-z]{2,4})(?![A-Za-z])")
_POSSESSIVE_GLUE = re.compile(r"(?<=[A-Za-z0-9]['’])s([a-z]{3,})\b")
_GLUE_PUNCT = re.compile(r"[.!?,;]")
_ANY_DIGIT = re.compile(r"\d")


def repair_chunk(chunk: str, vocab: Vocab) -> str:
    """One whitespace-free chunk: split glued sentences and words; URLs and identifiers are left alone.
    Papers repeat their words, so each distinct chunk is repaired once per vocabulary."""
    done = vocab.memo.get(chunk)
    if done is None:
        done = _repair_chunk(chunk, vocab)
        if len(vocab.memo) < 200_000:
            vocab.memo[chunk] = done
    return done


def _repair_chunk(chunk: str, vocab: Vocab) -> str:
    if chunk.isascii() and chunk.isalpha():
        return split_glued(chunk, vocab)       # a bare word: none of the patterns below but the last can match
    if _URLISH.search(chunk):
        return chunk
    # each pattern runs only where the character it needs is present (the same result, fewer passes)
    if _GLUE_PUNCT.search(chunk):
        chunk = _SENTENCE_GLUE.sub(" ", chunk)
    if "-" in chunk:
        chunk = _HYPHEN_BREAK.sub(lambda m: _join_hyphenated(m, vocab), chunk)
    if _ANY_DIGIT.search(chunk):
        chunk = _DIGIT_GLUE.sub(lambda m: _split_digit_glue(m, vocab), chunk)
    if "'" in chunk or "’" in chunk:
        chunk = _POSSESSIVE_GLUE.sub(lambda m: _split_possessive(m, vocab), chunk)
    return _WORD_RUN.sub(lambda m: split_glued(m.group(0), vocab), chunk)




def _split_possessive(m: re.Match, vocab: Vocab) -> str:
    """'model’sability' -> 'model’s ability' (the word after a possessive glued to its s)."""
    word = m.group(1)
    return f"s {word}" if vocab.known(word) and not vocab.known("s" + word) else m.group(0)


def _join_hyphenated(m: re.Match, vocab: Vocab) -> str:
    """'perfor-mance' -> 'performance' (a word broken across lines); 'pre-training' stays."""
    head, tail = m.group(1), m.group(2)
    joined = head + tail
    if vocab.known(joined) and not vocab.known(head) and not vocab.known(tail):
        return joined
    return m.group(0)


def _split_digit_glue(m: re.Match, vocab: Vocab) -> str:
    """'to2.5e-4' -> 'to 2.5e-4', 'Model-2.5is' -> 'Model-2.5 is'; identifiers ('cl100k', '3rd') stay."""
    word = m.group(1) or m.group(2)
    if _tier(word, vocab) != 1:
        return m.group(0)
    return f"{word} " if m.group(1) else f" {word}"


def repair(text: str, vocab: Vocab | None = None) -> str:
    """Text fit for search: LaTeX numbers and operators made plain, glued words and sentences split."""
    vocab = vocab or default_vocab()
    text = _math_once(text)
    parts = re.split(r"(\s+)", text)
    text = "".join(p if not p or p.isspace() else repair_chunk(p, vocab) for p in parts)
    return _SPACE_BEFORE_PUNCT.sub("", text)
