"""`roadmap doctor`: one line per finding, exit 1 when any is a problem, and not a byte changed.

Each problem is made for real (a note edited behind the store's back, a linked file deleted, the
store's bytes damaged), and every run checks that the workspace, store included, is as it was.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import platform
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roadmap_tracker import __version__
from roadmap_tracker.cli import app
from roadmap_tracker.store.migrations import MIGRATIONS

TITLE_1P1 = "Fit a linear regression with hand-written gradient descent in NumPy"
REBUILD = (
    "the store is an index of roadmap.yaml, notes/ and history/: `roadmap sync --rebuild` builds it again from "
    "them and keeps this file aside"
)


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``root`` (the store and its folder too), by its bytes and its time."""
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def doctor(runner, *args: str, code: int = 0, reader: bool = False):
    """Run `roadmap doctor` and check it left the workspace as it found it. ``reader``: another
    connection has the store open, and doctor reads it as one more reader, through SQLite's shared
    memory (the -shm file, where readers mark what they read; it holds no data)."""
    gc.collect()  # the stores earlier commands of this process left open: closed, as a process's are
    before = tree(runner.root)
    result = runner("doctor", *args, code=code)
    after = tree(runner.root)
    if reader:
        before.pop(".roadmap/roadmap.db-shm")
        after.pop(".roadmap/roadmap.db-shm")
    assert after == before
    return result


def lines(result) -> list[str]:
    """The findings, but the last: the user's config, which test_the_config_it_uses_is_named checks."""
    found = result.stdout.splitlines()
    assert " config " in found[-1]
    return found[:-1]


def head(root: Path) -> list[str]:
    return [
        f"ok       roadmap-tracker {__version__}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        f"ok       workspace {root} (from --workspace)",
    ]


@pytest.fixture
def learning(roadmap):
    """A workspace with progress, a week of diary, a linked file and a linked address."""
    roadmap("check", "1.r1", "1.r2", "--date", "2026-11-04")
    roadmap("log", "--week", "1", "-c", "chain rule", "-m", "first week")
    (roadmap.root / "projects").mkdir()
    (roadmap.root / "projects" / "linreg.py").write_text("print('fit')\n", encoding="utf-8")
    roadmap("link", "1.p1", str(roadmap.root / "projects" / "linreg.py"))
    roadmap("link", "1.p1", "https://example.com/linreg")
    gc.collect()  # the stores these commands left open: closed, as a process's are when it ends
    return roadmap


def healthy(root: Path) -> list[str]:
    known = len(MIGRATIONS)
    return [
        *head(root),
        "ok       store .roadmap/roadmap.db",
        f"ok       schema up to date: {known} of {known} migrations applied",
        "ok       the store is whole: SQLite's integrity and foreign key checks find nothing wrong",
        "ok       roadmap.yaml is as the store read it",
        "ok       notes/: 1 weekly note, as the store read it",
        "ok       history/: 1 file, all read",
        "ok       links: the linked workspace file is there",
    ]


def test_a_healthy_workspace_is_all_ok_and_exit_0(learning):
    result = doctor(learning)
    assert lines(result) == healthy(learning.root)
    assert result.stderr == "No problems found.\n"


def test_it_says_how_it_found_the_workspace_and_the_store(learning, monkeypatch):
    monkeypatch.chdir(learning.root / "notes")
    cli = CliRunner()
    walked = cli.invoke(app, ["doctor"])
    assert walked.exit_code == 0, walked.stderr
    assert (
        lines(walked)[1] == f"ok       workspace {learning.root} (found by walking up from {learning.root / 'notes'})"
    )
    monkeypatch.chdir(learning.root)
    assert lines(cli.invoke(app, ["doctor"]))[1] == f"ok       workspace {learning.root} (the current directory)"
    monkeypatch.chdir(learning.root.parent)
    monkeypatch.setenv("ROADMAP_HOME", str(learning.root))
    monkeypatch.setenv("ROADMAP_DB", str(learning.db_path))
    found = lines(cli.invoke(app, ["doctor"]))[1:3]
    assert found == [
        f"ok       workspace {learning.root} (from ROADMAP_HOME)",
        "ok       store .roadmap/roadmap.db (from ROADMAP_DB)",
    ]
    elsewhere = learning.root.parent / "other.db"
    given = cli.invoke(app, ["doctor", "--db", str(elsewhere)])
    assert given.exit_code == 0
    assert lines(given)[2:] == [
        f"note     no store yet at {elsewhere} (from --db): the next command builds it from roadmap.yaml, notes/ and "
        "history/",
        "ok       roadmap.yaml can be read",
        "ok       notes/: 1 weekly note, all readable",
    ]
    assert not elsewhere.exists()


def test_no_workspace_is_a_problem(tmp_path):
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert lines(result)[1:] == [
        f"problem  no roadmap.yaml in {tmp_path} or any parent directory (run `roadmap init` to create one, pass "
        "--workspace, or name a default: `roadmap config set workspace DIR`)"
    ]


# --- drift between the store and the files ------------------------------------------------


