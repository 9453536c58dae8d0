"""Every command that writes answers --json with what it changed, as data, and nothing else on stdout."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from roadmap_tracker.cli import app

from conftest import Runner, workspace_from
from test_export import PLAN


@pytest.fixture
def ws(tmp_path) -> Runner:
    return workspace_from(tmp_path, PLAN)


def data(ws: Runner, *args: str, code: int = 0):
    result = ws(*args, "--json", code=code)
    if code:
        return result
    assert result.stderr == ""  # the words a person reads are left out: the JSON says it all
    return json.loads(result.stdout)


def test_check_says_each_item_it_changed_and_each_step_that_followed(ws):
    got = data(ws, "check", "2.p1", "--date", "2026-11-05", "--note", "at last")
    assert got == {
        "day": "2026-11-05",
        "note": "at last",
        "changes": [
            {
                "ref": "2.p1",
                "id": "nets/two-layer-net",
                "kind": "project",
                "title": "Two layer net",
                "from": "todo",
                "to": "done",
                "changed": True,
                "auto": False,
            },
            {
                "ref": "2",
                "id": "nets",
                "kind": "step",
                "title": "Nets",
                "from": "todo",
                "to": "done",
                "changed": True,
                "auto": True,
            },
        ],
    }
    assert ws.states() == {"nets/two-layer-net": "done", "nets": "done"}
    again = data(ws, "check", "2.p1")
    assert [(c["ref"], c["changed"]) for c in again["changes"]] == [("2.p1", False)]


@pytest.mark.parametrize("command, state", [("uncheck", "todo"), ("start", "in_progress"), ("skip", "skipped")])
def test_uncheck_start_and_skip_too(ws, command, state):
    ws("check", "1.r1")
    got = data(ws, command, "1.r1", "1.r2")
    assert [(c["ref"], c["to"]) for c in got["changes"]] == [("1.r1", state), ("1.r2", state)]


def test_a_refused_change_prints_no_json_and_changes_nothing(ws):
    result = data(ws, "check", "9.r9", code=3)
    assert result.stdout == "" and "no step 9" in result.stderr
    assert ws.states() == {}


def test_init(tmp_path):
    (tmp_path / "plan.yaml").write_text(PLAN)
    result = CliRunner().invoke(
        app, ["init", str(tmp_path / "new"), "--from", str(tmp_path / "plan.yaml"), "--start", "2026-11-02", "--json"]
    )
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout) == {
        "workspace": str(tmp_path / "new"),
        "store": str(tmp_path / "new" / ".roadmap" / "roadmap.db"),
        "items": {"deliverable": 1, "project": 4, "question": 2, "resource": 2, "step": 2},
        "week1": "2026-11-02",
    }


def test_log(ws):
    got = data(ws, "log", "--week", "1", "-c", "chain rule", "-q", "Why does it converge?", "-e", "lr 0.1", "-r", "ok")
    assert got["week"] == 1 and got["file"] == "notes/week1.md"
    assert got["added"] == {
        "concepts": ["chain rule"],
        "experiments": [{"text": "lr 0.1", "result": "ok", "metric": None, "value": None}],
        "questions": ["Why does it converge?"],
    }
    assert got["questions"] == [{"id": "q1", "text": "Why does it converge?"}]
    assert "chain rule" in (ws.root / "notes" / "week1.md").read_text()
    more = data(ws, "log", "--week", "1", "-c", "backprop")
    assert more["added"]["concepts"] == ["backprop"] and more["concepts"] == ["chain rule", "backprop"]
    refused = data(ws, "log", "--week", "1", code=2)  # the editor is not for scripts
    assert "--json needs what to add" in refused.stderr


def test_questions_answer(ws):
    ws("log", "--week", "1", "-q", "Why?")
    got = data(ws, "questions", "answer", "q1", "Because.", "--date", "2026-11-06")
    assert (got["id"], got["answer"], got["answered_on"], got["replaced"]) == ("q1", "Because.", "2026-11-06", False)
    assert data(ws, "questions", "answer", "q1", "Better.")["replaced"] is True


def test_reflect_answer(ws):
    got = data(ws, "reflect", "--answer", "1.q1", "A convex loss.", "--date", "2026-11-06")
    assert got == {
        "ref": "1.q1",
        "id": "why",
        "question": "Why does it work?",
        "answer": "A convex loss.",
        "day": "2026-11-06",
        "changed": True,
    }
    assert data(ws, "reflect", "--answer", "1.q1", "A convex loss.")["changed"] is False
    assert "--json goes with --answer" in data(ws, "reflect", code=2).stderr


def test_link_and_unlink(ws):
    got = data(ws, "link", "fit", "https://github.com/ada/fit", "--title", "my repo")
    assert (got["ref"], got["target"], got["kind"], got["title"], got["created"], got["inferred"]) == (
        "1.p1",
        "https://github.com/ada/fit",
        "repo",
        "my repo",
        True,
        True,
    )
    again = data(ws, "link", "fit", "https://github.com/ada/fit", "--note", "final")
    assert (again["id"], again["created"], again["changed"], again["note"]) == (got["id"], False, ["note"], "final")
    gone = data(ws, "unlink", "fit", str(got["id"]))
    assert (gone["id"], gone["removed"]) == (got["id"], True)
    assert json.loads(ws("links", "--json").stdout) == []


MARKDOWN = """\
# My roadmap

## Step 1: Basics

- [x] [Course](https://example.com/course)
- [ ] Book
- a line that is no item

## Step 2: Nets

- [ ] Two layer net
"""


def test_import(tmp_path):
    source = tmp_path / "plan.md"
    source.write_text(MARKDOWN)
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path / "new"), "import", str(source), "--json"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    got = json.loads(result.stdout)
    assert (got["mode"], got["steps"], got["items"], got["checked"], got["recorded"]) == ("create", 2, 3, 1, 1)
    assert got["source"] == str(source) and got["target"] == str(tmp_path / "new" / "roadmap.yaml")
    assert [u["line"] for u in got["unplaced"]] == [7]
    refused = CliRunner().invoke(app, ["import", str(source), "-o", "-", "--json"])
    assert refused.exit_code == 2 and refused.stdout == ""


def test_restore(ws, tmp_path):
    ws("check", "1.r1", "--date", "2026-11-04")
    ws("log", "--week", "1", "-c", "chain rule")
    backup = tmp_path / "backup.json"
    ws("export", "--format", "json", "-o", str(backup))
    result = CliRunner().invoke(app, ["restore", str(backup), str(tmp_path / "again"), "--json"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    got = json.loads(result.stdout)
    assert got["workspace"] == str(tmp_path / "again") and got["notes"] == 1 and got["kept_roadmap_yaml"] is None
    assert got["rows"]["event"] == 1 and got["rows"]["entry"] == 1
