"""Table-driven tests for index.names over the header strings printed in data/papers."""
import re
from pathlib import Path

import pytest

from index.seed import SEED as lexicon
from index.names import (FACT_ATTRIBUTES, MODEL_FAMILIES, Benchmark, benchmarks_in,
                         fact_attribute, looks_like_model, lookup_benchmark, model_key,
                         normalize_setting, parse_model, split_model_suffix)

PAPERS = Path(__file__).resolve().parents[1] / "data" / "papers"

# raw header -> (canonical, family, size_b, active_b, variant, version)
MODELS = [
    # qwen2-blog.md: model info + base tables (no implied variant: sized bare name = base)
    ("Qwen2-0.5B", "Qwen2-0.5B", "Qwen2", 0.5, None, "base", None),
    ("Qwen2-57B-A14B", "Qwen2-57B-A14B", "Qwen2", 57.0, 14.0, "base", None),
    ("****Qwen2-57B-A14B****", "Qwen2-57B-A14B", "Qwen2", 57.0, 14.0, "base", None),
    ("**Qwen2-72B**", "Qwen2-72B", "Qwen2", 72.0, None, "base", None),
    ("DeepSeek-V2", "DeepSeek-V2", "DeepSeek-V2", None, None, "base", None),
    ("Mixtral-8x22B", "Mixtral-8x22B", "Mixtral", 176.0, None, "base", None),
    ("Mixtral-8x7B", "Mixtral-8x7B", "Mixtral", 56.0, None, "base", None),
    ("Llama-3-70B", "Llama-3-70B", "Llama-3", 70.0, None, "base", None),
    ("Qwen1.5-110B", "Qwen1.5-110B", "Qwen1.5", 110.0, None, "base", None),
    ("Yi-1.5-34B", "Yi-1.5-34B", "Yi-1.5", 34.0, None, "base", None),
    ("Jamba", "Jamba", "Jamba", None, None, "base", None),
    ("Mistral-7B", "Mistral-7B", "Mistral", 7.0, None, "base", None),
    ("Gemma-7B", "Gemma-7B", "Gemma", 7.0, None, "base", None),
    ("Gemma-2B", "Gemma-2B", "Gemma", 2.0, None, "base", None),
    ("Phi-2", "Phi-2", "Phi-2", None, None, "base", None),
    ("MiniCPM", "MiniCPM", "MiniCPM", None, None, None, None),
    ("Qwen1.5-1.8B", "Qwen1.5-1.8B", "Qwen1.5", 1.8, None, "base", None),
    # qwen2-blog.md: instruct tables, multilingual tables
    ("Llama-3-70B-Instruct", "Llama-3-70B-Instruct", "Llama-3", 70.0, None, "chat", None),
    ("Qwen1.5-72B-Chat", "Qwen1.5-72B-Chat", "Qwen1.5", 72.0, None, "chat", None),
    ("**Qwen2-72B-Instruct**", "Qwen2-72B-Instruct", "Qwen2", 72.0, None, "chat", None),
    ("Mixtral-8x7B-Instruct-v0.1", "Mixtral-8x7B-Instruct (v0.1)", "Mixtral", 56.0, None, "chat",
     "v0.1"),
    ("GLM-4-9B-Chat", "GLM-4-9B-Chat", "GLM-4", 9.0, None, "chat", None),
    ("Mistral-8x22B", "Mixtral-8x22B-Instruct", "Mixtral", 176.0, None, "chat", None),
    ("GPT-4-0613", "GPT-4 (0613)", "GPT-4", None, None, None, "0613"),
    ("GPT-4-Turbo-0409", "GPT-4 Turbo (0409)", "GPT-4 Turbo", None, None, None, "0409"),
    ("GPT-4o-0513", "GPT-4o (0513)", "GPT-4o", None, None, None, "0513"),
    ("Claude-3-Opus-20240229", "Claude 3 Opus (0229)", "Claude 3 Opus", None, None, None, "0229"),
    ("Claude-3-Sonnet-20240229", "Claude 3 Sonnet (0229)", "Claude 3 Sonnet", None, None, None,
     "0229"),
    ("command-r-plus-110b", "Command R+ 110B", "Command R+", 110.0, None, None, None),
    ("GPT-3.5-Turbo-1106", "GPT-3.5 Turbo (1106)", "GPT-3.5 Turbo", None, None, None, "1106"),
    # qwen2-tech-report-instruct-eval.md
    ("GPT-4o-2024-05-13", "GPT-4o (0513)", "GPT-4o", None, None, None, "0513"),
    ("Qwen-Max-0428", "Qwen-Max (0428)", "Qwen", None, None, None, "0428"),
    ("Qwen1.5-MoE-A2.7B-Chat", "Qwen1.5-MoE-A2.7B-Chat", "Qwen1.5", None, 2.7, "chat", None),
    ("ChatGLM4-9B-1M", "GLM-4-9B-Chat-1M", "GLM-4", 9.0, None, "long-context", None),
    ("Qwen2-7B-Instruct + YARN + DCA", "Qwen2-7B-Instruct", "Qwen2", 7.0, None, "chat", None),
    ("GPT-3.5-Turbo", "GPT-3.5 Turbo", "GPT-3.5 Turbo", None, None, None, None),
    ("GPT-4-Turbo", "GPT-4 Turbo", "GPT-4 Turbo", None, None, None, None),
    ("Claude-3-Opus", "Claude 3 Opus", "Claude 3 Opus", None, None, None, None),
    ("GPT-4", "GPT-4", "GPT-4", None, None, None, None),
    # chatglm-glm4-report.md (tab-separated tables)
    ("ChatGLM-6B (2023-03-14)", "ChatGLM-6B (0314)", "ChatGLM", 6.0, None, "chat", "0314"),
    ("ChatGLM2-6B (2023-06-25)", "ChatGLM2-6B (0625)", "ChatGLM2", 6.0, None, "chat", "0625"),
    ("ChatGLM3-6B-Base (2023-10-27)", "ChatGLM3-6B-Base (1027)", "ChatGLM3", 6.0, None, "base",
     "1027"),
    ("GLM-4-9B (2024-06-05)", "GLM-4-9B (0605)", "GLM-4", 9.0, None, "base", "0605"),
    ("GLM-4-9B", "GLM-4-9B", "GLM-4", 9.0, None, "base", None),
    ("ChatGLM3-6B", "ChatGLM3-6B", "ChatGLM3", 6.0, None, "chat", None),
    ("GPT-4 (0314)", "GPT-4 (0314)", "GPT-4", None, None, None, "0314"),
    ("GPT-4 Turbo (2024-04-09)", "GPT-4 Turbo (0409)", "GPT-4 Turbo", None, None, None, "0409"),
    ("Claude 3 Opus", "Claude 3 Opus", "Claude 3 Opus", None, None, None, None),
    ("Claude 2", "Claude 2", "Claude 2", None, None, None, None),
    ("Gemini 1.5 Pro", "Gemini 1.5 Pro", "Gemini 1.5 Pro", None, None, None, None),
    ("GLM-4-Air (0605)", "GLM-4-Air (0605)", "GLM-4", None, None, None, "0605"),
    ("GLM-4 (0520)", "GLM-4 (0520)", "GLM-4", None, None, None, "0520"),
    ("GPT-4o (2024-05-13)", "GPT-4o (0513)", "GPT-4o", None, None, None, "0513"),
    ("GLM-4 All Tools (Web, 0116)", "GLM-4 All Tools (0116)", "GLM-4", None, None, "tools",
     "0116"),
    ("GPT-4 (Web, 0110)", "GPT-4 (0110)", "GPT-4", None, None, None, "0110"),
    # glm-4.5-report.md (<td> tables)
    ("GLM-4.5", "GLM-4.5", "GLM-4.5", None, None, "chat", None),
    ("GLM-4.5-Air", "GLM-4.5-Air", "GLM-4.5", None, None, "chat", None),
    ("GLM-4.5 Base", "GLM-4.5-Base", "GLM-4.5", None, None, "base", None),
    ("DeepSeek-V3", "DeepSeek-V3", "DeepSeek-V3", None, None, "chat", None),
    ("DeepSeek-V3 Base", "DeepSeek-V3-Base", "DeepSeek-V3", None, None, "base", None),
    ("DeepSeek V3 0324", "DeepSeek-V3 (0324)", "DeepSeek-V3", None, None, "chat", "0324"),
    ("Kimi K2", "Kimi-K2", "Kimi-K2", None, None, "chat", None),
    ("Kimi-K2 Base", "Kimi-K2-Base", "Kimi-K2", None, None, "base", None),
    ("Qwen3-235B-A22B Base", "Qwen3-235B-A22B-Base", "Qwen3", 235.0, 22.0, "base", None),
    ("Qwen3 235B 2507", "Qwen3-235B-A22B (2507)", "Qwen3", 235.0, 22.0, "chat", "2507"),
    ("Llama4-Maverick 400B Base", "Llama-4-Maverick-400B", "Llama-4", 400.0, None, "base", None),
    ("DeepSeek R1 0528", "DeepSeek-R1 (0528)", "DeepSeek-R1", None, None, "chat", "0528"),
    ("o3", "o3", "o3", None, None, None, None),
    ("o4mini", "o4-mini", "o4-mini", None, None, None, None),
    ("GPT-4.1", "GPT-4.1", "GPT-4.1", None, None, None, None),
    ("ClaudeOpus 4", "Claude Opus 4", "Claude Opus 4", None, None, None, None),
    ("ClaudeSonnet 4", "Claude Sonnet 4", "Claude Sonnet 4", None, None, None, None),
    ("Gemini2.5 Pro", "Gemini 2.5 Pro", "Gemini 2.5 Pro", None, None, None, None),
    ("Grok 4", "Grok 4", "Grok 4", None, None, None, None),
    ("Qwen-MT-plus", "Qwen-MT-Plus", "Qwen", None, None, None, None),
    ("Seed-X", "Seed-X", "Seed-X", None, None, None, None),
]


