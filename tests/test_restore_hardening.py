"""`roadmap restore` of a bad backup: one line naming the table, row and field of the bad value (or
the backup's key, or the note), exit 2, no traceback, and nothing written; and a restore killed at
any step leaves no workspace or a whole one, and can run again.

Each bad backup is a real one (a workspace started on 26 October 2026 with checked items, a diary
week, a question answered, a reflection answer, links and an undo) with one value changed.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roadmap_tracker.cli import app
from roadmap_tracker.store.migrations import MIGRATIONS

from conftest import TODAY, Runner


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    """The backup every test changes, built once through the CLI."""
    root = tmp_path_factory.mktemp("made")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ROADMAP_TODAY", TODAY.isoformat())
        env.setenv("HOME", str(root))
        assert CliRunner().invoke(app, ["init", str(root / "ws"), "--start", "2026-10-26"]).exit_code == 0
        ws = Runner(root / "ws")
        ws("check", "1.r1", "1.r2", "--date", "2026-11-05")
        ws("start", "2.r1", "--date", "2026-11-16")
        ws("skip", "1.r4", "--note", "covered", "--date", "2026-11-21")
        ws("log", "--week", "2", "-c", "chain rule", "-e", "lr 0.1", "-r", "diverged", "--metric", "loss=nan")
        ws("log", "--week", "2", "-q", "Why diverge?", "-t", "calculus")
        ws("questions", "answer", "q1", "Overshoot", "--item", "1.r2")
        ws("reflect", "--answer", "1.q3", "Direction")
        ws("link", "1.p1", "https://github.com/ada/gd")
        ws("link", "-", "https://ada.github.io/posts/x", "--title", "Blog")
        ws("undo")
        return json.loads(ws("export", "--format", "json").stdout)


@pytest.fixture
def backup(made) -> dict:
    return copy.deepcopy(made)


def restore(tmp_path: Path, content: dict | str):
    """Restore ``content`` (a backup, or the text of a file) into a new directory, both in ./work."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    bad = work / "bad.json"
    bad.write_text(content if isinstance(content, str) else json.dumps(content))
    return CliRunner().invoke(app, ["restore", str(bad), str(work / "target")]), bad


def refused(tmp_path: Path, content: dict | str) -> str:
    """The one line a refused restore prints (without 'Error: ' and the file's name), after checking
    that it exited 2 and wrote nothing: no target, nothing left aside beside it."""
    result, bad = restore(tmp_path, content)
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {bad}"), result.stderr
    assert sorted(p.name for p in bad.parent.iterdir()) == ["bad.json"]
    return result.stderr[len(f"Error: {bad}") :].rstrip("\n")


def row(backup: dict, table: str, **match) -> dict:
    return next(r for r in backup["tables"][table] if all(r[k] == v for k, v in match.items()))


def row_number(backup: dict, table: str, **match) -> int:
    return backup["tables"][table].index(row(backup, table, **match)) + 1


# --- 1. numbers SQLite cannot hold ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [("event", "id", 2**63), ("item", "position", 2**64), ("roadmap", "source_mtime_ns", -(2**63) - 1)],
)
def test_an_integer_sqlite_cannot_hold_is_refused(backup, tmp_path, table, column, value):
    backup["tables"][table][0][column] = value
    assert refused(tmp_path, backup) == (
        f": table {table}, row 1: field {column!r}: {value} does not fit the store "
        "(a whole number from -9223372036854775808 to 9223372036854775807)"
    )


# --- 2. nesting deeper than the parser goes --------------------------------------------------------


def test_deeply_nested_json_is_refused_in_one_line(backup, tmp_path):
    assert refused(tmp_path, "[" * 100_000) == " is not a JSON backup (nested too deeply)"
    text = json.dumps(backup).replace('"notes": [', '"notes": [' + "[" * 100_000 + "]" * 100_000 + ", ", 1)
    assert refused(tmp_path, text) == " is not a JSON backup (nested too deeply)"


# --- 3. values of the right type that mean nothing ------------------------------------------------


def _set(table: str, column: str, value, **match):
    def change(backup: dict) -> tuple[int, dict]:
        found = row(backup, table, **match) if match else backup["tables"][table][0]
        found[column] = value
        return backup["tables"][table].index(found) + 1, found

    return change


