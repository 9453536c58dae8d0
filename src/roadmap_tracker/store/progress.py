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
from . import records
from .items import ROADMAP_ID, key_of, refs
from .records import Stamp

_COUNTED = json.dumps(list(COUNTED_KINDS))
# A step is complete when every live resource and mini project is done or skipped, one at least done.
_COMPLETE = "({t}.done > 0 AND {t}.done + {t}.skipped = {t}.total)"
# A change that counts as something done: not an undo, and not undone since.
_STANDS = "{e}.undoes IS NULL AND {e}.id NOT IN (SELECT u.undoes FROM event u WHERE u.undoes IS NOT NULL)"


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
    id: int
    day: str
    state: str
    ref: str
    title: str
    note: str | None
    auto: bool
    recorded_at: str
    undoes: int | None  # the event this one reverses
    undone_by: int | None  # the event that reversed this one


def latest_event(db: sqlite3.Connection, item_id: int) -> tuple[str, bool]:
    """(state, set by the tool) of an item's latest event; ("todo", False) without one."""
    row = db.execute("SELECT state, auto FROM event WHERE item_id = ? ORDER BY id DESC LIMIT 1", (item_id,)).fetchone()
    return (row["state"], bool(row["auto"])) if row else ("todo", False)


def add_event(
    db: sqlite3.Connection,
    item_id: int,
    state: str,
    day: date,
    note: str | None,
    auto: bool = False,
    undoes: int | None = None,
    *,
    stamp: Stamp | None = None,
) -> int:
    """Append an event. Made here, it is recorded in the history file too; applied from that file,
    it carries the record's ``stamp``."""
    if stamp is None:
        after = db.execute("SELECT uid FROM event WHERE item_id = ? ORDER BY id DESC LIMIT 1", (item_id,)).fetchone()
        after = after[0] if after else None
        stamp = records.stamp(
            db,
            "state",
            item=key_of(db, item_id),
            state=state,
            day=day.isoformat(),
            note=note,
            auto=auto,
            undoes=uid_of(db, undoes) if undoes is not None else None,
            after=after,
        )
    else:
        after = stamp.after
    uid, at = (stamp.uid, stamp.at) if stamp else (None, utc_stamp())
    cur = db.execute(
        "INSERT INTO event (item_id, state, day, recorded_at, note, auto, undoes, uid, after_uid) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (item_id, state, day.isoformat(), at, note, auto, undoes, uid, after),
    )
    return cur.lastrowid


def next_event_id(db: sqlite3.Connection) -> int:
    return (db.execute("SELECT MAX(id) FROM event").fetchone()[0] or 0) + 1


def add_events_in_bulk(db: sqlite3.Connection, rows: list[tuple]) -> None:
    """Append many events at once, each (id, item_id, state, day, recorded_at, note, auto, undoes,
    uid, after_uid): a store rebuilt from its history. The triggers that keep each item's state and each
    step's tally fire once per event; they are set aside while the events go in, and what they keep
    is derived once afterwards, in the same transaction."""
    from .migrations import count_step_tally

    kept = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ('event_sets_state', 'item_tally_update')"
    ).fetchall()
    for name, _ in kept:
        db.execute(f"DROP TRIGGER {name}")
    db.executemany(
        "INSERT INTO event (id, item_id, state, day, recorded_at, note, auto, undoes, uid, after_uid) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.execute(
        """UPDATE item SET
               state = COALESCE((SELECT state FROM event WHERE item_id = item.id ORDER BY id DESC LIMIT 1), 'todo'),
               state_day = (SELECT day FROM event WHERE item_id = item.id ORDER BY id DESC LIMIT 1)
           WHERE id IN (SELECT DISTINCT item_id FROM event)"""
    )
    count_step_tally(db)
    for _, sql in kept:
        db.execute(sql)


def uid_of(db: sqlite3.Connection, event_id: int) -> str | None:
    row = db.execute("SELECT uid FROM event WHERE id = ?", (event_id,)).fetchone()
    return row[0] if row else None


