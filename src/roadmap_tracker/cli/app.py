"""The Typer app: commands loaded on demand, global options anywhere, and the one place where
errors become messages and exit codes."""

import importlib
import os
import sys
from typing import Annotated, Optional

import typer
from typer._click.core import Context, Parameter
from typer._click.exceptions import ClickException
from typer.core import TyperArgument, TyperGroup, TyperOption

from ..errors import EXIT_CODE_HELP, ExitCode, RoadmapError

# Each command, the module that defines it, and the first paragraph of its docstring (its
# --help), in the order `roadmap --help` lists them: the everyday ones first. Only the module of
# the command that runs is imported; `roadmap --help` lists the commands from here, importing
# none (tests/test_cli_basics.py holds each summary to its docstring).
COMMANDS = {
    "init": (
        "progress",
        "Create roadmap.yaml (the bundled deep-learning roadmap unless --from), notes/ and the progress store.",
    ),
    "status": ("progress", "Show overall progress, a bar per step, deliverables and what to do next."),
    "show": ("progress", "Show one step in full: objective, every item with its state, dates done."),
    "check": ("progress", "Mark items done. Checking every item of a step marks the step done."),
    "uncheck": ("progress", "Mark items as still to do (the history keeps what they were)."),
    "start": ("progress", "Mark items in progress."),
    "skip": ("progress", "Skip items: they leave the count and show as skipped, never as done."),
    "history": ("progress", "Show progress events, newest first."),
    "undo": ("progress", "Undo a change: the latest made by hand, or the one `roadmap history` numbers ID."),
    "sync": (
        "progress",
        (
            "Re-read roadmap.yaml, notes/ and history/ now; print what changed, and any change made on two "
            "machines that disagreed (the one recorded last stands)."
        ),
    ),
    "config": (
        "config",
        "Show your settings, each with where it came from; `config set KEY VALUE` changes one.",
    ),
    "doctor": (
        "doctor",
        "Check the workspace and its store for problems. One line per finding (ok, note or problem); exit 1 if any"
        " is a problem.",
    ),
    "log": ("diary", "Add to this week's diary entry, mirrored in notes/weekN.md."),
    "logs": ("diary", "Show diary entries, newest first; --week N shows one week in full."),
    "questions": ("diary", "Open questions from your diary, until they are answered."),
    "reflect": ("diary", "Answer a step's reflection questions in your editor; earlier answers are kept as history."),
    "link": (
        "proof",
        (
            "Attach a link (a repo, blog post, demo, notebook…) or a workspace file to an item, or to the roadmap"
            " with `-`."
        ),
    ),
    "unlink": ("proof", "Remove a link from an item (or from the roadmap with `-`)."),
    "links": (
        "proof",
        "List links with the result of their last check; --check checks them now (exit 1 if any is broken).",
    ),
    "deliverables": ("proof", "Show each deliverable: count/target, what counted toward it and what is still missing."),
    "portfolio": (
        "proof",
        (
            "Show your finished mini projects with their step, date, links and reflections; --format markdown for"
            " a README."
        ),
    ),
    "card": (
        "card",
        (
            "Draw your progress as an SVG card for a GitHub profile or README: the roadmap's title, the percentage"
            " done, a bar per step, your streak and six months of activity."
        ),
    ),
    "report": (
        "exchange",
        (
            "What happened in a period (this week by default): items done, started and skipped, diary weeks and "
            "their concepts, questions, links, the change in percentage, and momentum: streaks of active weeks, "
            "an activity calendar and a forecast at the recent pace."
        ),
    ),
    "export": (
        "exchange",
        (
            "Export the roadmap with your progress: a GitHub README (checklist, items with dates and links, "
            "reflections, deliverables, diary digest), or with --format json a complete backup for `roadmap "
            "restore`."
        ),
    ),
    "restore": (
        "exchange",
        "Rebuild a workspace from a JSON backup: roadmap.yaml, the progress store and the diary notes.",
    ),
    "import": ("exchange", "Turn a Markdown roadmap into roadmap.yaml; ticked boxes become progress."),
}


