"""Rows -> the answer's words: every number with its model variant, benchmark, setting and source."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from index import order

from .answer import Source
from .catalog import Catalog
from .query import conflicts, group_values, shots
from .words import leaf_section

NUM_TEXT = re.compile(r"^[-−]?\d+(?:,\d{3})*(?:\.\d+)?\s*(%|[BKMT])?$")


@dataclass
class Draft:
    lines: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    ambiguities: list[str] = field(default_factory=list)
    chart: list[dict] = field(default_factory=list)
    seen: set = field(default_factory=set)          # (paper_id, table, quote) of the sources listed

    def source(self, r: dict) -> str:
        s = Source(paper=r["paper_title"], paper_id=r["paper_id"], table=table_name(r), caption=r.get("caption"),
                   page=r.get("page"), section=r.get("section"), quote=r.get("raw_cell"))
        if (s.paper_id, s.table, s.quote) not in self.seen:
            self.seen.add((s.paper_id, s.table, s.quote))
            self.sources.append(s)
        return cite(r)


def table_name(r: dict) -> str:
    if r.get("source_kind") == "text":
        return "the text" + (f" ({leaf_section(r['section'])})" if r.get("section") else "")
    return f"Table {r['table_no']}" if r.get("table_no") else f"the “{r.get('table_id')}” table"


def short_paper(r: dict) -> str:
    """'Quill: A Family of ...' -> 'Quill'; short titles stay whole."""
    title = r["paper_title"]
    head = title.split(":")[0].strip()
    if len(title) <= 40:
        return title
    return head if 3 <= len(head) <= 40 else title[:37].rsplit(" ", 1)[0] + "…"


def cite(r: dict) -> str:
    if r.get("source_kind") == "text":
        where = f" ({leaf_section(r['section'])})" if r.get("section") else ""
        page = f", p. {r['page']}" if r.get("page") else ""
        quote = " ".join((r.get("raw_cell") or "").split())
        quote = quote if len(quote) <= 220 else quote[:217].rsplit(" ", 1)[0] + " …"
        return f"*{short_paper(r)}* ({r['kind']}), stated in the text{where}{page}: “{quote}”"
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


SPREAD = re.compile(r"(?:±|\+/-|\+-)\s*(\d+(?:\.\d+)?)")


def spread_text(r: dict) -> str:
    """' (± 0.4)': the spread a cell prints after its value (a standard deviation over seeds, as the table says)."""
    m = SPREAD.search(r.get("raw_cell") or "")
    return f" (± {m.group(1)})" if m else ""


def yes_no(plan, first: dict, second: dict) -> str:
    """'Yes — ' / 'No — ' when the question asserted an order of two models ('Did A beat B?') and `first` is the
    row ahead (`second` behind, or tied); '' when it asserted none."""
    order = getattr(plan, "claim_order", None)
    if not order or not plan.models:
        return ""
    named_first = first["model_id"] in plan.models[0].ids
    ahead = first["value"] != second["value"] and named_first
    if first["value"] == second["value"]:
        return "No (a tie) — "
    return "Yes — " if ahead == (order == "gt") else "No — "


EVERY = re.compile(r"\b(?:every|all|each|always|across the board)\b", re.I)


LOWER_BETTER = re.compile(order.LOWER_BETTER, re.I)         # the index's rule, which rankings use too


def better_first(r: dict) -> float:
    """A sort key that puts the better value first: the lower one when the table's caption says lower is better."""
    return r["value"] if LOWER_BETTER.search(r.get("caption") or "") else -r["value"]


def ahead(a: dict, b: dict) -> int:
    """0 when a is better than b, 1 when b is, 2 on a tie (lower is better where the caption says so)."""
    return 2 if a["value"] == b["value"] else 0 if better_first(a) < better_first(b) else 1


def tally_line(plan, wins: dict[int, list[str]], both: int) -> str:
    """'Of the 5 benchmarks with scores for both, A is ahead on 4 and B on 1 (TriviaQA).': the benchmarks named
    when a side has only a few."""
    def on(bids: list[str]) -> str:
        return f" ({', '.join(bids)})" if 0 < len(bids) <= 3 else ""
    ties = f", {len(wins[2])} tied{on(wins[2])}" if wins[2] else ""
    return (f"Of the {both} benchmarks with scores for both, **{plan.models[0].text}** is ahead on **{len(wins[0])}**"
            f"{on(wins[0])} and **{plan.models[1].text}** on **{len(wins[1])}**{on(wins[1])}{ties}.")


