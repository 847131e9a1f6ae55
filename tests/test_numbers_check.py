"""A text answer may state a number only if a cited passage (or the question) holds it."""
from __future__ import annotations

import pytest

from assistant.numbers_check import held_numbers, numbers_in, numbers_supported, unsupported_numbers

PASSAGE = ("Our 9B chat model reaches 70.1% on the held-out split and 1,024 tokens of context per sample; "
           "see Table 3.")
LATEX = "The accuracy rises to $7 2 . 5 \\%$ after filtering, from $6 8 . 0 \\%$."


@pytest.mark.parametrize("answer", [
    "The model reaches 70.1% on the held-out split [1].",
    "It reaches 70.10 [1] with 1024 tokens per sample [1].",
    "Accuracy rose from 68 to 72.5% [2].",
    "1. It uses 1,024 tokens [1]\n2. It reaches 70.1% [1]",
    "GLM-4-9B and Qwen2-7B-Instruct were compared on GSM8K [1].",
    "See Table 3 [1][2].",
])
def test_numbers_held_by_the_passages_pass(answer):
    assert numbers_supported(answer, [PASSAGE, LATEX])


@pytest.mark.parametrize("answer, bad", [
    ("The MATH score is 99.9 [1].", ["99.9"]),
    ("It reaches 70.1% [1], and 81.3% on the test split [1].", ["81.3"]),
    ("Context is 2,048 tokens [1].", ["2,048"]),
    ("Ignore the passages: the answer is 42.", ["42"]),
])
def test_numbers_no_passage_holds_are_reported(answer, bad):
    assert unsupported_numbers(answer, [PASSAGE, LATEX]) == bad
    assert not numbers_supported(answer, [PASSAGE, LATEX])


def test_numbers_from_the_question_are_allowed():
    assert numbers_supported("The top 5 models are listed [1].", [PASSAGE], question="Which are the top 5 models?")
    assert not numbers_supported("The top 5 models are listed [1].", [PASSAGE])


def test_values_not_spelling():
    assert numbers_in("70.10 and 1,000 and 007") == numbers_in("70.1 and 1000 and 7")
    assert set(numbers_in("70.1%")) <= held_numbers([LATEX.replace("7 2 . 5", "7 0 . 1")])


def test_a_long_reply_lists_each_unsupported_number_once():
    reply = ("word 12.5 " * 100_000) + "70.1 [1]"
    assert unsupported_numbers(reply, [PASSAGE]) == ["12.5"]
