"""Tags ('#word') and refs ('#3', '#3.p2', '[[Title]]') written in a weekly note's prose."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["label", "tags_and_refs", "union"]


def label(s: Any) -> str:
    """Tags and refs are one-line names; a leading '#' is the hashtag sign, not part of the name."""
    return re.sub(r"^[#\s]+", "", " ".join(str(s).split()))


def union(*groups: list[str], fold: bool = False) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in (x for g in groups for x in g):
        if item and (key := item.casefold() if fold else item) not in seen:
            seen.add(key)
            out.append(item)
    return out


# '[[Title]]', '![[Title|alias]]', '[[Title#Part]]' (checked first, so its '#' is no tag) or '#word'.
_MARKS = re.compile(r"!?\[\[(?P<wiki>[^\[\]|#\n]*)(?:#[^\[\]|\n]*)?(?:\|[^\[\]\n]*)?\]\]"
                    r"|(?<![\w#/&])#(?P<hash>\w[\w+\-.]*)")
_GAPS = {"softbreak": "\n", "hardbreak": "\n", "code_inline": " ", "html_inline": " ", "image": " "}


def tags_and_refs(tokens: list) -> tuple[list[str], list[str]]:
    """Tags ('#word') and refs ('#3', '#3.p2', '[[Title]]') in prose; code and raw HTML are never read."""
    tags, refs = [], []
    for tok in (t for t in tokens if t.type == "inline"):
        prose = "".join(c.content if c.type == "text" else _GAPS.get(c.type, "") for c in tok.children or [])
        for m in _MARKS.finditer(prose):
            word = m["hash"].rstrip(".-") if m["hash"] else ""
            if m["wiki"] is not None:
                refs.append(label(m["wiki"]))
            elif re.fullmatch(r"\d+(?:\.\w+)*", word):  # '#3', '#3.p2': a roadmap step
                refs.append(word)
            elif re.search(r"[^\W\d_]", word):
                tags.append(word)
    return union(tags, fold=True), union(refs)
