"""Read-only views of the score database for people browsing it: papers, their tables, scores, and a cited table or
passage in context. Every query is fixed SQL with parameters, run through SafeDB (read-only, time-limited)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .guard import SafeDB

# The columns the data browser shows and downloads, in order.
SCORE_COLUMNS = ("paper", "table", "model", "benchmark", "category", "setting", "value", "raw_cell", "page",
                 "paper_id", "table_id")
MAX_BROWSE_ROWS = 20_000

_SCORES_SQL = """
SELECT p.title AS paper, s.table_id AS "table", s.model_id AS model, s.benchmark_id AS benchmark,
       b.category, s.setting, s.value, s.raw_cell, s.page, s.paper_id, s.table_id
FROM scores s
JOIN papers p USING (paper_id)
LEFT JOIN benchmarks b USING (benchmark_id)
WHERE ($paper IS NULL OR s.paper_id = $paper)
  AND ($table IS NULL OR s.table_id = $table)
  AND ($model IS NULL OR contains(lower(s.model_id), lower($model)) OR contains(lower(s.model_raw), lower($model)))
  AND ($benchmark IS NULL OR s.benchmark_id = $benchmark)
  AND ($category IS NULL OR b.category = $category)
ORDER BY p.precedence, s.paper_id, s.score_id
LIMIT $limit
"""


@dataclass(frozen=True)
class ScoreFilter:
    """What the browser narrows the scores to; None (or empty) means any."""
    paper: str | None = None        # paper_id
    table: str | None = None        # table_id within the paper
    model: str | None = None        # substring of the canonical or printed model name
    benchmark: str | None = None    # benchmark_id
    category: str | None = None     # benchmark category

    def params(self, limit: int) -> dict:
        def blank(v: str | None) -> str | None:
            return v.strip() if isinstance(v, str) and v.strip() else None
        return {"paper": blank(self.paper), "table": blank(self.table), "model": blank(self.model),
                "benchmark": blank(self.benchmark), "category": blank(self.category), "limit": limit}


@dataclass
class TableView:
    """A table laid out as the paper printed it: row headers down, column headers across, raw cells."""
    paper_id: str
    paper: str
    table_id: str
    caption: str | None
    page: str | None
    section: str | None
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)       # (row header, cells)
    highlight: set[tuple[int, int]] = field(default_factory=set)          # (row index, column index)


@dataclass
class PassageView:
    """The passages of one section, with the quoted one marked."""
    paper_id: str
    paper: str
    section: str
    passages: list[dict] = field(default_factory=list)                    # {page, text, cited}


class Browser:
    """`Browser(safe_db)`: the data browser's and the source viewer's queries."""

    def __init__(self, db: SafeDB):
        self.db = db

    def papers(self) -> list[tuple[str, str]]:
        """(title, paper_id) for every paper, most trusted first."""
        _, rows = self.db.query_all("SELECT title, paper_id FROM papers ORDER BY precedence, title")
        return [(r["title"] or r["paper_id"], r["paper_id"]) for r in rows]

    def tables(self, paper_id: str | None) -> list[tuple[str, str]]:
        """(label, table_id) for the tables of one paper, in reading order."""
        if not paper_id:
            return []
        _, rows = self.db.query_all(
            "SELECT table_id, caption, n_values FROM tables WHERE paper_id = ? ORDER BY line", [paper_id])
        return [(_table_label(r), r["table_id"]) for r in rows]

    def benchmarks(self) -> list[str]:
        _, rows = self.db.query_all("SELECT DISTINCT benchmark_id FROM scores ORDER BY lower(benchmark_id)")
        return [r["benchmark_id"] for r in rows]

    def models(self, limit: int | None = None) -> list[str]:
        """Model names, alphabetically; with `limit`, only the most reported ones (a page cannot carry 19,000
        choices: the filter matches any typed part of a name anyway)."""
        top = (f"SELECT model_id FROM scores GROUP BY model_id ORDER BY count(*) DESC, model_id LIMIT {int(limit)}"
               if limit else "SELECT DISTINCT model_id FROM scores")
        _, rows = self.db.query_all(f"SELECT model_id FROM ({top}) ORDER BY lower(model_id)")
        return [r["model_id"] for r in rows]

    def categories(self) -> list[str]:
        _, rows = self.db.query_all("SELECT DISTINCT category FROM benchmarks WHERE category IS NOT NULL "
                                    "ORDER BY category")
        return [r["category"] for r in rows]

    def scores(self, where: ScoreFilter, limit: int = MAX_BROWSE_ROWS) -> list[dict]:
        """The score rows matching `where`, each with SCORE_COLUMNS."""
        _, rows = self.db.query_all(_SCORES_SQL, where.params(limit))
        return rows

    def table(self, paper_id: str, table_id: str, cells: list[tuple[str, str]] = ()) -> TableView | None:
        """One table as printed; `cells` are (model_id, benchmark_id) pairs whose cells are highlighted."""
        _, meta = self.db.query_all(
            "SELECT t.caption, t.page, t.section, p.title FROM tables t JOIN papers p USING (paper_id) "
            "WHERE t.paper_id = ? AND t.table_id = ?", [paper_id, table_id])
        if not meta:
            return None
        _, cells_rows = self.db.query_all(
            "SELECT row_header, col_header, raw_cell, model_id, benchmark_id, n FROM ("
            " SELECT row_header, col_header, raw_cell, model_id, benchmark_id, score_id AS n FROM scores"
            " WHERE paper_id = ? AND table_id = ?"
            " UNION ALL SELECT row_header, col_header, raw_cell, model_id, NULL, 1e9 + fact_id FROM facts"
            " WHERE paper_id = ? AND table_id = ?) ORDER BY n", [paper_id, table_id, paper_id, table_id])
        m = meta[0]
        view = TableView(paper_id, m["title"] or paper_id, table_id, m["caption"], m["page"], m["section"])
        _lay_out(view, cells_rows, set(cells))
        return view

    def section(self, paper_id: str, section: str | None, quote: str | None) -> PassageView | None:
        """The passages of the cited section (matched on its full path or its last part), quote marked."""
        _, meta = self.db.query_all("SELECT title FROM papers WHERE paper_id = ?", [paper_id])
        if not meta:
            return None
        _, rows = self.db.query_all(
            "SELECT section, page, original, text FROM passages WHERE paper_id = ? "
            "AND (? IS NULL OR section = ? OR section LIKE '%> ' || ?) ORDER BY line",
            [paper_id, section, section, section])
        needle = _plain(quote)[:120]
        passages = [{"page": r["page"], "text": r["original"] or r["text"],
                     "cited": bool(needle) and (needle in _plain(r["original"]) or needle in _plain(r["text"]))}
                    for r in rows]
        found = rows[0]["section"] if rows else (section or "")
        return PassageView(paper_id, meta[0]["title"] or paper_id, found, passages)


def _table_label(row: dict) -> str:
    caption = (row["caption"] or "").strip()
    label = row["table_id"] if not caption or caption == row["table_id"] else f"{row['table_id']}: {caption}"
    return label if len(label) <= 90 else label[:87] + "…"


def _plain(text: str | None) -> str:
    """Letters and digits only, lower-cased: a quote and its passage match whatever markup or spacing differs."""
    return "".join(ch.lower() for ch in (text or "") if ch.isalnum())


def _lay_out(view: TableView, cells: list[dict], highlight: set[tuple[str, str]]) -> None:
    row_keys: dict[str, int] = {}
    col_keys: dict[str, int] = {}
    grid: dict[tuple[int, int], str] = {}
    for c in cells:
        r = row_keys.setdefault(c["row_header"] or "", len(row_keys))
        k = col_keys.setdefault(c["col_header"] or "", len(col_keys))
        grid.setdefault((r, k), c["raw_cell"] or "")
        if (c["model_id"], c["benchmark_id"]) in highlight:
            view.highlight.add((r, k))
    view.columns = list(col_keys)
    view.rows = [(header, [grid.get((r, k), "") for k in range(len(col_keys))]) for header, r in row_keys.items()]
