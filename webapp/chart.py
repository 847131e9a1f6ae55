"""The comparison behind an answer: one bar per compared model, sorted, as an inline SVG that follows the page's
colours. Pure functions over an Answer; no plotting library."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape

from assistant.answer import Answer

MAX_BARS = 20
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
BAR_H, GAP, LABEL_W, VALUE_W, PLOT_W, TOP = 22, 6, 210, 52, 420, 46


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


def svg(chart: Comparison) -> str:
    """Horizontal bars, best on top, each labelled with its value; the axis start is printed when it is not 0."""
    shown = chart.shown
    lo, hi = axis([p.value for p in shown])
    span = (hi - lo) or 1.0
    height = TOP + len(shown) * (BAR_H + GAP) + 22
    width = LABEL_W + PLOT_W + VALUE_W
    parts = [f'<svg class="answer-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg" aria-label="{escape(chart.title)}">',
             f'<text x="0" y="16" class="chart-title">{escape(chart.title)}</text>',
             f'<text x="0" y="34" class="chart-sub">{escape(chart.subtitle)}</text>']
    top_value = shown[0].value
    for i, p in enumerate(shown):
        y = TOP + i * (BAR_H + GAP)
        w = max(2.0, (p.value - lo) / span * PLOT_W)
        cls = "bar top" if p.value == top_value else "bar"
        name = p.label if len(p.label) <= 30 else p.label[:29] + "…"
        parts.append(f'<g><title>{escape(p.label)}: {p.text}</title>'
                     f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end" class="chart-label">{escape(name)}</text>'
                     f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H}" rx="3" class="{cls}"/>'
                     f'<text x="{LABEL_W + w + 6:.1f}" y="{y + 15}" class="chart-value">{p.text}</text></g>')
    axis_y = TOP + len(shown) * (BAR_H + GAP) + 14
    parts.append(f'<text x="{LABEL_W}" y="{axis_y}" class="chart-axis">axis from {lo:g}</text>'
                 f'<text x="{LABEL_W + PLOT_W}" y="{axis_y}" text-anchor="end" class="chart-axis">{hi:g}</text>')
    parts.append("</svg>")
    return "".join(parts)
