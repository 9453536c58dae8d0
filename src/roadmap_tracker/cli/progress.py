"""Commands for the plan and progress: init, status, show, check, uncheck, start, skip, history, sync."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import app
from .common import emit_json, message, open_store, parse_day, summary

DateOpt = Annotated[Optional[str], typer.Option("--date", "-d", help="When it happened: 2026-11-20, yesterday, -3d, last monday…")]
NoteOpt = Annotated[Optional[str], typer.Option("--note", "-n", help="A note kept with this change in the history.")]
ItemsArg = Annotated[list[str], typer.Argument(help="Items: a step number (3), 3.p2, 3.r1, an id, or part of a title.", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@app.command()
def init(
    ctx: typer.Context,
    directory: Annotated[Optional[Path], typer.Argument(help="Where to create the workspace (default: here).")] = None,
    from_file: Annotated[Optional[Path], typer.Option("--from", help="Start from this roadmap.yaml instead of the bundled one.")] = None,
    start: Annotated[Optional[str], typer.Option("--start", help="The day the roadmap starts (week 1); default today.")] = None,
):
    """Create roadmap.yaml (the bundled deep-learning roadmap unless --from), notes/ and the progress store."""
    from ..db import connect
    from ..errors import UsageError
    from ..sync import sync
    from ..workspace import bundled_roadmap, create

    root = (directory or Path.cwd()).resolve()
    if from_file is not None:
        try:
            text, source = from_file.read_text(encoding="utf-8"), str(from_file)
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--from {from_file}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from exc
    else:
        text, source = bundled_roadmap(), "bundled roadmap.yaml"
    db_override = (ctx.find_root().obj or {}).get("db")
    created = create(root, text, source, parse_day(start, "--start") if start else None,
                     Path(db_override) if db_override else None)
    db = connect(created.workspace.db_path)
    from ..queries import item_counts

    sync(db, created.workspace, force=True)
    counts = item_counts(db)
    message(f"Created a roadmap workspace in {root}: {counts.get('step', 0)} steps, "
            f"{counts.get('resource', 0) + counts.get('project', 0)} resources and mini projects, "
            f"{counts.get('question', 0)} reflection questions, {counts.get('deliverable', 0)} deliverables.")
    message("Next: `roadmap status`.")


@app.command()
def status(
    ctx: typer.Context,
    json: JsonOpt = False,
    archived: Annotated[bool, typer.Option("--archived", help="Also list items removed from roadmap.yaml that have progress.")] = False,
):
    """Show overall progress, a bar per step, deliverables and what to do next."""
    from datetime import date

    from ..momentum import momentum
    from ..queries import status as get_status

    _, db = open_store(ctx)
    data = get_status(db, archived=archived)
    # Streaks and the forecast cost two aggregates; the heatmap lives in `roadmap report`.
    pace = momentum(db, date.today(), done=data.done, total=data.total)
    if json:
        emit_json({**data.to_dict(), "momentum": pace.to_dict()})
        return
    from ..render import status_view
    from .common import console

    out = console()
    view = status_view(data, out.width, pace)
    if out.color_system is None:
        # Piped, or NO_COLOR: there is no style to draw and the lines already fit,
        # so the plain text is the output (Rich's rendering costs 10 ms on 200 steps).
        sys.stdout.write(view.plain + "\n")
    else:
        out.print(view, overflow="fold")


@app.command()
def show(
    ctx: typer.Context,
    step: Annotated[str, typer.Argument(help="A step: its number, id or part of its title.")],
    json: JsonOpt = False,
):
    """Show one step in full: objective, every item with its state, dates done."""
    from ..errors import UsageError
    from ..queries import status as get_status, step_items
    from ..refs import resolve

    _, db = open_store(ctx)
    item = resolve(db, step)
    if item.kind != "step":
        raise UsageError(f"{item.ref} is a {item.kind}, not a step", hint="give a step number such as 3")
    info = next(s for s in get_status(db, next_count=0).steps if s.id == item.key)
    from ..questions import latest_answers

    items = step_items(db, item.id)
    answers = {r["key"]: [{"day": r["answer_day"], "text": r["answer_text"]}] for r in latest_answers(db, item.id)}
    if json:
        from dataclasses import asdict

        emit_json({"step": asdict(info), "objective": item.body, "items": [asdict(i) for i in items], "answers": answers})
        return
    from ..render import step_view
    from .common import show as print_view

    print_view(step_view(info, item.body, items, answers))


def _set(ctx: typer.Context, refs: list[str], state: str, date: str | None, note: str | None) -> None:
    from ..progress import LABELS, set_state
    from ..refs import resolve

    day = parse_day(date)
    _, db = open_store(ctx)
    items = [resolve(db, ref) for ref in refs]  # every reference is checked before anything is written
    for change in set_state(db, items, state, day, note):
        what = f"{change.item.ref} {change.item.title}"
        if change.auto:
            message(f"Step {what} is now {LABELS[change.new]}" + (": all its items are done." if change.new == "done" else "."))
        elif change.changed:
            message(f"{what}: {LABELS[change.old]} → {LABELS[change.new]}")
        else:
            message(f"{what} was already {LABELS[change.new]}.")


@app.command()
def check(ctx: typer.Context, items: ItemsArg, date: DateOpt = None, note: NoteOpt = None):
    """Mark items done. Checking every item of a step marks the step done."""
    _set(ctx, items, "done", date, note)


@app.command()
def uncheck(ctx: typer.Context, items: ItemsArg, date: DateOpt = None, note: NoteOpt = None):
    """Mark items as still to do (the history keeps what they were)."""
    _set(ctx, items, "todo", date, note)


@app.command()
def start(ctx: typer.Context, items: ItemsArg, date: DateOpt = None, note: NoteOpt = None):
    """Mark items in progress."""
    _set(ctx, items, "in_progress", date, note)


@app.command()
def skip(ctx: typer.Context, items: ItemsArg, date: DateOpt = None, note: NoteOpt = None):
    """Skip items: they leave the count and show as skipped, never as done."""
    _set(ctx, items, "skipped", date, note)


@app.command()
def history(
    ctx: typer.Context,
    item: Annotated[Optional[str], typer.Argument(help="Only this item's events.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many events to show (0 for all).")] = 50,
    json: JsonOpt = False,
):
    """Show progress events, newest first."""
    from ..queries import history as get_history
    from ..refs import resolve

    _, db = open_store(ctx)
    item_id = resolve(db, item, archived=True).id if item else None
    events = get_history(db, item_id, limit or None)
    if json:
        from dataclasses import asdict

        emit_json([asdict(e) for e in events])
        return
    if not events:
        message("No progress recorded yet. Tick something off with `roadmap check 1.r1`.")
        return
    from ..render import history_view
    from .common import show as print_view

    print_view(history_view(events))


@app.command()
def sync(ctx: typer.Context, json: JsonOpt = False):
    """Re-read roadmap.yaml now and print what changed: added, renamed, moved, removed."""
    from dataclasses import asdict

    from ..db import connect
    from ..errors import UsageError
    from ..journal import sync_notes
    from ..sync import sync as run_sync
    from .common import tell_notes, workspace

    ws = workspace(ctx)
    db = connect(ws.db_path)
    report = run_sync(db, ws, force=True)
    notes = sync_notes(db, ws)
    tell_notes(ws, notes)
    if notes.problems:
        raise UsageError(notes.problems[0], hint="fix the file and run `roadmap sync` again")
    if json:
        emit_json(asdict(report))
        return
    if report.empty:
        message("roadmap.yaml and the store agree; nothing changed.")
        return
    lines = [f"added    {t}" for t in report.added]
    lines += [f"renamed  {old} → {new}" for old, new in report.renamed]
    lines += [f"moved    {t}" for t in report.moved]
    lines += [f"removed  {t} (archived with its history)" for t in report.removed]
    lines += [f"restored {t}" for t in report.restored]
    if report.changed:
        lines.append(f"edited   {report.changed} objective(s), URL(s) or setting(s)")
    typer.echo("\n".join(lines))
    message(f"Synced: {summary(report)}.")
