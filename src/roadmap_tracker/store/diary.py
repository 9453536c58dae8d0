"""The weekly diary in the store: entries, the open questions they ask, and the note files
they were last written to or read from. List fields are kept as JSON text."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import NamedTuple

from . import records
from .items import key_of, refs
from .records import Stamp


class StoredEntry(NamedTuple):
    id: int
    week: int
    start: str
    end: str
    step: str | None
    concepts: list
    experiments: list[dict]
    text: str
    tags: list[str]
    refs: list[str]
    steps: list[str]  # keys of the steps the entry is about, as they were when it was written
    extra: dict
    updated_at: str
    step_id: int | None  # the step being worked on when it was written


class StoredQuestion(NamedTuple):
    id: int
    entry_id: int
    week: int
    text: str
    asked_on: str
    answer: str | None
    answered_on: str | None
    answer_item_id: int | None
    answered_by: str | None  # the reference of the item that answered it
    answer_url: str | None
    removed_at: str | None


class NoteFile(NamedTuple):
    path: str  # relative to the notes folder
    week: int
    size: int
    mtime_ns: int
    hash: str
    written: bool  # the tool wrote this content


def _entry(r: sqlite3.Row) -> StoredEntry:
    return StoredEntry(
        r["id"],
        r["week"],
        r["start_day"],
        r["end_day"],
        r["step"],
        json.loads(r["concepts"]),
        json.loads(r["experiments"]),
        r["text"],
        json.loads(r["tags"]),
        json.loads(r["refs"]),
        json.loads(r["steps"]),
        json.loads(r["extra"]),
        r["updated_at"],
        r["step_id"],
    )


# --- entries ----------------------------------------------------------------------


def entry(db: sqlite3.Connection, week: int) -> StoredEntry | None:
    row = db.execute("SELECT * FROM entry WHERE week = ?", (week,)).fetchone()
    return _entry(row) if row else None


def save_entry(
    db: sqlite3.Connection,
    week: int,
    start: date,
    end: date,
    step: str | None,
    concepts: list,
    experiments: list[dict],
    text: str,
    tags: list,
    refs: list,
    steps: list,
    extra: dict,
    updated_at: str,
    step_id: int | None = None,
) -> int:
    """Write a week in full, replacing what it had; returns the entry's id. The step it was
    written in is set once: later saves keep it."""
    values = (
        start.isoformat(),
        end.isoformat(),
        step,
        json.dumps(concepts),
        json.dumps(experiments),
        text,
        json.dumps(tags),
        json.dumps(refs),
        json.dumps(steps),
        json.dumps(extra, default=str),
        updated_at,
    )
    row = db.execute("SELECT id FROM entry WHERE week = ?", (week,)).fetchone()
    if row:
        db.execute(
            """UPDATE entry SET start_day = ?, end_day = ?, step = ?, concepts = ?, experiments = ?,
                   text = ?, tags = ?, refs = ?, steps = ?, extra = ?, updated_at = ?,
                   step_id = COALESCE(step_id, ?) WHERE id = ?""",
            (*values, step_id, row[0]),
        )
        return row[0]
    return db.execute(
        """INSERT INTO entry (week, start_day, end_day, step, concepts, experiments, text,
               tags, refs, steps, extra, updated_at, step_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (week, *values, step_id),
    ).lastrowid


def links(db: sqlite3.Connection, entry_id: int) -> dict[str, int]:
    """What each ref of an entry named when it was first read: ref -> item id."""
    return dict(db.execute("SELECT ref, item_id FROM entry_item WHERE entry_id = ?", (entry_id,)).fetchall())


def link(db: sqlite3.Connection, entry_id: int, ref: str, item_id: int) -> None:
    db.execute("INSERT OR IGNORE INTO entry_item (entry_id, ref, item_id) VALUES (?, ?, ?)", (entry_id, ref, item_id))


def unlink(db: sqlite3.Connection, entry_id: int, ref: str) -> None:
    db.execute("DELETE FROM entry_item WHERE entry_id = ? AND ref = ?", (entry_id, ref))


def about(db: sqlite3.Connection, entry_ids: list[int]) -> dict[int, list[int]]:
    """The items each entry is about."""
    out: dict[int, list[int]] = {}
    for entry_id, item_id in db.execute(
        "SELECT entry_id, item_id FROM entry_item WHERE entry_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY entry_id, ref",
        (json.dumps(entry_ids),),
    ):
        out.setdefault(entry_id, []).append(item_id)
    return out


