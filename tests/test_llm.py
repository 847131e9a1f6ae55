"""The LLM path: the adapter against a real llama.cpp server and every fault mode, draft()'s repair flow with a
queued fake, and extraction from messy replies. Every failure must come back as LLMError / LLMDraft.error
within the time budget, so the caller can fall back to the deterministic answer."""
from __future__ import annotations

import json
import time
import urllib.request

import pytest

from assistant.guard import SafeDB, check_sql
from assistant.llm import LLM, LLMError, OpenAICompatible, QueuedFakeLLM, make_llm
from assistant.llm_sql import (MAX_CALLS, MAX_NAMES, MIN_CALL_S, ROUTES, LLMDraft, NameHints, draft,
                               extract_json, extract_sql, parse_reply)
from assistant.settings import Settings
from tests.llm_servers import ScriptedServer, refused_base_url, score_db_path, smollm2_path

SLACK_S = 2.0                   # a correctness bound for the fallback, not a benchmark
FAULT_TIMEOUT_S = 1.0
PROVENANCE = "paper_id, table_no, caption, page, model_id, benchmark_id, setting, value, raw_cell"
GOOD_SQL = f"SELECT {PROVENANCE} FROM scores WHERE benchmark_id = 'MATH' ORDER BY value DESC LIMIT 50"
GOOD_REPLY = '{"route": "sql", "sql": "%s"}' % GOOD_SQL
QUESTION = "What is GLM-4-9B-Chat's MATH score?"


def settings(**update) -> Settings:
    """Settings for tests; never sends a real key from the environment to a test server."""
    return Settings().model_copy(update={"openai_api_key": None, **update})


@pytest.fixture(scope="module")
def db(request, tmp_path_factory):
    with SafeDB(score_db_path(request, tmp_path_factory), settings()) as safe:
        yield safe


@pytest.fixture(scope="module")
def names(db) -> NameHints:
    return NameHints.from_db(db)


# --- the real llama.cpp server (conftest's session-wide smollm2_url) -----------------------------------------

def smollm2(url: str, timeout_s: float = 20) -> OpenAICompatible:
    return OpenAICompatible(settings(openai_base_url=url, llm_model="smollm2", llm_max_tokens=64,
                                     llm_timeout_s=timeout_s))


