"""Where output goes: data on stdout, messages on stderr, JSON for scripts, and views drawn
with Rich only when there is colour to draw.

Rich is imported only when a view needs its layout or the terminal shows colour: a piped
``roadmap status`` writes plain lines and never pays for it.
"""

from __future__ import annotations

import json as _json
import os
import sys
from typing import Any

from .styled import Lines


def message(text: str) -> None:
    """A message for the person, not data: stderr."""
    sys.stderr.write(text + "\n")


def messages(lines: list[str]) -> None:
    for line in lines:
        message(line)


def data(text: str) -> None:
    """Text that is the command's output, written as it is: stdout."""
    sys.stdout.write(text)


def json(value: Any) -> None:
    sys.stdout.write(_json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def colour() -> bool:
    """Whether stdout shows colour, decided as Rich decides it (NO_COLOR, FORCE_COLOR, a terminal,
    TERM=dumb), without importing Rich."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def width() -> int:
    """The width views are laid out to, found as Rich finds it: $COLUMNS, else the terminal
    of stdin, stdout or stderr, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def console():
    """A Rich console on stdout; Rich honours NO_COLOR and plain pipes by itself."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def show(renderable, **options) -> None:
    """Print a Rich renderable on stdout without the padding Rich leaves at line ends."""
    out = console()
    with out.capture() as captured:
        out.print(renderable, **options)
    sys.stdout.write("\n".join(line.rstrip(" ") for line in captured.get().split("\n")))


def lines(view: Lines) -> None:
    """A view already laid out to the width: plain text, or through Rich in colour."""
    if not colour():
        sys.stdout.write(view.plain + "\n")
        return
    console().print(view.to_rich(), overflow="fold")