def by_uid(db: sqlite3.Connection, uid: str) -> int | None:
    row = db.execute("SELECT id FROM event WHERE uid = ?", (uid,)).fetchone()
    return row[0] if row else None


def step_standing(db: sqlite3.Connection, step_id: int) -> tuple[bool, int, int, int]:
    """(complete, done, skipped, started) among a step's live resources and mini projects."""
    row = db.execute(
        f"SELECT {_COMPLETE.format(t='step_tally')}, done, skipped, started FROM step_tally WHERE step_id = ?",
        (step_id,),
    ).fetchone()
    return (bool(row[0]), *row[1:]) if row else (False, 0, 0, 0)


def step_counts(db: sqlite3.Connection) -> list[StepCounts]:
    """Every live step in order, with its items counted by state (the tally the item triggers keep)."""
    rows = db.execute(
        """SELECT s.id, s.position, s.key, s.title, s.state, COALESCE(t.total, 0), COALESCE(t.done, 0),
                  COALESCE(t.skipped, 0), COALESCE(t.started, 0), COALESCE(t.questions, 0)
           FROM item s LEFT JOIN step_tally t ON t.step_id = s.id
           WHERE s.roadmap_id = ? AND s.kind = 'step' AND s.archived_at IS NULL ORDER BY s.position""",
        (ROADMAP_ID,),
    )
    return [StepCounts(*r) for r in rows]


def step_counts_as_of(db: sqlite3.Connection, day: date) -> list[tuple[str, int, int, int]]:
    """(step state, items, done, skipped) per live step, with the states items had on ``day``:
    each one's latest event dated on or before it."""
    first, last = db.execute("SELECT MIN(day), MAX(day) FROM event").fetchone()
    # On or after the last day any event is dated, every item is in its current state, which
    # the triggers keep (with each step's tally); before the first, every item is to do. A report
    # over the whole history asks both, and each would otherwise read every event of every item.
    if last is None or day.isoformat() >= last:
        return [(s.state, s.total, s.done, s.skipped) for s in step_counts(db)]
    if day.isoformat() < first:
        return [("todo", s.total, 0, 0) for s in step_counts(db)]
    return _step_counts_from_events(db, day)


def _step_counts_from_events(db: sqlite3.Connection, day: date) -> list[tuple[str, int, int, int]]:
    rows = db.execute(
        """WITH st AS (
               SELECT i.id, i.kind, i.step_id, COALESCE((SELECT e.state FROM event e WHERE e.item_id = i.id
                   AND e.day <= :day ORDER BY e.id DESC LIMIT 1), 'todo') AS state
               FROM item i WHERE i.roadmap_id = 1 AND i.archived_at IS NULL
                 AND i.kind IN ('step', 'resource', 'project'))
           -- One pass: a step is its own step, so its group holds it and its items. (Joining the
           -- CTE to itself by step scanned every item once per step: quadratic.)
           SELECT MAX(CASE WHEN id = step_id THEN state END) AS own, SUM(id != step_id) AS total,
                  SUM(id != step_id AND state = 'done') AS done,
                  SUM(id != step_id AND state = 'skipped') AS skipped
           FROM st GROUP BY step_id HAVING SUM(kind = 'step') > 0""",
        {"day": day.isoformat()},
    ).fetchall()
    return [(r["own"], r["total"], r["done"], r["skipped"]) for r in rows]


