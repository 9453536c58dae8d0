"""What every command needs: the workspace, its store brought up to date, and dates from options."""

from __future__ import annotations

import sqlite3
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..render import output
from ..workspace import Workspace, db_override, locate, target_root

# What the date parser reads (dates.parse_date), for the help of every date option; one line
# beside `-d, --date DATE` at 80 columns.
DATE_FORMS = "2026-11-20, March 3, yesterday, -3d, 2w ago, last monday…"
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


class TextFormat(StrEnum):
    """How a view is written: for the terminal, as Markdown, or as JSON."""

    text = "text"
    markdown = "markdown"
    json = "json"


def options(ctx: typer.Context) -> dict:
    """The global options, wherever on the command line they were given."""
    return ctx.find_root().obj or {}


def page(ctx: typer.Context) -> None:
    """What the command writes next goes through a pager on a terminal, unless --no-pager."""
    output.pager(not options(ctx).get("no_pager"))


def workspace(ctx: typer.Context) -> Workspace:
    found = options(ctx)
    return locate(found.get("workspace"), found.get("db"))


def root_for_writing(ctx: typer.Context) -> Path:
    """The directory a command that may create a workspace works on: --workspace, the nearest one, or here."""
    return target_root(options(ctx).get("workspace"))


def db_option(ctx: typer.Context) -> Path | None:
    return db_override(options(ctx).get("db"))


def open_store(ctx: typer.Context) -> tuple[Workspace, sqlite3.Connection]:
    """Locate the workspace, open (or create) its store, and pick up edits to roadmap.yaml,
    notes/ and the history files."""
    ws = workspace(ctx)
    db = bring_up_to_date(ws)
    return ws, db


def bring_up_to_date(ws: Workspace, *, force: bool = False):
    """Open the store and take in what changed in the workspace's text since the last command: the
    plan, then the diary, then the history records (which name items of the one and weeks of the
    other). A store that is new is built from them; it records nothing while it does."""
    from ..diary.mirror import sync_notes
    from ..history import files as history_files
    from ..render import diary as diary_view
    from ..render import progress as progress_view
    from ..store.connection import connect, open_copy, writable
    from ..store.sync import sync

    if writable(ws.db_path):
        _set_empty_store_aside(ws)
        fresh = not ws.db_path.exists()
        db = connect(ws.db_path)
        history_files.attach(db, ws)
        _write_out_history(db, ws)
        db.recording = not (fresh and history_files.files(ws))
    else:
        from ..render import workspace as workspace_view

        fresh = not ws.db_path.exists()
        # Reading needs no write access: the store is brought up to date in memory, keeps no
        # history lines, and refuses every change once the command starts (see ``transaction``).
        db = open_copy(ws.db_path)
        output.message(workspace_view.read_only(ws))
        db.recording = False
    report = sync(db, ws, force=force)
    output.messages(progress_view.synced_on_open(ws, report, fresh))
    notes = sync_notes(db, ws)
    # `roadmap sync` stops at a refused note with an error of its own.
    output.messages(
        diary_view.notes_read(ws, notes)
        + ([] if force else diary_view.notes_refused(notes))
        + diary_view.notes_left_out(notes)
    )
    caught = _catch_up(db, ws, plan_changed=report is not None and not report.empty, fresh=fresh)
    db.recording = not db.read_only
    # A store built from the files is what they say, and records nothing; one that took in
    # another machine's records, or a plan edit, brings its steps in line with their items.
    if not fresh and caught is not None and caught.applied:
        from ..clock import today
        from ..progress.states import settle_steps

        output.messages(progress_view.changes(settle_steps(db, today(), caught.items)))
    elif not fresh and report is not None and not report.empty:
        from ..clock import today
        from ..progress.states import reopen_after_plan_edit

        output.messages(progress_view.changes(reopen_after_plan_edit(db, today())))
    db.caught_up = caught
    db.plan_report = report
    db.notes_report = notes
    db.sealed = db.read_only
    return db


def _set_empty_store_aside(ws: Workspace) -> None:
    """A store of 0 bytes (a crash while it was made, a bad copy) would be taken for a new one
    without a word: keep it aside, say so, and build the store from the text."""
    wal = ws.db_path.with_name(ws.db_path.name + "-wal")
    try:
        empty = ws.db_path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size)
    except OSError:
        return
    if empty:
        from ..render import workspace as workspace_view
        from ..store.connection import set_aside

        output.message(workspace_view.empty_store_kept(ws, set_aside(ws.db_path, "empty")))


def _catch_up(db: sqlite3.Connection, ws: Workspace, *, plan_changed: bool, fresh: bool):
    """Apply the history lines that arrived since the last command; None when no file moved (the
    everyday case, which imports nothing of the apply machinery)."""
    from ..history.files import moved
    from ..store.records import waiting

    look = moved(db, ws)
    if not look.any and not (plan_changed and waiting(db)):
        return None
    from ..history import replay
    from ..render import history as history_view

    caught = replay.catch_up(db, ws, look, plan_changed=plan_changed)
    output.messages(history_view.caught_up(caught, fresh=fresh))
    return caught


def _write_out_history(db: sqlite3.Connection, ws: Workspace) -> None:
    """Once, after the upgrade that brought history files: what the store holds goes to one."""
    from ..store import records

    if records.task_pending(db, records.WRITE_HISTORY):
        from ..history import seed
        from ..render import history as history_view

        count = seed.write_out(db)
        output.messages(history_view.written_out(ws, db.writer.path, count))


def day(
    text: str | None,
    option: str = "--date",
    db: sqlite3.Connection | None = None,
    *,
    future: bool = False,
    future_option: str | None = None,
) -> date:
    """The day an option names; today when it was not given.

    With the store open, an ambiguous 12/11/2026 reads by roadmap.yaml's date_order. A day after
    today is refused (progress and the diary record what happened) unless ``future`` allows it
    (a plan, a range's end, a roadmap's start); the refusal names ``future_option`` when the
    command has one."""
    from ..clock import today

    if text is None:
        return today()
    from ..dates import parse_date
    from ..errors import BadDate
    from ..store.items import header

    found = header(db) if db is not None else None
    when = parse_date(text, label=option, order=found.date_order if found else None)
    if not future and when > today():
        hint = f"{future_option} records a plan" if future_option else None
        raise BadDate(f"{option}: '{text.strip()}' is {when}, after today ({today()}); record what happened", hint=hint)
    return when


def optional_day(text: str | None, option: str, db: sqlite3.Connection | None = None) -> date | None:
    return day(text, option, db, future=True) if text is not None else None
