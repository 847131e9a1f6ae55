"""'What is X's best benchmark?' / 'Where is X weakest?': the model's benchmarks ordered by its own score,
against a reference computed here from every row (each benchmark's plain-setting row first, 0-100 scales only,
no averages, no lower-is-better tables)."""
from __future__ import annotations

import re

import pytest

from assistant import Assistant
from assistant.settings import Settings
from index.order import LOWER_BETTER


@pytest.fixture(scope="module")
def assistant(real_db):
    assistant = Assistant(real_db, Settings())
    yield assistant
    assistant.db.close()            # a configured connection left open breaks plain ones to the same file


def reference(con, model: str) -> list[tuple[str, float]]:
    rows = con.execute(
        "SELECT s.benchmark_id, s.value, s.setting, s.pref, t.caption, b.category FROM scores s "
        "LEFT JOIN tables t ON t.paper_id = s.paper_id AND t.table_id = s.table_id "
        "LEFT JOIN benchmarks b ON b.benchmark_id = s.benchmark_id WHERE s.model_id = ?", [model]).fetchall()
    scale = dict(con.execute("SELECT benchmark_id, max(value) FROM scores GROUP BY 1").fetchall())
    best: dict[str, tuple] = {}
    for bench, value, setting, pref, caption, category in rows:
        if (category == "aggregate" or not 0 <= value <= 100 or scale[bench] <= 10
                or re.search(LOWER_BETTER, caption or "", re.I)):
            continue
        k = (setting is not None, pref)
        if bench not in best or k < best[bench][0]:
            best[bench] = (k, value)
    return sorted(((b, v) for b, (_, v) in best.items()), key=lambda bv: -bv[1])


@pytest.mark.parametrize("model, question, highest", [
    ("GLM-4.5", "On which benchmark does GLM-4.5 score highest?", True),
    ("GLM-4.5", "What is GLM-4.5's weakest benchmark?", False),
    ("Qwen2-72B-Instruct", "What is Qwen2-72B-Instruct's best benchmark?", True),
])
def test_benchmarks_of_one_model_in_order(assistant, db_con, model, question, highest):
    ref = reference(db_con, model)
    want = ref[0] if highest else ref[-1]
    text = assistant.ask(question, []).text
    first = text.splitlines()[0]
    assert f"**{want[0]}**" in first and f"**{want[1]:g}" in first, (want, first)
    assert f"of {len(ref)} benchmarks" in text or f"All {len(ref)} of its benchmarks" in text


def test_average_over_one_models_benchmarks(assistant, db_con):
    ref = reference(db_con, "GLM-4.5")
    mean = sum(v for _, v in ref) / len(ref)
    text = assistant.ask("What is GLM-4.5's average score across all its benchmarks?", []).text
    assert f"over its {len(ref)} benchmarks" in text
    got = float(text.split(" = **")[1].split("**")[0])
    assert abs(got - mean) < 0.01, (got, mean)


@pytest.mark.parametrize("question, attribute, descending", [
    ("Which model has the most parameters in the GLM-4.5 report?", "total_params", True),
    ("Which model has the fewest activated parameters?", "active_params", False),
])
def test_models_ranked_by_a_fact(assistant, db_con, question, attribute, descending):
    """Checked against every fact row: each model's value from its highest-precedence paper, in one unit."""
    scale = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
    paper = "AND f.paper_id = 'glm-4.5-report'" if "GLM-4.5 report" in question else ""
    rows = db_con.execute(f"SELECT f.model_id, f.value, f.unit, p.precedence, f.fact_id FROM facts f JOIN papers p "
                          f"USING (paper_id) WHERE f.attribute = ? AND f.value IS NOT NULL AND f.model_id IS NOT NULL "
                          f"{paper}", [attribute]).fetchall()
    first: dict[str, tuple] = {}
    for model, value, unit, prec, fid in sorted(rows, key=lambda r: (r[3], r[4])):
        first.setdefault(model, value * scale.get((unit or "").upper(), 1))
    best = (max if descending else min)(first.values())
    leaders = {m for m, v in first.items() if v == best}
    line = assistant.ask(question, []).text.splitlines()[0]
    assert {m for m in first if f"**{m}**" in line} == leaders, (leaders, line)