@pytest.mark.parametrize("raw,canonical,family,size,active,variant,version", MODELS)
def test_parse_model_paper_headers(raw, canonical, family, size, active, variant, version):
    m = parse_model(raw)
    assert m is not None, raw
    assert (m.canonical, m.family, m.size_b, m.active_b, m.variant, m.version) == \
        (canonical, family, size, active, variant, version)


# Captions say '"-Instruct" or "-Chat" is omitted in the table' -> implied_variant='chat'.
IMPLIED = [
    ("GLM-4-9B", "chat", "GLM-4-9B-Chat", "chat"),
    ("Qwen2-72B", "chat", "Qwen2-72B-Instruct", "chat"),
    ("Qwen2-57B-A14B", "chat", "Qwen2-57B-A14B-Instruct", "chat"),
    ("Llama-3-70B", "chat", "Llama-3-70B-Instruct", "chat"),
    ("Llama-3-8B", "chat", "Llama-3-8B-Instruct", "chat"),
    ("Qwen1.5-72B", "chat", "Qwen1.5-72B-Chat", "chat"),
    ("Qwen1.5-0.5B", "chat", "Qwen1.5-0.5B-Chat", "chat"),
    ("Yi-1.5-9B", "chat", "Yi-1.5-9B-Chat", "chat"),
    ("Yi-1.5-34B", "chat", "Yi-1.5-34B-Chat", "chat"),
    ("Mixtral-8x22B", "chat", "Mixtral-8x22B-Instruct", "chat"),
    ("Mixtral-8x7B", "chat", "Mixtral-8x7B-Instruct", "chat"),
    ("Qwen2-72B-Instruct", "chat", "Qwen2-72B-Instruct", "chat"),
    ("GPT-4", "chat", "GPT-4", None),                     # API models are unaffected
    ("GLM-4 (0520)", "chat", "GLM-4 (0520)", None),
    ("Kimi-K2", "chat", "Kimi-K2", "chat"),
    ("Qwen2-72B", "base", "Qwen2-72B", "base"),
    ("Kimi-K2 Base", "base", "Kimi-K2-Base", "base"),
    ("GLM-4.5 Base", "base", "GLM-4.5-Base", "base"),
    ("DeepSeek-V3", "base", "DeepSeek-V3-Base", "base"),
    ("Qwen2-72B-Instruct", "base", "Qwen2-72B-Instruct", "chat"),   # explicit suffix wins
]


