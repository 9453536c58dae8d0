"""Changing progress: append events, never rewrite them; steps follow their items."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import NamedTuple

from ..errors import UnknownItem, UsageError
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
            if settled := _settle_step(db, step_id, day):
                changes.append(settled)
    return changes


class Undone(NamedTuple):
    """An undo: the event it reverses, and the changes it made (the item's, then its step's)."""

    event: int
    undo: int
    changes: list[Change]


def undo(db: sqlite3.Connection, event_id: int | None = None) -> Undone:
    """Reverse a change (the latest made by hand, by default) with a new event that names it. It
    is dated the day of the change it reverses, so the history reads as if that never happened;
    both stay in the history."""
    with transaction(db):
        if event_id is None:
            event_id = store.last_undoable(db)
            if event_id is None:
                raise UsageError("there is no change to undo", hint="`roadmap history` lists the changes")
        found = store.event(db, event_id)
        if found is None:
            raise UnknownItem(f"no change #{event_id}", hint="`roadmap history` lists the changes with their numbers")
        if found.auto:
            raise UsageError(
                f"#{event_id} was made by the tool (a step following its items)", hint="undo the change that caused it"
            )
        if (by := store.undone_by(db, event_id)) is not None:
            raise UsageError(f"#{event_id} is already undone (by #{by})")
        if (later := store.later_event(db, event_id)) is not None:
            raise UsageError(f"the item changed again after #{event_id}", hint=f"undo #{later} first")
        item = store_items.item(db, found.item_id)
        old, back = found.state, store.state_before(db, event_id)
        day = date.fromisoformat(found.day)
        undo_id = store.add_event(db, item.id, back, day, f"undo of #{event_id}", undoes=event_id)
        changes = [Change(item, old, back)]
        if item.kind in COUNTED_KINDS and item.step_id is not None and (settled := _settle_step(db, item.step_id, day)):
            changes.append(settled)
    return Undone(event_id, undo_id, changes)


def reopen_after_plan_edit(db: sqlite3.Connection, day: date) -> list[Change]:
    """Reopen the steps the tool closed whose plan now holds an item still to do. A step the
    learner marked done by hand stays done."""
    with transaction(db):
        reopened = store.reopened_by_plan(db)
        for step_id in reopened:
            store.add_event(db, step_id, "in_progress", day, "an item was added to roadmap.yaml", auto=True)
    return [Change(item, "done", "in_progress", auto=True) for item in store_items.items(db, reopened)]


def settle_steps(db: sqlite3.Connection, day: date, items: set[int] | None = None) -> list[Change]:
    """Settle steps by their items (the steps of ``items``, or every one): after records from another
    machine, a step may stand done with an item reopened there, or open with its last item done."""
    with transaction(db):
        if items is None:
            steps = [step.id for step in store_items.live_items(db, kinds=("step",))]
        else:
            steps = sorted({i.step_id for i in store_items.items(db, items) if i.step_id is not None})
        return [change for step_id in steps if (change := _settle_step(db, step_id, day))]


def _settle_step(db: sqlite3.Connection, step_id: int, day: date) -> Change | None:
    """A step is done when all its items are done or skipped (with at least one
    done); a step the tool closed reopens when one of its items does, and goes back
    to do when none of its items is left started, done or skipped."""
    complete, done, skipped, started = store.step_standing(db, step_id)
    state, auto = store.latest_event(db, step_id)
    if complete and state != "done":
        new, note = "done", "all items done"
    elif not complete and state == "done" and auto:
        new, note = "in_progress", "an item was reopened"
    elif state == "in_progress" and auto and not (done or skipped or started):
        new, note = "todo", "no item is started any more"
    else:
        return None
    store.add_event(db, step_id, new, day, note, auto=True)
    return Change(store_items.item(db, step_id), state, new, auto=True)
