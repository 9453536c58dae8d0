"""Learner text made safe for a terminal: every control character shown, none obeyed.

A title, a note or a diary line may hold an escape sequence (``ESC [2J`` clears the screen,
``ESC ] 0;… BEL`` retitles the window), another C0 or C1 control character, or a bidirectional
override that reorders what follows it. Printed as it is, the terminal would act on it. Here
each one is written as Python writes it in a string: ``\\x1b``, ``\\x07``, ``\\x00``, ``\\r``,
``\\x9b``, ``\\u202e``; so ``ESC [31m`` shows as the characters ``\\x1b[31m``.

Only what reaches the terminal passes through here (``output``, ``styled.Line`` and the Rich
``Text`` of ``terminal``); the store, notes/ and the files written keep the text as given.
This module imports nothing: the plain ``roadmap status`` uses it.
"""

from __future__ import annotations

__all__ = ["visible", "visible_line"]

# C0 but tab and newline, DEL, C1, and the bidirectional embeddings, overrides and isolates.
_CONTROLS = [*range(0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]

# Each as repr() writes it: \t \n \r by name, \xNN below U+0100, \uNNNN above.
_TABLE = {code: repr(chr(code))[1:-1] for code in [*_CONTROLS, *_BIDI]}
_LINE_TABLE = {**_TABLE, 0x09: "\\t", 0x0A: "\\n"}


def visible(text: str) -> str:
    """``text`` with every control character written out, tab and newline kept: for text that
    may run over lines (a note, an answer, a view drawn by Rich)."""
    # isprintable() is False for every character written out here (and for a few kept, such as
    # a no-break space): a quick test that lets almost every string through untouched.
    return text if text.isprintable() else text.translate(_TABLE)


def visible_line(text: str) -> str:
    """``text`` with every control character written out, tab and newline too (``\\t``,
    ``\\n``): for what must stay on its line (a message, a row of the status dashboard)."""
    return text if text.isprintable() else text.translate(_LINE_TABLE)
