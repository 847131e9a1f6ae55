"""Joining a table's parts over page breaks: which lines mark a continuation, and which parts may join."""
from __future__ import annotations

import pytest

from index.pdf_continue import continued_number, merge_parts

HEAD = ["| Model | FooQA | BarMath |", "|---|---|---|"]


@pytest.mark.parametrize("text,alone,number", [
    ("Table 1 (continued)", True, "1"),
    ("TABLE III – Continued from previous page", True, "III"),
    ("Table 4: (cont.)", True, "4"),
    ("Table 2 continued the trend of the base models.", True, None),     # prose, not a mark
    ("Table 3: Results on the held-out set (continued).", False, "3"),   # as a caption
    ("Table 3: Results on the held-out set.", False, None),
])
def test_continued_marks(text, alone, number):
    assert continued_number(text, alone=alone) == number


def test_parts_join_on_a_repeated_header_or_headless_rows():
    first = [HEAD + ["| Aa-7B | 1.0 | 2.0 |"]]
    assert merge_parts(first, [HEAD + ["| Bb-7B | 3.0 | 4.0 |"]], marked=False)
    assert merge_parts(first, [["| Cc-7B | 5.0 | 6.0 |", "|---|---|---|", "| Dd-7B | 7.0 | – |"]], marked=False)
    assert [ln.split(" |")[0] for ln in first[0][2:]] == ["| Aa-7B", "| Bb-7B", "| Cc-7B", "| Dd-7B"]


def test_parts_with_another_header_or_width_stay_apart():
    first = [HEAD + ["| Aa-7B | 1.0 | 2.0 |"]]
    other = ["| Model | BazCode | QuxQA |", "|---|---|---|", "| Aa-7B | 1.0 | 2.0 |"]
    assert not merge_parts(first, [other], marked=False)
    assert not merge_parts(first, [["| Model | FooQA |", "|---|---|", "| Aa-7B | 1.0 |"]], marked=True)
    assert len(first[0]) == 3


def test_html_parts_join_under_the_same_header():
    head = "<table><tr><th></th><th colspan=\"2\">FooQA</th></tr><tr><th>Model</th><th>0-shot</th><th>5-shot</th></tr>"
    first = [[head + "<tr><td>Aa-7B</td><td>1.0</td><td>2.0</td></tr></table>"]]
    assert merge_parts(first, [[head + "<tr><td>Bb-7B</td><td>3.0</td><td>4.0</td></tr></table>"]], marked=True)
    assert first[0][0].count("<td>") == 6 and first[0][0].endswith("</tr></table>")
