"""Where a page's tables are: booktabs-style rule groups (or a caption followed by aligned rows), and
the caption that belongs to each."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .pdf_lines import Line, chunks, is_numeric, overlap
from .pdf_read import Page, Rule, Word
from .pdf_table import inner, rebuild, to_markup

TABLE_CAPTION = re.compile(r"^(?:Table|TABLE|Tab\.)\s+([A-Z]?\d+(?:\.\d+)?[A-Za-z]?|[IVXLC]+)(?:\s*[:.|—–]\s*|\s+(?=[A-Z])|"
                           r"\s*$)")     # 'TABLE IV' alone on its line, its title on the next (IEEE style)
FIGURE_CAPTION = re.compile(r"^(?:Figure|FIGURE|Fig\.)\s+[A-Z]?\d+")


@dataclass
class TableItem:
    top: float
    x0: float
    x1: float
    caption: str | None
    markup: list[list[str]]                          # one or more tables (a header repeated inside splits it)
    used: set[int] = field(default_factory=set)      # ids of the words and caption lines this table consumed


def rule_groups(rules: list[Rule], lines: list[Line], page_h: float) -> list[list[Rule]]:
    """Rules that frame one table, top to bottom (strokes that touch on one line count as one here)."""
    rules = dedupe(rules, touching=True)
    groups: list[list[Rule]] = []
    for r in rules:       # tables side by side keep separate groups: try every group this rule fits under
        g = next((g for g in reversed(groups) if within(r, g[0]) and same_table(g[0], g[-1], r, lines, page_h)),
                 None)
        if g:
            g.append(r)
        else:
            groups.append([r])
    return [g for g in groups if len(g) >= 2]


def dedupe(rules: list[Rule], touching: bool = False) -> list[Rule]:
    """Strokes on one line that overlap (a rule drawn twice) are one rule; with `touching`, also strokes that
    only meet (a border drawn cell by cell). Cmidrules side by side stay apart unless `touching`."""
    out: list[Rule] = []
    slack = 2.0 if touching else -0.5
    for r in sorted(rules, key=lambda r: (round(r.y), r.x0)):
        if out and abs(out[-1].y - r.y) < 1.5 and r.x0 <= out[-1].x1 + slack and out[-1].x0 <= r.x1 + slack:
            out[-1] = Rule(min(out[-1].x0, r.x0), max(out[-1].x1, r.x1), out[-1].y)
        else:
            out.append(r)
    return out


def within(r: Rule, first: Rule) -> bool:
    """A later rule of the same table lies inside the top rule's width (cmidrules are shorter)."""
    return (first.x0 - 5 <= r.x0 and r.x1 <= first.x1 + 5) or (r.x0 - 5 <= first.x0 and first.x1 <= r.x1 + 5)


def same_table(first: Rule, a: Rule, b: Rule, lines: list[Line], page_h: float) -> bool:
    """Rule b continues the table whose first rule is `first` and last so far is `a`: no caption or prose between."""
    short = min(first.x1 - first.x0, b.x1 - b.x0)
    if overlap(first.x0, first.x1, b.x0, b.x1) < 0.5 * short:
        return False
    between = [ln for ln in lines if a.y < ln.mid < b.y and overlap(ln.x0, ln.x1, a.x0, a.x1) > 0]
    if b.y - a.y > 0.6 * page_h and sum(1 for ln in between if is_numeric(ln.text)) < 0.5 * len(between):
        return False            # far apart, and not a page-long body of values between (a long table's page)
    return not any(TABLE_CAPTION.match(ln.text) or FIGURE_CAPTION.match(ln.text) or is_prose(ln, a)
                   for ln in between)


def is_prose(ln: Line, r: Rule) -> bool:
    """A line of running text across the rule's width. A tightly set header row ('Model FooQA BarMath ...', its
    columns closer than a word gap) is no prose: prose has lowercase words."""
    ch = chunks(ln.words)
    lower = sum(1 for w in ln.words if re.fullmatch(r"[a-z][a-z'’-]*[,;:.]?", w.text))
    return len(ch) == 1 and len(ln.words) >= 8 and ln.x1 - ln.x0 > 0.7 * (r.x1 - r.x0) and lower >= 0.3 * len(ln.words)


