"""The marks a Markdown roadmap uses for progress beyond a ticked box, and for deliverables.

``render.readme`` writes them and the importer reads them back, so both take them from here:
a skipped item is struck through and ends in "(skipped)", an item under way ends in
"(in progress)", the quote under an item starts with its state and day ("done 2026-11-04"),
and a deliverable reads "Title: 1/5 (up to 7) — done mini projects with a repo link".
A learner who writes the same marks by hand gets the same result.
"""

from __future__ import annotations

import re

__all__ = [
    "IN_PROGRESS",
    "META",
    "SKIPPED",
    "STATE_WORDS",
    "SUMMARY",
    "WORD_STATES",
    "parse_rule",
    "rule_phrase",
    "trailing_mark",
]

SKIPPED = "(skipped)"
IN_PROGRESS = "(in progress)"
STATE_WORDS = {"done": "done", "in_progress": "started", "skipped": "skipped"}
WORD_STATES = {word: state for state, word in STATE_WORDS.items()}

_MARK = re.compile(r"\s*\((skipped|in progress)\)\s*$", re.I)
# The first line of the quote the export writes under an item: its state, day and links.
META = re.compile(r"^(done|started|skipped) (\d{4}-\d{2}-\d{2})(?: · (.+))?$")
# The export's summary under the title; it is recomputed, except the start date.
SUMMARY = re.compile(r"^Progress: \d+% done \([^()]*\)\.(?: Started (\d{4}-\d{2}-\d{2})\.)?$|^Exported \S+\.$")

_RULES = {
    "done-projects": "done mini projects",
    "links": "{kind} links",
    "attached": "links attached to it",
    "checked": "checked by hand",
}


def trailing_mark(plain: str) -> tuple[int, str] | None:
    """Where a trailing "(skipped)" or "(in progress)" starts, and the state it names."""
    m = _MARK.search(plain)
    if m is None:
        return None
    return m.start(), "skipped" if m.group(1).lower() == "skipped" else "in_progress"


def rule_phrase(rule: str, link_kind: str | None) -> str:
    """How a deliverable counts, in words the importer reads back."""
    if rule == "done-projects" and link_kind:
        return f"done mini projects with a {link_kind} link"
    return _RULES[rule].format(kind=link_kind)


def parse_rule(phrase: str, kinds: tuple[str, ...]) -> tuple[str, str | None] | None:
    """``rule_phrase`` read back: (rule, link_kind), or None for other text."""
    phrase = phrase.strip()
    for kind in (None, *kinds):
        for rule in _RULES:
            if (rule != "links" or kind) and rule_phrase(rule, kind) == phrase:
                return rule, kind
    return None
