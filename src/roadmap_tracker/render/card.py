"""The progress card: an SVG picture of where the learner stands, for a GitHub profile or README.
Nothing here prints or writes; ``card_svg`` returns the document as a string.

The card is self-contained, because GitHub shows an SVG through <img>, where nothing outside it
loads: no scripts, no fonts (a generic font stack), no images, no links. Every colour is a class
in its one <style>; the auto theme switches them with ``prefers-color-scheme``, so one file suits
light and dark pages. The document is built with ElementTree, which escapes every title, and
holds no timestamp: the same progress on the same day gives the same bytes.

Text in an SVG does not wrap and the picture has a fixed width, so titles are cut to a count of
character cells (wide characters count two) and a roadmap of many steps shows its first
``MAX_STEPS``, with the rest counted on one line.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..dates import week_start
from ..progress.momentum import heatmap, heatmap_months
from .progress import streak_text
from .report import level
from .visible import visible_line

if TYPE_CHECKING:
    from ..progress.momentum import Momentum
    from ..progress.status import Status

THEMES = ("auto", "light", "dark")
MAX_STEPS = 20  # past this the card would outgrow a README; the rest are counted on one line
WEEKS = 26  # the calendar covers the last six months, as `roadmap report` draws it

WIDTH, PAD = 540, 24
ROW = 20  # a step's row
BAR_X, BAR_WIDTH, BAR_HEIGHT = 300, 160, 8
TITLE_CELLS, STEP_CELLS = 42, 38  # what fits across the card, and before the bars
CELL, GAP = 11, 3  # a day's square, and the space between two
CALENDAR_X = PAD + 30  # after the weekday names

# The reader's own sans-serif: the usual ones on macOS, Windows and Linux, then the generic name.
FONTS = '-apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans","DejaVu Sans",Helvetica,Arial,sans-serif'
# Colours after GitHub's own light and dark themes, so the card sits well on its pages.
LIGHT = {
    "card": "fill:#ffffff;stroke:#d0d7de",
    "text": "fill:#1f2328",
    "muted": "fill:#656d76",
    "accent": "fill:#1a7f37",
    "track": "fill:#eaeef2",
    "bar": "fill:#2da44e",
    "l0": "fill:#ebedf0",
    "l1": "fill:#9be9a8",
    "l2": "fill:#40c463",
    "l3": "fill:#30a14e",
    "l4": "fill:#216e39",
}
DARK = {
    "card": "fill:#0d1117;stroke:#30363d",
    "text": "fill:#e6edf3",
    "muted": "fill:#8d96a0",
    "accent": "fill:#3fb950",
    "track": "fill:#21262d",
    "bar": "fill:#2ea043",
    "l0": "fill:#161b22",
    "l1": "fill:#0e4429",
    "l2": "fill:#006d32",
    "l3": "fill:#26a641",
    "l4": "fill:#39d353",
}

# What XML 1.0 cannot hold even escaped, once ``visible_line`` has written out the controls.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def card_svg(
    s: Status,
    m: Momentum,
    days: dict[date, int],
    end: date,
    week_starts: str = "monday",
    theme: str = "auto",
) -> str:
    """The card for status ``s`` and momentum ``m``, with the activity ``days`` of the
    ``WEEKS`` weeks ending with the week of ``end``."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}")
    # The height is known once everything is placed: set at the end, in its place among these.
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(WIDTH),
            "height": "0",
            "viewBox": "",
            "role": "img",
            "aria-labelledby": "card-title",
        },
    )
    title = _text_of(s.title) or "Roadmap"
    percent = f"{s.percent:.0f}%"
    label = ET.SubElement(root, "title", id="card-title")
    label.text = f"{title}: {percent} done"
    ET.SubElement(root, "style").text = _style(theme)
    frame = ET.SubElement(root, "rect", {"class": "card", "x": "0.5", "y": "0.5", "rx": "6"})

    _text(root, PAD, 38, _clip(title, TITLE_CELLS), "title")
    summary = f"{s.done:,} of {s.total:,} item{'s' * (s.total != 1)} done"
    if s.skipped:
        summary += f", {s.skipped:,} skipped"
    _text(root, PAD, 70, summary, "muted")
    _text(root, WIDTH - PAD, 72, percent, "percent accent", anchor="end")

    y = 92
    for step in s.steps[:MAX_STEPS]:
        _step(root, step, y, current=step.number == s.current and step.state != "done")
        y += ROW
    hidden = s.steps[MAX_STEPS:]
    if hidden:
        done = sum(step.state == "done" for step in hidden)
        more = f"+{len(hidden):,} more step{'s' * (len(hidden) != 1)}, {done:,} done"
        _text(root, PAD, y + 12, more, "muted")
        y += ROW

    y += 16
    grid = heatmap(days, end, week_starts, WEEKS)
    active = sum(1 for row in grid for count in row if count)
    _text(root, PAD, y, streak_text(m))
    _text(root, WIDTH - PAD, y, f"{active} active day{'s' * (active != 1)} in six months", "muted", anchor="end")
    y = _calendar(root, grid, end, week_starts, y + 24)

    height = y + PAD
    root.set("height", str(height))
    root.set("viewBox", f"0 0 {WIDTH} {height}")
    frame.set("width", str(WIDTH - 1))
    frame.set("height", str(height - 1))
    return ET.tostring(root, encoding="unicode") + "\n"


