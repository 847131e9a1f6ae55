"""What a test may accept as a right answer: the scoring rules of the evaluation, kept apart from the code under test.

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

import re

NUM = re.compile(r"(?<![\w.\-])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.\-])\d+(?:\.\d+)?")
CITATION = re.compile(r"(?:\b(?:Table|Tables|Figure|Fig\.|Section|Sec\.|page|pages|p\.|pp\.)|§)\s*\d+(?:\.\d+)*"
                      r"(?:\s*[-–,]\s*\d+(?:\.\d+)*)*", re.I)
ABSTAIN = re.compile(
    r"not (?:been )?(?:reported|found|available|included|listed|mentioned|present|covered|in (?:the|any|my))|"
    r"no (?:reported |matching )?(?:data|score|result|record|information|value|answer|evidence|entry|mention)|"
    r"(?:couldn't|could not|cannot|can't|unable to) (?:find|answer|locate)|"
    r"(?:does|do|did) not (?:report|include|contain|list|mention|cover|appear)|"
    r"doesn't (?:report|include|contain|list|appear)|don't have|outside (?:the|my) |out of scope|"
    r"can only (?:answer|help)|only (?:answer|cover|know)|isn't (?:reported|in)|aren't (?:reported|in)|"
    r"none of the (?:indexed )?(?:papers|documents|sources)",
    re.I)


def numbers(text: str) -> list[float]:
    """Numbers stated in the text, without the numbers of citations."""
    return [float(m.replace(",", "")) for m in NUM.findall(CITATION.sub(" ", text))]


def has_number(text: str, want: float) -> bool:
    return any(abs(n - float(want)) < 1e-6 for n in numbers(text))


def has_word(text: str, word: str) -> bool:
    """The word (or phrase) stands on its own, or with a plain inflection."""
    return re.search(r"(?<!\w)" + re.escape(word.lower()) + r"(?:s|es|d|ed|ing)?(?!\w)", text.lower()) is not None


def abstains(text: str) -> bool:
    return ABSTAIN.search(text) is not None


def _has_token(text: str, token: str | float) -> bool:
    return has_number(text, token) if isinstance(token, (int, float)) else has_word(text, token)


def check(case: dict, answer: str) -> tuple[bool, str]:
    """A gold case (the fields of dev.jsonl: all, any, kw_all, kw_any, forbid, abstain) against an answer."""
    bad = [f for f in case.get("forbid", []) if has_number(answer, f)]
    if case.get("abstain"):
        if not abstains(answer):
            return False, "did not abstain"
        return (not bad), (f"forbidden {bad}" if bad else "ok")
    miss = [n for n in case.get("all", []) if not has_number(answer, n)]
    miss += [g for g in case.get("any", []) if not any(_has_token(answer, t) for t in g)]
    miss += [k for k in case.get("kw_all", []) if not has_word(answer, k)]
    miss += [g for g in case.get("kw_any", []) if not any(has_word(answer, k) for k in g)]
    if miss or bad:
        return False, f"missing {miss}" + (f" forbidden {bad}" if bad else "")
    return True, "ok"


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
