"""Scores stated only in sentences: 'X scores 42.5% on BenchY', 'X ..., scoring 40.1% on A and 80.0% on B'. Each becomes a `scores` row with source_kind 'text' and the sentence as its raw_cell.

A relative statement ('X achieves 95.0% of Model-Z's accuracy on BenchY') is not X's score on BenchY: it becomes a
`facts` row (attribute 'relative_score', the reference model in row_header, the benchmark in col_header).
Only names that `index.names` parses are used: a sentence about an unknown name yields nothing. A score the
same paper also prints in a table (same model and benchmark, or the same value on a benchmark of the same family)
is left to the table: tables take precedence. Linear in the text.
"""
from __future__ import annotations

import re

from . import names, textfix
from .interpret import Records

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
VERB = re.compile(r"\b(?:scores?|scoring|scored|achieves?|achieving|achieved|reach(?:es|ing|ed)?|obtain(?:s|ing|ed)?|"
                  r"attain(?:s|ing|ed)?|gets?|getting|records?|recording|posts?|posting|hits?|hitting)\b", re.I)
VALUE = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,2})?)\s?(%|points?\b)?\s+"
                   r"(?:of\s+(?P<ref>[^,;:.]{1,60}?)(?:['’]s)?\s+(?:accuracy|performance|score|results?)\s+|"
                   r"(?:accuracy|pass@1|exact match|EM|F1|win rate|score)\s+)?"
                   r"(?:on|in)\s+(?:the\s+)?(?=(?P<rest>[^,;:()]{1,80}))")
NAME_TOKEN = re.compile(r"[A-Za-z][\w.+-]*[\w+]|[A-Za-z]")
MAX_SENTENCE = 2000
TEXT_TABLE_ID = "Text"         # table_id of a score read from a sentence (table_no stays NULL)
BACK = 120                     # characters before the verb searched for the subject


def scores_in_text(passages: list[dict], paper_id: str, tables: list[Records]) -> Records:
    """Scores and relative statements in the passages that the paper's tables do not already print."""
    rec = Records(orientation="text")
    family = {k: b.family for r in tables for k, b in r.benchmarks.items()}
    scores = [s for r in tables for s in r.scores]
    printed = {(s["model_id"], s["benchmark_id"]) for s in scores}
    printed |= {(s["model_id"], family.get(s["benchmark_id"]), s["value"]) for s in scores}   # same family, same value
    own = {names.key(b.canonical): b for r in tables for b in r.benchmarks.values()}   # the paper's own benchmarks
    for p in passages:
        for sentence in SENTENCE_END.split(p["text"]):
            if len(sentence) <= MAX_SENTENCE and VERB.search(sentence):
                read_sentence(sentence.strip(), p, paper_id, printed, rec, own)
    return rec


def read_sentence(sentence: str, p: dict, paper_id: str, printed: set, rec: Records,
                  own: dict[str, names.Benchmark] | None = None) -> None:
    for verb in VERB.finditer(sentence):
        subject = last_model(sentence[max(0, verb.start() - BACK):verb.start()])
        if subject is None:
            continue
        tail = sentence[verb.end():]
        stop = next_model_at(tail)
        for m in VALUE.finditer(tail[:stop]):
            bench = benchmark_at(m.group("rest"), own or {})
            if bench is None:
                continue
            value, unit = float(m.group(1)), ("%" if m.group(2) == "%" else None)
            ref = m.group("ref") and names.parse_model(m.group("ref").strip())
            add(rec, subject, bench, value, unit, ref, m.group("ref"), sentence, p, paper_id, printed)


def last_model(text: str) -> tuple[str, names.ModelName] | None:
    """The last model name in `text` (tried as 1-4 word spans ending at each word, longest first)."""
    words = list(NAME_TOKEN.finditer(text))
    for end in range(len(words) - 1, -1, -1):
        for n in (4, 3, 2, 1):
            if end - n + 1 < 0:
                continue
            raw = text[words[end - n + 1].start():words[end].end()]
            m = model_named(raw)
            if m:
                return raw, m
    return None


def next_model_at(text: str) -> int:
    """Where the next model name starts (a new subject ends this one's list of scores)."""
    for w in NAME_TOKEN.finditer(text):
        if (w.group(0)[0].isupper() or any(ch.isdigit() for ch in w.group(0))) and model_named(w.group(0)) \
                and not text[:w.start()].rstrip().endswith("of"):
            return w.start()
    return len(text)


def model_named(raw: str) -> names.ModelName | None:
    """A model name: every word capitalised or a number ('Foo 3 Large', 'Bar-4'), not led by a common word
    ('In', 'With'), and one names.py parses."""
    words = raw.split()
    if not all(w[:1].isupper() or w[:1].isdigit() for w in words) or any(ch in raw for ch in ",;:!?\"") \
            or (len(words) > 1 and textfix.common_words().get(words[0].lower(), 9) <= 2) or names.lookup_benchmark(raw):
        return None
    return names.parse_model(raw)


def benchmark_at(rest: str, own: dict[str, names.Benchmark]) -> tuple[names.Benchmark, str] | None:
    """The longest run of words at the start of `rest` that names a known benchmark, or one of the paper's own
    tables (`own`, by name key): a benchmark no list knows is still named by the paper that prints it."""
    words = rest.split()[:6]
    for n in range(len(words), 0, -1):
        raw = " ".join(words[:n]).rstrip(".,;:")
        if raw.lower().startswith(("and ", "or ")):
            continue
        found = names.lookup_benchmark(raw)
        if found:
            return found[0], raw
        if names.key(raw) in own:
            return own[names.key(raw)], raw
    return None


def add(rec: Records, subject, bench, value, unit, ref, ref_raw, sentence, p, paper_id, printed) -> None:
    (model_raw, model), (b, bench_raw) = subject, bench
    leaf = (p.get("section") or "").split(" > ")[-1]
    base = dict(paper_id=paper_id, table_id=TEXT_TABLE_ID, table_no=None, page=p.get("page"), section=p.get("section"),
                caption=f"stated in the text{f' ({leaf})' if leaf else ''}", raw_cell=sentence)
    rec.models.setdefault(model.canonical, model)
    rec.model_aliases.add((model_raw, model.canonical))
    if ref_raw:
        rec.facts.append(dict(base, model_id=model.canonical, subject=model_raw, attribute="relative_score",
                              value=value, unit=unit, value_text=f"{value:g}{unit or ''} of {ref_raw.strip()} "
                              f"on {b.canonical}", row_header=ref.canonical if ref else ref_raw.strip(),
                              col_header=b.canonical))
        return
    if (model.canonical, b.canonical) in printed or (model.canonical, b.family, value) in printed:
        return
    printed.add((model.canonical, b.canonical))
    rec.benchmarks.setdefault(b.canonical, b)
    rec.benchmark_aliases |= {(bench_raw, b.canonical), (b.canonical, b.canonical)}
    rec.scores.append(dict(base, model_id=model.canonical, benchmark_id=b.canonical, grp=None, setting=None,
                           metric=None, value=value, unit=unit, row_header=model_raw, col_header=bench_raw,
                           model_raw=model_raw, benchmark_raw=bench_raw, is_bold=False, spread=None,
                           source_kind="text"))
