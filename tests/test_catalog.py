"""The catalog on the real database: exact names, variants, families, typos, unknown names, papers, categories."""
from __future__ import annotations

import pytest

from assistant.catalog import Catalog, model_shaped
from assistant.guard import SafeDB
from assistant.parse import parse
from assistant.plan import Intent, Route
from assistant.settings import Settings


@pytest.fixture(scope="module")
def cat(real_db):
    return Catalog.load(SafeDB(real_db, Settings()))


def test_exact_name_is_one_model(cat):
    assert cat.model_ids("Qwen2-7B-Instruct") == (["Qwen2-7B-Instruct"], "name")


def test_a_sized_name_without_variant_covers_its_variants(cat):
    ids, how = cat.model_ids("Qwen2 7B")
    assert set(ids) == {"Qwen2-7B", "Qwen2-7B-Instruct"} and how == "variants"


def test_a_versionless_name_covers_its_dated_releases(cat):
    ids, _ = cat.model_ids("GLM-4")
    # the dated releases, plus the undated name itself where the text speaks of "GLM-4" (a relative-score sentence)
    assert {"GLM-4 (0116)", "GLM-4 (0520)"} <= set(ids) <= {"GLM-4 (0116)", "GLM-4 (0520)", "GLM-4"}


@pytest.mark.parametrize("name,family", [("Qwen2", "Qwen2"), ("Llama 3", "Llama-3"), ("Mixtral", "Mixtral")])
def test_a_family_name_resolves_to_its_members(cat, name, family):
    ids, how = cat.model_ids(name)
    assert how == "family" and ids == sorted(m for m, r in cat.models.items() if r["family"] == family)


def test_dates_as_printed_find_the_version(cat):
    assert cat.model_ids("GPT-4 Turbo (2024-04-09)")[0] == ["GPT-4 Turbo (0409)"]


def test_a_typo_in_letters_is_read_with_a_note(cat):
    [m] = cat.find_models("Qwen2-72B-Instuct on MMLU")
    assert m.ids == ["Qwen2-72B-Instruct"] and m.kind == "fuzzy" and "Qwen2-72B-Instuct" in m.note


def test_a_different_number_is_never_a_typo(cat):
    assert cat.find_models("What is Qwen2-8B's MMLU?") == []
    assert cat.unknown_models("What is Qwen2-8B's MMLU?", []) == ["Qwen2-8B"]


@pytest.mark.parametrize("q,unknown", [("What is Lumen-2's MMLU score?", ["Lumen-2"]),
                                       ("Grok 5 on GPQA", ["Grok 5"]),
                                       ("Phi-3-mini GSM8K", ["Phi-3-mini"]),
                                       ("gemini 3 pro on HLE", ["gemini 3"]),
                                       ("What is Qwen2.5-72B's MMLU?", ["Qwen2.5-72B"]),
                                       ("top 3 on MATH 500 in Table 2", []),
                                       ("models under 10B with 128k context", [])])
def test_unknown_model_names(cat, q, unknown):
    taken = cat.find_models(q)
    assert cat.unknown_models(q, taken + cat.find_benchmarks(q, taken)) == unknown


def test_model_shape():
    assert model_shaped("Lumen-2") and model_shaped("GPT5") and model_shaped("Grok 5")
    assert not model_shaped("MMLU") and not model_shaped("under 10B")


def test_ordinary_words_are_benchmarks_only_when_written_as_names(cat):
    assert cat.bench_ids("MATH")[0] == ["MATH"]
    assert cat.bench_ids("math")[0] == []
    assert cat.bench_ids("math", allow_common=True)[0] == ["MATH"]
    assert "Average" not in cat.bench_ids("Average")[0]


def test_benchmark_family_and_seed_alias(cat):
    assert set(cat.bench_ids("LiveCodeBench")[0]) >= {"LiveCodeBench v1"}
    assert "BFCL V3" in cat.bench_ids("Berkeley Function Calling Leaderboard")[0]


def test_papers_by_short_name_and_kind(cat):
    assert cat.find_papers("in the GLM-4.5 report") == ["glm-4.5-report"]
    assert cat.find_papers("according to the Qwen2 blog") == ["qwen2-blog"]
    assert cat.find_papers("what does the synthesis say") == ["glm4-9b-benchmark-synthesis"]
    assert cat.find_papers("post-trained models") == []


