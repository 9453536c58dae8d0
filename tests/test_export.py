"""`roadmap export`: a README that reads like the learner's own, and a complete JSON backup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from roadmap_tracker.cli import app
from roadmap_tracker.store.migrations import MIGRATIONS

from conftest import Runner, workspace_from

PLAN = """\
version: 1
title: "Tiny *ML* roadmap"
started: 2026-11-02
steps:
  - id: basics
    title: Basics
    objective: Learn the <basics> | fast.
    resources:
      - title: "Course ] part [1]"
        url: https://example.com/course
      - title: Book
        url: https://example.com/book
    projects:
      - id: fit
        title: Fit a line
        items:
          - Plot the residuals
      - Skip me
    questions:
      - id: why
        title: Why does it work?
      - Still open?
  - id: nets
    title: Nets
    projects:
      - Two layer net
deliverables:
  - id: portfolio
    title: Portfolio
    target: 1
    rule: done-projects
"""

MARKDOWN = r"""# Tiny \*ML\* roadmap

**Progress:** 40% done (2 of 5 items, 1 skipped). Started 2026-11-02.

## Progress Tracking

- [ ] Step 1: Basics (2 of 4 done, 1 skipped)
- [ ] Step 2: Nets (0 of 1 done)

---

## Step 1: Basics

**Objective:** Learn the \<basics\> \| fast.

**Resources**

