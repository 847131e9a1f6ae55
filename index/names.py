"""Canonical names for models and benchmarks (pure functions, no I/O).

Model display format (ModelName.canonical)::

    <Family>[-<name words>][-<size>][-<words>][-Chat|-Instruct|-it|-Base][-<context>]
            [ All Tools][ (<version>)]

* Family is printed the way the papers mostly print it (the patterns and their display forms are seed data,
  seed_vocab.json `model_family_patterns`): 'Foo2', 'Foo1.5', 'Bar-3', 'Baz Pro 2'. Families printed with a
  space (API products) join further words with a space, others with '-'.
* size: '72B', '0.5B', '57B-A14B', '8x22B' (size_b = 8*22 = 176, total experts x expert size, not the real
  total), 'A2.7B'. Well-known MoE sizes get their active part (seed data `known_active`).
* Chat models carry the family's own suffix ('-Instruct', '-it' or '-Chat', seed data `chat_suffix`).
  Families whose bare name *is* the chat model (`bare_chat_families`) carry no chat suffix and mark base
  models with '-Base'. For the other open families a sized bare name is the base model (so a printed '-Base'
  is dropped: 'Bar4-Maverick 400B Base' -> 'Bar-4-Maverick-400B', variant 'base'). API models
  (`api_families`, without a size) have variant None.
* version: dates become MMDD ('2024-04-09' / '20240409' -> '0409'); others are kept ('2507',
  'v0.1'). Versionless names stay versionless.

Examples: 'Baz Turbo (0409)', 'Foo-4 (0520)', 'Foo-4-9B-Chat-1M', 'Foo-4 All Tools (0116)',
'Foo2-57B-A14B-Instruct', 'Qux-K2-Base', 'Mix-8x7B-Instruct (v0.1)'.

split_model_suffix() moves settings out of a name: ' + YARN + DCA' -> 'YARN+DCA', and
parenthesised items that are not a version or size ('(Web, 0116)' -> keeps '(0116)', setting 'Web').
"""
from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from index.seed import SEED as L

__all__ = ["ModelName", "parse_model", "split_model_suffix", "looks_like_model", "key", "model_key", "tokens",
           "STOP_WORDS", "Benchmark", "lookup_benchmark", "benchmarks_in", "normalize_setting",
           "FACT_ATTRIBUTES", "fact_attribute", "MODEL_FAMILIES"]

_PUNCT = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-",
                        "\u2019": "'", "\u2018": "'", "\u00a0": " "})


def _clean(raw: str) -> str:
    """Strip HTML/markdown decoration and collapse whitespace."""
    s = html.unescape(str(raw or "")).translate(_PUNCT)
    s = re.sub(r"<sup>.*?</sup>|\$[^$]*\$|[†‡§¶]|\^\d+$", "", s)
    s = re.sub(r"<[^>]+>", " ", s)
    s = re.sub(r"\\([_*\[\]])", r"\1", s)
    s = re.sub(r"[*`]+", "", s)
    s = re.sub(r"(?<!\w)_+|_+(?!\w)", " ", s)
    return " ".join(s.split())


@lru_cache(maxsize=65536)
def key(s: str) -> str:
    """THE name key, for every name the system matches (models, benchmarks, settings, papers): case, spaces,
    hyphens, underscores, brackets, apostrophes ignored; '+' kept; a dot kept only between digits ('Foo-4.5',
    'SQuAD 2.0'), so 'Avg.' is 'avg'. 'τ²-bench' -> 'tau2bench'."""
    s = _clean(s).lower().replace("τ²", "tau2").replace("τ", "tau").replace("∞", "infinite")
    s = re.sub(r"[^0-9a-z.+]", "", s)
    return re.sub(r"(?<!\d)\.|\.(?!\d)", "", s)


model_key = key          # the name this function had when it served models only

TOKEN = re.compile(r"[a-z0-9][a-z0-9+.]*[a-z0-9+]|[a-z0-9]")
# THE stop-word list: function words and question words that never name anything.
STOP_WORDS = frozenset("""a an the of on in at to by for from with without and or vs versus than as is are was were be
been being do does did has have had it its it's this that these those what what's whats which who whom how why when
where there their them they both each any all every me my i you your we our us can could would should will shall may
might please tell show give get gets got about among between over under into per so if not no yes also just only
score scores result results benchmark benchmarks reported list evaluation evaluations model models performance
value accuracy table tables figure section page appendix top step stage phase round part chapter
version""".split())


