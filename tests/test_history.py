"""The history files: progress kept as text in the workspace, and the store rebuilt from them."""

from __future__ import annotations

import json
import shutil
import sqlite3

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from roadmap_tracker.cli import app

from conftest import Runner, workspace_from

PLAN = """\
version: 1
title: Two steps
started: 2026-11-02
steps:
  - id: basics
    title: Basics
    resources:
      - title: Course
        url: https://example.com/course
      - title: Book
        url: https://example.com/book
    projects:
      - id: fit
        title: Fit a line
    questions:
      - id: why
        title: Why does it work?
  - id: nets
    title: Nets
    resources:
      - title: Paper
        url: https://example.com/paper
    projects:
      - Two layer net
"""


def records(ws: Runner) -> list[dict]:
    """Every record of every history file, in file order."""
    out = []
    for path in sorted((ws.root / "history").glob("*.jsonl")):
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return out


def history_files(ws: Runner) -> list[str]:
    return sorted(p.name for p in (ws.root / "history").glob("*.jsonl"))


# What a rebuilt store cannot know: when the plan was synced and its rows made, when a diary row
# was last written, and whether the tool or the learner wrote a note file.
UNKNOWABLE = {"roadmap": ("synced_at",), "item": ("created_at",), "entry": ("updated_at",), "notefile": ("written",)}


def backup(ws: Runner) -> dict:
    data = json.loads(ws("export", "--format", "json").stdout)
    for table, fields in UNKNOWABLE.items():
        for row in data["tables"][table]:
            for name in fields:
                row[name] = None
    return data


def views(ws: Runner) -> dict:
    """What the learner sees, as data."""
    return {
        "status": json.loads(ws("status", "--json").stdout),
        "history": json.loads(ws("history", "--json", "-n", "0").stdout),
        "links": json.loads(ws("links", "--json").stdout),
        "questions": json.loads(ws("questions", "--all", "--json").stdout),
        "backup": backup(ws),
    }


def busy(ws: Runner) -> None:
    """A few weeks of everything the history holds: states, notes, an undo, links edited, checked
    and removed, reflection answers revised, diary questions asked, answered and set aside."""
    ws("check", "1.r1", "--date", "2026-11-03", "--note", "first one")
    ws("start", "fit", "--date", "2026-11-04")
    ws("check", "fit", "1.r2", "--date", "2026-11-10")  # completes step 1 by itself
    ws("skip", "2.r1", "--date", "2026-11-11")
    ws("undo")
    ws("start", "2.p1", "--date", "2026-11-12")
    ws("link", "fit", "https://github.com/ada/fit", "--title", "my repo")
    ws("link", "fit", "https://github.com/ada/fit", "--title", "the repo")
    (ws.root / "notes" / "fit.ipynb").write_text("{}")
    ws("link", "1.r2", "notes/fit.ipynb")
    ws("link", "-", "https://ada.example.com/blog/one", "--kind", "blog")
    ws("unlink", "-", "https://ada.example.com/blog/one")
    ws("links", "1.r2", "--check")  # a path: checked on disk
    ws("reflect", "--answer", "why", "Gradients.", "--date", "2026-11-05")
    ws("reflect", "--answer", "why", "Gradients, and a convex loss.", "--date", "2026-11-12")
    ws("log", "--week", "1", "-c", "least squares", "-q", "Why square the error?", "-q", "What is a loss?")
    ws("log", "--week", "2", "-c", "backprop", "-q", "Why chain?")
    ws("questions", "answer", "q1", "It is smooth.", "--date", "2026-11-09")
    note = ws.root / "notes" / "week1.md"
    note.write_text(note.read_text().replace("- What is a loss? ^q2\n", ""))  # taken out by hand
    ws("status")


