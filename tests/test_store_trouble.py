"""The store in trouble: a workspace this user cannot write, a damaged store, a full disk. Reading
always works; a change that cannot be saved is refused in one line; the store, an index of the
workspace's text, can always be built again."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TODAY

RUN = "import sys; from roadmap_tracker.cli import main; sys.argv[0] = 'roadmap'; main()"


def as_learner(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `roadmap` as a user the file permissions apply to. Root ignores them, so as root the
    command runs without the capability that lets it (util-linux's setpriv, in every Debian)."""
    command = [sys.executable, "-c", RUN, "--workspace", str(root), *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "running as root, these tests need setpriv (util-linux) to drop root's file access"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    env = {**os.environ, "ROADMAP_TODAY": TODAY.isoformat(), "NO_COLOR": "1", "COLUMNS": "80"}
    return subprocess.run(command, env=env, capture_output=True, text=True)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def freeze(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)


@pytest.fixture
def learning(roadmap):
    roadmap("check", "1.r1", "1.r2", "--date", "2026-11-04")
    roadmap("log", "--week", "1", "-c", "chain rule", "-m", "first week")
    roadmap("link", "1.p1", "https://example.com/linreg", "--title", "Linear regression")
    yield roadmap
    for path in [roadmap.root, *roadmap.root.rglob("*")]:  # let pytest clean up
        path.chmod(path.stat().st_mode | 0o200)


READ_ONLY = (
    "Warning: you cannot write .roadmap/roadmap.db: showing this workspace as its files say; nothing can be saved here."
)


def test_a_read_only_workspace_can_be_read(learning):
    wanted = {cmd: learning(*cmd.split()).stdout for cmd in ("status", "show 1", "logs", "links", "history")}
    freeze(learning.root)
    before = snapshot(learning.root)
    for cmd, stdout in wanted.items():
        done = as_learner(learning.root, *cmd.split())
        assert (done.returncode, done.stderr, done.stdout) == (0, READ_ONLY + "\n", stdout), cmd
    assert snapshot(learning.root) == before


def test_a_change_in_a_read_only_workspace_is_refused_in_one_line(learning):
    freeze(learning.root)
    before = snapshot(learning.root)
    db = learning.db_path
    for cmd in (["check", "1.r3"], ["log", "-m", "more"], ["link", "1.p2", "https://example.com/x"], ["sync"]):
        done = as_learner(learning.root, *cmd)
        if cmd == ["sync"]:  # brings the copy in memory up to date, and says so: nothing to save
            assert done.returncode == 0, done.stderr
            continue
        assert done.returncode == 5, (cmd, done.stderr)
        assert done.stderr == READ_ONLY + (
            f"\nError: cannot save changes: {db} is read-only for you (check the permissions; nothing was changed)\n"
        )
    assert snapshot(learning.root) == before


def test_edits_to_a_read_only_workspace_show_without_being_saved(learning):
    notes = learning.root / "notes" / "week1.md"
    notes.write_text(notes.read_text(encoding="utf-8") + "\nread from the file\n", encoding="utf-8")
    plan = learning.root / "roadmap.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Mathematical Foundations", "Maths First"))
    freeze(learning.root)
    before = snapshot(learning.root)
    assert "read from the file" in as_learner(learning.root, "logs", "--json").stdout
    assert "Maths First" in as_learner(learning.root, "status").stdout
    assert snapshot(learning.root) == before


def test_a_read_only_clone_without_a_store_is_built_in_memory(learning):
    for path in learning.root.joinpath(".roadmap").iterdir():
        path.unlink()
    freeze(learning.root)
    done = as_learner(learning.root, "status", "--json")
    assert done.returncode == 0, done.stderr
    assert '"done": 2' in done.stdout.replace(" ", "").replace('"done":2', '"done": 2')
    assert not learning.db_path.exists()


def test_a_read_only_store_file_in_a_writable_folder(learning):
    wanted = learning("status").stdout
    learning.db_path.chmod(0o444)
    done = as_learner(learning.root, "status")
    assert (done.returncode, done.stdout) == (0, wanted)
    assert done.stderr == READ_ONLY + "\n"
    assert as_learner(learning.root, "check", "1.r3").returncode == 5