def tokens(text: str | None) -> list[str]:
    """THE tokenizer: lowercase words, with '+' and inner dots kept ('yarn+dca', 'foo1.5', '4.5')."""
    return TOKEN.findall(_clean(text or "").lower())


# ----------------------------------------------------------------------------- models
@dataclass(frozen=True)
class ModelName:
    canonical: str
    family: str
    size_b: float | None
    active_b: float | None
    variant: str | None      # 'base' | 'chat' | 'long-context' | 'tools' | None
    version: str | None


@dataclass
class _Parts:
    pre: list = field(default_factory=list)      # name words before the size ('Air', 'MoE')
    post: list = field(default_factory=list)     # words after size/variant ('Thinking')
    size: str | None = None
    size_b: float | None = None
    active_b: float | None = None
    chat: str | None = None
    base: bool = False
    ctx: str | None = None
    tools: bool = False
    versions: list = field(default_factory=list)


_DATE = re.compile(r"(?<![\w.])(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
_MONTH_DAY = re.compile(r"(?<![\w.])(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\w.])")
_VERSION_ITEM = re.compile(r"(?i)20\d\d-?\d\d-?\d\d|\d{4}|0\d\d|v\d+(?:\.\d+)*")
_SIZE_ITEM = re.compile(r"(?i)\d+(?:\.\d+)?[bm]|\d+x\d+(?:\.\d+)?b|a\d+(?:\.\d+)?b")
_NOT_MODEL = re.compile(r"(?i)\b(series|models?|llms?|family|baselines?|average|avg|overall)\b")
_CHAT_WORDS = {"chat": "Chat", "instruct": "Instruct", "it": "it"}
_FAMILY_RES = [(re.compile(p.replace("NUM", L.NUM) + r"(?-i:(?![a-z]))", re.I), t)
               for p, t in L.MODEL_FAMILY_PATTERNS]
MODEL_FAMILIES = sorted({re.match(r"[A-Za-z]+(?:-oss)?", t).group(0)
                         for _, t in L.MODEL_FAMILY_PATTERNS} - {"o"} | {"o1", "o3", "o4"})


def _norm_version(v: str) -> str:
    m = _DATE.fullmatch(v)
    if m:
        return m.group(2) + m.group(3)
    return v.lower() if v[:1] in "vV" else v


def _keep_paren_items(inner: str, settings: list) -> str:
    items = [i.strip() for i in inner.split(",") if i.strip()]
    kept = [i for i in items if _VERSION_ITEM.fullmatch(i) or _SIZE_ITEM.fullmatch(i)]
    settings.extend(i for i in items if i not in kept)
    return f" ({', '.join(kept)})" if kept else " "


@lru_cache(maxsize=65536)
def split_model_suffix(raw: str) -> tuple[str, str | None]:
    """'Foo2-7B-Instruct + YARN + DCA' -> ('Foo2-7B-Instruct', 'YARN+DCA');
    'Foo-4 All Tools (Web, 0116)' -> ('Foo-4 All Tools (0116)', 'Web'). Markdown is stripped."""
    head, *plus = re.split(r"\s+\+\s*", _clean(raw))
    settings: list[str] = []
    head = re.sub(r"\s*\(([^()]*)\)", lambda m: _keep_paren_items(m.group(1), settings), head)
    m = re.search(r"\s+(?:w/o?|with|without)\s+.+$", head, re.I)
    if m:
        settings.append(m.group(0).strip())
        head = head[:m.start()]
    if plus:
        settings.append("+".join(p.strip() for p in plus if p.strip()))
    return " ".join(head.split()), (", ".join(settings) or None)


def _pull_versions(name: str) -> tuple[str, list[str]]:
    """Remove '(0520)', '(2024-04-09)' and embedded dates; return (body, versions)."""
    versions: list[str] = []

    def paren(m: re.Match) -> str:
        items = [i.strip() for i in m.group(1).split(",")]
        versions.extend(_norm_version(i) for i in items if _VERSION_ITEM.fullmatch(i))
        return " " + " ".join(i for i in items if _SIZE_ITEM.fullmatch(i)) + " "

    body = re.sub(r"\(([^()]*)\)", paren, name)
    body = _DATE.sub(lambda m: versions.append(m.group(2) + m.group(3)) or " ", body)
    body = _MONTH_DAY.sub(lambda m: versions.append(m.group(1) + m.group(2)) or " ", body)
    return " ".join(body.split()).strip(" -_"), versions


def _word(group: str, text: str | None) -> str:
    if not text:
        return ""
    if group == "plus":
        return "+"
    if group in ("n", "m") and not text.isalpha():
        return text.replace("-", ".")
    if group in ("o", "lt"):
        return text.lower()
    return L.WORD_CASE.get(text.lower(), text)


def _match_family(body: str) -> tuple[str, str] | None:
    """Known family at the start of body -> (family display, rest of the name)."""
    for rx, tpl in _FAMILY_RES:
        m = rx.match(body)
        if not m:
            continue
        vals = defaultdict(str, {k: _word(k, v) for k, v in m.groupdict().items()})
        fam = re.sub(r"\s+", " ", tpl.format_map(vals)).strip(" -")
        rest = body[m.end():]
        for renamed, family, tail in L.FAMILY_RENAMES:   # a family renamed from a version on, its chat model
            if renamed.fullmatch(fam):                      # printed under the old name (seed data)
                fam, rest = renamed.sub(family, fam), rest + tail
                break
        return fam, rest
    return None


def _is_size(tok: str) -> bool:
    return bool(re.fullmatch(r"(?i)\d+(?:\.\d+)?b|\d+x\d+(?:\.\d+)?b|a\d+(?:\.\d+)?b|\d{3}m", tok))


def _generic_family(body: str) -> tuple[str, str] | None:
    """Unknown family: name words followed by a size or a -Chat/-Instruct/-Base word."""
    toks = [t for t in re.split(r"[-_\s]+", body) if t]
    shape = [i for i, t in enumerate(toks) if _is_size(t) or t.lower() in (*_CHAT_WORDS, "base")]
    if not shape or len(toks) > 8:
        return None
    name = toks[:shape[0]]
    if not name or len(name) > 3 or not name[0][0].isalpha():
        return None
    if not any(_is_size(t) for t in toks) and not re.search(r"\d", "".join(name)):
        return None
    return "-".join(name), " ".join(toks[shape[0]:])


def _take_size(p: _Parts, low: str) -> bool:
    m = re.fullmatch(r"(\d+)x(\d+(?:\.\d+)?)b", low)
    if m and p.size is None:
        p.size, p.size_b = f"{m.group(1)}x{m.group(2)}B", int(m.group(1)) * float(m.group(2))
        return True
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([bm])", low)
    if m and p.size is None and (m.group(2) == "b" or len(m.group(1)) == 3):
        scale = 1.0 if m.group(2) == "b" else 0.001
        p.size, p.size_b = m.group(1) + m.group(2).upper(), float(m.group(1)) * scale
        return True
    m = re.fullmatch(r"a(\d+(?:\.\d+)?)b", low)
    if m:
        p.active_b = float(m.group(1))
        return True
    return False


def _take(p: _Parts, tok: str) -> None:
    low = tok.lower()
    ctx = re.fullmatch(r"(\d+)([km])", low)
    if _take_size(p, low):
        return
    if ctx and ((ctx.group(2) == "k" and int(ctx.group(1)) >= 32) or
                (ctx.group(2) == "m" and int(ctx.group(1)) <= 10)):
        p.ctx = tok.upper()
    elif low in _CHAT_WORDS:
        p.chat = _CHAT_WORDS[low]
    elif low == "base":
        p.base = True
    elif _VERSION_ITEM.fullmatch(tok):
        p.versions.append(_norm_version(tok))
    else:
        word = tok.upper() if ctx else L.WORD_CASE.get(low, tok)
        (p.post if (p.size or p.active_b or p.chat or p.base) else p.pre).append(word)


def _classify(rest: str) -> _Parts:
    p, toks = _Parts(), [t for t in re.split(r"[-_\s]+", rest) if t]
    i = 0
    while i < len(toks):
        if toks[i].lower() == "all" and i + 1 < len(toks) and toks[i + 1].lower() == "tools":
            p.tools, i = True, i + 2
            continue
        _take(p, toks[i])
        i += 1
    return p


def _bare_variant(family: str, sized: bool) -> str | None:
    """What a name without -Chat/-Instruct/-Base denotes in this family."""
    if family.startswith(L.BARE_CHAT_FAMILIES):
        return "chat"
    if family.startswith(L.API_FAMILIES):
        return None
    return "base" if sized or family in L.BARE_BASE_FAMILIES else None


def _chat_suffix(family: str, printed: str | None) -> str:
    for prefix, word in L.CHAT_SUFFIX:
        if family.startswith(prefix):
            return word
    return printed or "Chat"


def _num(x: float) -> str:
    return f"{x:g}"


def _display(family: str, p: _Parts, tail: str | None, version: str | None) -> str:
    size = p.size or ""
    if p.active_b is not None:
        size = f"{size}-A{_num(p.active_b)}B" if size else f"A{_num(p.active_b)}B"
    words = [family, *p.pre, size, *p.post, tail or "", p.ctx or ""]
    name = (" " if " " in family else "-").join(w for w in words if w)
    if p.tools:
        name += " All Tools"
    return f"{name} ({version})" if version else name


def _build(family: str, p: _Parts, implied: str | None) -> ModelName:
    if p.active_b is None and p.size_b is not None:
        p.active_b = L.KNOWN_ACTIVE.get((family, p.size_b))
    bare = _bare_variant(family, p.size is not None or p.active_b is not None)
    variant = "base" if p.base else "chat" if p.chat else bare
    if not (p.base or p.chat) and bare in ("chat", "base") and implied in ("chat", "base"):
        variant = implied
    tail = None
    if variant == "chat" and bare != "chat":
        tail = _chat_suffix(family, p.chat)
    elif variant == "base" and bare != "base":
        tail = "Base"
    version = p.versions[0] if p.versions else None
    if p.ctx:
        variant = "long-context"
    if p.tools:
        variant = "tools"
    return ModelName(_display(family, p, tail, version), family, p.size_b, p.active_b,
                     variant, version)


@lru_cache(maxsize=65536)
def parse_model(raw: str, implied_variant: str | None = None) -> ModelName | None:
    """Header cell -> ModelName, or None when the cell is not a model name.
    implied_variant ('chat'/'base') fills in a suffix the table caption says was omitted."""
    name, _setting = split_model_suffix(raw)
    if " " not in name:
        name = re.sub(r"^[\w.-]+/(?=\w)", "", name)       # 'org/Foo2-7B'
    name = L.MODEL_ALIASES.get(model_key(name), name)
    if not name or _NOT_MODEL.search(name) or len(name.split()) > 6:
        return None
    body, versions = _pull_versions(name)
    head = _match_family(body)
    if head is None:
        if lookup_benchmark(name) or fact_attribute(name):
            return None
        head = _generic_family(body)
    if head is None:
        return None
    parts = _classify(head[1])
    parts.versions = versions + parts.versions
    return _build(head[0], parts, implied_variant)


@lru_cache(maxsize=65536)
def looks_like_model(raw: str) -> bool:
    """Cheap orientation check: does this header cell name a model?"""
    return parse_model(raw) is not None


# ----------------------------------------------------------------------------- benchmarks
@dataclass(frozen=True)
class Benchmark:
    canonical: str
    family: str
    category: str


_bkey = key


_BENCH: dict[str, Benchmark] = {}
for _canon, _cat, _fam, _aliases in L.BENCHMARKS:
    _b = Benchmark(_canon, _fam or _canon, _cat)
    for _alias in (_canon, *_aliases):
        _BENCH.setdefault(_bkey(_alias), _b)

_IS_VERSION = re.compile(r"(?i)v\d+(?:\.\d+)*|\d{4}(?:\s*[-~]\s*\d{4})?|\d{2}")


def _exact(s: str) -> Benchmark | None:
    return _BENCH.get(_bkey(s)) if s.strip() else None


def _versioned(b: Benchmark, ver: str) -> Benchmark:
    """'LCB' + '2407-2501' -> the seed's 'LiveCode-X (2407-2501)', else a new version."""
    for cand in (f"{b.family} {ver}", f"{b.family} ({ver})"):
        hit = _exact(cand)
        if hit and hit.family == b.family:
            return hit
    shown = f"{b.family} ({ver})" if "-" in ver else f"{b.family} {ver}"
    return Benchmark(shown, b.family, b.category)


def _refine(b: Benchmark, context: str) -> Benchmark:
    """A family-level name ('LCB') takes the one version the caption names, if exactly one."""
    if not context or b.canonical != b.family:
        return b
    found = {x for x in benchmarks_in(context) if x.family == b.family and x != b}
    return found.pop() if len(found) == 1 else b


def _is_qualifier(rest: str) -> bool:
    words = re.findall(r"[a-z]+", rest.lower())
    return bool(words) and all(w in L.QUALIFIER_WORDS or len(w) == 1 for w in words)


def _with_rest(b: Benchmark, rest: str, context: str):
    if _exact(rest) == b:                          # 'NaturalCodeBench (NCB)'
        return _refine(b, context), None
    if _IS_VERSION.fullmatch(rest.strip()):
        return _versioned(b, rest.strip()), None
    return _refine(b, context), normalize_setting(rest)


@lru_cache(maxsize=65536)
def lookup_benchmark(raw: str, context: str = "") -> tuple[Benchmark, str | None] | None:
    """Header cell -> (Benchmark, metric or qualifier) or None. context: the table caption,
    used to resolve a family-level abbreviation to the version it names."""
    s = _clean(raw)
    if not s:
        return None
    hit = _exact(s)
    if hit:
        return _refine(hit, context), None
    m = re.fullmatch(r"(.+?)\s*\(([^()]*)\)", s)
    if m and _exact(m.group(1)):
        return _with_rest(_exact(m.group(1)), m.group(2), context)
    toks = s.split()
    for n in range(len(toks) - 1, 0, -1):
        b = _exact(" ".join(toks[:n]))
        rest = " ".join(toks[n:])
        if b and (_IS_VERSION.fullmatch(rest) or _is_qualifier(rest)):
            return _with_rest(b, rest, context)
    return None


def _alias_regex(alias: str) -> str:
    body = "".join(r"[\s\-_]?" if c in " -_" else r"['’]?" if c == "'" else re.escape(c)
                   for c in alias)
    alnum = re.sub(r"[^A-Za-z0-9]", "", alias)
    long = len(alnum) >= 5 and (alnum != alnum.upper() or re.search(r"\d", alnum))
    if not long:
        return rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9+])"
    return (rf"(?:(?<![A-Za-z0-9])|(?<=[a-z])(?=[A-Z])|(?<=[)\]]))(?i:{body})"
            rf"(?:(?![A-Za-z0-9+])|(?<=[a-z])(?=[A-Z]))")


