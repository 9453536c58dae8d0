"""The store's side of the history files (``history/<device>.jsonl``): the records a write makes,
and which records, files and problems the store has already taken in.

A change the learner makes is kept twice: as a row here, and as a line in their device's history
file, which is the record (the store can be rebuilt from it). A store function that makes such a
row calls ``stamp`` for the record's id and time; the records wait on the connection and are
written out by ``Store.writer`` just before the transaction commits, so a change is in both or in
neither. Records applied from the files (``history.replay``) pass their own stamp instead.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple


class Stamp(NamedTuple):
    """A record's id, when it was recorded, and the device whose file holds it.

    ``at`` orders the records; ``clock`` is the time the device's clock said, which is what a view
    shows (the day a link was added). They differ only when that clock is behind a record the store
    already holds: a change made after seeing another must sort after it."""

    uid: str
    at: str
    device: str | None
    clock: str
    after: str | None = None  # a state record's: the item's latest change it was made on top of


def format_at(when: datetime) -> str:
    """A record's time: UTC to the microsecond, so sorting the text sorts the times."""
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def new_uid() -> str:
    """A record's id: 128 random bits, as hex."""
    return os.urandom(16).hex()


def stamp(db: sqlite3.Connection, op: str, **fields) -> Stamp | None:
    """Queue a record of a change made now; None when this connection keeps no history (a bare
    store opened without a workspace, or a rebuild, which only reads the history)."""
    if getattr(db, "writer", None) is None or not getattr(db, "recording", True):
        return None
    from ..clock import now

    last = getattr(db, "last_at", None)
    if last is None:
        last = db.execute("SELECT MAX(at) FROM record").fetchone()[0] or ""
    clock = at = format_at(now())
    if at <= last:
        # Records sort by time: one made here always sorts after every record the store holds,
        # so the store built by replaying the files is the one these commands built.
        at = format_at(datetime.fromisoformat(last) + timedelta(microseconds=1))
    db.last_at = at
    uid = new_uid()
    record = {"at": at, "id": uid, "op": op}
    if clock != at:
        record["clock"] = clock
    record.update((k, v) for k, v in fields.items() if v is not None and v is not False)
    db.pending.append(record)
    return Stamp(uid, at, db.device, clock)


# --- what was applied -----------------------------------------------------------------


def applied(db: sqlite3.Connection, uids: Iterable[str]) -> dict[str, str]:
    """Which of these record ids the store already holds (applied or waiting), with their device."""
    import json

    return dict(
        db.execute(
            "SELECT uid, device FROM record WHERE uid IN (SELECT value FROM json_each(?))", (json.dumps(list(uids)),)
        ).fetchall()
    )


