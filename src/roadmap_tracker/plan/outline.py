"""A validated roadmap flattened into rows with stable keys, in display order."""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from .ids import slugify

if TYPE_CHECKING:  # the schema pulls in pydantic, which the read path never needs
    from .schema import Item, Roadmap

# The lists a step holds in roadmap.yaml, and the kind of item each one makes.
LIST_KINDS = {"resources": "resource", "projects": "project", "questions": "question"}
ITEM_LISTS = tuple(LIST_KINDS)
# The letter used in typed references such as `3.p2`.
KIND_LETTER = {"resource": "r", "project": "p", "question": "q"}
LETTER_KIND = {letter: kind for kind, letter in KIND_LETTER.items()}
COUNTED_KINDS = ("resource", "project")  # what a step's progress bar counts
# How many levels of items a step may hold (an item, its `items:`, theirs...). Every level costs a
# query when references are read and a level of indent when shown; no real plan comes near it, and
# the limit keeps a runaway file from exhausting the stack of the reader, the validator or `flatten`.
MAX_ITEM_DEPTH = 32


class Row(NamedTuple):
    key: str
    kind: str  # step, resource, project, question, deliverable
    parent: str | None  # key of the parent row
    step: str | None  # key of the owning step
    position: int  # 1-based among siblings of the same kind
    title: str
    url: str | None
    body: str | None  # a step's objective, an item's note
    extra: str | None  # JSON settings of a deliverable
    path: tuple  # where it sits in the YAML, for error messages
    explicit_id: bool


_new_row = tuple.__new__


def flatten(roadmap: Roadmap) -> Iterator[Row]:
    """The plan's rows in display order (see ``rows``)."""
    return iter(rows(roadmap))


# The rows of each plan alive, by id(plan): reading a plan checks its ids over its rows, and the
# sync then stores the same rows (at 100,000 items making them costs a good part of a second).
_made: dict[int, tuple[Row, ...]] = {}


def rows(roadmap: Roadmap) -> tuple[Row, ...]:
    """The plan's rows in display order, made once for each plan read (they go with it)."""
    made = _made.get(id(roadmap))
    if made is None:
        made = _made[id(roadmap)] = _rows(roadmap)
        weakref.finalize(roadmap, _made.pop, id(roadmap), None)
    return made


def _rows(roadmap: Roadmap) -> tuple[Row, ...]:
    out: list[Row] = []
    for s_index, step in enumerate(roadmap.steps):
        step_key = step.id or slugify(step.title)
        path = ("steps", s_index)
        out.append(
            Row(
                step_key,
                "step",
                None,
                step_key,
                s_index + 1,
                step.title,
                None,
                step.objective,
                None,
                path,
                step.id is not None,
            )
        )
        for field, kind in LIST_KINDS.items():
            _items(out, getattr(step, field), kind, step_key, step_key, (*path, field))
    for d_index, d in enumerate(roadmap.deliverables):
        settings = {"target": d.target, "max": d.max, "rule": d.rule, "link_kind": d.link_kind}
        out.append(
            Row(
                d.id or slugify(d.title),
                "deliverable",
                None,
                None,
                d_index + 1,
                d.title,
                None,
                None,
                json.dumps(settings, sort_keys=True),
                ("deliverables", d_index),
                d.id is not None,
            )
        )
    return tuple(out)


def _items(out: list[Row], items: list[Item], kind: str, parent: str, step: str, path: tuple) -> None:
    for index, item in enumerate(items, start=1):
        key = item.id or f"{step}/{slugify(item.title)}"
        here = (*path, index - 1)
        # A Row made with tuple.__new__: a NamedTuple's own __new__ is a call in Python, which at
        # 100,000 items costs a third of what making the rows does.
        row = (key, kind, parent, step, index, item.title, item.url, item.note, None, here, item.id is not None)
        out.append(_new_row(Row, row))
        if item.items:
            _items(out, item.items, kind, key, step, (*here, "items"))