def _text_regex() -> re.Pattern:
    aliases = {a for c, _, _, al in L.BENCHMARKS for a in (c, *al)} - L.TEXT_UNSAFE_ALIASES
    return re.compile("|".join(_alias_regex(a) for a in sorted(aliases, key=len, reverse=True)))


_TEXT_RE = _text_regex()


def benchmarks_in(text: str) -> list[Benchmark]:
    """Known benchmarks mentioned in free text (captions), in order, without duplicates."""
    return list(_benchmarks_in(str(text or "")))


@lru_cache(maxsize=4096)
def _benchmarks_in(text: str) -> tuple[Benchmark, ...]:
    out: list[Benchmark] = []
    for m in _TEXT_RE.finditer(str(text or "").translate(_PUNCT)):
        b = _exact(m.group(0))
        if b and b not in out:
            out.append(b)
    return tuple(out)


# ----------------------------------------------------------------------------- settings, facts
def _ifeval_setting(low: str) -> str | None:
    abbr = re.fullmatch(r"([sl])\s*-?\s*([pi])", low)
    if abbr:
        return L.IFEVAL_ABBR[abbr.group(1) + abbr.group(2)]
    words = set(re.findall(r"[a-z]+", low))
    strict = "strict" if "strict" in words else "loose" if "loose" in words else None
    level = "prompt" if "prompt" in words else "instruction" if words & {"instruction", "inst"} \
        else None
    if strict and level and words <= L.IFEVAL_WORDS:
        return f"{strict} {level}-level"
    return None