MEANINGLESS = [
    # What broke a command after the restore: `history`, `status`, `logs`, `questions`.
    (_set("event", "state", "bogus", id=3), "field 'state': 'bogus' is not a state (todo, in_progress, done, skipped)"),
    (_set("roadmap", "started", "garbage"), "field 'started': 'garbage' is not a day (YYYY-MM-DD)"),
    (
        _set("entry", "concepts", "not json"),
        "field 'concepts': 'not json' is not JSON text (a JSON list of texts)",
    ),
    (_set("question", "asked_on", "2026-13-01"), "field 'asked_on': '2026-13-01' is not a day (YYYY-MM-DD)"),
    # And every other kind of value the format has.
    (_set("event", "day", "1850-01-01", id=1), "field 'day': '1850-01-01' is outside the years 1900-2200"),
    (
        _set("event", "recorded_at", "yesterday", id=1),
        "field 'recorded_at': 'yesterday' is not a time (such as 2026-11-29T10:31:02+00:00)",
    ),
    (_set("item", "kind", "chapter", id=2), "field 'kind': 'chapter' is not a kind of item (step, resource, "),
    (_set("link", "kind", "tweet", id=1), "field 'kind': 'tweet' is not a kind of link (repo, blog, "),
    (_set("roadmap", "week_starts", "someday"), "field 'week_starts': 'someday' is not a weekday (monday, "),
    (_set("roadmap", "source_hash", "abc"), "field 'source_hash': 'abc' is not a SHA-256 in hex"),
    (_set("entry", "experiments", '[{"txt": "x"}]'), "is not a JSON list of experiments: item 1 is not an object"),
    (_set("entry", "extra", '{"week": 3}'), "is not a JSON object of front-matter keys: 'week' is the note format"),
    (_set("entry", "week", 0), "field 'week': 0 is not from 1 to 9223372036854775807"),
    (_set("entry", "week", 10**7), "field 'week': week 10000000 ends after 2200, the last year the tool counts"),
    (_set("item", "url", "ftp://example.com/x", id=2), "field 'url': 'ftp://example.com/x' is not an http(s) address"),
    (_set("item", "state", "done", id=4), "field 'state' is 'done', but it has no event"),
    (_set("event", "undoes", 1, id=5), "field 'undoes' points to event 1, no earlier change of this item"),
    (_set("link", "check_elapsed", float("nan"), id=1), "field 'check_elapsed': nan is not a finite number"),
    (_set("event", "uid", "has space", id=1), "field 'uid': 'has space' is not a history record id"),
    (_set("question", "answered_on", None), "field 'answered_on' is not set with the answer (they go together)"),
    (_set("item", "extra", '{"target": 0, "rule": "links"}', key="portfolio"), "target and max must be whole numbers"),
]


@pytest.mark.parametrize(("change", "problem"), MEANINGLESS)
def test_a_value_that_means_nothing_is_refused_with_its_table_row_and_field(backup, tmp_path, change, problem):
    n, changed = change(backup)
    table = next(t for t, rows in backup["tables"].items() if any(r is changed for r in rows))
    line = refused(tmp_path, backup)
    assert line.startswith(f": table {table}, row {n}: ") and problem in line, line


def test_the_example_of_the_brief(backup, tmp_path):
    n = row_number(backup, "event", id=3)
    row(backup, "event", id=3)["state"] = "bogus"
    assert refused(tmp_path, backup) == (
        f": table event, row {n}: field 'state': 'bogus' is not a state (todo, in_progress, done, skipped)"
    )


