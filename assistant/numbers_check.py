"""An LLM's text answer may state a number only if a passage it cites holds that number (pure functions).

    bad = unsupported_numbers(reply, [p.text + " " + p.original for p in cited], question)
    if bad: ...use the extractive answer instead...

Numbers are compared by value ("70.10", "70.1%" and "$7 0 . 1 \\%$" are the same 70.1). Not checked: citation marks
([1], [2][3]), list numbers at the start of a line, digits inside names ("Foo-4-9B", "MathWords", "Bar2"), and
numbers the question itself contains.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

# A number standing alone: not glued to letters, digits, hyphens or dots (so name parts are skipped).
_NUMBER = re.compile(r"(?<![\w.\-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w\-]|\.\d)")
_CITATION = re.compile(r"\[\s*\d+(?:\s*[,;–-]\s*\d+)*\s*\]")
_LIST_MARK = re.compile(r"(?m)^\s*\d+[.)]\s")
# LaTeX-spaced digits as papers print them: "$7 0 . 1 \%$" -> "70.1%"
_SPACED = re.compile(r"(?<![\w.])\d(?: ?\d)*(?: ?\. ?\d(?: ?\d)*)?(?![\w])")


def numbers_in(text: str) -> list[Decimal]:
    """Every stand-alone number in `text`, as a normalised value (thousands separators dropped)."""
    text = _LIST_MARK.sub(" ", _CITATION.sub(" ", text or ""))
    out = []
    for m in _NUMBER.finditer(text):
        value = _value(m.group(1).replace(",", "") + (m.group(2) or ""))
        if value is not None:
            out.append(value)
    return out


def held_numbers(texts: Iterable[str]) -> set[Decimal]:
    """The numbers some passage holds, also when typeset with spaces between digits."""
    held: set[Decimal] = set()
    for text in texts:
        text = text or ""
        held.update(numbers_in(text))
        squeezed = _SPACED.sub(lambda m: m.group(0).replace(" ", ""), text.replace("\\%", "%"))
        held.update(numbers_in(squeezed))
    return held


def unsupported_numbers(answer: str, passages: Iterable[str], question: str = "") -> list[str]:
    """The numbers in `answer` (as written there) that neither a cited passage nor the question holds."""
    allowed = held_numbers(passages) | set(numbers_in(question))
    text = _LIST_MARK.sub(" ", _CITATION.sub(" ", answer or ""))
    out = []
    for m in _NUMBER.finditer(text):
        value = _value(m.group(1).replace(",", "") + (m.group(2) or ""))
        if value is not None and value not in allowed and m.group(0) not in out:
            out.append(m.group(0))
    return out


def numbers_supported(answer: str, passages: Iterable[str], question: str = "") -> bool:
    return not unsupported_numbers(answer, passages, question)


def _value(text: str) -> Decimal | None:
    try:
        return Decimal(text).normalize()
    except InvalidOperation:
        return None
