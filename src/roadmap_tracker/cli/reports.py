"""Commands that look back and carry the roadmap elsewhere: report, export, restore, import."""

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import app
from .common import emit_json, message, open_store, parse_day

MAX_LISTED = 10  # lines of "not imported" shown; a long README can leave hundreds


class ExportFormat(str, Enum):
    markdown = "markdown"
    json = "json"


class ReportFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command()
def report(
    ctx: typer.Context,
    week: Annotated[Optional[int], typer.Option("--week", help="A roadmap week (1 is the week it started).")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="From this day: 2026-11-01, -30d, last monday…")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Up to this day (with --since; default today).")] = None,
    last: Annotated[Optional[str], typer.Option("--last", help="The last 10d, 4w (whole weeks) or 3m.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="text, markdown or json.")] = ReportFormat.text,
    json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
):
    """What happened in a period (this week by default): items done, started and skipped, diary
    weeks and their concepts, questions, links, the change in percentage, and momentum: streaks
    of active weeks, an activity calendar and a forecast at the recent pace."""
    from datetime import date

    from ..report import build, period_for

    _, db = open_store(ctx)
    period = period_for(db, date.today(), week=week, since=parse_day(since, "--since") if since else None,
                        until=parse_day(until, "--until") if until else None, last=last)
    data = build(db, period)
    if json or fmt is ReportFormat.json:
        emit_json(data.to_dict())
        return
    from ..reportview import report_markdown, report_view

    if fmt is ReportFormat.markdown:
        typer.echo(report_markdown(data), nl=False)
        return
    from .common import console

    out = console()
    # Laid out to the width already, like `status`: Rich's wrapping would cost seconds on a long period.
    out.print(report_view(data, out.width), no_wrap=True, overflow="ellipsis")


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="markdown (a README) or json (a full backup).")] = ExportFormat.markdown,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.")] = None,
    step: Annotated[Optional[str], typer.Option("--step", help="Markdown: only this step (its number or id) and its diary weeks.")] = None,
    no_diary: Annotated[bool, typer.Option("--no-diary", help="Markdown: leave out the weekly diary digest.")] = False,
    stamp: Annotated[bool, typer.Option("--stamp", help="Write when it was exported (otherwise the same data gives the same bytes).")] = False,
):
    """Export the roadmap with your progress: a GitHub README (checklist, items with dates and links,
    reflections, deliverables, diary digest), or with --format json a complete backup for `roadmap restore`."""
    from ..errors import UsageError

    ws, db = open_store(ctx)
    from ..timestamps import utc_now

    when = utc_now() if stamp else None
    if fmt is ExportFormat.json:
        if step or no_diary:
            raise UsageError("--step and --no-diary narrow the markdown export; a backup is always whole")
        from ..exporting import to_json

        text = to_json(db, _read(ws.roadmap_file), _notes(db, ws), stamp=when)
    else:
        from ..exporting import to_markdown

        number = None
        if step is not None:
            from ..refs import resolve

            item = resolve(db, step)
            if item.kind != "step":
                raise UsageError(f"--step {step}: {item.ref} is a {item.kind}, not a step")
            number = item.position
        text = to_markdown(db, step=number, diary=not no_diary, stamp=when)
    if output is None:
        typer.echo(text, nl=False)
        return
    from ..files import atomic_write

    atomic_write(output, text)
    message(f"Wrote {'a backup' if fmt is ExportFormat.json else 'the roadmap as Markdown'} to {output}.")


def _read(path: Path) -> str:
    # Bytes, not read_text(): a restore must give back the very file, line endings included.
    return path.read_bytes().decode("utf-8")


def _notes(db, ws) -> dict[str, str]:
    """The diary files a backup carries: the week notes in the notes folder."""
    from ..diary import week_from_path

    folder = ws.root / db.execute("SELECT notes_dir FROM roadmap WHERE id = 1").fetchone()[0]
    if not folder.is_dir():
        return {}
    notes = {}
    for p in sorted(folder.glob("*.md")):
        if p.is_file() and not p.name.startswith(".") and week_from_path(p.name) is not None:
            try:
                notes[p.name] = _read(p)
            except UnicodeDecodeError:
                message(f"Left {p} out of the backup: it is not UTF-8 text.")
    return notes