# --- 4. paths that leave the workspace ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda b: b["tables"]["roadmap"][0].update(notes_dir="/tmp/x"),
            ": table roadmap, row 1: field 'notes_dir': '/tmp/x' leads outside the workspace; "
            "the notes folder must be a folder inside it",
        ),
        (
            lambda b: b["tables"]["roadmap"][0].update(notes_dir="../../../x"),
            ": table roadmap, row 1: field 'notes_dir': '../../../x' leads outside the workspace; "
            "the notes folder must be a folder inside it",
        ),
        (
            lambda b: b["tables"]["notefile"][0].update(path="../../../x.md"),
            ": table notefile, row 1: field 'path': '../../../x.md' is not a plain file name",
        ),
        (lambda b: b["notes"][0].update(path="evil.sh"), ": notes, entry 1: 'evil.sh' is not a week's note (weekN.md)"),
        (lambda b: b["notes"][0].update(path="todo.md"), ": notes, entry 1: 'todo.md' is not a week's note (weekN.md)"),
        (
            lambda b: b["tables"]["link"][0].update(is_path=True, target="../../.ssh/id_rsa"),
            ": table link, row 1: field 'target': '../../.ssh/id_rsa' is not a path inside the workspace",
        ),
    ],
)
def test_a_path_that_leaves_the_workspace_is_refused(backup, tmp_path, change, problem):
    change(backup)
    assert refused(tmp_path, backup) == problem


def test_a_notes_folder_that_is_a_link_out_of_the_workspace_is_not_written_through(backup, tmp_path):
    target, outside = tmp_path / "target", tmp_path / "outside"
    outside.mkdir()
    target.mkdir()
    (target / "notes").symlink_to(outside)
    (tmp_path / "b.json").write_text(json.dumps(backup))
    result = CliRunner().invoke(app, ["restore", str(tmp_path / "b.json"), str(target)])
    assert (result.exit_code, result.stderr) == (
        4,
        f"Error: {target / 'notes'} leads outside {target} (to {outside}) "
        "(restore writes only inside the workspace; nothing was written)\n",
    )
    assert list(outside.iterdir()) == [] and sorted(p.name for p in target.iterdir()) == ["notes"]


# --- 6. rows that clash, point at nothing, or are no text ----------------------------------------------


def test_a_repeated_id_or_key_is_refused(backup, tmp_path):
    items = backup["tables"]["item"]
    items[5]["key"] = items[4]["key"]
    assert refused(tmp_path, backup) == (
        f": table item, row 6: field 'key' repeats row 5 ({items[4]['key']!r}): each item has an id of its own"
    )
    backup["tables"]["item"][5]["key"] = backup["tables"]["item"][5]["key"] + "x"
    entry = dict(backup["tables"]["entry"][0], id=2)
    backup["tables"]["entry"].append(entry)
    assert refused(tmp_path, backup) == (
        ": table entry, row 2: field 'week' repeats row 1 (2): the diary holds one entry per week"
    )


def test_an_item_the_plan_does_not_have_is_refused_unless_archived(backup, tmp_path):
    n = row_number(backup, "item", id=6)
    row(backup, "item", id=6)["key"] = "math/not-in-the-plan"
    assert refused(tmp_path, backup) == (
        f": table item, row {n}: field 'key': 'math/not-in-the-plan' is not in roadmap_yaml, yet the item is live"
    )


def test_a_row_that_points_at_nothing_or_the_wrong_kind_is_refused(backup, tmp_path):
    wrong = [
        (("event", 1, "item_id", 999), "field 'item_id' points to item 999, which the backup does not have"),
        (("event", 5, "undoes", 999), "field 'undoes' points to event 999, which the backup does not have"),
        (("entry", 1, "step_id", 999), "field 'step_id' points to item 999, which the backup does not have"),
        (("entry", 1, "step_id", 2), "field 'step_id' points to a resource, not a step"),
        (("answer", 1, "item_id", 999), "field 'item_id' points to item 999, which the backup does not have"),
        (("answer", 1, "item_id", 2), "field 'item_id' points to a resource; reflection answers answer questions"),
    ]
    for (table, row_id, column, value), problem in wrong:
        changed = copy.deepcopy(backup)
        row(changed, table, id=row_id)[column] = value
        n = row_number(changed, table, id=row_id)
        assert refused(tmp_path, changed) == f": table {table}, row {n}: {problem}"


def test_an_address_with_a_password_is_refused(backup, tmp_path):
    row(backup, "link", id=1)["target"] = "https://ada:hunter2@github.com/ada/gd"
    assert refused(tmp_path, backup) == (
        ": table link, row 1: field 'target': 'https://ada:***@github.com/ada/gd' holds a password; "
        "a learning log is no place for one"
    )


