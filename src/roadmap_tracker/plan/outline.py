"""A validated roadmap flattened into rows with stable keys, in display order."""

from __future__ import annotations

import json
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


def flatten(roadmap: Roadmap) -> Iterator[Row]:
    for s_index, step in enumerate(roadmap.steps):
        step_key = step.id or slugify(step.title)
        path = ("steps", s_index)
        yield Row(
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
        for field, kind in LIST_KINDS.items():
            yield from _items(getattr(step, field), kind, step_key, step_key, (*path, field))
    for d_index, d in enumerate(roadmap.deliverables):
        settings = {"target": d.target, "max": d.max, "rule": d.rule, "link_kind": d.link_kind}
        yield Row(
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


def _items(items: list[Item], kind: str, parent: str, step: str, path: tuple) -> Iterator[Row]:
    for index, item in enumerate(items):
        key = item.id or f"{step}/{slugify(item.title)}"
        here = (*path, index)
        yield Row(key, kind, parent, step, index + 1, item.title, item.url, item.note, None, here, item.id is not None)
        yield from _items(item.items, kind, key, step, (*here, "items"))
