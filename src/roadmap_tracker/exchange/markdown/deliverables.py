"""A "Final Deliverables" list read as roadmap.yaml deliverables: what to have at the end, and how many.

A line the export wrote ("Portfolio: 1/5 (up to 7) — done mini projects") says it all; a
line a learner wrote ("A portfolio with 5–7 mini-projects.") gives its count in words, and its
rule is read from what it counts: mini projects, links of a kind, or else one thing to check off.
"""

from __future__ import annotations

import re

from ...urls import LINK_KINDS
from .marks import parse_rule

__all__ = ["read_deliverable"]

_NUMBER = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_WORDS = {
    w: n
    for n, w in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"], 1
    )
}
_EXPORTED = re.compile(r"^(?P<title>.+): \d+/(?P<target>\d+)(?: \(up to (?P<max>\d+)\))?(?: — (?P<rule>.+))?$")
_RANGE = re.compile(rf"(?<![\w.]){_NUMBER}\s*(?:–|—|-|to)\s*{_NUMBER}\b", re.I)
_AT_LEAST = re.compile(rf"\b(?:at least|minimum of) {_NUMBER}\b", re.I)
_UP_TO = re.compile(rf"\b(?:up to|at most|maximum of) {_NUMBER}\b", re.I)
_COUNT = re.compile(rf"(?:^|(?<=\s)){_NUMBER}(?=\s+[^\W\d_])", re.I)
_PROJECTS = re.compile(r"project", re.I)
_KIND_WORDS = (
    ("repo", re.compile(r"\brepo|\bgithub\b", re.I)),
    ("blog", re.compile(r"\bblog", re.I)),
    ("demo", re.compile(r"\bdemo|\bdeploy", re.I)),
    ("notebook", re.compile(r"\bnotebook", re.I)),
    ("kaggle", re.compile(r"\bkaggle", re.I)),
    ("paper", re.compile(r"\bpaper", re.I)),
    ("video", re.compile(r"\bvideo", re.I)),
)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _WORDS[word.lower()]


def _counts(text: str) -> tuple[int | None, int | None]:
    """(target, max) as the words give them, None where they say nothing."""
    if m := _RANGE.search(text):
        low, high = sorted((_number(m.group(1)), _number(m.group(2))))
        return low, high
    if m := _AT_LEAST.search(text):
        return _number(m.group(1)), None
    if m := _UP_TO.search(text):
        return None, _number(m.group(1))
    if m := _COUNT.search(text):
        return _number(m.group(1)), None
    return None, None


def _rule(text: str, target: int) -> tuple[str, str | None]:
    kind = next((k for k, rx in _KIND_WORDS if rx.search(text)), None)
    if _PROJECTS.search(text):
        return "done-projects", kind
    if kind:
        return "links", kind
    # Without anything to count, a number of things is what the learner attaches to it.
    return ("attached", None) if target > 1 else ("checked", None)


def read_deliverable(title: str) -> dict | None:
    """roadmap.yaml deliverable data for one line of the deliverables list (id left to the caller)."""
    if not title:
        return None
    rule: tuple[str, str | None] | None = None
    if m := _EXPORTED.match(title):
        title, target, most = m.group("title"), int(m.group("target")), m.group("max")
        most = int(most) if most else None
        rule = parse_rule(m.group("rule") or "", LINK_KINDS)
    else:
        target, most = _counts(title)
    target = max(target or 1, 1)
    if most is not None and most < target:
        most = None
    rule = rule or _rule(title, target)
    out: dict = {"title": title, "target": target}
    if most is not None:
        out["max"] = most
    out["rule"] = rule[0]
    if rule[1]:
        out["link_kind"] = rule[1]
    return out