@lru_cache(maxsize=65536)
def normalize_setting(raw: str) -> str:
    """Normalise a qualifier label: FollowEval levels, context sizes, 'Non-Contam.'; else cleaned."""
    s = _clean(raw)
    low = s.lower()
    ctx = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([km])(?:\s*tokens?)?", low)
    if ctx:
        return ctx.group(1) + ctx.group(2)
    if re.fullmatch(r"non[-\s]?contam(?:\.|inated)?(?:\s+test\s+set)?", low):
        return "non-contaminated"
    return _ifeval_setting(low) or s


_FACTS = {syn: attr for attr, syns in L.FACT_LABELS.items() for syn in syns}
FACT_ATTRIBUTES: tuple[str, ...] = tuple(L.FACT_LABELS)


@lru_cache(maxsize=65536)
def fact_attribute(raw: str) -> str | None:
    """Row/column label that is a model fact -> snake_case attribute ('# Act Params' ->
    'active_params'); None for scores and anything else."""
    s = re.sub(r"\((?:b|m|k|billions?|millions?)\)", " ", _clean(raw).lower())
    if re.fullmatch(r"\s*#?\s*(?:model\s+)?size\s*", s):      # before 'size' is rewritten to 'dim'
        return "total_params"
    words = [L.FACT_REWRITE.get(w, w) for w in re.findall(r"[a-z0-9]+", s)]
    words = [w for w in words if w not in ("number", "of", "no", "num")] or words
    return _FACTS.get(" ".join(words))
