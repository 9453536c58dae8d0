"""Where output goes: data on stdout, messages on stderr, JSON for scripts, and views drawn
with Rich only when there is colour to draw.

Rich is imported only when a view needs its layout or the terminal shows colour: a piped
``roadmap status`` writes plain lines and never pays for it.

Nothing learner-written reaches the terminal able to act on it: messages, views (plain lines
through ``styled.Line``, Rich through ``terminal.Text`` and the console's ``terminal.Guard``) and
a document printed to a terminal show their control characters written out (``visible``). A
document sent to a file or a pipe (``roadmap export > README.md``) is data and keeps the text
as given, and JSON escapes what a terminal could act on, meaning the same string.
"""

from __future__ import annotations

import contextlib
import json as _json
import os
import sys
from typing import Any

from .styled import Lines
from .visible import visible, visible_line

# Set while stdout goes to a pager that stdout's terminal shows: colour and width are the
# terminal's, though stdout itself is now a pipe.
_paged = False


def message(text: str) -> None:
    """A message for the person, not data: stderr, one line, its control characters written out."""
    sys.stderr.write(visible_line(text) + "\n")


def messages(lines: list[str]) -> None:
    for line in lines:
        message(line)


def data(text: str) -> None:
    """Text that is the command's output (Markdown, YAML, a listing), on stdout: as it is when
    stdout goes to a file or a pipe, with its control characters written out on a terminal."""
    sys.stdout.write(visible(text) if _terminal(sys.stdout) else text)


# What JSON leaves raw that a terminal acts on: DEL, C1 and the bidirectional controls (JSON
# itself escapes C0). Written as \uNNNN, the JSON reads back as the very same string.
_JSON_RAW = {code: f"\\u{code:04x}" for code in [*range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def json(value: Any) -> None:
    text = _json.dumps(value, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write(text.translate(_JSON_RAW) + "\n")


def _terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def colour() -> bool:
    """Whether stdout shows colour, decided as Rich decides it (NO_COLOR, FORCE_COLOR, a terminal,
    TERM=dumb), without importing Rich."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    return _paged or _terminal(sys.stdout)


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
    """A Rich console on stdout; Rich honours NO_COLOR and plain pipes by itself. Whatever it
    prints shows its control characters written out (``terminal.Guard``)."""
    from rich.console import Console

    from .terminal import Guard

    out = Console(highlight=False, soft_wrap=False, force_terminal=True if _paged and colour() else None)
    out.push_render_hook(Guard())
    return out


def pager(enabled: bool = True) -> None:
    """From here on, stdout goes through a pager when it is a terminal, as git's output does:
    $ROADMAP_PAGER, else $PAGER, else `less` (with LESS=FRX unless set: it quits at once when
    everything fits on the screen, and shows colours). Nothing changes when stdout is a file or a
    pipe, when the pager is `cat` or empty, or when it cannot be found: the output is never lost."""
    global _paged
    if not enabled or _paged or not _terminal(sys.stdout):
        return
    import shlex
    import shutil

    command = os.environ.get("ROADMAP_PAGER", os.environ.get("PAGER", "less"))
    try:
        words = shlex.split(command)
    except ValueError:
        return
    if not words or words == ["cat"] or shutil.which(words[0]) is None:
        return
    import atexit
    import subprocess

    sys.stdout.flush()
    try:
        process = subprocess.Popen(words, stdin=subprocess.PIPE, env={"LESS": "FRX", **os.environ})
    except OSError:
        return
    os.dup2(process.stdin.fileno(), sys.stdout.fileno())
    process.stdin.close()
    _paged = True
    atexit.register(_end_pager, process)


def _end_pager(process) -> None:
    """Hand the pager the end of the output and wait until the reader quits it."""
    with contextlib.suppress(OSError):  # the reader quit before the end: what is left is dropped
        sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    while True:
        try:
            process.wait()
            return
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less clears its search with it)
            continue


def show(renderable, **options) -> None:
    """Print a Rich renderable on stdout without the padding Rich leaves at line ends."""
    out = console()
    with out.capture() as captured:
        out.print(renderable, **options)
    sys.stdout.write("\n".join(line.rstrip(" ") for line in captured.get().split("\n")))


def lines(view: Lines) -> None:
    """A view already laid out to the width: plain text, or each span in its colour.

    The colours are Rich's (its styles, its choice of colour system), but a span is written
    with its style's escape codes directly: the view is laid out already, and laying out tens
    of thousands of lines again through Rich (a report over years) took seconds."""
    system = _colour_system() if colour() else None
    if system is None:
        sys.stdout.write(view.plain + "\n")
        return
    from rich.style import Style

    styles: dict[str, Style] = {}

    def shown(text: str, style: str) -> str:
        if not style:
            return text
        if style not in styles:
            styles[style] = Style.parse(style)
        return styles[style].render(text, color_system=system)

    sys.stdout.write("".join("".join(shown(*span) for span in line.spans) + "\n" for line in view.lines))


def _colour_system():
    """The colour system Rich would draw with on stdout (None: it would draw none)."""
    from rich.console import COLOR_SYSTEMS

    return COLOR_SYSTEMS.get(console().color_system or "")
