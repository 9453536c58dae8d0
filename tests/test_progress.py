"""Ticking things off: states, steps that follow their items, references, history."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmap_tracker.cli import app
from roadmap_tracker.store.items import refs

from conftest import workspace_from


def status(ws) -> dict:
    return json.loads(ws("status", "--json").stdout)


def test_check_records_an_event_with_date_and_note(roadmap):
    result = roadmap("check", "1.r2", "--date", "2026-11-05", "--note", "chapters 1-3")
    assert result.stderr == "1.r2 Mathematics for Machine Learning (Book): to do → done\n"
    assert result.stdout == ""
    assert roadmap.query(
        "SELECT i.key, e.state, e.day, e.note, e.auto FROM event e JOIN item i ON i.id = e.item_id"
    ) == [("math/mathematics-for-machine-learning-book", "done", "2026-11-05", "chapters 1-3", 0)]


def test_checking_again_changes_nothing(roadmap):
    roadmap("check", "1.r1")
    result = roadmap("check", "1.r1")
    assert result.stderr == "1.r1 Probability & Statistics for Machine Learning was already done.\n"
    assert roadmap.query("SELECT COUNT(*) FROM event") == [(1,)]


def test_the_four_states(roadmap):
    roadmap("check", "2.r1")
    roadmap("start", "2.p1")
    roadmap("skip", "2.p2")
    assert roadmap.states() == {
        "nn-intro/what-is-a-neural-network-3blue1brown": "done",
        "nn-intro/code-a-two-layer-network-in-plain-numpy-without": "in_progress",
        "nn-intro/train-that-network-on-a-toy-problem-such-as-xor": "skipped",
    }
    roadmap("uncheck", "2.r1")
    assert roadmap.states()["nn-intro/what-is-a-neural-network-3blue1brown"] == "todo"
    step = status(roadmap)["steps"][1]
    assert (step["state"], step["done"], step["total"], step["skipped"], step["started"]) == ("in_progress", 0, 3, 1, 1)


def test_skipped_items_leave_the_denominator_and_never_count_as_done(roadmap):
    roadmap("skip", "1.r1", "1.r2")
    data = status(roadmap)
    assert (data["done"], data["total"], data["skipped"], data["percent"]) == (0, 38, 2, 0.0)
    roadmap("check", "1.r3")
    data = status(roadmap)
    assert (data["done"], data["total"], data["percent"]) == (1, 38, 2.6)
    assert "█" in roadmap("status").stdout.splitlines()[3]
    assert "1/5  2 skipped" in roadmap("status").stdout


def test_checking_every_item_marks_the_step_done_and_unchecking_reopens_it(roadmap):
    result = roadmap("check", "2.r1", "2.p1", "2.p2", "--date", "2026-11-10")
    assert (
        result.stderr.splitlines()[-1] == "Step 2 Introduction to Neural Networks is now done: all its items are done."
    )
    assert roadmap.states()["nn-intro"] == "done"
    assert roadmap.query(
        "SELECT day, note, auto FROM event e JOIN item i ON i.id = e.item_id WHERE i.key = 'nn-intro'"
    ) == [("2026-11-10", "all items done", 1)]
    result = roadmap("uncheck", "2.p2")
    assert result.stderr.splitlines()[-1] == "Step 2 Introduction to Neural Networks is now in progress."
    assert roadmap.states()["nn-intro"] == "in_progress"


def test_skipped_items_do_not_block_a_step(roadmap):
    roadmap("skip", "2.p2")
    roadmap("check", "2.r1", "2.p1")
    assert roadmap.states()["nn-intro"] == "done"


def test_a_step_of_only_skipped_items_is_not_done(roadmap):
    roadmap("skip", "2.r1", "2.p1", "2.p2")
    assert "nn-intro" not in roadmap.states()


def test_a_step_checked_directly_is_marked_done_but_ticks_no_item(roadmap):
    roadmap("check", "1.r1")
    roadmap("check", "1")
    data = status(roadmap)
    assert data["steps"][0]["state"] == "done"
    assert data["done"] == 1  # the percentage never counts an unchecked item as done
    line = roadmap("status").stdout.splitlines()[3]
    assert line.startswith("✓ 1. Mathematical Foundations") and "███░░░░░░░░░░░░░░░░░ 1/7  marked done" in line
    # Unchecking an item of a step the learner closed by hand leaves the step closed.
    roadmap("check", "1.r1")
    roadmap("uncheck", "1.r1")
    assert roadmap.states()["math"] == "done"


def test_a_skipped_step_leaves_the_count(roadmap):
    roadmap("skip", "8")
    data = status(roadmap)
    assert (data["total"], data["skipped"]) == (34, 6)
    assert "step skipped" in roadmap("status").stdout


@pytest.mark.parametrize(
    "ref, key",
    [
        ("3", "nn-build"),
        ("3.p2", "nn-build/rebuild-selected-pieces-of-nanogpt-yourself"),
        ("3.r1", "nn-build/neural-networks-zero-to-hero-andrej-karpathy"),
        ("3.R1", "nn-build/neural-networks-zero-to-hero-andrej-karpathy"),
        ("mlops", "mlops"),
        ("math/mathematics-for-machine-learning-book", "math/mathematics-for-machine-learning-book"),
        ("nanogpt", "nn-build/rebuild-selected-pieces-of-nanogpt-yourself"),
        ("CS231N", "specializations/computer-vision-stanford-cs231n-cnns-for-visual"),
        ("d1", "portfolio"),
    ],
)
def test_references_a_person_can_type(roadmap, ref, key):
    roadmap("start", ref)
    assert list(roadmap.states()) == [key]


def test_ambiguous_reference_lists_candidates_and_writes_nothing(roadmap):
    result = roadmap("check", "1.r1", "stanford", code=4)
    assert result.stderr == (
        "Error: 'stanford' matches 5 items: 6.r1 Stanford CS230: Deep Learning; "
        "6.r3 Stanford CS224n: NLP with Deep Learning; "
        "6.p1 Replicate the results of one Stanford course assignment; "
        "8.r1 Computer Vision: Stanford CS231n: CNNs for Visual Recognition; "
        "8.r2 Natural Language Processing: Stanford CS224n: NLP with Deep Learning "
        "(use the reference or more of the title)\n"
    )
    assert roadmap.states() == {}  # 1.r1 was not checked either


@pytest.mark.parametrize(
    "ref, code, message",
    [
        ("9", 3, "Error: no step 9 (`roadmap status` lists the steps)\n"),
        ("3.p9", 3, "Error: no item 3.p9 (`roadmap show 3` lists the items of step 3)\n"),
        ("3.x1", 3, "Error: '3.x1': unknown item letter 'x' (use r (resource), p (project) or q (question))\n"),
        ("d9", 3, "Error: no deliverable d9 (`roadmap status` lists them)\n"),
        (
            "transformerz",
            3,
            "Error: no item matches 'transformerz' (use a step number like 3, a reference like 3.p2, an id, or part of a title)\n",
        ),
        ("1.q1", 2, "Error: 1.q1 is a reflection question (answer it with `roadmap reflect --answer 1.q1 TEXT`)\n"),
    ],
)
def test_unknown_references(roadmap, ref, code, message):
    assert roadmap("check", ref, code=code).stderr == message


def test_close_titles_are_suggested(roadmap):
    result = roadmap("check", "MLOps and Deploymnt", code=3)
    assert result.stderr == "Error: no item matches 'MLOps and Deploymnt' (did you mean: MLOps and Deployment)\n"


def test_bad_date_is_refused_with_the_text(roadmap):
    result = roadmap("check", "1.r1", "--date", "someday", code=2)
    assert result.stderr.startswith("Error: --date: cannot read date 'someday'")
    assert roadmap.states() == {}


def test_history_newest_first(roadmap):
    roadmap("start", "1.p1", "--date", "2026-11-03")
    roadmap("check", "1.p1", "--date", "2026-11-06", "--note", "converged")
    roadmap("check", "2.r1", "--date", "2026-11-04")
    out = roadmap("history").stdout
    assert out.splitlines() == [
        "#2  2026-11-06  done         1.p1 Fit a linear regression with hand-written",
        "                             gradient descent in NumPy — converged",
        "#3  2026-11-04  done         2.r1 What is a Neural Network? (3Blue1Brown)",
        "#1  2026-11-03  in progress  1.p1 Fit a linear regression with hand-written",
        "                             gradient descent in NumPy",
    ]
    data = json.loads(roadmap("history", "1.p1", "--json").stdout)
    assert [(e["day"], e["state"], e["ref"], e["note"]) for e in data] == [
        ("2026-11-06", "done", "1.p1", "converged"),
        ("2026-11-03", "in_progress", "1.p1", None),
    ]
    assert len(json.loads(roadmap("history", "-n", "1", "--json").stdout)) == 1


def test_history_when_empty(roadmap):
    result = roadmap("history")
    assert result.stdout == ""
    assert result.stderr == "No progress recorded yet. Tick something off with `roadmap check 1.r1`.\n"


def test_show_a_step_in_full(roadmap):
    roadmap("check", "2.r1", "--date", "2026-11-04")
    roadmap("skip", "2.p2", "--date", "2026-11-05")
    assert (
        roadmap("show", "2").stdout
        == """\
