"""Progress in the store: the append-only events, and what they add up to per step.

An item's current state is its latest event's, copied onto the item by the trigger
``event_sets_state`` in the same transaction; the aggregates here read that copy.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import NamedTuple

from ..clock import utc_stamp
from ..plan.outline import COUNTED_KINDS
from .items import ROADMAP_ID, refs

_COUNTED = json.dumps(list(COUNTED_KINDS))


class StepCounts(NamedTuple):
    """A step and its resources and mini projects, counted by state."""

    id: int
    number: int
    key: str
    title: str
    state: str
    total: int
    done: int
    skipped: int
    started: int
    questions: int


class HistoryRow(NamedTuple):
    day: str
    state: str
    ref: str
    title: str
    note: str | None
    auto: bool
    recorded_at: str


def latest_event(db: sqlite3.Connection, item_id: int) -> tuple[str, bool]:
    """(state, set by the tool) of an item's latest event; ("todo", False) without one."""
    row = db.execute("SELECT state, auto FROM event WHERE item_id = ? ORDER BY id DESC LIMIT 1", (item_id,)).fetchone()
    return (row["state"], bool(row["auto"])) if row else ("todo", False)


def add_event(
    db: sqlite3.Connection, item_id: int, state: str, day: date, note: str | None, auto: bool = False
) -> None:
    db.execute(
        "INSERT INTO event (item_id, state, day, recorded_at, note, auto) VALUES (?, ?, ?, ?, ?, ?)",
        (item_id, state, day.isoformat(), utc_stamp(), note, auto),
    )


def step_totals(db: sqlite3.Connection, step_id: int) -> tuple[int, int, int]:
    """(items, done, skipped) among a step's live resources and mini projects."""
    row = db.execute(
        """SELECT COUNT(*), COALESCE(SUM(state = 'done'), 0), COALESCE(SUM(state = 'skipped'), 0) FROM item
           WHERE step_id = ? AND kind IN (SELECT value FROM json_each(?)) AND archived_at IS NULL""",
        (step_id, _COUNTED),
    ).fetchone()
    return row[0], row[1], row[2]


def step_counts(db: sqlite3.Connection) -> list[StepCounts]:
    """Every live step in order, with its items counted by state."""
    # One pass over the (step_id, kind, state) index, folded per step here: on a
    # 10,000-item roadmap this is half the time of joining items to their steps.
    counts: dict[int, dict[tuple[str, str], int]] = {}
    for step_id, kind, state, n in db.execute(
        """SELECT step_id, kind, state, COUNT(*) FROM item
           WHERE archived_at IS NULL AND kind != 'step' AND step_id IS NOT NULL
           GROUP BY step_id, kind, state"""
    ):
        counts.setdefault(step_id, {})[kind, state] = n
    out = []
    for r in db.execute(
        """SELECT id, position, key, title, state FROM item
           WHERE roadmap_id = ? AND kind = 'step' AND archived_at IS NULL ORDER BY position""",
        (ROADMAP_ID,),
    ):
        mine = counts.get(r["id"], {})

        def counted(state: str | None = None, mine=mine) -> int:
            return sum(n for (kind, st), n in mine.items() if kind in COUNTED_KINDS and state in (None, st))

        questions = sum(n for (kind, _), n in mine.items() if kind == "question")
        out.append(
            StepCounts(
                r["id"],
                r["position"],
                r["key"],
                r["title"],
                r["state"],
                counted(),
                counted("done"),
                counted("skipped"),
                counted("in_progress"),
                questions,
            )
        )
    return out


def step_counts_as_of(db: sqlite3.Connection, day: date) -> list[tuple[str, int, int, int]]:
    """(step state, items, done, skipped) per live step, with the states items had on ``day``:
    each one's latest event dated on or before it."""
    rows = db.execute(
        """WITH st AS (
               SELECT i.id, i.kind, i.step_id, COALESCE((SELECT e.state FROM event e WHERE e.item_id = i.id
                   AND e.day <= :day ORDER BY e.id DESC LIMIT 1), 'todo') AS state
               FROM item i WHERE i.roadmap_id = 1 AND i.archived_at IS NULL
                 AND i.kind IN ('step', 'resource', 'project'))
           SELECT s.state AS own, COUNT(i.id) AS total, COALESCE(SUM(i.state = 'done'), 0) AS done,
                  COALESCE(SUM(i.state = 'skipped'), 0) AS skipped
           FROM st s LEFT JOIN st i ON i.step_id = s.id AND i.id != s.id
           WHERE s.kind = 'step' GROUP BY s.id""",
        {"day": day.isoformat()},
    ).fetchall()
    return [(r["own"], r["total"], r["done"], r["skipped"]) for r in rows]