def test_a_note_edited_behind_the_stores_back_is_a_note_the_next_command_takes_in(learning):
    note = learning.root / "notes" / "week1.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nMore after the fact.\n", encoding="utf-8")
    result = doctor(learning)
    assert "note     notes/week1.md changed since the store read it: the next command reads it again" in lines(result)
    learning("status")  # takes it in
    assert lines(doctor(learning)) == healthy(learning.root)


def test_a_note_changed_without_moving_its_size_or_time_is_a_problem(learning):
    note = learning.root / "notes" / "week1.md"
    st = note.stat()
    data = note.read_bytes()
    note.write_bytes(data.replace(b"first week", b"FIRST WEEK"))
    os.utime(note, ns=(st.st_atime_ns, st.st_mtime_ns))
    result = doctor(learning, code=1)
    assert (
        "problem  notes/week1.md changed but kept its size and time, so commands do not see it: touch it and the next "
        "command reads it"
    ) in lines(result)
    assert result.stderr == "Found 1 problem.\n"


def test_notes_added_removed_and_unreadable(learning):
    notes = learning.root / "notes"
    (notes / "week2.md").write_text("# Week 2\n\n## Notes\nbackprop\n", encoding="utf-8")
    (notes / "week3.md").write_bytes(b"# Week 3\n\n## Notes\ncaf\xe9\n")  # Latin-1, not UTF-8
    (notes / "week4.md").mkdir()
    (notes / "week1.md").unlink()
    result = doctor(learning, code=1)
    assert [line for line in lines(result) if "notes/" in line] == [
        "note     notes/week2.md is new: the next command reads it into the diary",
        "problem  notes/week3.md:4:4: not UTF-8 text (byte 0xe9); save the file as UTF-8; commands leave the file as "
        "it is and do not read it",
        "problem  notes/week4.md is not a regular file (a folder, a pipe or a device); commands leave it out of the "
        "diary",
        "note     notes/week1.md is gone: the store still holds week 1 (`roadmap logs --week 1` shows it)",
    ]
    assert result.stderr == "Found 2 problems.\n"


def test_roadmap_yaml_edited(learning):
    plan = learning.root / "roadmap.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text + "# a comment\n", encoding="utf-8")
    assert "note     roadmap.yaml changed since the store read it: the next command reads it again" in lines(
        doctor(learning)
    )
    plan.write_text(text.replace("version:", "versoin:", 1), encoding="utf-8")
    broken = [line for line in lines(doctor(learning, code=1)) if line.startswith("problem")]
    assert len(broken) == 1 and broken[0].startswith("problem  roadmap.yaml:")
    assert broken[0].endswith("; commands stop at it until it is fixed")


