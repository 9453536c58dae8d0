"""The command that looks the workspace over: doctor."""

from pathlib import Path
from typing import Annotated

import typer

from ..render import output
from .context import options

app = typer.Typer()


def _source(ctx: typer.Context, name: str) -> str | None:
    """Where a global option came from: "option" (before or after the command), "environment",
    or None when it was not given."""
    from typer._click.core import ParameterSource

    root = ctx.find_root()
    if ParameterSource.COMMANDLINE in (ctx.get_parameter_source(name), root.get_parameter_source(name)):
        return "option"
    return "environment" if root.get_parameter_source(name) == ParameterSource.ENVIRONMENT else None


@app.command()
def doctor(
    ctx: typer.Context,
    json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON instead of text.")] = False,
):
    """Check the workspace and its store for problems. One line per finding (ok, note or problem); exit 1
    if any is a problem.

    It checks the progress store (SQLite's integrity check, its schema against this version),
    whether roadmap.yaml, notes/ and history/ changed since the store read them, notes files no
    command can read, linked workspace files that are gone, and says which workspace, store and
    versions it uses. A note is something the next command takes care of by itself. Doctor only
    reads: it changes no file and brings nothing up to date, not even the store.

    \b
    Examples:
      roadmap doctor
      roadmap doctor --json | jq '.[] | select(.status == "problem")'
    """
    from ..doctor import PROBLEM, Where, examine
    from ..errors import ExitCode
    from ..render import doctor as view

    found = options(ctx)
    where = Where(found.get("workspace"), _source(ctx, "workspace"), found.get("db"), _source(ctx, "db"), Path.cwd())
    findings = examine(where)
    if json:
        output.json(view.as_json(findings))
    else:
        output.lines(view.lines(findings))
        output.message(view.summary(findings))
    if any(f.status == PROBLEM for f in findings):
        raise typer.Exit(ExitCode.FAILURE)
