"""Hostile and unlucky input: one clear line and the right exit code, never a crash, nothing lost."""

from __future__ import annotations

import json

import pytest

from conftest import Runner, workspace_from

PLAN = """\
version: 1
title: Signs
started: 2026-11-02
steps:
  - id: basics
    title: Basics
    resources:
      - title: "🚀"
        url: https://example.com/a
      - title: "🔥🔥"
        url: https://example.com/b
      - title: Course
        url: https://example.com/c
"""


@pytest.fixture
def ws(tmp_path) -> Runner:
    return workspace_from(tmp_path, PLAN)


def test_titles_of_signs_alone_get_ids_of_their_own(ws):
    keys = [k for (k,) in ws.query("SELECT key FROM item WHERE kind = 'resource' ORDER BY seq")]
    assert keys[2] == "basics/course"
    assert keys[0].startswith("basics/item-") and keys[1].startswith("basics/item-") and keys[0] != keys[1]
    ws("check", keys[1])  # reachable by its id
    assert ws.states() == {keys[1]: "done"}
    assert [k for (k,) in ws.query("SELECT key FROM item WHERE kind = 'resource' ORDER BY seq")] == keys  # stable


@pytest.mark.parametrize("timeout", ["inf", "1e308", "nan", "0", "-1"])
def test_a_timeout_that_is_no_number_of_seconds_is_refused(ws, timeout):
    ws("link", "1.r3", "notes")
    before = ws.dump()
    result = ws("links", "--check", "--timeout", timeout, code=2)
    assert result.stderr == f"Error: --timeout must be more than 0 and at most 600 seconds, not {float(timeout):g}\n"
    assert len(result.stderr.splitlines()) == 1 and ws.dump() == before


def test_a_password_in_a_link_is_refused_and_never_shown(ws):
    before = ws.dump()
    result = ws("link", "1.r3", "https://ada:hunter2@github.com/ada/fit", code=2)
    assert result.stderr == (
        "Error: 'https://ada:***@github.com/ada/fit' holds a password; a learning log is no place for one\n"
    )
    assert ws.dump() == before
    assert not [p for p in ws.root.rglob("*") if p.is_file() and b"hunter2" in p.read_bytes()]
    ws("link", "1.r3", "https://ada@github.com/ada/fit")  # a user name alone is an address like any other
    assert [x["target"] for x in json.loads(ws("links", "--json").stdout)] == ["https://ada@github.com/ada/fit"]


def test_an_empty_store_is_said_and_kept_aside(ws):
    ws("check", "1.r3")
    for path in ws.db_path.parent.glob("roadmap.db*"):
        path.unlink()
    ws.db_path.write_bytes(b"")
    result = ws("status")
    (kept,) = ws.db_path.parent.glob("roadmap.db.empty-*")
    assert result.stderr.splitlines()[0] == (
        f".roadmap/roadmap.db was empty (0 bytes): kept it as .roadmap/{kept.name}, "
        "and built the store from roadmap.yaml, notes/ and history/."
    )
    assert kept.stat().st_size == 0
    assert ws.states() == {"basics/course": "done"}  # rebuilt from the history


def test_what_in_notes_is_no_file_is_left_out_with_a_warning_and_never_opened(roadmap, tmp_path):
    import os
    import subprocess
    import sys

    roadmap("log", "--week", "1", "-c", "kept")
    notes = roadmap.root / "notes"
    os.mkfifo(notes / "week6.md")  # opened, a pipe would wait for a writer forever
    (notes / "week5.md").mkdir()
    (notes / "week7.md").symlink_to(tmp_path / "nowhere.md")
    run = "import sys; from roadmap_tracker.cli import main; sys.argv[0] = 'roadmap'; main()"
    for command in (["status"], ["sync"], ["logs", "--json"]):
        done = subprocess.run(
            [sys.executable, "-c", run, "--workspace", str(roadmap.root), *command],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert [line for line in done.stderr.splitlines() if line.startswith("Warning")] == [
            "Warning: notes/week5.md is not a regular file (a folder, a pipe or a device); it was left out of the diary.",
            "Warning: notes/week6.md is not a regular file (a folder, a pipe or a device); it was left out of the diary.",
            "Warning: notes/week7.md cannot be read (No such file or directory); it was left out of the diary.",
        ]
    assert [week["concepts"] for week in json.loads(done.stdout)] == [["kept"]]
    before = roadmap.dump()
    refused = roadmap("log", "--week", "6", "-c", "more", code=2)
    assert refused.stderr.splitlines()[-1] == (
        "Error: notes/week6.md is not a regular file (a folder, a pipe, a link to nothing); "
        "move it away to write this week"
    )
    assert roadmap.dump() == before and (notes / "week6.md").is_fifo()
