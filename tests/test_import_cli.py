"""`roadmap import`: a Markdown roadmap becomes roadmap.yaml; ticked boxes become progress."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roadmap_tracker.cli import app
from roadmap_tracker.plan.roadmap_file import load_roadmap

from conftest import CORPUS, SHARED, TODAY, Runner, from_shared, workspace_from

README = """\
# Learn ML

## Progress Tracking

- [x] Step 1: Maths
- [ ] Step 2: Models

## Step 1: Maths

**Objective:** Numbers first.

**Resources**
- [x] [Linear algebra](https://example.com/la)
- [ ] [Calculus](https://example.com/calc)

**Mini Projects**
- [x] Fit a line

## Step 2: Models

- [ ] Train a tree
- [x] Why do trees overfit?

## License

MIT
"""

PLAN = """\
title: Learn ML
steps:
- id: maths
  title: Maths
  objective: Numbers first.
  resources:
  - title: Linear algebra
    url: https://example.com/la
  - title: Calculus
    url: https://example.com/calc
  projects:
  - Fit a line
- id: models
  title: Models
  projects:
  - Train a tree
  questions:
  - Why do trees overfit?
deliverables: []
"""


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def files(root: Path) -> list[str]:
    """What is in the directory, less the home directory the test fixture makes there."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.relative_to(root).parts[0] != "home")


def test_outside_a_workspace_import_creates_one(tmp_path):
    (tmp_path / "README.md").write_text(README)
    result = run("import", "README.md", "--date", "2026-11-20")
    assert result.stdout == ""
    assert result.stderr == (
        f"Imported README.md: 2 steps, 5 items, 4 checked boxes. Created a workspace: {tmp_path / 'roadmap.yaml'} "
        "and its progress store.\n"
        "Recorded 3 ticked boxes as done (note: imported from README.md).\n"
        "Not recorded: 1 ticked reflection question (answers are progress there: `roadmap reflect`).\n"
        "2 lines not imported; --verbose lists them.\n"
    )
    assert (tmp_path / "roadmap.yaml").read_text() == f"version: 1\nstarted: {TODAY}\n{PLAN}"
    ws = Runner(tmp_path)
    assert ws.states() == {"maths": "done", "maths/linear-algebra": "done", "maths/fit-a-line": "done"}
    assert ws.query("SELECT DISTINCT day, note FROM event") == [("2026-11-20", "imported from README.md")]
    assert {"notes", ".roadmap/roadmap.db"} <= set(files(tmp_path))


def test_output_file_only_writes_the_plan(tmp_path):
    (tmp_path / "README.md").write_text(README)
    result = run("import", "README.md", "-o", "plan.yaml")
    assert result.stderr.startswith(
        "Imported README.md: 2 steps, 5 items, 4 checked boxes. Wrote plan.yaml.\n"
        "Checked boxes become progress only when importing into a workspace's "
        "roadmap.yaml.\n"
    )
    assert (tmp_path / "plan.yaml").read_text() == "version: 1\n" + PLAN
    assert files(tmp_path) == ["README.md", "plan.yaml"]
    again = run("import", "README.md", "-o", "plan.yaml", code=4)
    assert again.stderr == "Error: plan.yaml already exists (pass --force to replace it)\n"
    run("import", "README.md", "-o", "plan.yaml", "--force")
    assert run("import", "README.md", "-o", "-").stdout == "version: 1\n" + PLAN


MINE = """\
# Deep learning

## Step 1: Mathematical Foundations

**Resources**
- [x] [Probability & Statistics for Machine Learning](https://www.youtube.com/watch?v=DCZSkoVvkQI)
- [ ] [Mathematics for Machine Learning (Book)](https://mml-book.com/)
"""


def test_into_a_workspace_it_merges_by_id_and_keeps_progress(tmp_path):
    # The workspace came from this README; the README grew since, as a learner's does.
    readme = tmp_path / "README.md"
    readme.write_text(MINE)
    ws = Runner(tmp_path / "ws")
    ws("import", str(readme), "--date", "2026-11-03")
    ws("check", "1.r2", "--date", "2026-11-05", "--note", "by hand")
    before = (ws.root / "roadmap.yaml").read_text()
    readme.write_text(
        MINE.replace("- [ ] [Mathematics", "- [x] [Mathematics")
        + "- [x] [Seeing Theory](https://seeing-theory.brown.edu/)\n\n## Step 9: Research Papers\n\n"
        "- [ ] Read Attention Is All You Need\n"
    )
    result = ws("import", str(readme), "--date", "2026-11-21")
    kept = list((ws.root / ".roadmap" / "backups").glob("roadmap-*-before-import.yaml"))
    assert len(kept) == 1 and kept[0].read_text() == before
    assert result.stderr == (
        f"Imported README.md: 2 steps, 4 items, 3 checked boxes. Merged into {ws.root / 'roadmap.yaml'}: "
        "1 new step, 2 new items.\n"
        f"Kept the previous roadmap.yaml as {kept[0]} (comments in it were not carried over).\n"
        "Recorded 1 ticked box as done (note: imported from README.md); 2 already were.\n"
    )
    plan = load_roadmap(ws.root / "roadmap.yaml")
    assert [s.id for s in plan.steps] == ["mathematical-foundations", "research-papers"]
    assert [r.title for r in plan.steps[0].resources][-1] == "Seeing Theory"
    events = ws.query(
        "SELECT i.key, e.day, e.note FROM event e JOIN item i ON i.id = e.item_id WHERE e.auto = 0 ORDER BY e.id"
    )
    assert events == [
        (
            "mathematical-foundations/probability-statistics-for-machine-learning",
            "2026-11-03",
            "imported from README.md",
        ),
        ("mathematical-foundations/mathematics-for-machine-learning-book", "2026-11-05", "by hand"),
        ("mathematical-foundations/seeing-theory", "2026-11-21", "imported from README.md"),
    ]
    # The same file again adds nothing: no new backup, no new events.
    again = ws("import", str(readme))
    assert (
        "0 new steps, 0 new items.\nRecorded 0 ticked boxes as done (note: imported from README.md); 3 already were.\n"
        in again.stderr
    )
    assert len(list((ws.root / ".roadmap" / "backups").iterdir())) == 1
    assert len(ws.query("SELECT id FROM event WHERE auto = 0")) == 3


def test_the_bundled_plan_refuses_a_readme_written_from_the_same_sources(roadmap):
    # The bundled plan words its projects and questions its own way: a README with the same
    # steps and resources shares no id with it, and merging would add every item a second time.
    readme = roadmap.root.parent / "README.md"
    readme.write_text(MINE)
    before = roadmap.dump()
    result = roadmap("import", str(readme), code=4)
    assert result.stderr.startswith(
        f"Error: {roadmap.root / 'roadmap.yaml'} holds another roadmap: most steps of README.md"
    )
    assert roadmap.dump() == before


def test_force_on_a_workspace_replaces_the_steps_and_keeps_history(roadmap, tmp_path):
    roadmap("check", "1.r1", "--date", "2026-11-05")
    (tmp_path / "README.md").write_text(README)
    roadmap("import", str(tmp_path / "README.md"), "--force")
    plan = load_roadmap(roadmap.root / "roadmap.yaml")
    assert [s.title for s in plan.steps] == ["Maths", "Models"] and len(plan.deliverables) == 4
    archived = roadmap.query(
        "SELECT state FROM item WHERE key = 'math/probability-statistics-for-machine-learning'"
        " AND archived_at IS NOT NULL"
    )
    assert archived == [("done",)]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            b"Just a paragraph.\n\n- and a list\n",
            "README.md has no Markdown headings ('# Title'); steps are made from headings",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "README.md looks like a binary file (it contains NUL bytes), not Markdown",
        ),
        (b"# Title\n\n" + b"x" * (6 * 1024 * 1024), "README.md is 6.0 MiB; the importer reads up to 5 MiB"),
        (b"# Title\n\nOnly words here.\n", "README.md has headings but no lists, links or tables under them to import"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, content, problem):
    (tmp_path / "README.md").write_bytes(content)
    result = run("import", "README.md", code=2)
    assert result.stderr == f"Error: {problem}\n"
    assert files(tmp_path) == ["README.md"]


def test_a_plan_that_would_not_load_is_never_written(tmp_path, monkeypatch):
    from roadmap_tracker.exchange import importing
    from roadmap_tracker.exchange.markdown.reader import ImportReport

    bad = {"version": 1, "title": "T", "steps": [{"id": "1", "title": "Numbered", "projects": ["P"]}]}
    monkeypatch.setattr(importing, "read_markdown", lambda path: (bad, {}, ImportReport(1, 1, 0)))
    (tmp_path / "README.md").write_text("# T\n")
    for args in (["import", "README.md"], ["import", "README.md", "-o", "x.yaml"]):
        result = run(*args, code=2)
        assert "id '1' looks like a step number" in result.stderr
    assert files(tmp_path) == ["README.md"]


def test_markdown_export_imports_back_to_the_same_steps_items_and_states(roadmap, tmp_path):
    roadmap("check", "1.r1", "1.r2", "1.r3", "1.r4", "1.p1", "1.p2", "1.p3", "2.p1", "--date", "2026-11-20")
    roadmap("skip", "3.r1", "--date", "2026-11-21")
    roadmap("reflect", "--answer", "1.q1", "They spread belief over outcomes.")
    roadmap("link", "2.p1", "https://github.com/ada/two-layer")
    (tmp_path / "README.md").write_text(roadmap("export").stdout)
    copy = Runner(tmp_path / "copy")
    copy("import", str(tmp_path / "README.md"))

    def outline(ws: Runner) -> list[tuple]:
        steps = ws.query("SELECT id, title FROM item WHERE kind = 'step' ORDER BY position")
        return [
            (title, ws.query("SELECT kind, title FROM item WHERE step_id = ? AND id != ? ORDER BY seq", sid, sid))
            for sid, title in steps
        ]

    def done(ws: Runner) -> set[str]:
        return {t for (t,) in ws.query("SELECT title FROM item WHERE state = 'done' AND kind != 'deliverable'")}

    assert outline(copy) == outline(roadmap)
    assert (
        done(copy)
        == done(roadmap)
        == {
            "Mathematical Foundations",
            "Probability & Statistics for Machine Learning",
            "Mathematics for Machine Learning (Book)",
            "3Blue1Brown - Essence of Linear Algebra",
            "3Blue1Brown - Essence of Calculus",
            "Fit a linear regression with hand-written gradient descent in NumPy",
            "Plot how a 2x2 matrix transforms the plane",
            "Graph x squared and sin(x) together with their derivatives and gradients",
            "Code a two-layer network in plain NumPy without a framework",
        }
    )


def test_largest_corpus_file_imports_to_a_plan_that_loads(tmp_path):
    largest = max(from_shared(CORPUS / "roadmaps").glob("*.md"), key=lambda p: p.stat().st_size)
    result = run("import", str(largest), "-o", "plan.yaml", "--force")
    plan = load_roadmap(tmp_path / "plan.yaml")
    assert result.stderr.startswith(f"Imported {largest.name}: {len(plan.steps)} steps, ")
    # Without --verbose the lines left out are counted; with it every one is listed, none cut short.
    [count] = re.findall(r"^(\d+) lines not imported; --verbose lists them\.$", result.stderr, re.M)
    assert "not imported: line" not in result.stderr
    verbose = run("import", str(largest), "-o", "-", "--verbose").stderr.splitlines()
    listed = [line for line in verbose if line.startswith("not imported: line ")]
    assert len(listed) == int(count) > 100 and verbose[-1] == f"{count} lines not imported."
    assert not any("more" in line and "…" in line and not line.startswith("not imported: line") for line in verbose)


# --- keeping every line -------------------------------------------------------------------------

MIXED = "# My plan\n\n## Step 1: Basics\n\n**Mini Projects**\n- [x] Project A\n- Project B\n- Project C\n"


def test_plain_bullets_beside_a_ticked_box_are_imported_to_do(tmp_path):
    (tmp_path / "m.md").write_text(MIXED)
    result = run("import", "m.md", "-o", "-")
    assert result.stdout == (
        "version: 1\ntitle: My plan\nsteps:\n- id: basics\n  title: Basics\n  projects:\n"
        "  - Project A\n  - Project B\n  - Project C\ndeliverables: []\n"
    )
    assert result.stderr == (
        "Imported m.md: 1 step, 3 items, 1 checked box. Wrote stdout.\n"
        "Checked boxes become progress only when importing into a workspace's roadmap.yaml.\n"
    )
    run("import", "m.md", "--date", "2026-11-20")
    ws = Runner(tmp_path)
    assert ws.query("SELECT key, state FROM item WHERE kind = 'project' ORDER BY seq") == [
        ("basics/project-a", "done"),
        ("basics/project-b", "todo"),
        ("basics/project-c", "todo"),
    ]


def test_verbose_lists_every_line_not_imported_with_its_number(tmp_path):
    (tmp_path / "README.md").write_text(README)
    result = run("import", "README.md", "-o", "-", "--verbose")
    assert result.stderr.splitlines()[-3:] == [
        'not imported: line 24: ## License ("License" is not a learning step)',
        'not imported: line 26: MIT ("License" is not a learning step)',
        "2 lines not imported.",
    ]
    one = run("import", "-o", "-", str(tmp_path / "README.md"), "-v", "--date", "2026-11-20")
    assert one.stderr == result.stderr


def test_a_plan_sharing_nothing_with_the_file_is_not_merged_into(roadmap, tmp_path):
    roadmap("check", "1.r1", "--date", "2026-11-05")
    before = (roadmap.root / "roadmap.yaml").read_text()
    (tmp_path / "m.md").write_text(MIXED)
    result = roadmap("import", str(tmp_path / "m.md"), code=4)
    assert result.stderr == (
        f"Error: {roadmap.root / 'roadmap.yaml'} holds another roadmap: most steps of m.md share no step or item with it "
        f"(import it into a new workspace with `roadmap import {tmp_path / 'm.md'} --workspace NEWDIR`, "
        "or pass --replace to replace this plan's steps)\n"
    )
    assert (roadmap.root / "roadmap.yaml").read_text() == before
    assert not (roadmap.root / ".roadmap" / "backups").exists() or not any(
        (roadmap.root / ".roadmap" / "backups").glob("roadmap-*")
    )
    # What the message offers: a new workspace...
    fresh = Runner(tmp_path / "mine")
    fresh("import", str(tmp_path / "m.md"), "--date", "2026-11-20")
    assert fresh.states() == {"basics/project-a": "done"}
    # ...or --replace, which keeps the header and the deliverables, and all history.
    roadmap("import", str(tmp_path / "m.md"), "--replace", "--date", "2026-11-20")
    plan = load_roadmap(roadmap.root / "roadmap.yaml")
    assert [s.title for s in plan.steps] == ["Basics"] and len(plan.deliverables) == 4
    assert roadmap.states() == {
        "math/probability-statistics-for-machine-learning": "done",
        "basics/project-a": "done",
    }


def test_replace_keeps_the_progress_of_every_id_that_survives(tmp_path):
    plan = "version: 1\ntitle: T\nsteps:\n  - id: basics\n    title: Basics\n    projects: [Project A, Old one]\n"
    ws = workspace_from(tmp_path, plan)
    ws("check", "Project A", "--date", "2026-11-05")
    ws("start", "Old one", "--date", "2026-11-06")
    (tmp_path / "m.md").write_text(MIXED)
    ws("import", str(tmp_path / "m.md"), "--replace", "--date", "2026-11-20")
    assert ws.query("SELECT key, state, archived_at IS NOT NULL FROM item WHERE kind = 'project' ORDER BY key") == [
        ("basics/old-one", "in_progress", 1),
        ("basics/project-a", "done", 0),
        ("basics/project-b", "todo", 0),
        ("basics/project-c", "todo", 0),
    ]
    assert ws.query("SELECT day FROM event e JOIN item i ON i.id = e.item_id WHERE i.key = 'basics/project-a'") == [
        ("2026-11-05",)
    ]


def test_seed_readme_deliverables_reach_the_workspace(tmp_path):
    seed = from_shared(SHARED / "seeds" / "002_6f6306d0362af5e5.txt")
    ws = Runner(tmp_path / "mine")
    result = ws("import", str(seed))
    assert result.stderr.startswith(
        f"Imported {seed.name}: 8 steps, 56 items, 0 checked boxes, 4 deliverables. Created a workspace: "
    )
    assert result.stderr.endswith("9 lines not imported; --verbose lists them.\n")
    status = json.loads(ws("status", "--json").stdout)
    assert [(d["title"], d["target"], d["max"], d["rule"]) for d in status["deliverables"]] == [
        ("A portfolio with 5–7 mini-projects.", 5, 7, "done-projects"),
        ("At least 3 blog posts explaining core concepts.", 3, None, "links"),
        ("One deployed LLM application.", 1, None, "links"),
        ("A personal cheatsheet of formulas, concepts, and reusable code snippets.", 1, None, "checked"),
    ]
    shown = ws("show", "8").stdout
    assert "Computer Vision: Stanford CS231n: CNNs for Visual Recognition" in shown


NOTED = """\
# Learn ML

## Step 1: Maths

- [x] [Linear algebra](https://example.com/la)
  - took two weeks, worth it
- [ ] Calculus

      update: paused until the exam is over
"""


def test_an_items_note_is_stored_exported_and_read_back(tmp_path):
    (tmp_path / "README.md").write_text(NOTED)
    ws = Runner(tmp_path / "ws")
    assert ws("import", str(tmp_path / "README.md"), "--date", "2026-11-20").stderr.count("not imported") == 0
    assert ws.query("SELECT key, body FROM item WHERE kind = 'resource' OR kind = 'project' ORDER BY seq") == [
        ("maths/linear-algebra", "took two weeks, worth it"),
        ("maths/calculus", "update: paused until the exam is over"),
    ]
    assert "note: took two weeks, worth it\n" in (ws.root / "roadmap.yaml").read_text()
    exported = ws("export", "--no-diary").stdout
    assert (
        "- [x] [Linear algebra](https://example.com/la)\n  > done 2026-11-20\n  >\n  > took two weeks, worth it\n"
        "\n**Mini Projects**\n\n- [ ] Calculus\n  > update: paused until the exam is over\n"
    ) in exported
    (tmp_path / "export.md").write_text(exported)
    copy = Runner(tmp_path / "copy")
    copy("import", str(tmp_path / "export.md"))
    notes = "SELECT title, body, state FROM item WHERE kind IN ('resource', 'project') ORDER BY seq"
    assert copy.query(notes) == ws.query(notes)
    assert copy("export", "--no-diary").stdout == exported  # the same bytes once more: a fixed point


def test_show_prints_an_items_note_under_it():
    from rich.console import Console

    from roadmap_tracker.progress.status import ShownItem, StepDetail, StepStatus
    from roadmap_tracker.render.progress import step_view

    step = StepStatus(1, "maths", "Maths", "todo", 0, 1, 0, 0, 0, 0)
    item = ShownItem("1.p1", "project", "Calculus", None, "todo", None, 0, "maths/calculus", "paused until May")
    console = Console(width=80, no_color=True, record=True)
    console.print(step_view(StepDetail(step, None, [item], {})))
    shown = [line.rstrip() for line in console.export_text().splitlines()]
    assert shown[-2:] == ["  [ ] 1.p1 Calculus", "           paused until May"]
    # An item without a note shows as before.
    console = Console(width=80, no_color=True, record=True)
    console.print(step_view(StepDetail(step, None, [ShownItem(*item[:8])], {})))
    assert console.export_text().splitlines()[-1].rstrip() == "  [ ] 1.p1 Calculus"


def test_roadmap_show_prints_an_imported_note(tmp_path):
    (tmp_path / "README.md").write_text(NOTED)
    ws = Runner(tmp_path / "ws")
    ws("import", str(tmp_path / "README.md"))
    assert "took two weeks, worth it" in ws("show", "1").stdout


ROUND_TRIP_PLAN = """\
version: 1
title: Round trip
steps:
  - id: basics
    title: Basics
    resources:
      - title: Course
        url: https://example.com/course
        note: the first four weeks only
      - title: Book
        url: https://example.com/book
    projects:
      - id: fit
        title: Fit a line
        items:
          - Plot the residuals
      - Skip me
      - Under way
  - id: nets
    title: Nets
    projects:
      - Two layer net
      - Three layer net
deliverables:
  - id: portfolio
    title: Portfolio
    target: 2
    max: 3
    rule: done-projects
  - id: blog
    title: Blog posts
    target: 3
    rule: links
    link_kind: blog
  - id: cheatsheet
    title: Cheatsheet
    target: 1
    rule: checked
"""


def test_export_then_import_keeps_states_days_notes_and_deliverables(tmp_path):
    ws = workspace_from(tmp_path, ROUND_TRIP_PLAN)
    ws("check", "Course", "fit", "--date", "2026-11-03")
    ws("skip", "Skip me", "--date", "2026-11-05")
    ws("start", "Under way", "2.p1", "--date", "2026-11-10")
    ws("skip", "2.p2", "--date", "2026-11-11")
    ws("check", "cheatsheet", "--date", "2026-11-12")
    (tmp_path / "README.md").write_text(ws("export").stdout)
    copy = Runner(tmp_path / "copy")
    result = copy("import", str(tmp_path / "README.md"))
    assert result.stderr == (
        "Imported README.md: 2 steps, 8 items, 3 checked boxes, 2 skipped, 2 in progress, 3 deliverables. "
        f"Created a workspace: {copy.root / 'roadmap.yaml'} and its progress store.\n"
        "Recorded 3 ticked boxes as done (note: imported from README.md).\n"
        "Recorded 2 items as skipped and 2 as in progress.\n"
    )

    def status(runner: Runner) -> tuple:
        s = json.loads(runner("status", "--json").stdout)
        steps = [{k: v for k, v in x.items() if k != "id"} for x in s["steps"]]
        return steps, [{k: v for k, v in d.items() if k != "id"} for d in s["deliverables"]], s["percent"]

    def items(runner: Runner) -> list[tuple]:
        return runner.query(
            "SELECT kind, title, url, body, state, state_day FROM item WHERE kind != 'step' ORDER BY seq"
        )

    assert status(copy) == status(ws)
    assert items(copy) == items(ws)

    # The deliverables' settings, link_kind included (status does not show it); ids come from the titles.
    def deliverables(runner: Runner) -> list[dict]:
        return [d.model_dump(exclude={"id"}) for d in load_roadmap(runner.root / "roadmap.yaml").deliverables]

    assert deliverables(copy) == deliverables(ws)


def test_init_then_importing_ones_own_readme_is_refused_not_merged(roadmap, tmp_path):
    # The bundled plan and the seed README share their resources but word everything else their
    # own way: merging gave 39 near-duplicates. One step of eight shares an id: refused.
    readme = tmp_path / "README.md"
    readme.write_bytes(from_shared(SHARED / "seeds" / "002_6f6306d0362af5e5.txt").read_bytes())
    before = (roadmap.root / "roadmap.yaml").read_text(), roadmap.dump()
    result = roadmap("import", str(readme), code=4)
    assert "holds another roadmap: most steps of README.md share no step or item with it" in result.stderr
    assert ((roadmap.root / "roadmap.yaml").read_text(), roadmap.dump()) == before
    replaced = roadmap("import", str(readme), "--replace")
    assert "Replaced the steps of" in replaced.stderr
