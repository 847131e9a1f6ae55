"""What a label or caption means: a model fact, a metric, a setting, the variant a table implies, the subject
a table measures when its cells are categories of one benchmark."""
from __future__ import annotations

import re

from . import names, qualifiers, textfix
from .document import Table
from .headers import nameable

SPLIT_NOTE = re.compile(r"x is (?:the )?(?:score )?(.+?)\s+and\s+y is (?:the )?(?:score )?(.+?)(?:[.;]|$)", re.I)


def implied_variant(t: Table) -> str | None:
    """What a bare sized name ('Foo-70B', 'Bar 3 8B') means in this table: chat or base model."""
    cap = (t.caption or "") + " " + (t.note or "")
    if re.search(r"omitted", cap, re.I) and re.search(r"-(Instruct|Chat)", cap):
        return "chat"
    near = " ".join(x for x in (t.heading, t.caption) if x)
    if re.search(r"\b(?:fine-?tuned|instruction[- ]tuned|post-?trained)\b", near, re.I):
        return "chat"
    where = " ".join(x for x in (t.section, t.heading, t.caption) if x)
    if re.search(r"\bbase\b|\bpre-?trained\b", where, re.I):
        return "base"
    return None


LEAD = re.compile(r"^(?:the\s+)?(?:performances?|results?|evaluation results|scores?)\s+(?:of\s+.+?\s+)?"
                  r"(?:on|in)\s+(?:the\s+|our\s+)?", re.I)


SAYS = re.compile(r"^(?:as\s+)?Table\s+\S+\s+(?:shows|reports|lists|gives|presents|compares|summari[sz]es|contains|"
                  r"displays|details)\s*,?\s+(?:the\s+|our\s+)?(?=\w)", re.I)   # a caption taken from a sentence


def caption_subject(t: Table) -> str:
    """A name for what a table measures when its cells are categories, not benchmarks."""
    cap = re.sub(r"\s*\[\d+\]", "", t.caption or "").split(". ")[0].strip().rstrip(".")
    subject = LEAD.sub("", SAYS.sub("", cap)) if cap else (t.heading or "")
    subject = re.sub(r"\s+(?:benchmark|data)$", "", subject, flags=re.I).strip()
    return (subject[:1].upper() + subject[1:]) if subject else (t.heading or "Unnamed table")


def split_labels(t: Table, n: int) -> list[str]:
    m = SPLIT_NOTE.search(t.note or "") or SPLIT_NOTE.search(t.caption or "")
    if m and n == 2:
        return [m.group(1).strip(), m.group(2).strip()]
    return [f"value {k + 1} of {n}" for k in range(n)]


METRIC_HEAD = re.compile(r"^(?:evaluation\s+)?(?:metrics?|measures?)$", re.I)
PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")


def fact_label(label: str, loose: bool = False) -> str | None:
    """A label naming a model fact: '# Params' -> 'total_params'; 'Experts (active / total)' -> 'experts'.
    loose: any label, as a snake_case attribute (for a text or size cell where a score would be)."""
    if not nameable(label):
        return (re.sub(r"\W+", "_", label[:60].lower()).strip("_") or "value") if loose and label else None
    attr = names.fact_attribute(label)
    if attr:
        return attr
    head = PAREN.sub("", label)
    if head != label and "/" in PAREN.search(label).group(1):
        attr = names.fact_attribute(head)
        if attr:
            return re.sub(r"_total$", "", attr)
    return (re.sub(r"\W+", "_", label.lower()).strip("_") or "value") if loose else None


def split_parts(label: str) -> list[str]:
    """'Experts (active / total)' -> ['active', 'total']."""
    m = PAREN.search(label)
    return [p.strip().lower() for p in m.group(1).split("/")] if m and "/" in m.group(1) else []


def split_metric(extra: str | None) -> tuple[str | None, list[str]]:
    """What a benchmark's own label adds ('BenchY (5-shot)', 'CodeZ (Pass@1)'): its metric, with setting words in
    their normal form ('zero-shot' -> '0-shot'). Qualifiers in other header cells are settings (emit)."""
    parts = [p.strip() for p in (extra or "").split(",") if p.strip()]
    return (", ".join(qualifiers.normalize(p) for p in parts) or None), []


def settle_qualifiers(scores: list[dict]) -> None:
    """A qualifier in a benchmark's label ('FollowEval (strict)', 'RULER (32k)') is a setting when the table prints
    the same model and benchmark under other qualifiers too (they are alternatives); a lone one only says how
    the value was measured and stays the metric ('BenchY (5-shot)')."""
    groups: dict[tuple, list[dict]] = {}
    for r in scores:
        groups.setdefault((r["model_id"], r["benchmark_id"], r["setting"], r["grp"]), []).append(r)
    for rows in groups.values():
        if len({r["metric"] for r in rows}) < 2:
            continue
        for r in rows:
            if r["metric"] and qualifiers.is_qualifier(r["metric"]):
                r["setting"] = " | ".join(x for x in (r["metric"], r["setting"]) if x)
                r["metric"] = None


METRIC_NAME = re.compile(r"^(?:EM|F1|acc\.?|accuracy|exact match|bleu|rouge(?:-\w+)?|r-[12l]|chrf|mrr|win rate|"
                         r"[\w.-]*@\d+)$", re.I)
GENERIC_VALUE = re.compile(r"^(?:scores?|values?|results?|performance)$", re.I)   # a long table's value column
NAME_SHAPED = re.compile(r"[A-Z][\w.]*(?:[-\s][A-Z0-9][\w.]*)*")      # 'Foo-V2', 'Bar 7B', not 'Rate of x'
SUFFIX = re.compile(r"^(.+?)\s*\(([^()]{1,30})\)$")


def ordinary_label(label: str) -> bool:
    """Everyday words ('Code', 'Logic', 'Score', 'Obj. QA') or a short code ('ar', 'es'): categories of one
    benchmark, not benchmark names ('SumQA', 'ProofBench', 'MATH')."""
    words = re.findall(r"[A-Za-z]+", label)
    if not words or label.isupper() and len(label) > 2:
        return False
    if len(words) == 1 and len(words[0]) <= 3 and words[0].islower():
        return True
    common = textfix.common_words()
    return all(w.lower() in common or (len(w) <= 3 and w.isupper()) for w in words) and \
        any(w.lower() in common for w in words)


def metric_suffix(item: str) -> tuple[str, str | None]:
    """'FooQA (EM)' -> ('FooQA', 'EM'); 'BarCode (Pass@1)' -> ('BarCode', 'Pass@1'); other labels unchanged."""
    m = SUFFIX.match(item.strip())
    if m and nameable(m.group(1)) and (METRIC_NAME.match(m.group(2).strip()) or qualifiers.is_qualifier(m.group(2))
                                       or m.group(2).strip() == "%"):
        return m.group(1).strip(), m.group(2).strip()
    return item, None