def latest(db: sqlite3.Connection) -> tuple[str, str] | None:
    """(at, uid) of the newest record held, by the order records are applied in."""
    row = db.execute("SELECT at, uid FROM record ORDER BY at DESC, uid DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else None


def mark(db: sqlite3.Connection, rows: list[tuple[str, str, str, str, str | None]]) -> None:
    """Note records as held: (uid, at, op, device, the line while it waits for its item, else None)."""
    db.executemany(
        "INSERT INTO record (uid, at, op, device, waiting) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (uid) DO UPDATE SET waiting = excluded.waiting",
        rows,
    )


def waiting(db: sqlite3.Connection) -> list[str]:
    """The lines of records still waiting for the item they name."""
    return [r[0] for r in db.execute("SELECT waiting FROM record WHERE waiting IS NOT NULL ORDER BY at, uid")]


def count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT COUNT(*) FROM record").fetchone()[0]


def forget_progress(db: sqlite3.Connection) -> None:
    """Empty everything the records built, before applying them all again in order. Rows that come
    from roadmap.yaml and notes/ stay; so do the questions (their answers are records)."""
    for table in ("conflict", "event", "link_alias", "link", "answer", "record", "item_alias"):
        db.execute(f"DELETE FROM {table}")
    db.execute("UPDATE item SET state = 'todo', state_day = NULL WHERE state != 'todo' OR state_day IS NOT NULL")
    db.execute(
        "UPDATE question SET answer = NULL, answered_on = NULL, answer_item_id = NULL, answer_url = NULL, uid = NULL"
    )


# --- the files --------------------------------------------------------------------------


class FileMark(NamedTuple):
    path: str  # relative to history/
    size: int
    mtime_ns: int
    offset: int  # bytes read and applied
    lines: int  # whole lines in those bytes
    tail: str  # hash of the bytes just before offset


def file_marks(db: sqlite3.Connection) -> dict[str, FileMark]:
    return {
        r[0]: FileMark(*r) for r in db.execute("SELECT path, size, mtime_ns, offset, lines, tail FROM history_file")
    }


def set_file_mark(db: sqlite3.Connection, mark_: FileMark) -> None:
    db.execute(
        """INSERT INTO history_file (path, size, mtime_ns, offset, lines, tail) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
               offset = excluded.offset, lines = excluded.lines, tail = excluded.tail""",
        tuple(mark_),
    )


def forget_files(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM history_file")


def new_problems(db: sqlite3.Connection, found: list[tuple[str, int, str, str]]) -> list[tuple[str, int, str, str]]:
    """Keep these (file, line, problem, digest of the line) and return those not reported before."""
    fresh = []
    for path, line, problem, digest in found:
        cur = db.execute(
            "INSERT INTO history_problem (path, digest, line, problem) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (path, digest, line, problem),
        )
        if cur.rowcount:
            fresh.append((path, line, problem, digest))
    return fresh


# --- renamed items ----------------------------------------------------------------------


def add_alias(db: sqlite3.Connection, old_key: str, new_key: str, at: str) -> None:
    db.execute("INSERT OR IGNORE INTO item_alias (old_key, new_key, at) VALUES (?, ?, ?)", (old_key, new_key, at))


def aliases(db: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """Old item id -> [(when, new id)], oldest first."""
    out: dict[str, list[tuple[str, str]]] = {}
    for old, new, at in db.execute("SELECT old_key, new_key, at FROM item_alias ORDER BY at"):
        out.setdefault(old, []).append((at, new))
    return out


# --- work a migration left ---------------------------------------------------------------


def task_pending(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM store_task WHERE name = ?", (name,)).fetchone() is not None


def task_done(db: sqlite3.Connection, name: str) -> None:
    db.execute("DELETE FROM store_task WHERE name = ?", (name,))


# --- rows no record holds yet: written out once (an upgraded store, a restore) -----------------

WRITE_HISTORY = "write history"  # the task migration m009 leaves for a store that had progress
# A row no record in the store holds: made before history files, or restored from a backup.
_UNRECORDED = "({t}uid IS NULL OR {t}uid NOT IN (SELECT uid FROM record))"


def held(db: sqlite3.Connection) -> set[str]:
    """The ids of every record the store holds."""
    return {r[0] for r in db.execute("SELECT uid FROM record")}


def events_in_order(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM event ORDER BY id").fetchall()


def unrecorded(db: sqlite3.Connection, table: str) -> list[sqlite3.Row]:
    """The links or answers (``table``) no record holds, in order."""
    if table not in ("link", "answer"):
        raise ValueError(f"no records kept for table {table!r}")
    return db.execute(f"SELECT * FROM {table} WHERE {_UNRECORDED.format(t='')} ORDER BY id").fetchall()


def unrecorded_questions(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """The diary questions no record holds, with their week, in order."""
    return db.execute(
        "SELECT q.*, e.week FROM question q JOIN entry e ON e.id = q.entry_id "
        f"WHERE {_UNRECORDED.format(t='q.')} ORDER BY q.id"
    ).fetchall()


def set_event_records(db: sqlite3.Connection, records: list[tuple[str, str, str | None, int]]) -> None:
    """Each event's record: (uid, at, after, event id)."""
    db.executemany("UPDATE event SET uid = ?, recorded_at = ?, after_uid = ? WHERE id = ?", records)


def set_link_record(db: sqlite3.Connection, link_id: int, uid: str, added_at: str, checked_at: str | None) -> None:
    db.execute(
        "UPDATE link SET uid = ?, added_at = ?, checked_at = COALESCE(?, checked_at) WHERE id = ?",
        (uid, added_at, checked_at, link_id),
    )


def set_answer_record(db: sqlite3.Connection, answer_id: int, uid: str, at: str) -> None:
    db.execute("UPDATE answer SET uid = ?, recorded_at = ? WHERE id = ?", (uid, at, answer_id))


def set_question_record(db: sqlite3.Connection, question_id: int, uid: str, removed_at: str | None) -> None:
    db.execute(
        "UPDATE question SET uid = ?, removed_at = COALESCE(?, removed_at) WHERE id = ?", (uid, removed_at, question_id)
    )
