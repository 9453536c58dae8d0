"""Rebuilding a workspace from a JSON backup (``roadmap export --format json``), all or nothing.

The backup has been read and checked in full (``backup.read_backup``) before anything here runs.
A workspace is *empty* when its store is missing or holds no progress (no events, links, diary
entries, questions, answers or note records) and its notes folder holds no diary file that the
backup would change; only an empty workspace is restored into. Rows keep their ids, so exporting
the restored store gives the same bytes as the backup it came from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..clock import file_stamp
from ..errors import NotEmpty
from ..files import atomic_write, digest
from ..store import backup as store
from ..store.backup import TABLES
from ..store.connection import connect, transaction
from ..workspace import BACKUPS_DIR, ROADMAP_FILE, STORE_DIR
from .backup import Backup


@dataclass
class Restored:
    root: Path
    counts: dict[str, int]
    notes: int
    replaced_yaml: Path | None  # where a different roadmap.yaml that was there was kept


def restore(backup: Backup, root: Path, db_path: Path) -> Restored:
    """Write roadmap.yaml, the diary files, then the store, into an empty workspace."""
    from ..history.files import HISTORY_DIR, SUFFIX

    found = store.progress_in(db_path)
    history = [p for p in (root / HISTORY_DIR).glob(f"*{SUFFIX}") if p.is_file() and p.stat().st_size]
    if found and not _only_these_notes(db_path, found, backup):
        what = ", ".join(f"{n} {t} row{'s' * (n != 1)}" for t, n in found.items())
        raise NotEmpty(
            f"{root} already has progress ({what}); restore only fills an empty workspace",
            hint="restore into a new directory" + ("" if history else ", or move .roadmap/ away first"),
        )
    if history:
        raise NotEmpty(
            f"{root} already has progress in {HISTORY_DIR}/ ({len(history)} history "
            f"file{'s' * (len(history) != 1)}); restore only fills an empty workspace",
            hint="restore into a new directory",
        )
    notes_dir = root / backup.notes_dir
    for note in backup.notes:
        target = notes_dir / note["path"]
        if target.exists() and target.read_bytes() != note["text"].encode("utf-8"):
            raise NotEmpty(
                f"{target} exists and differs from the backup's copy",
                hint="move it away first; the store would not match it",
            )
    # The files first and the store's one transaction last: killed at any point, the workspace is
    # either restored whole or still empty of progress, so `status` works and `restore` can run again.
    root.mkdir(parents=True, exist_ok=True)
    replaced = _write_plan(backup, root)
    from ..workspace import ignore_store

    ignore_store(root)
    recorded = {r["path"]: r for r in backup.tables["notefile"]}
    for note in backup.notes:
        _write_same(notes_dir / note["path"], note["text"], recorded.get(note["path"]), "hash", "mtime_ns")
    notes_dir.mkdir(parents=True, exist_ok=True)
    db = connect(db_path)
    try:
        from ..history.files import attach
        from ..history.seed import records_for_rows
        from ..workspace import Workspace

        attach(db, Workspace(root, db_path))
        with transaction(db):
            store.replace_all(db, backup.tables)
            # What was restored goes to this device's history file, written just before the store commits.
            records_for_rows(db)
    finally:
        db.close()
    return Restored(root, {t: len(backup.tables[t]) for t in TABLES}, len(backup.notes), replaced)


def _only_these_notes(db_path: Path, found: dict[str, int], backup: Backup) -> bool:
    """Whether all the store holds is the diary read back from the backup's own note files: what
    a restore killed before its last step leaves, once a command has run. Restoring over it loses
    nothing."""
    if not set(found) <= {"entry", "question", "notefile"}:
        return False
    return store.note_paths_in(db_path) <= {note["path"] for note in backup.notes}


def _write_plan(backup: Backup, root: Path) -> Path | None:
    target = root / ROADMAP_FILE
    kept = None
    if target.exists() and target.read_bytes() != backup.roadmap_yaml.encode("utf-8"):
        kept = root / STORE_DIR / BACKUPS_DIR / f"roadmap-{file_stamp()}-before-restore.yaml"
        atomic_write(kept, target.read_text(encoding="utf-8", errors="replace"))
    _write_same(target, backup.roadmap_yaml, backup.tables["roadmap"][0], "source_hash", "source_mtime_ns")
    return kept


def _write_same(path: Path, text: str, record: dict | None, hash_field: str, mtime_field: str) -> None:
    """Write a file; when it is the very file the store recorded, give it back its recorded mtime,
    so the next command's cheap size-and-mtime check sees nothing to re-read."""
    data = text.encode("utf-8")
    if not (path.exists() and path.read_bytes() == data):
        atomic_write(path, text)
    if record and record.get(hash_field) == digest(data) and record.get(mtime_field):
        os.utime(path, ns=(record[mtime_field], record[mtime_field]))