Step 2: Introduction to Neural Networks  in progress  1/2, 1 skipped
Learn how a neural network is put together (neurons, layers and activations) and
how a forward pass turns inputs into outputs.

Resources
  [x] 2.r1 What is a Neural Network? (3Blue1Brown)  done 2026-11-04
           https://www.youtube.com/watch?v=aircAruvnKk&list=PLZHQObOWTQDNU6R1_67000Dx_ZCJB-3pi

Mini projects
  [ ] 2.p1 Code a two-layer network in plain NumPy without a framework
  [-] 2.p2 Train that network on a toy problem such as XOR or a slice of MNIST
           skipped 2026-11-05

Reflection questions
   2.q1 What would a network lose without non-linear activations?
   2.q2 How does a deep network differ from a shallow one?
"""
    )


def test_show_prints_an_address_whole_at_any_width(roadmap, monkeypatch):
    """An address is never folded mid-way (it could not be copied or clicked); the title and the
    note wrap under the title's column. At 120 columns nothing wraps."""
    roadmap("check", "2.r1", "--date", "2026-11-04")
    monkeypatch.setenv("COLUMNS", "40")
    assert roadmap("show", "2").stdout.splitlines()[7:16] == [
        "Resources",
        "  [x] 2.r1 What is a Neural Network?",
        "           (3Blue1Brown)  done",
        "           2026-11-04",
        "           https://www.youtube.com/watch?v=aircAruvnKk&list=PLZHQObOWTQDNU6R1_67000Dx_ZCJB-3pi",
        "",
        "Mini projects",
        "  [ ] 2.p1 Code a two-layer network in",
        "           plain NumPy without a",
    ]
    monkeypatch.setenv("COLUMNS", "120")
    assert roadmap("show", "2").stdout.splitlines()[5:7] == [
        "  [x] 2.r1 What is a Neural Network? (3Blue1Brown)  done 2026-11-04",
        "           https://www.youtube.com/watch?v=aircAruvnKk&list=PLZHQObOWTQDNU6R1_67000Dx_ZCJB-3pi",
    ]


