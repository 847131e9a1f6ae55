"""One table cell as printed -> its plain text, emphasis, footnote mark and spread.

Every table format goes through here, so a value reads the same whatever its decoration:
`**83.2**`, `<b>83.2</b>`, `\\textbf{83.2}`, `$8 3 . 2$`, `83.2†`, `83.2^a`, `83.2<sup>1</sup>`, `83.2 ± 0.4`,
`$83.2 \\pm 0.4$` and `83.2%` are all the value 83.2 (the spread 0.4 kept apart). Labels lose their
markup and footnote marks too (`Model-X†` is Model-X). Pure functions, linear in the cell's length.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from .textfix import math_to_text

MAX_MARKUP = 2000        # longer cells are prose, not table values: only whitespace is normalised

NUM = re.compile(r"^[<>~≈]?\s*([-−]?(?:\d+(?:,\d{3})*(?:\.\d+)?|\.\d+))\s*(%|[BKMT]|k)?$")   # '.832' too
MISSING = {"", "-", "–", "—", "−", "--", "n/a", "N/A", "NA", "N.A.", "/", "x", "✗", "×"}
BOLD_TAG = re.compile(r"<(b|strong)>(.*?)</\1>", re.I | re.S)
TAG = re.compile(r"</?(?:b|strong|i|em|u|ins|span|font|small|s)\b[^<>]{0,200}>", re.I)
BREAK = re.compile(r"<br\s*/?>", re.I)
WRAPPED = re.compile(r"(?<=[A-Za-z0-9])- (?=[A-Za-z0-9])")   # 'Foo-<br>4.5' wrapped in its header: 'Foo-4.5'
SUP = re.compile(r"<sup>([^<>]{0,12})</sup>", re.I)
LATEX_WRAP = re.compile(r"\\(textbf|mathbf|bf|textit|emph|underline|uline|textrm|text|mathrm|textsc)\s*\{([^{}]*)\}")
MATH = re.compile(r"\$([^$]{1,300})\$")
MARK_TAIL = re.compile(r"(?:\s*(?:[†‡§¶⋆★*∗]+|[⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ]+|\^\{?[A-Za-z0-9*†‡,]{1,4}\}?))+$")
MARK_HEAD = re.compile(r"^(?:[†‡§¶⋆★∗]+|\^\{?[A-Za-z*†‡]{1,2}\}?)\s*")
SPREAD = re.compile(r"^(.+?)\s*(?:±|\+/-|\+-|\\pm)\s*(\d+(?:\.\d+)?)\s*(%?)\)?$")
DELTA = re.compile(r"^(.+?)\s*(?:\(\s*[+\-−↑↓]\s*\d+(?:\.\d+)?\s*%?\s*\)|[↑↓])$")
# a label's trailing citation ('Model-X [12]', 'Model-X (Smith et al., 2024)') or better-direction arrow ('FooQA ↑')
LABEL_TAIL = re.compile(r"(?<=\S)(?:\s*(?:(?:\^\{)?\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]\}?|\([A-Z][^()]{0,60}?et al\.?,?\s*\d{4}[a-z]?\)|[↑↓]))+$")
SPREAD_PAREN = re.compile(r"^(.+?)\s*\(\s*(?:±|\+/-|\\pm)\s*(\d+(?:\.\d+)?)\s*(%?)\s*\)$")


@dataclass(frozen=True)
class CellText:
    text: str                    # plain: markup, footnote marks and spread removed
    bold: bool = False
    spread: float | None = None  # '71.2 ± 0.4' -> 0.4
    mark: str | None = None      # the footnote mark removed: '†', '1', 'a'


@lru_cache(maxsize=65536)
def read_cell(raw: str) -> CellText:
    """The plain text of a cell as printed (tables repeat cells: '-', '**Model**', the same numbers)."""
    s = html.unescape(raw).replace("\xa0", " ").strip()
    if len(s) > MAX_MARKUP:
        return CellText(re.sub(r"\s+", " ", s))
    s, bold = strip_markup(s)
    s, mark = strip_marks(s)
    s, spread = split_spread(s)
    if s not in MISSING and not NUM.match(s) and ("$" in s or "\\" in s):
        plain, spread2 = split_spread(unlatex(s))
        plain, mark2 = strip_marks(plain)
        if NUM.match(plain) or plain in MISSING or all(NUM.match(p.strip()) for p in plain.split("/")):
            s, spread, mark = plain, (spread if spread is not None else spread2), (mark or mark2)
        else:                                   # a label: only its $...$ spans are made plain
            s = re.sub(r"\s+", " ", MATH.sub(lambda m: math_to_text(m.group(1)), s)).strip()
            s, mark2 = strip_marks(s)
            mark = mark or mark2
    if s not in MISSING and not NUM.match(s):
        s = LABEL_TAIL.sub("", s)
    return CellText(s, bold, spread, mark)


def strip_markup(s: str) -> tuple[str, bool]:
    """Bold/italic/underline in markdown, HTML or LaTeX removed; whether the cell (or its number) was bold."""
    bold = bool(re.search(r"\*\*|__|<b>|<strong>|\\textbf|\\mathbf|\\bf\b", s, re.I))
    s = SUP.sub(lambda m: "^{" + m.group(1).strip() + "}", s)
    s = TAG.sub("", BREAK.sub(" ", s))
    s = LATEX_WRAP.sub(lambda m: m.group(2), LATEX_WRAP.sub(lambda m: m.group(2), s))
    s = s.replace("**", "").replace("__", "")
    s = re.sub(r"(?<![\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])", r"\1", s)      # *italic*
    s = re.sub(r"(?<![\w_])_(?=\S)([^_]*?\S)_(?![\w_])", r"\1", s)        # _italic_
    s = re.sub(r"\s+", " ", s).strip()
    return WRAPPED.sub("-", s), bold


def strip_marks(s: str) -> tuple[str, str | None]:
    """'65.3†' -> ('65.3', '†'); 'Model-X^a' -> ('Model-X', 'a'); a lone mark or a plain word is kept."""
    tail = MARK_TAIL.search(s)
    if tail and tail.start() > 0 and not s[:tail.start()].endswith(("^", "$", "\\")):
        mark = tail.group(0).strip().strip("^{}")
        s = s[:tail.start()].rstrip()
    else:
        mark = None
    head = MARK_HEAD.match(s)
    if head and head.end() < len(s) and s[head.end()].isdigit():
        mark = mark or head.group(0).strip().strip("^{}")
        s = s[head.end():]
    return s, mark


def split_spread(s: str) -> tuple[str, float | None]:
    """'71.2 ± 0.4' -> ('71.2', 0.4); '71.2% ± 0.4%' -> ('71.2%', 0.4); a change printed beside the value
    ('71.2 (+1.3)', '71.2↑') is dropped (raw_cell keeps it); anything else unchanged."""
    d = DELTA.match(s)
    if d and NUM.match(strip_marks(d.group(1).strip())[0]):
        s = strip_marks(d.group(1).strip())[0]
    m = SPREAD_PAREN.match(s) or SPREAD.match(s)
    if m and NUM.match(strip_marks(m.group(1).strip())[0]):
        return strip_marks(m.group(1).strip())[0], float(m.group(2))
    return s, None


def unlatex(s: str) -> str:
    """'$8 3 . 2$' -> '83.2', '$83.2 \\pm 0.4$' -> '83.2 ± 0.4', '\\textbf{83.2}\\%' -> '83.2%'."""
    if "$" in s:
        s = MATH.sub(lambda m: math_to_text(m.group(1)), s)
    if "\\" in s:
        s = math_to_text(s)
    return re.sub(r"\s+", " ", s).strip()


@lru_cache(maxsize=65536)
def parse_number(text: str) -> tuple[float, str | None] | None:
    m = NUM.match(text.strip())
    if not m:
        return None
    unit = m.group(2)
    return float(m.group(1).replace(",", "").replace("−", "-")), (unit.upper() if unit == "k" else unit)
