"""What the database knows by name, read once per database from its `vocab` table; and finding names in a question.

Every name is compared through `index.names.key` (the one normaliser). Misspellings are matched with rapidfuzz over
the prepared key list, so a question costs the same at 5 papers or 5,000.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.names import STOP_WORDS, key, tokens

from .guard import SafeDB

VARIANT_WORD = re.compile(r"(?:^|[\s\-_])(chat|instruct|instruction|base|it)(?:$|[\s\-_])", re.I)
VERSION_TAIL = re.compile(r"\s*\([^)]*\)\s*$")
VARIANT_TAIL = re.compile(r"[-\s_](?:chat|instruct|base|it)(?:[-\s_]\d+[kKmM])?$", re.I)
DATE = re.compile(r"\b20\d\d-?(0[1-9]|1[0-2])-?([0-3]\d)\b")
TOKEN = re.compile(r"\S+")
STRIP = "?,;:!\"“”‘’()[]{}*`"
# A name asked for as a benchmark: 'on X', "model's X score", 'X accuracy' (X capitalised, as names are written).
BENCH_ASKED = re.compile(r"\b(?:on|in)\s+(?:the\s+)?([A-Z][\w.+\-]*[A-Za-z0-9+])(?=\s*(?:[?.,;]|$|\s+(?:benchmark|score|"
                         r"results?|test|set|and|or|with|for)\b))|(?:'s|’s)\s+([A-Z][\w.+\-]*[A-Za-z0-9+])\s+"
                         r"(?:scores?|results?|accuracy|numbers?)\b")
NEXT_VERSION = re.compile(r"[\s-]?\d")
MODEL_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9.]*(?:[-_][A-Za-z0-9.]+)*(?:\s+\d+(?:\.\d+)?[A-Za-z]?\b(?![+%]))?")


class OutdatedDatabase(Exception):
    """The database predates the vocabulary table; it must be rebuilt."""


def bare(token: str) -> str:
    """A question token without surrounding punctuation or a possessive: 'Foo-4-9B's' -> 'Foo-4-9B'."""
    return token.strip(STRIP).removesuffix("'s").removesuffix("’s")


def words(text: str | None) -> set[str]:
    """The words of a label, with the parts of joined ones too: 'YARN+DCA' -> {'yarn+dca', 'yarn', 'dca'}."""
    out = set(tokens(text))
    return out | {p for w in out if "+" in w for p in w.split("+") if p}


COMPOUND = re.compile(r"\w+(?:[-@/]\w+)+")


def label_words(text: str | None) -> set[str]:
    """words(), plus a label's hyphened or @-joined compounds whole: 'R-L' and 'R-1' are two metrics (their
    parts, 'r', 'l' and '1', say nothing), 'Pass@1' is one."""
    return words(text) | {m.lower() for m in COMPOUND.findall(text or "")}


def word_key(w: str) -> str:
    """A word's first seven letters, a plural 's' dropped first: 'scores' and 'score', 'evaluations' and
    'evaluation' meet."""
    return (w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w)[:7]


def stem(model_id: str) -> str:
    return VARIANT_TAIL.sub("", VERSION_TAIL.sub("", model_id))


@dataclass
class Mention:
    text: str
    start: int
    end: int
    ids: list[str]
    exact: bool = True            # False when the name covers several models or was a fuzzy match
    note: str | None = None       # e.g. "read 'Bar2-72B-Instuct' as Bar2-72B-Instruct"
    kind: str = "name"            # 'name', 'variants' (one model's variants), 'family', 'fuzzy', 'setting', 'words'


CHAT_WORDS = ("chat", "instruct", "it")
CHAT_WORD = re.compile(r"(?<=[\s\-_])(chat|instruct|it)$", re.I)


