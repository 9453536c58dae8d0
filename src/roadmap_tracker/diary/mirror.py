"""The diary's mirror in notes/: every week the tool saves is written to its file at once, and
files edited by hand are read back by the cheap check every command makes (size and mtime,
then a hash). The tool never silently overwrites a hand edit: the version that loses is saved
under .roadmap/backups/ first.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..clock import file_stamp
from ..collector import paused
from ..errors import DiaryError
from ..files import atomic_write, digest
from ..store import diary as store
from ..store import items as store_items
from ..store.connection import savepoint, transaction
from ..store.diary import NoteFile, StoredQuestion
from ..workspace import Workspace
from .entries import additions, blank, load, merge, store_entry

if TYPE_CHECKING:
    from datetime import date

    from ..dates import Calendar
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


def backup(ws: Workspace, week: int, text: str | bytes, why: str) -> Path:
    """Keep a version of a week under .roadmap/backups/; bytes are kept as they were."""
    path = ws.backups_dir / f"week{week}-{file_stamp()}-{why}.md"
    atomic_write(path, text)
    return path


def outside(ws: Workspace, path: Path) -> Path | None:
    """Where ``path`` leads when, links followed, that is outside the workspace; None when inside.
    The tool reads and writes notes only inside the workspace."""
    resolved = path.resolve()
    root = ws.root.resolve()
    return None if resolved == root or root in resolved.parents else resolved


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
    """Rewrite a week's note from the entry (inside the caller's transaction). A file the tool did
    not write, or one changed since, is kept under .roadmap/backups/ first; a file it cannot read
    back as it is (not UTF-8, mid-merge, not a regular file, outside the workspace) is refused."""
    from .weeknote import not_utf8, refuse_conflicts, render_week

    path = note_path(db, ws, entry.week)
    name, shown = path.name, ws.named(path)
    elsewhere = outside(ws, path)
    if elsewhere is not None:
        raise DiaryError(
            f"{shown} leads outside the workspace (to {elsewhere}); the tool writes only inside it: "
            "put the file itself in its place to write this week"
        )
    path = path.resolve() if path.is_symlink() else path  # a link inside the workspace: write its file
    row = store.note_file(db, name)
    text = render_week(entry)
    if (path.exists() or path.is_symlink()) and not path.is_file():
        raise DiaryError(
            f"{shown} is not a regular file (a folder, a pipe, a link to nothing); move it away to write this week"
        )
    if path.exists():
        try:
            current = path.read_bytes()
        except OSError as exc:
            raise DiaryError(f"{shown}: cannot read it ({exc.strerror}), so it is not rewritten") from None
        if current == text.encode():
            return path
        try:
            lines = current.decode("utf-8").splitlines()
        except UnicodeDecodeError as exc:
            # Rewriting would lose the bytes that are not text: the learner fixes the file first.
            raise DiaryError(f"{shown}:{not_utf8(current, exc.start)}, then write this week") from None
        refuse_conflicts(lines, shown)
        # A file the tool did not write, or one changed since: keep it before replacing it.
        if row is None or not row.written or digest(current) != row.hash:
            backup(ws, entry.week, current, "file")
    atomic_write(path, text)
    _record(db, name, entry.week, path, text.encode(), written=True)
    return path


def sync_notes(db: sqlite3.Connection, ws: Workspace) -> NotesReport:
    """Read back diary files that changed outside the tool (or appeared: diaries kept before it).

    The files are read first, then saved together in one transaction, each as it would be on its
    own (see ``_read_back``): a clone's 2,600 notes are one write to the disk, not 2,600."""
    report = NotesReport([], [], [], [], [])
    folder = notes_dir(db, ws)
    if not folder.is_dir():
        return report
    shown = ws.named(folder)
    elsewhere = outside(ws, folder)
    if elsewhere is not None:
        report.skipped.append(f"{shown}/ leads outside the workspace (to {elsewhere})")
        return report
    known = store.note_files(db)
    try:
        with os.scandir(folder) as found:
            # Only week files are diary entries; the diary parser is loaded once one has changed.
            entries = sorted(
                (
                    e
                    for e in found
                    if e.name.endswith(".md") and "week" in e.name.lower() and not e.name.startswith(".")
                ),
                key=lambda e: e.name,
            )
    except OSError as exc:
        report.skipped.append(f"{shown}/ cannot be read ({exc.strerror})")
        return report
    arrived: list[_Arrived] = []
    calendar: list[Calendar] = []  # read once a note needs it
    try:
        # Many notes make many short-lived objects, none in a cycle (see collector.py).
        with paused():
            for item in entries:
                note = _arrived(db, ws, item, shown, known.get(item.name), calendar, report)
                if note is not None:
                    arrived.append(note)
    finally:
        # Also when reading a later file failed: what was read before it is saved, as it was
        # when each note was saved on its own.
        if arrived:
            _read_back(db, ws, arrived, report)
    return report