def next_items(db: sqlite3.Connection, current: int, limit: int) -> list[int]:
    """Ids of work already started anywhere, then of what is still to do from step ``current`` on."""
    # Each part read from the live items by state in plan order (ix_item_open), so it stops at
    # ``limit`` rows instead of sorting every item of the plan; items of a step come after it
    # in plan order, so what is to do is looked for from the current step's place on.
    part = """SELECT * FROM (SELECT i.id FROM item i CROSS JOIN item s ON s.id = i.step_id
                  WHERE i.archived_at IS NULL AND i.state = '{state}' AND i.kind IN ('resource', 'project')
                    AND s.state NOT IN ('done', 'skipped') {where}
                  ORDER BY i.seq LIMIT :limit)"""
    from_here = """AND s.position >= :current AND i.seq > (SELECT MIN(seq) FROM item
                   WHERE kind = 'step' AND position = :current AND archived_at IS NULL)"""
    rows = db.execute(
        part.format(state="in_progress", where="")
        + " UNION ALL "
        + part.format(state="todo", where=from_here)
        + " LIMIT :limit",
        {"current": current, "limit": limit},
    )
    return [r[0] for r in rows]


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
        f"""SELECT e.id AS event_id, e.day, e.state, e.note, e.auto, e.recorded_at, e.undoes, i.id, i.title,
                   (SELECT u.id FROM event u WHERE u.undoes = e.id) AS undone_by
            FROM event e JOIN item i ON i.id = e.item_id {where}
            ORDER BY e.day DESC, e.id DESC {"LIMIT ?" if limit else ""}""",
        params + ((limit,) if limit else ()),
    ).fetchall()
    shown = refs(db, [r["id"] for r in rows])
    return [
        HistoryRow(
            r["event_id"],
            r["day"],
            r["state"],
            shown[r["id"]],
            r["title"],
            r["note"],
            bool(r["auto"]),
            r["recorded_at"],
            r["undoes"],
            r["undone_by"],
        )
        for r in rows
    ]


class EventRecord(NamedTuple):
    id: int
    item_id: int
    state: str
    day: str
    auto: bool
    undoes: int | None


def event(db: sqlite3.Connection, event_id: int) -> EventRecord | None:
    row = db.execute("SELECT id, item_id, state, day, auto, undoes FROM event WHERE id = ?", (event_id,)).fetchone()
    return EventRecord(row[0], row[1], row[2], row[3], bool(row[4]), row[5]) if row else None


def last_undoable(db: sqlite3.Connection) -> int | None:
    """The latest change made by hand that no undo has reversed, and that is no undo itself."""
    row = db.execute(
        """SELECT id FROM event e WHERE auto = 0 AND undoes IS NULL
             AND NOT EXISTS (SELECT 1 FROM event u WHERE u.undoes = e.id)
           ORDER BY id DESC LIMIT 1"""
    ).fetchone()
    return row[0] if row else None


def undone_by(db: sqlite3.Connection, event_id: int) -> int | None:
    row = db.execute("SELECT id FROM event WHERE undoes = ?", (event_id,)).fetchone()
    return row[0] if row else None


def state_before(db: sqlite3.Connection, event_id: int) -> str:
    """An item's state just before one of its events: its previous event's, or to do."""
    row = db.execute(
        """SELECT p.state FROM event e JOIN event p ON p.item_id = e.item_id AND p.id < e.id
           WHERE e.id = ? ORDER BY p.id DESC LIMIT 1""",
        (event_id,),
    ).fetchone()
    return row[0] if row else "todo"


def later_event(db: sqlite3.Connection, event_id: int) -> int | None:
    """The latest change of the same item recorded after this event, if any."""
    row = db.execute(
        "SELECT p.id FROM event e JOIN event p ON p.item_id = e.item_id AND p.id > e.id WHERE e.id = ? "
        "ORDER BY p.id DESC LIMIT 1",
        (event_id,),
    ).fetchone()
    return row[0] if row else None


def hand_change_weeks(db: sqlite3.Connection, week1: date, until: date) -> set[int]:
    """The weeks (1 is the one starting on ``week1``) holding a progress change made by hand, up
    to ``until``, that stands. The streak asks this of the whole history: one DISTINCT over the
    (auto, day) index, weeks counted by SQLite, and the few days an undo touched looked at again."""
    # Days before week1 fall in week 0 and below, as Python's floor division puts them.
    week = "(CAST(julianday(day) - julianday(:week1) AS INTEGER) + 7000000) / 7 - 999999"
    touched = json.dumps(_undo_days(db))
    params = {"week1": week1.isoformat(), "until": until.isoformat(), "touched": touched}
    rows = db.execute(
        f"""SELECT DISTINCT {week} FROM event WHERE auto = 0 AND day <= :until
              AND day NOT IN (SELECT value FROM json_each(:touched))
            UNION SELECT DISTINCT {week} FROM event WHERE auto = 0 AND day <= :until
              AND day IN (SELECT value FROM json_each(:touched)) AND {_STANDS.format(e="event")}""",
        params,
    )
    return {r[0] for r in rows if r[0] is not None}  # None: a day that is no date counts for nothing


