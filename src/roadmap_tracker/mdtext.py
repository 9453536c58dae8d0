"""Putting user text into Markdown so that it reads exactly as written.

Titles, notes and answers are the learner's own words: an exporter must not
let a `]`, `|`, `<`, `*` or backtick in them open a link, split a table,
start HTML or change emphasis. These helpers cover CommonMark and what GitHub
adds to it (tables, strikethrough, bare-URL autolinks, `$` maths).
"""

from __future__ import annotations

import re

__all__ = ["markdown_escape", "markdown_url", "markdown_link"]

# ASCII punctuation that can start inline syntax anywhere in a line. `#` is in
# because a heading drops a trailing " #"; `$` because GitHub renders $…$ as maths.
_INLINE = re.compile(r"([\\`*_\[\]<>|&~#$])")
# What only matters at the start of a line: lists, quotes, headings, setext underlines.
_LINE_START = re.compile(r"^([-+=]|\d{1,9}(?=[.)]))")
# GitHub links bare "www." and "scheme://" by itself; an escape breaks the pattern.
_AUTOLINK = re.compile(r"(?i)(www)\.|:(?=//)")
_URL_UNSAFE = {"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", " ": "%20", "|": "%7C", "\\": "%5C", "`": "%60"}


def markdown_escape(text: str) -> str:
    """One line of inline Markdown that renders as ``text``; line breaks become spaces.

    Safe in a paragraph, a heading, a table cell, link text or at the start of a line.
    """
    text = " ".join(text.split())
    text = _INLINE.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: f"{m[1]}\\." if m[1] else "\\:", text)
    # A digit run is escaped by escaping the "." or ")" after it.
    match = _LINE_START.match(text)
    if match:
        end = match.end()
        text = text[:end] + "\\" + text[end:] if match[1][0].isdigit() else "\\" + text
    return text


def markdown_url(url: str) -> str:
    """A URL that can sit inside ``(...)`` of a link, even in a table cell."""
    return "".join(_URL_UNSAFE.get(ch, ch) for ch in url)


def markdown_link(text: str, url: str) -> str:
    return f"[{markdown_escape(text)}]({markdown_url(url)})"
