"""Which source lines an import kept, and why it left out each of the others.

Every piece of the importer that reads a block says which of its lines it placed (as a title,
a URL, a note, an objective, a label naming the items below it…) and, for what it leaves
out, why. Whatever no piece placed is reported, one entry per line, so nothing a learner
wrote disappears without a word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["Ledger", "Unplaced", "carries_text"]

_SHOWN = 100  # characters of a left-out line quoted back; the line number finds the rest


class Unplaced(NamedTuple):
    line: int
    text: str  # the source line, trimmed
    why: str


def carries_text(line: str) -> bool:
    """A line with a letter, a digit or a pictograph; rules, table borders and bare markers carry nothing."""
    return any(c.isalnum() or unicodedata.category(c) == "So" for c in line)


@dataclass
class Ledger:
    placed: set[int] = field(default_factory=set)
    why: dict[int, str] = field(default_factory=dict)  # the first reason given wins

    def place(self, first: int, last: int | None = None) -> None:
        self.placed.update(range(first, max(first, last or first) + 1))

    def drop(self, first: int, last: int | None, why: str) -> None:
        for n in range(first, max(first, last or first) + 1):
            self.why.setdefault(n, why)

    def take(self, other: Ledger) -> None:
        self.placed |= other.placed
        for n, why in other.why.items():
            self.why.setdefault(n, why)

    def unplaced(self, lines: list[str], fallback: str) -> list[Unplaced]:
        out = []
        for n, raw in enumerate(lines, start=1):
            if n in self.placed or not carries_text(raw):
                continue
            text = " ".join(raw.split())
            if len(text) > _SHOWN:
                text = text[: _SHOWN - 1].rstrip() + "…"
            out.append(Unplaced(n, text, self.why.get(n, fallback)))
        return out
