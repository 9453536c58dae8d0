"""Which headings of an imported roadmap become steps, and which step owns each block.

Roadmaps nest their sections in every way ("Phase" > "Week", or a flat list of topics), so
the step level is found from where the content sits rather than from a fixed heading level.
"""

from __future__ import annotations

import re

from .blocks import Block, ListItem, has_boxes, plain_are_notes
from .wording import clean, url_lines

__all__ = ["DELIVERABLES", "SKIP", "choose_steps", "epilogue", "owners", "parents", "subheads", "weight"]

_NUMBERED = re.compile(r"^(?:(?:step|week|day|month|phase|part|module|unit|lesson|chapter|stage)\s*)?\d+\b", re.I)
SKIP = re.compile(
    r"^(?:table of contents|contents|toc|progress(?: tracking| tracker)?|licen[cs]e|contributing"
    r"|contributors?|notes and reflections|(?:final |expected )?deliverables|acknowledge?ments?|credits|changelog|目录)$",
    re.I,
)
# A section listing what the learner means to have at the end: its items become `deliverables:`.
DELIVERABLES = re.compile(r"^(?:final |expected )?deliverables$", re.I)
_LABEL_HEADING = re.compile(
    r"^(?:(?:mini|side|small|practice|reflection|review|additional|further|extra|key|useful"
    r"|recommended|suggested)[- ])?(?:resources?|references?|projects?|exercises?|questions?"
    r"|readings?|tasks?|assignments?|practice|links|materials?)$",
    re.I,
)


def weight(block: Block) -> int:
    """Importable things in a block: list items, table rows, bare URLs, web links in a heading."""

    def count(items: list[ListItem]) -> int:
        notes = plain_are_notes(items)
        return sum(
            bool(i.text and not i.text.toc_entry and (i.box or i.text.own_links or not notes)) + count(i.children)
            for i in items
        )

    if block.kind == "heading":
        return sum(k.web for k in block.text.links)
    if block.kind == "para":
        return sum(url is not None for _, url in url_lines(block.text))
    return count(block.items) if block.kind == "list" else max(len(block.rows) - 1, 0)


def subheads(blocks: list[Block], heads: list[int], n: int) -> list[int]:
    """The headings nested under heads[n]."""
    out = []
    for k in heads[n + 1 :]:
        if blocks[k].level <= blocks[heads[n]].level:
            break
        out.append(k)
    return out


def parents(blocks: list[Block], heads: list[int]) -> dict[int, int | None]:
    """Each heading's enclosing heading."""
    parents, stack = {}, []
    for h in heads:
        while stack and blocks[stack[-1]].level >= blocks[h].level:
            stack.pop()
        parents[h] = stack[-1] if stack else None
        stack.append(h)
    return parents


def epilogue(blocks: list[Block]) -> int:
    """Index of the rule (---) that closes the last section, or len(blocks): what follows it is no step's."""
    last = max(i for i, b in enumerate(blocks) if b.kind == "heading")
    return next((i for i in range(len(blocks) - 1, last, -1) if blocks[i].kind == "hr"), len(blocks))


def owners(blocks: list[Block], steps: set[int]) -> list[int | None]:
    """For each block, the step heading that owns it; deeper headings stay inside their step."""
    owner, current, tail = [], None, epilogue(blocks)
    for i, b in enumerate(blocks):
        if b.kind == "heading" and (i in steps or (current is not None and b.level <= blocks[current].level)):
            current = i if i in steps else None
        owner.append(current if i < tail else None)
    return owner


def choose_steps(blocks: list[Block], heads: list[int]) -> tuple[set[int], dict[int, str], int]:
    """Steps are the headings of the level that directly holds the most content; returns why others are not."""
    ends = [*heads[1:], len(blocks)]
    direct = {h: sum(weight(b) for b in blocks[h:end]) for h, end in zip(heads, ends)}
    reasons: dict[int, str] = {}
    for n, h in enumerate(heads):
        if not blocks[h].title or SKIP.match(blocks[h].title):
            # a skipped section takes its sub-headings along ("Table of Contents" > "Topics of Study")
            reasons.update((k, "is not a learning step") for k in [h, *subheads(blocks, heads, n)])
    # "### Resources" / "### Mini Projects" under each step are labels: their items count for the step's level.
    credit = dict(direct)
    for h, parent in parents(blocks, heads).items():
        if parent is not None and _LABEL_HEADING.match(blocks[h].title):
            credit[parent], credit[h] = credit[parent] + credit[h], 0
    by_level: dict[int, int] = {}
    for h in heads:
        if h not in reasons:
            by_level[blocks[h].level] = by_level.get(blocks[h].level, 0) + credit[h]
    if not any(by_level.values()):
        return set(), reasons, 0
    level = max(by_level, key=lambda lv: (by_level[lv], lv))
    steps = {
        h
        for n, h in enumerate(heads)
        if blocks[h].level == level
        and h not in reasons
        and direct[h] + sum(direct[k] for k in subheads(blocks, heads, n))
    }
    numbered = {h for h in steps if _NUMBERED.match(clean(blocks[h].text.plain))}
    if len(numbered) >= 3 and len(numbered) > len(steps) - len(numbered):
        reasons.update((h, "is not numbered like the other steps") for h in steps - numbered)
        steps = numbered
    # A section one level up holding items itself ("Intro CS" beside "Core CS" > "Core math") is a step too,
    # and so is any section with checkboxes: they are the user's progress and must not be dropped.
    owner = owners(blocks, steps)
    for h, end in zip(heads, ends):
        if (
            owner[h] is None
            and h not in reasons
            and (
                (blocks[h].level == level - 1 and direct[h] > weight(blocks[h]))
                or any(b.kind == "list" and has_boxes(b.items) for b in blocks[h:end])
            )
        ):
            steps.add(h)
    return steps, reasons, level
