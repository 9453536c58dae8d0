"""Roadmap wording: clean titles, label paragraphs that name a kind, an item's title and link.

Used by the importer both to choose the steps and to build them.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from .blocks import Link, Text

__all__ = [
    "OBJECTIVE",
    "clean",
    "host",
    "label_kind",
    "label_of",
    "shorten",
    "split_enumerated",
    "title_and_link",
    "title_link_rest",
    "url_lines",
]

_NUMBERING = re.compile(r"^(?:step\s*\d+\s*[:.)\-–—]?|\d+\s*[.)]|\d+\s*[:\-–—](?=\s))\s*", re.I)
OBJECTIVE = re.compile(r"^(?:objectives?|goals?)\s*:\s*", re.I)
_URL_LINE = re.compile(r"^<?(https?://\S+?)>?$")
# "a. Linear Algebra", "ii) Calculus", "3. Transformers" on a line of its own inside a list item
_ENUMERATED = re.compile(r"^\s*(?:[a-zA-Z]|\d{1,3}|[ivxlc]{1,6})[.)]\s+(?=\S)")
_LABEL_KINDS = (
    ("questions", re.compile(r"question|reflection|quiz|self[- ]check", re.I)),
    ("projects", re.compile(r"project|exercise|practi[cs]e|assignment|tasks?\b|homework|challenge|\blabs?\b", re.I)),
    ("resources", re.compile(r"resource|reference|reading|material|\blinks?\b|further|videos?\b|books?\b", re.I)),
)


def clean(s: str, heading: bool = False) -> str:
    s = " ".join(s.split())
    # Leading emoji, joiners and bullets would leak into titles and ids ("🧑‍🔬 The LLM Scientist").
    while s and (unicodedata.category(s[0])[0] in "SZC" or unicodedata.category(s[0]) == "Mn" or s[0] in "-–—•·|:"):
        s = s[1:]
    if heading:
        s = _NUMBERING.sub("", s, count=1)
    return s.strip().rstrip(":,;-–— ").strip()


def shorten(s: str, limit: int) -> str:
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0].rstrip(",;:.-– ") + "…"


def label_of(text: Text) -> str | None:
    """The text of a label paragraph (`**Resources**`, `📚 **References**:`, `Resources:`), else None."""
    first = text.plain.split("\n", 1)[0]
    label = clean(first)
    if not label or len(label) > 60 or OBJECTIVE.match(label):
        return None
    if text.share(text.emph, len(first)) == 1.0 or (first.rstrip().endswith(":") and len(label.split()) <= 6):
        return label
    return None


def label_kind(label: str) -> str | None:
    """The kind named last wins: the head noun comes last ("Practice Questions", "Question Videos")."""
    found = [(m.start(), kind) for kind, rx in _LABEL_KINDS for m in rx.finditer(label)]
    return max(found)[1] if found else None


def host(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.") or url


def title_and_link(text: Text) -> tuple[str, Link | None]:
    title, link, _ = title_link_rest(text)
    return title, link


def title_link_rest(text: Text, leave_out: tuple[Link, ...] = ()) -> tuple[str, Link | None, str]:
    """Title, link, and the rest of the text the title leaves out (with its web addresses), for a note.

    Title is the text up to the end of the first web link; a bare badge falls back to alt text, then host.
    ``leave_out`` are links kept elsewhere (badges that become sub-items), not repeated in the rest.
    """
    link = next((k for k in text.links if k.web), None)
    term = next(((a, b) for a, b in text.emph if a <= 2), None)
    if term and (link is None or link.start >= term[1]):
        rest = text.plain[term[1] :].lstrip()
        if (rest.startswith(":") or text.plain[term[0] : term[1]].rstrip().endswith(":")) and len(rest) > 80:
            # "**Term**: a long explanation, [a link](…)"
            return clean(text.plain[term[0] : term[1]]), None, _rest(text, term[1], leave_out)
    if link is None:
        whole = clean(text.plain)
        title, rest = whole, ""
        if len(title) > 120 and ": " in title[:60]:
            title, rest = title.split(": ", 1)  # "**Term**: a long explanation" -> "Term"
        short = shorten(title, 200)
        return short, None, whole if short != title else rest
    end = link.end
    title = clean(text.plain[:end]) or clean(link.alt) or host(link.href)
    if title.count("(") > title.count(")") and text.plain[end:].lstrip().startswith(")"):
        title += ")"  # "Join a meetup (e.g. via [meetup.com](…))"
        end = text.plain.index(")", end) + 1
    short = shorten(title, 200)
    return short, link, _rest(text, 0 if short != title else end, leave_out)


def _rest(text: Text, start: int, leave_out: tuple[Link, ...]) -> str:
    rest = clean(text.with_urls(start, leave_out))
    return rest if any(c.isalnum() for c in rest) else ""


def split_enumerated(text: Text) -> tuple[Text, list[Text]]:
    """A list item whose later lines are enumerated ("a. Linear Algebra\\") holds those lines as sub-items."""
    pieces = text.plain.split("\n")
    starts = [0]
    for piece in pieces[:-1]:
        starts.append(starts[-1] + len(piece) + 1)
    marked = [k for k, piece in enumerate(pieces) if k and _ENUMERATED.match(piece)]
    if not marked:
        return text, []
    ends = [*(starts[k] - 1 for k in marked), len(text.plain)]
    head = text.cut(0, ends[0], text.line)
    subs = []
    for n, k in enumerate(marked):
        begin = starts[k] + _ENUMERATED.match(pieces[k]).end()
        subs.append(text.cut(begin, ends[n + 1], text.line + k))
    return head, subs


def url_lines(text: Text) -> list[tuple[str, str | None]]:
    """Each line of a paragraph as (clean text, url); url is set when the line is a bare URL."""
    lines = [(raw, _URL_LINE.match(raw.strip())) for raw in text.plain.split("\n")]
    return [(m.group(1), m.group(1)) if m else (clean(raw), None) for raw, m in lines]
