"""The weekly diary: three ways in, notes/ mirrored both ways, questions and reflections."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from datetime import timedelta

import pytest

from conftest import CORPUS, TODAY, from_shared


@pytest.fixture
def diary(roadmap, tmp_path, monkeypatch):
    """A workspace whose week 1 began three weeks ago, and a fake editor."""
    text = (roadmap.root / "roadmap.yaml").read_text()
    started = TODAY - timedelta(days=TODAY.weekday()) - timedelta(weeks=2)
    (roadmap.root / "roadmap.yaml").write_text(text.replace("started: 2026-11-02", f"started: {started}"))
    editor = tmp_path / "fake-editor"
    editor.write_text(
        f"#!{sys.executable}\n"
        "import os, shutil, sys\n"
        "target = sys.argv[-1]\n"
        "shutil.copy(target, os.environ['FAKE_SAW'])\n"
        "if os.environ.get('FAKE_WRITE'):\n"
        "    shutil.copy(os.environ['FAKE_WRITE'], target)\n"
        "sys.exit(int(os.environ.get('FAKE_EXIT', '0')))\n"
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setenv("FAKE_SAW", str(tmp_path / "saw.md"))
    roadmap.editor_saw = tmp_path / "saw.md"
    roadmap.started = started
    roadmap("status")  # take in the new start date
    return roadmap


def entries(ws, *args) -> list[dict]:
    return json.loads(ws("logs", "--json", *args).stdout)


def write_for_editor(ws, tmp_path, monkeypatch, text):
    path = tmp_path / "edited.md"
    path.write_text(text)
    monkeypatch.setenv("FAKE_WRITE", str(path))


ENTRY_MD = """\
## Key concepts
- backpropagation
- the chain rule

## Experiments
- lr 0.1 → diverged (loss: nan)

## Open questions
- why does a large learning rate diverge?