def segments(lines: list[Line], gap: float = 1.5, gutter: float | None = None) -> list[Line]:
    """Lines cut where a wide gap separates them (two columns on one baseline become two segments), and at the
    page's gutter, when it has one, however narrow the gap there."""
    out = []
    for ln in lines:
        for c in chunks(ln.words, gap):
            cut = next((k for k in range(1, len(c.words)) if c.words[k - 1].x1 <= gutter <= c.words[k].x0
                        and c.words[k].x0 - c.words[k - 1].x1 >= 0.6 * c.words[k].size), None) \
                if gutter is not None else None
            out += [Line(c.words[:cut]), Line(c.words[cut:])] if cut else [Line(c.words)]
    return out


def find_tables(page: Page, lines: list[Line], body: float, gutter: float | None = None) -> list[TableItem]:
    items = []
    segs = segments(lines, gutter=gutter)
    for g in rule_groups(page.rules, segs, page.height):
        top, bottom = g[0].y, g[-1].y
        x0, x1 = min(r.x0 for r in g), max(r.x1 for r in g)
        lo, hi = x0 - 10, x1 + 10
        if gutter is not None:            # a table in one column never reaches across the gutter
            lo, hi = (max(lo, gutter), hi) if x0 >= gutter - 2 else (lo, min(hi, gutter) if x1 <= gutter + 2 else hi)
        bottom = rows_below(lines, top, bottom, lo, hi)
        top = header_above(lines, top, lo, hi)
        words = [w for w in page.words if top < w.mid < bottom and overlap(w.x0, w.x1, lo, hi) > 0]
        words += [w for w in page.turned if top < w.mid < bottom and x0 - 2 < w.x0 and w.x1 < x1 + 2]   # a long
        # turned label may stick out past the rule under its block of rows
        own = [r for r in page.rules if overlap(r.x0, r.x1, x0 - 2, x1 + 2) > 0]
        own = dedupe(own) + [r for r in dedupe(own, touching=True) if r not in dedupe(own)]   # cmidrules, borders
        item = make_item(words, inner(own, top, bottom), one_side(segs, x0, x1, gutter), top, bottom, x0, x1, body)
        if item:
            items.append(item)
    taken = {i for it in items for i in it.used}
    for k, seg in enumerate(segs):
        if TABLE_CAPTION.match(seg.text) and id(seg.words[0]) not in taken:
            item = ruleless_table(segs, k, lines, taken, body)
            if item:
                items.append(item)
                taken |= item.used
    if gutter is None:
        for item in bare_tables(lines, taken, body):
            items.append(item)
            taken |= item.used
    item = headless_top(page, lines, taken, body)
    if item:
        items.append(item)
    return items


