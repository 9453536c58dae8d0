"""The Typer app, its global options, and the one place errors become messages."""

import os
import sys
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import RoadmapError


class _Group(TyperGroup):
    def list_commands(self, ctx):
        # Keep the order commands were declared in: the everyday ones first.
        return list(self.commands)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RoadmapError as exc:
            if _debug(ctx):
                raise
            _fail(f"Error: {exc}", exc.exit_code)
        except KeyboardInterrupt:
            _fail("Interrupted; nothing was saved from the unfinished command.", 130)
        except OSError as exc:
            if _debug(ctx):
                raise
            where = f" {exc.filename}" if exc.filename else ""
            _fail(f"Error:{where}: {exc.strerror or exc}", 1)
        except Exception as exc:  # a bug: say so plainly, without a traceback
            # Typer's own exceptions (usage errors, exits) are handled by Typer.
            if _debug(ctx) or isinstance(exc, (typer.Exit, typer.Abort, typer.TyperException)):
                raise
            _fail(f"Error: unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback)", 70)


def _debug(ctx) -> bool:
    return bool((ctx.obj or {}).get("debug")) or bool(os.environ.get("ROADMAP_DEBUG"))


def _fail(message: str, code: int):
    sys.stderr.write(message + "\n")
    raise typer.Exit(code)


app = typer.Typer(
    cls=_Group,
    help="Follow a learning roadmap: tick off steps, keep a weekly diary, collect your work.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool):
    if value:
        sys.stdout.write(f"roadmap-tracker {__version__}\n")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    workspace: Annotated[Optional[str], typer.Option("--workspace", envvar="ROADMAP_HOME", metavar="DIR",
                         help="Workspace directory (the one holding roadmap.yaml).", show_envvar=True)] = None,
    db: Annotated[Optional[str], typer.Option("--db", envvar="ROADMAP_DB", metavar="FILE",
                  help="Progress database to use instead of .roadmap/roadmap.db.", show_envvar=True)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                       help="Show the version and exit.")] = False,
):
    """Follow a learning roadmap: tick off steps, keep a weekly diary, collect your work.

    Run `roadmap status` to see where you are.
    """
    ctx.obj = {"workspace": workspace, "db": db, "debug": debug}
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


def main() -> None:
    app(prog_name="roadmap")
