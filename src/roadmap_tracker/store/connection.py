"""Opening the progress store: SQLite through the standard library.

Commands reach the data with ``sqlite3`` rather than SQLModel sessions:
importing SQLModel and SQLAlchemy costs about 0.3 s, twice the whole budget
of ``roadmap status``. The schema itself is declared in ``tables.py``.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreError
from . import migrations

BUSY_TIMEOUT_MS = 10_000


class Store(sqlite3.Connection):
    """A connection that knows which file it is, for messages, and keeps the records of the changes
    its transaction makes until the history file has them (see ``store/records.py``)."""

    path: Path
    # Appends the records to the history file just before COMMIT, and returns how to take them
    # back if COMMIT fails; None keeps no history (a store opened without its workspace).
    writer: Callable[[sqlite3.Connection, list[dict]], Callable[[], None]] | None = None
    device: str | None = None
    recording: bool = True  # False while the store is rebuilt from the history files
    last_at: str | None = None
    # A copy in memory of a store this user cannot write (see ``open_copy``): brought up to date
    # like any other, then ``sealed`` so that a command that would change it is refused.
    read_only: bool = False
    sealed: bool = False

    @property
    def pending(self) -> list[dict]:
        if "_pending" not in self.__dict__:
            self._pending: list[dict] = []
        return self._pending


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
    except sqlite3.DatabaseError as exc:
        raise store_error(exc, path) from exc
    db.path = path
    _OPEN.add(db)
    try:
        return _prepare(db, path)
    except BaseException as exc:
        db.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise store_error(exc, path) from exc
        raise


# Every store a command opened, closed when the command ends (``close_all``). Closing the last
# connection folds SQLite's WAL into the store; a connection left to the garbage collector
# (commands run in one process, as tests run them) would do it whenever it is collected, even
# after the file was set aside or replaced.
_OPEN: weakref.WeakSet[Store] = weakref.WeakSet()


def close_all() -> None:
    """Close every store opened by the command that ends."""
    for db in list(_OPEN):
        db.close()
    _OPEN.clear()


def writable(path: Path) -> bool:
    """Whether this user can change the store at ``path``: the file and its folder (SQLite writes
    its journal beside it), or, for a store not made yet, the nearest folder that exists."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def open_copy(path: Path) -> Store:
    """The store read into memory, for a workspace this user cannot write (a read-only mount, a
    shared folder, another user's files). Commands read it as usual; nothing is saved."""
    db = sqlite3.connect(":memory:", isolation_level=None, factory=Store)
    db.path = path
    db.read_only = True
    try:
        if path.exists():
            source = sqlite3.connect(read_only_uri(path), uri=True)
            try:
                source.backup(db)
            finally:
                source.close()
        return _prepare(db, path)
    except sqlite3.DatabaseError as exc:
        raise store_error(exc, path) from exc


def read_only_uri(path: Path) -> str:
    """The URI that reads the store at ``path`` without changing anything on disk. A plain
    read-only open of a WAL store makes its -wal and -shm files (and cannot without write
    access); `immutable` reads the file as it is, which is all there is when no WAL is left over."""
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() and wal.stat().st_size else "immutable=1"
    return f"{path.resolve().as_uri()}?{mode}"


def _prepare(db: Store, path: Path) -> Store:
    """Check the schema, and bring it up to date."""
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    known = len(migrations.MIGRATIONS)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == known:
        return db  # the everyday case: one number says the schema is current
    if version == 0 and _has_tables(db) and not migrations.applied(db):
        raise StoreError(f"{path} is an SQLite database but not a roadmap-tracker store", hint="pass another --db")
    newer = migrations.unknown(db)
    if version > known or newer:
        raise StoreError(
            f"{path} was written by a newer roadmap-tracker (schema {max(version, known + len(newer))}, "
            f"this one knows {known})",
            hint="upgrade roadmap-tracker; the store was left as it was",
        )
    if not db.read_only and db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        # WAL lets a reader and a writer in two terminals proceed at once.
        db.execute("PRAGMA journal_mode = WAL")
    _migrate(db, path)
    return db