def _undo_days(db: sqlite3.Connection) -> list[str]:
    """The days that hold an undo or a change undone."""
    return [
        r[0]
        for r in db.execute(
            # (+auto: found by the undo index, not by the one that holds every change by hand.)
            """SELECT day FROM event WHERE undoes IS NOT NULL AND +auto = 0
               UNION SELECT day FROM event WHERE id IN (SELECT undoes FROM event WHERE undoes IS NOT NULL)"""
        )
    ]


def hand_changes_by_day(db: sqlite3.Connection, since: date, until: date) -> list[tuple[str, int]]:
    """(day, changes) for the progress changes made by hand in a period that stand: neither the
    tool's own step changes, nor an undo, nor undone."""
    period = (since.isoformat(), until.isoformat())
    # Every change by hand, counted from the (auto, day) index alone; then the few days that hold
    # an undo or an undone change are counted again without them.
    counts = dict(
        db.execute("SELECT day, COUNT(*) FROM event WHERE auto = 0 AND day BETWEEN ? AND ? GROUP BY day", period)
    )
    touched = [day for day in _undo_days(db) if day in counts]
    if touched:
        for day in touched:
            del counts[day]
        counts.update(
            db.execute(
                f"""SELECT day, COUNT(*) FROM event WHERE auto = 0 AND day IN (SELECT value FROM json_each(?))
                      AND {_STANDS.format(e="event")} GROUP BY day""",
                (json.dumps(touched),),
            )
        )
    return sorted(counts.items())


def first_recorded_day(db: sqlite3.Connection) -> date | None:
    """The earliest day a change, a diary week or a reflection answer is dated, if any."""
    row = db.execute(
        """SELECT MIN(d) FROM (SELECT MIN(day) AS d FROM event UNION ALL SELECT MIN(start_day) FROM entry
                               UNION ALL SELECT MIN(day) FROM answer)"""
    ).fetchone()
    try:
        return date.fromisoformat(row[0]) if row and row[0] else None
    except ValueError:  # a hand-made day that is no date
        return None


def items_done_between(db: sqlite3.Connection, first: date, last: date) -> int:
    """How many live resources and mini projects were checked done in a period."""
    return db.execute(
        # CROSS JOIN keeps this order: the period's events by day, each finding its item by id.
        f"""SELECT COUNT(DISTINCT e.item_id) FROM event e CROSS JOIN item i ON i.id = e.item_id
           WHERE e.state = 'done' AND e.day BETWEEN ? AND ? AND i.kind IN (SELECT value FROM json_each(?))
             AND i.archived_at IS NULL AND {_STANDS.format(e="e")}""",
        (first.isoformat(), last.isoformat(), _COUNTED),
    ).fetchone()[0]


def last_changes_between(db: sqlite3.Connection, start: date, end: date) -> list[tuple[int, str, str, str, str]]:
    """(item id, kind, title, state, day) of each item's last change dated in the period, by day then plan order."""
    rows = db.execute(
        f"""SELECT i.id, i.kind, i.title, e.state, e.day FROM event e JOIN item i ON i.id = e.item_id
           WHERE e.id IN (SELECT MAX(id) FROM event WHERE day BETWEEN ? AND ? AND {_STANDS.format(e="event")}
                          GROUP BY item_id)
           ORDER BY e.day, i.seq""",
        (start.isoformat(), end.isoformat()),
    )
    return [tuple(r) for r in rows]


