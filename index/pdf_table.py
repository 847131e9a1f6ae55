"""A table rebuilt from word positions: columns from the body's aligned runs, headers wrapped over several
lines merged per column, header groups spanning columns, row groups, bold cells.

Output is what the text pipeline already reads: a markdown pipe table, or an HTML table (rowspan/colspan)
when header groups span columns or a group column labels blocks of rows.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .pdf_lines import Chunk, Line, chunks, group_lines, is_numeric, overlap
from .pdf_read import Rule, Word
from .pdf_wrap import SOFT_HYPHEN, fold_wrapped, join_wrapped  # noqa: F401 (SOFT_HYPHEN re-exported)
from .pdf_ruled import ruled_rows
from .pdf_rivers import split_rivers, split_run
from .pdf_rowgroups import Row, centred_labels, group_column, label_columns, sparse_first_column

SPREAD = re.compile(r"^(?:±|\+/?-)\s*\d[\d.]*$|^[(\[]\s*[±+\-]?\d[\d.]*\s*%?[)\]]$")
# a second header line of these is a level of its own (settings under names); anything else continues the names
QUALIFIER = re.compile(r"^\(?(?:\d+[- ]?shots?|zero[- ]shot|few[- ]shot|cot|strict|loose|\d+k)\)?$", re.I)


@dataclass
class Column:
    x0: float
    x1: float

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Rebuilt:
    header_groups: list[list[tuple[str, int]]] = field(default_factory=list)   # [(text, colspan)] per level
    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    groups: list[tuple[str, int]] = field(default_factory=list)               # (label, rowspan) for column 0
    more: list[Rebuilt] = field(default_factory=list)     # parts below a repeated header row, same columns

    @property
    def ok(self) -> bool:
        values = sum(1 for r in self.rows for c in r.cells[1:] if c)
        return len(self.rows) >= 1 and len(self.header) >= 2 and values >= 2


def columns_of(lines: list[Line]) -> list[Column]:
    """Column intervals: the union of the runs of every line that has two or more runs."""
    spans = sorted(span for ln in lines if len(ln.runs) >= 2 for c in ln.runs for span in spans_of(c))
    cols: list[Column] = []
    for a, b in spans:
        if cols and a <= cols[-1].x1 + 1.0:
            cols[-1].x1 = max(cols[-1].x1, b)
        else:
            cols.append(Column(a, b))
    return cols


def value_units(c: Chunk) -> list[Chunk] | None:
    """A run of values set close together ('71.2 ± 0.4 65.3 -') split into one chunk per cell, else None."""
    units: list[list[Word]] = []
    words = c.words
    k = 0
    while k < len(words):
        w = words[k]
        if w.text in ("±", "+/-", "+-") and units and k + 1 < len(words) and is_numeric(words[k + 1].text):
            units[-1] += [w, words[k + 1]]
            k += 2
            continue
        if units and SPREAD.match(w.text):          # '±0.4' or '(0.4)' after a value belongs to it
            units[-1].append(w)
            k += 1
            continue
        if not (is_numeric(w.text) or w.text in ("-", "–", "—")):
            return None
        units.append([w])
        k += 1
    return [Chunk(u) for u in units] if len(units) > 1 else None


def spans_of(c: Chunk) -> list[tuple[float, float]]:
    """A run of numbers set close together is several cells; a run of words is one."""
    units = value_units(c)
    return [(u.x0, u.x1) for u in units] if units else [(c.x0, c.x1)]


def nearest(c: Chunk, cols: list[Column]) -> int:
    """The column this run sits in: the one it overlaps most, else the closest."""
    return min(range(len(cols)), key=lambda k: distance(c, cols[k]))


def distance(c: Chunk, col: Column) -> float:
    if overlap(c.x0, c.x1, col.x0, col.x1) > 0:
        return -overlap(c.x0, c.x1, col.x0, col.x1)
    return min(abs(c.x0 - col.x1), abs(col.x0 - c.x1))


def cell_text(c: Chunk) -> str:
    """A value set in bold keeps the mark ('**82.3**'), as a best-in-row marker; its spread ('± 0.2') need not be
    bold too."""
    return f"**{c.text}**" if c.words[0].bold and is_numeric(c.text) else c.text


def rebuild(words: list[Word], rules: list[Rule], width: float) -> Rebuilt:
    """Words of one table region plus its internal rules (full ones and cmidrules) into header and rows."""
    lines = fold_wrapped(group_lines(words))
    full = [r for r in rules if r.x1 - r.x0 >= 0.9 * width]
    inner_rules = [r.y for r in full]
    split = header_split(lines, inner_rules)
    head, body = lines[:split], lines[split:]
    cols = split_rivers(columns_of(body), body, Column)
    out = Rebuilt()
    if len(cols) < 2 or not body:
        return out
    top_of_body = body[0].top
    out.header_groups, out.header = header_of(head, cols, [r for r in rules if r not in full and r.y < top_of_body])
    out.header_groups = [lv for lv in out.header_groups if len(lv) > 1]     # one label over every column: a title
    ruled = ruled_rows(body, rules, cols, nearest, cell_text)
    if ruled and ruled[1]:                     # a ruled grid whose first column spans blocks of rows
        out.rows, out.groups = ruled
        return out
    rows = ruled[0] if ruled else merge_continuations([body_row(ln, cols) for ln in body], inner_rules)
    parts = split_at_headers(rows, inner_rules)
    body_rules = [y for y in inner_rules if y > top_of_body]
    fill_rows(out, parts[0], body_rules)
    for header, part in parts[1:]:
        extra = Rebuilt(header=header.cells)
        fill_rows(extra, part, body_rules)
        out.more.append(extra)
    return out


def fill_rows(t: Rebuilt, rows: list[Row], rules: list[float]) -> None:
    t.rows = rows
    if label_columns(rows, len(t.header)) >= 2 and (sparse_first_column(rows) or centred_labels(rows)):
        t.rows, t.groups = group_column(rows, rules)


def is_header_row(rows: list[Row], k: int, rules: list[float]) -> bool:
    """A row of distinct names and no values, ruled off, with values under it, after rows with values:
    the table goes on as a second block under its own header."""
    r = rows[k]
    filled = [c for c in r.cells if c]
    if (k == 0 or k + 1 >= len(rows) or len(filled) < max(3, 0.6 * len(r.cells)) or len(set(filled)) < len(filled)
            or any(is_numeric(c) or c in ("-", "–", "—") for c in filled)):
        return False
    ruled = any(rows[k - 1].mid < y < rows[k + 1].mid for y in rules)
    below = any(is_numeric(c) for c in rows[k + 1].cells)
    return ruled and below and any(not x.label_only for x in rows[:k])


def split_at_headers(rows: list[Row], rules: list[float]) -> list:
    """[rows of the first block, (header row, rows), (header row, rows), ...]."""
    parts: list = [[]]
    for k, r in enumerate(rows):
        if is_header_row(rows, k, rules):
            parts.append((r, []))
        elif len(parts) == 1:
            parts[0].append(r)
        else:
            parts[-1][1].append(r)
    return parts


def header_split(lines: list[Line], rules: list[float]) -> int:
    """Lines above the first internal rule (booktabs midrule) are the header; else the leading text-only lines."""
    if rules and lines:
        ys = sorted(rules)
        n = sum(1 for ln in lines if ln.mid < ys[0])
        for y in ys[1:]:          # a title row ruled off above the row of names: the names are header too
            if not (0 < n < len(lines) and all(len(ln.runs) == 1 for ln in lines[:n]) and names_row(lines[n])):
                break
            n = sum(1 for ln in lines if ln.mid < y)
        if 0 < n < len(lines):
            return n
    for k, ln in enumerate(lines):
        if any(is_numeric(c.text) or value_units(c) for c in ln.runs[1:]):
            return max(1, k)
    return 1


def names_row(ln: Line) -> bool:
    """A row of names: no values, or set in bold throughout (a header cell's '7B' reads as a number)."""
    return len(ln.runs) >= 2 and (ln.bold or not any(is_numeric(c.text) or value_units(c) for c in ln.runs))


def header_of(head: list[Line], cols: list[Column],
              cmid: list[Rule]) -> tuple[list[list[tuple[str, int]]], list[str]]:
    """Header lines into one name per column (wrapped lines merged) plus group levels over cmidrules."""
    names = [""] * len(cols)
    levels: list[list[tuple[str, int]]] = []
    extents = name_extents(head[-1], cols) if head else []
    for ln in head:
        under = [r for r in cmid if ln.bottom - 1 <= r.y <= ln.bottom + 1.5 * ln.size
                 and sum(1 for c in cols if r.x0 - 2 <= c.center <= r.x1 + 2) >= 2]   # not one cell's border
        if not under and ln is not head[-1]:
            named = {nearest(Chunk([w]), cols) for w in head[-1].words}
            under = centred_between(ln, extents, lambda e: extents.index(e) not in named, head[head.index(ln) + 1])
        level, grouped = spanning_level(ln, under, cols)
        if level and levels and [n for _, n in levels[-1]] == [n for _, n in level]:
            levels[-1] = [(join_wrapped(a, b), n) for (a, n), (b, _) in zip(levels[-1], level)]   # a name on 2 lines
        elif level:
            levels.append(level)
        per_col = [""] * len(cols)
        for run in chunks([w for w in ln.words if id(w) not in grouped]):
            inside = [k for k, c in enumerate(cols) if run.x0 <= c.center <= run.x1]
            # a long name wider than its column ('Mean accuracy over all suites') stays whole over the one
            # column it centres on; a run over several columns' centres is split word by word
            for part in ([run] if len(inside) == 1 else [Chunk([w]) for w in run.words]):
                k = inside[0] if len(inside) == 1 else nearest(part, cols)
                per_col[k] = f"{per_col[k]} {part.text}".strip()
        filled = [t for t in per_col if t]
        if any(names) and len(filled) >= 2 and all(QUALIFIER.match(t) for t in filled):
            levels.append([(n, 1) for n in names])     # names above, qualifiers below: two header levels
            names = [""] * len(cols)
        names = [join_wrapped(a, b) for a, b in zip(names, per_col)]
    return levels, names


def name_extents(last: Line, cols: list[Column]) -> list[Column]:
    """Each column's reach: its values and its name on the lowest header line."""
    out = [Column(c.x0, c.x1) for c in cols]
    for w in last.words:
        k = nearest(Chunk([w]), cols)
        out[k] = Column(min(out[k].x0, w.x0), max(out[k].x1, w.x1))
    return out


def centred_between(ln: Line, extents: list[Column], unnamed=lambda e: False, below: Line | None = None) -> list[Rule]:
    """Runs of an upper header line centred over the gap between columns span the columns they reach
    (a multicolumn label with no cmidrule under it); returned as if a rule were drawn under them."""
    left = left_spans(ln, extents, below) if below is not None else None
    if left is not None:
        return left
    out = []
    for c in ln.runs:
        over = [e for e in extents if overlap(c.x0, c.x1, e.x0, e.x1) > 0]
        homes = [next((k for k, e in enumerate(extents) if e.x0 - 1 <= (w.x0 + w.x1) / 2 <= e.x1 + 1), None)
                 for w in c.words]
        apart = None not in homes and len(set(homes)) >= 2        # each word over its own column: their names
        if apart and len(set(homes)) == len(c.words):
            continue
        if (len(over) >= 2 and not apart
                and abs(c.center - (over[0].x0 + over[-1].x1) / 2) <= 0.1 * (over[-1].x1 - over[0].x0)):
            out.append(Rule(over[0].x0, over[-1].x1, ln.bottom))    # centred on the columns it reaches
            continue
        values = extents[1:]
        if (len(ln.runs) == 1 and len(values) >= 2 and c.x0 > extents[0].x1
                and abs(c.center - (values[0].x0 + values[-1].x1) / 2) <= 0.05 * (values[-1].x1 - values[0].x0)):
            out.append(Rule(values[0].x0, values[-1].x1, ln.bottom))   # the one label of its line, centred over
            continue                                                    # all the value columns: it spans them
        if any(e.x0 - 1 <= c.center <= e.x1 + 1 for e in extents) or len(over) == 1 and unnamed(over[0]):
            continue                # over one column the lowest line leaves unnamed: that column's own name
                                    # ('Category' over short labels), set higher up and wider than its values
        left = [k for k, e in enumerate(extents) if e.x1 < c.center]
        right = [k for k, e in enumerate(extents) if e.x0 > c.center]
        if not left or not right:
            continue
        ks = [k for k, e in enumerate(extents) if overlap(c.x0, c.x1, e.x0, e.x1) > 0] + [left[-1], right[0]]
        out.append(Rule(extents[min(ks)].x0, extents[max(ks)].x1, ln.bottom))
    return out


def left_spans(ln: Line, extents: list[Column], below: Line) -> list[Rule] | None:
    """Group labels set flush left in their spans (a word processor's default): every run starts where a value
    column starts, fewer runs than value columns; each spans to the column before the next run's, and the line
    below names every column of each span (else it is a name wrapped onto two lines)."""
    starts = [column_at(c.x0, extents) for c in ln.runs]
    if not starts or None in starts or 0 in starts or len(starts) >= len(extents) - 1 or starts != sorted(set(starts)):
        return None                                # over no column's start, or over the label column
    ends = [k - 1 for k in starts[1:]] + [len(extents) - 1]
    named = {column_at(c.x0, extents) for c in below.runs}
    if all(a == b for a, b in zip(starts, ends)) or not all(k in named for a, b in zip(starts, ends)
                                                             for k in range(a, b + 1)):
        return None
    return [Rule(extents[a].x0, extents[b].x1, ln.bottom) for a, b in zip(starts, ends)]


def column_at(x: float, extents: list[Column]) -> int | None:
    return next((k for k, e in enumerate(extents) if abs(x - e.x0) <= 1.5), None)


def spanning_level(ln: Line, under: list[Rule], cols: list[Column]) -> tuple[list[tuple[str, int]], set[int]]:
    """Words above a cmidrule label the columns the rule spans."""
    label, span, grouped = [""] * len(cols), [1] * len(cols), set()
    for r in under:
        ks = [k for k, c in enumerate(cols) if r.x0 - 2 <= c.center <= r.x1 + 2]
        ws = [w for w in ln.words if r.x0 - 2 <= w.mid_x <= r.x1 + 2]
        if len(ks) < 2 or not ws:
            continue
        runs = chunks(ws)            # one rule under two labels (a \cline over both groups): split the columns
        if len(runs) >= len(ks) and len({nearest(c, cols) for c in runs}) == len(runs):
            continue                 # a name over each column the rule spans: a ruled-off row of names, no group
        if len(runs) >= 2 and len(ks) >= 2 * len(runs):
            parts = [[k for k in ks if min(runs, key=lambda c: abs(c.center - cols[k].center)) is run] for run in runs]
        else:
            runs, parts = [Chunk(ws)], [ks]
        for run, part in zip(runs, parts):
            if part:
                label[part[0]] = run.text
                span[part[0]] = part[-1] - part[0] + 1
        grouped |= {id(w) for w in ws}
    if not grouped:
        return [], grouped
    out, k = [], 0
    while k < len(cols):
        out.append((label[k], span[k]))
        k += span[k]
    return out, grouped


def body_row(ln: Line, cols: list[Column]) -> Row:
    cells = [""] * len(cols)
    chs = ln.runs
    if len(chs) == 1 and not is_numeric(chs[0].text):
        cells[0] = chs[0].text                   # a lone label, even centred across the table, names a group
        return Row(cells, ln.mid, True, bool(re.match(r"[a-z(]", chs[0].text)), chs[0].bold)
    for c in chs:
        parts = value_units(c) or split_run(c, cols, lambda part: nearest(part, cols))
        for part in parts:
            k = nearest(part, cols)
            cells[k] = f"{cells[k]} {cell_text(part)}".strip()
    filled = [k for k, t in enumerate(cells) if t]
    label_only = all(not is_numeric(cells[k]) for k in filled) and len(filled) == 1
    return Row(cells, ln.mid, label_only, bool(chs and re.match(r"[a-z(]", chs[0].text)), bool(chs and chs[0].bold))


def merge_continuations(rows: list[Row], rules: list[float]) -> list[Row]:
    """A label-only line under a row continues that row's label when it starts lowercase or '(' or follows a
    '-', or when it sits closer than rows do, in the same weight, with no rule between (a wrapped cell)."""
    steps = sorted(b.mid - a.mid for a, b in zip(rows, rows[1:]))
    pitch = steps[len(steps) // 2] if steps else 0.0
    out: list[Row] = []
    for r in rows:
        prev = out[-1] if out else None
        k = next((i for i, t in enumerate(r.cells) if t), 0)
        if prev and r.label_only and not prev.label_only and prev.cells[k]:
            tight = (r.mid - prev.mid < 0.85 * pitch and r.bold == prev.bold
                     and not any(prev.mid < y < r.mid for y in rules))
            if r.first_word_lower or prev.cells[k].endswith("-") or tight:
                prev.cells[k] = join_wrapped(prev.cells[k], r.cells[k])
                continue
        out.append(r)
    return out


def to_markup(t: Rebuilt) -> list[str]:
    if t.header_groups or t.groups:
        return [to_html(t)]
    width = len(t.header)
    lines = ["| " + " | ".join(esc(h) for h in t.header) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(esc(c) for c in r.cells) + " |" for r in t.rows]
    return lines


def esc(s: str) -> str:
    return s.replace("|", "\\|")


def to_html(t: Rebuilt) -> str:
    e = html.escape
    out = ["<table>"]
    for level in t.header_groups:
        out.append("<tr>" + "".join(f'<th colspan="{n}">{e(s)}</th>' if n > 1 else f"<th>{e(s)}</th>"
                                    for s, n in level) + "</tr>")
    out.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in t.header) + "</tr>")
    starts = {}
    k = 0
    for label, n in t.groups:
        starts[k] = (label, n)
        k += n
    for i, r in enumerate(t.rows):
        cells = list(r.cells)
        first = ""
        if t.groups:
            if i in starts:
                label, n = starts[i]
                first = f'<td rowspan="{n}">{e(label)}</td>' if n > 1 else f"<td>{e(label)}</td>"
            cells = cells[1:]
        out.append("<tr>" + first + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def inner(rules: list[Rule], top: float, bottom: float) -> list[Rule]:
    return sorted((r for r in rules if top + 1.0 < r.y < bottom - 1.0), key=lambda r: r.y)
