"""Nothing a learner gives is ever lost, or changed without a word: the diary under concurrent
commands and editors, notes read back wherever their headings stand, and files git left in conflict."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

from roadmap_tracker.cli import app

from conftest import Runner

RUN = "import sys; from roadmap_tracker.cli import main; sys.argv[0] = 'roadmap'; main()"


def _spawn(ws, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", RUN, *args],
        cwd=ws.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1", **env},
    )


def _week(ws, week: int) -> dict:
    [entry] = json.loads(ws("logs", "--json", "--week", str(week)).stdout)
    return entry


def test_logs_at_the_same_time_keep_every_entry(roadmap, monkeypatch):
    monkeypatch.setenv("ROADMAP_TODAY", "2026-11-10")  # week 2, which has no entry yet
    roadmap("status")
    procs = [
        _spawn(roadmap, "log", "-c", f"concept {i}", "-q", f"question {i}?", ROADMAP_TODAY="2026-11-10")
        for i in range(6)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    week = _week(roadmap, 2)
    assert sorted(week["concepts"]) == [f"concept {i}" for i in range(6)]
    assert sorted(q["text"] for q in week["questions"]) == [f"question {i}?" for i in range(6)]
    note = (roadmap.root / "notes" / "week2.md").read_text()
    assert all(f"- concept {i}\n" in note for i in range(6))


def test_an_editor_left_open_keeps_what_another_terminal_added(roadmap, tmp_path, monkeypatch):
    monkeypatch.setenv("ROADMAP_TODAY", "2026-11-10")
    roadmap("log", "-c", "before the editor opened")
    edited = tmp_path / "edited.md"
    edited.write_text("## Key concepts\n\n- before the editor opened\n- written in the editor\n")
    editor = tmp_path / "slow-editor"
    # While it is open, another terminal adds to the same week; then the learner saves.
    editor.write_text(
        f"#!{sys.executable}\n"
        "import os, shutil, subprocess, sys\n"
        f"subprocess.run([sys.executable, '-c', {RUN!r}, 'log', '-c', 'from the other terminal'], check=True)\n"
        f"shutil.copy({str(edited)!r}, sys.argv[-1])\n"
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.chdir(roadmap.root)
    result = roadmap("log")
    assert _week(roadmap, 2)["concepts"] == [
        "before the editor opened",
        "written in the editor",
        "from the other terminal",
    ]
    [kept] = (roadmap.root / ".roadmap" / "backups").glob("week2-*-meanwhile.md")
    assert "- from the other terminal\n" in kept.read_text()
    assert result.stderr.startswith(
        "The week changed while the editor was open: its additions were kept beside yours, and that version was "
        f"saved as .roadmap/backups/{kept.name}.\n"
    )


CONFLICTED = """\
---
week: 2
---
# Week 2

## Key concepts