def raw_completion(url: str, messages: list[dict], max_tokens: int) -> str:
    """The same request sent straight over HTTP: the protocol's own answer, to compare the adapter against."""
    body = {"model": "smollm2", "messages": messages, "temperature": 0, "max_tokens": max_tokens}
    request = urllib.request.Request(url + "/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["choices"][0]["message"]["content"]


def test_smollm2_completion_is_the_servers_text(smollm2_url):
    llm = smollm2(smollm2_url)
    assert isinstance(llm, LLM)
    messages = [{"role": "system", "content": "You are terse."},
                {"role": "user", "content": "Name one benchmark for code generation."}]
    text = llm.complete(messages, max_tokens=16)
    assert text.strip() and text == raw_completion(smollm2_url, messages, 16)     # temperature 0: deterministic


def test_smollm2_draft_returns_within_the_deadline(smollm2_url, db, names):
    llm = smollm2(smollm2_url)
    few = NameHints(names.models[:8], names.benchmarks[:8])      # keeps the prompt inside n_ctx
    budget = 12.0
    start = time.monotonic()
    result = draft(QUESTION, [], llm, db, few, deadline=start + budget)
    assert time.monotonic() - start < budget + SLACK_S
    assert result.route in ROUTES and 1 <= result.calls <= MAX_CALLS
    if not result.ok:                      # it failed, says why, and brings back nothing to show
        assert result.error.strip() and result.rows == []
    elif result.sql:                       # what the weak model wrote passed the fence; these are its rows
        check_sql(result.sql, db.table_names())
        assert result.rows == db.query(result.sql)[1]
    else:
        assert result.route in ("text", "none") and result.rows == []


def test_smollm2_call_is_cut_at_its_timeout(smollm2_url):
    llm = smollm2(smollm2_url)
    start = time.monotonic()
    with pytest.raises(LLMError, match=r"within 0\.2 s|timed out"):
        llm.complete([{"role": "user", "content": "Write a long story about a lighthouse."}],
                     max_tokens=400, timeout=0.2)     # ~4 s of generation: far past 0.2 s
    assert time.monotonic() - start < 0.2 + SLACK_S


# --- the scripted server: one test per fault mode -----------------------------------------------------------

FAULTS = ["hang", "trickle", "500", "429", "malformed", "empty_choices", "null_content", "length_empty",
          "refusal"]


def scripted(base_url: str, timeout_s: float = FAULT_TIMEOUT_S) -> OpenAICompatible:
    return OpenAICompatible(settings(openai_base_url=base_url, llm_model="scripted", llm_timeout_s=timeout_s))


@pytest.mark.parametrize("mode", FAULTS)
def test_fault_mode_raises_llm_error_in_time(mode):
    with ScriptedServer(mode) as server:
        llm = scripted(server.base_url)
        start = time.monotonic()
        with pytest.raises(LLMError, match="deterministic answer"):
            llm.complete([{"role": "user", "content": "hi"}])
        assert time.monotonic() - start < FAULT_TIMEOUT_S + SLACK_S


def test_connection_refused_raises_llm_error_fast():
    llm = scripted(refused_base_url())
    start = time.monotonic()
    with pytest.raises(LLMError, match="could not connect"):
        llm.complete([{"role": "user", "content": "hi"}])
    assert time.monotonic() - start < FAULT_TIMEOUT_S + SLACK_S


@pytest.mark.parametrize("mode", [*FAULTS, "bad_sql", "truncated"])
def test_fault_mode_gives_draft_error_in_time(mode, db, names):
    with ScriptedServer(mode) as server:
        start = time.monotonic()
        result = draft(QUESTION, [], scripted(server.base_url), db, names, deadline=start + FAULT_TIMEOUT_S)
        assert time.monotonic() - start < FAULT_TIMEOUT_S + SLACK_S
    assert result.error and not result.rows
    assert result.calls <= MAX_CALLS


def test_bad_sql_gets_one_repair_then_gives_up_and_changes_nothing(db, names):
    _, before = db.query("SELECT count(*) AS n FROM scores")
    with ScriptedServer("bad_sql") as server:
        result = draft(QUESTION, [], scripted(server.base_url, 5), db, names, deadline=time.monotonic() + 5)
        assert len(server.requests) == 2
    assert result.calls == 2 and "repair failed" in result.error
    assert db.query("SELECT count(*) AS n FROM scores")[1] == before


def test_requests_set_model_temperature_and_max_tokens(db, names):
    with ScriptedServer("ok", content=GOOD_REPLY) as server:
        llm = OpenAICompatible(settings(openai_base_url=server.base_url, llm_model="m1", llm_max_tokens=77))
        result = draft(QUESTION, [], llm, db, names, deadline=time.monotonic() + 5)
        body = server.requests[0]
    assert result.ok and result.rows and result.calls == 1
    assert body["model"] == "m1" and body["temperature"] == 0 and body["max_tokens"] == 77
    assert [m["role"] for m in body["messages"]] == ["system", "user"]


def test_repair_over_http(db, names):
    script = ['{"route": "sql", "sql": "SELECT nope FROM scores"}', GOOD_REPLY]
    with ScriptedServer("ok", script=script) as server:
        result = draft(QUESTION, [], scripted(server.base_url, 5), db, names, deadline=time.monotonic() + 5)
        repair = server.requests[1]["messages"]
    assert result.ok and result.calls == 2 and result.rows
    assert "nope" in repair[-1]["content"] and repair[-2]["role"] == "assistant"


# --- draft() with the queued fake ---------------------------------------------------------------------------

def run(fake: QueuedFakeLLM, db: SafeDB, names: NameHints, budget: float = 5.0, history=None) -> LLMDraft:
    return draft(QUESTION, history or [], fake, db, names, deadline=time.monotonic() + budget)


def test_first_sql_fails_second_succeeds(db, names):
    fake = QueuedFakeLLM(['{"route": "sql", "sql": "SELECT * FROM read_csv(\'/etc/passwd\')"}', GOOD_REPLY])
    result = run(fake, db, names)
    assert result.ok and result.calls == 2 and len(fake.history) == 2
    assert result.sql == GOOD_SQL and all(r["benchmark_id"] == "MATH" for r in result.rows)
    repair = fake.history[1][-1]["content"]
    assert "read_csv" in repair and "not allowed" in repair


def test_duckdb_error_is_repaired_too(db, names):
    fake = QueuedFakeLLM(['{"route": "both", "sql": "SELECT no_such_column FROM scores"}',
                          f"```sql\n{GOOD_SQL}\n```"])
    result = run(fake, db, names)
    assert result.ok and result.route == "both" and result.calls == 2
    assert "no_such_column" in fake.history[1][-1]["content"]


def test_both_fail_sets_error_and_never_calls_a_third_time(db, names):
    fake = QueuedFakeLLM(['{"route": "sql", "sql": "DROP TABLE scores"}',
                          '{"route": "sql", "sql": "DELETE FROM scores"}', GOOD_REPLY])
    result = run(fake, db, names)
    assert result.calls == 2 and len(fake.history) == 2
    assert result.error and "repair failed" in result.error and not result.rows


def test_text_route_makes_one_call_and_no_sql(db, names):
    fake = QueuedFakeLLM(['{"route": "text", "sql": null}', GOOD_REPLY])
    assert run(fake, db, names) == LLMDraft("text", None, [], 1, None)


def test_unknown_route_is_an_error_without_repair(db, names):
    fake = QueuedFakeLLM(['{"route": "maybe", "sql": null}', GOOD_REPLY])
    result = run(fake, db, names)
    assert result.calls == 1 and "no usable route" in result.error


def test_refusal_text_is_an_error(db, names):
    result = run(QueuedFakeLLM(["I'm sorry, but I can't help with that."]), db, names)
    assert result.calls == 1 and result.error


def test_llm_error_on_first_call_is_reported(db, names):
    result = run(QueuedFakeLLM([LLMError("boom", llm_name="fake")]), db, names)
    assert result.calls == 1 and "boom" in result.error


def test_llm_error_on_repair_call_is_reported(db, names):
    result = run(QueuedFakeLLM(['{"route": "sql", "sql": "SELECT x FROM nowhere"}', LLMError("down")]), db, names)
    assert result.calls == 2 and "down" in result.error


def test_sql_route_without_sql_asks_for_a_repair(db, names):
    fake = QueuedFakeLLM(['{"route": "sql", "sql": null}', GOOD_REPLY])
    result = run(fake, db, names)
    assert result.ok and result.calls == 2


def test_bare_select_without_json_runs(db, names):
    result = run(QueuedFakeLLM([f"Here is the query:\n{GOOD_SQL};\nIt lists MATH scores."]), db, names)
    assert result.ok and result.route == "sql" and result.rows


def test_passed_deadline_makes_no_call(db, names):
    fake = QueuedFakeLLM([GOOD_REPLY])
    result = run(fake, db, names, budget=-1)
    assert result.calls == 0 and fake.history == [] and result.error


class SlowFake(QueuedFakeLLM):
    def complete(self, messages, *, max_tokens=None, timeout=None):
        time.sleep(0.2)
        return super().complete(messages, max_tokens=max_tokens, timeout=timeout)


def test_repair_skipped_when_time_is_short(db, names):
    fake = SlowFake(['{"route": "sql", "sql": "SELECT x FROM nowhere"}', GOOD_REPLY])
    result = run(fake, db, names, budget=MIN_CALL_S + 0.1)
    assert result.calls == 1 and "no time" in result.error


def test_each_call_gets_the_time_left(db, names):
    fake = QueuedFakeLLM(['{"route": "sql", "sql": "SELECT x FROM nowhere"}', GOOD_REPLY])
    run(fake, db, names, budget=3)
    first, second = (o["timeout"] for o in fake.options)
    assert 0 < second <= first <= 3


def test_prompt_carries_question_history_and_capped_names(db):
    many = NameHints([f"Model-{i}" for i in range(400)] + ["GLM-4-9B-Chat"], ["MATH", "MMLU"])
    fake = QueuedFakeLLM(['{"route": "none", "sql": null}'])
    history = [{"role": "user", "content": "Tell me about GLM-4."}, {"role": "assistant", "content": "It is..."}]
    draft(QUESTION, history, fake, db, many, deadline=time.monotonic() + 5)
    system, user = fake.history[0]
    assert "CREATE TABLE scores" in system["content"]
    assert QUESTION in user["content"] and "Tell me about GLM-4." in user["content"]
    models_line = next(line for line in user["content"].splitlines() if line.startswith("Canonical model"))
    listed = models_line.split(": ", 1)[1].split("; ")
    assert len(listed) == MAX_NAMES and listed[0] == "GLM-4-9B-Chat"     # the one the question names comes first


def test_name_hints_from_db(names, db):
    _, rows = db.query("SELECT count(*) AS n FROM models")
    assert names.models and len(names.models) == min(rows[0]["n"], db.settings.sql_row_cap)
    assert "MATH" in names.benchmarks


# --- extraction from messy replies --------------------------------------------------------------------------

S = "SELECT value FROM scores WHERE model_id = 'GLM-4-9B-Chat'"
EXTRACT_SQL_CASES = [
    ("json", '{"route": "sql", "sql": "%s"}' % S, S),
    ("json_fence", '```json\n{"route": "sql", "sql": "%s"}\n```' % S, S),
    ("sql_fence_with_prose", f"Sure! Here it is:\n```sql\n{S};\n```\nThis returns the score.", S),
    ("bare_fence", f"```\n{S}\n```", S),
    ("leading_and_trailing_prose", f"The query is {S}; it returns one row.", S),
    ("bare_select_blank_line", f"{S}\n\nThis query finds the score.", S),
    ("single_quotes", "{'route': 'sql', 'sql': \"%s\"}" % S, S),
    ("python_dict_escaped_quotes", "{'route': 'sql', 'sql': 'SELECT 1 FROM scores WHERE b = \\'MATH\\''}",
     "SELECT 1 FROM scores WHERE b = 'MATH'"),
    ("json_newlines", '{"route":"sql","sql":"SELECT value\\nFROM scores\\nLIMIT 5;"}', "SELECT value\nFROM scores\nLIMIT 5"),
    ("semicolon_in_string", f"{S.replace('GLM-4-9B-Chat', 'a;b')}; done", S.replace("GLM-4-9B-Chat", "a;b")),
    ("with_cte", "```sql\nWITH t AS (SELECT * FROM scores) SELECT * FROM t\n```",
     "WITH t AS (SELECT * FROM scores) SELECT * FROM t"),
    ("lowercase_select", "select model_id from scores", "select model_id from scores"),
    ("truncated_json", '{"route": "sql", "sql": "SELECT model_id, value FROM sco', "SELECT model_id, value FROM sco"),
    ("trailing_comma_json", '{"route": "sql", "sql": "SELECT 1 FROM scores",}', "SELECT 1 FROM scores"),
    ("json_null_sql", '{"route": "text", "sql": null}', None),
    ("empty", "", None),
    ("whitespace", "   \n ", None),
    ("refusal", "I'm sorry, but I can't help with that.", None),
    ("prose_with_select_word", "Please select the best model.", None),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in EXTRACT_SQL_CASES], ids=[c[0] for c in EXTRACT_SQL_CASES])
