"""What every command shares: global options anywhere, exit codes, the clock, closed pipes,
store errors, and a start-up that loads nothing it does not need."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from roadmap_tracker.errors import EXIT_CODE_HELP, ExitCode


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    code = "import sys; from roadmap_tracker.cli import main; sys.argv[0] = 'roadmap'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "80", **env},
    )


# --- global options ---------------------------------------------------------------


def test_global_options_work_after_the_command(roadmap, tmp_path):
    assert _run(["status"], tmp_path).returncode == ExitCode.NOT_FOUND  # outside the workspace: none found
    after = _run(["status", "--workspace", str(roadmap.root)], tmp_path)
    first = _run(["--workspace", str(roadmap.root), "status"], tmp_path)
    assert after.returncode == 0, after.stderr
    assert after.stdout == first.stdout
    assert after.stdout.startswith("Neural Networks and Large Language Models  0% done (0/40)\n")


def test_debug_after_the_command_shows_the_traceback(roadmap, tmp_path):
    plain = _run(["check", "no-such-thing", "--workspace", str(roadmap.root)], tmp_path)
    assert plain.returncode == ExitCode.NOT_FOUND
    assert plain.stderr.startswith("Error: no item matches 'no-such-thing'") and "Traceback" not in plain.stderr
    debug = _run(["check", "no-such-thing", "--debug", "--workspace", str(roadmap.root)], tmp_path)
    assert "Traceback (most recent call last)" in debug.stderr
    assert "roadmap_tracker.errors.UnknownItem: no item matches 'no-such-thing'" in debug.stderr


def test_db_after_the_command_points_at_another_store(roadmap, tmp_path):
    other = tmp_path / "other.db"
    result = _run(["check", "1.r1", "--db", str(other)], roadmap.root)
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(other).execute("SELECT COUNT(*) FROM event").fetchone()[0] == 1
    assert roadmap.query("SELECT COUNT(*) FROM event") == [(0,)]


# --- exit codes, the clock, errors ---------------------------------------------------


def test_help_lists_every_exit_code_and_the_environment(roadmap):
    out = roadmap("--help").stdout
    for code, meaning in EXIT_CODE_HELP.items():
        assert f"{int(code):>3}  {meaning}" in out
    for name in ("ROADMAP_HOME", "ROADMAP_DB", "ROADMAP_TODAY", "NO_COLOR"):
        assert name in out
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 5, 70, 130]


def test_roadmap_today_dates_what_is_recorded(roadmap, monkeypatch):
    monkeypatch.setenv("ROADMAP_TODAY", "2026-11-10")
    roadmap("check", "1.r1")
    roadmap("log", "-c", "chain rule")
    assert json.loads(roadmap("history", "--json").stdout)[0]["day"] == "2026-11-10"
    assert (roadmap.root / "notes" / "week2.md").exists()  # 10 November is in week 2 of a 2 November start
    assert json.loads(roadmap("status", "--json").stdout)["momentum"]["as_of"] == "2026-11-10"


def test_a_bad_roadmap_today_is_one_line(roadmap, monkeypatch):
    monkeypatch.setenv("ROADMAP_TODAY", "next tuesday")
    result = roadmap("check", "1.r1", code=2)
    assert result.stderr == "Error: ROADMAP_TODAY='next tuesday': write the day as YYYY-MM-DD\n"


def test_any_database_error_is_a_store_error(roadmap):
    db = sqlite3.connect(roadmap.db_path)
    db.execute("DROP TABLE answer")
    db.commit()
    db.close()
    result = roadmap("status", code=ExitCode.STORE)
    assert result.stderr == (
        f"Error: {roadmap.db_path} is damaged (no such table: answer) (the store is an index of roadmap.yaml, "
        "notes/ and history/: `roadmap sync --rebuild` builds it again from them and keeps this file aside)\n"
    )
    roadmap("sync", "--rebuild")
    roadmap("status")


# --- pipes ---------------------------------------------------------------------------


def test_a_closed_pipe_ends_quietly(tmp_path):
    steps = "\n".join(
        f"  - title: Step {s}\n    resources:\n" + "".join(f"      - Resource {s}.{i} {'x' * 80}\n" for i in range(300))
        for s in range(1, 11)
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"version: 1\ntitle: Long\nsteps:\n{steps}")
    assert _run(["init", str(tmp_path / "w"), "--from", str(plan)], tmp_path).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-c", "from roadmap_tracker.cli import main; main()", "export"],
        cwd=tmp_path / "w",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.stdout.readline() == b"# Long\n"
    proc.stdout.close()  # like `roadmap export | head -1`: the output is far larger than a pipe holds
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


# --- start-up -----------------------------------------------------------------------

HEAVY = ("pydantic", "sqlmodel", "sqlalchemy", "yaml", "markdown_it")


@pytest.mark.parametrize("args", [["status"], ["show", "1"], ["check", "1.r1"], ["logs", "-n", "5"]])
def test_everyday_commands_load_no_heavy_library(roadmap, args):
    roadmap("log", "-c", "a concept")  # the diary has a week, so `logs` has something to show
    code = (
        "import sys\n"
        "from roadmap_tracker.cli import main\n"
        f"sys.argv = ['roadmap', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        f"sys.stderr.write('loaded: ' + ' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=roadmap.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "loaded: "
