"""What a test may accept as a right answer: the scoring rules of the evaluation (assistant/score.py, a copy of the
shared scorer), kept apart from the answering code.

- A number counts when it stands on its own (`30.4`, `1,024`), never inside a word or a longer number (`GLM-4`,
  `v30.45`), and never as a citation: table, figure, section and page numbers (`Table 4`, `p. 10`) are dropped first.
- A word counts when it stands on its own, or with a plain inflection (-s, -es, -d, -ed, -ing): `not` is not found in
  "annotated", nor `no` in "know".
- An abstention is one of the phrasings of ABSTAIN.

    assert_numbers(ans.text, [30.4, 50.6])
    assert_words(ans.text, any_of=["no", "not"])
    assert_case({"all": [30.4], "kw_any": [["base"]]}, ans.text)
"""
from __future__ import annotations

from assistant.score import ABSTAIN, CITATION, NUM, check, has_word, numbers  # noqa: F401 - the scorer's rules


def has_number(text: str, want: float) -> bool:
    return any(abs(n - float(want)) < 1e-6 for n in numbers(text))


def abstains(text: str) -> bool:
    return ABSTAIN.search(text) is not None


def assert_case(case: dict, answer: str) -> None:
    ok, why = check(case, answer)
    assert ok, f"{case.get('q', case)}: {why}\n--- answer ---\n{answer}"


def assert_numbers(answer: str, want: list[float], forbid: list[float] = ()) -> None:
    """Every number of `want` is stated in the answer (citations aside) and none of `forbid`."""
    assert_case({"all": list(want), "forbid": list(forbid)}, answer)


def assert_words(answer: str, all_of: list[str] = (), any_of: list[str] = ()) -> None:
    """Every word of `all_of` and at least one of `any_of` stand on their own in the answer."""
    assert_case({"kw_all": list(all_of), "kw_any": [list(any_of)] if any_of else []}, answer)


def assert_abstains(answer: str, forbid: list[float] = ()) -> None:
    assert_case({"abstain": True, "forbid": list(forbid)}, answer)
