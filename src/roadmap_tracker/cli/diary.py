"""Commands for the weekly diary: log, logs, questions, reflect."""

import sys
from typing import Annotated, Optional

import typer

from ..render import output
from . import complete
from .context import DATE_FORMS, JsonOpt, day, open_store, optional_day, page

app = typer.Typer()

WeekOpt = Annotated[
    Optional[int], typer.Option("--week", "-w", metavar="N", help="Week number (week 1 holds the start date).")
]
DateOpt = Annotated[
    Optional[str], typer.Option("--date", "-d", metavar="DATE", help=f"A day in the week: {DATE_FORMS}")
]
Many = list[str]


@app.command()
def log(
    ctx: typer.Context,
    source: Annotated[
        Optional[str],
        typer.Argument(metavar="-", help="Read a Markdown entry from standard input.", show_default=False),
    ] = None,
    concept: Annotated[
        Many, typer.Option("--concept", "-c", metavar="TEXT", help="A key concept you learned (repeatable).")
    ] = [],
    experiment: Annotated[
        Many, typer.Option("--experiment", "-e", metavar="TEXT", help="An experiment you ran (repeatable).")
    ] = [],
    result: Annotated[
        Many, typer.Option("--result", "-r", metavar="TEXT", help="What the experiment showed, in the order of -e.")
    ] = [],
    metric: Annotated[
        Many,
        typer.Option("--metric", metavar="NAME=VALUE", help="What the experiment measured, in the order of -e."),
    ] = [],
    question: Annotated[
        Many, typer.Option("--question", "-q", metavar="TEXT", help="An open question to come back to (repeatable).")
    ] = [],
    text: Annotated[
        Many, typer.Option("--message", "-m", metavar="TEXT", help="Free text for the week (repeatable).")
    ] = [],
    tag: Annotated[
        Many, typer.Option("--tag", "-t", metavar="TAG", help="A tag for the week, with or without # (repeatable).")
    ] = [],
    about: Annotated[
        Many,
        typer.Option(
            "--about",
            "-a",
            metavar="ITEM",
            help="A step or item the week is about: 3, 3.p2, a title.",
            autocompletion=complete.items,
        ),
    ] = [],
    week: WeekOpt = None,
    date: DateOpt = None,
    json: JsonOpt = False,
):
    """Add to this week's diary entry, mirrored in notes/weekN.md.

    With no options, opens $VISUAL or $EDITOR on the week so far, with the current
    step's reflection questions and the open questions carried over as prompts.
    With `-`, reads a Markdown entry from standard input. Otherwise the options
    say what to add: `roadmap log -c "chain rule" -e "lr 0.1" -r "diverged" -q "why?"`.

    \b
    Examples:
      roadmap log
      roadmap log -e "lr 0.1" -r "converged" --metric loss=0.31 -q "why not 1.0?"
      roadmap log -m "Read chapter 2" -t math -a 1 --date yesterday
    """
    from ..clock import today
    from ..diary.entries import blank, from_options, is_empty, load, merge
    from ..diary.mirror import add, note_path
    from ..errors import BadWeek, UsageError
    from ..render.diary import log_data, log_summary, set_aside
    from ..store.items import calendar

    ws, db = open_store(ctx)
    when = day(date, "--date", db)
    number = week if week is not None else calendar(db).week_of(when)
    first, _ = calendar(db).dates(number)  # refuses a week before week 1
    if first > today():
        raise BadWeek(f"--week {number} begins on {first}, after today ({today()}); the diary records what happened")
    base = load(db, number) or blank(db, number)
    if source not in (None, "-"):
        raise UsageError(
            f"unexpected argument {source!r}", hint="give - to read the entry from standard input, or use options"
        )
    added = from_options(
        db,
        number,
        concepts=concept,
        experiments=experiment,
        results=result,
        metrics=metric,
        questions=question,
        texts=text,
        tags=tag,
        about=about,
    )
    if source == "-":
        from ..diary.weeknote import normalise, parse_week

        piped = normalise(parse_week(sys.stdin.read(), path="standard input", week=number))
        if is_empty(piped):
            raise UsageError("standard input held no entry; nothing was saved")
        added = merge(piped, added) if added else piped
    if added is None:
        if json:
            raise UsageError("--json needs what to add (options or -): the editor is not for scripts")
        _edit(ws, db, base, number, when)
        return
    saved = add(db, ws, number, added, when)
    where = ws.relative(note_path(db, ws, number))
    if json:
        output.json(log_data(saved, where))
        return
    output.messages([log_summary(saved.before, saved.after, where), *set_aside(saved.set_aside, where)])