@pytest.mark.parametrize("raw,implied,canonical,variant", IMPLIED)
def test_implied_variant(raw, implied, canonical, variant):
    m = parse_model(raw, implied_variant=implied)
    assert (m.canonical, m.variant) == (canonical, variant)


SAME = [
    ["GPT-4 Turbo (2024-04-09)", "GPT-4-Turbo-0409", "gpt-4-turbo-2024-04-09"],
    ["GPT-4o-0513", "GPT-4o (2024-05-13)", "GPT-4o-2024-05-13"],
    ["GPT-4 (0613)", "GPT-4-0613"],
    ["Claude-3-Opus-20240229", "Claude 3 Opus (0229)", "Claude-3-Opus-0229"],
    ["Claude Opus 4", "ClaudeOpus 4"],
    ["Kimi K2", "KimiK2", "Kimi-K2", "Kimi-K2-Instruct"],
    ["Gemini 2.5 Pro", "Gemini2.5 Pro", "Gemini-2.5-Pro"],
    ["o4mini", "o4-mini"],
    ["DeepSeek R1 0528", "DeepSeek-R1-0528", "Deepseek R1 0528"],
    ["DeepSeek-V3-0324", "DeepSeek V3 0324"],
    ["Qwen3 235B", "Qwen3-235B-A22B"],
    ["ChatGLM4-9B-1M", "GLM-4-9B-Chat-1M"],
    ["Mistral-8x22B", "Mixtral-8x22B-Instruct"],
    ["Qwen2-72B-Instruct", "qwen2 72b instruct", "Qwen2_72B_Instruct", "Qwen/Qwen2-72B-Instruct"],
]


@pytest.mark.parametrize("names", SAME)
def test_same_model_same_canonical(names):
    assert len({parse_model(n).canonical for n in names}) == 1, names


