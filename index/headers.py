"""Where a table's headers end and what its axes hold: header rows, label columns, spanned labels,
and whether a list of labels looks like models or benchmarks."""
from __future__ import annotations

import re

from . import names
from .grid import MISSING, Cell, Grid, parse_number, split_values

AGGREGATE = re.compile(r"^(average|avg\.?|overall|mean|total)$", re.I)
MODEL_CORNER = re.compile(r"^(?:models?|methods?|systems?|baselines?|checkpoints?|variants?)$", re.I)   # models
BENCH_CORNER = re.compile(r"^(?:benchmarks?|datasets?|tasks?|evaluations?)(?:\s*\([^()]*\))?$", re.I)   # benchmarks
# ('Benchmark (Metric)' too)
MAX_LABEL = 200      # a longer header or label cell is prose, never a model or benchmark name (keeps lookups bounded)


def nameable(label: str) -> bool:
    return bool(label) and len(label) <= MAX_LABEL


def is_value(c: Cell) -> bool:
    return c.text in MISSING or split_values(c.text) is not None


def is_decimal(c: Cell) -> bool:
    parsed = parse_number(c.text)
    return parsed is not None and parsed[1] in (None, "%")


def header_rows(g: Grid) -> int:
    h = 1
    while h < len(g.rows) - 1:
        row = g.rows[h]
        filled = [c for c in row if c.text]
        if row[0].text and not row[0].copy and len(filled) == len(row) and spanned_above(g, h) \
                and not any(is_value(c) and not SIZE_LABEL.fullmatch(c.text.strip()) for c in row[1:]):
            return h + 1                # 'Model | A | B' under a blank corner and group labels: the lowest level
                                        # ('7B | 13B' under the family name spanning them, too)
        if (row[0].text and not row[0].copy) or len(filled) < 2 or any(is_decimal(c) for c in row):
            break
        if nameable(filled[0].text) and names.fact_attribute(filled[0].text):     # '# Total Params' under the model names: a fact row
            break
        h += 1
    return h


def spanned_above(g: Grid, h: int) -> bool:
    """The rows above `h` leave the corner blank and hold labels spanning several columns (spans, or in markdown,
    which has none, a label then blank cells: '| | Reasoning | | Knowledge | |')."""
    rows = g.rows[:h]
    return all(not r[0].text for r in rows) and (any(c.copy for r in rows for c in r) or all(
        (0 < sum(1 for c in r[1:] if c.text) < len(r) - 1 or any(a.text and a.text == b.text for a, b in zip(r, r[1:])))
        and not any(c.text and is_value(c) for c in r) for r in rows))       # or each label repeated over its span


RANK_HEAD = re.compile(r"^(?:#|no\.?|rank(?:ing)?|idx|index)$", re.I)


def is_rank_column(g: Grid, h: int, filled: list[Cell]) -> bool:
    """A leading column counting the rows 1, 2, 3 ... (a leaderboard's rank), under 'Rank' or '#' or no name."""
    head = g.rows[h - 1][0].text if h else ""
    counts = [x.text for x in filled] == [str(k) for k in range(1, len(filled) + 1)]
    return len(filled) >= 2 and (counts and (not head or RANK_HEAD.match(head) is not None))


SHOTS_HEAD = re.compile(r"^(?:#\s*|no\.?\s+of\s+|num(?:ber)?\.?\s+(?:of\s+)?)?"
                        r"(?:shots?|k[- ]?shot|n[- ]?shot|few[- ]shot)$", re.I)


def label_columns(g: Grid, h: int) -> int:
    """Leading columns that hold labels: the first column whose filled cells are mostly values ends them."""
    data = [r for r in g.rows[h:] if sum(1 for c in r if c.text) > 1]
    for c in range(g.width):
        filled = [r[c] for r in data if r[c].text]
        if c == 0 and any(x.copy for x in filled) and g.width > 2:
            continue                     # a first column spanning rows ('32K' over three rows) labels groups
        if c == 0 and g.width > 2 and is_rank_column(g, h, filled):
            continue                     # 'Rank' or '#' numbering the rows: a label, not scores
        if c > 0 and h and SHOTS_HEAD.match(g.rows[h - 1][c].text.strip()):
            continue                     # 'Shots': how each row was measured ('5' -> '5-shot'), not a score
        if filled and sum(1 for x in filled if is_value(x)) >= len(filled) / 2:
            return max(1, c)
    return 1


