"""Putting user text into Markdown so that it reads exactly as written.

Titles, notes and answers are the learner's own words: an exporter must not
let a `]`, `|`, `<`, `*` or backtick in them open a link, split a table,
start HTML or change emphasis. These helpers cover CommonMark and what GitHub
adds to it (tables, strikethrough, bare-URL autolinks, `$` maths).
"""

from __future__ import annotations

import re

from ..urls import shown_url

__all__ = ["block_quote", "link_list", "link_markdown", "markdown_escape", "markdown_link", "markdown_url"]

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
    """A URL that can sit inside ``(...)`` of a link, even in a table cell; a host that mixes
    scripts in punycode, as everywhere else (``urls.shown_url``)."""
    return "".join(_URL_UNSAFE.get(ch, ch) for ch in shown_url(url))


def markdown_link(text: str, url: str) -> str:
    return f"[{markdown_escape(text)}]({markdown_url(url)})"


def link_markdown(link) -> str:
    """A stored link (anything with title, kind, target, is_path) as Markdown."""
    name = link.title or link.kind
    if link.is_path:
        # A workspace path means nothing on GitHub, so it is named, not linked.
        return markdown_escape(f"{name}: {link.target}")
    return markdown_link(name, link.target)


def link_list(links: list) -> str:
    return " · ".join(link_markdown(link) for link in links)


def block_quote(text: str, *, lead: str = "", indent: str = "") -> list[str]:
    """A block quote keeping the text's line breaks and paragraphs, ``lead`` before its first line."""
    paragraphs = [p.splitlines() for p in text.strip().replace("\r\n", "\n").split("\n\n") if p.strip()]
    out: list[str] = []
    for lines in paragraphs or [[""]]:
        if out:
            out.append(f"{indent}>")
        lines = [markdown_escape(line) for line in lines if line.strip()] or [""]
        if not out:
            lines[0] = lead + lines[0]
        # A trailing backslash is CommonMark's hard line break.
        out += [f"{indent}> {line}\\" for line in lines[:-1]] + [f"{indent}> {lines[-1]}".rstrip()]
    return out