def test_extract_sql(text, expected):
    assert extract_sql(text) == expected


EXTRACT_JSON_CASES = [
    ("plain", '{"route": "text", "sql": null}', {"route": "text", "sql": None}),
    ("fenced", '```json\n{"route": "none", "sql": null}\n```', {"route": "none", "sql": None}),
    ("prose_around", 'Answer: {"route": "sql", "sql": "SELECT 1"} -- hope this helps', {"route": "sql", "sql": "SELECT 1"}),
    ("single_quotes_and_null", "{'route': 'text', 'sql': null}", {"route": "text", "sql": None}),
    ("braces_inside_strings", '{"route": "sql", "sql": "SELECT \'{x}\' FROM scores"}',
     {"route": "sql", "sql": "SELECT '{x}' FROM scores"}),
    ("truncated", '{"route": "sql", "sql": "SELECT', None),
    ("empty", "", None),
    ("refusal", "I cannot help with that.", None),
    ("json_list_not_object", '["sql", "SELECT 1"]', None),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in EXTRACT_JSON_CASES], ids=[c[0] for c in EXTRACT_JSON_CASES])
def test_extract_json(text, expected):
    assert extract_json(text) == expected


def test_parse_reply_salvages_route_from_truncated_json():
    assert parse_reply('{"route": "text", "sq') == ("text", None)
    assert parse_reply('{"route": "SQL", "sql": "SELECT 1 FROM scores"}') == ("sql", "SELECT 1 FROM scores")


