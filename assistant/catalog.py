"""What the database knows by name: models, benchmarks, papers, settings; and finding them in a question."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index import names

from .guard import SafeDB

VARIANT_WORD = re.compile(r"(?:^|[\s\-_])(chat|instruct|instruction|base|it)(?:$|[\s\-_])", re.I)
VERSION_TAIL = re.compile(r"\s*\([^)]*\)\s*$")
VARIANT_TAIL = re.compile(r"[-\s_](?:chat|instruct|base|it)(?:[-\s_]\d+[kKmM])?$", re.I)
TOKEN = re.compile(r"\S+")
STRIP = "?,;:!\"“”‘’()[]{}*`"
BENCHMARK_WORDS = {"math", "drop", "race", "arc"}     # common words that are also benchmark names
# Words that name a benchmark only when written as one (DROP, RACE, ARC): lowercase in prose they are words.
COMMON_WORDS = {"drop", "race", "arc", "math", "average", "overall", "knowledge", "exam", "coding", "reasoning",
                "logic", "language", "chinese", "english", "writing", "fraud", "privacy", "score", "code",
                "understanding", "creation", "comprehension", "qa", "mean", "total", "base"}


GENERIC_SETTING_WORDS = {"english", "chinese", "average", "overall", "original", "without", "python", "coding",
                         "knowledge", "reasoning", "understanding", "mathematics", "language", "score", "strict",
                         "loose", "prompt", "instruction", "level", "models", "proprietary", "series", "source"}


NOT_IN_NAMES = {"score", "scores", "result", "results", "on", "of", "the", "is", "in", "for", "with", "and", "at", "by",
                "what", "whats", "what's", "does", "did", "get", "gets", "than", "vs", "versus", "or"}
FILLER_WORDS = {"benchmark", "benchmarks", "results", "result", "evaluation", "scores", "tasks", "on", "of", "the"}


def bare(token: str) -> str:
    """A question token without surrounding punctuation or a possessive: 'GLM-4-9B's' -> 'GLM-4-9B'."""
    return token.strip(STRIP).removesuffix("'s").removesuffix("’s")


def words(text: str | None) -> set[str]:
    """Lowercase words, with the parts of joined ones too: 'YARN+DCA' -> {'yarn+dca', 'yarn', 'dca'}."""
    out = set(re.findall(r"[a-z0-9+.]+", (text or "").lower()))
    return out | {p for w in out if "+" in w for p in w.split("+") if p}


def key(s: str) -> str:
    s = s.lower().replace("’", "'").replace("instruction-tuned", "instruct")
    return re.sub(r"[\s\-_(),'/]+", "", s)


def stem(model_id: str) -> str:
    return VARIANT_TAIL.sub("", VERSION_TAIL.sub("", model_id))


@dataclass
class Mention:
    text: str
    start: int
    end: int
    ids: list[str]
    exact: bool = True            # False when the name covers several variants or was a fuzzy match
    note: str | None = None       # e.g. "read 'Qwen2-72B-Instuct' as Qwen2-72B-Instruct"


