"""The weekly learning diary: entries in the store, mirrored as Markdown in notes/.

The store and the notes folder are kept in step both ways. Every change the
tool makes is written to the week's file at once; a file edited by hand is read
back by the cheap check every command makes (size and mtime, then a hash). The
tool never silently overwrites a hand edit: the version that loses is saved
under .roadmap/backups/ first.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .db import transaction
from .errors import UsageError
from .files import atomic_write
from .paths import Workspace
from .timestamps import utc_now

if TYPE_CHECKING:  # the diary format is loaded only when a week is read or written
    from .diary import WeekEntry


# --- weeks -------------------------------------------------------------------

@dataclass(frozen=True)
class Calendar:
    started: date
    week_starts: str

    def week_of(self, day: date) -> int:
        from .dates import BadWeek, week_number

        try:
            return week_number(day, self.started, self.week_starts)
        except BadWeek as exc:
            raise UsageError(str(exc)) from exc

    def dates(self, week: int) -> tuple[date, date]:
        from .dates import BadWeek, week_range

        try:
            return week_range(week, self.started, self.week_starts)
        except BadWeek as exc:
            raise UsageError(str(exc)) from exc


def calendar(db: sqlite3.Connection) -> Calendar:
    row = db.execute("SELECT started, week_starts FROM roadmap WHERE id = 1").fetchone()
    return Calendar(date.fromisoformat(row["started"]), row["week_starts"])


def notes_dir(db: sqlite3.Connection, ws: Workspace) -> Path:
    return ws.root / db.execute("SELECT notes_dir FROM roadmap WHERE id = 1").fetchone()[0]


# --- entries -----------------------------------------------------------------

def load(db: sqlite3.Connection, week: int) -> WeekEntry | None:
    row = db.execute("SELECT * FROM entry WHERE week = ?", (week,)).fetchone()
    return _entry(db, row) if row else None


def _entry(db: sqlite3.Connection, row: sqlite3.Row) -> WeekEntry:
    from .diary import Experiment, WeekEntry

    questions = [r[0] for r in db.execute(
        "SELECT text FROM question WHERE entry_id = ? AND removed_at IS NULL ORDER BY id", (row["id"],))]
    return WeekEntry(
        week=row["week"], start=date.fromisoformat(row["start_day"]), end=date.fromisoformat(row["end_day"]),
        step=row["step"], concepts=json.loads(row["concepts"]),
        experiments=[Experiment(**x) for x in json.loads(row["experiments"])], questions=questions,
        text=row["text"], tags=json.loads(row["tags"]), refs=json.loads(row["refs"]), extra=json.loads(row["extra"]))


def blank(db: sqlite3.Connection, week: int) -> WeekEntry:
    from .diary import WeekEntry

    start, end = calendar(db).dates(week)
    return WeekEntry(week=week, start=start, end=end, step=_current_step(db))


def _current_step(db: sqlite3.Connection) -> str | None:
    from .queries import status

    current = status(db, next_count=0).current
    if current is None:
        return None
    return db.execute("SELECT title FROM item WHERE kind = 'step' AND archived_at IS NULL AND position = ?",
                      (current,)).fetchone()[0]


def merge(base: WeekEntry, more: WeekEntry) -> WeekEntry:
    """``base`` with what ``more`` adds; nothing already there is repeated."""
    def union(a: list, b: list) -> list:
        return a + [x for x in b if x not in a]

    text = "\n\n".join(t for t in (base.text.strip(), more.text.strip()) if t)
    return replace(base, concepts=union(base.concepts, more.concepts),
                   experiments=union(base.experiments, more.experiments),
                   questions=union(base.questions, more.questions), text=text,
                   tags=union(base.tags, more.tags), refs=union(base.refs, more.refs),
                   step=base.step or more.step, extra={**more.extra, **base.extra})


def is_empty(entry: WeekEntry) -> bool:
    return not (entry.concepts or entry.experiments or entry.questions or entry.text.strip())


def save(db: sqlite3.Connection, ws: Workspace, entry: WeekEntry, day: date) -> WeekEntry:
    """Store a week in full (replacing what it had) and rewrite its note, in one transaction."""
    from .diary import normalise

    entry = normalise(entry)
    with transaction(db):
        _store(db, entry, day)
        _mirror(db, ws, entry)
    return entry


def _store(db: sqlite3.Connection, entry: WeekEntry, day: date) -> int:
    values = (entry.start.isoformat(), entry.end.isoformat(), entry.step, json.dumps(entry.concepts),
              json.dumps([vars(x) for x in entry.experiments]), entry.text, json.dumps(entry.tags),
              json.dumps(entry.refs), json.dumps(_step_keys(db, entry.refs)),
              json.dumps(entry.extra, default=str), utc_now())
    row = db.execute("SELECT id FROM entry WHERE week = ?", (entry.week,)).fetchone()
    if row:
        entry_id = row[0]
        db.execute("""UPDATE entry SET start_day = ?, end_day = ?, step = ?, concepts = ?, experiments = ?,
                          text = ?, tags = ?, refs = ?, steps = ?, extra = ?, updated_at = ? WHERE id = ?""",
                   (*values, entry_id))
    else:
        entry_id = db.execute("""INSERT INTO entry (week, start_day, end_day, step, concepts, experiments, text,
                                     tags, refs, steps, extra, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                              (entry.week, *values)).lastrowid
    _store_questions(db, entry_id, entry.questions, day)
    return entry_id


