"""Rows -> the answer's words: every number with its model variant, benchmark, setting and source."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .answer import Source
from .catalog import Catalog
from .query import conflicts, group_values

NUM_TEXT = re.compile(r"^[-−]?\d+(?:,\d{3})*(?:\.\d+)?\s*(%|[BKMT])?$")


@dataclass
class Draft:
    lines: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    ambiguities: list[str] = field(default_factory=list)
    chart: list[dict] = field(default_factory=list)

    def source(self, r: dict) -> str:
        s = Source(paper=r["paper_title"], paper_id=r["paper_id"], table=table_name(r), caption=r.get("caption"),
                   page=r.get("page"), section=r.get("section"), quote=r.get("raw_cell"))
        if not any((x.paper_id, x.table, x.quote) == (s.paper_id, s.table, s.quote) for x in self.sources):
            self.sources.append(s)
        return cite(r)


def table_name(r: dict) -> str:
    return f"Table {r['table_no']}" if r.get("table_no") else f"the “{r.get('table_id')}” table"


def short_paper(r: dict) -> str:
    """'ChatGLM: A Family of ...' -> 'ChatGLM'; short titles stay whole."""
    title = r["paper_title"]
    head = title.split(":")[0].strip()
    if len(title) <= 40:
        return title
    return head if 3 <= len(head) <= 40 else title[:37].rsplit(" ", 1)[0] + "…"


def cite(r: dict) -> str:
    page = f", p. {r['page']}" if r.get("page") else ""
    return f"*{short_paper(r)}* ({r['kind']}), {table_name(r)}{page}"


def value_text(r: dict) -> str:
    raw = (r.get("raw_cell") or "").replace("*", "").strip()
    if NUM_TEXT.match(raw):
        return raw
    v = r["value"]
    text = f"{v:.10g}"
    unit = r.get("unit") or ""
    return text + (unit if unit in ("%", "B", "K", "M", "T") else "")


def model_label(mid: str, cat: Catalog) -> str:
    variant = (cat.models.get(mid) or {}).get("variant")
    suffix = f" ({variant})" if variant == "base" and "base" not in mid.lower() else ""
    return f"**{mid}**{suffix}"


def setting_label(r: dict) -> str:
    bits = [b for b in (r.get("setting"), r.get("metric")) if b]
    return f" ({'; '.join(bits)})" if bits else ""


def value_lines(d: Draft, rows: list[dict], cat: Catalog, precedence_notes: dict[str, str]) -> None:
    """One line per (model, benchmark, setting): the value and every source that prints it; conflicts said."""
    for (mid, bid, _), group in group_values(rows).items():
        first = group[0]
        by_value: dict[float, list[dict]] = {}
        for r in group:
            by_value.setdefault(r["value"], []).append(r)
        head = f"{model_label(mid, cat)} scores **{value_text(first)}** on {bid}{setting_label(first)}"
        also = [d.source(r) for r in by_value[first["value"]]]
        d.lines.append(f"- {head} — {'; '.join(dict.fromkeys(also))}.")
        d.chart.append({"label": f"{mid} · {bid}{setting_label(first)}", "value": first["value"]})
        if conflicts(group):
            d.lines.append(conflict_line(d, group, by_value, mid, bid, precedence_notes))


def conflict_line(d: Draft, group, by_value, mid, bid, notes) -> str:
    first = group[0]
    others = [rs[0] for v, rs in by_value.items() if v != first["value"]]
    said = "; ".join(f"**{value_text(r)}** in the {r['kind']} ({d.source(r)})" for r in others)
    note_row = next((r for r in group if notes.get(r["paper_id"])), None)
    if note_row:
        why = f"The {note_row['kind']} says: “{notes[note_row['paper_id']]}”, so **{value_text(first)}** is the figure to use."
    elif first["precedence"] < min(r["precedence"] for r in others):
        why = f"A {first['kind']} takes precedence over a {others[0]['kind']}, so **{value_text(first)}** is shown first."
    else:
        why = "The papers do not say which one to prefer."
    text = f"Sources disagree on {mid} {bid}: **{value_text(first)}** in the {first['kind']} vs {said}. {why}"
    d.conflicts.append(re.sub(r"\*+", "", text))
    return f"  - ⚠️ {text}"


def ambiguity_notes(d: Draft, plan, rows: list[dict], cat: Catalog) -> None:
    for m in plan.models:
        shown = sorted({r["model_id"] for r in rows if r["model_id"] in m.ids})
        if m.note:
            d.ambiguities.append(m.note)
        if len(shown) > 1:
            d.ambiguities.append(f"“{m.text}” names {len(shown)} models here ({', '.join(shown)}); each is shown "
                                 f"with its own score.")
        if not shown and rows:
            what = " / ".join(plan.bench_ids) or "these benchmarks"
            d.ambiguities.append(f"The papers report no {what} score for {m.text} ({', '.join(m.ids[:6])}).")


def rank_lines(d: Draft, rows: list[dict], k: int, descending: bool, cat: Catalog) -> None:
    best: dict[str, dict] = {}
    for r in rows:
        cur = best.get(r["model_id"])
        if cur is None or (r["precedence"], -len(r.get("setting") or "")) < (cur["precedence"],
                                                                            -len(cur.get("setting") or "")):
            best[r["model_id"]] = r
    ordered = sorted(best.values(), key=lambda r: r["value"], reverse=descending)
    top = ordered[:max(k, 1)]
    while len(top) < len(ordered) and ordered[len(top)]["value"] == top[-1]["value"]:
        top.append(ordered[len(top)])              # a tie at the cut is named, not dropped
    word = "highest" if descending else "lowest"
    groups: list[list[dict]] = []
    for r in top:
        if groups and groups[-1][0]["value"] == r["value"]:
            groups[-1].append(r)
        else:
            groups.append([r])
    place = 1
    for g in groups:
        prefix = f"{place}. " if k > 1 else ""
        which = word if place == 1 else "next"
        who = " and ".join(model_label(r["model_id"], cat) for r in g)
        where = "; ".join(dict.fromkeys(d.source(r) for r in g))
        verb = f"tie for the {which}" if len(g) > 1 else f"has the {which}"
        tie = f" ({len(g)}-way tie)" if len(g) > 1 else ""
        r = g[0]
        d.lines.append(f"{prefix}{who} {verb} {r['benchmark_id']}{setting_label(r)} score: **{value_text(r)}**{tie}"
                       f" — {where}.")
        place += len(g)
    rest = ordered[len(top):len(top) + 5]
    compared = max(len(ordered), max((r.get("compared") or 0) for r in rows))
    if rest:
        d.lines.append("Next: " + ", ".join(f"{r['model_id']} {value_text(r)}" for r in rest) +
                       (f" ({compared} models compared)." if compared > len(top) + 5 else "."))
    d.chart += [{"label": r["model_id"], "value": r["value"]} for r in ordered]


def decimals(*rows: dict) -> int:
    return max((len(value_text(r).split(".")[1].rstrip("%BKMT")) if "." in value_text(r) else 0) for r in rows)
