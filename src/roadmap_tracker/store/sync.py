"""Bring the store in line with roadmap.yaml when it changed.

The cheap check every command makes (size and mtime, then a hash) lives here; the
work of matching the plan's items to the stored rows (``plan_rows``) is imported
only when the file did change.
"""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING

from ..clock import today, utc_stamp
from ..collector import paused
from ..files import digest
from ..workspace import Workspace
from .connection import transaction

if TYPE_CHECKING:
    from ..plan.schema import Roadmap
    from .plan_rows import SyncReport


def _changed(db: sqlite3.Connection, ws: Workspace, *, look: bool = False) -> tuple[bytes, os.stat_result] | None:
    """The file's bytes and stat when it changed since the last sync, else None.

    Cheap check: size and mtime, then a hash only if those moved (or, with ``look``, always:
    a file rewritten within the clock's resolution keeps its size and time); the bytes read
    for the hash are the ones the sync then loads.
    """
    try:
        st = ws.roadmap_file.stat()
    except OSError:
        if look:
            raise
        return None  # the command itself will report the missing file
    row = db.execute("SELECT source_size, source_mtime_ns, source_hash FROM roadmap WHERE id = 1").fetchone()
    if not look and row and row["source_size"] == st.st_size and row["source_mtime_ns"] == st.st_mtime_ns:
        return None
    from ..plan.located import read_source

    data = read_source(ws.roadmap_file)
    if row and digest(data) == row["source_hash"]:
        if (row["source_size"], row["source_mtime_ns"]) == (st.st_size, st.st_mtime_ns):
            return None
        with transaction(db):
            db.execute(
                "UPDATE roadmap SET source_size = ?, source_mtime_ns = ? WHERE id = 1", (st.st_size, st.st_mtime_ns)
            )
        return None
    return data, st


def sync(db: sqlite3.Connection, ws: Workspace, *, force: bool = False) -> SyncReport | None:
    """Sync if roadmap.yaml changed; None when it did not. With ``force`` (`roadmap sync`) the
    file is hashed whatever its size and time say, and a file the same as last time gives an
    empty report without being parsed again: the store already holds what it says."""
    changed = _changed(db, ws, look=force)
    if changed is None:
        if not force:
            return None
        from .plan_rows import SyncReport

        return SyncReport()
    data, st = changed
    # A plan of 100,000 items makes millions of objects, none of them in a cycle (see collector.py);
    # they are all freed before the collector runs again.
    with paused():
        return _load_and_store(db, ws, data, st)


def _load_and_store(db: sqlite3.Connection, ws: Workspace, data: bytes, st: os.stat_result) -> SyncReport:
    # Only now, with a file to load: the schema brings in pydantic.
    from ..plan.located import decode
    from ..plan.outline import rows
    from ..plan.roadmap_file import load_roadmap
    from .plan_rows import apply_rows

    roadmap = load_roadmap(ws.roadmap_file, decode(data, ws.roadmap_file))
    with transaction(db):
        report = apply_rows(db, rows(roadmap))  # the rows made when its ids were checked
        _set_header(db, ws, roadmap, data, st)
    return report


def _set_header(db: sqlite3.Connection, ws: Workspace, roadmap: Roadmap, data: bytes, st: os.stat_result) -> None:
    # Without `started:` in the file, week 1 is the week of the first sync, and stays so.
    known = db.execute("SELECT started FROM roadmap WHERE id = 1").fetchone()
    started = (
        roadmap.started.isoformat()
        if roadmap.started
        else (known["started"] if known and known["started"] else today().isoformat())
    )
    header = (
        roadmap.title,
        ws.relative(ws.roadmap_file),
        st.st_size,
        st.st_mtime_ns,
        digest(data),
        started,
        roadmap.week_starts,
        roadmap.notes_dir,
        roadmap.date_order,
        utc_stamp(),
    )
    db.execute(
        """INSERT INTO roadmap (id, title, source, source_size, source_mtime_ns, source_hash,
               started, week_starts, notes_dir, date_order, synced_at)
           VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, source = excluded.source,
               source_size = excluded.source_size, source_mtime_ns = excluded.source_mtime_ns,
               source_hash = excluded.source_hash, started = excluded.started,
               week_starts = excluded.week_starts, notes_dir = excluded.notes_dir,
               date_order = excluded.date_order, synced_at = excluded.synced_at""",
        header,
    )
