"""A YAML front-matter block at the top of a markdown paper: removed from the text, its top-level fields kept."""
from __future__ import annotations

import re

FRONT_FIELD = re.compile(r"^([A-Za-z_][\w-]*):[ \t]*(.*?)[ \t]*$")
FRONT_KEYS = {"title", "kind", "precedence", "date", "author", "authors", "lastmod", "tags", "layout", "description"}
FRONT_MATTER_MAX = 20_000    # characters searched for the closing '---' of a front-matter block


def strip_front_matter(text: str) -> tuple[str, dict[str, str], int]:
    """Remove a YAML front-matter block; return (rest, its top-level `key: value` fields, lines removed).

    Only a block of YAML-looking lines with a known key counts: text between two '---' rules is not front matter."""
    m = re.match(r"[ \t\n]*---\n", text)
    if not m:
        return text, {}, 0
    end = text.find("\n---", m.end() - 1, FRONT_MATTER_MAX)
    if end < 0:
        return text, {}, 0
    close = text.find("\n", end + 4)
    close = len(text) if close < 0 else close + 1
    meta, lines = {}, text[m.end():end].split("\n")
    for line in lines:
        f = FRONT_FIELD.match(line)
        if f and f.group(2):
            meta.setdefault(f.group(1).lower(), f.group(2).strip("\"'"))
    yamlish = all(not ln.strip() or FRONT_FIELD.match(ln) or ln.startswith((" ", "\t", "-", "#")) for ln in lines)
    if not (yamlish and FRONT_KEYS & set(meta)) or text[end + 4:close].strip():
        return text, {}, 0
    return text[close:], meta, text[:close].count("\n")
