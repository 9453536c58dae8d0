"""One roadmap repository, two machines: real git, in temporary directories."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from test_history import PLAN, views

from conftest import Runner, workspace_from

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None and not os.environ.get("CI"), reason="needs git (CI always has it)"
)


def git(cwd: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",  # the global configuration is the test's own home's (conftest)
    }
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == code, f"git {' '.join(args)}: {result.returncode}\n{result.stdout}{result.stderr}"
    return result


def commit(ws: Runner, message: str) -> None:
    git(ws.root, "add", "-A")
    git(ws.root, "commit", "-q", "-m", message)


@pytest.fixture
def machines(tmp_path) -> tuple[Runner, Runner]:
    """The laptop where the roadmap began, pushed to a shared repository, and a desktop that cloned it."""
    laptop = workspace_from(tmp_path, PLAN, name="laptop")
    laptop("check", "1.r1", "--date", "2026-11-03")
    git(laptop.root, "init", "-q", "-b", "main")
    commit(laptop, "start the roadmap")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", "origin.git")
    git(laptop.root, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(laptop.root, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), "desktop")
    return laptop, Runner(tmp_path / "desktop")


def test_the_store_is_not_committed_and_a_clone_sees_what_the_first_machine_saw(machines):
    laptop, desktop = machines
    tracked = git(laptop.root, "ls-files").stdout.split()
    assert not [name for name in tracked if name.startswith(".roadmap")]
    assert [name for name in tracked if name.startswith("history/")] == [f"history/{device(laptop)}.jsonl"]
    assert not (desktop.root / ".roadmap").exists()
    shown = desktop("status")
    assert "Rebuilt the progress from history/" in shown.stderr
    assert desktop("status", "--json").stdout == laptop("status", "--json").stdout


def device(ws: Runner) -> str:
    return (ws.root / ".roadmap" / "device").read_text().strip()


def test_both_machines_record_and_merge_without_a_conflict(machines):
    laptop, desktop = machines
    desktop("status")
    # Both record while apart: progress, diary weeks, links, answers.
    laptop("check", "fit", "--date", "2026-11-04")
    laptop("log", "--week", "1", "-c", "least squares", "-q", "Why square it?")
    laptop("link", "fit", "https://github.com/ada/fit")
    laptop("reflect", "--answer", "why", "Gradients.", "--date", "2026-11-05")
    desktop("start", "2.r1", "--date", "2026-11-10")
    desktop("log", "--week", "2", "-c", "backprop")
    desktop("link", "-", "https://ada.example.com/blog/one", "--kind", "blog")
    commit(laptop, "laptop")
    commit(desktop, "desktop")
    git(laptop.root, "push", "-q", "origin", "main")
    merged = git(desktop.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert "CONFLICT" not in merged.stdout + merged.stderr
    git(desktop.root, "push", "-q", "origin", "main")
    git(laptop.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    on_desktop, on_laptop = views(desktop), views(laptop)
    expected = {"basics/course": "done", "fit": "done", "nets/paper": "in_progress"}
    assert desktop.states() == laptop.states() == expected
    for seen in (on_desktop, on_laptop):
        assert [x["target"] for x in seen["links"]] == [
            "https://github.com/ada/fit",
            "https://ada.example.com/blog/one",
        ]
        assert [q["text"] for q in seen["questions"]] == ["Why square it?"]
    assert on_desktop["status"] == on_laptop["status"]
    assert json.loads(laptop("logs", "--json").stdout) == json.loads(desktop("logs", "--json").stdout)
    # Each store is what its files say: deleting it and reading them again gives it back.
    shutil.rmtree(desktop.root / ".roadmap")
    assert views(desktop)["status"] == on_desktop["status"]


def test_the_same_week_written_on_both_is_a_git_conflict_the_tool_waits_for(machines):
    laptop, desktop = machines
    desktop("status")
    laptop("log", "--week", "1", "-c", "least squares")
    desktop("log", "--week", "1", "-c", "gradient descent")
    commit(laptop, "laptop")
    commit(desktop, "desktop")
    git(laptop.root, "push", "-q", "origin", "main")
    pulled = git(desktop.root, "pull", "--no-rebase", "--no-edit", "origin", "main", code=1)
    assert "CONFLICT (add/add): Merge conflict in notes/week1.md" in pulled.stdout
    note = desktop.root / "notes" / "week1.md"
    shown = desktop("status")
    assert "notes/week1.md:12: holds git conflict markers" in shown.stderr
    refused = desktop("sync", code=2)
    assert "holds git conflict markers" in refused.stderr
    before = note.read_text()
    desktop("log", "--week", "1", "-c", "more", code=2)  # never written over the conflict
    assert note.read_text() == before
    # Resolved by hand, both concepts kept: the tool reads the resolution back.
    kept = [line for line in before.splitlines() if not line.startswith(("<<<<<<<", "=======", ">>>>>>>"))]
    note.write_text("\n".join(kept) + "\n")
    git(desktop.root, "add", "notes/week1.md")
    git(desktop.root, "commit", "-q", "--no-edit")
    desktop("status")
    (week,) = json.loads(desktop("logs", "--json").stdout)
    assert sorted(week["concepts"]) == ["gradient descent", "least squares"]


def test_one_item_set_two_ways_on_one_day_resolves_by_time_and_sync_lists_it(machines):
    laptop, desktop = machines
    desktop("status")
    laptop("start", "fit", "--date", "2026-11-04")
    desktop("check", "fit", "--date", "2026-11-04")  # recorded later
    commit(laptop, "laptop")
    commit(desktop, "desktop")
    git(desktop.root, "push", "-q", "origin", "main")
    git(laptop.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    shown = laptop("status")
    line = (
        f"1.p1 Fit a line: in progress on {device(laptop)} and done on {device(desktop)}, both for 2026-11-04; "
        "done stands (recorded last)."
    )
    assert line in shown.stderr.splitlines()
    assert laptop.states()["fit"] == "done"
    assert laptop("sync").stdout == f"conflict {line}\n"
    listed = json.loads(laptop("sync", "--json").stdout)["conflicts"]
    assert [(c["ref"], c["lost"], c["kept"]) for c in listed] == [("1.p1", "in_progress", "done")]
    shutil.rmtree(laptop.root / ".roadmap")  # a store built again from the files finds it too
    assert line in laptop("status").stderr.splitlines()
    assert laptop("sync").stdout == f"conflict {line}\n"
    desktop("status")  # and the machine whose change stood, once it has the other's record
    git(laptop.root, "push", "-q", "origin", "main")
    git(desktop.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert line in desktop("status").stderr.splitlines()
    assert desktop("sync").stdout == f"conflict {line}\n"
    db = sqlite3.connect(desktop.db_path)  # a store from before conflicts were kept finds them as it upgrades
    with db:
        db.execute("DROP TABLE conflict")
        db.execute("DELETE FROM _migrations WHERE name = 'm011_conflicts'")
        db.execute("PRAGMA user_version = 11")
    db.close()
    assert desktop("sync").stdout == f"conflict {line}\n"


def test_an_item_renamed_on_one_machine_keeps_what_the_other_recorded(machines):
    laptop, desktop = machines
    desktop("status")
    plan = laptop.root / "roadmap.yaml"
    plan.write_text(plan.read_text().replace("title: Paper", "title: The paper"))
    laptop("status")
    desktop("check", "2.r1", "--date", "2026-11-06")  # still nets/paper there
    commit(laptop, "rename")
    commit(desktop, "desktop")
    git(desktop.root, "push", "-q", "origin", "main")
    git(laptop.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    laptop("status")
    assert laptop.states()["nets/the-paper"] == "done"
    shutil.rmtree(laptop.root / ".roadmap")
    laptop("status")
    assert laptop.states()["nets/the-paper"] == "done"


def test_a_change_made_after_seeing_the_other_is_no_conflict(machines):
    laptop, desktop = machines
    desktop("status")
    laptop("start", "fit", "--date", "2026-11-04")
    commit(laptop, "started")
    git(laptop.root, "push", "-q", "origin", "main")
    git(desktop.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    desktop("check", "fit", "--date", "2026-11-04")  # the same day, having seen the start
    commit(desktop, "done")
    git(desktop.root, "push", "-q", "origin", "main")
    git(laptop.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert "stands" not in laptop("status").stderr
    assert laptop("sync").stdout == ""
    assert laptop.states()["fit"] == "done"


def test_one_address_linked_on_both_machines_is_one_link(machines):
    laptop, desktop = machines
    desktop("status")
    laptop("link", "fit", "https://github.com/ada/fit", "--title", "my repo")
    desktop("link", "fit", "https://github.com/ada/fit")
    desktop("link", "fit", "https://github.com/ada/fit", "--note", "the final version")  # an edit, by its own record
    commit(laptop, "laptop")
    commit(desktop, "desktop")
    git(laptop.root, "push", "-q", "origin", "main")
    git(desktop.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    git(desktop.root, "push", "-q", "origin", "main")
    git(laptop.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    for ws in (laptop, desktop):
        ws("status")
        (link,) = json.loads(ws("links", "--json").stdout)
        assert (link["target"], link["title"], link["note"]) == (
            "https://github.com/ada/fit",
            "my repo",
            "the final version",
        )
    desktop("unlink", "fit", "https://github.com/ada/fit")
    commit(desktop, "unlinked")
    git(desktop.root, "push", "-q", "origin", "main")
    git(laptop.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert json.loads(laptop("links", "--json").stdout) == []
    shutil.rmtree(laptop.root / ".roadmap")
    assert json.loads(laptop("links", "--json").stdout) == []
