"""`roadmap restore`: a backup rebuilds the very workspace it came from, or nothing at all."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from roadmap_tracker.cli import app
from roadmap_tracker.store.migrations import MIGRATIONS

from conftest import Runner, workspace_from
from test_export import PLAN, tiny_workspace


def backup_of(ws: Runner, path: Path) -> Path:
    ws("export", "--format", "json", "-o", str(path))
    return path


# The store's own bookkeeping: when each store was made, and which history files it read.
BOOKKEEPING = ('"_migrations"', '"record"', '"history_file"')


def store(ws: Runner) -> list[str]:
    """The store as SQL, less its bookkeeping."""
    return [line for line in ws.dump() if not any(table in line for table in BOOKKEEPING)]


@pytest.fixture
def tiny(tmp_path) -> Runner:
    return tiny_workspace(tmp_path / "tiny")


def test_restore_rebuilds_store_plan_and_notes(tiny, tmp_path):
    backup = backup_of(tiny, tmp_path / "backup.json")
    back = Runner(tmp_path / "back")
    result = back("restore", str(backup))
    assert result.stdout == ""
    assert result.stderr == (
        f"Restored {back.root}: 11 steps and items, 4 progress events, 2 diary weeks, "
        "1 reflection answer, 3 links, 2 note files.\n"
    )
    assert (back.root / "roadmap.yaml").read_bytes() == (tiny.root / "roadmap.yaml").read_bytes()
    for name in ("week1.md", "week2.md"):
        assert (back.root / "notes" / name).read_bytes() == (tiny.root / "notes" / name).read_bytes()
    assert sorted(store(back)) == sorted(store(tiny))  # the same rows and schema, in any order
    assert (
        back.states()
        == tiny.states()
        == {
            "basics/course-part-1": "done",
            "fit": "done",
            "basics/skip-me": "skipped",
            "nets/two-layer-net": "in_progress",
        }
    )
    # The next command finds nothing to re-read: no sync of roadmap.yaml, no diary file taken for a hand edit.
    assert back("status").stderr == ""
    assert back("export", "--format", "json").stdout == backup.read_text()
    assert back("export").stdout == tiny("export").stdout


def test_restore_refuses_a_workspace_with_progress(tiny, tmp_path):
    backup = backup_of(tiny, tmp_path / "backup.json")
    before = store(tiny)
    result = tiny("restore", str(backup), code=4)
    assert result.stderr == (
        f"Error: {tiny.root} already has progress (4 event rows, 3 link rows, 2 entry rows, "
        "1 question row, 1 answer row, 2 notefile rows); restore only fills an empty workspace "
        "(restore into a new directory)\n"
    )
    assert store(tiny) == before


def test_restore_into_a_workspace_without_progress_keeps_its_plan_aside(tiny, roadmap, tmp_path):
    backup = backup_of(tiny, tmp_path / "backup.json")
    old_plan = (roadmap.root / "roadmap.yaml").read_text()
    result = roadmap("restore", str(backup))
    kept = list((roadmap.root / ".roadmap" / "backups").glob("roadmap-*-before-restore.yaml"))
    assert len(kept) == 1 and kept[0].read_text() == old_plan
    assert result.stderr.startswith(
        f"The roadmap.yaml that was there differs from the backup's; kept it as {kept[0]}.\n"
    )
    assert roadmap.states() == tiny.states()
    assert roadmap("export").stdout == tiny("export").stdout


def test_restore_into_a_directory_holding_only_roadmap_yaml(tiny, tmp_path):
    backup = backup_of(tiny, tmp_path / "backup.json")
    target = tmp_path / "plain"
    target.mkdir()
    (target / "roadmap.yaml").write_bytes((tiny.root / "roadmap.yaml").read_bytes())
    Runner(target)("restore", str(backup))
    assert not (target / ".roadmap" / "backups").exists()  # same plan: nothing to keep aside
    assert Runner(target).states() == tiny.states()


def test_restore_refuses_a_diary_file_the_backup_would_change(tiny, tmp_path):
    backup = backup_of(tiny, tmp_path / "backup.json")
    target = tmp_path / "notes-only"
    (target / "notes").mkdir(parents=True)
    (target / "notes" / "week1.md").write_text("# Week 1\n\nWritten by hand.\n")
    result = CliRunner().invoke(app, ["restore", str(backup), str(target)])
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {target / 'notes' / 'week1.md'} exists and differs from the backup's copy "
        "(move it away first; the store would not match it)\n"
    )
    assert sorted(p.name for p in target.rglob("*")) == ["notes", "week1.md"]


def _edit(data: dict, how: str) -> dict:
    tables = data["tables"]
    if how == "newer":
        data["version"] = 2
    elif how == "newer-schema":
        data["schema"] = 99
    elif how == "missing":
        del tables["item"][2]["title"]
    elif how == "unknown":
        tables["event"][0]["colour"] = "red"
    elif how == "type":
        tables["item"][0]["position"] = "first"
    elif how == "dangling":
        tables["event"][1]["item_id"] = 999
    elif how == "no-format":
        del data["format"]
    elif how == "yaml":
        data["roadmap_yaml"] = data["roadmap_yaml"].replace("title: Basics", "titel: Basics")
    elif how == "path":
        data["notes"][0]["path"] = "../escape.md"
    elif how == "roadmap-rows":
        tables["roadmap"] = []
    return data


@pytest.mark.parametrize(
    ("how", "problem"),
    [
        (
            "newer",
            "{b} is backup version 2; this roadmap-tracker reads version 1 (upgrade roadmap-tracker to restore it)",
        ),
        (
            "newer-schema",
            f"{{b}} comes from a newer roadmap-tracker (store schema 99; this one knows {len(MIGRATIONS)}) "
            "(upgrade roadmap-tracker to restore it)",
        ),
        ("missing", "{b}: table item, row 3: field 'title' is missing"),
        ("unknown", "{b}: table event, row 1: unknown field 'colour'"),
        (
            "type",
            "{b}: table item, row 1: field 'position': Input should be a valid integer, unable to parse string "
            "as an integer",
        ),
        ("dangling", "{b}: table event, row 2: field 'item_id' points to item 999, which the backup does not have"),
        ("no-format", '{b} is not a roadmap-tracker backup (no "format": "roadmap-tracker-backup")'),
        (
            "yaml",
            "{b} (roadmap_yaml):6:5: unknown key 'titel' (did you mean 'title'?); allowed: id, title, objective, "
            "resources, projects, questions",
        ),
        ("path", "{b}: notes, entry 1: '../escape.md' is not a plain file name"),
        ("roadmap-rows", "{b}: table roadmap must hold exactly one row, with id 1"),
    ],
)
def test_a_bad_backup_is_refused_in_one_line_and_nothing_is_written(tiny, tmp_path, how, problem):
    good = json.loads(backup_of(tiny, tmp_path / "good.json").read_text())
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_edit(good, how)))
    result = CliRunner().invoke(app, ["restore", str(bad), str(tmp_path / "target")])
    assert (result.exit_code, result.stderr) == (2, "Error: " + problem.format(b=bad) + "\n")
    assert not (tmp_path / "target").exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is not a JSON backup (line 1, column 1: Expecting value)"),
        (b"\xff\xfe{}", "is not a JSON backup (not UTF-8 text at byte 0)"),
        (b"[1, 2]", 'is not a roadmap-tracker backup (no "format": "roadmap-tracker-backup")'),
    ],
)
def test_a_file_that_is_no_backup_is_refused(tmp_path, content, problem):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = CliRunner().invoke(app, ["restore", str(bad), str(tmp_path / "target")])
    assert (result.exit_code, result.stderr) == (2, f"Error: {bad} {problem}\n")
    assert not (tmp_path / "target").exists()


# --- the round trip, over generated workspaces -------------------------------------------

REFS = ["1.r1", "1.r2", "fit", "1.p1.1", "1.p2", "2.p1", "d1"]
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
# From before the start to the pinned today (2026-12-31): the tool refuses days after it.
days = st.integers(min_value=-10, max_value=59).map(lambda n: (date(2026, 11, 2) + timedelta(days=n)).isoformat())


words = texts.map(lambda t: " ".join(t.replace("\x00", "").split())).filter(bool)


def _on(day: str, ws: Runner, *args: str) -> None:
    """Run a command as if today were ``day``."""
    pinned = os.environ["ROADMAP_TODAY"]
    os.environ["ROADMAP_TODAY"] = day
    try:
        ws(*args)
    finally:
        os.environ["ROADMAP_TODAY"] = pinned


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(["check", "uncheck", "skip", "start"]), st.sampled_from(REFS), days), max_size=8
    ),
    links=st.lists(st.tuples(st.sampled_from(["-", "fit", "1.r1", "2.p1"]), st.integers(0, 3), texts), max_size=3),
    answers=st.lists(
        st.tuples(st.sampled_from(["why", "basics/still-open"]), days, texts.filter(str.strip)), max_size=3
    ),
    entries=st.lists(
        st.tuples(st.integers(1, 12), st.lists(words, max_size=3), st.lists(words, max_size=2), days),
        max_size=3,
        unique_by=lambda e: e[0],
    ),
    logged=st.booleans(),
)
def test_export_restore_export_gives_the_same_bytes(changes, links, answers, entries, logged):
    with tempfile.TemporaryDirectory(prefix="rt-restore-") as tmp:
        tmp = Path(tmp)
        (tmp / "plan.yaml").write_text(PLAN)
        assert CliRunner().invoke(app, ["init", str(tmp / "ws"), "--from", str(tmp / "plan.yaml")]).exit_code == 0
        ws = Runner(tmp / "ws")
        for verb, ref, day in changes:
            ws(verb, ref, "--date", day)
        for n, (ref, i, title) in enumerate(links):
            ws("link", ref, f"https://example.com/work/{n}/{i}", "--title", title.replace("\x00", "") or "x")
        for key, day, text in answers:
            ws("reflect", "--answer", key, text, "--date", day)
        for week, concepts, questions, day in entries:
            start = (date(2026, 11, 2) + timedelta(weeks=week - 1)).isoformat()
            options = [f"--concept={c}" for c in concepts] + [f"--question={q}" for q in questions]
            if options:
                _on(max(day, start), ws, "log", "--week", str(week), *options)
        if logged:  # through the CLI as well, so there are note files to carry
            ws("log", "--date", "2026-11-04", "-c", "gradients", "-q", "Why?")
        first_json = ws("export", "--format", "json").stdout
        first_md = ws("export").stdout
        (tmp / "backup.json").write_text(first_json)
        back = Runner(tmp / "back")
        back("restore", str(tmp / "backup.json"))
        assert back("export", "--format", "json").stdout == first_json
        assert back("export").stdout == first_md
        assert back.states() == ws.states()


def test_a_backup_from_before_the_newer_columns_restores(tiny, tmp_path):
    data = json.loads(backup_of(tiny, tmp_path / "now.json").read_text())
    # What a backup made by the first release held: no date_order, no undo, no entry links.
    data["schema"] = 4
    del data["tables"]["entry_item"]
    for table, column in (("roadmap", "date_order"), ("event", "undoes"), ("entry", "step_id")):
        for row in data["tables"][table]:
            del row[column]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data))
    back = Runner(tmp_path / "back")
    back("restore", str(old))
    assert back.states() == tiny.states()
    assert json.loads(back("logs", "--json").stdout) == json.loads(tiny("logs", "--json").stdout)


def test_the_row_types_a_backup_is_read_by_are_the_store_tables():
    from typing import Union, get_args, get_origin

    from roadmap_tracker.exchange.backup import _models, row_types
    from roadmap_tracker.store.backup import TABLES

    for table in TABLES:
        fields = _models()[table].model_fields
        want = {
            c: frozenset(get_args(f.annotation) if get_origin(f.annotation) is Union else (f.annotation,))
            for c, f in fields.items()
        }
        assert list(row_types(table).items()) == list(want.items()), table


def test_rows_a_backup_spells_otherwise_are_read_as_the_store_types_them(tiny, tmp_path):
    data = json.loads(backup_of(tiny, tmp_path / "now.json").read_text())
    link = data["tables"]["link"][0]
    link.update(is_path=int(link["is_path"]), id=str(link["id"]))  # 0 for false, a number as text
    data["tables"]["link"][0] = dict(reversed(list(link.items())))  # columns in another order
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(data))
    back = Runner(tmp_path / "back")
    back("restore", str(odd))
    assert back("export", "--format", "json").stdout == (tmp_path / "now.json").read_text()


def test_an_item_under_a_step_made_after_it_restores(tmp_path):
    ws = workspace_from(tmp_path, "version: 1\ntitle: T\nsteps:\n  - id: a\n    title: A\n    resources: [Old]\n")
    ws("check", "a/old", "--date", "2026-11-03")
    # The resource moves under a step added later: it points to a row after its own.
    moved = "version: 1\ntitle: T\nsteps:\n  - id: a\n    title: A\n  - id: b\n    title: B\n"
    (ws.root / "roadmap.yaml").write_text(moved + "    resources:\n      - id: a/old\n        title: Old\n")
    ws("status")
    rows = ws.query("SELECT id, parent_id FROM item WHERE key = 'a/old'")
    assert rows[0][1] > rows[0][0]
    backup = backup_of(ws, tmp_path / "backup.json")
    back = Runner(tmp_path / "back")
    back("restore", str(backup))
    assert back("export", "--format", "json").stdout == backup.read_text()
    assert back.states() == ws.states()
    assert back.states()["a/old"] == "done"


@pytest.mark.parametrize("rule", ["key", "record_id", "title"])
def test_a_rule_that_answers_for_a_whole_column_answers_as_it_does_for_each_value(rule):
    from roadmap_tracker.exchange import backup_values

    check = getattr(backup_values, rule)
    good = {"a", "a-word/with.dots", "ü" * 128, "x" * 128}
    odd = {"", " ", "a b", "a\tb", "a\nb", "a\x00b", "a\x7fb", "a\u2003b", "x" * 129, "\u00a0", " a", "a\u200b"}
    for value in good | odd:
        assert check.all_ok(good | {value}) == all(check(v) is None for v in good | {value}), repr(value)