@dataclass
class Catalog:
    models: dict[str, dict] = field(default_factory=dict)
    benchmarks: dict[str, dict] = field(default_factory=dict)
    papers: dict[str, dict] = field(default_factory=dict)
    setting_parts: set[str] = field(default_factory=set)
    setting_vocab: set[str] = field(default_factory=set)                      # words of those parts
    model_keys: dict[str, set[str]] = field(default_factory=dict)      # alias / canonical key -> ids
    stem_keys: dict[str, set[str]] = field(default_factory=dict)       # name without variant/version -> ids
    nover_keys: dict[str, set[str]] = field(default_factory=dict)      # name without version -> ids
    bench_keys: dict[str, set[str]] = field(default_factory=dict)
    families: dict[str, set[str]] = field(default_factory=dict)
    setting_benches: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # part -> {(benchmark, paper)}

    @classmethod
    def load(cls, db: SafeDB) -> Catalog:
        c = cls()
        run = lambda sql: db.query_all(sql)[1]  # noqa: E731
        c.models = {r["model_id"]: r for r in run("SELECT * FROM models")}
        c.benchmarks = {r["benchmark_id"]: r for r in run("SELECT * FROM benchmarks")}
        c.papers = {r["paper_id"]: r for r in run("SELECT paper_id, title, kind, precedence, precedence_note "
                                                  "FROM papers")}
        for r in run("SELECT DISTINCT setting, benchmark_id, paper_id FROM scores WHERE setting IS NOT NULL "
                     "UNION SELECT DISTINCT grp, benchmark_id, paper_id FROM scores WHERE grp IS NOT NULL"):
            parts = {p.strip() for p in r["setting"].split("|") if p.strip()}
            c.setting_parts |= parts
            for part in parts:
                c.setting_benches.setdefault(part.lower(), set()).add((r["benchmark_id"], r["paper_id"]))
        c.setting_vocab = {w for p in c.setting_parts for w in re.findall(r"[a-z0-9+.]+", p.lower()) if len(w) > 1}
        for mid in c.models:
            c.model_keys.setdefault(key(mid), set()).add(mid)
            c.stem_keys.setdefault(key(stem(mid)), set()).add(mid)
            c.nover_keys.setdefault(key(VERSION_TAIL.sub("", mid)), set()).add(mid)
        for r in run("SELECT alias, model_id FROM model_aliases"):
            c.model_keys.setdefault(key(r["alias"]), set()).add(r["model_id"])
            base, _ = names.split_model_suffix(r["alias"])
            c.model_keys.setdefault(key(base), set()).add(r["model_id"])
        for r in run("SELECT alias, benchmark_id FROM benchmark_aliases"):
            c.bench_keys.setdefault(key(r["alias"]), set()).add(r["benchmark_id"])
        for bid, r in c.benchmarks.items():
            c.bench_keys.setdefault(key(bid), set()).add(bid)
            c.families.setdefault(r["family"] or bid, set()).add(bid)
        return c

    # -- models -----------------------------------------------------------------------------------
    def model_ids(self, text: str) -> tuple[list[str], bool]:
        """Models a name may mean, and whether the name is exact (one variant) rather than a family."""
        k = key(text)
        exact = set(self.model_keys.get(k, ()))
        parsed = names.parse_model(text) if names.looks_like_model(text) else None
        if parsed and parsed.canonical in self.models:
            exact.add(parsed.canonical)
        has_variant = bool(VARIANT_WORD.search(text))
        has_version = bool(re.search(r"\(|\b\d{4}\b|\d{4}-\d{2}", text))
        wide = set(self.nover_keys.get(k, ()))
        base_or_none = not exact or any(self.models[i].get("variant") == "base" for i in exact)
        if not has_variant and not has_version and base_or_none:
            wide |= self.stem_keys.get(k, set())
        ids = exact | wide
        return sorted(ids), len(ids) <= 1

    def find_models(self, q: str) -> list[Mention]:
        found = self._scan(q, 6, lambda g: self.model_ids(g))
        return found or self._fuzzy_models(q)

    def _fuzzy_models(self, q: str) -> list[Mention]:
        out = []
        for m in TOKEN.finditer(q):
            tok = bare(m.group(0))
            k = key(tok)
            if len(k) < 5 or not re.search(r"\d", k):
                continue
            best = min(((distance(k, mk, 2), mk) for mk in self.model_keys if abs(len(mk) - len(k)) <= 2
                        and mk[:2] == k[:2]), default=(9, None))
            if best[0] <= (1 if len(k) < 9 else 2):
                ids = sorted(self.model_keys[best[1]])
                out.append(Mention(tok, m.start(), m.end(), ids, exact=False,
                                   note=f"read '{tok}' as {', '.join(ids)}"))
        return out

    # -- benchmarks -------------------------------------------------------------------------------
    def bench_ids(self, text: str, allow_common: bool = False) -> tuple[list[str], bool]:
        word = text.strip().lower()
        if text.lower() == text and word in COMMON_WORDS and not (allow_common and word in BENCHMARK_WORDS):
            return [], True
        ids: set[str] = set(self.bench_keys.get(key(text), ()))
        words = text.lower().split()
        if len(words) > 1 and (set(words) & NOT_IN_NAMES or re.fullmatch(r"\d+\.\d+", words[-1])):
            return sorted(ids), len(ids) <= 1          # 'AIME 24 score 91.0' is a name plus other words
        found = names.lookup_benchmark(text)
        if found:
            b = found[0]
            if b.canonical == b.family or b.canonical not in self.benchmarks:
                ids |= self.families.get(b.family, set())
            if b.canonical in self.benchmarks:
                ids.add(b.canonical)
        return sorted(ids), len(ids) <= 1

    def find_benchmarks(self, q: str, taken: list[Mention]) -> list[Mention]:
        """Benchmarks named in the question; lowercase 'math' counts only when a model is named and nothing else is."""
        found = self._scan(q, 5, self.bench_ids, taken)
        if not found and taken:
            found = self._scan(q, 5, lambda t: self.bench_ids(t, allow_common=True), taken)
        return found

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
                ids, exact = lookup(text)
                if ids:
                    out.append(Mention(text, s, e, ids, exact))
                    used.append((s, e))
        return sorted(out, key=lambda m: m.start)

    def benchmarks_by_setting(self, q: str, papers: list[str]) -> list[Mention]:
        """'lowest harmful rate for pornography' names no benchmark, but 'Pornography' is a setting of one."""
        asked = words(q)
        best: list[Mention] = []
        for part, pairs in self.setting_benches.items():
            need = words(part) - FILLER_WORDS
            if not need or not need <= asked or not any(len(w) >= 5 and w not in GENERIC_SETTING_WORDS for w in need):
                continue
            hits = sorted({b for b, p in pairs if not papers or p in papers})
            if 0 < len(hits) <= 3:
                m = re.search(re.escape(part.split()[0]), q, re.I)
                best.append(Mention(part, m.start() if m else 0, m.end() if m else 0, hits, exact=len(hits) == 1))
        return sorted(best, key=lambda m: -len(m.text))[:1]

    def benchmarks_by_words(self, q: str, papers: list[str]) -> list[Mention]:
        """Benchmarks named after their table ('in-house English evaluation'), found by most of their words."""
        words = {w[:7] for w in re.findall(r"[a-z]{4,}", q.lower())}
        out = []
        for bid, r in self.benchmarks.items():
            if r.get("category") not in ("other", None):
                continue
            need = {w[:7] for w in re.findall(r"[a-z]{4,}", bid.lower())}
            if len(need) >= 2 and len(need & words) >= 2 and len(need & words) / len(need) >= 0.6:
                out.append((len(need & words) / len(need), bid))
        if not out:
            return []
        top = max(s for s, _ in out)
        ids = sorted(b for s, b in out if s == top)
        return [Mention(" ".join(ids), 0, 0, ids, exact=len(ids) == 1)]

    # -- papers -----------------------------------------------------------------------------------
    def find_papers(self, q: str) -> list[str]:
        """Papers a question scopes itself to: 'in the GLM-4.5 report', 'according to the blog'."""
        ql = q.lower()
        kinds = {k for k, cue in (("report", r"\b(?:report|paper)\b"), ("blog", r"\bblog\b|\bblog post\b"),
                                  ("synthesis", r"\bsynthesis\b|\bliterature review\b"))
                 if re.search(cue, ql)}
        if not kinds:
            return []
        as_verb = len(re.findall(r"\b(?:synthesis|blog|paper|papers)\s+reports?\b", ql))
        if "report" in kinds and as_verb and len(re.findall(r"\b(?:report|paper)\b", ql)) <= as_verb:
            kinds.discard("report")                 # 'does the synthesis report ...': a verb, not a paper
        named = [m.group(1) for m in re.finditer(r"([\w.\-]+)\s+(?:technical\s+|tech\s+)?(?:report|paper|blog|"
                                                 r"synthesis)\b", q, re.I)]
        named += [m.group(1) for m in re.finditer(r"(?:report|paper|blog)\s+(?:on|of|for)\s+([\w.\-]+)", q, re.I)]
        named_keys = [key(n) for n in named if key(n) and key(n) not in ("the", "a", "this", "that", "benchmark")]
        hits = [pid for pid in self.papers if any(n in key(pid) for n in named_keys)]
        by_kind = [pid for pid in hits if self.papers[pid]["kind"] in kinds]
        if by_kind:
            return by_kind
        if hits:
            return hits
        return [pid for pid, p in self.papers.items() if p["kind"] in kinds]


def distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]