def tally_verdict(plan, wins: int, losses: int, both: int) -> str:
    """'Yes — ' / 'No — ' for 'Is A better than B on most (every) benchmark(s)?': the first model is ahead on more than
    half of the benchmarks both report (on all of them, when the question says every/all); '' when no order asserted."""
    order = getattr(plan, "claim_order", None)
    if not order or not both:
        return ""
    ahead, behind = (wins, losses) if order == "gt" else (losses, wins)
    need = both if EVERY.search(plan.question or "") else both // 2 + 1
    return "Yes — " if ahead >= need else "No — "


def past_bar(plan, bar: dict) -> str:
    """'Which models beat (does X beat) X on Y?' when none does: said, with X's score and its source."""
    side = "at" if plan.tie else "below" if plan.below else "above"
    return (f"No other model here scores {side} **{plan.reference.text}** on {bar['benchmark_id']} "
            f"({value_text(bar)}).")


def tie_line(plan, rows: list[dict], cat: Catalog) -> str:
    """'Which model ties with X on Y?': the other models at exactly X's score, or that none is."""
    others = list(dict.fromkeys(r["model_id"] for r in rows if r["model_id"] not in plan.reference.ids))
    on = " / ".join(dict.fromkeys(r["benchmark_id"] for r in rows))
    if not others:
        return f"No other model ties with **{plan.reference.text}** on {on} ({plan.value_min:g})."
    return f"Level with **{plan.reference.text}** on {on} ({plan.value_min:g}): " + \
        ", ".join(model_label(m, cat) for m in others) + "."


CHANGE_COLUMN = re.compile(r"\b(?:delta|diff\w*|change|gain|improvement|drop)\b|Δ|\+/-", re.I)


def setting_change(every: list[dict], picked: list[dict], cat: Catalog) -> str:
    """One model, one benchmark, one setting asked ('on the non-contaminated set'), and a difference asked: the
    same table's change column for that model (a 'Delta'), else the difference from the same table's other setting."""
    if len({(r["model_id"], r["benchmark_id"]) for r in picked}) != 1:
        return ""
    p = picked[0]
    same = [r for r in every if (r["paper_id"], r["table_id"], r["model_id"], r["benchmark_id"]) ==
            (p["paper_id"], p["table_id"], p["model_id"], p["benchmark_id"]) and r.get("setting") != p.get("setting")]
    delta = next((r for r in same if CHANGE_COLUMN.search(r.get("setting") or "")), None)
    who = f"{model_label(p['model_id'], cat)}'s {p['benchmark_id']}"
    if delta:
        return f"{who} changes by **{value_text(delta)}** points ({p.get('setting')}: the table's “{delta['setting']}” column)."
    other = next((r for r in same if r.get("setting") and not CHANGE_COLUMN.search(r["setting"])), None)
    if not other:
        return ""
    gap = round(p["value"] - other["value"], decimals(p, other))
    return (f"{who} is **{gap:+g}** points {p.get('setting')} against {other['setting']} "
            f"({value_text(p)} vs {value_text(other)}).")


def ratio_line(a: dict, b: dict, who_a: str, who_b: str) -> str:
    """'The ratio of A's X to its Y': a / b, to three decimals, with both values."""
    if not b["value"]:
        return f"{who_b[:1].upper() + who_b[1:]} is 0, so there is no ratio."
    return (f"Ratio of {who_a} to {who_b}: {value_text(a)} / {value_text(b)} = **{a['value'] / b['value']:.3f}** "
            f"(×{a['value'] / b['value']:.2f}).")