def _edit(ws, db, base, number, when) -> None:
    from ..diary.entries import from_template, is_empty, template
    from ..diary.mirror import note_path, save_edit
    from ..diary.questions import listing
    from ..diary.reflections import current_step_questions
    from ..diary.weeknote import normalise
    from ..render.diary import EMPTY_ENTRY, UNCHANGED, kept_meanwhile, log_summary, set_aside
    from .editor import edit

    text = edit(template(base, current_step_questions(db), listing(db, before_week=number)), name=f"week{number}.md")
    entry = from_template(text, number)
    if is_empty(entry):
        output.message(EMPTY_ENTRY)
        return
    entry.start, entry.end, entry.step = base.start, base.end, entry.step or base.step
    if entry == normalise(base):
        output.message(UNCHANGED)
        return
    saved = save_edit(db, ws, base, entry, when)
    if saved.kept:
        output.message(kept_meanwhile(ws.relative(saved.kept)))
    where = ws.relative(note_path(db, ws, number))
    output.messages([log_summary(base, saved.after, where), *set_aside(saved.set_aside, where)])


@app.command()
def logs(
    ctx: typer.Context,
    since: Annotated[
        Optional[str], typer.Option("--since", metavar="DATE", help="Only weeks ending on or after this day.")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option("--until", metavar="DATE", help="Only weeks starting on or before this day.")
    ] = None,
    count: Annotated[int, typer.Option("-n", "--count", metavar="N", help="How many weeks to show (0 for all).")] = 10,
    tag: Annotated[Optional[str], typer.Option("--tag", "-t", metavar="TAG", help="Only weeks with this tag.")] = None,
    step: Annotated[
        Optional[str],
        typer.Option("--step", "-s", metavar="STEP", help="Only weeks about this step.", autocompletion=complete.steps),
    ] = None,
    search: Annotated[
        Optional[str], typer.Option("--search", metavar="TEXT", help="Only weeks whose text holds this.")
    ] = None,
    week: Annotated[
        Optional[int], typer.Option("--week", "-w", metavar="N", help="Show this one week in full.")
    ] = None,
    json: JsonOpt = False,
):
    """Show diary entries, newest first; --week N shows one week in full.

    \b
    Examples:
      roadmap logs
      roadmap logs --week 1
      roadmap logs --tag math --since -30d
    """
    from ..diary.entries import listing
    from ..progress.refs import resolve
    from ..render.diary import entries_view, no_entries
    from ..store.items import step_of

    _, db = open_store(ctx)
    step_id = step_of(db, resolve(db, step)).id if step else None
    found = listing(
        db,
        since=optional_day(since, "--since"),
        until=optional_day(until, "--until"),
        limit=None if week is not None else (count or None),
        tag=tag,
        step=step_id,
        search=search,
        week=week,
    )
    if json:
        output.json([e.to_dict() for e in found])
    elif not found:
        output.message(no_entries(week, any((since, until, tag, step, search))))
    else:
        page(ctx)
        output.show(entries_view(found, full=week is not None))


# The group's --help is this text (not the callback's docstring): the summary, then examples.
QUESTIONS_HELP = """Open questions from your diary, until they are answered.

\b
Examples:
  roadmap questions
  roadmap questions --all --json
  roadmap questions answer q1 "the learning rate was too high"
"""
questions_app = typer.Typer(help=QUESTIONS_HELP, no_args_is_help=False)
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
    from ..diary.questions import age, listing
    from ..render.diary import no_questions, questions_view

    _, db = open_store(ctx)
    found = listing(db, answered=all_)
    if json:
        output.json([q._asdict() for q in found])
    elif not found:
        output.message(no_questions(all_))
    else:
        output.show(questions_view(found, {q.id: age(q.asked_on) for q in found}))