ENVIRONMENT = {
    "ROADMAP_HOME": "the workspace to use, like --workspace",
    "ROADMAP_DB": "the progress store to use, like --db",
    "ROADMAP_CONFIG": "the config file to use (default: config.yaml in your config folder)",
    "ROADMAP_DEBUG": "show tracebacks, like --debug",
    "ROADMAP_TODAY": "pretend today is this YYYY-MM-DD (a testing aid)",
    "VISUAL, EDITOR": "the editor for `log`, `reflect` and `questions answer`",
    "ROADMAP_PAGER, PAGER": "the pager for long output on a terminal (default: less)",
    "NO_COLOR": "plain output without colour",
}


def _epilog() -> str:
    # \b keeps Click from re-wrapping the lines of the paragraph that follows it.
    codes = "\n".join(f"  {int(code):>3}  {text}" for code, text in EXIT_CODE_HELP.items())
    wide = max(map(len, ENVIRONMENT))
    names = "\n".join(f"  {name:<{wide}}  {text}" for name, text in ENVIRONMENT.items())
    return f"\b\nExit codes:\n{codes}\n\n\b\nEnvironment:\n{names}"


# --- global options, accepted before or after the command -----------------------------


def _remember(ctx: Context, param: Parameter, value):
    """Put a global option given after the command where the root's own would be."""
    if value not in (None, False):
        root = ctx.find_root()
        root.obj = root.obj or {}
        root.obj[param.name] = value
    return value


# name, metavar, help; --debug is a flag
GLOBAL_OPTIONS = (
    ("--workspace", "DIR", "Workspace directory (the one holding roadmap.yaml)."),
    ("--db", "FILE", "Progress database to use instead of .roadmap/roadmap.db."),
    ("--debug", None, "Show tracebacks for errors."),
    ("--no-pager", None, "Never send long output through a pager."),
)


def _global_options() -> list[TyperOption]:
    return [
        TyperOption(
            param_decls=[name],
            metavar=metavar,
            is_flag=metavar is None,
            default=False if metavar is None else None,
            help=text,
            expose_value=False,
            callback=_remember,
        )
        for name, metavar, text in GLOBAL_OPTIONS
    ]


class _Argument(TyperArgument):
    """An argument in the usage line as Click writes it, ITEM... or [DIR], not Typer's {ITEM...}."""

    def make_metavar(self, ctx: Context, *, usage: bool = False) -> str:
        var = super().make_metavar(ctx, usage=usage)
        return var[1:-1] if usage and self.required and var.startswith("{") else var


def _with_global_options(command):
    if not getattr(command, "_roadmap_globals", False):
        for param in command.params:
            if type(param) is TyperArgument:
                param.__class__ = _Argument
        command.params.extend(_global_options())
        command._roadmap_globals = True
        if isinstance(command, TyperGroup):
            for sub in command.commands.values():
                _with_global_options(sub)
    return command


def load_command(name: str):
    """Build one command from the module that defines it."""
    if name not in COMMANDS:
        return None
    module = importlib.import_module(f".{COMMANDS[name][0]}", __package__)
    app: typer.Typer = module.app
    options = {"pretty_exceptions_short": True, "rich_markup_mode": None}
    for info in app.registered_commands:
        if (info.name or info.callback.__name__.replace("_", "-")) == name:
            return typer.main.get_command_from_info(info, **options)
    for info in app.registered_groups:
        if info.name == name:
            return typer.main.get_group_from_info(info, suggest_commands=True, **options)
    raise LookupError(f"{module.__name__} defines no command {name!r}")


# --- the boundary -----------------------------------------------------------------


def _debug(ctx) -> bool:
    return bool((ctx.find_root().obj or {}).get("debug")) or bool(os.environ.get("ROADMAP_DEBUG"))


def _store_path(ctx):
    """The store a command was using, to name it in a message; None when it cannot be told."""
    from ..workspace import db_override, locate

    found = ctx.obj or {}
    try:
        return locate(found.get("workspace"), found.get("db")).db_path
    except RoadmapError:
        return db_override(found.get("db"))