def _store_questions(db: sqlite3.Connection, entry_id: int, texts: list[str], day: date) -> None:
    """New questions become tracked; ones taken out of the note are set aside, answers and all."""
    rows = {r["text"]: r for r in db.execute("SELECT id, text, removed_at FROM question WHERE entry_id = ?", (entry_id,))}
    for text in texts:
        row = rows.get(text)
        if row is None:
            db.execute("INSERT INTO question (entry_id, text, asked_on) VALUES (?, ?, ?)", (entry_id, text, day.isoformat()))
        elif row["removed_at"] is not None:
            db.execute("UPDATE question SET removed_at = NULL WHERE id = ?", (row["id"],))
    for text, row in rows.items():
        if text not in texts and row["removed_at"] is None:
            db.execute("UPDATE question SET removed_at = ? WHERE id = ?", (utc_now(), row["id"]))


def _step_keys(db: sqlite3.Connection, refs: list[str]) -> list[str]:
    """The steps an entry is about: `#3`, `3.p2`, or `[[Exact item title]]`."""
    from .errors import AmbiguousItem, UnknownItem
    from .refs import _positional

    keys = []
    for ref in refs:
        try:
            row = _positional(db, ref)
        except (UnknownItem, AmbiguousItem):
            row = None
        if row is None:
            row = db.execute("SELECT * FROM item WHERE archived_at IS NULL AND lower(title) = lower(?) "
                             "AND step_id IS NOT NULL ORDER BY seq LIMIT 1", (ref,)).fetchone()
        if row is not None and row["step_id"] is not None:
            key = db.execute("SELECT key FROM item WHERE id = ?", (row["step_id"],)).fetchone()[0]
            if key not in keys:
                keys.append(key)
    return keys


# --- the notes folder --------------------------------------------------------

def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record(db: sqlite3.Connection, name: str, week: int, path: Path, data: bytes, written: bool) -> None:
    st = path.stat()
    db.execute("""INSERT INTO notefile (path, week, size, mtime_ns, hash, written) VALUES (?, ?, ?, ?, ?, ?)
                  ON CONFLICT (path) DO UPDATE SET week = excluded.week, size = excluded.size,
                      mtime_ns = excluded.mtime_ns, hash = excluded.hash, written = excluded.written""",
               (name, week, st.st_size, st.st_mtime_ns, _hash(data), written))


def backup(ws: Workspace, week: int, text: str, why: str) -> Path:
    folder = ws.store_dir / "backups"
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"week{week}-{stamp}-{why}.md"
    atomic_write(path, text)
    return path


def _mirror(db: sqlite3.Connection, ws: Workspace, entry: WeekEntry) -> Path:
    from .diary import render_week

    path = note_path(db, ws, entry.week)
    name = path.name
    row = db.execute("SELECT hash, written FROM notefile WHERE path = ?", (name,)).fetchone()
    text = render_week(entry)
    if path.exists():
        current = path.read_bytes()
        if current == text.encode():
            return path
        # A file the tool did not write, or one changed since: keep it before replacing it.
        if row is None or not row["written"] or _hash(current) != row["hash"]:
            backup(ws, entry.week, current.decode("utf-8", "replace"), "file")
    atomic_write(path, text)
    _record(db, name, entry.week, path, text.encode(), written=True)
    return path


@dataclass
class NotesReport:
    imported: list[str] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def sync_notes(db: sqlite3.Connection, ws: Workspace) -> NotesReport:
    """Read back diary files that changed outside the tool (or appeared: diaries kept before it)."""
    report = NotesReport()
    folder = notes_dir(db, ws)
    if not folder.is_dir():
        return report
    known = {r["path"]: r for r in db.execute("SELECT * FROM notefile")}
    for path in sorted(folder.glob("*.md")):
        name = path.name
        # Only week files are diary entries; the diary parser is loaded once one has changed.
        if "week" not in name.lower() or name.startswith("."):
            continue
        st = path.stat()
        row = known.get(name)
        if row and row["size"] == st.st_size and row["mtime_ns"] == st.st_mtime_ns:
            continue
        from .diary import DiaryError, normalise, parse_week, week_from_path

        if week_from_path(name) is None:
            continue
        data = path.read_bytes()
        if row and row["hash"] == _hash(data):
            with transaction(db):
                _record(db, name, row["week"], path, data, bool(row["written"]))
            continue
        try:
            entry = normalise(parse_week(data, path=str(path)))
            if entry.week < 1:
                raise DiaryError(f"{path}: week {entry.week} does not exist: weeks start at 1")
        except DiaryError as exc:
            report.problems.append(str(exc))
            continue
        _import(db, ws, name, path, data, entry, report)
    return report