def next_items(db: sqlite3.Connection, current: int, limit: int) -> list[int]:
    """Ids of work already started anywhere, then of what is still to do from step ``current`` on."""
    return [
        r[0]
        for r in db.execute(
            """SELECT i.id FROM item i JOIN item s ON s.id = i.step_id
               WHERE i.roadmap_id = ? AND i.kind IN ('resource', 'project') AND i.archived_at IS NULL
                 AND i.state IN ('todo', 'in_progress') AND s.state NOT IN ('done', 'skipped')
                 AND (i.state = 'in_progress' OR s.position >= ?)
               ORDER BY i.state = 'todo', i.seq
               LIMIT ?""",
            (ROADMAP_ID, current, limit),
        )
    ]


def event_counts(db: sqlite3.Connection, item_ids: list[int]) -> dict[int, int]:
    """How many events each item has."""
    rows = db.execute(
        "SELECT item_id, COUNT(*) FROM event WHERE item_id IN (SELECT value FROM json_each(?)) GROUP BY item_id",
        (json.dumps(item_ids),),
    )
    return dict(rows.fetchall())


def last_activity(db: sqlite3.Connection) -> str | None:
    return db.execute("SELECT MAX(day) FROM event").fetchone()[0]


def history(db: sqlite3.Connection, item_id: int | None = None, limit: int | None = None) -> list[HistoryRow]:
    """Events, newest day first; one item's, or everyone's."""
    where = "WHERE e.item_id = ?" if item_id is not None else ""
    params: tuple = (item_id,) if item_id is not None else ()
    rows = db.execute(
        f"""SELECT e.day, e.state, e.note, e.auto, e.recorded_at, i.id, i.title FROM event e
            JOIN item i ON i.id = e.item_id {where}
            ORDER BY e.day DESC, e.id DESC {"LIMIT ?" if limit else ""}""",
        params + ((limit,) if limit else ()),
    ).fetchall()
    shown = refs(db, [r["id"] for r in rows])
    return [
        HistoryRow(r["day"], r["state"], shown[r["id"]], r["title"], r["note"], bool(r["auto"]), r["recorded_at"])
        for r in rows
    ]


def hand_changes_by_day(db: sqlite3.Connection, since: date, until: date) -> list[tuple[str, int]]:
    """(day, changes) for the progress changes made by hand (not the tool's step changes) in a period."""
    rows = db.execute(
        "SELECT day, COUNT(*) FROM event WHERE auto = 0 AND day BETWEEN ? AND ? GROUP BY day",
        (since.isoformat(), until.isoformat()),
    )
    return [tuple(r) for r in rows]


def items_done_between(db: sqlite3.Connection, first: date, last: date) -> int:
    """How many live resources and mini projects were checked done in a period."""
    return db.execute(
        """SELECT COUNT(DISTINCT e.item_id) FROM event e JOIN item i ON i.id = e.item_id
           WHERE e.state = 'done' AND e.day BETWEEN ? AND ? AND i.kind IN (SELECT value FROM json_each(?))
             AND i.archived_at IS NULL""",
        (first.isoformat(), last.isoformat(), _COUNTED),
    ).fetchone()[0]


def last_changes_between(db: sqlite3.Connection, start: date, end: date) -> list[tuple[int, str, str, str, str]]:
    """(item id, kind, title, state, day) of each item's last change dated in the period, by day then plan order."""
    rows = db.execute(
        """SELECT i.id, i.kind, i.title, e.state, e.day FROM event e JOIN item i ON i.id = e.item_id
           WHERE e.id IN (SELECT MAX(id) FROM event WHERE day BETWEEN ? AND ? GROUP BY item_id)
           ORDER BY e.day, i.seq""",
        (start.isoformat(), end.isoformat()),
    )
    return [tuple(r) for r in rows]
