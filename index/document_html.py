"""An HTML paper as the markdown-ish text the segmenter reads: headings as '#', paragraphs, tables kept as HTML
(with their <caption> moved above them as a 'Table N: ...' line)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from .document import CAPTION


class _HTMLText(HTMLParser):
    """Turns an HTML paper into markdown-ish lines: headings as '#', paragraphs, tables kept as HTML."""

    BLOCKS = {"p", "div", "li", "br", "section", "article", "caption", "figcaption"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.table_depth = 0
        self.skip = 0
        self.table_at = 0                    # where the open table starts in self.out
        self.caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag == "caption" and self.table_depth == 1:
            self.caption = []
        elif tag == "table":
            self.table_depth += 1
            if self.table_depth == 1:
                self.table_at = len(self.out)
            self.out.append("\n<table>" if self.table_depth == 1 else "<table>")
        elif self.table_depth:
            attr = "".join(f' {k}="{v}"' for k, v in attrs if k in ("rowspan", "colspan"))
            self.out.append(f"<{tag}{attr}>")
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCKS:
            self.out.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag == "caption" and self.caption is not None:
            text = re.sub(r"\s+", " ", "".join(self.caption)).strip()
            line = text if CAPTION.match(text) else f"Table: {text}"     # pandoc's form for an unnumbered caption
            self.out.insert(self.table_at, f"\n\n{line}\n")
            self.table_at += 1
            self.caption = None
        elif tag == "table":
            self.table_depth -= 1
            self.out.append("</table>\n" if self.table_depth == 0 else "</table>")
        elif self.table_depth:
            self.out.append(f"</{tag}>")
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if self.skip:
            return
        if self.caption is not None:
            self.caption.append(data)
            return
        self.out.append(data.replace("\n", " ") if self.table_depth else data)


def html_to_markdownish(text: str) -> str:
    p = _HTMLText()
    p.feed(text)
    p.close()
    if p.table_depth:
        p.out.append("")  # left unclosed: the segmenter reports it with a line number
    return re.sub(r"\n{3,}", "\n\n", "".join(p.out))
