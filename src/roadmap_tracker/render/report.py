"""`roadmap report` on screen and as Markdown, and the activity heatmap. Nothing here prints.

On screen the report is ``styled.Lines`` laid out to the width by hand, like `status`: a report
over years holds tens of thousands of rows, and Rich's layout of them took seconds (20 s at
80,000 lines) where joining strings takes milliseconds. A control character in a title or a
note shows written out, never obeyed (``styled.Line``).

The heatmap reads without colour: each level has its own glyph, so NO_COLOR and plain pipes
show the same calendar as a terminal does.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..dates import week_start
from ..progress.momentum import heatmap, heatmap_months
from ..urls import shown_url
from .markdown import markdown_escape as esc
from .markdown import markdown_link
from .progress import pace_text, streak_text
from .styled import Line, Lines
from .visible import visible_line

if TYPE_CHECKING:
    from ..reports.report import Change, Report

GLYPHS = "·░▒▓█"  # no activity, then four levels
SHADES = ("dim", "green4", "green3", "green1", "bold bright_green")
LABELS = {"done": "Done", "in_progress": "Started", "skipped": "Skipped", "todo": "Reopened"}


def level(count: int, most: int) -> int:
    """0 for nothing, else 1-4 by quarters of the busiest day shown."""
    return 0 if count <= 0 or most <= 0 else min(4, math.ceil(4 * count / most))


def heatmap_view(days: dict[date, int], end: date, week_starts: str = "monday", weeks: int = 26) -> Lines:
    """A contribution calendar: month names on top, weekdays down the side, one column per week."""
    grid = heatmap(days, end, week_starts, weeks)
    most = max((c for row in grid for c in row if c), default=0)
    first = week_start(end, week_starts) - timedelta(weeks=weeks - 1)
    header = [" "] * (4 + 2 * weeks)
    for col, month in heatmap_months(end, week_starts, weeks):  # three letters and a space: two columns
        header[4 + 2 * col : 4 + 2 * col + 3] = list(month)
    lines = [Line.of("".join(header).rstrip())]
    for row in range(7):
        day = first + timedelta(days=row)
        label = day.strftime("%a") if row % 2 == 0 else ""
        line = Line.of(f"{label:<4}")
        for col, count in enumerate(grid[row]):
            if count is None:
                break
            n = level(count, most)
            line.add(GLYPHS[n], SHADES[n])
            if col < weeks - 1 and grid[row][col + 1] is not None:
                line.add(" ")
        lines.append(line)
    legend = Line.of("    less ")
    for n, glyph in enumerate(GLYPHS):
        legend.add(glyph, SHADES[n]).add(" ")
    lines.append(legend.add("more"))
    return Lines(lines)


def _listing(title: str, rows: list[tuple[str, Line, str]], width: int) -> list[Line]:
    """A bold title, then aligned rows of (reference, text, day), laid out to ``width``."""
    if not rows:
        return []
    ref_width = max(len(ref) for ref, _, _ in rows)
    day_width = max(len(day) for _, _, day in rows)
    room = max(20, width - 2 - ref_width - 2 - 2 - day_width)
    sizes = [text.cells for _, text, _ in rows]  # each measured once: a listing can hold 80,000 rows
    text_width = min(room, max(sizes))
    fits = 2 + ref_width + 2 + text_width + 2 + day_width <= width  # else a row is cut at the edge
    lines = [Line.of((title, "bold")).truncate(width)]
    for (ref, text, day), size in zip(rows, sizes):
        if size > text_width:
            size = text.truncate(text_width).cells
        spans = [("  ", ""), (visible_line(ref.ljust(ref_width)), "cyan"), ("  ", ""), *text.spans]
        if day:
            spans.append((" " * (text_width - size + 2) + visible_line(day), "dim"))
        line = Line.shown(spans)
        lines.append(line if fits else line.truncate(width))
    return [*lines, Line()]


def _changes(title: str, changes: list[Change], width: int) -> list:
    kinds = {"step": "step: ", "deliverable": "deliverable: "}
    return _listing(
        f"{title} ({len(changes)})",
        [(c.ref, Line.shown([(visible_line(kinds.get(c.kind, "") + c.title), "")]), c.day) for c in changes],
        width,
    )


def report_view(r: Report, width: int = 80, weeks: int = 26) -> Lines:
    """The report on screen, every line cut to ``width`` (an ellipsis where it was cut)."""
    delta = r.percent_after - r.percent_before

    def cut(*lines: Line) -> list[Line]:
        return [line.truncate(width) for line in lines]

    parts = cut(
        Line.of((r.period.label, "bold")),
        Line.of(f"Progress: {r.percent_before:.0f}% → {r.percent_after:.0f}% ({delta:+.0f} points)"),
        Line(),
    )
    for state, attr in (("done", "done"), ("in_progress", "started"), ("skipped", "skipped"), ("todo", "reopened")):
        parts += _changes(LABELS[state], getattr(r, attr), width)
    if not (r.done or r.started or r.skipped or r.reopened):
        parts += cut(Line.of(("No progress recorded in this period.", "dim")), Line())
    n = len(r.entries)
    parts += _listing(
        f"Diary ({n} week{'s' * (n != 1)})",
        [
            (
                f"week {e['week']}",
                Line.of(", ".join(" ".join(str(c).split()) for c in e["concepts"]) or "no concepts listed"),
                "",
            )
            for e in r.entries
        ],
        width,
    )
    if r.questions_opened or r.questions_answered:
        parts += _listing(
            f"Questions: {len(r.questions_opened)} opened, {len(r.questions_answered)} answered",
            [("?", Line.of(q["text"]), q["asked_on"]) for q in r.questions_opened]
            + [("✓", Line.of(q["text"]), q["answered_on"]) for q in r.questions_answered],
            width,
        )
    parts += _listing(
        f"Reflections ({len(r.reflections)})",
        [(a["ref"], Line.of(a["question"]), a["day"]) for a in r.reflections],
        width,
    )
    parts += _listing(
        f"Links added ({len(r.links)})",
        [
            (
                x["ref"] or "-",
                Line.of(
                    (x["kind"], "dim"), "  ", (x["title"] + " ") if x["title"] else "", (shown_url(x["target"]), "blue")
                ),
                x["day"],
            )
            for x in r.links
        ],
        width,
    )
    m = r.momentum
    parts += cut(
        Line.of(("Momentum", "bold")),
        Line.of(f"  {streak_text(m)}"),
        Line.of(f"  Pace: {pace_text(m)}"),
        Line(),
        *heatmap_view(
            {date.fromisoformat(d): n for d, n in r.activity.items()}, r.period.end, r.week_starts, weeks
        ).lines,
    )
    return Lines(parts)


def report_markdown(r: Report, weeks: int = 26) -> str:
    """The report as a Markdown section, for a weekly review post or a README."""
    delta = r.percent_after - r.percent_before
    out = [
        f"## {esc(r.period.label)}",
        "",
        f"**Progress:** {r.percent_before:.0f}% → {r.percent_after:.0f}% ({delta:+.0f} points)",
    ]
    for state, attr in (("done", "done"), ("in_progress", "started"), ("skipped", "skipped"), ("todo", "reopened")):
        changes = getattr(r, attr)
        if changes:
            out += ["", f"### {LABELS[state]} ({len(changes)})", ""]
            out += [f"- {esc(c.ref)} {esc(c.title)} ({c.day})" for c in changes]
    if r.entries:
        out += ["", "### Diary", ""]
        out += [
            f"- Week {e['week']}: " + (", ".join(esc(str(c)) for c in e["concepts"]) or "no concepts listed")
            for e in r.entries
        ]
    if r.questions_opened or r.questions_answered:
        out += ["", f"### Questions ({len(r.questions_opened)} opened, {len(r.questions_answered)} answered)", ""]
        out += [f"- [ ] {esc(q['text'])} ({q['asked_on']})" for q in r.questions_opened]
        out += [f"- [x] {esc(q['text'])} (answered {q['answered_on']})" for q in r.questions_answered]
    if r.reflections:
        out += ["", f"### Reflections ({len(r.reflections)})", ""]
        out += [f"- {esc(a['ref'])} {esc(a['question'])} ({a['day']})" for a in r.reflections]
    if r.links:
        out += ["", f"### Links added ({len(r.links)})", ""]
        out += [
            f"- {esc(x['ref'] or 'roadmap')}: "
            + (
                esc(f"{x['title'] or x['kind']}: {x['target']}")
                if not x["target"].startswith(("http://", "https://"))
                else markdown_link(x["title"] or x["kind"], x["target"])
            )
            for x in r.links
        ]
    m = r.momentum
    calendar = heatmap_view(
        {date.fromisoformat(d): n for d, n in r.activity.items()}, r.period.end, r.week_starts, weeks
    )
    out += [
        "",
        "### Momentum",
        "",
        f"- {esc(streak_text(m))}",
        f"- Pace: {esc(pace_text(m))}",
        "",
        "```",
        calendar.plain,
        "```",
    ]
    return "\n".join(out) + "\n"
