"""Opening the progress store: SQLite through the standard library.

Commands reach the data with ``sqlite3`` rather than SQLModel sessions:
importing SQLModel and SQLAlchemy costs about 0.3 s, twice the whole budget
of ``roadmap status``. The schema itself is declared in ``models.py``.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import migrations
from .errors import StoreError

BUSY_TIMEOUT_MS = 10_000


class Store(sqlite3.Connection):
    """A connection that knows which file it is, for messages."""

    path: Path


def connect(path: Path, *, create: bool = True) -> Store:
    """Open (creating and migrating as needed) the store at ``path``."""
    if not path.exists():
        if not create:
            raise StoreError(f"no progress store at {path}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {path.parent}: {exc.strerror}") from exc
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a writer
        # takes the lock before reading what it will change.
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, factory=Store)
        db.path = path
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and _has_tables(db) and not _has_migrations(db):
            raise StoreError(f"{path} is an SQLite database but not a roadmap-tracker store", hint="pass another --db")
        known = len(migrations.MIGRATIONS)
        if version > known:
            raise StoreError(
                f"{path} was written by a newer roadmap-tracker (schema {version}, this one knows {known})",
                hint="upgrade roadmap-tracker; the store was left as it was",
            )
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            # WAL lets a reader and a writer in two terminals proceed at once.
            db.execute("PRAGMA journal_mode = WAL")
        if version < known:
            _migrate(db, path, version)
        return db
    except sqlite3.DatabaseError as exc:
        raise _store_error(exc, path) from exc


def _has_tables(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


def _has_migrations(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT count(*) FROM sqlite_master WHERE name = '_migrations'").fetchone()[0] > 0


def _migrate(db: sqlite3.Connection, path: Path, version: int) -> None:
    if version > 0:
        # Keep the old store beside the new one, as it was before upgrading.
        backup = path.with_name(f"{path.name}.schema{version}.bak")
        if not backup.exists():
            target = sqlite3.connect(backup)
            with target:
                db.backup(target)
            target.close()
    for number, fn in enumerate(migrations.pending(version), start=version + 1):
        migrations.apply(db, fn, number)


def _store_error(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError(f"{path} is locked by another program", hint="wait for it to finish and try again")
    if "not a database" in text or "malformed" in text:
        return StoreError(f"{path} is not a readable roadmap-tracker store ({text})", hint="restore it from a backup or pass another --db")
    if "readonly" in text or "unable to open" in text:
        return StoreError(f"cannot write {path} ({text})", hint="check the file's permissions")
    return StoreError(f"{path}: {text}")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken before reading what it changes."""
    path = getattr(db, "path", None)
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise _store_error(exc, path or Path("the store")) from exc
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    else:
        try:
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            db.execute("ROLLBACK")
            raise _store_error(exc, path or Path("the store")) from exc