def test_a_history_record_id_used_twice_is_refused(backup, tmp_path):
    uid = row(backup, "event", id=1)["uid"]
    row(backup, "link", id=2)["uid"] = uid
    assert refused(tmp_path, backup) == (
        f": table link, row 2: field 'uid' repeats table event, row {row_number(backup, 'event', id=1)}: "
        "each history record has an id of its own"
    )
    row(backup, "link", id=2)["uid"] = row(backup, "link", id=1)["uid"]
    assert refused(tmp_path, backup).startswith(": table link, row 2: field 'uid' repeats table link, row 1")


def test_a_note_the_diary_cannot_read_is_refused(backup, tmp_path):
    backup["notes"][0]["text"] = "# Week 2\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n"
    assert refused(tmp_path, backup) == (
        ": notes, entry 1: not a note the diary can read (week2.md:2: holds git conflict markers (<<<<<<<); "
        "resolve the conflict in the file, then run `roadmap sync`)"
    )
    backup["notes"].append(dict(backup["notes"][0], text="# Week 2\n"))
    backup["notes"][0]["text"] = "# Week 2\n"
    assert refused(tmp_path, backup) == ": notes, entry 2: 'week2.md' repeats entry 1"


def test_huge_text_and_lone_surrogates_are_refused(backup, tmp_path):
    link = row(backup, "link", id=2)
    for value, problem in [
        ("x" * 10_000_000, "holds 10,000,000 characters; a value holds at most 1,000,000"),
        ("\ud800", "holds '\\ud800', half of a UTF-16 surrogate pair, which is no character"),
    ]:
        link["title"] = value
        assert refused(tmp_path, backup) == f": table link, row 2: field 'title' {problem}"
    link["title"] = "Blog"
    backup["roadmap_yaml"] += "# \ud800\n"
    assert refused(tmp_path, backup) == (
        ": \"roadmap_yaml\" holds '\\ud800', half of a UTF-16 surrogate pair, which is no character"
    )


def test_a_nul_the_tool_took_in_is_restored_and_shown_written_out(backup, tmp_path):
    """An answer or title may hold a NUL (typed in the editor): the backup keeps it, restore takes
    it back, and views show it as \\x00."""
    row(backup, "link", id=2)["title"] = "Blog\x00post"
    result, _ = restore(tmp_path, backup)
    assert result.exit_code == 0, result.stderr
    shown = Runner(tmp_path / "work" / "target")("links")
    assert "Blog\\x00post" in shown.stdout and "\x00" not in shown.stdout
    shutil.rmtree(tmp_path / "work" / "target")
    row(backup, "item", id=1)["key"] += "\x00"
    assert refused(tmp_path, backup).endswith("is not an id (one word, no spaces)")


def test_a_backup_that_is_no_object_or_names_no_known_version_is_refused(backup, tmp_path):
    assert refused(tmp_path, "[1, 2]") == ' is not a roadmap-tracker backup (no "format": "roadmap-tracker-backup")'
    assert refused(tmp_path, "1" * 5000) == " is not a JSON backup (it holds a number of more than 4300 digits)"
    for schema in ("10", None, 0):
        backup["schema"] = schema
        assert refused(tmp_path, backup) == (
            f': "schema" must be a whole number from 1 to {len(MIGRATIONS)}, not {schema!r}'
        )
    backup["schema"] = len(MIGRATIONS)
    backup["exported_at"] = "now"
    assert refused(tmp_path, backup) == ': "exported_at" is not a time, such as 2026-11-29T10:31:02+00:00'


def test_what_is_genuinely_fine_is_restored_and_every_command_reads_it(made, backup, tmp_path):
    # Rows in another order than the export's (a backup edited or merged by hand): the same workspace.
    for rows in backup["tables"].values():
        rows.reverse()
    row(backup, "link", id=2)["title"] = "\x1b[2J a title that drives a terminal, and an emoji 🎉"
    row(backup, "event", id=4)["note"] = "line one\nline two"
    result, _ = restore(tmp_path, backup)
    assert result.exit_code == 0, result.stderr
    ws = Runner(tmp_path / "work" / "target")
    for command in (["status"], ["show", "1"], ["history"], ["logs"], ["questions", "--all"], ["links"], ["report"]):
        ws(*command)
    # Each item's state is its latest event's, whatever order the events came in.
    assert dict(ws.query("SELECT key, state FROM item WHERE state != 'todo'")) == {
        r["key"]: r["state"] for r in made["tables"]["item"] if r["state"] != "todo"
    }