NEVER_MERGE = [
    ("Qwen2-72B", "Qwen2-72B-Instruct"),
    ("Kimi-K2", "Kimi-K2 Base"),
    ("DeepSeek-V3", "DeepSeek-V3 Base"),
    ("DeepSeek-V3", "DeepSeek V3 0324"),
    ("DeepSeek-V3 Base", "DeepSeek V3 0324"),
    ("Qwen3-235B-A22B Base", "Qwen3 235B 2507"),
    ("Qwen3 235B", "Qwen3 235B 2507"),
    ("GLM-4 (0520)", "GLM-4 (0116)"),
    ("GLM-4 (0520)", "GLM-4-Air (0605)"),
    ("GLM-4-9B-Chat", "GLM-4-9B-Chat-1M"),
    ("GLM-4-9B", "GLM-4-9B-Chat"),
    ("GLM-4 (0116)", "GLM-4 All Tools (Web, 0116)"),
    ("GPT-4 (0314)", "GPT-4 (0613)"),
    ("GPT-4 Turbo (1106)", "GPT-4 Turbo (2024-04-09)"),
    ("Claude 3 Opus", "Claude Opus 4"),
    ("Claude Opus 4", "Claude Sonnet 4"),
    ("GPT-4", "GPT-4 Turbo"), ("GPT-4", "GPT-4o"), ("GPT-4o", "GPT-4.1"), ("GPT-4", "GPT-4.1"),
    ("GPT-4o", "GPT-4o-mini"),
    ("o3", "o4-mini"), ("o3", "o3-mini"),
    ("Qwen2-7B", "Qwen2-72B"), ("Qwen2-1.5B", "Qwen1.5-1.8B"), ("Qwen2-72B", "Qwen1.5-72B"),
    ("Mixtral-8x7B", "Mixtral-8x22B"), ("Mistral-7B", "Mixtral-8x7B"),
    ("GLM-4.5", "GLM-4.5-Air"), ("GLM-4.5", "GLM-4"),
    ("ChatGLM3-6B", "ChatGLM3-6B-Base (2023-10-27)"),
    ("Mixtral-8x7B-Instruct-v0.1", "Mixtral-8x7B-Instruct-v0.2"),
]


@pytest.mark.parametrize("a,b", NEVER_MERGE)
def test_never_merge(a, b):
    assert parse_model(a).canonical != parse_model(b).canonical
    assert model_key(parse_model(a).canonical) != model_key(parse_model(b).canonical)


NOT_MODELS = ["MMLU", "English", "Average", "Datasets", "Dataset", "8k", "128k", "Original",
              "L-P", "S-P", "Knowledge", "Python Interpreter", "Architecture", "Models", "Model",
              "Benchmark (Metric)", "*Qwen1.5 Series*", "*Llama-3 Series*",
              "**_Proprietary LLMs_**", "**_Open-source LLMs_**", "_**English**_",
              "# Params", "Non-Contam.", "Delta", "Percent of Contamination", "Test set",
              "Math", "LiveCodeBench-Base (Pass@1)", "Web Shopping", "Python (en)", "Avg.",
              "Subj. QA", "Role Play", "Risk Category", "72B", "0.35B", "MoE", "Dense",
              "Information Seeking", "AST Summary", "ar", "zh", "Language", "Score", "", "-"]


@pytest.mark.parametrize("raw", NOT_MODELS)
def test_not_a_model(raw):
    assert parse_model(raw) is None
    assert not looks_like_model(raw)


UNSEEN_MODELS = [
    ("Phi-3-mini", "Phi-3-mini", None),
    ("Gemma-2-27B-it", "Gemma-2-27B-it", "chat"),
    ("Falcon-180B", "Falcon-180B", "base"),
    ("InternLM2-20B", "InternLM2-20B", "base"),
    ("Mistral-Large-2", "Mistral-Large-2", None),
    ("Nemotron-4-340B", "Nemotron-4-340B", "base"),
    ("DBRX", "DBRX", None),
    ("Command R+", "Command R+", None),
    ("Meta-Llama-3.1-405B-Instruct", "Llama-3.1-405B-Instruct", "chat"),
    ("claude-3-5-sonnet-20241022", "Claude 3.5 Sonnet (1022)", None),
    ("gpt-4o-mini", "GPT-4o mini", None),
    ("Qwen2.5-72B-Instruct", "Qwen2.5-72B-Instruct", "chat"),
    ("OLMo-2-13B-Instruct", "OLMo-2-13B-Instruct", "chat"),
    ("Baichuan2-13B-Chat", "Baichuan2-13B-Chat", "chat"),
    ("Zorblax-70B", "Zorblax-70B", "base"),
    ("o1-preview", "o1-preview", None),
    ("Gemini-2.5-Pro-Preview-05-06", "Gemini 2.5 Pro Preview (0506)", None),
    ("Falcon 180B Chat", "Falcon-180B-Chat", "chat"),
    ("Llama-4-Scout-17B-16E-Instruct", "Llama-4-Scout-17B-16E-Instruct", "chat"),
    ("Mistral 7B Instruct v0.3", "Mistral-7B-Instruct (v0.3)", "chat"),
    ("Llama-2-70b-chat", "Llama-2-70B-Chat", "chat"),
]