@app.command()
def restore(
    ctx: typer.Context,
    backup: Annotated[Path, typer.Argument(help="A backup from `roadmap export --format json`.", show_default=False)],
    directory: Annotated[Optional[Path], typer.Argument(help="The workspace to rebuild (default: --workspace, the workspace you are in, or here).")] = None,
):
    """Rebuild a workspace from a JSON backup: roadmap.yaml, the progress store and the diary notes.

    Only fills an empty workspace: a new directory, or one whose store has no progress yet.
    The backup is checked in full first; nothing is written if any of it is refused.
    """
    import os

    from ..paths import DB_FILE, STORE_DIR, find_root
    from ..restore import read_backup, restore as run

    obj = ctx.find_root().obj or {}
    home = obj.get("workspace") or os.environ.get("ROADMAP_HOME")
    root = (directory or (Path(home) if home else find_root(Path.cwd()) or Path.cwd())).expanduser()
    db_path = Path(obj["db"]).expanduser() if obj.get("db") else root / STORE_DIR / DB_FILE
    data = read_backup(backup)
    done = run(data, root, db_path)
    if done.replaced_yaml:
        message(f"The roadmap.yaml that was there differs from the backup's; kept it as {done.replaced_yaml}.")
    c = done.counts
    parts = [(c["item"], "step and item", "steps and items"), (c["event"], "progress event", "progress events"),
             (c["entry"], "diary week", "diary weeks"), (c["answer"], "reflection answer", "reflection answers"),
             (c["link"], "link", "links"), (done.notes, "note file", "note files")]
    message(f"Restored {root}: " + ", ".join(f"{k} {one if k == 1 else many}" for k, one, many in parts) + ".")


@app.command("import")
def import_(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A Markdown roadmap, such as a README with checkboxes.", show_default=False)],
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Where to write the YAML; - for stdout. Default: this workspace's roadmap.yaml (merged), or ./roadmap.yaml.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file; on a workspace, replace its steps instead of merging.")] = False,
    date: Annotated[Optional[str], typer.Option("--date", "-d", help="The day to record ticked boxes as done (default today).")] = None,
):
    """Turn a Markdown roadmap into roadmap.yaml; ticked boxes become progress.

    Into a workspace (here or --workspace) the import merges by id: new steps and items are
    added, the old roadmap.yaml is kept under .roadmap/backups/ (its comments are not carried
    over) and no progress is lost. Outside one it creates ./roadmap.yaml and its store.
    With -o NAME.yaml it only writes that file.
    """
    import os

    from ..importing import run
    from ..paths import ROADMAP_FILE, find_root

    day = parse_day(date)
    obj = ctx.find_root().obj or {}
    home = obj.get("workspace") or os.environ.get("ROADMAP_HOME")
    if output == "-":
        target = None
    elif output is not None:
        target = Path(output).expanduser()
    elif home:
        target = Path(home).expanduser() / ROADMAP_FILE
    else:
        target = (find_root(Path.cwd()) or Path.cwd()) / ROADMAP_FILE
    db = obj.get("db") or os.environ.get("ROADMAP_DB")
    done = run(source, target, force=force, day=day, db_path=Path(db).expanduser() if db else None)
    if target is None:
        typer.echo(done.yaml, nl=False)
    _import_messages(source, done)


def _import_messages(source: Path, done) -> None:
    def n(count: int, word: str) -> str:
        return f"{count} {word}{('es' if word.endswith('x') else 's') * (count != 1)}"

    made = f"{n(done.steps, 'step')}, {n(done.items, 'item')}, {n(done.checked, 'checked box')}"
    where = "stdout" if done.target is None else str(done.target)
    if done.mode == "convert":
        message(f"Imported {source.name}: {made}. Wrote {where}.")
        if done.checked:
            message("Checked boxes become progress only when importing into a workspace's roadmap.yaml.")
    elif done.mode == "create":
        message(f"Imported {source.name}: {made}. Created a workspace: {where} and its progress store.")
    else:
        verb = "Replaced the steps of" if done.mode == "replace" else "Merged into"
        message(f"Imported {source.name}: {made}. {verb} {where}: {n(done.new_steps, 'new step')}, "
                f"{n(done.new_items, 'new item')}.")
        if done.backup:
            message(f"Kept the previous roadmap.yaml as {done.backup} (comments in it were not carried over).")
    if done.mode != "convert" and (done.recorded or done.already_done):
        message(f"Recorded {done.recorded} ticked {'box' if done.recorded == 1 else 'boxes'} as done (note: imported "
                f"from {source.name})" + (f"; {done.already_done} already {'was' if done.already_done == 1 else 'were'}." if done.already_done else "."))
    if done.questions_ticked:
        message(f"Not recorded: {n(done.questions_ticked, 'ticked reflection question')} "
                "(answers are progress there: `roadmap reflect`).")
    for title, lines in (("not imported", done.unplaced), ("warning", done.warnings)):
        for line in lines[:MAX_LISTED]:
            message(f"{title}: {line}")
        if len(lines) > MAX_LISTED:
            message(f"{title}: … and {len(lines) - MAX_LISTED} more")
