"""The progress store: migrations, and databases that are old, newer, locked, foreign or shared."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from roadmap_tracker.store import connection as store
from roadmap_tracker.store import migrations


def schema_of(conn: sqlite3.Connection) -> dict:
    """Tables with their columns (name, type, not null, pk), indexes and foreign keys, normalised."""
    out = {}
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for table in tables:
        columns = [(r[1], r[2].upper(), bool(r[3]), r[5]) for r in conn.execute(f"PRAGMA table_info('{table}')")]
        indexes = sorted(
            (bool(r[2]), tuple(c[2] for c in conn.execute(f"PRAGMA index_info('{r[1]}')")))
            for r in conn.execute(f"PRAGMA index_list('{table}')")
        )
        fks = sorted((r[3], r[2], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list('{table}')"))
        out[table] = {"columns": columns, "indexes": indexes, "foreign_keys": fks}
    return out


def test_migrations_from_blank_build_exactly_the_models(tmp_path):
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    from roadmap_tracker.store import tables  # noqa: F401  (registers the tables)

    migrated = store.connect(tmp_path / "migrated.db")
    engine = create_engine(f"sqlite:///{tmp_path / 'models.db'}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    from_models = sqlite3.connect(tmp_path / "models.db")
    assert schema_of(migrated) == schema_of(from_models)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)
    assert [r[0] for r in migrated.execute("SELECT name FROM _migrations ORDER BY rowid")] == [
        fn.__name__ for fn in migrations.MIGRATIONS
    ]
    # Beyond what the models can declare: the triggers that keep each item's current state and
    # each step's tally.
    triggers = migrated.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    assert [r[0] for r in triggers] == [
        "event_sets_state",
        "item_tally_delete",
        "item_tally_insert",
        "item_tally_update",
    ]


def test_a_store_built_from_the_text_has_every_index_and_trigger_the_migrations_make(roadmap, tmp_path):
    """A first sync sets the item table's indexes and triggers aside while the plan's rows go in at
    once, and a rebuild from the history does the same for the events: all are back afterwards."""
    roadmap("check", "1.r1")
    shutil.rmtree(roadmap.root / ".roadmap")
    roadmap("status")  # built again from roadmap.yaml and history/

    def schema(db: sqlite3.Connection) -> set:
        return {tuple(r) for r in db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")}

    assert schema(sqlite3.connect(roadmap.db_path)) == schema(store.connect(tmp_path / "migrated.db"))
    assert roadmap.states() == {"math/probability-statistics-for-machine-learning": "done"}


def test_an_items_state_is_always_its_latest_event(roadmap):
    roadmap("start", "1.r1", "--date", "2026-11-03")
    roadmap("check", "1.r1", "--date", "2026-11-04")
    roadmap("uncheck", "1.r1", "--date", "2026-11-02")  # backdated, but recorded last: it wins
    assert roadmap.query("SELECT state, state_day FROM item WHERE key LIKE 'math/probability%'") == [
        ("todo", "2026-11-02")
    ]
    assert roadmap.states()["math/probability-statistics-for-machine-learning"] == "todo"


def test_migration_names_are_numbered_in_order():
    names = [fn.__name__ for fn in migrations.MIGRATIONS]
    assert names == sorted(names)
    assert [int(n[1:4]) for n in names] == list(range(1, len(names) + 1))


def _old_header(conn: sqlite3.Connection) -> None:
    """The roadmap row of a store written by an earlier version, with the columns every version has."""
    conn.execute(
        "INSERT INTO roadmap (id, title, source, source_size, source_mtime_ns, source_hash, started, week_starts, "
        "notes_dir, synced_at) VALUES (1, 'Old', 'roadmap.yaml', 1, 1, 'h', NULL, 'monday', 'notes', 'x')"
    )


def _at_version(path: Path, version: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for fn in migrations.MIGRATIONS[:version]:
        migrations.apply(conn, fn)
    conn.close()


@pytest.mark.parametrize("version", range(1, len(migrations.MIGRATIONS)))
def test_upgrading_from_every_earlier_version_keeps_data_and_a_backup(tmp_path, version):
    path = tmp_path / "roadmap.db"
    _at_version(path, version)
    conn = sqlite3.connect(path)
    _old_header(conn)
    conn.execute(
        "INSERT INTO item (id, roadmap_id, key, kind, position, seq, title, created_at) "
        "VALUES (1, 1, 'a', 'step', 1, 1, 'A', 'x')"
    )
    conn.execute("INSERT INTO event (item_id, state, day, recorded_at, auto) VALUES (1, 'done', '2026-01-01', 'x', 0)")
    conn.commit()
    conn.close()
    upgraded = store.connect(path)
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)
    assert [
        tuple(r) for r in upgraded.execute("SELECT key, event.state FROM item JOIN event ON event.item_id = item.id")
    ] == [("a", "done")]
    backup = sqlite3.connect(tmp_path / f"roadmap.db.schema{version}.bak")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == version
    assert backup.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 1


def test_an_old_schema_store_is_upgraded_by_any_command(roadmap, tmp_path):
    old = tmp_path / "old.db"
    _at_version(old, 1)
    conn = sqlite3.connect(old)
    _old_header(conn)
    conn.execute(
        "INSERT INTO item (id, roadmap_id, key, kind, position, seq, title, created_at) "
        "VALUES (1, 1, 'math', 'step', 1, 1, 'Mathematical Foundations', 'x')"
    )
    conn.execute(
        "INSERT INTO event (item_id, state, day, recorded_at, auto) VALUES (1, 'in_progress', '2026-01-01', 'x', 0)"
    )
    conn.execute("INSERT INTO event (item_id, state, day, recorded_at, auto) VALUES (1, 'done', '2026-01-05', 'x', 0)")
    conn.commit()
    conn.close()
    data = json.loads(roadmap("--db", str(old), "status", "--json").stdout)
    assert data["steps"][0]["state"] == "done"  # the history of version 1 carried over, its state derived
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)
    assert conn.execute("SELECT state, state_day FROM item WHERE key = 'math'").fetchone() == ("done", "2026-01-05")
    assert (tmp_path / "old.db.schema1.bak").exists()


@pytest.mark.parametrize("version", [0, -5, 2])
def test_migrations_are_checked_by_name_not_by_the_version_number(roadmap, version):
    conn = sqlite3.connect(roadmap.db_path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    before = roadmap.query("SELECT name, applied_at FROM _migrations ORDER BY rowid")
    roadmap("check", "1.r1")  # every migration is recorded by name: none runs again
    assert roadmap.query("SELECT name, applied_at FROM _migrations ORDER BY rowid") == before
    assert roadmap.query("PRAGMA user_version") == [(len(migrations.MIGRATIONS),)]
    assert len(roadmap.query("SELECT * FROM event")) == 1


def test_a_store_with_a_migration_this_tool_does_not_know_is_newer(roadmap):
    conn = sqlite3.connect(roadmap.db_path)
    conn.execute("INSERT INTO _migrations (name, applied_at) VALUES ('m005_from_the_future', 'x')")
    conn.execute("PRAGMA user_version = 3")  # even with a number that looks older, the name says newer
    conn.commit()
    conn.close()
    before = roadmap.dump()
    result = roadmap("status", code=5)
    assert "was written by a newer roadmap-tracker" in result.stderr
    assert roadmap.dump() == before


def test_a_newer_store_is_refused_and_left_alone(roadmap):
    conn = sqlite3.connect(roadmap.db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = roadmap.dump()
    result = roadmap("check", "1.r1", code=5)
    assert result.stderr == (
        f"Error: {roadmap.db_path} was written by a newer roadmap-tracker "
        f"(schema 99, this one knows {len(migrations.MIGRATIONS)}) "
        "(upgrade roadmap-tracker; the store was left as it was)\n"
    )
    assert roadmap.dump() == before


def test_a_file_that_is_not_a_database(roadmap, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = roadmap("--db", str(junk), "status", code=5)
    assert result.stderr == (
        f"Error: {junk} is damaged (file is not a database) (the store is an index of roadmap.yaml, notes/ "
        "and history/: `roadmap sync --rebuild` builds it again from them and keeps this file aside)\n"
    )
    assert junk.read_bytes() == b"this is not sqlite" * 100


def test_another_programs_database_is_refused(roadmap, tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    result = roadmap("--db", str(other), "status", code=5)
    assert (
        result.stderr == f"Error: {other} is an SQLite database but not a roadmap-tracker store (pass another --db)\n"
    )


def test_a_locked_store_is_one_line(roadmap, monkeypatch):
    roadmap("status")
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 100)
    holder = sqlite3.connect(roadmap.db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = roadmap("check", "1.r1", code=5)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (
        result.stderr
        == f"Error: {roadmap.db_path} is locked by another program (wait for it to finish and try again)\n"
    )
    assert roadmap.states() == {}


WRITER = """
import sys
from roadmap_tracker.cli import app
refs = sys.argv[1:]
for ref in refs:
    try:
        app(["check", ref], standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise
"""


def test_two_processes_checking_at_once_lose_nothing(roadmap):
    roadmap("status")
    refs = [
        f"{step}.{kind}{n}"
        for step, kind, n in [
            (1, "r", 1),
            (1, "r", 2),
            (1, "r", 3),
            (1, "r", 4),
            (1, "p", 1),
            (1, "p", 2),
            (1, "p", 3),
            (3, "r", 1),
            (3, "r", 2),
            (3, "p", 1),
            (3, "p", 2),
            (3, "p", 3),
            (4, "r", 1),
            (4, "r", 2),
        ]
    ]
    env = {**os.environ, "ROADMAP_HOME": str(roadmap.root)}
    halves = [refs[0::2], refs[1::2]]
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, *half], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for half in halves
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    states = roadmap.states()
    # Every item, plus steps 1 and 3, which their items completed.
    assert sum(1 for s in states.values() if s == "done") == len(refs) + 2
    assert states["math"] == states["nn-build"] == "done"
    assert roadmap.query("SELECT COUNT(*) FROM event") == [(len(refs) + 2,)]


def test_upgrading_links_old_diary_weeks_to_their_steps_by_row(tmp_path):
    path = tmp_path / "roadmap.db"
    _at_version(path, 7)
    conn = sqlite3.connect(path)
    _old_header(conn)
    conn.execute(
        "INSERT INTO item (id, roadmap_id, key, kind, position, seq, title, created_at) "
        "VALUES (7, 1, 'math', 'step', 1, 1, 'Maths', 'x')"
    )
    conn.execute(
        "INSERT INTO entry (id, week, start_day, end_day, step, concepts, experiments, text, tags, refs, steps, "
        "extra, updated_at) VALUES (1, 3, '2026-11-16', '2026-11-22', 'Maths', '[]', '[]', '', '[]', '[\"#1\"]', "
        "'[\"math\"]', '{}', 'x')"
    )
    conn.commit()
    conn.close()
    upgraded = store.connect(path)
    assert [tuple(r) for r in upgraded.execute("SELECT entry_id, ref, item_id FROM entry_item")] == [(1, "math", 7)]
    assert [tuple(r) for r in upgraded.execute("SELECT step_id FROM entry")] == [(7,)]