def test_show_refuses_an_item(roadmap):
    assert (
        roadmap("show", "2.p1", code=2).stderr
        == "Error: 2.p1 is a project, not a step (give a step number such as 3)\n"
    )


def test_status_json_matches_the_store(roadmap):
    roadmap("check", "1.r1", "1.r2", "3.p1", "d4")
    roadmap("skip", "1.p3")
    roadmap("start", "3.r2")
    data = status(roadmap)
    per_step = dict(
        roadmap.query(
            """SELECT s.key, COUNT(*) FROM item i JOIN item s ON s.id = i.step_id
           JOIN event e ON e.id = (SELECT MAX(id) FROM event WHERE item_id = i.id)
           WHERE i.kind IN ('resource', 'project') AND e.state = 'done' GROUP BY s.key"""
        )
    )
    assert {s["id"]: s["done"] for s in data["steps"] if s["done"]} == per_step
    totals = dict(
        roadmap.query(
            """SELECT s.key, COUNT(*) FROM item i JOIN item s ON s.id = i.step_id
           WHERE i.kind IN ('resource', 'project') AND i.archived_at IS NULL GROUP BY s.key"""
        )
    )
    assert {s["id"]: s["total"] for s in data["steps"]} == totals
    assert data["done"] == 3 and data["skipped"] == 1 and data["total"] == 39
    assert data["current"] == 1
    assert data["last_activity"] == roadmap.query("SELECT MAX(day) FROM event")[0][0]
    assert [n["ref"] for n in data["next"]] == ["3.r2", "1.r3", "1.r4", "1.p1", "1.p2"]
    assert [(d["id"], d["count"]) for d in data["deliverables"]] == [
        ("portfolio", 0),
        ("blog-posts", 0),
        ("deployed-llm-app", 0),
        ("cheatsheet", 0),
    ]


# --- the step tally the triggers keep ----------------------------------------------------

