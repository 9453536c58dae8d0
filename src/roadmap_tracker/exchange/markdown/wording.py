"""Roadmap wording: clean titles, label paragraphs that name a kind, an item's title and link.

Used by the importer both to choose the steps and to build them.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from .blocks import Link, Text

__all__ = ["OBJECTIVE", "clean", "host", "label_kind", "label_of", "shorten", "title_and_link", "url_lines"]

_NUMBERING = re.compile(r"^(?:step\s*\d+\s*[:.)\-–—]?|\d+\s*[.)]|\d+\s*[:\-–—](?=\s))\s*", re.I)
OBJECTIVE = re.compile(r"^(?:objectives?|goals?)\s*:\s*", re.I)
_URL_LINE = re.compile(r"^<?(https?://\S+?)>?$")
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
    """Title is the text up to the end of the first web link; a bare badge falls back to alt text, then host."""
    link = next((k for k in text.links if k.web), None)
    term = next(((a, b) for a, b in text.emph if a <= 2), None)
    if term and (link is None or link.start >= term[1]):
        rest = text.plain[term[1] :].lstrip()
        if (rest.startswith(":") or text.plain[term[0] : term[1]].rstrip().endswith(":")) and len(rest) > 80:
            return clean(text.plain[term[0] : term[1]]), None  # "**Term**: a long explanation, [a link](…)"
    if link is None:
        title = clean(text.plain)
        if len(title) > 120 and ": " in title[:60]:
            title = title.split(": ", 1)[0]  # "**Term**: a long explanation" -> "Term"
        return shorten(title, 200), None
    title = clean(text.plain[: link.end]) or clean(link.alt) or host(link.href)
    if title.count("(") > title.count(")") and text.plain[link.end :].lstrip().startswith(")"):
        title += ")"  # "Join a meetup (e.g. via [meetup.com](…))"
    return shorten(title, 200), link


def url_lines(text: Text) -> list[tuple[str, str | None]]:
    """Each line of a paragraph as (clean text, url); url is set when the line is a bare URL."""
    lines = [(raw, _URL_LINE.match(raw.strip())) for raw in text.plain.split("\n")]
    return [(m.group(1), m.group(1)) if m else (clean(raw), None) for raw, m in lines]
