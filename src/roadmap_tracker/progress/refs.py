"""Item references a person can type: `3`, `3.p2`, `d1`, a full id, or a title fragment."""

from __future__ import annotations

import difflib
import re
import sqlite3

from ..errors import AmbiguousItem, UnknownItem
from ..plan.outline import LETTER_KIND
from ..store import items as store
from ..store.items import TrackedItem

_POSITIONAL = re.compile(r"^(\d+)(?:\.([a-z])(\d+)((?:\.\d+)*))?$", re.IGNORECASE)
_DELIVERABLE = re.compile(r"^d(\d+)$", re.IGNORECASE)
SHOWN_CANDIDATES = 8


def resolve(db: sqlite3.Connection, text: str, *, archived: bool = False) -> TrackedItem:
    """Find exactly one item, or raise UnknownItem / AmbiguousItem naming the candidates."""
    text = text.strip()
    found = positional(db, text) or store.by_key(db, text, archived=archived)
    return found or _by_title(db, text, archived)


def positional(db: sqlite3.Connection, text: str) -> TrackedItem | None:
    """The item a typed position names (`3`, `3.p2`, `3.p2.1`, `d1`); None when the text is no position.
    A position that names nothing is refused."""
    if m := _DELIVERABLE.match(text):
        found = store.deliverable_at(db, int(m[1]))
        if found is None:
            raise UnknownItem(f"no deliverable {text}", hint="`roadmap status` lists them")
        return found
    m = _POSITIONAL.match(text)
    if not m:
        return None
    found = store.step_at(db, int(m[1]))
    if found is None:
        raise UnknownItem(f"no step {m[1]}", hint="`roadmap status` lists the steps")
    if m[2] is None:
        return found
    kind = LETTER_KIND.get(m[2].lower())
    if kind is None:
        raise UnknownItem(
            f"{text!r}: unknown item letter {m[2]!r}", hint="use r (resource), p (project) or q (question)"
        )
    for position in [int(m[3])] + [int(p) for p in m[4].split(".") if p]:
        found = store.child_at(db, found.id, kind, position)
        if found is None:
            raise UnknownItem(f"no item {text}", hint=f"`roadmap show {m[1]}` lists the items of step {m[1]}")
    return found


def _by_title(db: sqlite3.Connection, text: str, archived: bool) -> TrackedItem:
    needle = text.casefold()
    titles = store.titles(db, archived=archived)
    exact = [i for i, title in titles if title.casefold() == needle]
    found = exact or [i for i, title in titles if needle in title.casefold()]
    if len(found) == 1:
        return store.item(db, found[0])
    if not found:
        close = difflib.get_close_matches(text, [title for _, title in titles], n=3, cutoff=0.5)
        hint = (
            ("did you mean: " + "; ".join(close))
            if close
            else "use a step number like 3, a reference like 3.p2, an id, or part of a title"
        )
        raise UnknownItem(f"no item matches {text!r}", hint=hint)
    shown = [f"{i.ref} {i.title}" for i in store.items(db, found[:SHOWN_CANDIDATES])]
    more = f"; and {len(found) - SHOWN_CANDIDATES} more" if len(found) > SHOWN_CANDIDATES else ""
    raise AmbiguousItem(
        f"{text!r} matches {len(found)} items: " + "; ".join(shown) + more,
        hint="use the reference or more of the title",
    )


def resolve_step(db: sqlite3.Connection, text: str, what: str | None = None) -> TrackedItem:
    """A reference that must name a step."""
    from ..errors import UsageError

    found = resolve(db, text)
    if found.kind != "step":
        if what:  # the option already says a step is wanted
            raise UsageError(f"{what}: {found.ref} is a {found.kind}, not a step")
        raise UsageError(f"{found.ref} is a {found.kind}, not a step", hint="give a step number such as 3")
    return found
