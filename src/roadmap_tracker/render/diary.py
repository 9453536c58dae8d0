"""Views of the diary: weekly entries, open questions, and what a `roadmap log` added. Nothing here prints.

Rich text is ``terminal.Text``: a control character in a note shows written out, never obeyed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..diary.entries import Listed
    from ..diary.questions import Question
    from ..diary.weeknote import WeekEntry


def entries_view(found: list[Listed], full: bool = False):
    """Diary weeks, newest first: a digest each, or everything with ``full``. A line that wraps
    goes on under its text, not under its label."""
    from rich.console import Group

    from .terminal import Text

    parts: list = []
    for listed in found:
        e = listed.entry
        head = Text.assemble((f"Week {e.week}", "bold cyan"), f"  {e.start} to {e.end}")
        if e.step:
            head.append(f"  {e.step}", "italic")
        if e.tags:
            head.append("  " + " ".join(f"#{t}" for t in e.tags), "magenta")
        rows = []
        if e.concepts:
            rows.append((Text("  Concepts: ", "bold"), Text("; ".join(e.concepts))))
        for x in e.experiments:
            line = Text(x.text)
            if x.result:
                line.append(f" → {x.result}")
            if x.metric:
                line.append(f" ({x.metric}: {x.value})", "dim")
            rows.append((Text("  Experiment: ", "bold"), line))
        for q in listed.questions:
            line = Text.assemble((f"q{q['id']}", "cyan"), ": ", q["text"])
            if q["answer"]:
                line.append(f"  answered {q['answered_on']}", "green")
                if full:
                    line.append(f": {q['answer']}")
            rows.append((Text("  Question ", "bold"), line))
        if e.text:
            text = e.text if full else e.text.split("\n", 1)[0] + (" …" if "\n" in e.text else "")
            rows.append((Text("  Notes: ", "bold"), Text(text)))
        if full and (listed.about or e.refs):
            rows.append((Text("  About: ", "bold"), Text(", ".join(listed.about or e.refs))))
        if parts:
            parts.append(Text())
        parts += [head, *(_hanging(label, text) for label, text in rows)]
    return Group(*parts)


def _hanging(label, text):
    """``label`` then ``text``, whose wrapped lines go on under the text, not under the label."""
    from rich.table import Table

    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(label, text)
    return grid


def no_entries(week: int | None, filtered: bool) -> str:
    if week is not None:
        return f"No diary entry for week {week}."
    return "No diary entries match." if filtered else "No diary entries yet. Start one with `roadmap log`."


def questions_view(found: list[Question], ages: dict[str, str]):
    """Questions with their age, id and week; an answer under each answered one. A question that
    wraps goes on under its text."""
    from rich.table import Table

    from ..urls import shown_url
    from .terminal import Text

    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True)  # id and age
    grid.add_column(no_wrap=True)  # week
    grid.add_column(overflow="fold")
    for q in found:
        grid.add_row(
            Text.assemble((q.id.ljust(5), "cyan"), f"{ages[q.id]:>5}"), Text(f"week {q.week}", "dim"), Text(q.text)
        )
        if q.answer:
            line = Text.assemble((f"answered {q.answered_on}: ", "green"), q.answer)
            if q.answered_by or q.link:
                shown = (q.answered_by, q.link and shown_url(q.link))
                line.append(f" ({', '.join(x for x in shown if x)})", "dim")
            grid.add_row("", "", line)
        if q.set_aside:
            grid.add_row("", "", Text("set aside: its line was taken out of its note", "dim"))
    return grid


def no_questions(everything: bool) -> str:
    return "No questions yet. Add one with `roadmap log -q TEXT`." if everything else "No open questions."


def log_summary(before: WeekEntry, after: WeekEntry, where: str) -> str:
    """What a `roadmap log` added to the week, and the file it went to."""
    parts = []
    for name, a, b in (
        ("concept", before.concepts, after.concepts),
        ("experiment", before.experiments, after.experiments),
        ("question", before.questions, after.questions),
    ):
        n = len(b) - len(a)
        if n > 0:
            parts.append(f"{n} {name}{'s' if n > 1 else ''}")
    if after.text != before.text:
        parts.append("notes")
    what = ("added " + ", ".join(parts)) if parts else "updated"
    return f"Week {after.week} ({after.start} to {after.end}): {what} → {where}"


def log_data(saved, where: str) -> dict:
    """What a `roadmap log` saved, as data (--json): the week as it now is, with its questions'
    ids, the file it went to, and the tracked questions whose line left it."""
    from dataclasses import asdict

    week = asdict(saved.after)
    ids = week.pop("question_ids")
    week["questions"] = [{"id": f"q{ids[q]}" if q in ids else None, "text": q} for q in saved.after.questions]
    return {
        **week,
        "file": where,
        "added": {
            "concepts": [c for c in saved.after.concepts if c not in saved.before.concepts],
            "experiments": [asdict(e) for e in saved.after.experiments if e not in saved.before.experiments],
            "questions": [q for q in saved.after.questions if q not in saved.before.questions],
        },
        "set_aside": [{"id": f"q{q.id}", "text": q.text} for q in saved.set_aside],
    }


EMPTY_ENTRY = "The entry is empty; nothing was saved."


def kept_meanwhile(path: str) -> str:
    return (
        f"The week changed while the editor was open: its additions were kept beside yours, "
        f"and that version was saved as {path}."
    )


UNCHANGED = "No changes; nothing was saved."


def question_answered(q, replaced: bool) -> str:
    return f"{'Replaced the answer to' if replaced else 'Answered'} {q.id}: {q.text}"


def reflection_answered(item, changed: bool) -> str:
    return f"Answered {item.ref}: {item.title}" if changed else f"{item.ref} already has that answer."


def no_reflection_questions(step) -> str:
    return f"Step {step.ref} has no reflection questions."


def reflections_saved(count: int, step_ref: str) -> str:
    if not count:
        return UNCHANGED
    return f"Saved {count} answer{'s' if count != 1 else ''} for step {step_ref}."


def notes_read(ws, notes) -> list[str]:
    """Which diary files were read back, where the versions they replaced went, and which tracked
    questions their edits took out."""
    read = [f"Read {name} into the diary." for name in notes.imported]
    if len(read) > 3:  # a clone's first command reads the whole diary: one line says it
        read = [f"Read {len(read)} notes files into the diary."]
    return (
        read
        + [f"Kept the earlier version in {ws.relative(path)}." for path in notes.backups]
        + [line for q, where in notes.set_aside for line in set_aside([q], where)]
    )


def set_aside(questions, where: str) -> list[str]:
    """A tracked question whose line left its note is kept, with its answer; say so."""
    out = []
    for q in questions:
        answered = f", answered {q.answered_on}" if q.answered_on else ""
        out.append(
            f"Set aside q{q.id} ({q.text!r}{answered}): its line left {where}; "
            "`roadmap questions --all` still lists it."
        )
    return out


def notes_refused(notes) -> list[str]:
    return [f"Warning: {problem}; the file was left as it is and not read." for problem in notes.problems]


def notes_left_out(notes) -> list[str]:
    """What in notes/ is no file to read: said on every command, never stopping one."""
    return [f"Warning: {odd}; it was left out of the diary." for odd in notes.skipped]