@dataclass
class Catalog:
    models: dict[str, dict] = field(default_factory=dict)
    benchmarks: dict[str, dict] = field(default_factory=dict)
    papers: dict[str, dict] = field(default_factory=dict)
    vocab: dict[str, dict[str, set[str]]] = field(default_factory=dict)       # kind -> key -> targets
    names: dict[str, dict[str, str]] = field(default_factory=dict)            # kind -> key -> a printed name
    setting_benches: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # label -> {(benchmark, paper)}
    setting_vocab: set[str] = field(default_factory=set)                      # words of those labels
    model_key_list: list[str] = field(default_factory=list)                   # for rapidfuzz
    sorted_keys: list[str] = field(default_factory=list)                      # for prefix checks
    setting_needs: list[tuple[str, set[str], set]] = field(default_factory=list)  # label, its words, pairs
    bench_words: list[tuple[str, set[str]]] = field(default_factory=list)     # unnamed benchmarks' words
    by_word: dict[str, list[int]] = field(default_factory=dict)   # a word -> setting_needs holding it
    bench_by_word: dict[str, list[int]] = field(default_factory=dict)   # a word stem -> bench_words holding it

    @classmethod
    def load(cls, db: SafeDB) -> Catalog:
        if "vocab" not in db.table_names():
            raise OutdatedDatabase(f"{db.path} was built by an older index (it has no vocab table): rebuild it with "
                                   "`python -m index build`, or delete it and start the app to rebuild it.")
        c = cls()
        run = lambda sql: db.query_all(sql)[1]  # noqa: E731
        c.models = {r["model_id"]: r for r in run("SELECT * FROM models")}
        c.benchmarks = {r["benchmark_id"]: r for r in run("SELECT * FROM benchmarks")}
        c.papers = {r["paper_id"]: r for r in run("SELECT paper_id, title, kind, precedence, precedence_note "
                                                  "FROM papers")}
        for r in run("SELECT key, name, kind, target, paper_id FROM vocab "
                     "ORDER BY kind, key, target, paper_id NULLS FIRST"):     # the first name per key, in one order
            c.vocab.setdefault(r["kind"], {}).setdefault(r["key"], set()).add(r["target"])
            c.names.setdefault(r["kind"], {}).setdefault(r["key"], r["name"])
            if r["kind"] == "setting":
                c.setting_benches.setdefault(r["name"].lower(), set()).add((r["target"], r["paper_id"]))
        c.setting_vocab = {w for label in c.setting_benches for w in label_words(label) if len(w) > 1}
        c.setting_needs = [(part, need, pairs) for part, pairs in c.setting_benches.items()
                           if (need := words(part) - STOP_WORDS)
                           and any(len(w) >= 5 and "ordinary" not in c.v("word", key(w)) for w in need)]
        c.bench_words = [(bid, need) for bid, r in c.benchmarks.items() if r.get("category") in ("other", None)
                         and len(need := {word_key(w) for w in tokens(bid) if len(w) >= 4 and w.isalpha()}) >= 2]
        for i, (_, need, _) in enumerate(c.setting_needs):        # indexed by word: a question touches a few labels
            for w in need:
                c.by_word.setdefault(w, []).append(i)
        for i, (_, need) in enumerate(c.bench_words):
            for w in need:
                c.bench_by_word.setdefault(w, []).append(i)
        c.model_key_list = sorted(set(c.vocab.get("model", {})))
        c.sorted_keys = sorted({k for kind in ("model", "model_nover", "model_stem", "family")
                                for k in c.vocab.get(kind, {})})
        return c

    def v(self, kind: str, k: str) -> set[str]:
        return self.vocab.get(kind, {}).get(k, set())

    def ordinary(self, text: str) -> bool:
        """A lowercase ordinary word ('drop', 'math') that names something only when written as a name."""
        return text == text.lower() and key(text) in self.vocab.get("word", {})

    # -- models -----------------------------------------------------------------------------------
    def model_ids(self, text: str) -> tuple[list[str], str]:
        """Models a name may mean, and how: 'name' (one), 'variants' (of one model), 'family', or '' (none)."""
        k = key(DATE.sub(r"\1\2", text))
        if k in self.vocab.get("word", {}) and not re.search(r"\d", text) and not text.isupper():
            return [], ""                 # an everyday word ('Average') is no model name, whatever a table says
        exact = set(self.v("model", k))
        has_variant = bool(VARIANT_WORD.search(text))
        has_version = bool(re.search(r"\(|\b\d{4}\b|\d{4}-\d{2}", text))
        wide = set(self.v("model_nover", k))
        if not has_variant and not has_version and (not exact or any(self.models[i].get("variant") == "base"
                                                                     for i in exact if i in self.models)):
            wide |= self.v("model_stem", k)
        ids = exact | wide
        if ids:
            return sorted(ids), "name" if len(ids) == 1 else "variants"
        swapped = self.other_chat_word(text)
        if swapped:
            return swapped
        family = self.v("family", k)
        if family and not self.ordinary(text):
            return sorted(family), "family"
        return [], ""

    def other_chat_word(self, text: str) -> tuple[list[str], str] | None:
        """'Bar2-7B-Chat' when the papers print 'Bar2-7B-Instruct' (and the other way round): users say either."""
        m = CHAT_WORD.search(text)
        if not m:
            return None
        for other in CHAT_WORDS:
            if other != m.group(1).lower():
                k = key(DATE.sub(r"\1\2", text[:m.start(1)] + other + text[m.end(1):]))
                ids = sorted(set(self.v("model", k)))
                if len(ids) == 1:
                    return ids, "name"
        return None

    def find_models(self, q: str) -> list[Mention]:
        def lookup(text):
            ids, how = self.model_ids(text)
            return ids, how == "name", how
        found = self._scan(q, 6, lookup)
        # 'Grok 5', 'GPT-6': a family word with a version the papers do not have names another model
        found = [m for m in found if not (m.kind == "family" and NEXT_VERSION.match(q, m.end))]
        return found or self._fuzzy_models(q)

    def _fuzzy_models(self, q: str) -> list[Mention]:
        out = []
        for m in TOKEN.finditer(q):
            tok = bare(m.group(0))
            k = key(tok)
            if len(k) < 5 or not re.search(r"\d", k):
                continue
            limit = 1 if len(k) < 9 else 2
            near = process.extract(k, self.model_key_list, scorer=Levenshtein.distance, score_cutoff=limit, limit=5)
            # a typo in the letters only: a different number is a different model ('Corvid-7B' is not 'Corvid-3B')
            near = [c for c, _, _ in near if c[:2] == k[:2] and re.findall(r"\d+", c) == re.findall(r"\d+", k)]
            if near:
                ids = sorted(self.v("model", near[0]))
                out.append(Mention(tok, m.start(), m.end(), ids, exact=False, kind="fuzzy",
                                   note=f"read '{tok}' as {', '.join(ids)}"))
        return out

    def known_prefix(self, k: str) -> bool:
        i = bisect.bisect_left(self.sorted_keys, k)
        return i < len(self.sorted_keys) and self.sorted_keys[i].startswith(k)

    def unknown_models(self, q: str, taken: list[Mention]) -> list[str]:
        """Model-shaped names that name nothing in the papers ('Lumen-2', 'Grok 5', 'Phi-3-mini')."""
        spans = [(m.start, m.end) for m in taken]
        out = []
        for m in MODEL_SHAPE.finditer(q):
            tok = bare(m.group(0)).rstrip(".")
            first = tok.split()[0].split("-")[0].lower()
            if any(m.start() < e and s < m.end() for s, e in spans) or first in STOP_WORDS or not tok:
                continue
            k = key(tok)
            shaped = model_shaped(tok) or (key(first) in self.vocab.get("family", {}) and bool(re.search(r"\d", tok)))
            if shaped and not self.is_other_name(k) and not self.known_prefix(k):
                out.append(tok)                  # 'gemini 3 pro': a known family's word with an unknown version
        return out

    def unknown_benchmarks(self, q: str, taken: list[Mention]) -> list[str]:
        """Benchmark-shaped names asked for by score that name nothing in the papers ('Foo-4.5's FooBench score')."""
        spans = [(m.start, m.end) for m in taken]
        out = []
        for m in BENCH_ASKED.finditer(q):
            g = 1 if m.group(1) else 2
            tok = bare(m.group(g)).rstrip(".")
            s, e = m.span(g)
            if not tok or any(s < te and ts < e for ts, te in spans) or tok.lower() in STOP_WORDS:
                continue
            k = key(tok)
            if len(k) >= 3 and not self.is_other_name(k) and not self.known_prefix(k) \
                    and k not in self.vocab.get("word", {}):
                out.append(tok)
        return list(dict.fromkeys(out))

    def is_other_name(self, k: str) -> bool:
        return any(k in self.vocab.get(kind, {}) for kind in ("benchmark", "benchmark_family", "setting", "paper",
                                                               "category", "variant", "paper_kind"))

    def family_of(self, text: str) -> list[str]:
        """Models whose family shares the name's leading word ('Phi-3-mini' -> the Phi models), for abstentions."""
        lead = re.match(r"[A-Za-z]+", text)
        return sorted(self.v("family", key(lead.group(0)))) if lead else []

    # -- benchmarks -------------------------------------------------------------------------------
    def bench_ids(self, text: str, allow_common: bool = False) -> tuple[list[str], bool]:
        if self.ordinary(text) and not allow_common:
            return [], True
        k = key(text)
        ids = self.v("benchmark", k) | self.v("benchmark_family", k)
        if k in self.vocab.get("word", {}):   # 'math' may be MATH; 'Average' is never the aggregate column
            ids = {i for i in ids if (self.benchmarks.get(i) or {}).get("category") != "aggregate"}
        return sorted(ids), len(ids) <= 1

    def find_benchmarks(self, q: str, taken: list[Mention], named_model: bool | None = None) -> list[Mention]:
        """Benchmarks named in the question outside the `taken` spans; an ordinary word ('math') counts only when a
        model is named (named_model, default: any taken) and nothing else is."""
        found = self._scan(q, 5, lambda t: (*self.bench_ids(t), "name"), taken)
        if not found and GLUED_WORD.search(q):       # 'MathWords-Wert', 'KnowBench-score': a name with a word hyphened on
            found = self._scan(GLUED_WORD.sub(" ", q), 5, lambda t: (*self.bench_ids(t), "name"), taken)
        if not found and (bool(taken) if named_model is None else named_model):
            found = self._scan(q, 5, lambda t: (*self.bench_ids(t, allow_common=True), "name"), taken)
        return found

    def category(self, q: str) -> str | None:
        """A benchmark category the question names ('coding benchmarks', 'long-context ability')."""
        return self.category_word(q)[0]

    def category_word(self, q: str) -> tuple[str | None, str | None]:
        """(category, the words naming it in the question)."""
        toks = tokens(q.replace("-", " "))
        for n in (2, 1):
            for i in range(len(toks) - n + 1):
                hit = self.v("category", key(" ".join(toks[i:i + n])))
                if hit:
                    return sorted(hit)[0], " ".join(toks[i:i + n])
        return None, None

    # -- shared scan ------------------------------------------------------------------------------
    def _scan(self, q: str, longest: int, lookup, taken: list[Mention] | None = None) -> list[Mention]:
        toks = [(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(q)]
        toks = [(s, e, bare(t).rstrip(".")) for s, e, t in toks]
        used = [(m.start, m.end) for m in taken or []]
        out = []
        for n in range(longest, 0, -1):
            for i in range(len(toks) - n + 1):
                s, e = toks[i][0], toks[i + n - 1][1]
                if any(s < ue and us < e for us, ue in used) or not toks[i][2] or not toks[i + n - 1][2]:
                    continue
                text = " ".join(t for _, _, t in toks[i:i + n])
                ids, exact, how = lookup(text)
                if ids:
                    out.append(Mention(text, s, e, ids, exact, kind=how))
                    used.append((s, e))
        return sorted(out, key=lambda m: m.start)

    def benchmarks_by_setting(self, q: str, papers: list[str]) -> list[Mention]:
        """'lowest harmful rate for pornography' names no benchmark, but 'Pornography' is a setting of one."""
        asked = words(q)
        best: list[Mention] = []
        for i in sorted({i for w in asked for i in self.by_word.get(w, ())}):
            part, need, pairs = self.setting_needs[i]
            if not need <= asked:
                continue
            hits = sorted({b for b, p in pairs if not papers or p in papers})
            if 0 < len(hits) <= 3:
                m = re.search(re.escape(part.split()[0]), q, re.I)
                best.append(Mention(part, m.start() if m else 0, m.end() if m else 0, hits, exact=len(hits) == 1,
                                    kind="setting"))
        return sorted(best, key=lambda m: -len(m.text))[:1]

    def benchmarks_by_words(self, q: str, papers: list[str]) -> list[Mention]:
        """Benchmarks named after their table ('in-house English evaluation'), found by most of their words."""
        asked = {word_key(w) for w in tokens(q) if len(w) >= 4 and w.isalpha()}
        out = []
        for i in sorted({i for w in asked for i in self.bench_by_word.get(w, ())}):
            bid, need = self.bench_words[i]
            if len(need & asked) >= 2 and len(need & asked) / len(need) >= 0.6:
                out.append((len(need & asked) / len(need), bid))
        if not out:
            return []
        top = max(s for s, _ in out)
        ids = sorted(b for s, b in out if s == top)
        return [Mention(" ".join(ids), 0, 0, ids, exact=len(ids) == 1, kind="words")]

    # -- papers -----------------------------------------------------------------------------------
    def paper_kinds(self, q: str) -> set[str]:
        toks = tokens(q)
        found = set()
        for n in (2, 1):
            for i in range(len(toks) - n + 1):
                found |= self.v("paper_kind", key(" ".join(toks[i:i + n])))
        return found

    def find_papers(self, q: str) -> list[str]:
        """Papers a question scopes itself to: 'in the Foo-4.5 report', 'according to the blog'."""
        ql = q.lower()
        kinds = self.paper_kinds(q)
        if not kinds:                 # 'the Baz 3 excerpt', 'the Orion article': a document word of no kind
            return [p for m in DOC_PHRASE.finditer(q) for p in sorted(self.paper_named(bare(m.group(1))))]
        as_verb = len(re.findall(r"\b(?:synthesis|blog|paper|papers)\s+reports?\b", ql))
        if "report" in kinds and as_verb and len(re.findall(r"\b(?:report|paper)\b", ql)) <= as_verb:
            kinds.discard("report")                 # 'does the synthesis report ...': a verb, not a paper
        hits: list[str] = []
        for m in PAPER_PHRASE.finditer(q):
            for name in (m.group(1) or "", m.group(2) or ""):
                hits += [p for p in sorted(self.paper_named(bare(name))) if p not in hits]
        by_kind = [pid for pid in hits if self.papers[pid]["kind"] in kinds]
        if by_kind:
            return by_kind
        if hits:
            return hits
        if self.unknown_paper(q):
            return []                 # 'the Foo-9 report' names no indexed paper: no scope, and the parser says so
        return [pid for pid, p in self.papers.items() if p["kind"] in kinds]

    def unknown_paper(self, q: str) -> str | None:
        """A name-shaped word before 'report'/'paper'/'blog' that names no indexed paper ('the Foo-9 report')."""
        for m in PAPER_PHRASE.finditer(q):
            for name in (m.group(1) or "", m.group(2) or ""):
                ws = [bare(w) for w in name.split() if w.lower() not in STOP_WORDS]
                named = [w for w in ws if re.search(r"[A-Z\d]", w) and not self.paper_named(w)
                         and not self.is_other_name(key(w)) and not self.known_prefix(key(w))]
                if named and not self.paper_named(bare(name)):
                    return " ".join(named)
        return None

    def paper_named(self, name: str) -> set[str]:
        """Papers a short name means: the longest leading words of the name that are a paper's short name."""
        ws = [w for w in name.split() if w.lower() not in STOP_WORDS]
        for n in range(len(ws), 0, -1):              # longest run of words first: 'the Bar2 team report' -> Bar2
            for i in range(len(ws) - n, -1, -1):
                hit = self.v("paper", key(" ".join(ws[i:i + n])))
                if hit:
                    return hit
        return set()


GLUED_WORD = re.compile(r"(?<=[A-Z0-9])-(?=[A-Za-z][a-z]{2,}\b)")      # same length: spans stay put
DOC_WORDS = r"excerpt|article|preprint|document|write-?up|post"
DOC_PHRASE = re.compile(r"((?:[\w.\-’']+\s+){0,2}[\w.\-’']+)\s+(?:" + DOC_WORDS + r")\b", re.I)
PAPER_PHRASE = re.compile(r"((?:[\w.\-’']+\s+){0,2}[\w.\-’']+)\s+(?:technical\s+|tech\s+)?(?:report|paper|blog|"
                          r"synthesis)\b|(?:report|paper|blog)\s+(?:on|of|for)\s+([\w.\-]+)", re.I)


def model_shaped(tok: str) -> bool:
    """Shaped like a model name: letters then a version or size ('Lumen-2', 'Grok 5', 'Phi-3-mini', 'GPT5'), and
    not a size, a context length or a year alone."""
    if not re.search(r"\d", tok) or not re.match(r"[A-Za-z]{2,}", tok):
        return False
    if re.fullmatch(r"(?i)[a-z]+\s*\d+(?:\.\d+)?[bkm%]?", tok) and not re.match(r"[A-Z]", tok):
        return False                                   # 'top 3', 'under 10B'
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z.]*(?:[-_ ]?[A-Za-z]*\d[\w.]*)(?:[-_][\w.]+)*", tok))
