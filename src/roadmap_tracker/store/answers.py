"""Answers to the roadmap's reflection questions. Revisions add rows; none is ever rewritten.

The *latest* answer to a question is the one for the latest day the learner gave; of two on
the same day, the one recorded last. Every view asks ``latest`` for it, so they all agree.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import NamedTuple

from ..clock import utc_stamp
from . import records
from .items import key_of
from .records import Stamp

_LATEST = """SELECT a.item_id, a.day, a.text FROM answer a
              WHERE a.id = (SELECT b.id FROM answer b WHERE b.item_id = a.item_id ORDER BY b.day DESC, b.id DESC LIMIT 1)"""


class Answer(NamedTuple):
    item_id: int
    day: str
    text: str


def latest(db: sqlite3.Connection, *, step_id: int | None = None) -> dict[int, Answer]:
    """The latest answer of every answered live question (of one step's, with ``step_id``)."""
    sql = _LATEST + " AND a.item_id IN (SELECT id FROM item WHERE kind = 'question' AND archived_at IS NULL"
    params: tuple = ()
    if step_id is not None:
        sql += " AND step_id = ?"
        params = (step_id,)
    return {r["item_id"]: Answer(r["item_id"], r["day"], r["text"]) for r in db.execute(sql + ")", params)}


def latest_of(db: sqlite3.Connection, item_id: int) -> Answer | None:
    row = db.execute(
        "SELECT item_id, day, text FROM answer WHERE item_id = ? ORDER BY day DESC, id DESC LIMIT 1", (item_id,)
    ).fetchone()
    return Answer(row["item_id"], row["day"], row["text"]) if row else None


def add(db: sqlite3.Connection, item_id: int, day: date, text: str, *, stamp: Stamp | None = None) -> None:
    if stamp is None:
        stamp = records.stamp(db, "answer", item=key_of(db, item_id), day=day.isoformat(), text=text)
    uid, at = (stamp.uid, stamp.at) if stamp else (None, utc_stamp())
    db.execute(
        "INSERT INTO answer (item_id, day, text, recorded_at, uid) VALUES (?, ?, ?, ?, ?)",
        (item_id, day.isoformat(), text, at, uid),
    )


def answered_by_step(db: sqlite3.Connection) -> dict[str, int]:
    """Reflection questions answered, per step key."""
    rows = db.execute(
        # CROSS JOIN keeps this order: a few answers, each finding its question and step by id.
        """SELECT s.key, COUNT(DISTINCT a.item_id) AS n FROM answer a
           CROSS JOIN item q ON q.id = a.item_id AND q.archived_at IS NULL
           CROSS JOIN item s ON s.id = q.step_id GROUP BY s.key"""
    ).fetchall()
    return {r["key"]: r["n"] for r in rows}


def written_between(db: sqlite3.Connection, start: date, end: date) -> list[tuple[int, str, str, str]]:
    """(question id, question, day, text) of every answer dated in the period, in order."""
    rows = db.execute(
        """SELECT i.id, i.title, a.day, a.text FROM answer a JOIN item i ON i.id = a.item_id
           WHERE a.day BETWEEN ? AND ? ORDER BY a.day, a.id""",
        (start.isoformat(), end.isoformat()),
    )
    return [tuple(r) for r in rows]