def relative_lines(d: Draft, plan, rows: list[dict], cat: Catalog) -> None:
    """'Zed-7B reaches 91.5% of Quux-3's accuracy on FixBench': a paper's own statement relating one compared model to
    the other (the reference model in row_header, the benchmark in col_header), on the asked benchmark."""
    from index.names import key
    if len(plan.models) != 2:
        return
    a, b = plan.models
    refs = {m.text: {key(m.text)} | {key(i) for i in m.ids} for m in (a, b)}
    benches = {key(x) for m in plan.benchmarks for x in [m.text, *m.ids]}
    for r in rows:
        ref = key(r.get("row_header") or "")
        if not ((r["model_id"] in a.ids and ref in refs[b.text]) or (r["model_id"] in b.ids and ref in refs[a.text])):
            continue
        if benches and key(r.get("col_header") or "") not in benches:
            continue
        r = dict(r, source_kind="text" if r.get("table_id") == "Text" else r.get("source_kind"))
        d.lines.append(f"- {model_label(r['model_id'], cat)} reaches **{r['value_text']}** — {d.source(r)}")


def model_label(mid: str, cat: Catalog) -> str:
    variant = (cat.models.get(mid) or {}).get("variant")
    suffix = f" ({variant})" if variant == "base" and "base" not in mid.lower() else ""
    return f"**{mid}**{suffix}"


def setting_label(r: dict) -> str:
    bits = [b for b in (r.get("setting"), r.get("metric")) if b]
    return f" ({'; '.join(bits)})" if bits else ""


def value_lines(d: Draft, rows: list[dict], cat: Catalog, precedence_notes: dict[str, str]) -> None:
    """One line per (model, benchmark, setting): the value and every source that prints it; conflicts said."""
    for (mid, bid, *_), group in group_values(rows).items():
        first = group[0]
        by_value: dict[float, list[dict]] = {}
        for r in group:
            by_value.setdefault(r["value"], []).append(r)
        head = f"{model_label(mid, cat)} scores **{value_text(first)}**{spread_text(first)} on {bid}{setting_label(first)}"
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
    missing_setting(d, plan, rows)
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


METRIC_SHAPED = re.compile(r"(?<![\w-])(?:R-[12L]|ROUGE-[12L]|pass@\d+|EM|F1|BLEU|maj@\d+|avg@\d+)(?![\w-])", re.I)


def missing_setting(d: Draft, plan, rows: list[dict]) -> None:
    """'Foo-7B's 5-shot BarQA' when no row found is run with 5 shots (its setting, group, metric or caption): say so
    first, then show what the papers do report, rather than pass another setting's score off as the one asked."""
    want = {w for w in getattr(plan, "setting_words", ()) if re.fullmatch(r"\d+-shot", w)}
    metric = {m.lower() for m in METRIC_SHAPED.findall(getattr(plan, "asked", "") or "")}
    if not (want or metric) or not rows:
        return
    have: set[str] = set()
    for r in rows:
        text = " ".join(str(r.get(k) or "") for k in ("setting", "grp", "metric", "caption", "benchmark_raw"))
        have |= shots(text) | {m.lower() for m in METRIC_SHAPED.findall(text)}
    want = want if want and not want & have else metric - have if metric and not metric & have else set()
    if want:
        said = {m.lower(): m for m in METRIC_SHAPED.findall(getattr(plan, "asked", "") or "")}
        asked = " / ".join(said.get(w, w) for w in sorted(want))
        on = " / ".join(dict.fromkeys(r["benchmark_id"] for r in rows))
        who = " / ".join(dict.fromkeys(r["model_id"] for r in rows))
        d.lines.insert(0, f"The {asked} {on} score is not reported for {who}; the papers give it in another (or no "
                          f"stated) setting:")