@pytest.mark.parametrize("raw,canonical,variant", UNSEEN_MODELS)
def test_unseen_models(raw, canonical, variant):
    assert looks_like_model(raw)
    m = parse_model(raw)
    assert (m.canonical, m.variant) == (canonical, variant)


@pytest.mark.parametrize("raw,expected", [
    ("Qwen2-7B-Instruct + YARN + DCA", ("Qwen2-7B-Instruct", "YARN+DCA")),
    ("Qwen2-72B-Instruct + YARN + DCA", ("Qwen2-72B-Instruct", "YARN+DCA")),
    ("GLM-4 All Tools (Web, 0116)", ("GLM-4 All Tools (0116)", "Web")),
    ("GPT-4 (Web, 0110)", ("GPT-4 (0110)", "Web")),
    ("ChatGLM-6B (2023-03-14)", ("ChatGLM-6B (2023-03-14)", None)),
    ("Qwen2-72B", ("Qwen2-72B", None)),
    ("**Qwen2-72B-Instruct**", ("Qwen2-72B-Instruct", None)),
    ("Command R+", ("Command R+", None)),
])
def test_split_model_suffix(raw, expected):
    assert split_model_suffix(raw) == expected


def test_model_key():
    assert model_key("Qwen2-72B-Instruct") == model_key("qwen2 72b instruct") \
        == model_key("Qwen2_72B_Instruct") == model_key("**Qwen2-72B-Instruct**")
    assert model_key("GLM-4.5") != model_key("GLM-45")
    assert model_key("Command R+") != model_key("Command R")


def test_model_families_exported():
    for fam in ("Qwen", "GLM", "ChatGLM", "Llama", "Mixtral", "GPT", "Claude", "Gemini", "o3"):
        assert fam in MODEL_FAMILIES


