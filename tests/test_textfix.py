"""index.textfix on real snippets of the papers: LaTeX-mangled numbers, glued words, and words that must stay."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.textfix import build_vocab, default_vocab, math_to_text, repair, split_glued

PAPERS = Path(__file__).resolve().parent.parent / "data" / "papers"
GLM45 = PAPERS / "glm-4.5-report.md"


def paragraphs(path: Path) -> list[str]:
    return [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


@pytest.fixture(scope="module")
def glm_vocab():
    """The vocabulary the ingestion builds for the GLM-4.5 report (its own words plus common English)."""
    return build_vocab(paragraphs(GLM45))


# Exact strings from glm-4.5-report.md -> what search should see.
SNIPPETS = [
    (r"scoring $7 0 . 1 \%$ onTAU-Bench", "scoring 70.1% on TAU-Bench"),
    (r"outperforming Claude Opus 4 $( 1 8 . 8 \% )$ and close to o4-mini-high $( 2 8 . 3 \% )$ .",
     "outperforming Claude Opus 4 (18.8%) and close to o4-mini-high (28.3%)."),
    (r"resulting in a $2 \% - 4 \%$ improvement", "resulting in a 2%-4% improvement"),
    (r"configured withtemperature $_ { = 0 . 6 }$ , top $\mathtt { p } { = } 1 . 0$ . Terminal-Bench",
     "configured with temperature = 0.6, top p=1.0. Terminal-Bench"),
    (r"built upon $\mathrm { S l i m e ^ { 1 } }$ , an open-source framework",
     "built upon Slime^1, an open-source framework"),
    (r"iteration steps $N$ to 5,momentum $\mu$ to 0.95", "iteration steps N to 5, momentum μ to 0.95"),
    ("large languagemodel with 355B total parameters", "large language model with 355B total parameters"),
    ("featuring ahybrid reasoning method", "featuring a hybrid reasoning method"),
    ("Artificial GeneralIntelligence (AGI)", "Artificial General Intelligence (AGI)"),
    ("on thefollowing ARC benchmarks", "on the following ARC benchmarks"),
    ("direct response modes.Through multi-stage training", "direct response modes. Through multi-stage training"),
    ("from 0 to2.5e-4 and a decaying stage", "from 0 to 2.5e-4 and a decaying stage"),
    ("On average, GLM-4.5is the best competitor", "On average, GLM-4.5 is the best competitor"),
    ("the LLM as auser simulator", "the LLM as a user simulator"),
    ("GLM-4.5’sperformance is better", "GLM-4.5’s performance is better"),
    ("whether the meaning isconveyed correctly", "whether the meaning is conveyed correctly"),
]


@pytest.mark.parametrize("raw, fixed", SNIPPETS)
def test_repair_real_snippets(raw, fixed, glm_vocab):
    assert raw in GLM45.read_text(encoding="utf-8")            # the exact printed string
    assert repair(raw, glm_vocab) == fixed


@pytest.mark.parametrize("latex, text", [
    (r"7 0 . 1 \%", "70.1%"),
    (r"( 1 8 . 8 \% )", "(18.8%)"),
    (r"_ { = 0 . 6 }", "= 0.6"),
    (r"\mathtt { p } { = } 1 . 0", "p=1.0"),
    (r"\mathrm { S l i m e ^ { 1 } }", "Slime^1"),
    (r"\pi _ { \mathrm { o l d } }", "π_old"),
    (r"\{ y _ { 1 } , \ldots , y _ { k } \}", "{y_1, ..., y_k}"),
    (r"\textcircled { a } 5 1 2 \mathrm { > } 0", "@512>0"),
    (r"d_{\text{ffn}}", "d_ffn"),
    (r"1 , 0 0 0", "1,000"),
])
def test_math_to_text(latex, text):
    assert math_to_text(latex) == text


def test_display_math_is_readable(glm_vocab):
    block = next(p for p in paragraphs(GLM45) if p.startswith("$$") and "R e w a r d" in p)
    out = repair(block, glm_vocab)
    assert "$" not in out and "Reward" in out and "otherwise" in out and "\\text" not in out


@pytest.mark.parametrize("token, split", [
    ("languagemodel", "language model"), ("ahybrid", "a hybrid"), ("thefollowing", "the following"),
    ("withtemperature", "with temperature"), ("arepresented", "are presented"), ("muchfewer", "much fewer"),
    ("ArtificialGeneralIntelligence", "Artificial General Intelligence"),
    ("GeneralIntelligence", "General Intelligence"),
    ("andGemini", "and Gemini"), ("onTAU", "on TAU"), ("aFastText", "a FastText"), ("LLMsacross", "LLMs across"),
    ("RLdirectly", "RL directly"), ("DuringGRPO", "During GRPO"), ("Thetoken", "The token"),
    ("ClaudeOpus", "Claude Opus"), ("Mergingthe", "Merging the"),
])
def test_split_glued(token, split, glm_vocab):
    assert split_glued(token, glm_vocab) == split


@pytest.mark.parametrize("token", [
    "however", "benchmark", "pretraining", "multilingual", "instruction", "whereas", "standalone", "overfit",
    "underfitting", "dropout", "codebase", "runtime", "moderate", "usability", "meme", "meta", "assets",
    "MoE", "DeepSeek", "LiveCodeBench", "OpenHands", "BFloat", "GitHub", "HellaSwag", "iPhone", "vLLM",
    "Terminus", "Anand", "Diego", "Hardin", "Canon", "Airline", "compressor", "predictor", "editor",
])
def test_real_words_and_names_stay_whole(token, glm_vocab):
    assert split_glued(token, glm_vocab) == token
    assert split_glued(token) == token              # common words only, no corpus


@pytest.mark.parametrize("text", [
    "GLM-4.5 and GLM-4.5-Air", "GPT-4o", "SWE-bench Verified", "BFloat16 precision", "Qwen2-57B-A14B-Instruct",
    "https://github.com/zai-org/GLM-4.5", "the cl100k_base tokenizer", "get_weather", "images/9782be734f.jpg",
    "4,096 tokens and 131,072", "v0.34.0", "3rd overall and 2nd on agentic", "Z.ai, BigModel.cn",
    "pre-training and post-training", "e.g., i.e.,",
])
def test_repair_leaves_clean_text_alone(text, glm_vocab):
    assert repair(text, glm_vocab) == text


def test_hyphenated_line_break_is_joined(glm_vocab):
    assert repair("significant perfor-mance gains", glm_vocab) == "significant performance gains"


def test_markdown_escapes_undone():
    fixed = repair(r"the cl100k\_base tokenizer; scores range from 1\~5")
    assert fixed == "the cl100k_base tokenizer; scores range from 1~5"


@pytest.mark.parametrize("paper", sorted(PAPERS.glob("*.md")), ids=lambda p: p.stem)
def test_repair_every_paragraph(paper):
    """No LaTeX dollar pairs left, repair is idempotent, and clean papers barely change."""
    paras = paragraphs(paper)
    vocab = build_vocab(paras)
    changed = 0
    for p in paras:
        out = repair(p, vocab)
        assert repair(out, vocab) == out
        assert not ("$" in p and "$" in out)
        changed += out != p
    if "glm-4.5" not in paper.stem:
        assert changed <= 5, f"{changed} paragraphs of a clean paper changed"


def test_build_vocab_counts_words_seen_separately():
    vocab = build_vocab(["The Muon optimizer, the Muon update.", r"scored $7 0 . 1 \%$ with Muon"])
    assert vocab.counts["muon"] == 3 and vocab.cased["Muon"] == 3 and vocab.counts["the"] == 2
    assert vocab.known("muon") and vocab.known("the") and not vocab.known("languagemodel")
    assert default_vocab().known("benchmark") and not default_vocab().counts
