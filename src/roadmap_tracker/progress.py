"""Changing progress: append events, never rewrite them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from .db import transaction
from .errors import UsageError
from .outline import COUNTED_KINDS
from .refs import Item
from .timestamps import utc_now

STATES = ("todo", "in_progress", "done", "skipped")
LABELS = {"todo": "to do", "in_progress": "in progress", "done": "done", "skipped": "skipped"}


@dataclass(frozen=True)
class Change:
    item: Item
    old: str
    new: str
    auto: bool = False  # a step settled by its items

    @property
    def changed(self) -> bool:
        return self.old != self.new


def current_state(db: sqlite3.Connection, item_id: int) -> tuple[str, bool]:
    row = db.execute("SELECT state, auto FROM event WHERE item_id = ? ORDER BY id DESC LIMIT 1", (item_id,)).fetchone()
    return (row["state"], bool(row["auto"])) if row else ("todo", False)


def _record(db, item_id: int, state: str, day: date, note: str | None, auto: bool = False) -> None:
    db.execute(
        "INSERT INTO event (item_id, state, day, recorded_at, note, auto) VALUES (?, ?, ?, ?, ?, ?)",
        (item_id, state, day.isoformat(), utc_now(), note, auto),
    )


def set_state(db: sqlite3.Connection, items: list[Item], state: str, day: date, note: str | None = None) -> list[Change]:
    """Move items to ``state`` in one transaction; steps follow their items."""
    if state not in STATES:
        raise UsageError(f"unknown state {state!r}")
    for item in items:
        if item.kind == "question":
            raise UsageError(f"{item.ref} is a reflection question", hint=f"answer it with `roadmap reflect --answer {item.ref} TEXT`")
        if item.archived:
            raise UsageError(f"{item.key} was removed from roadmap.yaml", hint="put it back in roadmap.yaml to track it again")
    changes: list[Change] = []
    steps: dict[int, Item] = {}
    from .refs import load

    with transaction(db):
        for item in dict.fromkeys(items):  # the same item named twice changes once
            old, _ = current_state(db, item.id)
            changes.append(Change(item, old, state))
            if old != state:
                _record(db, item.id, state, day, note)
            if item.kind in COUNTED_KINDS and item.step_id is not None:
                steps.setdefault(item.step_id, None)
        for step_id in steps:
            change = _settle_step(db, step_id, day)
            if change:
                changes.append(Change(load(db, step_id), *change, auto=True))
    return changes


def _settle_step(db: sqlite3.Connection, step_id: int, day: date) -> tuple[str, str] | None:
    """A step is done when all its items are done or skipped (with at least one
    done); a step the tool closed reopens when one of its items does."""
    counts = db.execute(
        """SELECT COUNT(*) AS total, SUM(state = 'done') AS done, SUM(state = 'skipped') AS skipped
           FROM item i WHERE i.step_id = ? AND i.kind IN ('resource', 'project') AND i.archived_at IS NULL""",
        (step_id,),
    ).fetchone()
    complete = counts["done"] and counts["done"] + counts["skipped"] == counts["total"]
    state, auto = current_state(db, step_id)
    if complete and state != "done":
        _record(db, step_id, "done", day, "all items done", auto=True)
        return state, "done"
    if not complete and state == "done" and auto:
        _record(db, step_id, "in_progress", day, "an item was reopened", auto=True)
        return "done", "in_progress"
    return None