def _fail(message: str, code: int):
    from ..render.visible import visible_line  # an error may quote a title: its controls are shown, not obeyed

    sys.stderr.write(visible_line(message) + "\n")
    raise typer.Exit(code)


def _quiet_stdout() -> None:
    """The reader of stdout has gone (`roadmap history | head -1`): drop what is left to write."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class _Group(TyperGroup):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        command = load_command(name)
        return _with_global_options(command) if command is not None else None

    def _main_shell_completion(self, ctx_args, prog_name, complete_var=None):
        """A <TAB> from the shell is answered here, before any command runs (see complete.py)."""
        from .complete import plain_descriptions

        plain_descriptions()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def format_commands(self, ctx, formatter):
        """The command list of `roadmap --help`, as Click lays it out, from ``COMMANDS``: loading
        every command's module to read its docstring would double the time --help takes."""
        from typer._click.utils import make_default_short_help

        limit = formatter.width - 6 - max(map(len, COMMANDS))
        with formatter.section("Commands"):
            formatter.write_dl([(name, make_default_short_help(s, limit).strip()) for name, (_, s) in COMMANDS.items()])

    def invoke(self, ctx):
        try:
            return self._invoke(ctx)
        finally:
            if "roadmap_tracker.store.connection" in sys.modules:  # a command that opened a store
                sys.modules["roadmap_tracker.store.connection"].close_all()

    def _invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RoadmapError as exc:
            if _debug(ctx):
                raise
            _fail(f"Error: {exc}", exc.exit_code)
        except KeyboardInterrupt:
            _fail("Interrupted; nothing was saved from the unfinished command.", ExitCode.INTERRUPTED)
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(ExitCode.OK) from None
        except OSError as exc:
            if _debug(ctx):
                raise
            where = f" {exc.filename}" if exc.filename else ""
            _fail(f"Error:{where}: {exc.strerror or exc}", ExitCode.FAILURE)
        except Exception as exc:  # a bug: say so plainly, without a traceback
            # Typer's own exceptions (usage errors, exits) are handled by Typer.
            if _debug(ctx) or isinstance(exc, (typer.Exit, typer.Abort, ClickException)):
                raise
            sqlite3 = sys.modules.get("sqlite3")
            if sqlite3 is not None and isinstance(exc, sqlite3.DatabaseError):
                from ..store.connection import store_error

                error = store_error(exc, _store_path(ctx))
                _fail(f"Error: {error}", error.exit_code)
            _fail(
                f"Error: unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback)",
                ExitCode.UNEXPECTED,
            )


app = typer.Typer(
    cls=_Group,
    help="Follow a learning roadmap: tick off steps, keep a weekly diary, collect your work.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_epilog(),
)


def _version(value: bool):
    if value:
        from ..console import version_line

        sys.stdout.write(version_line())
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    workspace: Annotated[
        Optional[str],
        typer.Option(
            "--workspace",
            envvar="ROADMAP_HOME",
            metavar="DIR",
            help="Workspace directory (the one holding roadmap.yaml). Without it: the nearest "
            "directory, here or above, holding roadmap.yaml, then the default of `roadmap config`.",
            show_envvar=True,
        ),
    ] = None,
    db: Annotated[
        Optional[str],
        typer.Option(
            "--db",
            envvar="ROADMAP_DB",
            metavar="FILE",
            help="Progress database to use instead of .roadmap/roadmap.db.",
            show_envvar=True,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    no_pager: Annotated[bool, typer.Option("--no-pager", help="Never send long output through a pager.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
):
    """Follow a learning roadmap: tick off steps, keep a weekly diary, collect your work.

    Run `roadmap status` to see where you are. --workspace, --db, --debug and --no-pager may also
    follow the command. Long output (history, report, logs, show) goes through a pager on a terminal.
    """
    ctx.obj = {"workspace": workspace, "db": db, "debug": debug, "no_pager": no_pager}
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


def main() -> None:
    command = typer.main.get_command(app)
    try:
        try:
            command.main(prog_name="roadmap")
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(ExitCode.OK)