def reopened_by_plan(db: sqlite3.Connection) -> list[int]:
    """Steps the tool closed because all their items were done, that now have an item to do:
    roadmap.yaml gave them a new one."""
    rows = db.execute(
        f"""SELECT s.id FROM item s CROSS JOIN step_tally t ON t.step_id = s.id
           WHERE s.kind = 'step' AND s.archived_at IS NULL AND s.state = 'done'
             AND NOT {_COMPLETE.format(t="t")}
             AND (SELECT auto FROM event WHERE item_id = s.id ORDER BY id DESC LIMIT 1) = 1
           ORDER BY s.position"""
    )
    return [r[0] for r in rows]


class Conflict(NamedTuple):
    """One item changed on the same day on two machines to two states, each made without seeing the
    other (on top of the same earlier change): the one recorded later stands."""

    item_id: int
    ref: str
    title: str
    day: str
    lost: str  # the state recorded first
    lost_device: str
    kept: str  # the state recorded last, which stands
    kept_device: str
    now: str  # the item's state now (a later change may have settled it since)


# Two changes of an item on the same day, on two devices, each made on top of the same earlier
# change, to different states: (the one recorded first, the one recorded last).
_PAIRS = """SELECT a.uid, b.uid FROM {first} CROSS JOIN event a ON a.item_id = b.item_id AND +a.day = b.day
              AND a.state != b.state AND (a.recorded_at, a.uid) < (b.recorded_at, b.uid)
              AND a.after_uid IS b.after_uid
            JOIN record ra ON ra.uid = a.uid JOIN record rb ON rb.uid = b.uid AND rb.device != ra.device
            WHERE +a.auto = 0 AND b.auto = 0"""
# (CROSS JOIN: the other event is found by its item, never by the day, which many events share,
# and before the records are read: most changes have no other change that day.)


def note_conflicts(db: sqlite3.Connection, uids: list[str] | None = None) -> list[Conflict]:
    """Find the conflicts that records just applied (``uids``, which sort after every record held)
    made, or with None every conflict the events hold, keep them in the ``conflict`` table, and
    return those not kept before. Only records from elsewhere make one: a change made here is made
    on top of every change the store holds."""
    if uids is not None and not uids:
        return []
    if uids is None:
        pairs = db.execute(_PAIRS.format(first="event b")).fetchall()
    else:
        new = "(SELECT value AS uid FROM json_each(?)) n CROSS JOIN event b ON b.uid = n.uid"
        pairs = db.execute(_PAIRS.format(first=new), (json.dumps(uids),)).fetchall()
    found = [tuple(p) for p in pairs]
    if not found:
        return []
    kept = {tuple(r) for r in db.execute("SELECT lost_uid, kept_uid FROM conflict")}
    fresh = [p for p in found if p not in kept]
    db.executemany("INSERT INTO conflict (lost_uid, kept_uid) VALUES (?, ?)", fresh)
    return _conflicts(db, fresh)


def conflicts(db: sqlite3.Connection) -> list[Conflict]:
    """Every conflict the store keeps (``note_conflicts``), by day."""
    return _conflicts(db, None)


def _conflicts(db: sqlite3.Connection, pairs: list[tuple[str, str]] | None) -> list[Conflict]:
    where = (
        ""
        if pairs is None
        else "WHERE (c.lost_uid, c.kept_uid) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))"
    )
    rows = db.execute(
        f"""SELECT b.item_id, i.title, b.day, a.state, ra.device, b.state, rb.device, i.state
            FROM conflict c JOIN event a ON a.uid = c.lost_uid JOIN event b ON b.uid = c.kept_uid
                 JOIN record ra ON ra.uid = a.uid JOIN record rb ON rb.uid = b.uid JOIN item i ON i.id = b.item_id
            {where} ORDER BY b.day, b.recorded_at, b.uid, a.recorded_at, a.uid""",
        () if pairs is None else (json.dumps(pairs),),
    ).fetchall()
    shown = refs(db, [r[0] for r in rows])
    return [Conflict(r[0], shown[r[0]], *r[1:]) for r in rows]
