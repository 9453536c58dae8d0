"""The diary's mirror in notes/: every week the tool saves is written to its file at once, and
files edited by hand are read back by the cheap check every command makes (size and mtime,
then a hash). The tool never silently overwrites a hand edit: the version that loses is saved
under .roadmap/backups/ first.
"""

from __future__ import annotations

import sqlite3
import stat
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..clock import file_stamp
from ..errors import DiaryError
from ..files import atomic_write, digest
from ..store import diary as store
from ..store import items as store_items
from ..store.connection import transaction
from ..store.diary import NoteFile, StoredQuestion
from ..workspace import Workspace
from .entries import additions, blank, load, merge, store_entry

if TYPE_CHECKING:
    from datetime import date

    from .weeknote import WeekEntry


class NotesReport(NamedTuple):
    """What reading notes/ back did: files read into the diary, earlier versions kept, files
    refused, the tracked questions whose lines were taken out of a note, and what is no file to read
    (a folder, a pipe, a link to nothing), left out."""

    imported: list[str]
    backups: list[Path]
    problems: list[str]
    set_aside: list[tuple[StoredQuestion, str]]  # the question, and the file it left
    skipped: list[str]


def notes_dir(db: sqlite3.Connection, ws: Workspace) -> Path:
    found = store_items.header(db)
    return ws.root / (found.notes_dir if found else "notes")


def note_path(db: sqlite3.Connection, ws: Workspace, week: int) -> Path:
    """Where a week's note is: the file it was read from, or weekN.md."""
    paths = store.note_paths(db, week)
    return notes_dir(db, ws) / (paths[0] if paths else f"week{week}.md")


def _record(db: sqlite3.Connection, name: str, week: int, path: Path, data: bytes, written: bool) -> None:
    st = path.stat()
    store.record_note(db, NoteFile(name, week, st.st_size, st.st_mtime_ns, digest(data), written))


def backup(ws: Workspace, week: int, text: str, why: str) -> Path:
    path = ws.backups_dir / f"week{week}-{file_stamp()}-{why}.md"
    atomic_write(path, text)
    return path


class Saved(NamedTuple):
    """A week before and after a change, and where a version written meanwhile was kept."""

    before: WeekEntry
    after: WeekEntry
    kept: Path | None  # the version written meanwhile, when there was one
    set_aside: list[StoredQuestion]  # questions the change took out


def add(db: sqlite3.Connection, ws: Workspace, week: int, more: WeekEntry, day: date) -> Saved:
    """Add to a week and rewrite its note. The week is read inside the write transaction, so two
    commands adding at once both keep what they added."""
    from .weeknote import normalise

    with transaction(db):
        before = load(db, week) or blank(db, week)
        after = normalise(merge(before, more))
        stored = store_entry(db, after, day)
        after = replace(after, question_ids=stored.question_ids)
        write_note(db, ws, after)
    return Saved(before, after, None, stored.set_aside)


def save_edit(db: sqlite3.Connection, ws: Workspace, opened: WeekEntry, edited: WeekEntry, day: date) -> Saved:
    """Save a week edited in the editor. What another command added while the editor was open is
    kept: added to the edit, and its whole version saved under .roadmap/backups/."""
    from .weeknote import normalise, render_week

    kept = None
    with transaction(db):
        current = load(db, opened.week) or blank(db, opened.week)
        if normalise(current) != normalise(opened):
            kept = backup(ws, opened.week, render_week(current), "meanwhile")
            edited = merge(edited, additions(opened, current))
        after = normalise(edited)
        stored = store_entry(db, after, day)
        after = replace(after, question_ids=stored.question_ids)
        write_note(db, ws, after)
    return Saved(opened, after, kept, stored.set_aside)


