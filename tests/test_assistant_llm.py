"""LLM mode through the real Assistant: a real OpenAI-protocol server (llama.cpp serving SmolLM2) and our own
scripted server for faults. SmolLM2 is far too weak to answer well: these tests prove the protocol, the call
budget and that the fallback keeps every answer right within the time bound."""
from __future__ import annotations

import time

import pytest

from assistant import Assistant
from assistant.llm import make_llm
from assistant.settings import Settings
from tests.checks import abstains, assert_case, assert_numbers, has_number
from tests.llm_servers import ScriptedServer, refused_base_url

CASES = [
    {"q": "What is GLM-4-9B's MATH score?", "all": [30.4, 50.6]},
    {"q": "What is Grok 4's SWE-bench Verified score?", "abstain": True},
    {"q": "What is Qwen2-7B-Instruct's BrowseComp score?", "abstain": True, "forbid": [26.4, 21.3, 49.7]},
    {"q": "How did the Qwen2 team run the multilingual human evaluation?", "all": [1, 5], "kw_any": [["annotator"]]},
    {"q": "What sampling temperature was used for GLM-4.5 on SWE-bench Verified?", "all": [0.6]},
]
BOUND_S = 2.0


class Counting:
    def __init__(self, inner):
        self.inner, self.name, self.calls = inner, inner.name, 0

    def complete(self, messages, **kw):
        self.calls += 1
        return self.inner.complete(messages, **kw)


def assistant_for(db, base_url: str, timeout_s: float) -> tuple[Assistant, Counting]:
    settings = Settings(openai_base_url=base_url, openai_api_key="test", llm_model="test", llm_timeout_s=timeout_s,
                        llm_max_tokens=64)
    llm = Counting(make_llm(settings))
    assistant = Assistant(db, settings, llm=llm)
    assistant.text      # the passage index is built at start-up in the app; not part of an answer's time
    return assistant, llm


def ask_all(a: Assistant, llm: Counting, bound: float) -> None:
    for case in CASES:
        before = llm.calls
        start = time.monotonic()
        ans = a.ask(case["q"])
        elapsed = time.monotonic() - start
        assert_case(case, ans.text)
        assert llm.calls - before <= 2
        assert elapsed <= bound + 1.0, f"{case['q']} took {elapsed:.1f} s"


@pytest.mark.parametrize("mode", ["hang", "trickle", "500", "429", "malformed", "empty_choices", "null_content",
                                  "bad_sql", "truncated", "refusal"])
def test_faults_fall_back_to_right_answers_in_time(real_db, mode):
    with ScriptedServer(mode, stall_s=10) as server:
        a, llm = assistant_for(real_db, server.base_url, BOUND_S)
        ask_all(a, llm, BOUND_S)
        assert llm.calls >= 1


def test_connection_refused_falls_back(real_db):
    a, llm = assistant_for(real_db, refused_base_url(), BOUND_S)
    ask_all(a, llm, BOUND_S)


def test_llm_sql_that_the_guard_rejects_is_never_run(real_db):
    script = ['{"route": "sql", "sql": "DROP TABLE scores"}', '{"route": "sql", "sql": "SELECT * FROM read_csv(\'/etc/passwd\')"}']
    with ScriptedServer("ok", script=script) as server:
        a, llm = assistant_for(real_db, server.base_url, BOUND_S)
        ans = a.ask("What is Grok 4's SWE-bench Verified score?")
        assert "do not report" in ans.text and "root:" not in ans.text
        assert a.db.query("SELECT count(*) AS n FROM scores")[1][0]["n"] > 2000


def test_good_llm_sql_is_used_when_the_parser_finds_nothing(real_db):
    sql = ("SELECT model_id, benchmark_id, value, paper_id, table_no, raw_cell FROM scores "
           "WHERE benchmark_id = 'SWE-bench Verified' ORDER BY value DESC LIMIT 1")
    with ScriptedServer("ok", content='{"route": "sql", "sql": "%s"}' % sql) as server:
        a, llm = assistant_for(real_db, server.base_url, BOUND_S)
        ans = a.ask("Who tops the software-engineering leaderboard among the agents?")
        assert ans.llm_used and ans.route == "sql" and "70.4" in ans.text and ans.sql
        assert llm.calls == 1


def test_real_openai_protocol_server_smollm2(real_db, smollm2_url):
    a, llm = assistant_for(real_db, smollm2_url, 10.0)
    ans = a.ask("How did the Qwen2 team run the multilingual human evaluation?")
    assert llm.calls == 1, "the text path asks the LLM once to synthesise"
    assert_case(CASES[3], ans.text)
    ans = a.ask("Who tops the software-engineering leaderboard among the agents?")
    assert 2 <= llm.calls <= 3           # SQL, at most one repair, then the text path's synthesis
    ans = a.ask("What is GLM-4-9B's MATH score?")
    assert_numbers(ans.text, [30.4, 50.6])


@pytest.mark.xfail(strict=True, reason="known gap: with no plan and no usable LLM SQL, the text path answers with an "
                                       "unrelated passage instead of the top score or an abstention")
def test_question_the_rules_cannot_plan_is_answered_right_or_abstained(real_db):
    ans = Assistant(real_db, Settings(openai_api_key=None, openai_base_url=None)).ask(
        "Who tops the software-engineering leaderboard among the agents?")
    assert has_number(ans.text, 70.4) or abstains(ans.text), ans.text
