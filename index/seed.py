"""The seed vocabulary (seed_vocab.json): curated names ingestion starts from, read once at import.

Only ingestion reads it (through `index.names` and `index.vocab`); the assistant reads the vocabulary the build
wrote to the database. Attribute names mirror the file's keys in upper case, with sets and tuples where lookups
need them.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

SEED_FILE = Path(__file__).with_name("seed_vocab.json")


def load(path: Path = SEED_FILE) -> SimpleNamespace:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return SimpleNamespace(
        CATEGORIES=tuple(raw["categories"]),
        BENCHMARKS=tuple((c, cat, fam, tuple(al)) for c, cat, fam, al in raw["benchmarks"]),
        TEXT_UNSAFE_ALIASES=frozenset(raw["text_unsafe_aliases"]),
        QUALIFIER_WORDS=frozenset(raw["qualifier_words"]),
        NUM=raw["num_pattern"],
        MODEL_FAMILY_PATTERNS=tuple(tuple(r) for r in raw["model_family_patterns"]),
        FAMILY_RENAMES=tuple((re.compile(rx), fam, tail) for rx, fam, tail in raw.get("family_renames", [])),
        WORD_CASE={w.lower(): w for w in raw["word_case"]},
        BARE_CHAT_FAMILIES=tuple(raw["bare_chat_families"]),
        API_FAMILIES=tuple(raw["api_families"]),
        BARE_BASE_FAMILIES=frozenset(raw["bare_base_families"]),
        CHAT_SUFFIX=tuple(tuple(r) for r in raw["chat_suffix"]),
        KNOWN_ACTIVE={(f, float(s)): float(a) for f, s, a in raw["known_active"]},
        MODEL_ALIASES=dict(raw["model_aliases"]),
        IFEVAL_ABBR=dict(raw["ifeval_abbr"]),
        IFEVAL_WORDS=frozenset(raw["ifeval_words"]),
        FACT_REWRITE=dict(raw["fact_rewrite"]),
        FACT_LABELS={k: tuple(v) for k, v in raw["fact_labels"].items()},
        ORDINARY_WORDS=frozenset(raw["ordinary_words"]),
        QUESTION_WORDS={kind: {target: tuple(words) for target, words in table.items()}
                        for kind, table in raw["question_words"].items()},
    )


SEED = load()
