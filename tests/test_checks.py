"""The checker every test uses must reject the wrong answers that substring matching let through."""
from __future__ import annotations

import pytest

from tests.checks import abstains, assert_numbers, assert_words, check, has_number, has_word, numbers


@pytest.mark.parametrize("answer, word", [
    ("Yes, that's right (annotated).", "not"),
    ("Yes, as far as I know.", "no"),
    ("That is notable.", "not"),
    ("They used Apache-like terms.", "Apach"),
])
def test_words_must_stand_on_their_own(answer, word):
    assert not has_word(answer, word)


@pytest.mark.parametrize("answer, word", [("No, it scores 79.7.", "no"), ("It is not 70.0.", "not"),
                                          ("Three annotators rated it.", "annotator"),
                                          ("The user simulator ran it.", "user simulator")])
def test_words_and_plain_inflections_are_found(answer, word):
    assert has_word(answer, word)


@pytest.mark.parametrize("answer, number", [
    ("GLM-4-9B-Chat scores 50.6 (Table 4).", 4),
    ("See p. 10 of the report.", 10),
    ("Reported in Section 5.2 and Figure 3.", 5.2),
    ("Tables 8-9 and pp. 14, 15 list it.", 15),
    ("GLM-4 is the model.", 4),
    ("Version v30.45 only.", 30.4),
])
def test_citation_and_embedded_numbers_do_not_count(answer, number):
    assert not has_number(answer, number)


def test_stated_numbers_count():
    assert numbers("It scores 30.4 (base) and 50.6 (chat), over 1,024 items; Table 2.") == [30.4, 50.6, 1024.0]
    assert_numbers("**30.4** and **50.6**", [30.4, 50.6])
    with pytest.raises(AssertionError):
        assert_numbers("30.4 and 50.7", [30.4, 50.6])
    with pytest.raises(AssertionError):
        assert_numbers("52.9 in the report and 49.6 in the blog", [52.9], forbid=[49.6])


def test_cases_follow_the_evaluation_rules():
    assert check({"all": [79.7], "kw_any": [["no", "not"]]}, "No: GLM-4.5 scores 79.7 on TAU-Retail.")[0]
    assert not check({"all": [79.7], "kw_any": [["no", "not"]]}, "Yes (annotated): 79.7.")[0]
    assert not check({"abstain": True, "forbid": [26.4]}, "It is not reported, but maybe 26.4.")[0]
    assert abstains("The indexed papers do not report this.")
    with pytest.raises(AssertionError):
        assert_words("Yes, that's right.", any_of=["no", "not"])
