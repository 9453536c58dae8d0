"""The command for the learner's own settings: config, config set, config unset."""

from typing import Annotated

import typer

from ..render import output

app = typer.Typer()
config_app = typer.Typer(no_args_is_help=False)
app.add_typer(config_app, name="config")


@config_app.callback(invoke_without_command=True)
def config(
    ctx: typer.Context,
    json: Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")] = False,
):
    """Show your settings, each with where it came from; `config set KEY VALUE` changes one.

    They live in config.yaml in your config folder (~/.config/roadmap-tracker on Linux), or in
    the file ROADMAP_CONFIG names. A command finds its workspace from --workspace, then
    ROADMAP_HOME, then the nearest folder here or above holding roadmap.yaml, then the default
    `workspace` set here.

    \b
    Examples:
      roadmap config
      roadmap config set workspace ~/learning
      roadmap config unset workspace
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..config import path, settings
    from ..render.workspace import settings_lines

    found = settings()
    if json:
        output.json({"file": str(path()), "settings": [s._asdict() for s in found]})
        return
    output.data(settings_lines(path(), found))


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(metavar="KEY", help="The setting: workspace.", show_default=False)],
    value: Annotated[
        str, typer.Argument(metavar="VALUE", help="Its value: for workspace, a folder.", show_default=False)
    ],
):
    """Change one setting (written to the config file at once, atomically)."""
    from ..config import set_value

    where = set_value(key, value)
    output.message(f"Set {key} in {where}.")


@config_app.command("unset")
def config_unset(key: Annotated[str, typer.Argument(metavar="KEY", help="The setting to remove.", show_default=False)]):
    """Remove one setting from the config file."""
    from ..config import set_value

    where = set_value(key, None)
    output.message(f"Removed {key} from {where}.")