def entries(
    db: sqlite3.Connection,
    *,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
    tag: str | None = None,
    step_id: int | None = None,
    search: str | None = None,
    week: int | None = None,
) -> list[StoredEntry]:
    """Entries, newest week first, narrowed by any of the filters."""
    where, params = ["1 = 1"], []
    if week is not None:
        where.append("week = ?")
        params.append(week)
    if since:
        where.append("end_day >= ?")
        params.append(since.isoformat())
    if until:
        where.append("start_day <= ?")
        params.append(until.isoformat())
    if tag:
        where.append("EXISTS (SELECT 1 FROM json_each(entry.tags) WHERE lower(value) = lower(?))")
        params.append(tag)
    if step_id is not None:
        # About the step or an item in it, or written while it was the one being worked on.
        where.append(
            "(step_id = ? OR EXISTS (SELECT 1 FROM entry_item ei JOIN item i ON i.id = ei.item_id "
            "WHERE ei.entry_id = entry.id AND (i.id = ? OR i.step_id = ?)))"
        )
        params += [step_id, step_id, step_id]
    if search:
        where.append(
            "(instr(lower(concepts || experiments || text || tags), lower(?)) OR EXISTS "
            "(SELECT 1 FROM question q WHERE q.entry_id = entry.id AND instr(lower(q.text), lower(?))))"
        )
        params += [search, search]
    sql = f"SELECT * FROM entry WHERE {' AND '.join(where)} ORDER BY week DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [_entry(r) for r in db.execute(sql, params)]


def overlapping(db: sqlite3.Connection, start: date, end: date) -> list[StoredEntry]:
    """Entries whose week overlaps the period, oldest first."""
    rows = db.execute(
        "SELECT * FROM entry WHERE start_day <= ? AND end_day >= ? ORDER BY week", (end.isoformat(), start.isoformat())
    )
    return [_entry(r) for r in rows]


def written_days(db: sqlite3.Connection, since: date, until: date) -> list[str]:
    """The day each entry counts as activity, in the period: the day it was last written, kept
    inside its own week (a week written up later counts in that week)."""
    rows = db.execute(
        """SELECT day FROM (
               SELECT min(max(COALESCE(substr(updated_at, 1, 10), start_day), start_day), end_day) AS day
               FROM entry WHERE start_day <= :until AND end_day >= :since)
           WHERE day BETWEEN :since AND :until""",
        {"since": since.isoformat(), "until": until.isoformat()},
    )
    return [r[0] for r in rows]


# --- questions --------------------------------------------------------------------

_QUESTIONS = "SELECT q.*, e.week FROM question q JOIN entry e ON e.id = q.entry_id"


def _questions(db: sqlite3.Connection, sql: str, params: tuple | list) -> list[StoredQuestion]:
    rows = db.execute(sql, params).fetchall()
    by = refs(db, [r["answer_item_id"] for r in rows if r["answer_item_id"] is not None])
    return [
        StoredQuestion(
            r["id"],
            r["entry_id"],
            r["week"],
            r["text"],
            r["asked_on"],
            r["answer"],
            r["answered_on"],
            r["answer_item_id"],
            by.get(r["answer_item_id"]),
            r["answer_url"],
            r["removed_at"],
        )
        for r in rows
    ]


def questions(
    db: sqlite3.Connection,
    *,
    answered: bool = True,
    before_week: int | None = None,
    only: int | None = None,
    set_aside: bool = False,
) -> list[StoredQuestion]:
    """Tracked questions still in their notes, oldest first: all, or only the open ones; with
    ``set_aside``, also those whose lines were taken out of their notes."""
    where, params = ["1 = 1" if set_aside else "q.removed_at IS NULL"], []
    if only is not None:
        where.append("q.id = ?")
        params.append(only)
    if not answered:
        where.append("q.answered_on IS NULL")
    if before_week is not None:
        where.append("e.week < ?")
        params.append(before_week)
    return _questions(db, f"{_QUESTIONS} WHERE {' AND '.join(where)} ORDER BY q.asked_on, q.id", params)


def questions_of(db: sqlite3.Connection, entry_ids: list[int], *, removed: bool = False) -> list[StoredQuestion]:
    """The questions of these entries, in the order they were asked; with ``removed``, also those
    taken out of the notes."""
    where = "" if removed else " AND q.removed_at IS NULL"
    return _questions(
        db,
        f"{_QUESTIONS} WHERE q.entry_id IN (SELECT value FROM json_each(?)){where} ORDER BY q.id",
        (json.dumps(entry_ids),),
    )


def asked_between(db: sqlite3.Connection, start: date, end: date) -> list[StoredQuestion]:
    return _questions(
        db,
        f"{_QUESTIONS} WHERE q.removed_at IS NULL AND q.asked_on BETWEEN ? AND ? ORDER BY q.asked_on, q.id",
        (start.isoformat(), end.isoformat()),
    )


def answered_between(db: sqlite3.Connection, start: date, end: date) -> list[StoredQuestion]:
    return _questions(
        db,
        f"{_QUESTIONS} WHERE q.removed_at IS NULL AND q.answered_on BETWEEN ? AND ? ORDER BY q.answered_on, q.id",
        (start.isoformat(), end.isoformat()),
    )