# raw header -> (canonical, family, category, metric)
BENCHMARKS = [
    ("MMLU", "MMLU", "MMLU", "knowledge", None),
    ("MMLU-Pro", "MMLU-Pro", "MMLU-Pro", "knowledge", None),
    ("MMLU Pro", "MMLU-Pro", "MMLU-Pro", "knowledge", None),
    ("GPQA", "GPQA", "GPQA", "knowledge", None),
    ("Theorem QA", "Theorem QA", "Theorem QA", "reasoning", None),
    ("TheroemQA", "Theorem QA", "Theorem QA", "reasoning", None),
    ("BBH", "BBH", "BBH", "reasoning", None),
    ("WindoGrande", "Winogrande", "Winogrande", "commonsense", None),
    ("ARC-C", "ARC-C", "ARC", "commonsense", None),
    ("Humaneval", "HumanEval", "HumanEval", "coding", None),
    ("Evalplus", "EvalPlus", "EvalPlus", "coding", None),
    ("MultiPL-E", "MultiPL-E", "MultiPL-E", "coding", None),
    ("Mulit-Exam", "Multi-Exam", "Multi-Exam", "multilingual", None),
    ("Multi-Understanding", "Multi-Understanding", "Multi-Understanding", "multilingual", None),
    ("C-Eval", "C-Eval", "C-Eval", "chinese", None),
    ("   ***English***  ", None, None, None, None),
    ("IFEval (Prompt Strict-Acc.)", "IFEval", "IFEval", "instruction following",
     "strict prompt-level"),
    ("IFEval *strict-prompt*", "IFEval", "IFEval", "instruction following",
     "strict prompt-level"),
    ("LiveCodeBench *v1*", "LiveCodeBench v1", "LiveCodeBench", "coding", None),
    ("LiveCodeBench", "LiveCodeBench", "LiveCodeBench", "coding", None),
    ("LCB", "LiveCodeBench", "LiveCodeBench", "coding", None),
    ("LCB (2407-2501)", "LiveCodeBench (2407-2501)", "LiveCodeBench", "coding", None),
    ("MixEval", "MixEval", "MixEval", "alignment", None),
    ("MT-Bench", "MT-Bench", "MT-Bench", "alignment", None),
    ("Arena-Hard", "Arena-Hard", "Arena-Hard", "alignment", None),
    ("AlignBench", "AlignBench", "AlignBench", "alignment", None),
    ("M-MMLU (5-shot)", "M-MMLU", "M-MMLU", "multilingual", "5-shot"),
    ("MGSM (0-shot, CoT)", "MGSM", "MGSM", "multilingual", "0-shot, CoT"),
    ("Math", "MATH", "MATH", "math", None),
    ("MATH 500", "MATH 500", "MATH 500", "math", None),
    ("MATH-500", "MATH 500", "MATH 500", "math", None),
    ("Math23K", "Math23K", "Math23K", "math", None),
    ("GAOKAO-Bench", "GAOKAO-Bench", "GAOKAO-Bench", "chinese", None),
    ("C3", "C3", "C3", "chinese", None),
    ("CLUEWSC (EM)", "CLUEWSC", "CLUEWSC", "chinese", "EM"),
    ("Chinese-SimpleQA (EM)", "Chinese-SimpleQA", "Chinese-SimpleQA", "chinese", "EM"),
    ("SimpleQA (EM)", "SimpleQA", "SimpleQA", "knowledge", "EM"),
    ("TriviaQA (EM)", "TriviaQA", "TriviaQA", "knowledge", "EM"),
    ("EvalPlus (Pass@1)", "EvalPlus", "EvalPlus", "coding", "Pass@1"),
    ("LiveCodeBench-Base (Pass@1)", "LiveCodeBench-Base", "LiveCodeBench", "coding", "Pass@1"),
    ("BoolQ", "BoolQ", "BoolQ", "reading comprehension", None),
    ("CommonSenseQA", "CommonSenseQA", "CommonSenseQA", "commonsense", None),
    ("PIQA (EM)", "PIQA", "PIQA", "commonsense", "EM"),
    ("DROP", "DROP", "DROP", "reading comprehension", None),
    ("TAU-Retail", "TAU-bench Retail", "TAU-bench", "agentic", None),
    ("TAU-Airline", "TAU-bench Airline", "TAU-bench", "agentic", None),
    ("TAU-Bench", "TAU-bench", "TAU-bench", "agentic", None),
    ("BFCL V3", "BFCL V3", "BFCL", "agentic", None),
    ("BFCL v3 (Full)", "BFCL V3", "BFCL", "agentic", "Full"),
    ("Berkeley Function Call Leaderboard", "BFCL", "BFCL", "agentic", None),
    ("BrowseComp", "BrowseComp", "BrowseComp", "agentic", None),
    ("AIME 24", "AIME 24", "AIME", "math", None),
    ("SciCode", "SciCode", "SciCode", "coding", None),
    ("HLE", "HLE", "HLE", "reasoning", None),
    ("Humanity's Last Exam", "HLE", "HLE", "reasoning", None),
    ("AA-Index (Est.)", "AA-Index", "AA-Index", "other", "Est."),
    ("SWE-bench Verified", "SWE-bench Verified", "SWE-bench", "coding", None),
    ("SWE-Bench Verified", "SWE-bench Verified", "SWE-bench", "coding", None),
    ("Terminal-Bench", "Terminal-Bench", "Terminal-Bench", "coding", None),
    ("SysBench (ISR)", "SysBench", "SysBench", "instruction following", "ISR"),
    ("MultiChallenge", "MultiChallenge", "MultiChallenge", "instruction following", None),
    ("NCB", "NaturalCodeBench", "NaturalCodeBench", "coding", None),
    ("NaturalCodeBench (NCB)", "NaturalCodeBench", "NaturalCodeBench", "coding", None),
    ("SafetyBench", "SafetyBench", "SafetyBench", "safety", None),
    ("LongBench-Chat", "LongBench-Chat", "LongBench-Chat", "long context", None),
    ("NeedleBench", "NeedleBench", "NeedleBench", "long context", None),
    ("LV-Eval", "LV-Eval", "LV-Eval", "long context", None),
    ("AgentBench", "AgentBench", "AgentBench", "agentic", None),
    ("IFEval", "IFEval", "IFEval", "instruction following", None),
    ("HumanEval+", "HumanEval+", "HumanEval+", "coding", None),
    ("HumanEval-X", "HumanEval-X", "HumanEval-X", "coding", None),
    ("GPQA-Diamond", "GPQA Diamond", "GPQA", "knowledge", None),
    # not benchmarks
    ("Knowledge", None, None, None, None),
    ("Overall", None, None, None, None),
    ("Python (en)", None, None, None, None),
    ("Qwen2-72B", None, None, None, None),
    ("Architecture", None, None, None, None),
    ("Information Seeking", None, None, None, None),
]


@pytest.mark.parametrize("raw,canonical,family,category,metric", BENCHMARKS)
def test_lookup_benchmark(raw, canonical, family, category, metric):
    got = lookup_benchmark(raw)
    if canonical is None:
        assert got is None
        return
    assert got == (Benchmark(canonical, family, category), metric)