TALLY_PLAN = """\
version: 1
title: Tally
steps:
  - id: one
    title: One
    resources: [A, B]
    projects:
      - title: C
        items: [C1, C2]
    questions: [Why?]
  - id: two
    title: Two
    projects: [D]
"""
EDITS = {
    "remove B": lambda text: text.replace("[A, B]", "[A]"),
    "move D to one": lambda text: text.replace("[A, B]", "[A, B, D]").replace("    projects: [D]\n", ""),
    "drop step two": lambda text: text[: text.index("  - id: two")],
    "add E to two": lambda text: text.replace("projects: [D]", "projects: [D, E]"),
    "as it was": lambda text: text,
}


def _recount(ws) -> dict:
    """Each live step's items counted by state, from the items themselves."""
    rows = ws.query(
        """SELECT step_id, SUM(kind IN ('resource', 'project')), SUM(kind IN ('resource', 'project') AND state = 'done'),
                  SUM(kind IN ('resource', 'project') AND state = 'skipped'),
                  SUM(kind IN ('resource', 'project') AND state = 'in_progress'), SUM(kind = 'question')
           FROM item WHERE archived_at IS NULL AND kind != 'step' AND step_id IS NOT NULL GROUP BY step_id"""
    )
    return {r[0]: r[1:] for r in rows}


def _tally(ws) -> dict:
    rows = ws.query("SELECT step_id, total, done, skipped, started, questions FROM step_tally")
    return {r[0]: r[1:] for r in rows if any(r[1:])}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.tuples(
                st.sampled_from(["check", "uncheck", "start", "skip"]), st.sampled_from(["1.r1", "1.p1", "1.p1.2", "2"])
            ),
            st.tuples(st.just("edit"), st.sampled_from(sorted(EDITS))),
        ),
        max_size=10,
    )
)
def test_the_step_tally_always_equals_a_recount(tmp_path_factory, steps):
    ws = workspace_from(tmp_path_factory.mktemp("tally"), TALLY_PLAN)
    for verb, what in steps:
        if verb == "edit":
            (ws.root / "roadmap.yaml").write_text(EDITS[what](TALLY_PLAN))
            ws("sync")
        else:
            ws.cli.invoke(app, ["--workspace", str(ws.root), verb, what])  # a reference an edit removed is refused
        assert _tally(ws) == _recount(ws)


def test_a_step_the_tool_closed_reopens_when_the_plan_adds_an_item(roadmap):
    roadmap("check", "2.r1", "2.p1", "2.p2", "--date", "2026-11-10")
    roadmap("check", "1")  # marked done by hand, with its items to do
    plan = roadmap.root / "roadmap.yaml"
    text = plan.read_text()
    text = text.replace("      - Train that network", "      - Plot its loss curve\n      - Train that network", 1)
    plan.write_text(
        text.replace("      - Fit a linear regression", "      - Derive softmax\n      - Fit a linear regression", 1)
    )
    result = roadmap("status")
    assert result.stderr == (
        "roadmap.yaml changed: 2 added.\nStep 2 Introduction to Neural Networks is now in progress.\n"
    )
    assert roadmap.states()["nn-intro"] == "in_progress"
    assert roadmap.states()["math"] == "done"  # the learner's own mark stands
    assert roadmap.query(
        "SELECT note, auto FROM event e JOIN item i ON i.id = e.item_id WHERE i.key = 'nn-intro' ORDER BY e.id DESC LIMIT 1"
    ) == [("an item was added to roadmap.yaml", 1)]


# --- undo ---------------------------------------------------------------------------------


def test_undo_reverses_the_last_change_and_the_history_keeps_both(roadmap):
    roadmap("start", "2.p1", "--date", "2026-11-03")
    roadmap("check", "2.r1", "2.p1", "2.p2", "--date", "2026-11-10")  # step 2 closes by itself
    result = roadmap("undo")
    assert result.stderr == (
        "Undid #4 on 2.p2 Train that network on a toy problem such as XOR or a slice of MNIST (as #6).\n"
        "2.p2 Train that network on a toy problem such as XOR or a slice of MNIST: done → to do\n"
        "Step 2 Introduction to Neural Networks is now in progress.\n"
    )
    assert roadmap.states()["nn-intro/train-that-network-on-a-toy-problem-such-as-xor"] == "todo"
    events = json.loads(roadmap("history", "--json").stdout)
    assert [(e["id"], e["state"], e["undoes"], e["undone_by"]) for e in events if e["ref"] == "2.p2"] == [
        (6, "todo", 4, None),
        (4, "done", None, 6),
    ]
    # Undone, the change is no progress: not in the report, not activity.
    report = json.loads(roadmap("report", "--since", "2026-11-09", "--until", "2026-11-15", "--json").stdout)
    assert [c["ref"] for c in report["done"]] == ["2.r1", "2.p1"] and report["reopened"] == []
    assert report["activity"]["2026-11-10"] == 2


