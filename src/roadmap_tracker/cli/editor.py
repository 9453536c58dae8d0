"""Long text through the learner's own editor ($VISUAL, then $EDITOR)."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from ..errors import UsageError


def edit(text: str, *, name: str = "roadmap.md") -> str:
    """Open ``text`` in the editor and return what was saved.

    The command is split as a shell would split it (so `code --wait` works)
    but never run through a shell.
    """
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not command:
        raise UsageError("no editor: set $VISUAL or $EDITOR", hint="or give the text with options or on standard input")
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise UsageError(f"cannot read the editor command {command!r}: {exc}") from exc
    if not argv:
        raise UsageError("$VISUAL/$EDITOR is empty", hint="set it to your editor, for example `export EDITOR=nano`")
    with tempfile.TemporaryDirectory(prefix="roadmap-") as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        try:
            code = subprocess.call([*argv, str(path)])
        except OSError as exc:
            raise UsageError(
                f"cannot run the editor {argv[0]!r}: {exc.strerror}", hint="check $VISUAL/$EDITOR"
            ) from exc
        if code != 0:
            raise UsageError(f"the editor ({argv[0]}) exited with status {code}; nothing was saved")
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read what the editor saved: {exc}") from exc
