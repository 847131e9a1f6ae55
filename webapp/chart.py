"""The comparison behind an answer: one bar per compared model, sorted, as a small HTML bar chart that follows the
page's colours and width. Pure functions over an Answer; no plotting library."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape

from assistant.answer import Answer

MAX_BARS = 20
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    row: dict

    @property
    def text(self) -> str:
        """The value as the paper printed it (86.0 stays 86.0) when the raw cell holds it, else compact."""
        for number in NUMBER.findall(str(self.row.get("raw_cell") or "")):
            if float(number) == self.value:
                return number
        return f"{self.value:g}"


@dataclass(frozen=True)
class Comparison:
    points: list[Point]          # sorted by value, best first; all of them
    benchmarks: list[str]
    settings: list[str]
    unit: str

    @property
    def title(self) -> str:
        names = ", ".join(self.benchmarks[:3]) + (f" and {len(self.benchmarks) - 3} more" if len(self.benchmarks) > 3 else "")
        setting = f" ({self.settings[0]})" if len(self.settings) == 1 and self.settings[0] else ""
        return f"{names or 'Scores'}{setting}"

    @property
    def shown(self) -> list[Point]:
        return self.points[:MAX_BARS]

    @property
    def subtitle(self) -> str:
        n = len(self.points)
        count = f"top {MAX_BARS} of {n} scores" if n > MAX_BARS else f"all {n} scores"
        return f"{count}, highest first{f' · {self.unit}' if self.unit else ''}"

    def ties(self) -> list[list[Point]]:
        """Groups of two or more points sharing a value, best first."""
        groups: dict[float, list[Point]] = {}
        for p in self.points:
            groups.setdefault(round(p.value, 6), []).append(p)
        return [g for g in groups.values() if len(g) > 1]


def comparison(answer: Answer) -> Comparison | None:
    """The answer's scores, one per (model, benchmark, setting), most trusted source first; None below two."""
    rows = [r for r in answer.rows if r.get("model_id") and _number(r.get("value")) is not None]
    if not rows:
        return _from_chart(answer)
    best: dict[tuple, dict] = {}
    for r in sorted(rows, key=lambda r: r.get("precedence") if isinstance(r.get("precedence"), int) else 9):
        best.setdefault((r["model_id"], r.get("benchmark_id"), r.get("setting")), r)
    items = list(best.values())
    if len(items) < 2:
        return None
    benchmarks = list(dict.fromkeys(str(r.get("benchmark_id") or "") for r in items if r.get("benchmark_id")))
    settings = list(dict.fromkeys(r.get("setting") or "" for r in items))
    per_model = len(benchmarks) <= 1 and len(settings) <= 1
    points = [Point(_label(r, per_model), float(r["value"]), r) for r in items]
    units = {r.get("unit") for r in items if r.get("unit")}
    return Comparison(sorted(points, key=lambda p: -p.value), benchmarks, settings,
                      units.pop() if len(units) == 1 else "")


def _from_chart(answer: Answer) -> Comparison | None:
    points = [Point(str(p.get("label")), float(p["value"]), {}) for p in answer.chart
              if isinstance(p, dict) and _number(p.get("value")) is not None]
    if len(points) < 2:
        return None
    return Comparison(sorted(points, key=lambda p: -p.value), [], [], "")


def _number(v: object) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def _label(row: dict, per_model: bool) -> str:
    if per_model:
        return row["model_id"]
    extra = " · ".join(x for x in (row.get("benchmark_id"), row.get("setting")) if x)
    return f"{row['model_id']} · {extra}" if extra else row["model_id"]


def axis(values: list[float]) -> tuple[float, float]:
    """An axis that shows the differences: from a round number below the lowest value, not from zero, unless
    the values already span most of the way to zero."""
    lo, hi = min(values), max(values)
    if hi <= 0 or lo <= 0:
        return min(lo, 0.0), max(hi, 0.0) or 1.0
    spread = hi - lo
    if lo < 0.4 * hi:
        return 0.0, hi
    pad = max(spread * 0.25, hi * 0.01)
    step = 10 ** math.floor(math.log10(max(pad, 1e-9)))
    start = math.floor((lo - pad) / step) * step
    return max(start, 0.0), hi


def html(chart: Comparison) -> str:
    """Horizontal bars, best on top, each labelled with its value, laid out by CSS so that labels stay readable
    at any width; the axis start is printed, since it is often not 0."""
    shown = chart.shown
    lo, hi = axis([p.value for p in shown])
    span = (hi - lo) or 1.0
    top_value = shown[0].value
    rows = []
    for p in shown:
        width = max(1.0, (p.value - lo) / span * 100)
        bar = "bar top" if p.value == top_value else "bar"
        rows.append(f'<div class="chart-row"><span class="chart-label" title="{escape(p.label)}">{escape(p.label)}</span>'
                    f'<span class="chart-track"><span class="{bar}" style="width:{width:.1f}%"></span></span>'
                    f'<span class="chart-value">{escape(p.text)}</span></div>')
    return (f'<figure class="answer-chart" role="img" aria-label="{escape(chart.title)}: {escape(chart.subtitle)}">'
            f'<figcaption><span class="chart-title">{escape(chart.title)}</span>'
            f'<span class="chart-sub">{escape(chart.subtitle)}</span></figcaption>{"".join(rows)}'
            f'<div class="chart-axis"><span>axis from {lo:g}</span><span>{hi:g}</span></div></figure>')
