"""The Rich side of showing learner text safely: a ``Text`` that writes control characters out,
and a console that writes out any that reach it another way.

Rich's own ``Text`` drops BEL, backspace, VT, FF and CR but passes ESC, the rest of C0, C1 and
the bidirectional controls to the terminal. Every view builds its Rich text with this module's
``Text``, so the characters are written out (``visible.visible``) before Rich lays the view out
and its widths are right. ``console()`` in ``output`` adds ``Guard`` as a render hook: what a
view left as plain ``str`` (a table cell, say) is written out too, as the last thing before the
terminal. Importing this module imports Rich: views import it inside the function that draws.
"""

from __future__ import annotations

from rich.console import RenderHook
from rich.segment import Segment
from rich.text import Text as _RichText

from .visible import visible

__all__ = ["Guard", "Text"]


class Text(_RichText):
    """Rich ``Text`` whose strings, however they come in, show their control characters."""

    __slots__ = ()

    def __init__(self, text: str = "", *args, **kwargs) -> None:
        super().__init__(visible(text), *args, **kwargs)

    def append(self, text, style=None) -> Text:
        return super().append(visible(text) if isinstance(text, str) else text, style)

    def append_tokens(self, tokens) -> Text:
        return super().append_tokens((visible(content), style) for content, style in tokens)


class _Shown:
    """A renderable whose text segments show their control characters."""

    def __init__(self, renderable) -> None:
        self.renderable = renderable

    def __rich_console__(self, console, options):
        for segment in console.render(self.renderable, options):
            text, style, control = segment
            if control is None and not text.isprintable():
                yield Segment(visible(text), style)
            else:
                yield segment


class Guard(RenderHook):
    """Writes out control characters in whatever a console prints."""

    def process_renderables(self, renderables):
        return [_Shown(renderable) for renderable in renderables]