def fill_upper(upper: list[str], lower: list[str]) -> list[str]:
    """Spread spanned upper header labels over their columns (centred or left-aligned)."""
    n = len(upper)
    for p in range(2, n // 2 + 1):
        starts = [s for s in range(n) if lower[s] and all(lower[s + k] == lower[s + k + p]
                                                          for k in range(p) if s + k + p < n)]
        if not starts:
            continue
        s = starts[0]
        if n - s >= 2 * p and all(lower[s + k] for k in range(p)):
            blocks = [(b, min(b + p, n)) for b in range(s, n, p)]
            labels = [[upper[i] for i in range(a, b) if upper[i]] for a, b in blocks]
            if all(len(lab) == 1 for lab in labels):
                out = list(upper)
                for (a, b), lab in zip(blocks, labels):
                    out[a:b] = lab * (b - a)
                return out
    out, last = [], ""
    for u in upper:
        last = u or last
        out.append(last)
    return out


def column_heads(g: Grid, h: int, lc: int) -> list[list[str]]:
    """For each value column, its header labels from top level to bottom level."""
    levels = [[g.rows[r][c].text for c in range(lc, g.width)] for r in range(h)]
    for r in range(h - 1):
        if not any(g.rows[r][c].copy for c in range(lc, g.width)):    # spans written out (colspan): a blank
            levels[r] = fill_upper(levels[r], levels[h - 1])         # beside one is empty, not a span
    return [[levels[r][i] for r in range(h)] for i in range(g.width - lc)]


def model_fraction(labels: list[str]) -> float:
    labels = [x for x in labels if x]
    return sum(1 for x in labels if nameable(x) and names.looks_like_model(x)) / len(labels) if labels else 0.0


BENCHMARK_SHAPE = re.compile(r"(?:Bench|Eval|QA|Arena|Test|Leaderboard)\b|\b[A-Z][A-Za-z]*[A-Z]{2,}|\b[A-Z]{3,}\b|"
                             r"\b[A-Za-z]+-?\d+[A-Za-z]*\b")


def looks_like_benchmark(label: str, context: str) -> bool:
    """Known benchmark, or shaped like one: 'FooBench', 'BarQA', 'ZEval', 'XYZ', 'GSM-Hard8K'."""
    if not nameable(label):
        return False
    if names.lookup_benchmark(label, context):
        return True
    return bool(BENCHMARK_SHAPE.search(label)) and not names.looks_like_model(label)


def benchmark_fraction(labels: list[str], context: str) -> float:
    labels = [x for x in dict.fromkeys(labels) if x and not AGGREGATE.match(x)
              and not (nameable(x) and names.fact_attribute(x))]
    return sum(1 for x in labels if looks_like_benchmark(x, context)) / len(labels) if labels else 0.0


def b_of(head: list[str], b_level: int, metric_levels: set[int]) -> int:
    """The header level naming this column's benchmark: the table's benchmark level, or, where this column has no
    label there (a name set beside a spanned group, over both levels), its one named level below."""
    if head[b_level]:
        return b_level
    named = [k for k, x in enumerate(head) if x and k not in metric_levels]
    return named[0] if len(named) == 1 else b_level


SIZE_LABEL = re.compile(r"(?i)\d+(?:\.\d+)?[BM]|\d+x\d+(?:\.\d+)?B")


def sized_model(model: str, below: list[str]) -> tuple[str, list[str]]:
    """A family name over its sizes ('Foo-2' spanning '7B', '13B'): each column's model is the family at that
    size ('Foo-2 7B'); the size is no setting."""
    size = next((x for x in below if SIZE_LABEL.fullmatch(x.strip())), None)
    if size is None or re.search(r"(?i)\d(?:\.\d+)?\s*[BM]\b", model):
        return model, below
    return f"{model} {size.strip()}", [x for x in below if x is not size]