def ask(
    db: sqlite3.Connection,
    entry_id: int,
    text: str,
    day: date,
    *,
    number: int | None = None,
    stamp: Stamp | None = None,
) -> int:
    """Track a new question. ``number``: the one its note gives it (``^q12``), when no other
    question holds it, so a store rebuilt from the notes numbers the questions as they do."""
    if number is not None and db.execute("SELECT 1 FROM question WHERE id = ?", (number,)).fetchone():
        number = None
    cur = db.execute(
        "INSERT INTO question (id, entry_id, text, asked_on) VALUES (?, ?, ?, ?)",
        (number, entry_id, text, day.isoformat()),
    )
    question_id = cur.lastrowid
    if stamp is None:
        stamp = records.stamp(db, "ask", week=_week(db, entry_id), q=question_id, text=text, day=day.isoformat())
    if stamp is not None:
        db.execute("UPDATE question SET uid = ? WHERE id = ?", (stamp.uid, question_id))
    return question_id


def _week(db: sqlite3.Connection, entry_id: int) -> int:
    return db.execute("SELECT week FROM entry WHERE id = ?", (entry_id,)).fetchone()[0]


def _question_week(db: sqlite3.Connection, question_id: int) -> tuple[int, str]:
    row = db.execute(
        "SELECT e.week, q.text FROM question q JOIN entry e ON e.id = q.entry_id WHERE q.id = ?", (question_id,)
    ).fetchone()
    return row[0], row[1]


def question_at(db: sqlite3.Connection, week: int, number: int, text: str | None) -> int | None:
    """The question a record names: by its week and text, else (reworded since) by its week and
    number. Text first: two machines number their questions each on its own."""
    row = None
    if text is not None:
        row = db.execute(
            "SELECT q.id FROM question q JOIN entry e ON e.id = q.entry_id WHERE e.week = ? AND q.text = ? "
            "ORDER BY q.id = ? DESC, q.id LIMIT 1",
            (week, text, number),
        ).fetchone()
    if row is None:
        row = db.execute(
            "SELECT q.id FROM question q JOIN entry e ON e.id = q.entry_id WHERE e.week = ? AND q.id = ?",
            (week, number),
        ).fetchone()
    return row[0] if row else None


def entry_of_week(db: sqlite3.Connection, week: int) -> int | None:
    row = db.execute("SELECT id FROM entry WHERE week = ?", (week,)).fetchone()
    return row[0] if row else None


def set_asked(db: sqlite3.Connection, question_id: int, day: str, uid: str) -> None:
    """The first record of a question (in the order records apply) says the day it was asked."""
    db.execute("UPDATE question SET asked_on = ?, uid = ? WHERE id = ? AND uid IS NULL", (day, uid, question_id))


def reword(db: sqlite3.Connection, question_id: int, text: str) -> None:
    db.execute("UPDATE question SET text = ? WHERE id = ?", (text, question_id))


def set_removed(db: sqlite3.Connection, question_id: int, removed_at: str | None, *, recorded: bool = False) -> None:
    """Set a question aside (taken out of its note), or bring it back with None."""
    if not recorded:
        week, text = _question_week(db, question_id)
        made = records.stamp(db, "set-aside", week=week, q=question_id, text=text, back=removed_at is None)
        if made is not None and removed_at is not None:
            removed_at = made.at
    db.execute("UPDATE question SET removed_at = ? WHERE id = ?", (removed_at, question_id))


def set_answer(
    db: sqlite3.Connection,
    question_id: int,
    text: str,
    day: date,
    item_id: int | None,
    url: str | None,
    *,
    recorded: bool = False,
) -> None:
    if not recorded:
        week, question = _question_week(db, question_id)
        item = key_of(db, item_id) if item_id is not None else None
        records.stamp(
            db,
            "reply",
            week=week,
            q=question_id,
            question=question,
            answer=text,
            day=day.isoformat(),
            item=item,
            url=url,
        )
    db.execute(
        "UPDATE question SET answer = ?, answered_on = ?, answer_item_id = ?, answer_url = ? WHERE id = ?",
        (text, day.isoformat(), item_id, url, question_id),
    )


# --- note files ---------------------------------------------------------------------


def note_files(db: sqlite3.Connection) -> dict[str, NoteFile]:
    # Plain tuples: every command reads the row of each of years of notes.
    cursor = db.cursor()
    cursor.row_factory = None
    rows = cursor.execute("SELECT path, week, size, mtime_ns, hash, written FROM notefile")
    return {r[0]: NoteFile(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows}


def note_file(db: sqlite3.Connection, path: str) -> NoteFile | None:
    r = db.execute("SELECT * FROM notefile WHERE path = ?", (path,)).fetchone()
    return NoteFile(r["path"], r["week"], r["size"], r["mtime_ns"], r["hash"], bool(r["written"])) if r else None


def note_paths(db: sqlite3.Connection, week: int) -> list[str]:
    """The files a week was read from or written to, by name."""
    return [r[0] for r in db.execute("SELECT path FROM notefile WHERE week = ? ORDER BY path", (week,))]


def record_note(db: sqlite3.Connection, note: NoteFile) -> None:
    db.execute(
        """INSERT INTO notefile (path, week, size, mtime_ns, hash, written) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (path) DO UPDATE SET week = excluded.week, size = excluded.size,
               mtime_ns = excluded.mtime_ns, hash = excluded.hash, written = excluded.written""",
        (note.path, note.week, note.size, note.mtime_ns, note.hash, note.written),
    )