def test_each_change_is_one_line_with_an_id_and_a_time(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    ws("check", "1.r1", "--date", "2026-11-03", "--note", "first one")
    (name,) = history_files(ws)
    device = (ws.root / ".roadmap" / "device").read_text().strip()
    assert name == f"{device}.jsonl"
    (line,) = (ws.root / "history" / name).read_text().splitlines()
    record = json.loads(line)
    assert list(record) == ["at", "id", "op", "item", "state", "day", "note"]
    assert record["op"] == "state" and record["item"] == "basics/course" and record["state"] == "done"
    assert (record["day"], record["note"]) == ("2026-11-03", "first one")
    assert len(record["id"]) == 32 and record["at"].startswith("2026-12-31T") and record["at"].endswith("+00:00")
    # The store row carries the record's id: the two are one change.
    assert ws.query("SELECT uid, recorded_at FROM event") == [(record["id"], record["at"])]
    assert ws.query("SELECT uid, device FROM record") == [(record["id"], device)]


def test_a_refused_command_writes_no_record(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    ws("check", "1.r1")
    before = records(ws)
    ws("check", "1.r2", "no-such-item", code=3)
    ws("link", "fit", "ftp://example.com/x", code=2)
    assert records(ws) == before


def test_init_keeps_the_store_out_of_git(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    assert (ws.root / ".gitignore").read_text() == (
        "# roadmap-tracker's index of roadmap.yaml, notes/ and history/: rebuilt on each machine\n/.roadmap/\n"
    )


def test_init_adds_one_line_to_a_gitignore_that_is_there(tmp_path):
    from typer.testing import CliRunner

    from roadmap_tracker.cli import app

    root = tmp_path / "repo"
    root.mkdir()
    (root / ".gitignore").write_text("*.pyc")
    assert CliRunner().invoke(app, ["init", str(root)]).exit_code == 0
    assert (root / ".gitignore").read_text().splitlines() == [
        "*.pyc",
        "# roadmap-tracker's index of roadmap.yaml, notes/ and history/: rebuilt on each machine",
        "/.roadmap/",
    ]


def test_deleting_the_store_rebuilds_what_the_learner_saw(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    busy(ws)
    before = views(ws)
    assert before["questions"][1]["set_aside"] and [x["checked_at"] is not None for x in before["links"]] == [
        False,
        True,
    ]
    shutil.rmtree(ws.root / ".roadmap")
    result = ws("status")
    assert "Rebuilt the progress from history/" in result.stderr
    assert views(ws) == before


def test_a_rebuild_records_nothing_new(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    busy(ws)
    kept = {p.name: p.read_bytes() for p in (ws.root / "history").iterdir()}
    shutil.rmtree(ws.root / ".roadmap")
    ws("status")
    ws("questions", "--all")
    assert {p.name: p.read_bytes() for p in (ws.root / "history").iterdir()} == kept


def test_a_store_from_before_history_files_writes_its_progress_out_once(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    busy(ws)
    before = views(ws)
    # What upgrading a store that had progress leaves: rows without record ids, and the task.
    shutil.rmtree(ws.root / "history")
    db = sqlite3.connect(ws.db_path)
    for table in ("event", "link", "answer", "question"):
        db.execute(f"UPDATE {table} SET uid = NULL")
    for table in ("record", "history_file", "history_problem"):
        db.execute(f"DELETE FROM {table}")
    db.execute("INSERT INTO store_task (name) VALUES ('write history')")
    db.commit()
    db.close()
    first = ws("status")
    device = (ws.root / ".roadmap" / "device").read_text().strip()
    assert (
        first.stderr.startswith(f"Wrote the progress kept in .roadmap/roadmap.db to history/{device}.jsonl (")
        and "commit history/ with roadmap.yaml and notes/" in first.stderr
    )
    assert ws("status").stderr == ""  # once
    written = records(ws)
    assert {r["op"] for r in written} == {"state", "link", "link-check", "answer", "ask", "set-aside", "reply"}
    seeded = views(ws)
    assert without_record_ids(seeded) == without_record_ids(before)
    shutil.rmtree(ws.root / ".roadmap")
    ws("status")
    assert views(ws) == seeded


def without_record_ids(view: dict) -> dict:
    """A view with the record ids left out: new ones were drawn."""
    out = json.loads(json.dumps(view))
    for rows in out["backup"]["tables"].values():
        for row in rows:
            row.pop("uid", None)
    return out


def test_an_upgraded_store_of_schema_8_writes_its_events_out(roadmap, tmp_path):
    from roadmap_tracker.store import migrations

    old = tmp_path / "old" / "roadmap.db"
    old.parent.mkdir()
    conn = sqlite3.connect(old, isolation_level=None)
    for fn in migrations.MIGRATIONS[:8]:
        migrations.apply(conn, fn)
    conn.close()
    roadmap("--db", str(old), "status")  # the plan, synced into the old-schema store
    conn = sqlite3.connect(old)
    step = conn.execute("SELECT id FROM item WHERE key = 'math'").fetchone()[0]
    conn.execute("DELETE FROM _migrations WHERE name = 'm009_history'")
    conn.commit()
    conn.close()
    # A store of schema 8 holds an event; upgrading it writes it to history/.
    conn = sqlite3.connect(old)
    conn.executescript(
        "DROP INDEX ix_event_uid; DROP INDEX ix_link_uid; DROP INDEX ix_answer_uid; DROP INDEX ix_question_uid;"
        "ALTER TABLE event DROP COLUMN uid; ALTER TABLE event DROP COLUMN after_uid; ALTER TABLE link DROP COLUMN uid;"
        "ALTER TABLE answer DROP COLUMN uid; ALTER TABLE question DROP COLUMN uid;"
        "DROP TABLE record; DROP TABLE history_file; DROP TABLE history_problem; DROP TABLE item_alias;"
        "DROP TABLE store_task; DROP TABLE link_alias; PRAGMA user_version = 8;"
    )
    conn.execute(
        "INSERT INTO event (item_id, state, day, recorded_at, auto) VALUES (?, 'done', '2026-11-05', "
        "'2026-11-05T09:00:00+00:00', 0)",
        (step,),
    )
    conn.commit()
    conn.close()
    result = roadmap("--db", str(old), "status")
    assert "Wrote the progress kept in" in result.stderr and "(1 records)" in result.stderr
    (record,) = records(roadmap)
    assert (record["op"], record["item"], record["state"], record["day"]) == ("state", "math", "done", "2026-11-05")
    assert record["at"] == "2026-11-05T09:00:00.000000+00:00"


def other_device(ws: Runner, lines: list[str], name: str = "desk-0a1b2c") -> str:
    path = ws.root / "history" / f"{name}.jsonl"
    path.parent.mkdir(exist_ok=True)
    path.write_text("".join(line if line.endswith("\n") or line is lines[-1] else line + "\n" for line in lines))
    return f"history/{name}.jsonl"


def record_line(op: str, at: str, uid: str, **fields) -> str:
    return json.dumps({"at": at, "id": uid, "op": op, **fields}) + "\n"


def test_bad_lines_are_each_reported_once_and_the_rest_applied(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    ws("check", "1.r1", "--date", "2026-11-03")
    own = records(ws)[0]
    name = other_device(
        ws,
        [
            record_line(
                "state", "2026-11-04T09:00:00.000000+00:00", "a" * 32, item="fit", state="done", day="2026-11-04"
            ),
            "<<<<<<< HEAD\n",
            json.dumps(own) + "\n",  # a line copied from another file
            record_line(
                "state",
                "2026-11-05T09:00:00.000000+00:00",
                "b" * 32,
                item="basics/gone",
                state="done",
                day="2026-11-05",
            ),
            record_line(
                "state", "2026-11-06T09:00:00.000000+00:00", "c" * 32, item="1.r2", state="sideways", day="2026-11-06"
            ),
            record_line("grade", "2026-11-06T10:00:00.000000+00:00", "e" * 32, card="why", grade=3),
            '{"at": "2026-11-07T09:00:00.000000+00:00", "id": "dd',
        ],
    )
    first = ws("status")
    assert first.stderr.splitlines() == [
        f"Applied every history record again, in order: 2 records from {name}, history/{own_file(ws)}.",
        f"{name}:2: not a history record (cut short, or not JSON); skipped (`roadmap sync --repair` moves it aside)",
        f"{name}:5: state record: unknown state 'sideways'; skipped (`roadmap sync --repair` moves it aside)",
        f"{name}:6: unknown kind of record 'grade' (written by a newer roadmap-tracker?); skipped and kept "
        "(upgrade roadmap-tracker to apply it)",
        f"{name}:7: cut short (no end of line); skipped (`roadmap sync --repair` moves it aside)",
        f"{name}:3: repeats record {own['id']}; applied once (the copy can be deleted)",
        f"{name}:4: names basics/gone, which roadmap.yaml does not have; the record is kept and applied once it is back",
    ]
    assert ws.states() == {"basics/course": "done", "fit": "done"}
    assert ws("status").stderr == ""  # reported once
    repaired = ws("sync", "--repair")
    assert repaired.stderr.splitlines()[:3] == [
        f"Moved {name}:2 aside to history/set-aside.",
        f"Moved {name}:5 aside to history/set-aside.",
        f"Moved {name}:7 aside to history/set-aside.",
    ]
    (aside,) = (ws.root / "history" / "set-aside").iterdir()
    assert aside.read_text().splitlines() == [
        "<<<<<<< HEAD",
        json.dumps(
            {
                "at": "2026-11-06T09:00:00.000000+00:00",
                "id": "c" * 32,
                "op": "state",
                "item": "1.r2",
                "state": "sideways",
                "day": "2026-11-06",
            }
        ),
        '{"at": "2026-11-07T09:00:00.000000+00:00", "id": "dd',
    ]
    # The record, the copy, the waiting one, and the newer kind of record stay.
    assert len((ws.root / name).read_text().splitlines()) == 4
    assert ws.states() == {"basics/course": "done", "fit": "done"}
    assert ws("status").stderr == ""


def own_file(ws: Runner) -> str:
    return (ws.root / ".roadmap" / "device").read_text().strip() + ".jsonl"


def test_a_record_waits_for_its_item_and_applies_when_it_comes_back(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    ws("status")
    other_device(
        ws,
        [
            record_line(
                "state",
                "2026-11-05T09:00:00.000000+00:00",
                "b" * 32,
                item="basics/extra",
                state="done",
                day="2026-11-05",
            )
        ],
    )
    assert "names basics/extra" in ws("status").stderr
    plan = ws.root / "roadmap.yaml"
    plan.write_text(
        plan.read_text().replace(
            "      - title: Book\n", "      - title: Extra\n        url: https://example.com/x\n      - title: Book\n"
        )
    )
    ws("status")
    assert ws.states() == {"basics/extra": "done"}


# --- the order records arrive in does not matter ------------------------------------------

ITEMS = ["1.r1", "1.r2", "fit", "2.r1", "2.p1"]
DAYS = [f"2026-11-{d:02d}" for d in range(3, 9)]
_change = st.tuples(
    st.sampled_from(["check", "start", "uncheck", "skip"]), st.sampled_from(ITEMS), st.sampled_from(DAYS)
)
_link = st.tuples(
    st.just("link"), st.sampled_from(ITEMS), st.sampled_from(["https://a.example.com", "https://b.example.com"])
)
_answer = st.tuples(st.just("reflect"), st.just("why"), st.sampled_from(["Gradients.", "A convex loss."]))
_undo = st.tuples(st.just("undo"), st.none(), st.none())
commands = st.lists(st.one_of(_change, _change, _link, _answer, _undo), max_size=4)


def _run(ws: Runner, command: tuple) -> None:
    name, target, value = command
    if name == "link":
        ws("link", target, value)
    elif name == "reflect":
        ws("reflect", "--answer", target, value, "--date", "2026-11-08")
    elif name == "undo":
        ws.cli.invoke(app, ["--workspace", str(ws.root), "undo"])  # refused when nothing can be undone
    else:
        ws(name, target, "--date", value)


def _seen(ws: Runner) -> dict:
    view = views(ws)
    conflicts = json.loads(ws("sync", "--json").stdout)["conflicts"]  # kept as records arrive, or found by a rebuild
    return {
        "status": view["status"],
        "history": view["history"],
        "links": view["links"],
        "backup": view["backup"],
        "conflicts": conflicts,
    }


def _exchange(a: Runner, b: Runner) -> None:
    """Each machine gets the other's history files, as a `git pull` would bring them: each file is
    only ever appended to, so the longer copy is the newer one."""
    names = {p.name for ws in (a, b) for p in (ws.root / "history").glob("*.jsonl")}
    for name in names:
        copies = [ws.root / "history" / name for ws in (a, b)]
        newest = max((p.read_bytes() for p in copies if p.exists()), key=len)
        for path in copies:
            path.parent.mkdir(exist_ok=True)
            if not path.exists() or path.read_bytes() != newest:
                path.write_bytes(newest)


def _drop_store(ws: Runner) -> None:
    for path in (ws.root / ".roadmap").glob("roadmap.db*"):
        path.unlink()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=commands, second=commands, together=commands)
@example(first=[("check", "fit", DAYS[1])], second=[("start", "fit", DAYS[1])], together=[])  # a conflict
def test_two_machines_end_with_the_same_store_whichever_records_arrive_first(tmp_path_factory, first, second, together):
    base = tmp_path_factory.mktemp("order")
    a = workspace_from(base, PLAN, name="a")
    a("status")
    for command in together:
        _run(a, command)
    shutil.copytree(a.root, base / "b", ignore=shutil.ignore_patterns(".roadmap"))
    b = Runner(base / "b")
    b("status")
    for command in first:
        _run(a, command)
    for command in second:
        _run(b, command)
    _exchange(a, b)
    for ws in (a, b):
        seen = _seen(ws)  # takes the other's records in; settles a step they left out of line
        _drop_store(ws)
        assert _seen(ws) == seen  # the store is what the files say
    _exchange(a, b)  # what settling the steps recorded, each machine gets too
    assert _seen(a) == _seen(b)


def test_a_restored_workspace_gets_its_history_and_rebuilds_from_it(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    busy(ws)
    ws("export", "--format", "json", "-o", str(tmp_path / "backup.json"))
    back = Runner(tmp_path / "back")
    back("restore", str(tmp_path / "backup.json"))
    assert (back.root / ".gitignore").read_text().endswith("/.roadmap/\n")
    restored = views(back)
    # The same changes, by their ids; a link's edits and checks come as what it is now.
    changes = [[(r["id"], r["at"]) for r in records(one) if r["op"] in ("state", "answer")] for one in (ws, back)]
    assert set(changes[0]) == set(changes[1])
    shutil.rmtree(back.root / ".roadmap")
    assert views(back) == restored


def test_what_an_import_records_is_in_the_history(tmp_path):
    from typer.testing import CliRunner

    (tmp_path / "README.md").write_text(
        "# Learn ML\n\n## Step 1: Maths\n\n**Resources**\n- [x] [Linear algebra](https://example.com/la)\n"
        "- [ ] [Calculus](https://example.com/calc)\n"
    )
    assert CliRunner().invoke(app, ["import", "README.md", "--date", "2026-11-20"]).exit_code == 0
    ws = Runner(tmp_path)
    assert [(r["op"], r["item"], r["state"], r["note"]) for r in records(ws) if not r.get("auto")] == [
        ("state", "maths/linear-algebra", "done", "imported from README.md")
    ]
    before = ws.states()
    shutil.rmtree(tmp_path / ".roadmap")
    ws("status")
    assert ws.states() == before


def test_a_full_disk_changes_neither_the_file_nor_the_store(tmp_path, monkeypatch):
    from roadmap_tracker.history import files

    ws = workspace_from(tmp_path, PLAN)
    ws("check", "1.r1")
    kept, dump = records(ws), ws.dump()

    def full(path, lines):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "append", full)
    result = ws("check", "1.r2", code=5)
    assert result.stderr == (
        f"Error: cannot write history/{own_file(ws)} (No space left on device); nothing was changed "
        "(check the free space and permissions of the history folder)\n"
    )
    assert records(ws) == kept and ws.dump() == dump


def test_lines_written_for_a_change_the_store_cannot_commit_are_taken_back(tmp_path, monkeypatch):
    from roadmap_tracker.store import records as store_records

    ws = workspace_from(tmp_path, PLAN)
    ws("check", "1.r1")
    before = (ws.root / "history" / own_file(ws)).read_bytes()

    def broken(db, rows):
        raise sqlite3.OperationalError("database or disk is full")

    mark = store_records.mark
    monkeypatch.setattr(store_records, "mark", broken)
    ws("check", "1.r2", code=5)
    monkeypatch.setattr(store_records, "mark", mark)
    assert (ws.root / "history" / own_file(ws)).read_bytes() == before
    ws("status")
    assert ws.states() == {"basics/course": "done"}


def test_progress_recorded_before_a_rename_survives_a_rebuild(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    ws("check", "2.r1", "--date", "2026-11-04", "--note", "before the rename")
    ws("link", "2.r1", "https://example.com/notes-on-the-paper")
    plan = ws.root / "roadmap.yaml"
    plan.write_text(plan.read_text().replace("title: Paper", "title: The paper"))
    ws("status")
    before = views(ws)
    shutil.rmtree(ws.root / ".roadmap")
    assert "does not have" not in ws("status").stderr
    assert views(ws) == before and ws.states() == {"nets/the-paper": "done"}


def test_questions_numbered_alike_on_two_machines_keep_their_own_answers(tmp_path):
    a = workspace_from(tmp_path, PLAN, name="a")
    a("status")
    shutil.copytree(a.root, tmp_path / "b", ignore=shutil.ignore_patterns(".roadmap"))
    b = Runner(tmp_path / "b")
    b("status")
    a("log", "--week", "1", "-q", "Why square the error?")
    a("questions", "answer", "q1", "It is smooth.")
    b("log", "--week", "1", "-q", "Why chain?")
    b("questions", "answer", "q1", "Derivatives compose.")  # q1 on this machine too
    # The week's note, merged by hand keeping both questions, each still marked ^q1.
    ours = (a.root / "notes" / "week1.md").read_text()
    assert (
        "- Why square the error? ^q1\n" in ours and "- Why chain? ^q1\n" in (b.root / "notes" / "week1.md").read_text()
    )
    merged = ours.replace("- Why square the error? ^q1\n", "- Why square the error? ^q1\n- Why chain? ^q1\n")
    for one, other in ((a, b), (b, a)):
        (other.root / "history" / own_file(one)).write_bytes((one.root / "history" / own_file(one)).read_bytes())
    for ws in (a, b):
        (ws.root / "notes" / "week1.md").write_text(merged)
        ws("status")
        answers = {q["text"]: q["answer"] for q in json.loads(ws("questions", "--all", "--json").stdout)}
        assert answers == {"Why square the error?": "It is smooth.", "Why chain?": "Derivatives compose."}


def test_times_out_of_range_or_far_ahead_are_reported_and_change_nothing_else(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    ws("check", "1.r1")
    name = other_device(
        ws,
        [
            record_line("state", "0001-01-01T00:00:00+01:00", "a" * 32, item="fit", state="done", day="2026-11-04"),
            record_line(
                "state", "2099-01-01T00:00:00.000000+00:00", "b" * 32, item="fit", state="done", day="2026-11-04"
            ),
            '{"at": "2026-11-04T09:00:00.000000+00:00", "id": "' + "c" * 32 + '", "op": "link-check", "link": "x", '
            '"elapsed": Infinity}\n',
        ],
    )
    lines = ws("status").stderr.splitlines()
    assert (
        lines[0]
        == f"{name}:1: \"at\" is not a time: '0001-01-01T00:00:00+01:00'; skipped (`roadmap sync --repair` moves it aside)"
    )
    assert lines[1].startswith(
        f'{name}:2: "at" is 2099-01-01, later than this machine\'s clock allows; skipped and kept'
    )
    assert (
        lines[2]
        == f"{name}:3: link-check record: 'elapsed' is not a number; skipped (`roadmap sync --repair` moves it aside)"
    )
    ws("check", "1.r2")
    assert records(ws)[-1]["at"].startswith("2026-12-31T") and ws.states() == {
        "basics/course": "done",
        "basics/book": "done",
    }


def test_a_link_in_history_is_never_followed(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    ws("check", "1.r1")
    outside = tmp_path / "outside.jsonl"
    outside.write_text(
        record_line("state", "2026-11-04T09:00:00.000000+00:00", "a" * 32, item="fit", state="done", day="2026-11-04")
    )
    (ws.root / "history" / "elsewhere.jsonl").symlink_to(outside)
    assert ws("status").stderr == "" and ws.states() == {"basics/course": "done"}
    ws("sync", "--repair")
    assert (ws.root / "history" / "elsewhere.jsonl").is_symlink()
