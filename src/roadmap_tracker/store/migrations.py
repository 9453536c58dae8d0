"""Numbered, append-only schema migrations, applied and checked by name.

Each migration is a function over a ``sqlite3`` connection, applied in its own
transaction together with its row in ``_migrations``: a store's schema is the
set of names recorded there. ``PRAGMA user_version`` mirrors how many are
applied, so opening an up-to-date store checks one number and reads no table.
Never edit a shipped migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ..clock import utc_stamp

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []


def migration(fn: Callable[[sqlite3.Connection], None]):
    MIGRATIONS.append(fn)
    return fn


def _run(db: sqlite3.Connection, *statements: str) -> None:
    # executescript() would commit behind our back; run statements one by one.
    for statement in statements:
        db.execute(statement)


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    _run(
        db,
        """CREATE TABLE _migrations (
            name VARCHAR NOT NULL PRIMARY KEY,
            applied_at VARCHAR NOT NULL)""",
        """CREATE TABLE roadmap (
            id INTEGER NOT NULL PRIMARY KEY,
            title VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            source_size INTEGER NOT NULL,
            source_mtime_ns INTEGER NOT NULL,
            source_hash VARCHAR NOT NULL,
            started VARCHAR,
            week_starts VARCHAR NOT NULL,
            notes_dir VARCHAR NOT NULL,
            synced_at VARCHAR NOT NULL)""",
        """CREATE TABLE item (
            id INTEGER NOT NULL PRIMARY KEY,
            roadmap_id INTEGER NOT NULL REFERENCES roadmap (id),
            key VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            parent_id INTEGER REFERENCES item (id),
            step_id INTEGER REFERENCES item (id),
            position INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            title VARCHAR NOT NULL,
            url VARCHAR,
            body VARCHAR,
            extra VARCHAR,
            created_at VARCHAR NOT NULL,
            archived_at VARCHAR,
            UNIQUE (roadmap_id, key))""",
        "CREATE INDEX ix_item_step ON item (step_id)",
        """CREATE TABLE event (
            id INTEGER NOT NULL PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES item (id),
            state VARCHAR NOT NULL,
            day VARCHAR NOT NULL,
            recorded_at VARCHAR NOT NULL,
            note VARCHAR,
            auto BOOLEAN NOT NULL)""",
        "CREATE INDEX ix_event_item ON event (item_id, id)",
    )


def names() -> list[str]:
    return [fn.__name__ for fn in MIGRATIONS]


def applied(db: sqlite3.Connection) -> list[str]:
    """The names recorded in the store, in the order they were applied; [] for a blank file."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").fetchone():
        return []
    return [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


def unknown(db: sqlite3.Connection) -> list[str]:
    """Migrations the store has that this version of the tool does not know: it is newer."""
    known = set(names())
    return [name for name in applied(db) if name not in known]


def pending(db: sqlite3.Connection) -> list[Callable[[sqlite3.Connection], None]]:
    done = set(applied(db))
    return [fn for fn in MIGRATIONS if fn.__name__ not in done]


def apply(db: sqlite3.Connection, fn: Callable[[sqlite3.Connection], None]) -> None:
    """Apply one migration atomically, unless it already is; the caller holds no transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have applied it while we waited for the lock.
        if fn.__name__ in applied(db):
            db.execute("ROLLBACK")
            return
        fn(db)
        db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (fn.__name__, utc_stamp()))
        count = db.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0]
        db.execute(f"PRAGMA user_version = {int(count)}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


@migration
def m002_links(db: sqlite3.Connection) -> None:
    _run(
        db,
        """CREATE TABLE link (
            id INTEGER NOT NULL PRIMARY KEY,
            item_id INTEGER REFERENCES item (id),
            target VARCHAR NOT NULL,
            is_path BOOLEAN NOT NULL,
            kind VARCHAR NOT NULL,
            title VARCHAR,
            note VARCHAR,
            added_at VARCHAR NOT NULL,
            checked_at VARCHAR,
            check_status INTEGER,
            check_final_url VARCHAR,
            check_redirects INTEGER,
            check_elapsed FLOAT,
            check_error VARCHAR)""",
        "CREATE INDEX ix_link_item ON link (item_id)",
    )


@migration
def m003_current_state(db: sqlite3.Connection) -> None:
    # The current state is the latest event's. Keeping a copy on the item, written
    # by a trigger in the same transaction as the event, turns the status queries
    # into plain GROUP BYs; events stay the record (they are never updated).
    _run(
        db,
        "ALTER TABLE item ADD COLUMN state VARCHAR NOT NULL DEFAULT 'todo'",
        "ALTER TABLE item ADD COLUMN state_day VARCHAR",
        """UPDATE item SET
               state = COALESCE((SELECT state FROM event WHERE item_id = item.id ORDER BY id DESC LIMIT 1), 'todo'),
               state_day = (SELECT day FROM event WHERE item_id = item.id ORDER BY id DESC LIMIT 1)""",
        """CREATE TRIGGER event_sets_state AFTER INSERT ON event BEGIN
               UPDATE item SET state = NEW.state, state_day = NEW.day WHERE id = NEW.item_id;
           END""",
        "CREATE INDEX ix_item_step_state ON item (step_id, kind, state)",
        "CREATE INDEX ix_event_day ON event (day, id)",
    )


@migration
def m004_journal(db: sqlite3.Connection) -> None:
    _run(
        db,
        """CREATE TABLE entry (
            id INTEGER NOT NULL PRIMARY KEY,
            week INTEGER NOT NULL UNIQUE,
            start_day VARCHAR NOT NULL,
            end_day VARCHAR NOT NULL,
            step VARCHAR,
            concepts VARCHAR NOT NULL,
            experiments VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            tags VARCHAR NOT NULL,
            refs VARCHAR NOT NULL,
            steps VARCHAR NOT NULL,
            extra VARCHAR NOT NULL,
            updated_at VARCHAR NOT NULL)""",
        """CREATE TABLE question (
            id INTEGER NOT NULL PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES entry (id),
            text VARCHAR NOT NULL,
            asked_on VARCHAR NOT NULL,
            answer VARCHAR,
            answered_on VARCHAR,
            answer_item_id INTEGER REFERENCES item (id),
            answer_url VARCHAR,
            removed_at VARCHAR)""",
        "CREATE INDEX ix_question_entry ON question (entry_id)",
        """CREATE TABLE answer (
            id INTEGER NOT NULL PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES item (id),
            day VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            recorded_at VARCHAR NOT NULL)""",
        "CREATE INDEX ix_answer_item ON answer (item_id, id)",
        """CREATE TABLE notefile (
            path VARCHAR NOT NULL PRIMARY KEY,
            week INTEGER NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            hash VARCHAR NOT NULL,
            written BOOLEAN NOT NULL)""",
    )


# What a step's tally counts of one item row: its resources and mini projects by state, and its
# reflection questions. ``{row}`` is NEW or OLD inside a trigger.
_TALLY = {
    "total": "{row}.kind IN ('resource', 'project')",
    "done": "{row}.kind IN ('resource', 'project') AND {row}.state = 'done'",
    "skipped": "{row}.kind IN ('resource', 'project') AND {row}.state = 'skipped'",
    "started": "{row}.kind IN ('resource', 'project') AND {row}.state = 'in_progress'",
    "questions": "{row}.kind = 'question'",
}
_COUNTED_ROW = "{row}.archived_at IS NULL AND {row}.kind != 'step' AND {row}.step_id IS NOT NULL"


def _tally(row: str, sign: str) -> str:
    """The statements that add (sign +) or take away (sign -) one item row from its step's tally."""
    counted = _COUNTED_ROW.format(row=row)
    sets = ", ".join(f"{name} = {name} {sign} ({rule.format(row=row)})" for name, rule in _TALLY.items())
    add_row = (
        f"INSERT INTO step_tally (step_id) SELECT {row}.step_id WHERE {counted} ON CONFLICT (step_id) DO NOTHING;"
        if sign == "+"
        else ""
    )
    return f"{add_row} UPDATE step_tally SET {sets} WHERE step_id = {row}.step_id AND {counted};"


def count_step_tally(db: sqlite3.Connection) -> None:
    """Count every step's tally again from its items (a migration, or a rebuild that set the
    triggers aside)."""
    sums = ", ".join(f"SUM({rule.format(row='item')})" for rule in _TALLY.values())
    db.execute("DELETE FROM step_tally")
    db.execute(
        f"""INSERT INTO step_tally (step_id, {", ".join(_TALLY)})
            SELECT step_id, {sums} FROM item WHERE {_COUNTED_ROW.format(row="item")} GROUP BY step_id"""
    )


@migration
def m005_step_tally(db: sqlite3.Connection) -> None:
    # Each step's items counted by state, kept by triggers in the transaction that changes an
    # item (its state comes from the event trigger): status reads one row per step instead of
    # counting every item of the roadmap on every run.
    sums = ", ".join(f"SUM({rule.format(row='item')})" for rule in _TALLY.values())
    _run(
        db,
        """CREATE TABLE step_tally (
            step_id INTEGER NOT NULL PRIMARY KEY,
            total INTEGER NOT NULL DEFAULT 0,
            done INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            started INTEGER NOT NULL DEFAULT 0,
            questions INTEGER NOT NULL DEFAULT 0)""",
        f"""INSERT INTO step_tally (step_id, {", ".join(_TALLY)})
            SELECT step_id, {sums} FROM item WHERE {_COUNTED_ROW.format(row="item")} GROUP BY step_id""",
        f"CREATE TRIGGER item_tally_insert AFTER INSERT ON item BEGIN {_tally('NEW', '+')} END",
        f"""CREATE TRIGGER item_tally_update AFTER UPDATE OF kind, step_id, state, archived_at ON item BEGIN
            {_tally("OLD", "-")} {_tally("NEW", "+")} END""",
        f"""CREATE TRIGGER item_tally_delete AFTER DELETE ON item BEGIN
            {_tally("OLD", "-")} DELETE FROM step_tally WHERE step_id = OLD.id; END""",
        # The live items of a kind in order (steps, deliverables), without reading every item.
        "CREATE INDEX ix_item_live_kind ON item (kind, position) WHERE archived_at IS NULL",
    )


@migration
def m006_date_order(db: sqlite3.Connection) -> None:
    # roadmap.yaml's date_order, so a command reads 12/11/2026 the way the learner writes dates.
    _run(db, "ALTER TABLE roadmap ADD COLUMN date_order VARCHAR")


@migration
def m007_undo(db: sqlite3.Connection) -> None:
    # An undo is an event of its own that names the event it reverses: the history keeps both.
    _run(
        db,
        "ALTER TABLE event ADD COLUMN undoes INTEGER REFERENCES event (id)",
        "CREATE INDEX ix_event_undoes ON event (undoes) WHERE undoes IS NOT NULL",
        # The days with changes made by hand, for streaks and the activity calendar, from the index alone.
        "CREATE INDEX ix_event_hand_day ON event (auto, day)",
    )


@migration
def m008_entry_links(db: sqlite3.Connection) -> None:
    # A diary week is about items by their row, not by the text that named them: "2.r1" names
    # another item once a resource is inserted above it, and a step's title changes when renamed.
    _run(
        db,
        """CREATE TABLE entry_item (
            entry_id INTEGER NOT NULL REFERENCES entry (id),
            ref VARCHAR NOT NULL,
            item_id INTEGER NOT NULL REFERENCES item (id),
            PRIMARY KEY (entry_id, ref))""",
        "CREATE INDEX ix_entry_item_item ON entry_item (item_id)",
        "ALTER TABLE entry ADD COLUMN step_id INTEGER REFERENCES item (id)",
        # What the old columns said: the steps an entry's refs pointed into, by key, and the step
        # being worked on, by title.
        """INSERT OR IGNORE INTO entry_item (entry_id, ref, item_id)
           SELECT e.id, j.value, i.id FROM entry e, json_each(e.steps) j JOIN item i ON i.key = j.value""",
        """UPDATE entry SET step_id = (SELECT i.id FROM item i WHERE i.kind = 'step' AND i.title = entry.step
                                       ORDER BY i.archived_at IS NOT NULL, i.position LIMIT 1)""",
    )


@migration
def m009_history(db: sqlite3.Connection) -> None:
    # The workspace's history/ files are the record and this store their index. Each row a record
    # made carries the record's id; `record` says which records are applied and from which
    # device's file, `history_file` how far each file was read.
    _run(
        db,
        "ALTER TABLE event ADD COLUMN uid VARCHAR",
        # The item's latest change this one was made on top of: two made on top of the same one,
        # on two machines, disagree; one made after seeing the other follows it.
        "ALTER TABLE event ADD COLUMN after_uid VARCHAR",
        "CREATE UNIQUE INDEX ix_event_uid ON event (uid)",
        "ALTER TABLE link ADD COLUMN uid VARCHAR",
        "CREATE UNIQUE INDEX ix_link_uid ON link (uid)",
        "ALTER TABLE answer ADD COLUMN uid VARCHAR",
        "CREATE UNIQUE INDEX ix_answer_uid ON answer (uid)",
        "ALTER TABLE question ADD COLUMN uid VARCHAR",
        "CREATE UNIQUE INDEX ix_question_uid ON question (uid)",
        """CREATE TABLE record (
            uid VARCHAR NOT NULL PRIMARY KEY,
            at VARCHAR NOT NULL,
            op VARCHAR NOT NULL,
            device VARCHAR NOT NULL,
            waiting VARCHAR)""",
        "CREATE INDEX ix_record_at ON record (at, uid)",
        """CREATE TABLE history_file (
            path VARCHAR NOT NULL PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            offset INTEGER NOT NULL,
            lines INTEGER NOT NULL,
            tail VARCHAR NOT NULL)""",
        """CREATE TABLE history_problem (
            path VARCHAR NOT NULL,
            digest VARCHAR NOT NULL,
            line INTEGER NOT NULL,
            problem VARCHAR NOT NULL,
            PRIMARY KEY (path, digest))""",
        """CREATE TABLE item_alias (
            old_key VARCHAR NOT NULL,
            new_key VARCHAR NOT NULL,
            at VARCHAR NOT NULL,
            PRIMARY KEY (old_key, at))""",
        # A link two machines each added to the same item: one row, found by either record's id.
        """CREATE TABLE link_alias (
            uid VARCHAR NOT NULL PRIMARY KEY,
            link_id INTEGER NOT NULL REFERENCES link (id))""",
        "CREATE TABLE store_task (name VARCHAR NOT NULL PRIMARY KEY)",
        # What the store held before is written out to history/ once, by the next command
        # (records.WRITE_HISTORY names this task).
        """INSERT INTO store_task (name) SELECT 'write history'
           WHERE EXISTS (SELECT 1 FROM event) OR EXISTS (SELECT 1 FROM link) OR EXISTS (SELECT 1 FROM answer)
              OR EXISTS (SELECT 1 FROM question)""",
    )


@migration
def m010_step_titles(db: sqlite3.Connection) -> None:
    # A diary week names its step by title: reading ten years of notes looks one up per week.
    _run(db, "CREATE INDEX ix_item_kind_title ON item (kind, title)")


@migration
def m011_conflicts(db: sqlite3.Connection) -> None:
    # The conflicts records from elsewhere made, kept when they arrive: `roadmap sync` lists them
    # all, and finding them again over fifty years of events took longer than the command.
    # (progress.note_conflicts finds them the same way.)
    _run(
        db,
        """CREATE TABLE conflict (
            lost_uid VARCHAR NOT NULL,
            kept_uid VARCHAR NOT NULL,
            PRIMARY KEY (lost_uid, kept_uid))""",
        """INSERT INTO conflict (lost_uid, kept_uid)
           SELECT a.uid, b.uid FROM event b CROSS JOIN event a ON a.item_id = b.item_id AND +a.day = b.day
                AND a.state != b.state AND (a.recorded_at, a.uid) < (b.recorded_at, b.uid)
                AND a.after_uid IS b.after_uid
           JOIN record ra ON ra.uid = a.uid JOIN record rb ON rb.uid = b.uid AND rb.device != ra.device
           WHERE +a.auto = 0 AND b.auto = 0""",
    )


@migration
def m012_open_items(db: sqlite3.Connection) -> None:
    # The live items by state in plan order: `status` lists what is started and what comes next
    # without sorting the whole plan.
    _run(db, "CREATE INDEX ix_item_open ON item (state, seq) WHERE archived_at IS NULL")