def _step(root: ET.Element, step, y: int, *, current: bool) -> None:
    row = ET.SubElement(root, "g", {"class": f"step {step.state.replace('_', '-')}"})
    _text(
        row,
        PAD,
        y + 12,
        _clip(f"{step.number}. {_text_of(step.title)}", STEP_CELLS),
        "step-title bold" if current else "step-title",
    )
    bar_y = _num(y + 5)
    track = {"x": str(BAR_X), "y": bar_y, "width": str(BAR_WIDTH), "height": str(BAR_HEIGHT), "rx": "4"}
    ET.SubElement(row, "rect", {"class": "track", **track})
    ET.SubElement(row, "rect", {"class": "bar", **track, "width": _num(step.fraction * BAR_WIDTH)})
    shown = "skipped" if step.state == "skipped" else f"{100 * step.fraction:.0f}%"
    _text(row, WIDTH - PAD, y + 12, shown, "muted", anchor="end")


def _calendar(root: ET.Element, grid: list[list[int | None]], end: date, week_starts: str, top: int) -> int:
    """The activity squares of ``momentum.heatmap``, month names above and weekday names beside,
    as `roadmap report` draws them in the terminal; returns where the card continues below."""
    most = max((c for row in grid for c in row if c), default=0)
    first = week_start(end, week_starts) - timedelta(weeks=WEEKS - 1)
    for col, month in heatmap_months(end, week_starts, WEEKS):
        _text(root, CALENDAR_X + col * (CELL + GAP), top - 4, month, "tiny muted")
    calendar = ET.SubElement(root, "g", {"class": "calendar"})
    for row, cells in enumerate(grid):
        y = top + row * (CELL + GAP)
        if row % 2 == 0:
            _text(root, PAD, y + CELL - 2, (first + timedelta(days=row)).strftime("%a"), "tiny muted")
        for col, count in enumerate(cells):
            if count is None:
                break  # days after ``end``
            x = CALENDAR_X + col * (CELL + GAP)
            _square(calendar, x, y, level(count, most))
    bottom = top + 7 * (CELL + GAP) + 12
    # The legend, right-aligned under the calendar: less, the five levels, more.
    right = WIDTH - PAD
    _text(root, right, bottom, "more", "tiny muted", anchor="end")
    x = right - 30 - 5 * (CELL + GAP)
    legend = ET.SubElement(root, "g", {"class": "legend"})
    for n in range(5):
        _square(legend, x + n * (CELL + GAP), bottom - CELL + 1, n)
    _text(root, x - 4, bottom, "less", "tiny muted", anchor="end")
    return bottom


def _square(parent: ET.Element, x: int, y: int, n: int) -> None:
    size = str(CELL)
    ET.SubElement(
        parent, "rect", {"class": f"l{n}", "x": str(x), "y": str(y), "width": size, "height": size, "rx": "2"}
    )


def _text(parent: ET.Element, x: int, y: int, text: str, cls: str = "", *, anchor: str | None = None) -> ET.Element:
    attrs = {"x": str(x), "y": str(y), **({"class": cls} if cls else {})}
    if anchor:
        attrs["text-anchor"] = anchor
    node = ET.SubElement(parent, "text", attrs)
    node.text = text
    return node


def _style(theme: str) -> str:
    fonts = (
        f"text{{font-family:{FONTS};font-size:12px;{LIGHT['text'] if theme != 'dark' else DARK['text']}}}"
        ".title{font-size:18px;font-weight:700}.percent{font-size:28px;font-weight:700}"
        ".bold{font-weight:700}.tiny{font-size:10px}"
    )
    if theme == "auto":
        return f"{fonts}{_colours(LIGHT)}@media (prefers-color-scheme: dark){{text{{{DARK['text']}}}{_colours(DARK)}}}"
    return fonts + _colours(LIGHT if theme == "light" else DARK)


def _colours(palette: dict[str, str]) -> str:
    return "".join(f".{name}{{{rule}}}" for name, rule in palette.items() if name != "text")


def _text_of(text: str) -> str:
    """Learner text as one line an XML document can hold: controls written out as `status`
    shows them, and the few code points XML refuses even escaped written out too."""
    line = visible_line(text)
    return _NOT_XML.sub(lambda m: f"\\u{ord(m[0]):04x}", line) if _NOT_XML.search(line) else line


def _clip(text: str, cells: int) -> str:
    """``text`` cut to ``cells`` character cells, with an ellipsis where it was cut."""
    widths = [_cells(ch) for ch in text]
    if sum(widths) <= cells:
        return text
    kept, used = [], 0
    for ch, width in zip(text, widths):
        if used + width > cells - 1:
            break
        kept.append(ch)
        used += width
    return "".join(kept).rstrip() + "…"


def _cells(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _num(x: float) -> str:
    """A length written the same way every time: at most two decimals, no trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
