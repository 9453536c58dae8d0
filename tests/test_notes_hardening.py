"""notes/ as an unlucky or hostile learner leaves it: links that lead out of the workspace, a note
that is not UTF-8, a note read back while another command writes the same week. The tool reads
and writes only inside the workspace, never rewrites what it cannot keep, and never lets a stale
read win over a newer write."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import TODAY

RUN = "import sys; from roadmap_tracker.cli import main; sys.argv[0] = 'roadmap'; main()"


def entry_text(roadmap, week: int) -> str | None:
    rows = roadmap.query("SELECT text FROM entry WHERE week = ?", week)
    return rows[0][0] if rows else None


def files_of(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- links out of the workspace --------------------------------------------------------------


def test_a_note_linked_to_a_file_outside_is_left_alone(roadmap, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# Week 3\n\nprivate words\n", encoding="utf-8")
    link = roadmap.root / "notes" / "week3.md"
    link.symlink_to(outside)

    shown = roadmap("status")
    assert shown.stderr == (
        f"Warning: notes/week3.md is a link to a file outside the workspace ({outside}); "
        "it was left out of the diary.\n"
    )
    assert entry_text(roadmap, 3) is None  # not read into the store

    refused = roadmap("log", "--week", "3", "-m", "more", code=2)
    assert refused.stderr.splitlines()[-1] == (
        f"Error: notes/week3.md leads outside the workspace (to {outside}); the tool writes only inside it: "
        "put the file itself in its place to write this week"
    )
    assert outside.read_text(encoding="utf-8") == "# Week 3\n\nprivate words\n"
    assert link.is_symlink() and entry_text(roadmap, 3) is None


def test_a_link_inside_the_workspace_is_followed_and_stays_a_link(roadmap):
    real = roadmap.root / "journal" / "third-week.md"
    real.parent.mkdir()
    real.write_text("# Week 3\n\nwritten in journal/\n", encoding="utf-8")
    link = roadmap.root / "notes" / "week3.md"
    link.symlink_to(real)

    roadmap("status")
    assert entry_text(roadmap, 3) == "written in journal/"
    roadmap("log", "--week", "3", "-m", "added by log")
    assert link.is_symlink()
    assert "added by log" in real.read_text(encoding="utf-8")
    assert "written in journal/" in real.read_text(encoding="utf-8")


def test_a_notes_folder_linked_outside_is_neither_read_nor_written(roadmap, tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "week2.md").write_text("# Week 2\n\nin the vault\n", encoding="utf-8")
    notes = roadmap.root / "notes"
    notes.rmdir()
    notes.symlink_to(vault)
    before = files_of(vault)

    shown = roadmap("status")
    assert shown.stderr == f"Warning: notes/ leads outside the workspace (to {vault}); it was left out of the diary.\n"
    assert entry_text(roadmap, 2) is None
    refused = roadmap("log", "--week", "2", "-m", "more", code=2)
    assert refused.stderr.splitlines()[-1] == (
        f"Error: notes/week2.md leads outside the workspace (to {vault / 'week2.md'}); the tool writes only "
        "inside it: put the file itself in its place to write this week"
    )
    assert files_of(vault) == before


# --- a note that is not UTF-8 ----------------------------------------------------------------


def test_a_note_that_is_not_utf8_is_kept_byte_for_byte(roadmap):
    note = roadmap.root / "notes" / "week2.md"
    raw = b"# Week 2\n\ncaf\xe9 au lait, \xff\xfe written in Latin-1\n"
    note.write_bytes(raw)

    shown = roadmap("status")
    assert "notes/week2.md:3:4: not UTF-8 text (byte 0xe9); save the file as UTF-8" in shown.stderr
    refused = roadmap("log", "--week", "2", "-m", "more", code=2)
    assert refused.stderr.splitlines()[-1] == (
        "Error: notes/week2.md:3:4: not UTF-8 text (byte 0xe9); save the file as UTF-8, then write this week"
    )
    assert note.read_bytes() == raw
    assert entry_text(roadmap, 2) is None
    assert not (roadmap.root / ".roadmap" / "backups").exists()

    # Once saved as UTF-8, the note is read and can be added to.
    note.write_bytes(raw.decode("latin-1").encode("utf-8"))
    roadmap("log", "--week", "2", "-m", "more")
    text = note.read_text(encoding="utf-8")
    assert "café au lait" in text and "more" in text


def test_a_replaced_note_is_backed_up_byte_for_byte(roadmap):
    """A note the tool did not write is kept before it is rewritten: as the bytes it was, line ends
    and all."""
    note = roadmap.root / "notes" / "week2.md"
    roadmap("log", "--week", "2", "-m", "first")
    raw = b"# Week 2\r\n\r\nfirst\r\n\r\nedited on Windows\r\n"
    note.write_bytes(raw)
    os.utime(note, ns=(1, 1))  # an edit the cheap check does not see: the store still has "first"
    roadmap("log", "--week", "2", "-m", "second")
    [kept] = (roadmap.root / ".roadmap" / "backups").glob("week2-*-file.md")
    assert kept.read_bytes() == raw


# --- a stale read never wins -------------------------------------------------------------------


@pytest.fixture
def delayed_read_back(monkeypatch):
    """Run a command in another process between reading a changed note and saving what was read."""
    from roadmap_tracker.diary import mirror

    original = mirror._read_back
    meanwhile: list[list[str]] = []

    def late(db, ws, *args):
        for command in meanwhile:
            env = {**os.environ, "ROADMAP_TODAY": TODAY.isoformat(), "NO_COLOR": "1"}
            done = subprocess.run(
                [sys.executable, "-c", RUN, "--workspace", str(ws.root), *command],
                env=env,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr
        meanwhile.clear()
        return original(db, ws, *args)

    monkeypatch.setattr(mirror, "_read_back", late)
    return meanwhile


def test_a_log_written_while_a_note_is_read_back_is_kept(roadmap, delayed_read_back):
    note = roadmap.root / "notes" / "week3.md"
    roadmap("log", "--week", "3", "-m", "first")
    note.write_text(note.read_text(encoding="utf-8") + "\nadded by hand\n", encoding="utf-8")
    delayed_read_back.append(["log", "--week", "3", "-m", "written meanwhile"])

    roadmap("status")  # reads the hand edit, then the other `log` commits before it saves it

    for where in (entry_text(roadmap, 3), note.read_text(encoding="utf-8")):
        assert "first" in where and "added by hand" in where and "written meanwhile" in where
    roadmap("status")
    assert "written meanwhile" in entry_text(roadmap, 3)


# --- many notes read back at once ------------------------------------------------------------------


def asked(roadmap) -> list[str]:
    """The questions the history files record as asked, in order."""
    lines = [
        line for path in sorted((roadmap.root / "history").glob("*.jsonl")) for line in path.read_text().split("\n")
    ]
    return [record["text"] for record in map(json.loads, filter(None, lines)) if record["op"] == "ask"]


def test_a_note_that_cannot_be_saved_keeps_the_notes_read_before_it(roadmap, monkeypatch):
    """The notes read back are saved in one transaction, each as if on its own: when one cannot be
    saved, what it changed and the records it made are taken back, the notes before it are kept,
    and the command stops there; the next command takes in the rest."""
    from roadmap_tracker.diary import mirror
    from roadmap_tracker.errors import StoreError

    for week in (1, 2, 3):
        note = roadmap.root / "notes" / f"week{week}.md"
        note.write_text(f"# Week {week}\n\n## Open questions\n\n- what of week {week}?\n", encoding="utf-8")
    save = mirror.store_entry

    def full_at_week_2(db, entry, day):
        stored = save(db, entry, day)  # week 2's question is asked, and its record made
        if entry.week == 2:
            raise StoreError("cannot write the store: the disk is full")
        return stored

    monkeypatch.setattr(mirror, "store_entry", full_at_week_2)
    failed = roadmap("status", code=5)
    assert failed.stderr.splitlines()[-1] == "Error: cannot write the store: the disk is full"
    assert [entry_text(roadmap, week) is not None for week in (1, 2, 3)] == [True, False, False]
    assert asked(roadmap) == ["what of week 1?"]

    monkeypatch.setattr(mirror, "store_entry", save)
    roadmap("status")
    assert [entry_text(roadmap, week) is not None for week in (1, 2, 3)] == [True, True, True]
    assert asked(roadmap) == ["what of week 1?", "what of week 2?", "what of week 3?"]