class _Arrived(NamedTuple):
    """A note file to take in: a changed one and the week read from it, or (``entry`` None) one
    that holds what the store has and was only touched."""

    name: str
    path: Path
    data: bytes
    entry: WeekEntry | None
    known: NoteFile | None


def _arrived(
    db: sqlite3.Connection,
    ws: Workspace,
    item: os.DirEntry,
    shown: str,
    row: NoteFile | None,
    calendar: list[Calendar],
    report: NotesReport,
) -> _Arrived | None:
    """The note in ``item`` when it has to be taken in; None when it has not changed, or cannot be
    (said in ``report``)."""
    name = item.name
    try:
        st = item.stat()  # follows a link, as reading would
    except OSError as exc:  # a link to nothing, or no permission to look
        report.skipped.append(f"{shown}/{name} cannot be read ({exc.strerror})")
        return None
    if item.is_symlink() and (target := outside(ws, Path(item.path))) is not None:
        report.skipped.append(f"{shown}/{name} is a link to a file outside the workspace ({target})")
        return None
    if not stat.S_ISREG(st.st_mode):
        # Never opened: a pipe would wait for a writer forever, a folder cannot be read.
        report.skipped.append(f"{shown}/{name} is not a regular file (a folder, a pipe or a device)")
        return None
    if row and row.size == st.st_size and row.mtime_ns == st.st_mtime_ns:
        return None  # the everyday case, for each of years of notes: no Path made, nothing read
    from .weeknote import normalise, parse_week, week_from_path

    path = Path(item.path)

    if week_from_path(name) is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.skipped.append(f"{shown}/{name} cannot be read ({exc.strerror})")
        return None
    if row and row.hash == digest(data):
        return _Arrived(name, path, data, None, row)
    try:
        entry = normalise(parse_week(data, path=f"{shown}/{name}"))
        if entry.week < 1:
            raise DiaryError(f"{shown}/{name}: week {entry.week} does not exist: weeks start at 1")
    except DiaryError as exc:
        report.problems.append(str(exc))
        return None
    if not calendar:
        calendar.append(store_items.calendar(db))
    start, end = calendar[0].dates(entry.week)
    return _Arrived(name, path, data, replace(entry, start=start, end=end), row)


def _read_back(db: sqlite3.Connection, ws: Workspace, arrived: list[_Arrived], report: NotesReport) -> None:
    """Save the notes read, in order, in one transaction, each as if in a transaction of its own:
    when one fails (a ref no store can hold, a full disk), what it changed and the records it made
    are taken back, the notes before it are saved, and the failure is raised."""
    failed = None
    with transaction(db):
        for note in arrived:
            try:
                with savepoint(db):
                    if note.entry is None:
                        _record(db, note.name, note.known.week, note.path, note.data, note.known.written)
                    else:
                        _take_in(db, ws, note, report)
            except BaseException as exc:  # the notes before it are committed; then it is raised
                failed = exc
                break
    if failed is not None:
        raise failed


def _take_in(db: sqlite3.Connection, ws: Workspace, note: _Arrived, report: NotesReport) -> None:
    from .weeknote import normalise, render_week

    name, path, data, entry = note.name, note.path, note.data, note.entry
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
        if normalise(old) != entry and not getattr(db, "read_only", False):
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
