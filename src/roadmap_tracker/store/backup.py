"""The store as a whole: every table's rows out for a backup, and back in for a restore."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import migrations
from .connection import store_error

# Parents before children, so rows can be inserted in this order on restore.
TABLES = ("roadmap", "item", "event", "link", "entry", "entry_item", "question", "answer", "notefile")
KEYS = {"notefile": "path", "entry_item": "entry_id, ref"}  # the key each table is ordered by; "id" for the rest
# Tables a backup made before they existed does not have: restored empty.
ADDED_LATER = ("entry_item",)
BOOLEANS = {"event": ("auto",), "link": ("is_path",), "notefile": ("written",)}
PROGRESS_TABLES = ("event", "link", "entry", "entry_item", "question", "answer", "notefile")


def schema_version(db: sqlite3.Connection) -> int:
    """How many migrations the store has applied."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def known_schema() -> int:
    return len(migrations.MIGRATIONS)


@contextmanager
def snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """Read in one transaction: a change another command commits meanwhile is in every table read
    here or in none (a backup read table by table could hold an event without its item's state)."""
    if db.in_transaction:  # already reading or writing in one
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("ROLLBACK")  # it changed nothing


def table_rows(db: sqlite3.Connection, table: str) -> Iterator[dict]:
    """Every row of ``table`` as a dict in column order, booleans as true/false; one at a time."""
    if table not in TABLES:
        raise ValueError(f"no table {table!r} in a backup")
    cursor = db.cursor()
    cursor.row_factory = None  # plain tuples: the connection's sqlite3.Row costs more per row
    cursor.execute(f"SELECT * FROM {table} ORDER BY {KEYS.get(table, 'id')}")
    columns = [c[0] for c in cursor.description]
    flags = [columns.index(name) for name in BOOLEANS.get(table, ())]
    if not flags:
        for values in cursor:
            yield dict(zip(columns, values))
        return
    for values in cursor:
        values = list(values)
        for i in flags:
            values[i] = bool(values[i])
        yield dict(zip(columns, values))


def progress_in(db_path: Path) -> dict[str, int]:
    """Rows in the tables that hold progress, read without changing the file; {} for no store."""
    if not db_path.exists():
        return {}
    uri = "file:" + str(db_path.resolve()) + "?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True)
        try:
            present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in PROGRESS_TABLES if t in present}
            return {t: n for t, n in counts.items() if n}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise store_error(exc, db_path) from exc


def note_paths_in(db_path: Path) -> set[str]:
    """The note files a store has recorded, read without changing the file."""
    db = sqlite3.connect("file:" + str(db_path.resolve()) + "?mode=ro", uri=True)
    try:
        return {r[0] for r in db.execute("SELECT path FROM notefile")}
    except sqlite3.DatabaseError as exc:
        raise store_error(exc, db_path) from exc
    finally:
        db.close()


@contextmanager
def loading(db: sqlite3.Connection) -> Iterator[None]:
    """Around the transaction that fills a new store built aside (no other connection opens it, and
    a restore that does not finish deletes it): its journal in memory, so that every page is written
    once, into the file, not into the WAL and again at the checkpoint; and the foreign keys checked
    once, by ``replace_all``, not on every row (a row inserted before the row it points to made
    SQLite scan a whole table on every insert after it, until that row came)."""
    db.execute("PRAGMA journal_mode = MEMORY")
    db.execute("PRAGMA foreign_keys = OFF")
    yield
    # Not on an error: the store is then deleted as it is.
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA journal_mode = WAL")  # as connect() leaves every store


def replace_all(db: sqlite3.Connection, tables: dict[str, list[dict]]) -> None:
    """Empty every table and insert these rows, keeping their ids (the caller holds the transaction)."""
    from .migrations import count_step_tally

    # Ids are kept as they were, so a child may come before its parent; check at commit.
    db.execute("PRAGMA defer_foreign_keys = ON")
    for table in reversed(TABLES):  # an empty store may still hold a synced plan
        db.execute(f"DELETE FROM {table}")
    # The triggers that copy each event's state onto its item and count each step's items fire
    # once per row: at 100,000 items most of a restore. The backup holds every item's state (its
    # latest event's, as the restore's checks made sure), so they are set aside while the rows go
    # in, and the tally is counted once afterwards. So are the indexes: made once over all the
    # rows, they cost less than kept up row by row.
    kept = db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE (type = 'trigger' AND name IN "
        "('event_sets_state', 'item_tally_insert', 'item_tally_update', 'item_tally_delete')) "
        f"OR (type = 'index' AND sql IS NOT NULL AND tbl_name IN ({', '.join('?' * len(TABLES))}))",
        TABLES,
    ).fetchall()
    for kind, name, _ in kept:
        db.execute(f"DROP {kind} {name}")
    _insert(db, tables)
    if not db.execute("PRAGMA foreign_keys").fetchone()[0]:  # off while ``loading``
        _check_references(db)
    for kind, _, sql in kept:
        if kind == "index":
            db.execute(sql)
    count_step_tally(db)
    for kind, _, sql in kept:
        if kind == "trigger":
            db.execute(sql)


def _insert(db: sqlite3.Connection, tables: dict[str, list[dict]]) -> None:
    from operator import itemgetter

    for table in TABLES:
        rows = tables[table]
        if rows:
            columns = list(rows[0])
            key = itemgetter(*(columns.index(c.strip()) for c in KEYS.get(table, "id").split(",")))
            # In key order, as exported: the same backup always makes the same store.
            values = sorted(map(itemgetter(*columns), rows), key=key)
            db.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", values
            )


def _check_references(db: sqlite3.Connection) -> None:
    """What SQLite checks at commit when foreign keys are on, refused as it refuses it."""
    if db.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise store_error(sqlite3.IntegrityError("FOREIGN KEY constraint failed"), getattr(db, "path", None))


def leave_history_task(db: sqlite3.Connection) -> None:
    """Leave the store the task of writing its rows out to the history file (``history.seed``),
    which the next command does if the caller does not get to it."""
    from .records import WRITE_HISTORY

    db.execute("INSERT OR IGNORE INTO store_task (name) VALUES (?)", (WRITE_HISTORY,))