def test_category_and_variant_words(cat):
    assert cat.category("Which coding benchmarks are there?") == "coding"
    assert cat.category("long-context ability") == "long context"
    plan = parse("instruction-tuned models under 10B with MMLU of 70 or higher", cat)
    assert (plan.variant, plan.size_max, plan.value_min, plan.strict) == ("chat", 10.0, 70.0, False)


def test_plan_is_typed(cat):
    plan = parse("Which papers can you answer questions about?", cat)
    assert plan.intent is Intent.CORPUS and plan.route is Route.SQL and plan.corpus == "papers"
    plan = parse("How did the Qwen2 team check for contamination?", cat)
    assert plan.route is Route.TEXT
    plan = parse("What is Lumen-2's MMLU score?", cat)
    assert plan.route is Route.NONE and plan.unknown == ["Lumen-2"]


def test_follow_up_reads_models_from_the_answer(cat):
    history = [{"role": "user", "content": "Which model is best on SciCode?"},
               {"role": "assistant", "content": "**Grok 4** has the highest SciCode score: **45.7** — *GLM-4.5* "
                                                "(report), Table 4."}]
    plan = parse("What about its MMLU-Pro?", cat, history)
    assert plan.model_ids == ["Grok 4"] and plan.bench_ids == ["MMLU-Pro"]


def test_follow_up_ignores_an_answers_sources_and_sql(cat):
    """/chat keeps the answer as markdown (flattened to one line): its Sources and SQL blocks name papers and
    models that are not what the answer was about."""
    answer = ("**GLM-4.5** scores **90.0** and **Kimi-K2** **89.5** on MMLU. **Sources** - *Qwen2 Tech Report*, "
              "Qwen2-72B-Instruct row **SQL** ```sql SELECT * FROM scores WHERE model_id = 'GPT-4o' ```")
    plan = parse("How do they do on GPQA?", cat, [{"role": "user", "content": "Compare GLM-4.5 and Kimi-K2 on MMLU"},
                                                  {"role": "assistant", "content": answer}])
    assert plan.model_ids == ["GLM-4.5", "Kimi-K2"] and plan.bench_ids == ["GPQA"]


def test_its_is_the_first_model_of_a_ranking_answer(cat):
    answer = "**Grok 4** has the highest SciCode score: **45.7**. Next: Gemini 2.5 Pro 42.8, GLM-4.5 41.7."
    plan = parse("and its GPQA?", cat, [{"role": "user", "content": "best model on SciCode"},
                                        {"role": "assistant", "content": answer}])
    assert plan.model_ids == ["Grok 4"] and plan.intent is Intent.LOOKUP


@pytest.mark.parametrize("q,unknown", [("What is GLM-4.5's FooBench score?", ["FooBench"]),
                                       ("How does Qwen2-72B do on NovaQA?", ["NovaQA"]),
                                       ("What does GLM-4.5 score on English?", []),
                                       ("GLM-4.5 on Table 3", []),
                                       ("How does GLM-4.5 do on MMLU?", [])])
def test_unknown_benchmark_names(cat, q, unknown):
    models = cat.find_models(q)
    assert cat.unknown_benchmarks(q, models + cat.find_benchmarks(q, models)) == unknown


def test_a_database_without_vocabulary_says_how_to_fix_it(real_db, tmp_path):
    import shutil

    import duckdb

    from assistant.catalog import OutdatedDatabase
    old = tmp_path / "old.duckdb"
    shutil.copy(real_db, old)
    con = duckdb.connect(str(old))
    con.execute("DROP TABLE vocab")
    con.close()
    with pytest.raises(OutdatedDatabase, match="python -m index build"):
        Catalog.load(SafeDB(old, Settings()))


def test_a_paper_name_no_paper_has_is_said(cat):
    assert cat.unknown_paper("Which model is best on MMLU in the Zephyrine paper?") == "Zephyrine"
    assert cat.find_papers("Which model is best on MMLU in the Zephyrine paper?") == []
    assert cat.unknown_paper("Which model is best on MMLU in the technical report?") is None
    assert cat.unknown_paper("top model on GSM8K in the Qwen2 blog") is None
