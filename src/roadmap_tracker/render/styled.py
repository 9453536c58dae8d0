"""Lines of styled text that print plain without Rich, and through Rich in colour.

A view laid out to the width by hand (the status dashboard) is a few hundred short spans;
building them as Rich ``Text`` would import Rich even when stdout is a pipe with no colour to
draw. ``Line`` keeps (text, style) spans and uses only ``rich.cells`` for character widths.

A span's text shows its control characters written out (``visible.visible_line``) from the
moment it joins a line, so widths are measured on what the terminal will show.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from .visible import visible_line

ELLIPSIS = "…"


class Line:
    __slots__ = ("spans",)

    def __init__(self, spans: list[tuple[str, str]] | None = None):
        self.spans = [(visible_line(text), style) for text, style in spans] if spans else []

    @classmethod
    def of(cls, *parts: str | tuple[str, str]) -> Line:
        """Parts are plain strings or (text, style) pairs, as in Rich's ``Text.assemble``."""
        return cls([(p, "") if isinstance(p, str) else p for p in parts])

    @classmethod
    def shown(cls, spans: list[tuple[str, str]]) -> Line:
        """A line of spans whose text shows its control characters already (``visible_line``,
        or the tool's own words): the quick way to build the rows of a long listing."""
        line = cls.__new__(cls)
        line.spans = spans
        return line

    def add(self, text: str, style: str = "") -> Line:
        self.spans.append((visible_line(text), style))
        return self

    def extend(self, other: Line) -> Line:
        self.spans.extend(other.spans)
        return self

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.spans)

    @property
    def cells(self) -> int:
        return cell_len(self.plain)

    def truncate(self, width: int, *, pad: bool = False) -> Line:
        """Cut to ``width`` cells, ending in an ellipsis when anything was cut; pad with spaces."""
        size = self.cells
        if size > width:
            kept, room = [], max(width - 1, 0)
            for text, style in self.spans:
                if room <= 0:
                    break
                cells = cell_len(text)
                if cells > room:
                    text = set_cell_size(text, room)
                    cells = room
                kept.append((text, style))
                room -= cells
            # set_cell_size pads a split double-width character with a space, so this is exact.
            self.spans = [*kept, (ELLIPSIS, kept[-1][1] if kept else "")]
            size = width
        if pad and size < width:
            self.spans.append((" " * (width - size), ""))
        return self


class Lines:
    __slots__ = ("lines",)

    def __init__(self, lines: list[Line]):
        self.lines = lines

    @property
    def plain(self) -> str:
        return "\n".join(line.plain for line in self.lines)
