"""Editing roadmap.yaml never loses a checkbox: rename, reorder, remove, re-add."""

from __future__ import annotations

import json

PLAN = """\
version: 1
title: Sync test
steps:
  - id: one
    title: Step one
    resources:
      - title: Book A
        url: https://example.com/a
      - title: Book B
        url: https://example.com/b
    projects:
      - Project alpha
      - Project beta
      - Project gamma
  - title: Step two
    projects:
      - Project delta
"""


def write(ws, text):
    (ws.root / "roadmap.yaml").write_text(text, encoding="utf-8")


def setup(ws):
    write(ws, PLAN)
    ws("check", "1.p1", "1.r2", "2.p1")
    ws("start", "1.p2")
    return ws.states(), ws.query("SELECT COUNT(*) FROM event")[0][0]


def events_of(ws, key):
    return ws.query("SELECT e.state FROM event e JOIN item i ON i.id = e.item_id WHERE i.key = ? ORDER BY e.id", key)


def test_renaming_a_title_keeps_progress(roadmap):
    states, _ = setup(roadmap)
    write(roadmap, PLAN.replace("Project alpha", "Project alpha, reworded"))
    out = roadmap("sync").stdout
    assert out == "renamed  Project alpha → Project alpha, reworded\n"
    assert roadmap.states()["one/project-alpha-reworded"] == "done"
    assert "one/project-alpha" not in roadmap.states()
    assert len(roadmap.states()) == len(states)


def test_renaming_a_step_without_id_keeps_its_items(roadmap):
    setup(roadmap)
    write(roadmap, PLAN.replace("title: Step two", "title: Step two, renamed"))
    out = roadmap("sync").stdout
    assert out == "renamed  Step two → Step two, renamed\n"
    assert roadmap.states()["step-two-renamed/project-delta"] == "done"
    assert roadmap.states()["step-two-renamed"] == "done"  # settled by its only item


def test_changing_a_url_keeps_progress(roadmap):
    setup(roadmap)
    write(roadmap, PLAN.replace("https://example.com/b", "https://example.org/b2"))
    assert roadmap("sync").stdout == "edited   1 objective(s), URL(s) or setting(s)\n"
    assert roadmap.states()["one/book-b"] == "done"


def test_renaming_with_the_same_url_keeps_progress(roadmap):
    setup(roadmap)
    write(roadmap, PLAN.replace("Book B", "The B book").replace("Book A", "Book A (2nd ed.)"))
    out = roadmap("sync").stdout.splitlines()
    assert sorted(out) == ["renamed  Book A → Book A (2nd ed.)", "renamed  Book B → The B book"]
    assert roadmap.states()["one/the-b-book"] == "done"


def test_reordering_keeps_progress_and_reports_moves(roadmap):
    states, events = setup(roadmap)
    reordered = PLAN.replace(
        "      - Project alpha\n      - Project beta\n      - Project gamma\n",
        "      - Project gamma\n      - Project alpha\n      - Project beta\n",
    )
    write(roadmap, reordered)
    assert roadmap("sync").stdout == "moved    Project gamma\n"
    assert roadmap.states() == states
    assert roadmap.query("SELECT COUNT(*) FROM event")[0][0] == events
    # References follow the new order.
    assert "1.p2 Project alpha" in roadmap("show", "1").stdout


def test_moving_an_item_to_another_step(roadmap):
    setup(roadmap)
    text = PLAN.replace("      - Project beta\n", "").replace(
        "      - Project delta\n", "      - Project delta\n      - id: one/project-beta\n        title: Project beta\n"
    )
    write(roadmap, text)
    assert roadmap("sync").stdout == "moved    Project beta\n"
    assert roadmap.states()["one/project-beta"] == "in_progress"
    assert "2.p2 Project beta" in roadmap("show", "2").stdout


def test_removing_archives_and_readding_restores_history(roadmap):
    states, _ = setup(roadmap)
    write(roadmap, PLAN.replace("      - Project alpha\n", ""))
    assert roadmap("sync").stdout == "removed  Project alpha (archived with its history)\n"
    status = json.loads(roadmap("status", "--json", "--archived").stdout)
    assert [(a["key"], a["state"], a["events"]) for a in status["archived"]] == [("one/project-alpha", "done", 1)]
    assert "one/project-alpha  Project alpha  done" in roadmap("status", "--archived").stdout
    # The archived item no longer counts.
    assert status["steps"][0]["total"] == 4
    write(roadmap, PLAN)
    assert roadmap("sync").stdout == "restored Project alpha\n"
    assert roadmap.states() == states
    assert events_of(roadmap, "one/project-alpha") == [("done",)]


def test_removing_a_whole_step_and_bringing_it_back(roadmap):
    states, _ = setup(roadmap)
    write(roadmap, PLAN[: PLAN.index("  - title: Step two")])
    out = roadmap("sync").stdout
    assert out == "removed  Step two (archived with its history)\nremoved  Project delta (archived with its history)\n"
    write(roadmap, PLAN)
    roadmap("sync")
    assert roadmap.states() == states


def test_every_command_picks_up_edits_without_sync(roadmap):
    setup(roadmap)
    write(roadmap, PLAN.replace("Project gamma", "Project gamma 2"))
    result = roadmap("status")
    assert result.stderr == "roadmap.yaml changed: 1 renamed.\n"
    assert roadmap("status").stderr == ""  # and only once


def test_touching_the_file_without_changing_it_is_not_a_change(roadmap):
    setup(roadmap)
    before = roadmap.dump()
    import os
    import time

    path = roadmap.root / "roadmap.yaml"
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert roadmap("status").stderr == ""
    after = roadmap.dump()
    assert [line for line in after if 'INSERT INTO "event"' in line] == [
        line for line in before if 'INSERT INTO "event"' in line
    ]


def test_sync_with_nothing_changed(roadmap):
    assert roadmap("sync").stderr == "roadmap.yaml and the store agree; nothing changed.\n"


def test_sync_reads_the_plan_again_only_when_its_bytes_changed(roadmap, monkeypatch):
    """`roadmap sync` hashes roadmap.yaml whatever its size and time say, and parses it only when
    the bytes differ from the last sync: at 100,000 items parsing is most of a second."""
    import os

    from roadmap_tracker.plan import roadmap_file

    path = roadmap.root / "roadmap.yaml"
    parsed = []
    load = roadmap_file.load_roadmap
    monkeypatch.setattr(roadmap_file, "load_roadmap", lambda *a: parsed.append(1) or load(*a))
    assert roadmap("sync").stderr == "roadmap.yaml and the store agree; nothing changed.\n"
    os.utime(path, ns=(1, 1))  # touched, not changed
    assert roadmap("sync").stderr == "roadmap.yaml and the store agree; nothing changed.\n"
    assert parsed == []
    path.write_text(path.read_text(encoding="utf-8").replace("Mathematical Foundations", "Maths"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # changed, with the same time as the last look: the hash still tells
    changed = roadmap("sync")
    assert "Maths" in changed.stdout and parsed == [1]


def test_sync_json(roadmap):
    setup(roadmap)
    write(roadmap, PLAN.replace("      - Project gamma\n", "      - Project gamma\n      - Project epsilon\n"))
    data = json.loads(roadmap("sync", "--json").stdout)
    assert data == {
        "added": ["Project epsilon"],
        "renamed": [],
        "moved": [],
        "removed": [],
        "restored": [],
        "changed": 0,
        "conflicts": [],
    }
