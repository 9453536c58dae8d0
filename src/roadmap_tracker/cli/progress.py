"""Commands for the plan and progress: init, status, show, check, uncheck, start, skip, history, sync."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..render import output
from . import complete
from .context import DATE_FORMS, JsonOpt, day, open_store, page

app = typer.Typer()

DateOpt = Annotated[Optional[str], typer.Option("--date", "-d", metavar="DATE", help=DATE_FORMS)]
FutureOpt = Annotated[bool, typer.Option("--future", help="Allow a --date after today: a plan, not a record.")]
NoteOpt = Annotated[
    Optional[str], typer.Option("--note", "-n", metavar="TEXT", help="A note kept with this change in the history.")
]
ItemsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ITEM...",
        help="Items: a step number (3), 3.p2, 3.r1, an id, or part of a title.",
        show_default=False,
        autocompletion=complete.items,
    ),
]


@app.command()
def init(
    ctx: typer.Context,
    directory: Annotated[
        Optional[Path], typer.Argument(metavar="DIR", help="Where to create the workspace (default: here).")
    ] = None,
    from_file: Annotated[
        Optional[Path],
        typer.Option("--from", metavar="FILE", help="Start from this roadmap.yaml instead of the bundled one."),
    ] = None,
    start: Annotated[
        Optional[str],
        typer.Option("--start", metavar="DATE", help="The day the roadmap starts (week 1); default today."),
    ] = None,
    json: JsonOpt = False,
):
    """Create roadmap.yaml (the bundled deep-learning roadmap unless --from), notes/ and the progress store.

    \b
    Examples:
      roadmap init
      roadmap init dl-roadmap --start "next monday"
      roadmap init my-plan --from plan.yaml
    """
    from ..errors import UsageError
    from ..render.progress import created
    from ..store.connection import connect
    from ..store.items import kind_counts
    from ..store.sync import sync
    from ..workspace import bundled_roadmap, create
    from .context import db_option

    root = (directory or Path.cwd()).resolve()
    if from_file is not None:
        try:
            text, source = from_file.read_text(encoding="utf-8"), str(from_file)
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--from {from_file}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from exc
    else:
        text, source = bundled_roadmap(), "bundled roadmap.yaml"
    from ..dates import is_week_phrase

    started = day(start, "--start", future=True) if start else None
    made = create(root, text, source, started, db_option(ctx), week_of=bool(start and is_week_phrase(start)))
    db = connect(made.workspace.db_path)
    sync(db, made.workspace, force=True)
    from ..store.items import calendar

    counts, first_day = kind_counts(db), calendar(db).first_day
    if json:
        output.json({"workspace": str(root), "store": str(made.workspace.db_path), "items": counts, "week1": first_day})
        return
    output.messages(created(root, counts, first_day))


@app.command()
def status(
    ctx: typer.Context,
    json: JsonOpt = False,
    archived: Annotated[
        bool, typer.Option("--archived", help="Also list items removed from roadmap.yaml that have progress.")
    ] = False,
):
    """Show overall progress, a bar per step, deliverables and what to do next.

    \b
    Examples:
      roadmap status
      roadmap status --archived
      roadmap status --json | jq .percent
    """
    from ..clock import today
    from ..progress.momentum import momentum
    from ..progress.status import status as get_status

    _, db = open_store(ctx)
    data = get_status(db, archived=archived)
    # Streaks and the forecast cost two aggregates; the heatmap lives in `roadmap report`.
    pace = momentum(db, today(), done=data.done, total=data.total)
    if json:
        output.json({**data.to_dict(), "momentum": pace.to_dict()})
        return
    from ..render.progress import status_view

    output.lines(status_view(data, output.width(), pace))


@app.command()
def show(
    ctx: typer.Context,
    step: Annotated[
        str,
        typer.Argument(
            metavar="STEP", help="A step: its number, id or part of its title.", autocompletion=complete.steps
        ),
    ],
    json: JsonOpt = False,
):
    """Show one step in full: objective, every item with its state, dates done.

    \b
    Examples:
      roadmap show 3
      roadmap show "Mathematical Foundations"
      roadmap show 3 --json
    """
    from ..progress.refs import resolve_step
    from ..progress.status import step_detail

    _, db = open_store(ctx)
    detail = step_detail(db, resolve_step(db, step))
    if json:
        output.json(detail.to_dict())
        return
    from ..render.progress import step_view

    page(ctx)
    output.show(step_view(detail), crop=False)  # an address is printed whole, past the edge


def _set(
    ctx: typer.Context, refs: list[str], state: str, date: str | None, note: str | None, future: bool, json: bool
) -> None:
    from ..progress.refs import resolve
    from ..progress.states import set_state
    from ..render.progress import changes, changes_data

    _, db = open_store(ctx)
    when = day(date, "--date", db, future=future, future_option="--future")
    items = [resolve(db, ref) for ref in refs]  # every reference is checked before anything is written
    found = set_state(db, items, state, when, note)
    if json:
        output.json(changes_data(found, when, note))
    else:
        output.messages(changes(found))


@app.command()
def check(
    ctx: typer.Context,
    items: ItemsArg,
    date: DateOpt = None,
    note: NoteOpt = None,
    future: FutureOpt = False,
    json: JsonOpt = False,
):
    """Mark items done. Checking every item of a step marks the step done.

    \b
    Examples:
      roadmap check 1.r1
      roadmap check 1.r2 1.p1 --date yesterday -n "took two evenings"
      roadmap check 2 --date "last monday"
    """
    _set(ctx, items, "done", date, note, future, json)


@app.command()
def uncheck(
    ctx: typer.Context,
    items: ItemsArg,
    date: DateOpt = None,
    note: NoteOpt = None,
    future: FutureOpt = False,
    json: JsonOpt = False,
):
    """Mark items as still to do (the history keeps what they were).

    \b
    Examples:
      roadmap uncheck 1.p1
      roadmap uncheck 2 -n "redo it with PyTorch"
    """
    _set(ctx, items, "todo", date, note, future, json)


@app.command()
def start(
    ctx: typer.Context,
    items: ItemsArg,
    date: DateOpt = None,
    note: NoteOpt = None,
    future: FutureOpt = False,
    json: JsonOpt = False,
):
    """Mark items in progress.

    \b
    Examples:
      roadmap start 1.p1
      roadmap start 3.p2 --date -3d
    """
    _set(ctx, items, "in_progress", date, note, future, json)


@app.command()
def skip(
    ctx: typer.Context,
    items: ItemsArg,
    date: DateOpt = None,
    note: NoteOpt = None,
    future: FutureOpt = False,
    json: JsonOpt = False,
):
    """Skip items: they leave the count and show as skipped, never as done.

    \b
    Examples:
      roadmap skip 1.r2 -n "read it at university"
      roadmap skip 5
    """
    _set(ctx, items, "skipped", date, note, future, json)


@app.command()
def history(
    ctx: typer.Context,
    item: Annotated[
        Optional[str], typer.Argument(metavar="ITEM", help="Only this item's events.", autocompletion=complete.items)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", metavar="N", help="How many events to show (0 for all).")] = 50,
    json: JsonOpt = False,
):
    """Show progress events, newest first.

    \b
    Examples:
      roadmap history
      roadmap history 1.p1
      roadmap history -n 0 --json
    """
    from ..progress.refs import resolve
    from ..progress.status import history as get_history
    from ..render.progress import NO_HISTORY, history_view

    _, db = open_store(ctx)
    events = get_history(db, resolve(db, item, archived=True) if item else None, limit or None)
    if json:
        output.json([e._asdict() for e in events])
    elif not events:
        output.message(NO_HISTORY)
    else:
        page(ctx)
        output.show(history_view(events))


@app.command()
def undo(
    ctx: typer.Context,
    change: Annotated[
        Optional[str], typer.Argument(metavar="ID", help="The change to undo: its number from `roadmap history` (#12).")
    ] = None,
):
    """Undo a change: the latest made by hand, or the one `roadmap history` numbers ID.

    The undo is a change of its own that names the one it reverses; the history keeps both.

    \b
    Examples:
      roadmap undo
      roadmap undo 2
    """
    from ..errors import UsageError
    from ..progress.states import undo as run_undo
    from ..render.progress import undone

    number = None
    if change is not None:
        text = change.strip().lstrip("#")
        if not text.isdigit():
            raise UsageError(
                f"{change!r} is not a change number", hint="give the number `roadmap history` shows, like 12"
            )
        number = int(text)
    _, db = open_store(ctx)
    output.messages(undone(run_undo(db, number)))


@app.command()
def sync(
    ctx: typer.Context,
    json: JsonOpt = False,
    repair: Annotated[
        bool,
        typer.Option("--repair", help="Move unreadable history lines (cut short, not records) to history/set-aside/."),
    ] = False,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Build the store again from the workspace's files, keeping the old one aside."),
    ] = False,
):
    """Re-read roadmap.yaml, notes/ and history/ now; print what changed, and any change made on two
    machines that disagreed (the one recorded last stands).

    \b
    Examples:
      roadmap sync
      roadmap sync --json
      roadmap sync --repair
    """
    from ..errors import UsageError
    from ..render.progress import IN_STEP, sync_lines, synced
    from .context import bring_up_to_date, workspace

    ws = workspace(ctx)
    if repair:
        from ..history.files import set_aside
        from ..render.history import repaired

        moved, where = set_aside(ws)
        output.messages(repaired(moved, ws.relative(where)) if moved else ["No history line needed moving."])
    if rebuild:
        from ..render.workspace import rebuilding
        from ..store.connection import set_aside

        kept = set_aside(ws.db_path, "rebuilt") if ws.db_path.exists() else None
        output.message(rebuilding(ws, kept))
    db = bring_up_to_date(ws, force=True)
    report, notes = db.plan_report, db.notes_report
    if notes.problems:
        raise UsageError(notes.problems[0], hint="fix the file and run `roadmap sync` again")
    from ..render.history import conflict
    from ..store.progress import conflicts

    found = conflicts(db)
    if json:
        output.json({**report.to_dict(), "conflicts": [c._asdict() for c in found]})
        return
    if report.empty:
        output.message(IN_STEP)
    else:
        if not rebuild:  # a store built again lists the whole plan as added: the count says it
            output.data(sync_lines(report))
        output.message(synced(report))
    if found:
        output.data("".join(f"conflict {conflict(c)}\n" for c in found))