def rows_below(lines: list[Line], top: float, bottom: float, lo: float, hi: float) -> float:
    """Where the table really ends: past its last rule, rows set like the ones above it at the same pitch (zebra
    shading with no border: the last row, unshaded, has no edge under it; a web table with a rule under its
    header only: every row)."""
    inside = [ln for ln in lines if top < ln.mid < bottom and lo <= ln.x0 and ln.x1 <= hi]
    if not inside:
        return bottom
    steps = sorted(b.mid - a.mid for a, b in zip(inside, inside[1:]))
    pitch = steps[len(steps) // 2] if len(inside) >= 3 else None
    last, rows = inside[-1], 0
    for ln in (s for s in lines if s.mid > bottom and lo <= s.x0 and s.x1 <= hi):
        reach = 1.3 * pitch if pitch else 2.5 * (ln.bottom - ln.top)
        if (ln.mid - last.mid > reach or len(ln.runs) < max(2, len(last.runs) - 1)
                or not any(is_numeric(c.text) for c in ln.runs[1:])):
            break
        if pitch is None and rows:
            pitch = ln.mid - last.mid          # the pitch of the rows under a header ruled off on its own
        last, bottom, rows = ln, ln.bottom + 0.5, rows + 1
    return bottom


def header_above(lines: list[Line], top: float, lo: float, hi: float) -> float:
    """A bold line of names sitting right on the table's first rule (a web table's header row with a rule under
    it and none above) belongs to the table; a caption or prose above it does not."""
    above = [ln for ln in lines if ln.bottom <= top + 1 and lo <= ln.x0 and ln.x1 <= hi]
    if not above:
        return top
    ln = max(above, key=lambda x: x.bottom)
    if top - ln.bottom > 0.5 * ln.size or not ln.bold or TABLE_CAPTION.match(ln.text) or FIGURE_CAPTION.match(ln.text) \
            or ln.text.rstrip().endswith((".", ":")):
        return top
    return ln.top - 0.5


def row_like(ln: Line) -> bool:
    """A label then two or more values, set apart in runs: one row of a table."""
    runs = ln.runs
    return (len(runs) >= 3 and not is_numeric(runs[0].text)
            and sum(1 for c in runs[1:] if is_numeric(c.text) or c.text in ("-", "–", "—")) >= 2)


def bare_tables(lines: list[Line], taken: set[int], body: float) -> list[TableItem]:
    """Tables with neither rules nor a caption (a web page's plain table): a line of names (in runs, or bold: a
    header row set tight), then three or more rows of a label and values at an even pitch right under it."""
    free = [ln for ln in lines if not any(id(w) in taken for w in ln.words)]
    out, k = [], 0
    while k < len(free) - 3:
        head, rows = free[k], []
        for ln in free[k + 1:]:
            last = rows[-1] if rows else head
            pitch = rows[1].mid - rows[0].mid if len(rows) >= 2 else 2.5 * (ln.bottom - ln.top)
            if not row_like(ln) or ln.mid - last.mid > 1.4 * pitch:
                break
            rows.append(ln)
        if (len(rows) >= 3 and (len(head.runs) >= 2 or head.bold) and len(head.words) >= len(rows[0].runs) - 1
                and not any(is_numeric(c.text) for c in head.runs[1:]) and not TABLE_CAPTION.match(head.text)
                and not head.text.rstrip().endswith((".", ":"))):
            words = [w for ln in [head] + rows for w in ln.words]
            t = rebuild(words, [], 1.0)
            cap, cap_lines = caption_for(lines, head.top, rows[-1].bottom, head.x0, rows[-1].x1, body)
            if t.ok and (cap is not None or not cap_lines):
                used = {id(w) for w in words} | {id(w) for ln in cap_lines for w in ln.words}
                out.append(TableItem(min([head.top] + [ln.top for ln in cap_lines]), min(ln.x0 for ln in rows),
                                     max(ln.x1 for ln in rows), cap, [to_markup(p) for p in [t] + t.more], used))
                k += len(rows) + 1
                continue
        k += 1
    return out


def headless_top(page: Page, lines: list[Line], taken: set[int], body: float) -> TableItem | None:
    """Rows from the top of the page down to a lone rule: the rest of a table begun on the page before, with
    neither header nor top rule repeated (a longtable with an empty head). The text reader joins it to that table."""
    free = [ln for ln in lines if not any(id(w) in taken for w in ln.words)]
    while free and free[0].top < 0.06 * page.height and (len(free) == 1 or free[1].top - free[0].bottom > body):
        free = free[1:]         # a running head set apart above the page's text (rows printed from the page's
                                # very top, as a browser does, are kept)
    rows: list[Line] = []
    for ln in free:
        runs = chunks(ln.words)
        if len(runs) < 2 or not any(is_numeric(c.text) for c in runs[1:]) or any(len(c.words) >= 6 for c in runs) \
                or (rows and ln.top - rows[-1].bottom > 1.5 * body):
            break                       # not a row (prose beside it, as in the other column, is no table)
        rows.append(ln)
    if len(rows) < 3 or rows[0].top > 0.2 * page.height:
        return None
    x0, x1 = min(ln.x0 for ln in rows), max(ln.x1 for ln in rows)
    closing = [r for r in page.rules if 0 <= r.y - rows[-1].bottom < 1.5 * body and overlap(r.x0, r.x1, x0, x1) > 0]
    if not closing:
        return None
    words = [w for ln in rows for w in ln.words]
    t = rebuild(words, [], x1 - x0)
    if not t.ok:
        return None
    return TableItem(rows[0].top, x0, x1, None, [to_markup(p) for p in [t] + t.more], {id(w) for w in words})


def one_side(lines: list[Line], x0: float, x1: float, gutter: float | None) -> list[Line]:
    """A table inside one column of a two-column page takes its caption from that column only."""
    if gutter is None:
        return lines
    if x1 <= gutter + 2:
        return [ln for ln in lines if ln.x1 <= gutter + 2]
    if x0 >= gutter - 2:
        return [ln for ln in lines if ln.x0 >= gutter - 2]
    return lines


def make_item(words: list[Word], rules: list[Rule], lines: list[Line], top: float, bottom: float,
              x0: float, x1: float, body: float) -> TableItem | None:
    cap, cap_lines = caption_for(lines, top, bottom, x0, x1, body)
    if cap is None and cap_lines:         # a figure's caption: these rules draw a figure
        return None
    t = rebuild(words, rules, x1 - x0)
    if not t.ok or (cap is None and sum(1 for r in t.rows for c in r.cells if is_numeric(c)) < 3):
        return None
    used = {id(w) for w in words} | {id(w) for ln in cap_lines for w in ln.words}
    start = min([top] + [ln.top for ln in cap_lines])
    return TableItem(start, x0, x1, cap, [to_markup(p) for p in [t] + t.more], used)


def caption_for(lines: list[Line], top: float, bottom: float, x0: float, x1: float,
                body: float) -> tuple[str | None, list[Line]]:
    """The caption paragraph right above the table (or right below): its text and lines."""
    near = [ln for ln in lines if overlap(ln.x0, ln.x1, x0 - 20, x1 + 20) > 0]
    above = sorted((ln for ln in near if ln.bottom <= top + 1), key=lambda ln: ln.bottom, reverse=True)
    edge = top
    for k, ln in enumerate(above[:15]):          # walk up the paragraph right above the table
        if edge - ln.bottom > (3 if k == 0 else 1) * body:
            break
        if TABLE_CAPTION.match(ln.text) or FIGURE_CAPTION.match(ln.text):
            cap = above[k::-1]
            return caption_text(cap), cap
        edge = ln.top
    below = [ln for ln in near if ln.top >= bottom - 1 and ln.top - bottom < 3 * body]
    if below and (TABLE_CAPTION.match(below[0].text) or FIGURE_CAPTION.match(below[0].text)):
        cap = [below[0]]
        rest = [ln for ln in near if ln.top > below[0].top]
        for ln in rest:
            if ln.top - cap[-1].bottom > 0.6 * body or not 0.8 < ln.size / cap[0].size < 1.25:
                break
            cap.append(ln)
        return caption_text(cap), cap
    return None, []


def caption_text(cap: list[Line]) -> str | None:
    text = ""
    for ln in cap:        # '3-' at a line's end + 'shot' is '3-shot'
        text = text + ln.text if re.search(r"\d-$", text) else f"{text} {ln.text}".strip()
    return text if TABLE_CAPTION.match(text) else None


def ruleless_table(segs: list[Line], k: int, lines: list[Line], taken: set[int],
                   body: float) -> TableItem | None:
    """A caption with no rules around: the aligned rows right under its paragraph form the table."""
    cap = [segs[k]]
    for seg in segs[k + 1:]:
        if overlap(seg.x0, seg.x1, cap[0].x0, cap[0].x1 + 50) <= 0:
            continue
        if seg.top - cap[-1].bottom >= 0.6 * body or seg.size < 0.8 * cap[0].size:
            break
        cap.append(seg)
    j = next((i for i, ln in enumerate(lines) if ln.top > cap[-1].bottom), len(lines))
    rows = []
    while j < len(lines) and id(lines[j].words[0]) not in taken and len(chunks(lines[j].words)) >= 2:
        if rows and lines[j].top - rows[-1].bottom > 2.5 * body:
            break
        rows.append(lines[j])
        j += 1
    if len(rows) < 3:
        return None
    words = [w for ln in rows for w in ln.words]
    t = rebuild(words, [], 1.0)
    if not t.ok:
        return None
    used = {id(w) for w in words} | {id(w) for ln in cap for w in ln.words}
    return TableItem(cap[0].top, min(ln.x0 for ln in rows), max(ln.x1 for ln in rows), caption_text(cap),
                     [to_markup(p) for p in [t] + t.more], used)