# --- 5. killed at any step ------------------------------------------------------------------------------

# Runs `roadmap` and SIGKILLs it just before its KILL_AT-th step: an fsync, a rename or replace of a
# file, or a store's COMMIT (but those of the migrations that make a new store, which change nothing
# of the workspace). Killed there, no later step ran; with KILL_AT past the last step it finishes.
KILLER = """
import os, signal, sys
from roadmap_tracker.store import connection, migrations

steps, at = [0], int(os.environ["KILL_AT"])

def step():
    steps[0] += 1
    if steps[0] == at:
        os.kill(os.getpid(), signal.SIGKILL)

def before(real):
    def call(*args, **kwargs):
        step()
        return real(*args, **kwargs)
    return call

os.rename, os.replace, os.fsync = before(os.rename), before(os.replace), before(os.fsync)
execute = connection.Store.execute

def counted(db, sql, *args):
    if sql == "COMMIT" and sys._getframe(1).f_code is not migrations.apply.__code__:
        step()
    return execute(db, sql, *args)

connection.Store.execute = counted

from roadmap_tracker.cli import main
sys.argv[0] = "roadmap"
main()
"""


def killed_restore(backup: Path, target: Path, at: int) -> int:
    env = {**os.environ, "KILL_AT": str(at), "NO_COLOR": "1"}
    run = subprocess.run(
        [sys.executable, "-c", KILLER, "restore", str(backup), str(target)], env=env, capture_output=True, text=True
    )
    return run.returncode


def _whole(target: Path, want: str) -> bool:
    """The workspace holds all of the backup: it exports the very same bytes."""
    return Runner(target)("export", "--format", "json").stdout == want


def _nothing_aside(*folders: Path) -> bool:
    return not any("roadmap-restore-" in p.name for folder in folders if folder.is_dir() for p in folder.iterdir())


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_restore_killed_at_any_step_into_a_new_directory_leaves_nothing_or_all(made, tmp_path):
    saved = tmp_path / "backup.json"
    saved.write_text(json.dumps(made))
    want = _exported(tmp_path, saved)
    at = 1
    while True:
        target = tmp_path / f"new{at}"
        code = killed_restore(saved, target, at)
        if code == 0:
            break
        assert code == -signal.SIGKILL
        # Nothing of the restore, not even the directory; or all of it, which every command takes.
        existed = target.exists()
        assert not existed or _whole(target, want), (at, sorted(p.name for p in target.iterdir()))
        again = CliRunner().invoke(app, ["restore", str(saved), str(target)])
        assert again.exit_code == (4 if existed else 0), again.stderr
        assert _whole(target, want)
        assert _nothing_aside(tmp_path, target), sorted(p.name for p in tmp_path.iterdir())
        at += 1
    assert at > 5 and _whole(target, want)  # the kills fell between real steps


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_restore_killed_at_any_step_into_a_workspace_without_progress_leaves_it_usable(made, tmp_path):
    saved = tmp_path / "backup.json"
    saved.write_text(json.dumps(made))
    want = _exported(tmp_path, saved)
    at = 1
    while True:
        target = tmp_path / f"ws{at}"
        assert CliRunner().invoke(app, ["init", str(target), "--start", "2026-10-26"]).exit_code == 0
        Runner(target)("status")
        code = killed_restore(saved, target, at)
        if code == 0:
            break
        assert code == -signal.SIGKILL
        # Without progress, as before, or whole; either way every command takes it.
        status = json.loads(Runner(target)("status", "--json").stdout)
        assert status["done"] in (0, 2), status
        again = CliRunner().invoke(app, ["restore", str(saved), str(target)])
        assert again.exit_code in (0, 4), again.stderr
        assert _whole(target, want)
        assert _nothing_aside(target, target / ".roadmap"), sorted(p.name for p in target.iterdir())
        at += 1
    assert at > 5 and _whole(target, want)


def _exported(tmp_path: Path, saved: Path) -> str:
    """What the backup exports as once restored, undisturbed."""
    result = CliRunner().invoke(app, ["restore", str(saved), str(tmp_path / "reference")])
    assert result.exit_code == 0, result.stderr
    return Runner(tmp_path / "reference")("export", "--format", "json").stdout
