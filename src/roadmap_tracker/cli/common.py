"""What every command needs: the workspace, the store, dates, and output."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date
from typing import Any

import typer

from ..errors import UsageError
from ..paths import Workspace, locate


def workspace(ctx: typer.Context) -> Workspace:
    obj = ctx.find_root().obj or {}
    return locate(obj.get("workspace"), obj.get("db"))


def open_store(ctx: typer.Context) -> tuple[Workspace, sqlite3.Connection]:
    """Locate the workspace, open (or create) its store, and pick up edits to roadmap.yaml."""
    from ..db import connect
    from ..sync import sync

    from ..journal import sync_notes

    ws = workspace(ctx)
    fresh = not ws.db_path.exists()
    db = connect(ws.db_path)
    report = sync(db, ws)
    if fresh:
        message(f"Tracking progress on roadmap.yaml in {ws.relative(ws.db_path)}.")
    elif report is not None and not report.empty:
        message(f"roadmap.yaml changed: {summary(report)}.")
    notes = sync_notes(db, ws)
    tell_notes(ws, notes)
    for problem in notes.problems:
        message(f"Warning: {problem}; the file was left as it is and not read.")
    return ws, db


def tell_notes(ws: Workspace, notes) -> None:
    """Say which diary files were read back, and where the versions they replaced went."""
    for name in notes.imported:
        message(f"Read {name} into the diary.")
    for path in notes.backups:
        message(f"Kept the earlier version in {ws.relative(path)}.")


def summary(report) -> str:
    parts = [f"{len(getattr(report, name))} {name}" for name in ("added", "renamed", "moved", "removed", "restored")
             if getattr(report, name)]
    if report.changed:
        parts.append(f"{report.changed} edited")
    return ", ".join(parts) or "no changes"


def parse_day(text: str | None, option: str = "--date") -> date:
    if text is None:
        return date.today()
    from ..dates import BadDate, parse_date

    try:
        return parse_date(text)
    except BadDate as exc:
        raise UsageError(f"{option}: {exc}") from exc


def message(text: str) -> None:
    """A message for the person, not data: stderr."""
    sys.stderr.write(text + "\n")


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def show(renderable) -> None:
    """Print a Rich renderable on stdout without the padding Rich leaves at line ends."""
    out = console()
    with out.capture() as captured:
        out.print(renderable)
    sys.stdout.write("\n".join(line.rstrip(" ") for line in captured.get().split("\n")))


def console():
    """A Rich console on stdout; Rich honours NO_COLOR and plain pipes by itself."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)
