"""Commands that look back and carry the roadmap elsewhere: report, export, restore, import."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..render import output
from . import complete
from .context import DATE_FORMS, TextFormat, day, open_store, optional_day, page

app = typer.Typer()


class ExportFormat(StrEnum):
    markdown = "markdown"
    json = "json"


@app.command()
def report(
    ctx: typer.Context,
    week: Annotated[
        Optional[int], typer.Option("--week", metavar="N", help="A roadmap week (1 is the week it started).")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option("--since", metavar="DATE", help=f"From this day: {DATE_FORMS}")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option("--until", metavar="DATE", help="Up to this day (with --since; default today).")
    ] = None,
    last: Annotated[
        Optional[str], typer.Option("--last", metavar="PERIOD", help="The last 10d, 4w (whole weeks) or 3m.")
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Everything, from the roadmap's first day (or the first record) to today.")
    ] = False,
    fmt: Annotated[TextFormat, typer.Option("--format", "-f", help="text, markdown or json.")] = TextFormat.text,
    json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
):
    """What happened in a period (this week by default): items done, started and skipped, diary
    weeks and their concepts, questions, links, the change in percentage, and momentum: streaks
    of active weeks, an activity calendar and a forecast at the recent pace.

    \b
    Examples:
      roadmap report
      roadmap report --last 4w
      roadmap report --since "last monday" -f markdown > week.md
    """
    from ..clock import today
    from ..reports.report import build, period_for

    _, db = open_store(ctx)
    period = period_for(
        db,
        today(),
        week=week,
        since=optional_day(since, "--since"),
        until=optional_day(until, "--until"),
        last=last,
        everything=everything,
    )
    data = build(db, period)
    if json or fmt is TextFormat.json:
        output.json(data.to_dict())
        return
    from ..render.report import report_markdown, report_view

    if fmt is TextFormat.markdown:
        output.data(report_markdown(data))
        return
    page(ctx)
    output.lines(report_view(data, output.width()))


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="markdown (a README) or json (a full backup).")
    ] = ExportFormat.markdown,
    output_path: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", metavar="FILE", help="Write to this file (atomically) instead of stdout."),
    ] = None,
    step: Annotated[
        Optional[str],
        typer.Option(
            "--step",
            metavar="STEP",
            help="Markdown: only this step (its number or id) and its diary weeks.",
            autocompletion=complete.steps,
        ),
    ] = None,
    no_diary: Annotated[bool, typer.Option("--no-diary", help="Markdown: leave out the weekly diary digest.")] = False,
    stamp: Annotated[
        bool, typer.Option("--stamp", help="Write when it was exported (otherwise the same data gives the same bytes).")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
):
    """Export the roadmap with your progress: a GitHub README (checklist, items with dates and links,
    reflections, deliverables, diary digest), or with --format json a complete backup for `roadmap restore`.

    \b
    Examples:
      roadmap export -o README.md
      roadmap export --format json -o backup.json
      roadmap export --step 3 --no-diary
    """
    from ..clock import utc_stamp
    from ..errors import UsageError
    from ..render.exchange import exported, left_out

    ws, db = open_store(ctx)
    if output_path is not None:
        from ..store.items import header
        from ..workspace import output_target

        found = header(db)
        output_path = output_target(ws, output_path, found.notes_dir if found else "notes", force=force)
    when = utc_stamp() if stamp else None
    if fmt is ExportFormat.json:
        if step or no_diary:
            raise UsageError("--step and --no-diary narrow the markdown export; a backup is always whole")
        from ..exchange.backup import json_pieces, note_files

        kept, unreadable = note_files(db, ws)
        output.messages(left_out(unreadable))
        # Written as it is read: a backup of a large store is never whole in memory.
        pieces = json_pieces(db, ws.roadmap_file.read_bytes().decode("utf-8"), kept, stamp=when)
    else:
        from ..exchange.readme import collect
        from ..progress.refs import resolve_step
        from ..render.readme import to_markdown

        number = resolve_step(db, step, f"--step {step}").position if step is not None else None
        pieces = [to_markdown(collect(db, step=number, diary=not no_diary), stamp=when)]
    if output_path is None:
        for piece in pieces:
            output.data(piece)
        return
    from ..files import atomic_write

    atomic_write(output_path, pieces)
    output.message(exported(fmt.value, output_path))


@app.command()
def restore(
    ctx: typer.Context,
    backup: Annotated[
        Path, typer.Argument(metavar="FILE", help="A backup from `roadmap export --format json`.", show_default=False)
    ],
    directory: Annotated[
        Optional[Path],
        typer.Argument(
            metavar="DIR", help="The workspace to rebuild (default: --workspace, the workspace you are in, or here)."
        ),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print what was restored as JSON.")] = False,
):
    """Rebuild a workspace from a JSON backup: roadmap.yaml, the progress store and the diary notes.

    Only fills an empty workspace: a new directory, or one whose store has no progress yet.
    The backup is checked in full first; nothing is written if any of it is refused.

    \b
    Examples:
      roadmap restore backup.json ../restored
      roadmap restore backup.json ../copy --json
    """
    from ..exchange.backup import read_backup
    from ..exchange.restore import restore as run
    from ..render.exchange import restored, restored_data
    from ..workspace import default_db
    from .context import db_option, root_for_writing

    root = (directory or root_for_writing(ctx)).expanduser()
    done = run(read_backup(backup), root, db_option(ctx) or default_db(root))
    if json:
        output.json(restored_data(done))
        return
    output.messages(restored(done))


@app.command("import")
def import_(
    ctx: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A Markdown roadmap, such as a README with checkboxes.", show_default=False
        ),
    ],
    output_path: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write the YAML; - for stdout. Default: this workspace's roadmap.yaml (merged), or ./roadmap.yaml.",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Into a workspace: replace its steps (and its deliverables, if the file has some) instead of merging.",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
    date: Annotated[
        Optional[str],
        typer.Option(
            "--date",
            "-d",
            metavar="DATE",
            help=f"The day to record ticked boxes on, where the file gives none (default today): {DATE_FORMS}",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every line that was not imported, and why.")
    ] = False,
    json: Annotated[
        bool, typer.Option("--json", help="Print what was imported, and every line left out, as JSON.")
    ] = False,
):
    """Turn a Markdown roadmap into roadmap.yaml; ticked boxes become progress.

    Into a workspace (here or --workspace) the import merges by id: new steps and items are
    added, the old roadmap.yaml is kept under .roadmap/backups/ (its comments are not carried
    over) and no progress is lost. A file that shares no step or item with the workspace's plan
    is refused: import it into a new workspace (--workspace NEWDIR), or pass --replace.
    Outside a workspace it creates ./roadmap.yaml and its store. With -o NAME.yaml it only
    writes that file. It ends by counting the lines it did not import; --verbose lists them.

    \b
    Examples:
      roadmap import README.md -o -
      roadmap import README.md --workspace ../new-plan --verbose
    """
    from ..errors import UsageError
    from ..exchange.importing import run
    from ..render.exchange import imported, imported_data
    from ..workspace import ROADMAP_FILE
    from .context import db_option, root_for_writing

    when = day(date)
    if output_path == "-":
        if json:
            raise UsageError("-o - writes the YAML to stdout, where --json would go: give one of them")
        target = None
    elif output_path is not None:
        target = Path(output_path).expanduser()
    else:
        target = root_for_writing(ctx) / ROADMAP_FILE
    done = run(source, target, force=force, replace=replace, day=when, db_path=db_option(ctx))
    if json:
        output.json(imported_data(source, done))
        return
    if target is None:
        output.data(done.yaml)
    output.messages(imported(source, done, verbose))