def rank_lines(d: Draft, rows: list[dict], k: int, descending: bool, cat: Catalog) -> None:
    """The leader(s) in a sentence, then the ranking as a table (rank, model, value, source): ties share a rank,
    at most RANK_ROWS rows, said as 'top N of M'."""
    best: dict[str, dict] = {}
    for r in rows:
        cur = best.get(r["model_id"])
        if cur is None or row_order(r) < row_order(cur):
            best[r["model_id"]] = r
    ordered = sorted(best.values(), key=lambda r: r["value"], reverse=descending)
    top = ordered[:max(k, 1)]
    while len(top) < len(ordered) and ordered[len(top)]["value"] == top[-1]["value"]:
        top.append(ordered[len(top)])              # a tie at the cut is named, not dropped
    places = rank_places(ordered)
    lead = [r for r in ordered if places[r["model_id"]] == 1]
    word = "highest" if descending else "lowest"
    names = [model_label(r["model_id"], cat) for r in lead[:MAX_NAMED]]
    if len(lead) > MAX_NAMED:                      # a long tie is named in part: answers stay short at any size
        names.append(f"{len(lead) - MAX_NAMED} more")
    who = " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]
    sources = list(dict.fromkeys(d.source(r) if i < MAX_NAMED else cite(r) for i, r in enumerate(lead)))
    where = "; ".join(sources[:MAX_NAMED_SOURCES]) + (f"; and {len(sources) - MAX_NAMED_SOURCES} more sources"
                                                       if len(sources) > MAX_NAMED_SOURCES else "")
    verb = f"tie for the {word}" if len(lead) > 1 else f"has the {word}"
    tie = f" ({len(lead)}-way tie)" if len(lead) > 1 else ""
    r = lead[0]
    d.lines.append(f"{who} {verb} {r['benchmark_id']}{setting_label(r)} score: **{value_text(r)}**{tie} — {where}.")
    shown = top if k > 1 else ordered[:RANK_ROWS]
    while len(shown) < min(len(ordered), MAX_TABLE_ROWS) and ordered[len(shown)]["value"] == shown[-1]["value"]:
        shown = ordered[:len(shown) + 1]           # a tie at the cut is shown whole (up to MAX_TABLE_ROWS)
    shown = shown[:MAX_TABLE_ROWS]
    compared = max(len(ordered), max((r.get("compared") or 0) for r in rows))
    if len(shown) > 1:
        d.lines.append("")
        d.lines.append(f"Top {len(shown)} of {compared} models compared:" if compared > len(shown)
                       else f"All {len(shown)} models ranked:")
        d.lines.append("")
        d.lines.append("| Rank | Model | Score | Source |")
        d.lines.append("|---:|---|---:|---|")
        sharing = Counter(places[x["model_id"]] for x in ordered)
        for r in shown:
            mark = "=" if sharing[places[r["model_id"]]] > 1 else ""
            d.lines.append(f"| {places[r['model_id']]}{mark} | {model_label(r['model_id'], cat).replace('**', '')} | "
                           f"{value_text(r)} | "
                           f"{d.source(r).replace('|', '/')} |")
        ties = [[x for x in shown if places[x["model_id"]] == p] for p in sorted({places[x["model_id"]] for x in shown})]
        d.lines += [f"\nTie at rank {places[g[0]['model_id']]}: "
                    f"{' and '.join([x['model_id'] for x in g[:MAX_NAMED]] + ([f'{len(g) - MAX_NAMED} more'] if len(g) > MAX_NAMED else []))} "
                    f"({value_text(g[0])})." for g in ties if len(g) > 1 and places[g[0]["model_id"]] > 1]
    d.chart += [{"label": r["model_id"], "value": r["value"]} for r in ordered]


RANK_ROWS = 10
MAX_NAMED = 10            # models named in one tie; the rest are counted
MAX_NAMED_SOURCES = 3     # sources cited for a tie; the rest are counted (every row is in the table and the CSV)
MAX_TABLE_ROWS = 30       # rows of a ranking table, even when a tie runs past the top places


def row_order(r: dict) -> tuple:
    """Which of a model's rows a ranking shows: the paper that takes precedence, a table before the text, the
    more specific setting."""
    return (r["precedence"], r.get("source_kind") == "text", -len(r.get("setting") or ""))


def rank_places(ordered: list[dict]) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4): equal values share a place."""
    places: dict[str, int] = {}
    for i, r in enumerate(ordered):
        prev = ordered[i - 1] if i else None
        places[r["model_id"]] = places[prev["model_id"]] if prev and prev["value"] == r["value"] else i + 1
    return places


def decimals(*rows: dict) -> int:
    return max((len(value_text(r).split(".")[1].rstrip("%BKMT")) if "." in value_text(r) else 0) for r in rows)
