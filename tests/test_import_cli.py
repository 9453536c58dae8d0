"""`roadmap import`: a Markdown roadmap becomes roadmap.yaml; ticked boxes become progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roadmap_tracker.cli import app
from roadmap_tracker.plan.roadmap_file import load_roadmap

from conftest import CORPUS, TODAY, Runner

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
        'not imported: line 24: "License" is not a learning step: 1 paragraph not imported\n'
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


def test_into_a_workspace_it_merges_by_id_and_keeps_progress(roadmap):
    roadmap("check", "1.r1", "--date", "2026-11-05", "--note", "by hand")
    before = (roadmap.root / "roadmap.yaml").read_text()
    readme = roadmap.root.parent / "README.md"
    readme.write_text("""\
# Deep learning

## Step 1: Mathematical Foundations

**Resources**
- [x] [Probability & Statistics for Machine Learning](https://www.youtube.com/watch?v=DCZSkoVvkQI)
- [x] [Mathematics for Machine Learning (Book)](https://mml-book.com/)
- [x] [Seeing Theory](https://seeing-theory.brown.edu/)

## Step 9: Research Papers

- [ ] Read Attention Is All You Need
""")
    result = roadmap("import", str(readme), "--date", "2026-11-21")
    kept = list((roadmap.root / ".roadmap" / "backups").glob("roadmap-*-before-import.yaml"))
    assert len(kept) == 1 and kept[0].read_text() == before
    assert result.stderr == (
        f"Imported README.md: 2 steps, 4 items, 3 checked boxes. Merged into {roadmap.root / 'roadmap.yaml'}: "
        "1 new step, 2 new items.\n"
        f"Kept the previous roadmap.yaml as {kept[0]} (comments in it were not carried over).\n"
        "Recorded 2 ticked boxes as done (note: imported from README.md); 1 already was.\n"
    )
    plan = load_roadmap(roadmap.root / "roadmap.yaml")
    assert [s.id for s in plan.steps][-2:] == ["specializations", "research-papers"]
    assert [r.title for r in plan.steps[0].resources][-1] == "Seeing Theory"
    assert plan.started == date(2026, 11, 2) and plan.title == "Neural Networks and Large Language Models"
    events = roadmap.query("SELECT i.key, e.day, e.note FROM event e JOIN item i ON i.id = e.item_id ORDER BY e.id")
    assert events == [
        ("math/probability-statistics-for-machine-learning", "2026-11-05", "by hand"),
        ("math/mathematics-for-machine-learning-book", "2026-11-21", "imported from README.md"),
        ("math/seeing-theory", "2026-11-21", "imported from README.md"),
    ]
    # The same file again adds nothing: no new backup, no new events.
    again = roadmap("import", str(readme))
    assert (
        "0 new steps, 0 new items.\nRecorded 0 ticked boxes as done (note: imported from README.md); 3 already were.\n"
        in again.stderr
    )
    assert len(list((roadmap.root / ".roadmap" / "backups").iterdir())) == 1
    assert len(roadmap.query("SELECT id FROM event")) == 3


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
    corpus = CORPUS / "roadmaps"
    if not corpus.is_dir():
        pytest.skip("the shared corpus is not here")
    largest = max(corpus.glob("*.md"), key=lambda p: p.stat().st_size)
    result = run("import", str(largest), "-o", "plan.yaml", "--force")
    plan = load_roadmap(tmp_path / "plan.yaml")
    assert result.stderr.startswith(f"Imported {largest.name}: {len(plan.steps)} steps, ")
    assert result.stderr.count("\nnot imported: ") <= 11  # a long list is cut short, with a count
