"""Commands for the weekly diary: log, logs, questions, reflect."""

import sys
from typing import Annotated, Optional

import typer

from .app import app
from .common import emit_json, message, open_store, parse_day

WeekOpt = Annotated[Optional[int], typer.Option("--week", "-w", help="Week number (week 1 holds the start date).")]
DateOpt = Annotated[Optional[str], typer.Option("--date", "-d", help="A day in the week: 2026-11-20, yesterday, last monday…")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
Many = list[str]


def _week(db, week: int | None, date: str | None) -> tuple[int, object]:
    from ..journal import calendar

    cal = calendar(db)
    day = parse_day(date)
    if week is None:
        week = cal.week_of(day)
    cal.dates(week)  # refuses a week before week 1
    return week, day


@app.command()
def log(
    ctx: typer.Context,
    source: Annotated[Optional[str], typer.Argument(help="- to read a Markdown entry from standard input.", show_default=False)] = None,
    concept: Annotated[Many, typer.Option("--concept", "-c", help="A key concept you learned (repeatable).")] = [],
    experiment: Annotated[Many, typer.Option("--experiment", "-e", help="An experiment you ran (repeatable).")] = [],
    result: Annotated[Many, typer.Option("--result", "-r", help="What the experiment showed, in the order of -e.")] = [],
    metric: Annotated[Many, typer.Option("--metric", help="NAME=VALUE measured by the experiment, in the order of -e.")] = [],
    question: Annotated[Many, typer.Option("--question", "-q", help="An open question to come back to (repeatable).")] = [],
    text: Annotated[Many, typer.Option("--message", "-m", help="Free text for the week (repeatable).")] = [],
    tag: Annotated[Many, typer.Option("--tag", "-t", help="A tag for the week, with or without # (repeatable).")] = [],
    about: Annotated[Many, typer.Option("--about", "-a", help="A step or item the week is about: 3, 3.p2, a title.")] = [],
    week: WeekOpt = None,
    date: DateOpt = None,
):
    """Add to this week's diary entry, mirrored in notes/weekN.md.

    With no options, opens $VISUAL or $EDITOR on the week so far, with the current
    step's reflection questions and the open questions carried over as prompts.
    With `-`, reads a Markdown entry from standard input. Otherwise the options
    say what to add: `roadmap log -c "chain rule" -e "lr 0.1" -r "diverged" -q "why?"`.
    """
    from ..errors import UsageError
    from ..journal import blank, is_empty, load, merge, note_path, save

    ws, db = open_store(ctx)
    number, day = _week(db, week, date)
    base = load(db, number) or blank(db, number)
    if source not in (None, "-"):
        raise UsageError(f"unexpected argument {source!r}", hint="give - to read the entry from standard input, or use options")
    added = _from_options(db, number, concept, experiment, result, metric, question, text, tag, about)
    if source == "-":
        from ..diary import DiaryError, normalise, parse_week

        try:
            piped = normalise(parse_week(sys.stdin.read(), path="standard input", week=number))
        except DiaryError as exc:
            raise UsageError(str(exc)) from exc
        if is_empty(piped):
            raise UsageError("standard input held no entry; nothing was saved")
        added = merge(piped, added) if added else piped
    if added is None:
        _edit(ws, db, base, number, day)
        return
    entry = save(db, ws, merge(base, added), day)
    message(_summary(base, entry) + f" → {ws.relative(note_path(db, ws, number))}")


def _from_options(db, number, concepts, experiments, results, metrics, questions, texts, tags, about):
    from ..diary import Experiment, WeekEntry, normalise
    from ..errors import UsageError
    from ..refs import resolve

    if not any((concepts, experiments, questions, texts, tags, about, results, metrics)):
        return None
    for flag, values in (("-c", concepts), ("-e", experiments), ("-q", questions), ("-m", texts), ("--tag", tags)):
        if any(not v.strip() for v in values):
            raise UsageError(f"{flag} was given an empty text; nothing was saved")
    if len(results) > len(experiments) or len(metrics) > len(experiments):
        raise UsageError("each --result and --metric belongs to an -e EXPERIMENT given before it")
    pairs = []
    for i, what in enumerate(experiments):
        name = value = None
        if i < len(metrics):
            if "=" not in metrics[i]:
                raise UsageError(f"--metric {metrics[i]!r}: write it as NAME=VALUE, e.g. accuracy=0.93")
            name, value = (part.strip() for part in metrics[i].split("=", 1))
        pairs.append(Experiment(what, results[i] if i < len(results) else None, name, value))
    refs = [resolve(db, ref).ref for ref in about]
    entry = WeekEntry(week=number, concepts=list(concepts), experiments=pairs, questions=list(questions),
                      text="\n\n".join(texts), tags=[t.lstrip("#") for t in tags], refs=refs)
    return normalise(entry)


def _edit(ws, db, base, number, day) -> None:
    from ..editor import edit
    from ..errors import UsageError
    from ..diary import DiaryError, normalise
    from ..journal import from_template, is_empty, note_path, save, template
    from ..questions import listing

    from ..questions import current_step_questions

    reflection = current_step_questions(db)
    text = edit(template(base, reflection, listing(db, before_week=number)), name=f"week{number}.md")
    try:
        entry = from_template(text, number)
    except DiaryError as exc:
        raise UsageError(str(exc)) from exc
    if is_empty(entry):
        message("The entry is empty; nothing was saved.")
        return
    entry.start, entry.end, entry.step = base.start, base.end, entry.step or base.step
    if entry == normalise(base):
        message("No changes; nothing was saved.")
        return
    saved = save(db, ws, entry, day)
    message(_summary(base, saved) + f" → {ws.relative(note_path(db, ws, number))}")


def _summary(before, after) -> str:
    parts = []
    for name, a, b in (("concept", before.concepts, after.concepts), ("experiment", before.experiments, after.experiments),
                       ("question", before.questions, after.questions)):
        n = len(b) - len(a)
        if n > 0:
            parts.append(f"{n} {name}{'s' if n > 1 else ''}")
    if after.text != before.text:
        parts.append("notes")
    what = ("added " + ", ".join(parts)) if parts else "updated"
    return f"Week {after.week} ({after.start} to {after.end}): {what}"


@app.command()
def logs(
    ctx: typer.Context,
    since: Annotated[Optional[str], typer.Option("--since", help="Only weeks ending on or after this day.")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Only weeks starting on or before this day.")] = None,
    count: Annotated[int, typer.Option("-n", "--count", help="How many weeks to show (0 for all).")] = 10,
    tag: Annotated[Optional[str], typer.Option("--tag", "-t", help="Only weeks with this tag.")] = None,
    step: Annotated[Optional[str], typer.Option("--step", "-s", help="Only weeks about this step.")] = None,
    search: Annotated[Optional[str], typer.Option("--search", help="Only weeks whose text holds this.")] = None,
    week: Annotated[Optional[int], typer.Option("--week", "-w", help="Show this one week in full.")] = None,
    json: JsonOpt = False,
):
    """Show diary entries, newest first; --week N shows one week in full."""
    from ..journal import listing
    from ..refs import resolve, step_key_of

    _, db = open_store(ctx)
    step_key = step_key_of(db, resolve(db, step)) if step else None
    found = listing(db, since=parse_day(since, "--since") if since else None,
                    until=parse_day(until, "--until") if until else None,
                    limit=None if week is not None else (count or None), tag=tag, step=step_key, search=search, week=week)
    if json:
        from dataclasses import asdict

        emit_json([{**asdict(e.entry), "questions": e.questions} for e in found])
        return
    if not found:
        message(f"No diary entry for week {week}." if week is not None else
                "No diary entries match." if any((since, until, tag, step, search)) else
                "No diary entries yet. Start one with `roadmap log`.")
        return
    from ..render import entries_view
    from .common import show as print_view

    print_view(entries_view(found, full=week is not None))


questions_app = typer.Typer(help="Open questions from your diary, until they are answered.", no_args_is_help=False)
app.add_typer(questions_app, name="questions")


@questions_app.callback(invoke_without_command=True)
def questions(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include answered questions.")] = False,
    json: JsonOpt = False,
):
    """List the open questions from your diary with their age; `questions answer` records an answer."""
    if ctx.invoked_subcommand is not None:
        return
    from dataclasses import asdict

    from ..questions import age, listing

    _, db = open_store(ctx)
    found = listing(db, answered=all_)
    if json:
        emit_json([asdict(q) for q in found])
        return
    if not found:
        message("No open questions." if not all_ else "No questions yet. Add one with `roadmap log -q TEXT`.")
        return
    from rich.text import Text

    from .common import show as print_view

    lines = []
    for q in found:
        line = Text.assemble((q.id.ljust(5), "cyan"), f"{age(q.asked_on):>5}  ", (f"week {q.week}  ", "dim"), q.text)
        if q.answer:
            line.append(f"\n{'':12}answered {q.answered_on}: ", "green")
            line.append(q.answer)
            if q.answered_by or q.link:
                line.append(f" ({', '.join(x for x in (q.answered_by, q.link) if x)})", "dim")
        lines.append(line)
    print_view(Text("\n").join(lines))


@questions_app.command("answer")
def questions_answer(
    ctx: typer.Context,
    qid: Annotated[str, typer.Argument(help="The question's id, such as q3.", show_default=False)],
    text: Annotated[Optional[str], typer.Argument(help="The answer (opens the editor when left out).")] = None,
    item: Annotated[Optional[str], typer.Option("--item", "-i", help="The roadmap item that answered it.")] = None,
    link: Annotated[Optional[str], typer.Option("--link", "-l", help="An address that answered it.")] = None,
    date: DateOpt = None,
):
    """Record the answer to an open question, and optionally what answered it."""
    from ..questions import answer
    from ..refs import resolve

    day = parse_day(date)
    _, db = open_store(ctx)
    by = resolve(db, item) if item else None
    if text is None:
        import re

        from ..editor import edit
        from ..questions import find

        asked = find(db, qid)  # an unknown id is refused before the editor opens
        header = f"<!-- roadmap: answer {asked.id}: {asked.text} -->\n"
        text = re.sub(r"<!-- roadmap:.*?-->\n?", "", edit(header + (asked.answer or "") + "\n"), flags=re.DOTALL)
    found, replaced = answer(db, qid, text, day, by, link)
    message(f"{'Replaced the answer to' if replaced else 'Answered'} {found.id}: {found.text}")


@app.command()
def reflect(
    ctx: typer.Context,
    step: Annotated[Optional[str], typer.Argument(help="The step whose reflection questions to answer (default: the current step).")] = None,
    answer: Annotated[Optional[tuple[str, str]], typer.Option("--answer", "-a", metavar="REF TEXT",
                                                             help="Answer one question without the editor: --answer 3.q1 TEXT.")] = None,
    date: DateOpt = None,
):
    """Answer a step's reflection questions in your editor; earlier answers are kept as history."""
    from ..errors import UsageError
    from ..questions import parse_reflection, record_answers, reflection_questions, reflection_template
    from ..refs import resolve

    day = parse_day(date)
    _, db = open_store(ctx)
    if answer is not None:
        item = resolve(db, answer[0])
        if item.kind != "question":
            raise UsageError(f"{item.ref} is a {item.kind}, not a reflection question", hint="use a reference such as 3.q1")
        if not answer[1].strip():
            raise UsageError("the answer is empty; nothing was saved")
        changed = record_answers(db, [(item, answer[1])], day)
        message(f"Answered {item.ref}: {item.title}" if changed else f"{item.ref} already has that answer.")
        return
    if step is None:
        from ..queries import status

        current = status(db, next_count=0).current
        if current is None:
            raise UsageError("every step is done or skipped", hint="name a step: roadmap reflect 3")
        step = str(current)
    target = resolve(db, step)
    if target.kind != "step":
        raise UsageError(f"{target.ref} is a {target.kind}, not a step", hint="give a step number such as 3")
    pairs = reflection_questions(db, target)
    if not pairs:
        message(f"Step {target.ref} has no reflection questions.")
        return
    from ..editor import edit

    answers = parse_reflection(edit(reflection_template(target, pairs), name=f"reflect-step{target.ref}.md"))
    by_ref = {item.ref: item for item, _ in pairs}
    changed = record_answers(db, [(by_ref[ref], text) for ref, text in answers.items() if ref in by_ref], day)
    message(f"Saved {len(changed)} answer{'s' if len(changed) != 1 else ''} for step {target.ref}." if changed
            else "No changes; nothing was saved.")