## Notes
Long week. #calculus
"""


# What the README's tour logs: every kind of line a week can hold.
OPTIONS = ("-c", "backpropagation", "-c", "the chain rule", "-e", "lr 0.1", "-r", "diverged", "--metric", "loss=nan",
           "-q", "why does a large learning rate diverge?", "-m", "Long week. #calculus")  # fmt: skip


def test_log_with_options_stores_and_mirrors_the_week(diary):
    result = diary("log", *OPTIONS)
    assert result.stderr == (
        f"Week 3 ({diary.started + timedelta(weeks=2)} to {diary.started + timedelta(weeks=2, days=6)}): "
        "added 2 concepts, 1 experiment, 1 question, notes → notes/week3.md\n"
    )
    [week] = entries(diary)
    assert week["week"] == 3
    assert week["concepts"] == ["backpropagation", "the chain rule"]
    assert week["experiments"] == [{"text": "lr 0.1", "result": "diverged", "metric": "loss", "value": "nan"}]
    assert [q["text"] for q in week["questions"]] == ["why does a large learning rate diverge?"]
    assert week["tags"] == ["calculus"]
    note = (diary.root / "notes" / "week3.md").read_text()
    assert note.startswith("---\nweek: 3\n")
    assert "## Key concepts\n\n- backpropagation\n- the chain rule\n" in note
    assert "- lr 0.1 → diverged (loss: nan)\n" in note


def test_three_ways_in_store_the_same_entry(diary, tmp_path, monkeypatch):
    diary("log", "--week", "1", *OPTIONS)
    diary("log", "-", "--week", "2", input=ENTRY_MD)
    write_for_editor(diary, tmp_path, monkeypatch, ENTRY_MD)
    diary("log", "--week", "3")
    weeks = {w["week"]: w for w in entries(diary)}

    def strip(w):
        return {k: v for k, v in w.items() if k not in ("week", "start", "end")} | {
            "questions": [q["text"] for q in w["questions"]]
        }

    assert strip(weeks[1]) == strip(weeks[2]) == strip(weeks[3])


def test_adding_again_appends_without_repeating(diary):
    diary("log", "-c", "attention", "-m", "first")
    diary("log", "-c", "attention", "-c", "softmax", "-m", "second")
    [week] = entries(diary)
    assert week["concepts"] == ["attention", "softmax"]
    assert week["text"] == "first\n\nsecond"


def test_editor_template_holds_the_week_prompts_and_carried_questions(diary, tmp_path, monkeypatch):
    diary("log", "--week", "1", "-q", "what is a Jacobian?", "-q", "why normalise inputs?")
    diary("questions", "answer", "q2", "to keep gradients well scaled")
    diary("log", "-c", "gradients")
    monkeypatch.delenv("FAKE_WRITE", raising=False)
    result = diary("log")
    assert result.stderr == "No changes; nothing was saved.\n"
    saw = diary.editor_saw.read_text()
    assert "Reflection questions of the current step" in saw
    assert "  - In what way do probability distributions capture a model's uncertainty?" in saw
    assert "  - q1 (week 1): what is a Jacobian?" in saw
    assert "why normalise" not in saw  # answered, so no longer carried
    assert "## Key concepts\n\n- gradients\n" in saw


def test_editor_saving_an_empty_entry_or_failing_stores_nothing(diary, tmp_path, monkeypatch):
    write_for_editor(diary, tmp_path, monkeypatch, "")
    assert diary("log").stderr == "The entry is empty; nothing was saved.\n"
    write_for_editor(diary, tmp_path, monkeypatch, ENTRY_MD)
    monkeypatch.setenv("FAKE_EXIT", "3")
    result = diary("log", code=2)
    assert result.stderr == f"Error: the editor ({os.environ['EDITOR']}) exited with status 3; nothing was saved\n"
    assert entries(diary) == []
    assert not (diary.root / "notes" / "week3.md").exists()


def test_visual_wins_over_editor_and_is_split_like_a_shell(diary, tmp_path, monkeypatch):
    write_for_editor(diary, tmp_path, monkeypatch, ENTRY_MD)
    monkeypatch.setenv("EDITOR", "false")
    # VISUAL with an argument, quoted as in a shell: python runs the fake editor script.
    monkeypatch.setenv("VISUAL", f"'{sys.executable}' '{tmp_path / 'fake-editor'}'")
    diary("log")
    assert entries(diary)[0]["concepts"] == ["backpropagation", "the chain rule"]


def test_missing_editor(diary, monkeypatch):
    monkeypatch.delenv("EDITOR")
    assert diary("log", code=2).stderr == (
        "Error: no editor: set $VISUAL or $EDITOR (or give the text with options or on standard input)\n"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["-m", ""], "Error: -m was given an empty text; nothing was saved\n"),
        (["-r", "diverged"], "Error: each --result and --metric belongs to an -e EXPERIMENT given before it\n"),
        (["-e", "x", "--metric", "acc"], "Error: --metric 'acc': write it as NAME=VALUE, e.g. accuracy=0.93\n"),
        (["--week", "0", "-c", "x"], "Error: week 0 does not exist: weeks start at 1\n"),
        (["--date", "2001-01-01", "-c", "x"], None),
        (["--date", "the day after", "-c", "x"], None),
        (["--about", "nonsense-item", "-c", "x"], None),
    ],
)
def test_bad_log_input_is_one_line_and_saves_nothing(diary, args, message):
    before = diary.dump()
    result = diary("log", *args, code=3 if "--about" in args else 2)
    if message:
        assert result.stderr == message
    else:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert diary.dump() == before
    assert not list((diary.root / "notes").glob("*.md"))


def test_date_words_pick_the_week(diary):
    diary("log", "--date", "-7d", "-c", "last week's idea")
    assert [w["week"] for w in entries(diary)] == [2]


def test_stdin_with_nothing_in_it(diary):
    assert diary("log", "-", input="\n\n", code=2).stderr == "Error: standard input held no entry; nothing was saved\n"


def test_hand_edits_are_picked_up_and_the_older_version_kept(diary):
    diary("log", "-c", "attention")
    note = diary.root / "notes" / "week3.md"
    note.write_text(note.read_text().replace("- attention\n", "- attention\n- multi-head attention\n"))
    result = diary("status")
    assert "Read week3.md into the diary.\n" in result.stderr
    assert entries(diary)[0]["concepts"] == ["attention", "multi-head attention"]
    [backup] = (diary.root / ".roadmap" / "backups").glob("week3-*-store.md")
    assert "- attention\n" in backup.read_text() and "multi-head" not in backup.read_text()
    # Once read, the file is not read again.
    assert "Read week3.md" not in diary("status").stderr


def test_sync_reads_hand_edits_too(diary):
    diary("log", "-c", "attention")
    note = diary.root / "notes" / "week3.md"
    note.write_text(note.read_text().replace("attention", "self-attention"))
    assert "Read week3.md into the diary." in diary("sync").stderr
    assert entries(diary)[0]["concepts"] == ["self-attention"]


def test_a_hand_written_file_is_backed_up_before_the_tool_rewrites_it(diary):
    (diary.root / "notes" / "Week 2.md").write_text("# Week 2\n\nSome thoughts written by hand.\n")
    diary("status")
    diary("log", "--week", "2", "-c", "convolutions")
    [backup] = (diary.root / ".roadmap" / "backups").glob("week2-*-file.md")
    assert backup.read_text() == "# Week 2\n\nSome thoughts written by hand.\n"
    rewritten = (diary.root / "notes" / "Week 2.md").read_text()
    assert "Some thoughts written by hand." in rewritten and "- convolutions" in rewritten
    assert not (diary.root / "notes" / "week2.md").exists()


@pytest.mark.parametrize(
    "name, text, week, concepts, free",
    [
        (
            "week1.md",
            "# Week 1\n\n## Key concepts learned\n- tensors\n\n## Experiments run and results observed\n"
            "- tiny MLP -> 91% on MNIST\n\n## Open questions and areas to revisit\n- why ReLU?\n",
            1,
            ["tensors"],
            "",
        ),
        ("week01.md", "Started slowly.\n\n## What I learned\n- broadcasting\n", 1, ["broadcasting"], "Started slowly."),
        (
            "Week 2.md",
            "---\ntags: [numpy]\n---\nJust a paragraph of thoughts.\n",
            2,
            [],
            "Just a paragraph of thoughts.",
        ),
    ],
)
def test_diaries_written_before_the_tool_are_imported(diary, name, text, week, concepts, free):
    (diary.root / "notes" / name).write_text(text)
    assert f"Read {name} into the diary." in diary("status").stderr
    [entry] = entries(diary)
    assert (entry["week"], entry["concepts"], entry["text"]) == (week, concepts, free)
    assert (diary.root / "notes" / name).read_text() == text  # read, not rewritten


def test_two_old_files_for_one_week_are_merged(diary):
    (diary.root / "notes" / "week1.md").write_text("## Concepts\n- tensors\n")
    (diary.root / "notes" / "week01.md").write_text("## Concepts\n- autograd\n")
    diary("status")
    assert entries(diary)[0]["concepts"] == ["autograd", "tensors"]


def test_the_corpus_weekly_log_is_imported_keeping_its_text(diary):
    source = from_shared(CORPUS / "logs" / "Blkbrd77__ai-pm-upskilling-2026__notes_week-03-jan-2026.md")
    shutil.copy(source, diary.root / "notes" / "week-03-jan-2026.md")
    diary("status")
    [entry] = entries(diary)
    assert entry["week"] == 3
    everything = json.dumps(entry, ensure_ascii=False)
    for phrase in ("Daily Log", "Weekly Summary", "f = np.dot(w,x) + b"):
        assert json.dumps(phrase, ensure_ascii=False)[1:-1] in everything


def test_an_unreadable_note_is_reported_and_left_alone(diary):
    bad = diary.root / "notes" / "week2.md"
    bad.write_bytes(b"# Week 2\n\xff\xfe broken\n")
    result = diary("status")
    assert result.stderr.startswith("Warning: ") and "week2.md" in result.stderr
    assert result.stderr.rstrip().endswith("the file was left as it is and not read.")
    assert bad.read_bytes() == b"# Week 2\n\xff\xfe broken\n"
    assert entries(diary) == []


def test_front_matter_that_is_not_yaml_names_its_line(diary):
    (diary.root / "notes" / "week2.md").write_text("---\nweek: [2\n---\n# Week 2\n")
    result = diary("status")
    assert "week2.md:2: front matter is not valid YAML" in result.stderr
    assert entries(diary) == []


def test_logs_filters(diary):
    diary("log", "--week", "1", "-c", "tensors", "--tag", "pytorch", "--about", "1")
    diary("log", "--week", "2", "-c", "attention", "-m", "read the transformer paper #nlp", "--about", "3.p2")
    diary("log", "--week", "3", "-c", "RAG", "-q", "how big should chunks be?")

    def weeks(*args):
        return [w["week"] for w in entries(diary, *args)]

    assert weeks() == [3, 2, 1]
    assert weeks("-n", "2") == [3, 2]
    assert weeks("--tag", "nlp") == [2]
    assert weeks("--tag", "#PyTorch") == [1]
    assert weeks("--step", "3") == [2]
    # A week is about a step it refers to, or the step that was current when it was written.
    assert weeks("--step", "math") == [3, 2, 1]
    assert weeks("--search", "CHUNKS") == [3]
    assert weeks("--since", str(diary.started + timedelta(weeks=1))) == [3, 2]
    assert weeks("--until", str(diary.started + timedelta(days=3))) == [1]
    out = diary("logs", "--week", "2").stdout
    assert out.startswith(f"Week 2  {diary.started + timedelta(weeks=1)} to ")
    assert "  Notes: read the transformer paper #nlp\n" in out
    assert "  About: 3.p2 Rebuild selected pieces of nanoGPT yourself\n" in out


def test_logs_when_empty(diary):
    assert diary("logs").stderr == "No diary entries yet. Start one with `roadmap log`.\n"


def test_questions_are_tracked_until_answered(diary):
    diary("log", "--week", "1", "-q", "what is a Jacobian?")
    diary("log", "-q", "why layer norm?")
    out = diary("questions").stdout.splitlines()
    assert out == ["q1   today  week 1  what is a Jacobian?", "q2   today  week 3  why layer norm?"]
    result = diary(
        "questions",
        "answer",
        "q1",
        "the matrix of partial derivatives",
        "--item",
        "1.r3",
        "--link",
        "HTTPS://Example.com/jacobian/",
    )
    assert result.stderr == "Answered q1: what is a Jacobian?\n"
    assert diary("questions").stdout == "q2   today  week 3  why layer norm?\n"
    [answered] = [q for q in json.loads(diary("questions", "--all", "--json").stdout) if q["id"] == "q1"]
    assert (answered["answer"], answered["answered_by"], answered["link"]) == (
        "the matrix of partial derivatives",
        "1.r3",
        "https://example.com/jacobian",
    )


def test_answering_unknown_or_with_a_bad_link(diary):
    diary("log", "-q", "why?")
    assert diary("questions", "answer", "q9", "x", code=3).stderr == (
        "Error: no question q9 (`roadmap questions --all` lists them)\n"
    )
    assert diary("questions", "answer", "q1", "x", "--link", "ftp://x", code=2).stderr.startswith("Error: --link: ")
    assert diary("questions", "answer", "q1", "   ", code=2).stderr == "Error: the answer is empty; nothing was saved\n"


def test_a_question_removed_from_the_note_by_hand_is_set_aside(diary):
    diary("log", "-q", "first?", "-q", "second?")
    diary("questions", "answer", "q1", "an answer worth keeping")
    note = diary.root / "notes" / "week3.md"
    assert "## Open questions\n\n- first? ^q1\n- second? ^q2\n" in note.read_text()
    note.write_text(note.read_text().replace("- first? ^q1\n", ""))
    assert diary("status").stderr.splitlines()[-1] == (
        f"Set aside q1 ('first?', answered {TODAY}): its line left notes/week3.md; "
        "`roadmap questions --all` still lists it."
    )
    assert [q["text"] for q in json.loads(diary("questions", "--json").stdout)] == ["second?"]
    assert diary.query("SELECT text, answer FROM question WHERE removed_at IS NOT NULL") == [
        ("first?", "an answer worth keeping")
    ]


def test_a_question_reworded_in_the_note_keeps_its_answer_and_age(diary):
    diary("log", "-q", "why does it diverge?", "--date", str(TODAY - timedelta(days=2)))
    diary("questions", "answer", "q1", "the step is too large")
    note = diary.root / "notes" / "week3.md"
    note.write_text(note.read_text().replace("why does it diverge? ^q1", "why does training diverge at lr 0.1? ^q1"))
    assert diary("status").stderr.startswith("Read week3.md into the diary.\n")  # and nothing set aside
    assert "Set aside" not in diary("status").stderr
    [q] = json.loads(diary("questions", "--all", "--json").stdout)
    assert (q["id"], q["text"], q["answer"]) == ("q1", "why does training diverge at lr 0.1?", "the step is too large")
    assert q["asked_on"] == str(TODAY - timedelta(days=2))


def test_reflect_answers_with_history(diary, tmp_path, monkeypatch):
    diary("reflect", "--answer", "1.q2", "They show the directions a layer stretches.")
    diary("reflect", "--answer", "1.q2", "Directions a linear map only scales.")
    assert diary.query("SELECT text FROM answer ORDER BY id") == [
        ("They show the directions a layer stretches.",),
        ("Directions a linear map only scales.",),
    ]
    shown = diary("show", "1").stdout
    assert "Directions a linear map only scales." in shown and "stretches" not in shown
    assert "q 1/3" in diary("status").stdout
    # The editor walk-through: answer 1.q1, leave 1.q3 empty, keep 1.q2 as it was.
    monkeypatch.delenv("FAKE_WRITE", raising=False)
    diary("reflect", "1")
    template = diary.editor_saw.read_text()
    assert "## 1.q2 What do eigenvalues" in template and "Directions a linear map only scales." in template
    edited = template.replace(
        "## 1.q1 In what way do probability distributions capture a model's uncertainty?\n\n",
        "## 1.q1 In what way do probability distributions capture a model's uncertainty?\n\n"
        "They spread belief over outcomes.\n",
    )
    write_for_editor(diary, tmp_path, monkeypatch, edited)
    assert diary("reflect", "1").stderr == "Saved 1 answer for step 1.\n"
    assert diary.query("SELECT COUNT(*) FROM answer") == [(3,)]
    assert "q 2/3" in diary("status").stdout


def test_every_view_agrees_on_the_latest_answer(roadmap):
    # The later day wins, whichever was recorded last: B is dated a week before A.
    roadmap("reflect", "--answer", "1.q1", "A", "--date", "2026-11-10")
    roadmap("reflect", "--answer", "1.q1", "B", "--date", "2026-11-03")
    roadmap("check", "1.p1")  # the portfolio shows the reflections of steps with a finished project
    question = json.loads(roadmap("show", "1", "--json").stdout)["items"]
    key = next(i["id"] for i in question if i["ref"] == "1.q1")
    assert json.loads(roadmap("show", "1", "--json").stdout)["answers"][key] == [{"day": "2026-11-10", "text": "A"}]
    assert "2026-11-10: A" in roadmap("show", "1").stdout
    assert "  > 2026-11-10: A\n" in roadmap("export").stdout
    [step] = json.loads(roadmap("portfolio", "--format", "json").stdout)["steps"]
    assert [(a["ref"], a["day"], a["text"]) for a in step["answers"]] == [("1.q1", "2026-11-10", "A")]
    assert "(2026-11-10)\n\n> A\n" in roadmap("portfolio", "--format", "markdown").stdout
    # Recording the latest answer again is no new revision.
    assert roadmap("reflect", "--answer", "1.q1", "A").stderr == "1.q1 already has that answer.\n"
    assert roadmap.query("SELECT COUNT(*) FROM answer") == [(2,)]


def test_reflect_refuses_what_is_not_a_question(diary):
    assert diary("reflect", "--answer", "1.p1", "x", code=2).stderr == (
        "Error: 1.p1 is a project, not a reflection question (use a reference such as 3.q1)\n"
    )


def test_answering_in_the_editor(diary, tmp_path, monkeypatch):
    diary("log", "-q", "what is weight decay?")
    write_for_editor(diary, tmp_path, monkeypatch, "<!-- roadmap: answer q1 -->\nL2 shrinkage of the weights.\n")
    assert diary("questions", "answer", "q1").stderr == "Answered q1: what is weight decay?\n"
    assert diary.editor_saw.read_text() == "<!-- roadmap: answer q1: what is weight decay? -->\n\n"
    assert diary.query("SELECT answer FROM question") == [("L2 shrinkage of the weights.",)]
    diary.editor_saw.unlink()
    assert diary("questions", "answer", "q7", code=3).stderr == (
        "Error: no question q7 (`roadmap questions --all` lists them)\n"
    )
    assert not diary.editor_saw.exists()  # refused before the editor opened


def test_a_set_aside_question_is_still_listed_with_all(diary):
    diary("log", "-q", "first?")
    note = diary.root / "notes" / "week3.md"
    note.write_text(note.read_text().replace("- first? ^q1\n", ""))
    diary("status")
    assert diary("questions").stderr == "No open questions.\n"
    [q] = json.loads(diary("questions", "--all", "--json").stdout)
    assert (q["id"], q["text"]) == ("q1", "first?") and q["set_aside"] is not None
    assert "set aside: its line was taken out of its note" in diary("questions", "--all").stdout