def _has_tables(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    todo = migrations.pending(db)
    applied = migrations.applied(db)
    if todo and applied:
        # Keep the old store beside the new one, as it was before upgrading.
        backup = path.with_name(f"{path.name}.schema{len(applied)}.bak")
        if not backup.exists() and not db.read_only:
            target = sqlite3.connect(backup)
            with target:
                db.backup(target)
            target.close()
    for fn in todo:
        migrations.apply(db, fn)
    if not todo:
        # Every name is recorded but the mirror drifted: set it back.
        db.execute(f"PRAGMA user_version = {len(applied)}")


def store_error(exc: sqlite3.DatabaseError, path: Path | None) -> StoreError:
    """One line for an SQLite error: what happened to which file, and what to do."""
    path = path or Path("the store")
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError(f"{path} is locked by another program", hint="wait for it to finish and try again")
    if "full" in text:
        return StoreError(
            f"cannot write {path}: the disk is full ({text})", hint="free some space; nothing was changed"
        )
    damage = ("not a database", "malformed", "corrupt", "disk I/O error", "no such table", "no such column")
    if any(sign in text for sign in damage):
        return StoreError(f"{path} is damaged ({text})", hint=REBUILD_HINT)
    if "readonly" in text or "unable to open" in text:
        return StoreError(f"cannot write {path} ({text})", hint="check the file's permissions")
    return StoreError(f"{path}: {text}")


REBUILD_HINT = (
    "the store is an index of roadmap.yaml, notes/ and history/: "
    "`roadmap sync --rebuild` builds it again from them and keeps this file aside"
)


def checkpoint(path: Path) -> None:
    """Fold the store's WAL into its file and empty it, so nothing of it is left in a journal."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError as exc:
        raise store_error(exc, path) from exc
    finally:
        db.close()


def set_aside(path: Path, why: str) -> Path:
    """Move the store (and its journal files, so the copy still opens) aside as ``<name>.<why>-<time>``;
    the next command builds a new one from the workspace's text."""
    from ..clock import file_stamp

    kept = path.with_name(f"{path.name}.{why}-{file_stamp()}")
    for end in ("-wal", "-shm", ""):
        journal = path.with_name(path.name + end)
        if journal.exists():
            os.replace(journal, kept.with_name(kept.name + end))
    return kept


@contextmanager
def savepoint(db: sqlite3.Connection) -> Iterator[None]:
    """A part of the caller's transaction that is taken back alone when it fails: the rows it
    changed and the history records it queued; what came before it in the transaction stays."""
    pending = getattr(db, "pending", [])  # the records the transaction will write
    queued = len(pending)
    db.execute("SAVEPOINT part")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK TO part")
        db.execute("RELEASE part")
        del pending[queued:]
        raise
    db.execute("RELEASE part")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken before reading what it changes."""
    path = getattr(db, "path", None)
    if getattr(db, "sealed", False):
        raise StoreError(
            f"cannot save changes: {path} is read-only for you", hint="check the permissions; nothing was changed"
        )
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise store_error(exc, path) from exc
    if isinstance(db, Store):
        db.last_at = None  # read again under the lock: another command may have recorded since
    try:
        yield db
    except BaseException:
        _drop_records(db)
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    take_back = None
    try:
        # The history file first: a change the store commits is always in the file already.
        take_back = _write_records(db)
        db.execute("COMMIT")
    except BaseException as exc:
        if take_back is not None:
            take_back()
        _drop_records(db)
        if db.in_transaction:
            db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError):
            raise store_error(exc, path) from exc
        raise


def _write_records(db: sqlite3.Connection) -> Callable[[], None] | None:
    records = db.__dict__.get("_pending") if isinstance(db, Store) else None
    if not records:
        return None
    db._pending = []
    return db.writer(db, records) if db.writer is not None else None


def _drop_records(db: sqlite3.Connection) -> None:
    if isinstance(db, Store):
        db._pending = []
        db.last_at = None