UNSEEN_BENCHMARKS = [
    ("ARC-E", "ARC-E"), ("OpenBookQA", "OpenBookQA"), ("SIQA", "SIQA"), ("LAMBADA", "LAMBADA"),
    ("RACE", "RACE"), ("NaturalQuestions", "NaturalQuestions"), ("SQuAD", "SQuAD"),
    ("MMMU", "MMMU"), ("MathVista", "MathVista"), ("AIME 2025", "AIME 25"), ("HMMT", "HMMT"),
    ("OlympiadBench", "OlympiadBench"), ("Codeforces", "Codeforces"), ("APPS", "APPS"),
    ("DS-1000", "DS-1000"), ("CRUXEval", "CRUXEval"), ("BigCodeBench", "BigCodeBench"),
    ("SWE-bench Lite", "SWE-bench Lite"), ("Aider", "Aider"), ("tau2-bench", "tau2-bench"),
    ("τ²-bench Retail", "tau2-bench Retail"), ("GAIA", "GAIA"), ("WebArena", "WebArena"),
    ("OSWorld", "OSWorld"), ("RULER", "RULER"), ("LongBench", "LongBench"),
    ("LongBench v2", "LongBench v2"), ("InfiniteBench", "InfiniteBench"),
    ("NIAH", "Needle in a Haystack"), ("Needle in a Haystack", "Needle in a Haystack"),
    ("AlpacaEval 2.0", "AlpacaEval 2.0"), ("WildBench", "WildBench"),
    ("Chatbot Arena Elo", "Chatbot Arena"), ("FollowBench", "FollowBench"),
    ("ToxiGen", "ToxiGen"), ("BBQ", "BBQ"), ("XSTest", "XSTest"), ("MMLU-Redux", "MMLU-Redux"),
    ("SuperGPQA", "SuperGPQA"), ("GPQA Diamond", "GPQA Diamond"), ("GSM-Hard", "GSM-Hard"),
    ("Flores-101", "Flores-101"), ("XNLI", "XNLI"), ("XCOPA", "XCOPA"),
    ("XWinograd", "XWinograd"), ("XStoryCloze", "XStoryCloze"), ("PAWS-X", "PAWS-X"),
    ("BELEBELE", "BELEBELE"), ("M3Exam", "M3Exam"), ("IndoMMLU", "IndoMMLU"),
    ("ruMMLU", "ruMMLU"), ("KoMMLU", "KMMLU"), ("JMMLU", "JMMLU"), ("AGIEval", "AGIEval"),
    ("CLUE", "CLUE"), ("CEval-Hard", "C-Eval Hard"), ("LiveCodeBench v6", "LiveCodeBench v6"),
]


@pytest.mark.parametrize("raw,canonical", UNSEEN_BENCHMARKS)
def test_unseen_benchmarks(raw, canonical):
    got = lookup_benchmark(raw)
    assert got is not None and got[0].canonical == canonical


def test_benchmark_families_and_categories():
    def fam(raw):
        return lookup_benchmark(raw)[0].family
    assert fam("LiveCodeBench v1") == fam("LCB (2407-2501)") == fam("LCB") == "LiveCodeBench"
    assert fam("BFCL V3") == fam("BFCL") == "BFCL"
    for a, b in [("MATH", "MATH 500"), ("MMLU", "MMLU-Pro"), ("MMLU", "M-MMLU"),
                 ("SimpleQA", "Chinese-SimpleQA"), ("HumanEval", "HumanEval-X"),
                 ("HumanEval", "HumanEval+"), ("LongBench", "LongBench-Chat")]:
        assert fam(a) != fam(b), (a, b)
    assert len(lexicon.BENCHMARKS) >= 150
    assert all(row[1] in lexicon.CATEGORIES for row in lexicon.BENCHMARKS)


def test_lexicon_aliases_do_not_collide():
    from index.names import _bkey
    owner = {}
    for canonical, _cat, _fam, aliases in lexicon.BENCHMARKS:
        for alias in (canonical, *aliases):
            assert owner.setdefault(_bkey(alias), canonical) == canonical, alias


def test_version_from_caption_context():
    caption = ("Table 4: Results on Reasoning Benchmarks. HLE represents Humanity’s Last Exam "
               "[28] and LCB represents LiveCodeBench (2407-2501) [19].")
    assert lookup_benchmark("LCB", caption)[0].canonical == "LiveCodeBench (2407-2501)"
    assert lookup_benchmark("LCB")[0].canonical == "LiveCodeBench"
    assert lookup_benchmark("HLE", caption)[0].canonical == "HLE"
    assert lookup_benchmark("MATH", "MATH 500 and MATH")[0].canonical == "MATH"