def test_roadmap_yaml_changed_without_moving_its_size_or_time_is_a_problem(learning):
    plan = learning.root / "roadmap.yaml"
    st = plan.stat()
    plan.write_bytes(plan.read_bytes().replace(b"title: ", b"title:\t", 1))
    os.utime(plan, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (
        "problem  roadmap.yaml changed but kept its size and time, so commands do not see it: `roadmap sync` reads it "
        "again"
    ) in lines(doctor(learning, code=1))
    learning("sync")
    assert lines(doctor(learning)) == healthy(learning.root)


def test_history_lines_arrived_and_lines_that_cannot_be_read(learning):
    (history,) = (learning.root / "history").glob("*.jsonl")
    name = f"history/{history.name}"
    with history.open("ab") as handle:
        handle.write(b"a line mangled by a merge\n")
    assert f"note     {name} has records the store has not read: the next command applies them" in lines(
        doctor(learning)
    )
    learning("status")  # reads it, and reports the line once
    result = doctor(learning, code=1)
    assert lines(result)[7] == (
        f"problem  {name}:5: not a history record (cut short, or not JSON); skipped (`roadmap sync --repair` moves it "
        "aside)"
    )
    learning("sync", "--repair")
    assert lines(doctor(learning)) == healthy(learning.root)


# --- links --------------------------------------------------------------------------------


def test_a_linked_file_that_is_gone_is_a_problem(learning):
    (learning.root / "projects" / "linreg.py").unlink()
    result = doctor(learning, code=1)
    assert lines(result)[-1] == (
        f"problem  link 1 on 1.p1 {TITLE_1P1}: projects/linreg.py is gone (`roadmap unlink 1.p1 1` removes the link)"
    )


# --- the store ----------------------------------------------------------------------------


def test_a_store_whose_bytes_are_not_sqlite_is_a_problem(learning):
    data = bytearray(learning.db_path.read_bytes())
    data[:16] = b"not a store, no!"
    learning.db_path.write_bytes(bytes(data))
    result = doctor(learning, code=1)
    assert lines(result) == [
        *head(learning.root),
        f"problem  .roadmap/roadmap.db is damaged (file is not a database) ({REBUILD})",
        "ok       roadmap.yaml can be read",
        "ok       notes/: 1 weekly note, all readable",
    ]


def test_a_store_damaged_inside_is_a_problem(learning):
    data = bytearray(learning.db_path.read_bytes())
    page = 4096
    for at in range(2 * page, 12 * page, 7):  # the pages after the first, where the tables are
        data[at] = 0xAB
    learning.db_path.write_bytes(bytes(data))
    result = doctor(learning, code=1)
    problems = [line for line in lines(result) if line.startswith("problem")]
    assert problems and all(".roadmap/roadmap.db" in line or "store damage: " in line for line in problems)
    assert REBUILD in problems[-1]


def test_an_empty_store_is_a_problem(learning):
    learning.db_path.write_bytes(b"")
    result = doctor(learning, code=1)
    assert lines(result)[2] == (
        "problem  .roadmap/roadmap.db is empty (0 bytes): the next command keeps it aside and builds the store again "
        "from roadmap.yaml, notes/ and history/"
    )


def test_a_store_from_a_newer_version_is_a_problem(learning):
    db = sqlite3.connect(learning.db_path)
    with db:
        db.execute("INSERT INTO _migrations (name, applied_at) VALUES ('m999_from_the_future', '2027-01-01')")
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    result = doctor(learning, code=1)
    assert lines(result)[2:5] == [
        "ok       store .roadmap/roadmap.db",
        "problem  .roadmap/roadmap.db was written by a newer roadmap-tracker (m999_from_the_future unknown here): "
        "upgrade roadmap-tracker; commands leave the store as it is",
        "ok       the store is whole: SQLite's integrity and foreign key checks find nothing wrong",
    ]


def test_a_store_that_needs_a_migration_is_a_note_and_is_not_migrated(learning):
    last = "m012_open_items"  # a store from before it: without its index, or its name
    db = sqlite3.connect(learning.db_path)
    with db:
        db.execute("DROP INDEX ix_item_open")
        db.execute("DELETE FROM _migrations WHERE name = ?", (last,))
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    db.close()
    result = doctor(learning)
    known = len(MIGRATIONS)
    wanted = healthy(learning.root)
    wanted[3] = (
        f"note     schema: {known - 1} of {known} migrations applied; the next command applies {last}, keeping the "
        f"store as it was in .roadmap/roadmap.db.schema{known - 1}.bak"
    )
    assert lines(result) == wanted
    assert learning.query("SELECT count(*) FROM _migrations WHERE name = ?", last) == [(0,)]


def test_a_workspace_without_a_store_yet(learning):
    learning.db_path.unlink()
    result = doctor(learning)
    assert lines(result)[2] == (
        "note     no store yet at .roadmap/roadmap.db: the next command builds it from roadmap.yaml, notes/ and "
        "history/"
    )


# --- as data ------------------------------------------------------------------------------


def test_json_lists_the_findings_and_keeps_the_exit_code(learning):
    assert json.loads(doctor(learning, "--json").stdout)[2] == {
        "check": "store",
        "status": "ok",
        "detail": "store .roadmap/roadmap.db",
        "path": ".roadmap/roadmap.db",
    }
    (learning.root / "projects" / "linreg.py").unlink()
    result = doctor(learning, "--json", code=1)
    found = json.loads(result.stdout)
    assert [f["check"] for f in found] == [
        "version",
        "workspace",
        "store",
        "schema",
        "integrity",
        "plan",
        "notes",
        "history",
        "links",
        "config",
    ]
    assert all(
        set(f) <= {"check", "status", "detail", "path"} and f["status"] in {"ok", "note", "problem"} for f in found
    )
    assert found[-2] == {
        "check": "links",
        "status": "problem",
        "detail": f"link 1 on 1.p1 {TITLE_1P1}: projects/linreg.py is gone (`roadmap unlink 1.p1 1` removes the link)",
        "path": "projects/linreg.py",
    }
    assert result.stderr == ""


def test_a_store_another_command_is_writing_is_read_with_its_journal_and_left_alone(learning):
    # A command in another terminal has committed a change its journal (the WAL) still holds.
    held = sqlite3.connect(learning.db_path)
    held.execute("PRAGMA wal_autocheckpoint = 0")
    with held:
        held.execute("UPDATE link SET target = 'projects/moved.py' WHERE id = 1")
    try:
        assert learning.db_path.with_name("roadmap.db-wal").stat().st_size
        result = doctor(learning, code=1, reader=True)
    finally:
        held.close()
    assert lines(result)[-1] == (
        f"problem  link 1 on 1.p1 {TITLE_1P1}: projects/moved.py is gone (`roadmap unlink 1.p1 1` removes the link)"
    )


def test_the_config_it_uses_is_named(learning, tmp_path, monkeypatch):
    config = tmp_path / "home" / ".config" / "roadmap-tracker" / "config.yaml"
    assert doctor(learning).stdout.splitlines()[-1] == f"ok       config {config} (none)"
    learning("config", "set", "workspace", str(learning.root))
    assert doctor(learning).stdout.splitlines()[-1] == f"ok       config {config}: default workspace {learning.root}"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    shown = learning.cli.invoke(app, ["doctor"])
    assert f"ok       workspace {learning.root} (the default of your config: none here or above)" in shown.stdout
    config.write_text("workspace: [\n")
    refused = learning.cli.invoke(app, ["doctor"])
    assert refused.exit_code == 1
    assert refused.stdout.splitlines()[-1].startswith(f"problem  {config}:2:1: not YAML")
