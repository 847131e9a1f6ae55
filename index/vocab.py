"""The vocabulary: every name key the assistant reads, written by ingestion from what the papers print plus the seed.

One row per (key, kind, target): `key` is `names.key(name)` (the one normaliser), `name` the words as printed or
seeded, `kind` what sort of name it is, `target` what it names. Kinds:

  model            canonical id or an alias as printed                  -> model_id
  model_nover      the id without its version ('Foo-4' for 'Foo-4 (0520)')   -> model_id
  model_stem       the id without variant or version ('Bar2-7B')     -> model_id (every variant)
  family           the model family ('Bar2', 'Baz-3') and its first word ('Zed') -> model_id
  benchmark        canonical id, alias as printed, seed alias          -> benchmark_id
  benchmark_family versions of one benchmark ('LiveCode-X')         -> benchmark_id
  setting          a setting, group or metric label of a score ('128k', 'Pornography', 'F1') -> benchmark_id (paper_id set)
  category         a word for a benchmark category ('code')           -> category
  variant          a word for a model variant ('instruction-tuned')   -> 'chat' / 'base'
  paper            a short name of a paper (title head, file-name words) -> paper_id
  paper_kind       a word for a kind of document ('blog post')        -> 'report' / 'blog' / 'synthesis'
  word             an everyday word that is also a name or a setting word: a name only when capitalised.
                   -> 'ordinary' (seeded: too common to pick a benchmark by its setting) or 'common'
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import names
from .seed import SEED
from .textfix import common_words

COLUMNS = {"vocab": ["key", "name", "kind", "target", "paper_id"]}
VERSION_TAIL = re.compile(r"\s*\([^)]*\)\s*$")
VARIANT_TAIL = re.compile(r"[-\s_](?:chat|instruct|base|it)(?:[-\s_]\d+[kKmM])?$", re.I)


def stem(model_id: str) -> str:
    """'Bar2-7B-Instruct' -> 'Bar2-7B'; 'Foo-4 (0520)' -> 'Foo-4'."""
    return VARIANT_TAIL.sub("", VERSION_TAIL.sub("", model_id))


# Which vocabulary rows a source row can make (an incremental build replaces exactly these for what it changed;
# 'setting' rows belong to the paper whose scores carry the label, 'paper' rows target their paper):
MODEL_KINDS = ("model", "model_nover", "model_stem", "family")          # target: a model_id (models, model_aliases)
BENCHMARK_KINDS = ("benchmark", "benchmark_family")                    # target: a benchmark_id (benchmarks, aliases)
NAME_KINDS = (*MODEL_KINDS, *BENCHMARK_KINDS, "paper")                  # names an everyday word may also be


def vocab_rows(rows: dict[str, list[dict]], known_keys: dict[str, str] | None = None) -> dict[str, list[dict]]:
    """The vocabulary rows for the collected tables (models, aliases, benchmarks, scores, papers).
    known_keys: name -> names.key(name) already computed by the same index code (a previous build's vocab)."""
    out = name_rows(rows, known_keys)
    return {"vocab": out + word_rows(names_seen(out)) + question_rows()}


def name_rows(rows: dict[str, list[dict]], known_keys: dict[str, str] | None = None) -> list[dict]:
    """The rows naming a model, benchmark, setting or paper. Each row's target (a setting's: its paper) is one of
    the input rows': given only some models, benchmarks and papers, it makes exactly their rows. The first name
    seen for a (key, kind, target, paper_id) is kept, so the input is read in one defined order."""
    out: dict[tuple, dict] = {}
    keys: dict[str, str] = dict(known_keys or {})    # names repeat across thousands of papers: each is keyed once

    def add(name: str | None, kind: str, target: str | None, paper_id: str | None = None) -> None:
        k = keys.get(name or "")
        if k is None:
            k = keys[name or ""] = names.key(name or "")
        if k and target:
            out.setdefault((k, kind, target, paper_id), dict(key=k, name=name, kind=kind, target=target,
                                                             paper_id=paper_id))

    model_rows(rows, add)
    benchmark_rows(rows, add)
    paper_rows(rows, add)
    return list(out.values())


def word_rows(seen: set[str]) -> list[dict]:
    """Everyday words that are also a name or a setting word (`seen`: keys of every name, words of every label)."""
    out: dict[tuple, dict] = {}
    for w in sorted(everyday()):
        k = names.key(w)
        if k in seen:
            target = "ordinary" if w in SEED.ORDINARY_WORDS else "common"
            out.setdefault((k, target), dict(key=k, name=w, kind="word", target=target, paper_id=None))
    return list(out.values())


def question_rows() -> list[dict]:
    """The seed's words for categories, variants and kinds of paper (the same for every corpus)."""
    out: dict[tuple, dict] = {}
    for kind, table in SEED.QUESTION_WORDS.items():
        for target, words in table.items():
            for w in words:
                k = names.key(w)
                if k:
                    out.setdefault((k, kind, target), dict(key=k, name=w, kind=kind, target=target, paper_id=None))
    return list(out.values())


@lru_cache(maxsize=1)
def everyday() -> frozenset[str]:
    return frozenset(SEED.ORDINARY_WORDS | set(common_words()))


def names_seen(rows: list[dict]) -> set[str]:
    """Keys of every name, and every word of a setting label: where an ordinary word could be misread."""
    return seen_in({r["key"] for r in rows if r["kind"] in NAME_KINDS},
                   {r["name"] for r in rows if r["kind"] == "setting"})


def seen_in(name_keys: set[str], labels: set[str]) -> set[str]:
    return name_keys | {w for name in labels for w in names.tokens(name)}


def model_rows(rows, add) -> None:
    for m in rows["models"]:
        mid = m["model_id"]
        add(mid, "model", mid)
        add(VERSION_TAIL.sub("", mid), "model_nover", mid)
        add(stem(mid), "model_stem", mid)
        if m.get("family"):
            add(m["family"], "family", mid)
            first = re.match(r"[A-Za-z]+", m["family"])          # 'Zed' of 'Zed 3 Opus'; not 'Average'
            if first and len(first.group(0)) >= 3 and first.group(0).lower() not in everyday():
                add(first.group(0), "family", mid)
    for a in rows["model_aliases"]:
        add(a["alias"], "model", a["model_id"])
        add(names.split_model_suffix(a["alias"])[0], "model", a["model_id"])


def benchmark_rows(rows, add) -> None:
    present = {b["benchmark_id"] for b in rows["benchmarks"]}
    for b in rows["benchmarks"]:
        add(b["benchmark_id"], "benchmark", b["benchmark_id"])
        if b.get("family") and b["family"] != b["benchmark_id"]:
            add(b["family"], "benchmark_family", b["benchmark_id"])
    for a in rows["benchmark_aliases"]:
        add(a["alias"], "benchmark", a["benchmark_id"])
    for canonical, _cat, _family, aliases in SEED.BENCHMARKS:
        if canonical in present:
            for alias in aliases:
                add(alias, "benchmark", canonical)
        for b in rows["benchmarks"]:                # 'Olymp' when the papers print only 'Olymp 24' and 'Olymp 25'
            if b.get("family") == canonical and b["benchmark_id"] != canonical:
                for alias in (canonical, *aliases):
                    add(alias, "benchmark_family", b["benchmark_id"])
    for s in rows["scores"]:
        for label in (s.get("setting"), s.get("grp"), s.get("metric")):      # 'F1' picks F1 over EM
            for part in (label or "").split("|"):
                if part.strip():
                    add(part.strip(), "setting", s["benchmark_id"], s["paper_id"])


KIND_WORDS = {"report", "technical", "tech", "paper", "blog", "post", "synthesis", "review"}


def paper_rows(rows, add) -> None:
    """Short names a reader uses for a paper: the title's heads ('Foo-4.5' of 'Foo-4.5: Agentic ...', and the part
    after a first colon) and their leading words and those of the file name, without the words for its kind."""
    for p in rows["papers"]:
        pid = p["paper_id"]
        add(pid, "paper", pid)
        heads = [h.strip() for h in (p.get("title") or "").split(":")[:2] if h.strip()]
        for head in heads:
            add(head, "paper", pid)
        for text in (*heads, pid):
            words = [w for w in re.split(r"[\s_]+|-(?=[a-z]{2,})", text) if w and w.lower() not in KIND_WORDS]
            while words and words[0].lower() in ("the", "a", "an"):     # 'The Baz 3 Herd of Models'
                words = words[1:]
            for n in range(1, min(len(words), 4) + 1):
                add(" ".join(words[:n]), "paper", pid)
