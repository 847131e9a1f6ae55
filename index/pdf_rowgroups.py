"""Row groups of a rebuilt table: a first column that labels blocks of rows (a rowspan cell centred on its block,
or a label set once per block), and which columns are labels rather than values."""
from __future__ import annotations

from dataclasses import dataclass

from .pdf_lines import is_numeric


@dataclass
class Row:
    cells: list[str]
    mid: float
    label_only: bool = False
    first_word_lower: bool = False
    bold: bool = False


def centred_labels(rows: list[Row]) -> bool:
    """A first-column label on a line of its own, about half a row from the rows above and below it: a label
    centred on the block of rows it spans (an HTML or Word table's rowspan cell), not a group row of its own."""
    steps = sorted(b.mid - a.mid for a, b in zip(rows, rows[1:]) if not (a.label_only or b.label_only))
    if not steps:
        return False
    pitch = steps[len(steps) // 2]
    return any(r.label_only and r.cells[0] and 0 < k < len(rows) - 1
               and r.mid - rows[k - 1].mid < 0.75 * pitch and rows[k + 1].mid - r.mid < 0.75 * pitch
               for k, r in enumerate(rows))


def label_columns(rows: list[Row], width: int) -> int:
    data = [r for r in rows if not r.label_only]
    for k in range(width):
        filled = [r.cells[k] for r in data if r.cells[k]]
        if k == 0 and len(filled) <= len(data) / 2:
            continue                      # a sparse first column ('32K' once per block) labels groups of rows
        if filled and sum(1 for t in filled if is_numeric(t) or t in ("-", "–", "—")) >= len(filled) / 2:
            return k
    return 1


def sparse_first_column(rows: list[Row]) -> bool:
    data = [r for r in rows if not r.label_only]
    return bool(data) and sum(1 for r in rows if r.cells[0]) <= len(data) / 2


def group_column(rows: list[Row], rules: list[float]) -> tuple[list[Row], list[tuple[str, int]]]:
    """Column 0 names blocks of rows (a vertically centred 'rowspan' label): give each row its block's label."""
    labels = [(r.cells[0], r.mid) for r in rows if r.cells[0]]
    data = [r for r in rows if not (r.label_only and r.cells[0]) and any(r.cells[1:])]
    for r in data:
        r.cells[0] = block_label(r.mid, labels, rules)
    groups: list[tuple[str, int]] = []
    for r in data:
        if groups and groups[-1][0] == r.cells[0]:
            groups[-1] = (r.cells[0], groups[-1][1] + 1)
        else:
            groups.append((r.cells[0], 1))
    return data, groups


def block_label(y: float, labels: list[tuple[str, float]], rules: list[float]) -> str:
    if not labels:
        return ""
    if rules:
        lo = max((r for r in rules if r < y), default=float("-inf"))
        hi = min((r for r in rules if r > y), default=float("inf"))
        return " ".join(t for t, m in labels if lo < m < hi)
    return min(labels, key=lambda lm: abs(lm[1] - y))[0]
