"""Changing progress: append events, never rewrite them; steps follow their items."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import NamedTuple

from ..errors import UsageError
from ..plan.outline import COUNTED_KINDS
from ..store import items as store_items
from ..store import progress as store
from ..store.connection import transaction
from ..store.items import TrackedItem

STATES = ("todo", "in_progress", "done", "skipped")


class Change(NamedTuple):
    item: TrackedItem
    old: str
    new: str
    auto: bool = False  # a step settled by its items

    @property
    def changed(self) -> bool:
        return self.old != self.new


def set_state(
    db: sqlite3.Connection, items: list[TrackedItem], state: str, day: date, note: str | None = None
) -> list[Change]:
    """Move items to ``state`` in one transaction; steps follow their items."""
    if state not in STATES:
        raise UsageError(f"unknown state {state!r}")
    for item in items:
        if item.kind == "question":
            raise UsageError(
                f"{item.ref} is a reflection question",
                hint=f"answer it with `roadmap reflect --answer {item.ref} TEXT`",
            )
        if item.archived:
            raise UsageError(
                f"{item.key} was removed from roadmap.yaml", hint="put it back in roadmap.yaml to track it again"
            )
    changes: list[Change] = []
    steps: dict[int, None] = {}
    with transaction(db):
        for item in dict.fromkeys(items):  # the same item named twice changes once
            old, _ = store.latest_event(db, item.id)
            changes.append(Change(item, old, state))
            if old != state:
                store.add_event(db, item.id, state, day, note)
            if item.kind in COUNTED_KINDS and item.step_id is not None:
                steps.setdefault(item.step_id, None)
        for step_id in steps:
            change = _settle_step(db, step_id, day)
            if change:
                changes.append(Change(store_items.item(db, step_id), *change, auto=True))
    return changes


def reopen_after_plan_edit(db: sqlite3.Connection, day: date) -> list[Change]:
    """Reopen the steps the tool closed whose plan now holds an item still to do. A step the
    learner marked done by hand stays done."""
    with transaction(db):
        reopened = store.reopened_by_plan(db)
        for step_id in reopened:
            store.add_event(db, step_id, "in_progress", day, "an item was added to roadmap.yaml", auto=True)
    return [Change(item, "done", "in_progress", auto=True) for item in store_items.items(db, reopened)]


def _settle_step(db: sqlite3.Connection, step_id: int, day: date) -> tuple[str, str] | None:
    """A step is done when all its items are done or skipped (with at least one
    done); a step the tool closed reopens when one of its items does."""
    total, done, skipped = store.step_totals(db, step_id)
    complete = done and done + skipped == total
    state, auto = store.latest_event(db, step_id)
    if complete and state != "done":
        store.add_event(db, step_id, "done", day, "all items done", auto=True)
        return state, "done"
    if not complete and state == "done" and auto:
        store.add_event(db, step_id, "in_progress", day, "an item was reopened", auto=True)
        return "done", "in_progress"
    return None