# --- a damaged store ---------------------------------------------------------------------------


def damage(db: Path) -> None:
    """Scribble over the head of every page but the first: SQLite finds its b-trees malformed."""
    size = db.stat().st_size
    with db.open("r+b") as handle:
        for offset in range(4096, size, 4096):
            handle.seek(offset)
            handle.write(b"\xde\xad\xbe\xef" * 4)


def test_a_damaged_store_is_named_and_rebuilt_from_the_text(learning):
    wanted = learning("status", "--json").stdout
    for end in ("-wal", "-shm"):  # every command checkpoints as it closes: the WAL holds nothing
        learning.db_path.with_name("roadmap.db" + end).unlink(missing_ok=True)
    damage(learning.db_path)
    broken = learning.db_path.read_bytes()

    refused = learning("status", code=5)
    # SQLite's words for the damage vary with where it finds it ("malformed", "disk I/O error").
    assert refused.stderr.startswith(f"Error: {learning.db_path} is damaged (")
    assert refused.stderr.endswith(
        ") (the store is an index of roadmap.yaml, notes/ and history/: `roadmap sync --rebuild` builds it "
        "again from them and keeps this file aside)\n"
    )
    assert refused.stderr.count("\n") == 1
    rebuilt = learning("sync", "--rebuild")
    [kept] = [p for p in learning.db_path.parent.glob("roadmap.db.rebuilt-*") if not p.name.endswith(("-shm", "-wal"))]
    assert kept.read_bytes() == broken
    assert f"Kept the store as .roadmap/{kept.name}; building it again" in rebuilt.stderr
    assert learning("status", "--json").stdout == wanted
    assert "first week" in learning("logs", "--json").stdout


# --- a full disk ------------------------------------------------------------------------------------


def test_a_full_disk_is_said_and_nothing_is_saved(learning, monkeypatch):
    from roadmap_tracker.store import connection

    prepare = connection._prepare

    def no_room(db, path):
        db = prepare(db, path)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
        return db

    monkeypatch.setattr(connection, "_prepare", no_room)
    history = sorted((learning.root / "history").glob("*.jsonl"))
    before = learning.dump(), [h.read_bytes() for h in history]
    big = "x" * 200_000
    refused = learning("log", "--week", "2", "-m", big, code=5)
    assert refused.stderr == (
        f"Error: cannot write {learning.db_path}: the disk is full (database or disk is full) "
        "(free some space; nothing was changed)\n"
    )
    assert (learning.dump(), [h.read_bytes() for h in history]) == before
    monkeypatch.setattr(connection, "_prepare", prepare)
    learning("status")  # the next command works, and finds nothing half-saved
    assert learning.query("SELECT count(*) FROM entry WHERE week = 2") == [(0,)]


def test_a_store_that_is_not_sqlite_says_so(learning):
    learning.db_path.with_name("roadmap.db-wal").unlink(missing_ok=True)
    learning.db_path.write_bytes(b"this is not a database" * 200)
    refused = learning("status", code=5)
    assert refused.stderr.startswith(f"Error: {learning.db_path} is damaged (file is not a database)")
    assert sqlite3.sqlite_version  # the standard library's SQLite said it, in its own words


def test_a_note_nobody_may_read_is_skipped_and_never_replaced(learning):
    note = learning.root / "notes" / "week1.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nprivate\n", encoding="utf-8")
    note.chmod(0o000)
    shown = as_learner(learning.root, "status")
    assert shown.returncode == 0
    assert shown.stderr == "Warning: notes/week1.md cannot be read (Permission denied); it was left out of the diary.\n"
    refused = as_learner(learning.root, "log", "--week", "1", "-m", "more")
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1] == (
        "Error: notes/week1.md: cannot read it (Permission denied), so it is not rewritten"
    )
    note.chmod(0o644)
    assert note.read_text(encoding="utf-8").endswith("\nprivate\n")
