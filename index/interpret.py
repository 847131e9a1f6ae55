"""A grid plus its context (caption, note, section) into normalised records: scores, facts, claims.

The steps: find header rows and label columns, fill spanned header labels, decide which axis holds
models, decide whether the other axis holds benchmarks or categories of one benchmark, then emit
one record per reported value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import names, qualifiers
from .document import Table
from .grid import MISSING, Cell, Grid, parse_number, split_values
from .headers import (AGGREGATE, SHOTS_HEAD, b_of, sized_model, BENCH_CORNER, MODEL_CORNER, RANK_HEAD, benchmark_fraction, column_heads, header_rows, is_value, label_columns,
                      looks_like_benchmark, model_fraction, nameable)
from .labels import (GENERIC_VALUE, METRIC_HEAD, METRIC_NAME, NAME_SHAPED, caption_subject, fact_label, implied_variant,
                     metric_suffix, ordinary_label, settle_qualifiers, split_labels, split_metric, split_parts)


@dataclass
class Context:
    paper_id: str
    table_id: str
    table: Table

    @property
    def caption_text(self) -> str:
        return " ".join(x for x in (self.table.caption, self.table.note) if x)


@dataclass
class Records:
    scores: list[dict] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    models: dict[str, names.ModelName] = field(default_factory=dict)
    model_aliases: set[tuple[str, str]] = field(default_factory=set)
    benchmarks: dict[str, names.Benchmark] = field(default_factory=dict)
    benchmark_aliases: set[tuple[str, str]] = field(default_factory=set)
    orientation: str = "none"


def interpret(g: Grid, ctx: Context) -> Records:
    if is_claims_table(g):
        return claims_records(g, ctx)
    return TableReader(g, ctx).read()


def is_claims_table(g: Grid) -> bool:
    head = [c.text.lower() for c in g.rows[0]]
    return any(x.startswith("claim") for x in head) and any("verif" in x for x in head)


def claims_records(g: Grid, ctx: Context) -> Records:
    head = [c.text.lower() for c in g.rows[0]]
    ic = next(i for i, x in enumerate(head) if x.startswith("claim"))
    iv = next(i for i, x in enumerate(head) if "verif" in x)
    conf = next((i for i, x in enumerate(head) if "confid" in x), None)
    rec = Records(orientation="claims")
    for k, row in enumerate(g.rows[1:], 1):
        mark = row[iv].text
        value = parse_number(row[conf].text) if conf is not None else None
        rec.claims.append(dict(claim_id=k, paper_id=ctx.paper_id, table_id=ctx.table_id, claim=row[ic].text,
                               mark=mark, verified=mark.strip() in ("✓", "✔", "yes", "Yes", "true", "True", "Y"),
                               confidence=value[0] if value else None))
    return rec


DIFF_ROW = re.compile(r"^(?:[Δ∆+±]|(?:improvement|gain|delta|diff(?:erence)?|relative)\b)", re.I)   # not a model
OURS = re.compile(r"^(?:ours|our model|proposed|this work)$", re.I)


class TableReader:
    def __init__(self, g: Grid, ctx: Context):
        self.g, self.ctx, self.t = g, ctx, ctx.table
        self.h = header_rows(g)
        self.lc = label_columns(g, self.h)
        self.heads = column_heads(g, self.h, self.lc)
        self.rec = Records()
        self.implied = implied_variant(self.t)
        self.resolved: dict[tuple[str, bool], tuple[str, str | None, list[str]]] = {}
        self.forced = False     # the model axis was inferred from a benchmark axis, so any name is a model
        self.models: dict[tuple[str, bool], tuple[str, str | None] | None] = {}     # one parse per model label

    def row_labels(self) -> list[tuple[int, list[str], str | None]]:
        """(row index, label texts, group) for each data row; group rows set the group."""
        out, group, prev = [], None, [""] * self.lc
        for r in range(self.h, len(self.g.rows)):
            row = self.g.rows[r]
            filled = [c.text for c in row if c.text and not c.copy]
            if len(filled) == 1 and not any(is_value(c) for c in row[self.lc:] if c.text):
                group = filled[0]
                continue
            labels = [row[c].text for c in range(self.lc)]
            for c in range(self.lc - 1):
                labels[c] = labels[c] or prev[c]
            prev = labels
            out.append((r, labels, group))
        return out

    def read(self) -> Records:
        rows = self.row_labels()
        col_levels = list(zip(*self.heads)) if self.heads else []
        col_model = [model_fraction(list(level)) for level in col_levels]
        row_model = [model_fraction([labels[c] for _, labels, _ in rows]) for c in range(self.lc)]
        best_col = max(range(len(col_model)), key=lambda i: col_model[i], default=None)
        best_row = max(range(len(row_model)), key=lambda i: row_model[i], default=None)
        corner = self.g.rows[0][0].text.lower()
        cm = col_model[best_col] if best_col is not None else 0
        rm = row_model[best_row] if best_row is not None else 0
        head = self.label_head(0).strip()     # 'Model' or 'Benchmark' over the labels says what they are
        model_rows = bool(MODEL_CORNER.match(head)) and cm < 0.5      # ('Model | FooLM | BarLM' names a header row)
        bench_rows = bool(BENCH_CORNER.match(head)) and rm < 0.5
        if cm >= 0.5 and (cm > rm or (cm == rm and not corner.startswith("model"))):
            self.rec.orientation = "models-as-columns"
            self.forced = bench_rows
            self.read_models_in_columns(rows, best_col)
        elif rm >= 0.5 or (model_rows and col_levels):
            self.rec.orientation = "models-as-rows"
            self.forced = model_rows
            self.read_models_in_rows(rows, best_row if rm >= 0.5 else 0)
        elif (self.benchmarks_on_rows(rows) or bench_rows) and col_levels:
            self.forced = True
            self.rec.orientation = "models-as-columns"
            self.read_models_in_columns(rows, 0)
        elif self.benchmarks_on_columns(col_levels):
            self.forced = True
            self.rec.orientation = "models-as-rows"
            self.read_models_in_rows(rows, self.lc - 1)
        else:
            self.rec.orientation = "no-models"
            self.read_without_models(rows)
        settle_qualifiers(self.rec.scores)
        return self.rec

    def benchmarks_on_rows(self, rows) -> bool:
        """Unknown model names: if the row labels are clearly benchmarks, the columns must be the models."""
        return benchmark_fraction([labels[-1] for _, labels, _ in rows], self.ctx.caption_text) >= 0.6

    def benchmarks_on_columns(self, col_levels) -> bool:
        return any(benchmark_fraction(list(level), self.ctx.caption_text) >= 0.6 for level in col_levels)

    # -- the two orientations ------------------------------------------------------------------
    def read_models_in_columns(self, rows, m_level: int) -> None:
        fracs = [benchmark_fraction([labels[k] for _, labels, _ in rows], self.ctx.caption_text)
                 for k in range(self.lc)]
        b_col = max(range(self.lc), key=lambda k: (fracs[k], k))        # the label column naming benchmarks
        bench_axis = fracs[b_col] >= 0.5 or (BENCH_CORNER.match(self.label_head(self.lc - 1).strip()) is not None)
        if not bench_axis or fracs[b_col] < 0.5:
            b_col = self.lc - 1
        if bench_axis and all(NAME_SHAPED.fullmatch(h[m_level]) for h in self.heads if h[m_level]):
            self.forced = True       # benchmark rows under name-shaped heads: all of them are models ('Foo-V2')
        metric_cols = {k for k in range(self.lc) if k != b_col and METRIC_HEAD.match(self.label_head(k))}
        shot_cols = {k for k in range(self.lc) if k != b_col and SHOTS_HEAD.match(self.label_head(k).strip())}
        for r, labels, group in rows:
            metric = ", ".join(labels[k] for k in sorted(metric_cols) if labels[k]) or None
            others = [x for k, x in enumerate(labels) if k != b_col and k not in metric_cols | shot_cols]
            shots = [f"{labels[k]}-shot" if labels[k].isdigit() else labels[k] for k in sorted(shot_cols) if labels[k]]
            for i, head in enumerate(self.heads):
                cell = self.g.rows[r][self.lc + i]
                quals = [x for k, x in enumerate(head) if k > m_level and x] + shots   # below the model: a setting
                above = [x for k, x in enumerate(head) if k < m_level and x]     # above it: a group of models
                model_raw, quals = sized_model(head[m_level], quals)
                self.emit(cell, model_raw, labels[b_col], quals, [group, *others, *above], bench_axis,
                          row_header=" | ".join(x for x in labels if x), col_header=" | ".join(x for x in head if x),
                          metric=metric)

    def label_head(self, k: int) -> str:
        """The header text above label column k (the lowest non-empty header cell)."""
        return next((self.g.rows[r][k].text for r in range(self.h - 1, -1, -1) if self.g.rows[r][k].text), "")

    def read_models_in_rows(self, rows, m_col: int) -> None:
        b_col = next((k for k in range(self.lc) if k != m_col and BENCH_CORNER.match(self.label_head(k).strip())), None)
        if b_col is not None:
            self.read_long_rows(rows, m_col, b_col)
            return
        levels = list(zip(*self.heads))
        metric_levels = {i for i, level in enumerate(levels) if len(levels) > 1 and all(
            METRIC_NAME.match(x) for x in level if x) and any(level)}      # 'EM | F1' under each benchmark
        named = [lv for i, lv in enumerate(levels) if i not in metric_levels]
        fracs = [-1.0 if i in metric_levels else benchmark_fraction(list(level), self.ctx.caption_text)
                 for i, level in enumerate(levels)]
        b_level = max(range(len(levels)), key=lambda i: (fracs[i], i))
        bench_axis = fracs[b_level] >= 0.5 or self.benchmark_columns(m_col, named)
        if fracs[b_level] < 0.5 or self.groups_over_benchmarks(m_col, named, named.index(levels[b_level])):
            b_level = max(i for i in range(len(levels)) if i not in metric_levels)
        self.forced = self.forced or bench_axis      # benchmark columns: every row label names a model
        b_top = b_level
        ranks = {k for k in range(self.lc) if RANK_HEAD.match(self.label_head(k).strip())     # 'Rank', '#', '1 2 3'
                 or [lb[k] for _, lb, _ in rows] == [str(i) for i in range(1, len(rows) + 1)]}
        facts = self.fact_columns(m_col)
        for r, labels, group in rows:
            for k, attr in facts.items():
                self.emit_label_fact(self.g.rows[r][k], labels[m_col], attr, labels)
            labels = [x if k not in facts else "" for k, x in enumerate(labels)]
            for i, head in enumerate(self.heads):
                cell = self.g.rows[r][self.lc + i]
                b_level = b_of(head, b_top, metric_levels)
                # header levels above the benchmark group it ('Math' over two math benchmarks); below, they qualify it
                above = [x for k, x in enumerate(head) if k < b_level and x and bench_axis and k not in metric_levels]
                quals = [x for k, x in enumerate(head) if k != b_level and x and x not in above and k not in metric_levels]
                groups = [group, *(x for k, x in enumerate(labels) if k != m_col and k not in ranks), *above]
                metric = ", ".join(head[k] for k in sorted(metric_levels) if head[k]) or None
                self.emit(cell, labels[m_col], head[b_level], quals, groups, bench_axis,
                          row_header=" | ".join(x for x in labels if x), col_header=" | ".join(x for x in head if x),
                          metric=metric)

    def read_long_rows(self, rows, m_col: int, b_col: int) -> None:
        """'Model | Benchmark | Score' rows: the benchmark in its own label column, the value header the metric."""
        self.forced = True
        for r, labels, group in rows:
            for i, head in enumerate(self.heads):
                cell, low = self.g.rows[r][self.lc + i], (head[-1] if head else "")
                metric = low if low and not GENERIC_VALUE.match(low) and not qualifiers.is_qualifier(low) else None
                quals = [x for x in head if x and x != metric and not GENERIC_VALUE.match(x)]
                groups = [group, *(x for k, x in enumerate(labels) if k not in (m_col, b_col))]
                self.emit(cell, labels[m_col], labels[b_col], quals, groups, True,
                          row_header=" | ".join(x for x in labels if x), col_header=" | ".join(x for x in head if x),
                          metric=metric)

    def benchmark_columns(self, m_col: int, levels: list) -> bool:
        """Unknown benchmark names under a 'Model' corner: the columns are benchmarks unless the caption names
        the benchmark or the lowest header holds settings ('0-shot')."""
        low = [x for x in levels[-1] if x] if levels else []
        return bool(levels and MODEL_CORNER.match(self.label_head(m_col).strip())
                    and not names.benchmarks_in(self.t.caption or "")
                    and not any(qualifiers.is_qualifier(x) for x in low)
                    and sum(map(ordinary_label, low)) < len(low) / 2)

    def groups_over_benchmarks(self, m_col: int, levels: list, b_level: int) -> bool:
        """'Math' spanning three distinct names under a 'Model' corner: the spanning level groups the benchmarks."""
        low = [x for x in levels[-1] if x]
        upper = [x for x in levels[b_level] if x]
        return (b_level < len(levels) - 1 and len(set(low)) == len(low) and len(set(upper)) < len(upper)
                and self.benchmark_columns(m_col, levels))

    def fact_columns(self, m_col: int) -> dict[int, str]:
        """Label columns, other than the model's, whose header names a fact ('Architecture': 'MoE')."""
        out = {}
        for k in range(self.lc):
            attr = fact_label(self.label_head(k)) if k != m_col else None
            if attr:
                out[k] = attr
        return out

    def emit_label_fact(self, cell: Cell, model_raw: str, attr: str, labels: list[str]) -> None:
        model = self.model(model_raw)
        if model is not None and cell.text and not cell.copy:
            self.fact_cell(cell, model, model_raw, attr, " | ".join(x for x in labels if x), attr)

    def read_without_models(self, rows) -> None:
        """No model on either axis: every cell is a fact about its row (numbers, or text such as languages)."""
        for r, labels, group in rows:
            for i, head in enumerate(self.heads):
                cell = self.g.rows[r][self.lc + i]
                col = " | ".join(x for x in head if x)
                vals = self.values(cell)
                for raw, value, unit, _ in vals:
                    self.add_fact(None, labels[-1], col, value, unit, None, cell, " | ".join(x for x in labels if x), col)
                if not vals and cell.text and not cell.copy and cell.text not in MISSING:
                    self.add_fact(None, labels[-1], col, None, None, cell.text, cell,
                                  " | ".join(x for x in labels if x), col)

    # -- one cell --------------------------------------------------------------------------------
    def values(self, cell: Cell) -> list[tuple[str, float, str | None, str | None]]:
        if cell.copy or cell.text in MISSING:
            return []
        parts = split_values(cell.text)
        if not parts:
            return []
        labels = split_labels(self.t, len(parts)) if len(parts) > 1 else [None]
        out = []
        for p, lab in zip(parts, labels):
            num, unit = parse_number(p)
            out.append((p, num, unit, lab))
        return out

    def emit(self, cell, model_raw, item, quals, groups, bench_axis, row_header, col_header, metric=None) -> None:
        """One cell at (model, item): a score, a fact about the model, or a fact about the row."""
        if not bench_axis and qualifiers.is_qualifier(item):
            item, quals, groups, bench_axis = self.benchmark_elsewhere(item, quals, groups)
        quals = [x for x in quals if x] + [x for x in groups if x and qualifiers.is_qualifier(x)]
        grp = " | ".join(dict.fromkeys(x for x in groups if x and not qualifiers.is_qualifier(x))) or None
        attr = fact_label(item)
        model = self.model(model_raw)
        if attr:
            if model is not None:
                self.fact_cell(cell, model, model_raw, attr, row_header, col_header, item)
            return
        if model is None:
            for _, value, unit, _ in self.values(cell):
                self.add_fact(None, item, col_header or model_raw, value, unit, None, cell, row_header, col_header)
            return
        vals = self.values(cell)
        if self.is_fact_cell(cell, vals):
            self.fact_cell(cell, model, model_raw, fact_label(item, loose=True), row_header, col_header, item)
            return
        model, suffix = model
        suffix = None if suffix and OURS.match(suffix.strip()) else suffix    # 'X (ours)' marks, never qualifies
        for _, value, unit, split in vals:
            bench, own_metric, extra = self.benchmark(item, bench_axis)
            metric = ", ".join(x for x in (own_metric, metric) if x) or None
            setting = [*extra, *quals, *([split] if split else [suffix] if suffix else [])]
            self.add_score(model, bench, metric, setting, grp, value, unit, cell, model_raw, item,
                           row_header, col_header)

    def benchmark_elsewhere(self, item, quals, groups):
        """The item is a setting ('0-shot'): the benchmark is a group row or an upper header, if one looks it."""
        context = self.ctx.caption_text
        for g in groups:
            if g and looks_like_benchmark(g, context) and not qualifiers.is_qualifier(g):
                return g, [item, *quals], [x for x in groups if x != g], True
        return item, quals, groups, False

    @staticmethod
    def is_fact_cell(cell: Cell, vals: list) -> bool:
        """Text ('MoE') or a size ('128K', '7B') where a score would be: a fact about the model, not a score."""
        if cell.copy or cell.text in MISSING or not cell.text:
            return False
        return not vals and not is_value(cell) or any(unit in ("B", "K", "M", "T") for _, _, unit, _ in vals)

    def fact_cell(self, cell, model, model_raw, attr, row_header, col_header, item="") -> None:
        vals = self.values(cell)
        parts = split_parts(item) if len(vals) > 1 else []
        if vals:
            for k, (_, value, unit, _) in enumerate(vals):
                name = fact_label(f"{parts[k]} {item}") or f"{attr}_{parts[k]}" if len(parts) == len(vals) else attr
                self.add_fact(model[0], model_raw, name, value, unit, None, cell, row_header, col_header)
        elif cell.text and not cell.copy and cell.text not in MISSING:
            self.add_fact(model[0], model_raw, attr, None, None, cell.text, cell, row_header, col_header)

    def model(self, raw: str):
        """The model a label names, as (model_id, suffix), or None; each label is parsed once per table."""
        key = (raw, self.forced)
        if key not in self.models:
            self.models[key] = self.parse_model(raw)
        return self.models[key]

    def parse_model(self, raw: str):
        if not nameable(raw):
            return None
        base, suffix = names.split_model_suffix(raw)
        m = names.parse_model(base, implied_variant=self.implied)
        if m is None and self.forced and not AGGREGATE.match(base) and not DIFF_ROW.match(base) \
                and not names.fact_attribute(base) \
                and not names.lookup_benchmark(base) and len(base) <= 60:
            m = names.ModelName(canonical=base.strip(), family=re.split(r"[-\s]", base.strip())[0], size_b=None,
                                active_b=None, variant=None, version=None)
        if m is None:
            return None
        self.rec.models.setdefault(m.canonical, m)
        self.rec.model_aliases.add((raw, m.canonical))
        self.rec.model_aliases.add((base, m.canonical))
        return m.canonical, suffix

    def benchmark(self, item: str, bench_axis: bool) -> tuple[str, str | None, list[str]]:
        if (item, bench_axis) not in self.resolved:
            self.resolved[(item, bench_axis)] = self.resolve_benchmark(item, bench_axis)
        return self.resolved[(item, bench_axis)]

    def resolve_benchmark(self, item: str, bench_axis: bool) -> tuple[str, str | None, list[str]]:
        context = self.ctx.caption_text
        if bench_axis:
            found = names.lookup_benchmark(item, context) if nameable(item) else None
            if found:
                metric, setting = split_metric(found[1])
                return self.register(found[0], item), metric, setting
            if AGGREGATE.match(item):
                self.register(names.Benchmark("Average", "Average", "aggregate"), item)
                return "Average", None, [caption_subject(self.t)]
            head, metric = metric_suffix(item)
            if metric == "%":                         # 'FooQA (%)': a unit, not a metric
                return self.register(names.Benchmark(head, head, "other"), item), None, []
            if metric:
                return self.register(names.Benchmark(head, head, "other"), item), *split_metric(metric)
            return self.register(names.Benchmark(item, item, "other"), item), None, []
        in_caption = names.benchmarks_in(self.t.caption or "")
        bench = in_caption[0] if in_caption else names.Benchmark(caption_subject(self.t), caption_subject(self.t), "other")
        return self.register(bench, bench.canonical), None, [qualifiers.normalize(item)]

    def register(self, b: names.Benchmark, alias: str) -> str:
        self.rec.benchmarks.setdefault(b.canonical, b)
        self.rec.benchmark_aliases.add((alias, b.canonical))
        self.rec.benchmark_aliases.add((b.canonical, b.canonical))
        return b.canonical

    def base(self, cell: Cell) -> dict:
        t = self.t
        return dict(paper_id=self.ctx.paper_id, table_id=self.ctx.table_id, table_no=t.table_no,
                    caption=t.caption or t.heading, page=t.page, section=t.section, raw_cell=cell.raw)

    def add_score(self, model, bench, metric, setting, grp, value, unit, cell, model_raw, item, rh, ch) -> None:
        setting = [qualifiers.normalize(s) for s in setting if s]
        self.rec.scores.append(dict(self.base(cell), model_id=model, benchmark_id=bench, grp=grp,
                                    setting=" | ".join(dict.fromkeys(setting)) or None, metric=metric,
                                    value=value, unit=unit, row_header=rh, col_header=ch,
                                    model_raw=model_raw, benchmark_raw=item, is_bold=cell.bold,
                                    spread=cell.spread, source_kind="table"))

    def add_fact(self, model, subject, attribute, value, unit, text, cell, rh, ch) -> None:
        attribute = attribute or ""             # a cell under no readable header is still kept, as 'value'
        attr = names.fact_attribute(attribute) or re.sub(r"\W+", "_", attribute.lower()).strip("_") or "value"
        self.rec.facts.append(dict(self.base(cell), model_id=model, subject=subject, attribute=attr, value=value,
                                   unit=unit, value_text=text if text is not None else cell.text,
                                   row_header=rh, col_header=ch))