def test_undo_by_number_goes_back_to_the_state_before_it(roadmap):
    roadmap("start", "1.r1", "--date", "2026-11-03")
    roadmap("check", "1.r1", "--date", "2026-11-04")
    assert roadmap("undo", "1", code=2).stderr == "Error: the item changed again after #1 (undo #2 first)\n"
    roadmap("undo", "#2")
    assert roadmap.states()["math/probability-statistics-for-machine-learning"] == "in_progress"
    assert roadmap("undo", "2", code=2).stderr == "Error: #2 is already undone (by #3)\n"
    assert roadmap("undo", "99", code=3).stderr.startswith("Error: no change #99")
    assert roadmap("undo", "soon", code=2).stderr.startswith("Error: 'soon' is not a change number")


def test_undo_walks_back_and_refuses_the_tools_own_changes(roadmap):
    assert roadmap("undo", code=2).stderr.startswith("Error: there is no change to undo")
    roadmap("check", "2.r1", "2.p1", "2.p2")
    assert roadmap("undo", "4", code=2).stderr.startswith("Error: #4 was made by the tool")
    for _ in range(3):
        roadmap("undo")
    assert roadmap.states() == dict.fromkeys(roadmap.states(), "todo")
    assert roadmap("undo", code=2).stderr.startswith("Error: there is no change to undo")


# What `status` lists next, as the first version of the query found it: every live item sorted.
_NEXT_REFERENCE = """SELECT i.id FROM item i JOIN item s ON s.id = i.step_id
    WHERE i.roadmap_id = 1 AND i.kind IN ('resource', 'project') AND i.archived_at IS NULL
      AND i.state IN ('todo', 'in_progress') AND s.state NOT IN ('done', 'skipped')
      AND (i.state = 'in_progress' OR s.position >= ?)
    ORDER BY i.state = 'todo', i.seq LIMIT ?"""

_REFS = [f"{s}.{k}{n}" for s in (1, 2, 3) for k, n in (("r", 1), ("r", 2), ("r", 3), ("p", 1))]
_moves = st.lists(
    st.tuples(st.sampled_from(["check", "start", "skip", "uncheck"]), st.sampled_from([*_REFS, "1", "2", "3"])),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=_moves)
def test_what_comes_next_is_what_sorting_every_item_gives(roadmap, moves):
    for command, ref in moves:
        roadmap.cli.invoke(app, ["--workspace", str(roadmap.root), command, ref])  # some are refused: fine
    data = status(roadmap)
    if data["current"] is None:
        assert data["next"] == []
        return
    ids = [r[0] for r in roadmap.query(_NEXT_REFERENCE, data["current"], 5)]
    db = sqlite3.connect(roadmap.db_path)
    try:
        shown = refs(db, ids)
    finally:
        db.close()
    assert [n["ref"] for n in data["next"]] == [shown[i] for i in ids]


def test_status_keeps_titles_readable_when_one_step_has_long_notes(roadmap, monkeypatch):
    """One step's notes ("1 skipped  marked done  q 0/3") used to shrink every title to make room;
    now they go on a line of their own under that step, and at 120 columns on its line."""
    roadmap("check", "1.r1", "1.r2", "1.r3", "1.p1", "1.p2", "1.p3", "--date", "2026-11-05")
    roadmap("skip", "1.r4")
    roadmap("check", "3")
    roadmap("skip", "3.r1")
    monkeypatch.setenv("COLUMNS", "80")
    assert roadmap("status").stdout.splitlines()[3:8] == [
        "✓ 1. Mathematical Foundations     ████████████████████ 6/6  1 skipped  q 0/3",
        "▶ 2. Introduction to Neural Netw… ░░░░░░░░░░░░░░░░░░░░ 0/3  q 0/2",
        "✓ 3. Building Neural Networks an… ░░░░░░░░░░░░░░░░░░░░ 0/4",
        "     1 skipped  marked done  q 0/3",
        "  4. Practical Applications of L… ░░░░░░░░░░░░░░░░░░░░ 0/5  q 0/2",
    ]
    monkeypatch.setenv("COLUMNS", "120")
    shown = roadmap("status").stdout.splitlines()
    assert shown[5] == (
        "✓ 3. Building Neural Networks and Transformers  ░░░░░░░░░░░░░░░░░░░░ 0/4  1 skipped  marked done  q 0/3"
    )
    assert all(len(line) <= 120 for line in shown)