<<<<<<< HEAD
- attention
=======
- positional encodings
>>>>>>> origin/main
"""


def test_a_note_in_git_conflict_is_left_alone_until_it_is_resolved(roadmap, monkeypatch):
    monkeypatch.setenv("ROADMAP_TODAY", "2026-11-10")
    roadmap("log", "-c", "tokenizers")
    note = roadmap.root / "notes" / "week2.md"
    note.write_text(CONFLICTED)
    warned = roadmap("status").stderr
    assert warned == (
        "Warning: notes/week2.md:8: holds git conflict markers (<<<<<<<); resolve the conflict in the file, then run "
        "`roadmap sync`; the file was left as it is and not read.\n"
    )
    refused = roadmap("log", "-c", "more", code=2)
    assert refused.stderr.splitlines()[-1].startswith("Error: notes/week2.md:8: holds git conflict markers")
    assert note.read_text() == CONFLICTED
    assert _week(roadmap, 2)["concepts"] == ["tokenizers"]
    assert roadmap("sync", code=2).stderr.startswith("Error: notes/week2.md:8: holds git conflict markers")
    note.write_text(
        CONFLICTED.replace("<<<<<<< HEAD\n", "").replace("=======\n", "").replace(">>>>>>> origin/main\n", "")
    )
    read = roadmap("status").stderr.splitlines()
    assert read[0] == "Read week2.md into the diary."
    assert read[1].startswith("Kept the earlier version in .roadmap/backups/week2-")  # the store's, before the merge
    assert _week(roadmap, 2)["concepts"] == ["attention", "positional encodings"]


# --- dates mean what the learner meant ---------------------------------------------------


def test_a_day_after_today_is_refused_unless_it_is_a_plan(roadmap):
    # conftest pins today to Thursday 2026-12-31.
    refused = roadmap("check", "1.r1", "--date", "tomorrow", code=2)
    assert refused.stderr == (
        "Error: --date: 'tomorrow' is 2027-01-01, after today (2026-12-31); record what happened "
        "(--future records a plan)\n"
    )
    assert roadmap.query("SELECT COUNT(*) FROM event") == [(0,)]
    roadmap("start", "1.r1", "--date", "2027-01-04", "--future")
    assert json.loads(roadmap("history", "--json").stdout)[0]["day"] == "2027-01-04"
    assert roadmap("log", "--week", "99", "-c", "x", code=2).stderr == (
        "Error: --week 99 begins on 2028-09-18, after today (2026-12-31); the diary records what happened\n"
    )
    assert roadmap("log", "-c", "x", "--date", "2027-01-01", code=2).stderr == (
        "Error: --date: '2027-01-01' is 2027-01-01, after today (2026-12-31); record what happened\n"
    )  # log has no --future to offer
    assert roadmap("reflect", "--answer", "1.q1", "x", "--date", "next week", code=2).stderr.startswith(
        "Error: --date: 'next week' is 2027-01-07, after today"
    )
    assert not (roadmap.root / "notes" / "week9.md").exists()


def test_an_ambiguous_date_is_refused_with_both_readings_until_the_order_is_set(roadmap):
    assert roadmap("check", "1.r1", "--date", "12/11/2026", code=2).stderr == (
        "Error: --date: '12/11/2026' could be 12 November 2026 or 11 December 2026: write 2026-11-12 or "
        "2026-12-11, or set date_order: dmy or mdy in roadmap.yaml\n"
    )
    roadmap("check", "1.r1", "--date", "13/11/2026")  # only one reading is a date
    plan = roadmap.root / "roadmap.yaml"
    plan.write_text(plan.read_text().replace("week_starts:", "date_order: dmy\nweek_starts:", 1))
    roadmap("check", "1.r2", "--date", "12/11/2026")
    assert [(e["ref"], e["day"]) for e in json.loads(roadmap("history", "--json").stdout)] == [
        ("1.r1", "2026-11-13"),
        ("1.r2", "2026-11-12"),
    ]


def test_a_start_given_in_weeks_begins_week_one_on_its_first_day(tmp_path):
    ws = tmp_path / "ws"
    result = Runner(ws).cli.invoke(app, ["init", str(ws), "--start", "6 weeks ago"])
    # Six weeks before Thursday 2026-12-31 is Thursday 2026-11-19; its week begins on Monday 16 November.
    assert "started: 2026-11-16\n" in (ws / "roadmap.yaml").read_text()
    assert result.stderr.splitlines()[1] == "Week 1 begins on Monday 2026-11-16."
    exact = tmp_path / "exact"
    Runner(exact).cli.invoke(app, ["init", str(exact), "--start", "2026-11-19"])
    assert "started: 2026-11-19\n" in (exact / "roadmap.yaml").read_text()  # a day given exactly stays as typed


# --- plan edits keep every link between records ---------------------------------------------


def test_an_item_moved_to_another_step_keeps_its_state_and_history(roadmap):
    roadmap("start", "2x2 matrix", "--date", "2026-11-03")
    roadmap("check", "2x2 matrix", "--date", "2026-11-05", "--note", "finished early")
    plan = roadmap.root / "roadmap.yaml"
    text = plan.read_text()
    line = "      - Plot how a 2x2 matrix transforms the plane\n"
    assert line in text
    text = text.replace(line, "")
    text = text.replace("      - Train that network", line + "      - Train that network", 1)
    plan.write_text(text)
    assert roadmap("sync").stdout == "moved    Plot how a 2x2 matrix transforms the plane\n"
    moved = json.loads(roadmap("show", "2", "--json").stdout)["items"]
    [item] = [i for i in moved if i["title"] == "Plot how a 2x2 matrix transforms the plane"]
    assert (item["state"], item["day"]) == ("done", "2026-11-05")
    history = json.loads(roadmap("history", item["ref"], "--json").stdout)
    assert [(e["state"], e["day"], e["note"]) for e in history] == [
        ("done", "2026-11-05", "finished early"),
        ("in_progress", "2026-11-03", None),
    ]


def test_a_week_stays_about_the_item_it_named_when_the_plan_changes(roadmap):
    roadmap("log", "--week", "2", "--about", "2.r1", "-c", "what a neuron computes")
    plan = roadmap.root / "roadmap.yaml"
    text = plan.read_text()
    # A resource inserted above it: "2.r1" now names another item; the week does not follow it.
    plan.write_text(
        text.replace(
            "      - title: What is a Neural Network?",
            "      - title: A new first video\n"
            "        url: https://example.com/first\n      - title: What is a Neural Network?",
            1,
        )
    )
    [week] = json.loads(roadmap("logs", "--json", "--week", "2").stdout)
    assert week["about"] == ["2.r2 What is a Neural Network? (3Blue1Brown)"]
    assert [w["week"] for w in json.loads(roadmap("logs", "--json", "--step", "2").stdout)] == [2]


def test_logs_by_step_survive_a_renamed_step(roadmap):
    roadmap("log", "--week", "3", "-c", "eigenvectors")  # written while step 1 is the current one
    plan = roadmap.root / "roadmap.yaml"
    plan.write_text(plan.read_text().replace("title: Mathematical Foundations", "title: Maths for ML", 1))
    assert [w["week"] for w in json.loads(roadmap("logs", "--json", "--step", "1").stdout)] == [3]