def _import(db, ws: Workspace, name: str, path: Path, data: bytes, entry: WeekEntry, report: NotesReport) -> None:
    from .diary import normalise, render_week

    cal = calendar(db)
    start, end = cal.dates(entry.week)
    entry = replace(entry, start=start, end=end)
    with transaction(db):
        old_row = db.execute("SELECT * FROM entry WHERE week = ?", (entry.week,)).fetchone()
        if old_row is not None:
            old = _entry(db, old_row)
            if normalise(old) != entry:
                # The hand edit is newer than what the store had: it wins, the store's version is kept.
                report.backups.append(backup(ws, entry.week, render_week(old), "store"))
            if name not in _paths_of(db, entry.week):
                # A second file for a week the store already has: add to it rather than replace it.
                entry = normalise(merge(old, entry))
        day = datetime.fromtimestamp(path.stat().st_mtime).date()
        _store(db, entry, day)
        _record(db, name, entry.week, path, data, written=False)
    report.imported.append(name)


def note_path(db: sqlite3.Connection, ws: Workspace, week: int) -> Path:
    """Where a week's note is: the file it was read from, or weekN.md."""
    row = db.execute("SELECT path FROM notefile WHERE week = ? ORDER BY path LIMIT 1", (week,)).fetchone()
    return notes_dir(db, ws) / (row[0] if row else f"week{week}.md")


def _paths_of(db: sqlite3.Connection, week: int) -> list[str]:
    return [r[0] for r in db.execute("SELECT path FROM notefile WHERE week = ?", (week,))]


# --- reading -----------------------------------------------------------------

@dataclass
class Listed:
    entry: WeekEntry
    questions: list[dict]  # id, text, answer, answered_on


def listing(db: sqlite3.Connection, *, since: date | None = None, until: date | None = None, limit: int | None = None,
            tag: str | None = None, step: str | None = None, search: str | None = None,
            week: int | None = None) -> list[Listed]:
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
        params.append(tag.lstrip("#"))
    if step:
        where.append("(EXISTS (SELECT 1 FROM json_each(entry.steps) WHERE value = ?) OR step = "
                     "(SELECT title FROM item WHERE key = ?))")
        params += [step, step]
    if search:
        where.append("(instr(lower(concepts || experiments || text || tags), lower(?)) OR EXISTS "
                     "(SELECT 1 FROM question q WHERE q.entry_id = entry.id AND instr(lower(q.text), lower(?))))")
        params += [search, search]
    sql = f"SELECT * FROM entry WHERE {' AND '.join(where)} ORDER BY week DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    out = []
    for row in db.execute(sql, params).fetchall():
        questions = [dict(r) for r in db.execute(
            "SELECT id, text, answer, answered_on FROM question WHERE entry_id = ? AND removed_at IS NULL ORDER BY id",
            (row["id"],))]
        out.append(Listed(_entry(db, row), questions))
    return out


# --- the editor template -----------------------------------------------------

_PROMPT = re.compile(r"<!-- roadmap:.*?-->\n?", re.DOTALL)
_SKELETON = "\n## Key concepts\n\n\n## Experiments\n\n\n## Open questions\n\n\n## Notes\n\n"


def template(entry: WeekEntry, reflection: list[str], carried: list) -> str:
    """The week as it stands, with prompts in a comment the parser drops."""
    from .diary import render_week

    lines = [f"<!-- roadmap: week {entry.week}, {entry.start} to {entry.end}. Write under the headings;",
             "experiments as `- what you tried → what happened (metric: value)`. This comment is ignored."]
    if reflection:
        lines.append("Reflection questions of the current step (answer them with `roadmap reflect`):")
        lines += [f"  - {q}" for q in reflection]
    if carried:
        lines.append("Open questions carried over (answer with `roadmap questions answer ID TEXT`):")
        lines += [f"  - {q.id} (week {q.week}): {q.text}" for q in carried]
    prompt = "\n".join(lines) + "\n-->\n"
    body = render_week(entry)
    if is_empty(entry):
        body += _SKELETON
    return prompt + body


def from_template(text: str, week: int) -> WeekEntry:
    from .diary import normalise, parse_week

    return normalise(parse_week(_PROMPT.sub("", text), week=week))