@questions_app.command("answer")
def questions_answer(
    ctx: typer.Context,
    qid: Annotated[
        str,
        typer.Argument(
            metavar="QUESTION",
            help="The question's id, such as q3.",
            show_default=False,
            autocompletion=complete.questions,
        ),
    ],
    text: Annotated[
        Optional[str], typer.Argument(metavar="TEXT", help="The answer (opens the editor when left out).")
    ] = None,
    item: Annotated[
        Optional[str],
        typer.Option(
            "--item", "-i", metavar="ITEM", help="The roadmap item that answered it.", autocompletion=complete.items
        ),
    ] = None,
    link: Annotated[
        Optional[str], typer.Option("--link", "-l", metavar="URL", help="An address that answered it.")
    ] = None,
    date: DateOpt = None,
    json: JsonOpt = False,
):
    """Record the answer to an open question, and optionally what answered it.

    \b
    Examples:
      roadmap questions answer q1 "the learning rate was too high"
      roadmap questions answer q1 -i 2.r1 -l https://distill.pub/2017/momentum/
      roadmap questions answer q1
    """
    from ..diary.questions import answer, answer_template, find, from_answer_template
    from ..progress.refs import resolve
    from ..render.diary import question_answered

    _, db = open_store(ctx)
    when = day(date, "--date", db)
    by = resolve(db, item) if item else None
    if text is None:
        from .editor import edit

        asked = find(db, qid)  # an unknown id is refused before the editor opens
        text = from_answer_template(edit(answer_template(asked)))
    found, replaced = answer(db, qid, text, when, by, link)
    if json:
        output.json({**found._asdict(), "replaced": replaced})
        return
    output.message(question_answered(found, replaced))


@app.command()
def reflect(
    ctx: typer.Context,
    step: Annotated[
        Optional[str],
        typer.Argument(
            metavar="STEP",
            help="The step whose reflection questions to answer (default: the current step).",
            autocompletion=complete.steps,
        ),
    ] = None,
    answer: Annotated[
        Optional[tuple[str, str]],
        typer.Option(
            "--answer", "-a", metavar="REF TEXT", help="Answer one question without the editor: --answer 3.q1 TEXT."
        ),
    ] = None,
    date: DateOpt = None,
    json: Annotated[bool, typer.Option("--json", help="With --answer: print what was saved as JSON.")] = False,
):
    """Answer a step's reflection questions in your editor; earlier answers are kept as history.

    \b
    Examples:
      roadmap reflect
      roadmap reflect 3
      roadmap reflect --answer 1.q1 "Bayes' rule turns a likelihood into a posterior"
    """
    from ..diary import reflections
    from ..errors import UsageError
    from ..progress.refs import resolve, resolve_step
    from ..render.diary import no_reflection_questions, reflection_answered, reflections_saved
    from ..store.items import current_step

    _, db = open_store(ctx)
    when = day(date, "--date", db)
    if answer is not None:
        item = resolve(db, answer[0])
        if item.kind != "question":
            raise UsageError(
                f"{item.ref} is a {item.kind}, not a reflection question", hint="use a reference such as 3.q1"
            )
        if not answer[1].strip():
            raise UsageError("the answer is empty; nothing was saved")
        changed = reflections.record(db, [(item, answer[1])], when)
        if json:
            output.json(
                {
                    "ref": item.ref,
                    "id": item.key,
                    "question": item.title,
                    "answer": answer[1],
                    "day": when,
                    "changed": bool(changed),
                }
            )
            return
        output.message(reflection_answered(item, bool(changed)))
        return
    if json:
        raise UsageError("--json goes with --answer REF TEXT: the editor is not for scripts")
    if step is None:
        current = current_step(db)
        if current is None:
            raise UsageError("every step is done or skipped", hint="name a step: roadmap reflect 3")
        target = current
    else:
        target = resolve_step(db, step)
    pairs = reflections.questions(db, target)
    if not pairs:
        output.message(no_reflection_questions(target))
        return
    from .editor import edit

    answers = reflections.parse(edit(reflections.template(target, pairs), name=f"reflect-step{target.ref}.md"))
    by_ref = {item.ref: item for item, _ in pairs}
    changed = reflections.record(db, [(by_ref[ref], text) for ref, text in answers.items() if ref in by_ref], when)
    output.message(reflections_saved(len(changed), target.ref))
