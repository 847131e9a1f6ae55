"""Setting words (qualifiers) in one normal form, for table headers and questions alike.

A header "0-shot" and a question's "zero-shot" must mean the same setting, so both go through `normalize`
(a header label) or `qualifiers_in` (free text, e.g. a question). Normal forms: shot counts as '0-shot',
'5-shot', 'few-shot'; chain of thought as 'CoT' or 'without CoT'; FollowEval levels as 'strict prompt-level'; context lengths as
'128k'; anything else cleaned but kept as printed.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import names

NUMBER_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "twenty": 20, "twenty-five": 25}
_NUM = r"(\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
SHOT = re.compile(r"\b" + _NUM + r"[\s-]?shots?\b", re.I)
FEW_SHOT = re.compile(r"\bfew[\s-]?shots?\b", re.I)
COT = re.compile(r"\b(?:w/\s*|with\s+)?(?:CoT|chain[\s-]of[\s-]thoughts?)\b", re.I)
NO_COT = re.compile(r"\b(?:w/o|without|no)\s+(?:CoT|chain[\s-]of[\s-]thoughts?)\b", re.I)
STRICT = re.compile(r"\b(strict|loose)\b[\s-]*(prompt|instruction|inst)?(?:[\s-]*level)?|"
                    r"\b(prompt|instruction|inst)[\s-]*level[\s-]*(strict|loose)\b", re.I)
LENGTH = re.compile(r"\b(\d+(?:\.\d+)?)\s*([km])(?:\s*tokens?)?\b", re.I)
QUALIFIER = re.compile(r"^(?:\d{1,3}|" + "|".join(NUMBER_WORDS) + r"|few)[\s-]?shots?$|^(?:w/o?\s*|with\s+|no\s+)?"
                       r"cot$|^(?:strict|loose)(?:[\s-]+(?:prompt|instruction|inst)[\s-]*level)?$|"
                       r"^(?:prompt|instruction)[\s-]*level(?:[\s-]+(?:strict|loose))?$|^\d+(?:\.\d+)?\s*[km]$|"
                       r"^(?:greedy|sampling|maj@\d+|pass@\d+|avg@\d+|cons@\d+)$", re.I)


def shot_form(m: re.Match) -> str:
    n = m.group(1).lower()
    return f"{NUMBER_WORDS.get(n, n)}-shot"


@lru_cache(maxsize=65536)
def normalize(raw: str) -> str:
    """One header label as a setting: '0 shot', 'zero-shot' -> '0-shot'; 'Chain-of-Thought' -> 'CoT'; '128K'
    -> '128k'; 'Prompt-level strict' -> 'strict prompt-level'. Labels that are not qualifiers are only cleaned."""
    s = " ".join(str(raw or "").split())
    if not s:
        return s
    low = s.lower()
    if SHOT.fullmatch(low):
        return shot_form(SHOT.fullmatch(low))
    if FEW_SHOT.fullmatch(low):
        return "few-shot"
    if NO_COT.fullmatch(s):
        return "without CoT"
    if COT.fullmatch(s):
        return "CoT"
    return names.normalize_setting(s)


@lru_cache(maxsize=65536)
def is_qualifier(label: str) -> bool:
    """A label that qualifies how a score was measured (shots, CoT, strictness, length), not what."""
    parts = [p.strip() for p in " ".join(str(label or "").split()).strip("()").split(",") if p.strip()]
    return bool(parts) and all(QUALIFIER.match(p) for p in parts)


def qualifiers_in(text: str) -> list[str]:
    """The setting words a sentence or question uses, in normal form: 'zero-shot BenchY with CoT' ->
    ['0-shot', 'CoT']. Lengths are left out (a '7B' or '128K' in a question is usually a model or a fact)."""
    text = str(text or "")
    found: list[tuple[int, str]] = [(m.start(), shot_form(m)) for m in SHOT.finditer(text)]
    found += [(m.start(), "few-shot") for m in FEW_SHOT.finditer(text)]
    negated = [(m.start(), m.end()) for m in NO_COT.finditer(text)]
    found += [(a, "without CoT") for a, _ in negated]
    found += [(m.start(), "CoT") for m in COT.finditer(text) if not any(a <= m.start() < b for a, b in negated)]
    for m in STRICT.finditer(text):
        strict = (m.group(1) or m.group(4)).lower()
        level = (m.group(2) or m.group(3) or "").lower()
        level = "instruction" if level == "inst" else level
        found.append((m.start(), f"{strict} {level}-level" if level else strict))
    return list(dict.fromkeys(q for _, q in sorted(found)))
