"""The command that draws the progress card: card."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..render import output
from .context import open_store

app = typer.Typer()


class Theme(StrEnum):
    auto = "auto"
    light = "light"
    dark = "dark"


@app.command()
def card(
    ctx: typer.Context,
    output_path: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", metavar="FILE", help="Write to this file (atomically) instead of stdout."),
    ] = None,
    theme: Annotated[
        Theme, typer.Option("--theme", help="light, dark, or auto to follow the reader's light or dark mode.")
    ] = Theme.auto,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
):
    """Draw your progress as an SVG card for a GitHub profile or README: the roadmap's title, the
    percentage done, a bar per step, your streak and six months of activity.

    The card holds no script, font, image or link, so GitHub shows it as it is; the same progress
    on the same day gives the same bytes. A roadmap of more than 20 steps shows the first 20 and
    counts the others on one line ("+K more steps").

    \b
    Examples:
      roadmap card -o progress.svg
      roadmap card --theme dark > progress-dark.svg
    """
    from datetime import timedelta

    from ..clock import today
    from ..dates import week_start
    from ..progress.momentum import activity, momentum
    from ..progress.status import status
    from ..render.card import WEEKS, card_svg
    from ..store.items import calendar

    ws, db = open_store(ctx)
    if output_path is not None:
        from ..store.items import header
        from ..workspace import output_target

        found = header(db)
        output_path = output_target(ws, output_path, found.notes_dir if found else "notes", force=force)
    day = today()
    data = status(db, next_count=0)
    pace = momentum(db, day, done=data.done, total=data.total)
    starts = calendar(db).week_starts
    days = activity(db, day, since=week_start(day, starts) - timedelta(weeks=WEEKS - 1))
    svg = card_svg(data, pace, days, day, starts, theme.value)
    if output_path is None:
        output.data(svg)
        return
    from ..files import atomic_write

    atomic_write(output_path, svg)
    output.message(f"Wrote the progress card to {output_path}.")