@pytest.mark.parametrize("text,expected", [
    ("GLM-4 performance on AgentBench [25].", ["AgentBench"]),
    ("Results on SWE-bench Verified and Terminal-Bench", ["SWE-bench Verified", "Terminal-Bench"]),
    ("GLM performance on the Berkeley Function Call Leaderboard.", ["BFCL"]),
    ("Table 3: Results on Agentic Benchmarks. TAU represents TAU-bench [48] and BFCL represents"
     "Berkeley Function Calling Leaderboard [26].", ["TAU-bench", "BFCL"]),
    ("Performance of Qwen2-72B-Instruct and Qwen2-7B-Instruct on NeedleBench and LV-Eval.",
     ["NeedleBench", "LV-Eval"]),
    ("GLM-4 performance on NaturalCodeBench (NCB) [55]", ["NaturalCodeBench"]),
    ("GLM-4 performance on IFEval [62], an LLM instruction following benchmark.", ["IFEval"]),
    ("MMLU, GSM8K, MATH, BBH, GPQA, and HumanEval",
     ["MMLU", "GSM8K", "MATH", "BBH", "GPQA", "HumanEval"]),
    ("Mathematics, math and C3PO; we do not answer", []),
    ("HumanEval+ and MATH-500", ["HumanEval+", "MATH 500"]),
    ("Table 2: GLM-4 performance on academic benchmarks.", []),
])
def test_benchmarks_in(text, expected):
    assert [b.canonical for b in benchmarks_in(text)] == expected


@pytest.mark.parametrize("raw,expected", [
    ("S-P", "strict prompt-level"), ("strict-prompt", "strict prompt-level"),
    ("Prompt Strict-Acc.", "strict prompt-level"), ("Prompt Strict", "strict prompt-level"),
    ("L-I", "loose instruction-level"), ("S-I", "strict instruction-level"),
    ("L-P", "loose prompt-level"), ("8k", "8k"), ("8K", "8k"), ("128K", "128k"), ("1M", "1m"),
    ("Non-Contam.", "non-contaminated"), ("**Original**", "Original"),
    ("  Python   (en) ", "Python (en)"), ("EM", "EM"), ("Pass@1", "Pass@1"),
])
def test_normalize_setting(raw, expected):
    assert normalize_setting(raw) == expected


FACTS = [
    ("# Total Parameters", "total_params"), ("#Params", "total_params"),
    ("# Params", "total_params"), ("# Total Params", "total_params"),
    ("# Activated Parameters", "active_params"), ("#Activated Params", "active_params"),
    ("# Activated Params", "active_params"), ("# Act Params", "active_params"),
    ("#Non-Emb Params", "non_embedding_params"), ("# Non-emb Params", "non_embedding_params"),
    ("Architecture", "architecture"), ("GQA", "gqa"), ("Tie Embedding", "tie_embedding"),
    ("Context Length", "context_length"), ("Hidden Dim", "hidden_dim"),
    ("Dense Intermediate Dim", "dense_intermediate_dim"),
    ("MoE Intermediate Dim", "moe_intermediate_dim"),
    ("Attention Head Dim", "attention_head_dim"), ("# Attention Heads", "attention_heads"),
    ("# Key-Value Heads", "kv_heads"), ("# Experts (total)", "experts_total"),
    ("# Experts Active Per Token", "experts_active"), ("# Shared Experts", "shared_experts"),
    ("# Dense Layers", "dense_layers"), ("# MoE Layers", "moe_layers"),
    ("# MTP Layers", "mtp_layers"), ("QK-Norm", "qk_norm"),
    ("# Layers", "layers"), ("Vocab Size", "vocab_size"), ("Vocabulary", "vocab_size"),
    ("Max Context", "context_length"), ("Training Tokens", "training_tokens"),
    ("License", "license"), ("Languages", "languages"), ("Hidden Size", "hidden_dim"),
    ("MMLU", None), ("Knowledge", None), ("Total", None), ("Overall", None), ("GPT-4", None),
]


@pytest.mark.parametrize("raw,attr", FACTS)
def test_fact_attribute(raw, attr):
    assert fact_attribute(raw) == attr
    assert attr is None or attr in FACT_ATTRIBUTES


def _paper_header_cells():
    cells = set()
    for path in PAPERS.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.startswith("|"):
                cells.update(c.strip() for c in line.strip().strip("|").split("|"))
            elif "\t" in line and "<" not in line:
                cells.update(c.strip() for c in line.split("\t"))
        cells.update(m.strip() for m in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", text, re.S))
    return {c for c in cells if c and len(c) < 60}


@pytest.mark.skipif(not PAPERS.is_dir(), reason="papers folder missing")
def test_paper_cells_have_one_kind_at_most():
    cells = _paper_header_cells()
    assert len(cells) > 100
    for cell in cells:
        kinds = [parse_model(cell) is not None, lookup_benchmark(cell) is not None,
                 fact_attribute(cell) is not None]
        assert sum(kinds) <= 1, (cell, kinds)
