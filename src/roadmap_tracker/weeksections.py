"""The sections of a weekly note: which heading names which section, and the body written
under the tool's own headings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .experiments import format_experiment

if TYPE_CHECKING:  # diary imports this module; the entry is only annotated here
    from .diary import WeekEntry

__all__ = ["CONCEPTS", "EXPERIMENTS", "NOTES", "QUESTIONS", "render_body", "section_of"]

CONCEPTS, EXPERIMENTS, QUESTIONS, NOTES = "concepts", "experiments", "questions", "notes"
_TITLES = {CONCEPTS: "Key concepts", EXPERIMENTS: "Experiments", QUESTIONS: "Open questions", NOTES: "Notes"}
_WHEN = r"( (this|last) week| today)?"
_SECTION_RES = [(kind, re.compile(rx)) for kind, rx in [
    (CONCEPTS, rf"((key|main|new) )?(concepts?|ideas?|learnings?|takeaways?|lessons?)( (i )?(learned|learnt))?{_WHEN}"
               rf"|(what|things) i (learned|learnt){_WHEN}|til|today i learned"),
    (EXPERIMENTS, rf"(experiments?|results?|trials?)( (run|tried|done))?( (and )?(results?|outcomes?)( observed)?)?"
                  rf"{_WHEN}|what i tried"),
    (QUESTIONS, r"((open|remaining|unanswered|new) )?questions?( (and )?(areas?|things|topics) to "
                r"(revisit|review|explore))?( for later| to revisit)?|(areas?|things|topics) to (revisit|review|explore)"),
    (NOTES, r"(other |free )?notes?"),
]]


def section_of(heading: str) -> str | None:
    """Which section a heading names ('Key concepts learned' -> 'concepts'), or None."""
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", heading.lower()).split())
    words = re.sub(r"^(\d+ )+", "", words)  # numbered headings: '2. Experiments'
    return next((kind for kind, rx in _SECTION_RES if rx.fullmatch(words)), None)


def _bullet(item: str) -> str:
    first, *rest = item.split("\n")
    mark = "*" if re.fullmatch(r"[- \t]*", first) and first.count("-") >= 2 else "-"  # '- --' is a rule
    return "\n".join([f"{mark} {first}"] + [f"  {line}" if line else "" for line in rest])


def render_body(e: WeekEntry) -> str:
    span = {(True, True): f" ({e.start} to {e.end})", (True, False): f" (from {e.start})",
            (False, True): f" (to {e.end})", (False, False): ""}[e.start is not None, e.end is not None]
    blocks = [f"# Week {e.week}{span}"]
    for kind, items in ((CONCEPTS, e.concepts), (EXPERIMENTS, [format_experiment(x) for x in e.experiments]),
                        (QUESTIONS, e.questions)):
        if items:
            blocks += [f"## {_TITLES[kind]}", "\n".join(map(_bullet, items))]
    if e.text:
        blocks += [f"## {_TITLES[NOTES]}", e.text]
    return "\n\n".join(blocks) + "\n"
