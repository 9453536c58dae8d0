"""The `roadmap` console script: the command line, with `--version` answered before Typer is
imported (importing it costs more than the answer)."""

import sys


def version_line() -> str:
    from . import __version__

    return f"roadmap-tracker {__version__}\n"


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(version_line())
        return
    from .collector import tune

    tune()  # see collector.py: a long report spent a fifth of its time in the cycle collector
    from .cli.app import main as run

    run()
