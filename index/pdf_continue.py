"""A table that runs over a page break, read as one table: its parts (a 'Table 3 (continued)' under a repeated
header, or rows at the top of the next page with or without the header) are appended to the first part, which
keeps the one caption and number.

Pure functions over the markup pdf_table writes (markdown pipe rows, or one HTML string per table).
"""
from __future__ import annotations

import html
import re

from .pdf_lines import is_numeric

NUMBER = r"([A-Z]?\d+(?:\.\d+)?[A-Za-z]?|[IVXLC]+)"
MARK = r"(?:continued|cont(?:inued|'d|d|\.)?)"
# 'Table 3 (continued)', 'Table 3: continued', 'TABLE III – Continued from previous page'
LEAD = re.compile(r"^(?:Table|TABLE|Tab\.)\s+" + NUMBER + r"\s*[:.—–-]?\s*[(\[]?\s*" + MARK + r"\b", re.I)
# 'Table 3: Results on the held-out set (continued).'
TAIL = re.compile(r"^(?:Table|TABLE|Tab\.)\s+" + NUMBER + r"\b.*[(\[]\s*" + MARK + r"\s*[)\]]\.?$", re.I)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<(t[hd])([^>]*)>(.*?)</t[hd]>", re.S)
DASHES = ("-", "–", "—", "N/A", "n/a")


ALONE = re.compile(r"\W*(?:from\s+(?:the\s+)?previous\s+page|on\s+next\s+page)?\W*$", re.I)


def continued_number(text: str, alone: bool = False) -> str | None:
    """The number of the table a caption marks as continued, else None. With `alone` (a line of text above a
    table, not its caption) the line must be nothing but the mark: 'Table 2 continued the trend ...' is prose."""
    text = text.strip()
    m = LEAD.match(text)
    if m and alone and not ALONE.match(text, m.end()):
        return None
    m = m or (TAIL.match(text) if len(text) < 300 and not alone else None)
    return m.group(1) if m else None


def md_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def data_like(cells: list[str]) -> bool:
    """A row that reads as data, not as a header: a label then mostly values."""
    rest = [c.replace("**", "") for c in cells[1:] if c]
    values = sum(1 for c in rest if is_numeric(c) or c in DASHES)
    return bool(rest) and values >= max(1, 0.6 * len(rest)) and not is_numeric(cells[0].replace("**", ""))


def same_header(a: list[str], b: list[str]) -> bool:
    norm = [re.sub(r"\W+", "", x).lower() for x in a], [re.sub(r"\W+", "", x).lower() for x in b]
    return norm[0] == norm[1]


def merge_parts(prev: list[list[str]], new: list[list[str]], marked: bool) -> bool:
    """Append the parts of `new` (one page's piece of a table) to `prev` (the pieces before), in place.

    Unmarked pieces join only when the header repeats or the piece starts straight with data rows of the same
    width; a marked one ('continued') also when its header differs in wording but not in width."""
    a, b = prev[-1], new[0]
    if a and b and a[0].startswith("|") and b[0].startswith("|"):
        ok = merge_markdown(a, b, marked)
    elif len(a) == 1 and len(b) == 1 and a[0].startswith("<table>") and b[0].startswith("<table>"):
        ok = merge_html(a, b, marked)
    else:
        ok = False
    if ok:
        prev.extend(new[1:])
    return ok


def merge_markdown(a: list[str], b: list[str], marked: bool) -> bool:
    ha, hb = md_cells(a[0]), md_cells(b[0])
    if len(ha) != len(hb):
        return False
    if same_header(ha, hb) or (marked and not data_like(hb)):
        a.extend(b[2:])
    elif data_like(hb):
        a.extend([b[0]] + b[2:])                    # no header on this page: its first line is a row
    else:
        return False
    return True


def html_rows(table: str) -> tuple[list[list[str]], list[str]]:
    """(header rows as cell texts, data rows as raw '<tr>..</tr>' strings)."""
    heads, data = [], []
    for m in ROW.finditer(table):
        cells = CELL.findall(m.group(1))
        if cells and all(tag == "th" for tag, _, _ in cells):
            heads.append([html.unescape(t) for _, _, t in cells])
        else:
            data.append(m.group(0))
    return heads, data


def merge_html(a: list[str], b: list[str], marked: bool) -> bool:
    heads_a, _ = html_rows(a[0])
    heads_b, data_b = html_rows(b[0])
    if not heads_a or not heads_b:
        return False
    last_a, last_b = heads_a[-1], heads_b[-1]
    if same_header(last_a, last_b) or (marked and len(last_a) == len(last_b) and not data_like(last_b)):
        rows = data_b
    elif len(heads_b) == 1 and data_like(last_b) and len(last_b) == len(last_a):
        rows = ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in last_b) + "</tr>"] + data_b
    else:
        return False
    a[0] = a[0][: a[0].rindex("</table>")] + "".join(rows) + "</table>"
    return True