- [x] [Course \] part \[1\]](https://example.com/course)
  > done 2026-11-03
- [ ] [Book](https://example.com/book)

**Mini Projects**

- [x] Fit a line
  > done 2026-11-04 · [my repo](https://github.com/ada/fit) · notebook: notes/fit.ipynb
  - [ ] Plot the residuals
- [ ] ~~Skip me~~ (skipped)
  > skipped 2026-11-05

**Reflection Questions**

- Why does it work?
  > 2026-11-06: Because maths.\
  > Really.
- Still open?

---

## Step 2: Nets

**Mini Projects**

- [ ] Two layer net (in progress)
  > started 2026-11-10

---

## Final Deliverables

- [x] Portfolio: 1/1 — done mini projects

Linked to the roadmap: [blog](https://ada.example.com/blog)

---

## Notes and Reflections

### Week 2 (2026-11-09 to 2026-11-15)

Step: Basics

**Key concepts**

- backprop

### Week 1 (2026-11-02 to 2026-11-08)

Step: Basics

**Key concepts**

- gradients

**Experiments**

- lr 0.1 → diverged (loss: nan)

**Open questions**

- [x] Why diverge? (answered 2026-11-12: too high a rate · [link](https://example.com/lr))
"""


def tiny_workspace(root: Path, plan: str = PLAN) -> Runner:
    """The small fixed workspace the exact-output tests use, built through the CLI."""
    source = root.parent / f"{root.name}-plan.yaml"
    source.write_text(plan)
    result = CliRunner().invoke(app, ["init", str(root), "--from", str(source), "--start", "2026-11-02"])
    assert result.exit_code == 0, result.stderr
    ws = Runner(root)
    ws("check", "1.r1", "--date", "2026-11-03")
    ws("check", "fit", "--date", "2026-11-04")
    ws("skip", "Skip me", "--date", "2026-11-05")
    ws("start", "2.p1", "--date", "2026-11-10")
    ws("link", "fit", "https://github.com/ada/fit", "--title", "my repo")
    (root / "notes" / "fit.ipynb").write_text("{}")
    ws("link", "fit", str(root / "notes" / "fit.ipynb"))
    ws("link", "-", "https://ada.example.com/blog", "--kind", "blog")
    ws("reflect", "--answer", "1.q1", "Because maths.\nReally.", "--date", "2026-11-06")
    ws(
        "log",
        "--date",
        "2026-11-04",
        "-c",
        "gradients",
        "-e",
        "lr 0.1",
        "-r",
        "diverged",
        "--metric",
        "loss=nan",
        "-q",
        "Why diverge?",
    )
    ws("log", "--date", "2026-11-11", "-c", "backprop")
    ws("questions", "answer", "q1", "too high a rate", "--link", "https://example.com/lr", "--date", "2026-11-12")
    return ws


@pytest.fixture
def tiny(tmp_path) -> Runner:
    return tiny_workspace(tmp_path / "tiny")


def test_markdown_export_of_a_small_workspace(tiny):
    result = tiny("export")
    assert result.stdout == MARKDOWN
    assert result.stderr == ""


def test_same_data_same_bytes_and_stamp_only_when_asked(tiny):
    assert tiny("export").stdout == tiny("export").stdout
    assert tiny("export", "--format", "json").stdout == tiny("export", "--format", "json").stdout
    stamped = tiny("export", "--stamp").stdout.splitlines()
    assert stamped[4].startswith("Exported 20") and stamped[:4] == MARKDOWN.splitlines()[:4]
    assert '"exported_at": "20' in tiny("export", "--format", "json", "--stamp").stdout
    assert "exported_at" not in tiny("export", "--format", "json").stdout


def test_markdown_renders_as_task_lists_without_raw_html(tiny):
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(tiny("export").stdout)
    assert "<basics>" not in html and "&lt;basics&gt;" in html
    assert '<a href="https://example.com/course">Course ] part [1]</a>' in html
    assert html.count("<h2>") == 5  # progress, two steps, deliverables, diary: no stray heading


def test_no_diary_and_one_step(tiny):
    no_diary = tiny("export", "--no-diary").stdout
    assert no_diary == MARKDOWN[: MARKDOWN.index("\n---\n\n## Notes and Reflections")]
    step = tiny("export", "--step", "2").stdout
    assert (
        step
        == """\
# Tiny \\*ML\\* roadmap

**Progress:** 40% done (2 of 5 items, 1 skipped). Started 2026-11-02.

---

## Step 2: Nets

**Mini Projects**

- [ ] Two layer net (in progress)
  > started 2026-11-10
"""
    )  # no diary week is about step 2
    assert "### Week 1" in tiny("export", "--step", "basics").stdout
    assert tiny("export", "--step", "1.p1", code=2).stderr == "Error: --step 1.p1: 1.p1 is a project, not a step\n"


@pytest.mark.parametrize(
    ("target", "what"),
    [
        (".roadmap/roadmap.db", "is the progress store"),
        (".roadmap/roadmap.db-wal", "is the progress store's journal"),
        ("roadmap.yaml", "is the plan, roadmap.yaml"),
        ("notes/week1.md", "is in the diary's folder"),
        ("notes/new.md", "is in the diary's folder"),
        (".roadmap/backups/x.json", "is in the store's folder"),
        ("history/x.jsonl", "is in the history folder"),
    ],
)
def test_output_never_goes_over_what_the_workspace_keeps(tiny, target, what):
    path = tiny.root / target
    tiny("status")

    def kept() -> tuple:  # every file but the store's own (SQLite may rewrite its pages), and the store's rows
        files = {p: p.read_bytes() for p in tiny.root.rglob("*") if p.is_file() and "roadmap.db" not in p.name}
        return files, tiny.dump()

    before = kept()
    for args in (["export", "--format", "json"], ["portfolio", "--format", "markdown"]):
        result = tiny(*args, "-o", str(path), "--force", code=4)
        assert result.stderr == f"Error: {path} {what} (write the output somewhere else; nothing was changed)\n"
    assert kept() == before


def test_output_over_another_file_needs_force_and_never_replaces_a_device_or_a_folder(tiny, tmp_path):
    import os

    target = tmp_path / "README.md"
    target.write_text("mine")
    refused = tiny("export", "-o", str(target), code=4)
    assert refused.stderr == f"Error: {target} already exists (pass --force to replace it; nothing was changed)\n"
    assert target.read_text() == "mine"
    tiny("export", "-o", str(target), "--force")
    assert target.read_text() == MARKDOWN
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for odd in (pipe, tmp_path):
        result = tiny("export", "-o", str(odd), "--force", code=4)
        assert result.stderr == (
            f"Error: {odd} is not a regular file (a device, a folder or a pipe) "
            "(leave out -o and redirect the output instead; nothing was changed)\n"
        )
    assert pipe.is_fifo()


def test_output_file_is_written_whole(tiny, tmp_path):
    target = tmp_path / "out" / "README.md"
    result = tiny("export", "-o", str(target))
    assert result.stdout == ""
    assert result.stderr == f"Wrote the roadmap as Markdown to {target}.\n"
    assert target.read_text() == MARKDOWN
    assert [p.name for p in target.parent.iterdir()] == ["README.md"]  # no temporary file left behind


def test_json_backup_has_every_table_with_its_columns(tiny):
    tiny("log", "--week", "2", "--about", "1", "-c", "what the week was about")  # a row in every table
    data = json.loads(tiny("export", "--format", "json").stdout)
    assert list(data) == ["format", "version", "schema", "roadmap_yaml", "tables", "notes"]
    assert (data["format"], data["version"], data["schema"]) == ("roadmap-tracker-backup", 1, len(MIGRATIONS))
    assert data["roadmap_yaml"] == (tiny.root / "roadmap.yaml").read_text()
    columns = {name: list(rows[0]) for name, rows in data["tables"].items()}
    assert columns == {
        "roadmap": [
            "id",
            "title",
            "source",
            "source_size",
            "source_mtime_ns",
            "source_hash",
            "started",
            "week_starts",
            "notes_dir",
            "synced_at",
            "date_order",
        ],
        "item": [
            "id",
            "roadmap_id",
            "key",
            "kind",
            "parent_id",
            "step_id",
            "position",
            "seq",
            "title",
            "url",
            "body",
            "extra",
            "created_at",
            "archived_at",
            "state",
            "state_day",
        ],
        "event": ["id", "item_id", "state", "day", "recorded_at", "note", "auto", "undoes", "uid", "after_uid"],
        "link": [
            "id",
            "item_id",
            "target",
            "is_path",
            "kind",
            "title",
            "note",
            "added_at",
            "checked_at",
            "check_status",
            "check_final_url",
            "check_redirects",
            "check_elapsed",
            "check_error",
            "uid",
        ],
        "entry": [
            "id",
            "week",
            "start_day",
            "end_day",
            "step",
            "concepts",
            "experiments",
            "text",
            "tags",
            "refs",
            "steps",
            "extra",
            "updated_at",
            "step_id",
        ],
        "entry_item": ["entry_id", "ref", "item_id"],
        "question": [
            "id",
            "entry_id",
            "text",
            "asked_on",
            "answer",
            "answered_on",
            "answer_item_id",
            "answer_url",
            "removed_at",
            "uid",
        ],
        "answer": ["id", "item_id", "day", "text", "recorded_at", "uid"],
        "notefile": ["path", "week", "size", "mtime_ns", "hash", "written"],
    }
    counts = {name: len(rows) for name, rows in data["tables"].items()}
    assert counts == {
        "roadmap": 1,
        "item": 11,
        "event": 4,
        "link": 3,
        "entry": 2,
        "entry_item": 1,
        "question": 1,
        "answer": 1,
        "notefile": 2,
    }
    assert data["tables"]["event"][0]["auto"] is False and data["tables"]["link"][1]["is_path"] is True
    assert [n["path"] for n in data["notes"]] == ["week1.md", "week2.md"]
    assert data["notes"][0]["text"] == (tiny.root / "notes" / "week1.md").read_text()


def test_json_backup_keeps_archived_items_and_their_history(tiny):
    plan = tiny.root / "roadmap.yaml"
    plan.write_text(plan.read_text().replace("      - title: Book\n        url: https://example.com/book\n", ""))
    tiny("check", "1.r1", "--date", "2026-11-20")  # already done: no event, but the sync archives Book
    items = json.loads(tiny("export", "--format", "json").stdout)["tables"]["item"]
    assert [i["title"] for i in items if i["archived_at"]] == ["Book"]
    assert "Book" not in tiny("export").stdout


def test_json_is_a_whole_backup(tiny):
    result = tiny("export", "--format", "json", "--no-diary", code=2)
    assert result.stderr == "Error: --step and --no-diary narrow the markdown export; a backup is always whole\n"


def test_bundled_roadmap_export_has_a_checklist_like_the_readme(roadmap):
    roadmap("check", "1.r1", "1.r2", "1.r3", "1.r4", "1.p1", "1.p2", "1.p3", "--date", "2026-11-20")
    text = roadmap("export").stdout
    assert "- [x] Step 1: Mathematical Foundations\n- [ ] Step 2: Introduction to Neural Networks\n" in text
    assert "- [x] Plot how a 2x2 matrix transforms the plane\n  > done 2026-11-20\n" in text
    # Three projects are done, but the portfolio counts only those with a repo link.
    assert (
        "## Final Deliverables\n\n- [ ] Portfolio of mini projects: 0/5 (up to 7) — done mini projects with a repo link\n"
        in text
    )


def _written_whole(data: dict) -> str:
    """A backup as the export wrote it when it held all of it in one string: the format to keep."""
    dump = json.dumps
    out = ["{"] + [
        f"  {dump(k)}: {dump(v, ensure_ascii=False)}," for k, v in data.items() if k not in ("tables", "notes")
    ]
    out.append('  "tables": {')
    for n, (table, rows) in enumerate(data["tables"].items()):
        comma = "," if n < len(data["tables"]) - 1 else ""
        if not rows:
            out.append(f"    {dump(table)}: []{comma}")
            continue
        out.append(f"    {dump(table)}: [")
        out.append(",\n".join(f"      {dump(row, ensure_ascii=False)}" for row in rows))
        out.append(f"    ]{comma}")
    out.append("  },")
    if data["notes"]:
        out.append('  "notes": [')
        out.append(",\n".join(f"    {dump(note, ensure_ascii=False)}" for note in data["notes"]))
        out.append("  ]")
    else:
        out.append('  "notes": []')
    out.append("}")
    return "\n".join(out) + "\n"


def _many_items(count: int) -> str:
    """A plan of one step holding ``count - 1`` resources: ``count`` items in all."""
    items = "".join(f"      - title: Resource {n}\n        url: https://example.com/{n}\n" for n in range(1, count))
    return f"version: 1\ntitle: Many\nsteps:\n  - id: one\n    title: One\n    resources:\n{items}"


@pytest.mark.parametrize("items", [999, 1000, 1001, 2500])  # the export reads and writes rows 1,000 at a time
def test_a_json_backup_written_in_pieces_is_the_backup_written_whole(tmp_path, items):
    ws = workspace_from(tmp_path, _many_items(items))
    ws("check", "1.r998", "--date", "2026-11-03")
    ws("link", "1.r2", "https://github.com/ada/fit", "--title", "mon dépôt ✓")
    ws("log", "--date", "2026-11-04", "-c", "gradients")
    (ws.root / "notes" / "week3.md").write_bytes("# Week 3\n\n\u202e a note\r\n".encode())
    ws("status")
    text = ws("export", "--format", "json").stdout
    data = json.loads(text)
    assert len(data["tables"]["item"]) == items
    assert text == _written_whole(data)
    ws("export", "--format", "json", "-o", str(tmp_path / "backup.json"))
    assert (tmp_path / "backup.json").read_text(encoding="utf-8") == text


def test_a_json_backup_is_never_whole_in_memory(tmp_path, monkeypatch):
    import tracemalloc

    from roadmap_tracker.exchange import backup

    ws = workspace_from(tmp_path, _many_items(3000))
    target = tmp_path / "backup.json"
    monkeypatch.setattr(backup, "BATCH", 100)  # a large store's proportions, in a small one
    ws("export", "--format", "json", "-o", str(target))  # what it imports is not what it holds
    tracemalloc.start()
    try:
        ws("export", "--format", "json", "-o", str(target), "--force")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Written as it is read: at no time did the export hold as much as it wrote.
    assert peak < target.stat().st_size, (peak, target.stat().st_size)