def write_note(db: sqlite3.Connection, ws: Workspace, entry: WeekEntry) -> Path:
    """Rewrite a week's note from the entry (inside the caller's transaction)."""
    from .weeknote import refuse_conflicts, render_week

    path = note_path(db, ws, entry.week)
    name = path.name
    row = store.note_file(db, name)
    text = render_week(entry)
    if (path.exists() or path.is_symlink()) and not path.is_file():
        raise DiaryError(
            f"{ws.relative(path.parent)}/{name} is not a regular file (a folder, a pipe, a link to nothing); "
            "move it away to write this week"
        )
    if path.exists():
        current = path.read_bytes()
        if current == text.encode():
            return path
        refuse_conflicts(current.decode("utf-8", "replace").splitlines(), ws.relative(path))
        # A file the tool did not write, or one changed since: keep it before replacing it.
        if row is None or not row.written or digest(current) != row.hash:
            backup(ws, entry.week, current.decode("utf-8", "replace"), "file")
    atomic_write(path, text)
    _record(db, name, entry.week, path, text.encode(), written=True)
    return path


def sync_notes(db: sqlite3.Connection, ws: Workspace) -> NotesReport:
    """Read back diary files that changed outside the tool (or appeared: diaries kept before it)."""
    report = NotesReport([], [], [], [], [])
    folder = notes_dir(db, ws)
    if not folder.is_dir():
        return report
    known = store.note_files(db)
    for path in sorted(folder.glob("*.md")):
        name = path.name
        # Only week files are diary entries; the diary parser is loaded once one has changed.
        if "week" not in name.lower() or name.startswith("."):
            continue
        try:
            st = path.stat()
        except OSError as exc:  # a link to nothing, or no permission to look
            report.skipped.append(f"{ws.relative(folder)}/{name} cannot be read ({exc.strerror})")
            continue
        if not stat.S_ISREG(st.st_mode):
            # Never opened: a pipe would wait for a writer forever, a folder cannot be read.
            report.skipped.append(f"{ws.relative(folder)}/{name} is not a regular file (a folder, a pipe or a device)")
            continue
        row = known.get(name)
        if row and row.size == st.st_size and row.mtime_ns == st.st_mtime_ns:
            continue
        from .weeknote import normalise, parse_week, week_from_path

        if week_from_path(name) is None:
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.skipped.append(f"{ws.relative(folder)}/{name} cannot be read ({exc.strerror})")
            continue
        if row and row.hash == digest(data):
            with transaction(db):
                _record(db, name, row.week, path, data, row.written)
            continue
        try:
            entry = normalise(parse_week(data, path=str(path)))
            if entry.week < 1:
                raise DiaryError(f"{path}: week {entry.week} does not exist: weeks start at 1")
        except DiaryError as exc:
            report.problems.append(str(exc))
            continue
        _read_back(db, ws, name, path, data, entry, report)
    return report


def _read_back(db, ws: Workspace, name: str, path: Path, data: bytes, entry: WeekEntry, report: NotesReport) -> None:
    from .weeknote import normalise, render_week

    start, end = store_items.calendar(db).dates(entry.week)
    entry = replace(entry, start=start, end=end)
    with transaction(db):
        # Another command may have written this week between reading the file and taking the lock:
        # then the file read is stale, or already in the store, and is not read back now.
        try:
            fresh = path.read_bytes() == data
        except OSError:
            fresh = False
        recorded = store.note_file(db, name)
        if not fresh or (recorded is not None and recorded.hash == digest(data)):
            return
        old = load(db, entry.week)
        if old is not None:
            if normalise(old) != entry:
                # The hand edit is newer than what the store had: it wins, the store's version is kept.
                report.backups.append(backup(ws, entry.week, render_week(old), "store"))
            if name not in store.note_paths(db, entry.week):
                # A second file for a week the store already has: add to it rather than replace it.
                entry = normalise(merge(old, entry))
        day = datetime.fromtimestamp(path.stat().st_mtime).date()
        stored = store_entry(db, entry, day)
        report.set_aside.extend((q, ws.relative(path)) for q in stored.set_aside)
        _record(db, name, entry.week, path, data, written=False)
    report.imported.append(name)