# --- the interface itself -----------------------------------------------------------------------------------

def test_queued_fake_replays_raises_and_records():
    fake = QueuedFakeLLM().enqueue(["one", ValueError("scripted")])
    assert fake.complete([{"role": "user", "content": "a"}]) == "one"
    with pytest.raises(ValueError, match="scripted"):
        fake.complete([{"role": "user", "content": "b"}])
    with pytest.raises(LLMError, match="queue is empty"):
        fake.complete([{"role": "user", "content": "c"}])
    assert [h[0]["content"] for h in fake.history] == ["a", "b", "c"]


def test_make_llm_is_none_without_configuration():
    assert make_llm(settings(openai_base_url=None)) is None
    llm = make_llm(settings(openai_base_url="http://127.0.0.1:9/v1", llm_model="x"))
    assert isinstance(llm, OpenAICompatible) and isinstance(llm, LLM) and "x" in llm.name


def test_llm_error_message_says_what_happened():
    error = LLMError("HTTP 500", "Check OPENAI_BASE_URL.", llm_name="m @ url")
    assert str(error) == ("m @ url call failed: HTTP 500; the deterministic answer was used instead. "
                          "Check OPENAI_BASE_URL.")


def test_embeddings_endpoint_is_deterministic():
    import openai
    with ScriptedServer() as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="none", max_retries=0, timeout=5)
        first = client.embeddings.create(model="e", input=["MATH score of GLM-4", "MATH score of GLM-4", "cats"])
        models = client.models.list()
    a, b, c = (d.embedding for d in first.data)
    assert a == b and a != c and abs(sum(x * x for x in a) - 1) < 1e-9
    assert [m.id for m in models.data] == ["scripted"]

