"""Turn query results into Rich renderables. Nothing here prints.

All user text goes in as ``Text`` objects, never as markup, so a title with
brackets in it prints as written.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text

from .progress import LABELS
from .queries import HistoryEvent, ShownItem, Status, StepStatus

BAR_WIDTH = 20
BOX = {"done": "[x]", "todo": "[ ]", "in_progress": "[~]", "skipped": "[-]"}
MARK = {"done": "✓", "in_progress": "~", "skipped": "–", "todo": " "}  # ▶ marks the current step
STYLE = {"done": "green", "in_progress": "yellow", "skipped": "dim", "todo": ""}
KIND_HEADINGS = {"resource": "Resources", "project": "Mini projects", "question": "Reflection questions"}


def hang(indent: int, *parts):
    """A line indented by ``indent`` whose wrapped continuation keeps the indent."""
    from rich.padding import Padding

    return Padding(Text.assemble(*parts), (0, 0, 0, indent))


def bar(fraction: float, width: int = BAR_WIDTH) -> Text:
    filled = round(fraction * width)
    # Two different glyphs, so the bar still reads with NO_COLOR.
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"))


def status_view(s: Status, width: int = 80, momentum=None) -> Text:
    """The dashboard as one Text, laid out to fit ``width`` so it prints without wrapping.

    ``momentum`` (a report.Momentum) adds one line: streaks and the pace forecast."""
    head = Text.assemble((s.title, "bold"), f"  {s.percent:.0f}% done ({s.done}/{s.total})")
    if s.skipped:
        head.append(f", {s.skipped} skipped", "dim")
    parts: list = [head]
    current = next((st for st in s.steps if st.number == s.current), None)
    if current:
        parts.append(Text.assemble("Current step: ", (f"{current.number}. {current.title}", "bold")))
    parts.append(Text())
    number_width = len(str(len(s.steps)))
    labels = [_label(step) for step in s.steps]
    extras = [_extra(step) for step in s.steps]
    label_width = max(map(len, labels), default=0)
    fixed = 2 + number_width + 2 + BAR_WIDTH + 2 + label_width + max((len(e) for e in extras), default=0)
    title_width = max(12, min(max((cell_len(st.title) for st in s.steps), default=0), width - fixed - 1))
    for step, label, extra in zip(s.steps, labels, extras):
        current = step.number == s.current and step.state != "done"
        mark = "▶" if current else MARK[step.state]
        title = Text(step.title, "bold" if current else "")
        title.truncate(title_width, overflow="ellipsis", pad=True)
        line = Text.assemble((mark, STYLE[step.state]), " ", (f"{step.number:>{number_width}}.", "cyan"), " ",
                             title, " ", bar(step.fraction), " ", label.ljust(label_width), (extra.rstrip(), "dim"))
        parts.append(line)
    if s.deliverables:
        parts += [Text(), Text("Deliverables", "bold")]
        for d in s.deliverables:
            reached = d.count >= d.target
            line = Text.assemble("  ", ("✓" if reached else " ", "green"), " ",
                                 (f"{d.count}/{d.target}", "green" if reached else ""), "  ", d.title)
            if d.max:
                line.append(f" (up to {d.max})", "dim")
            parts.append(line)
    if s.next:
        parts += [Text(), Text("Next", "bold")]
        ref_width = max(len(n.ref) for n in s.next)
        for n in s.next:
            line = Text.assemble("  ", (n.ref.ljust(ref_width), "cyan"), "  ", n.title)
            if n.state == "in_progress":
                line.append("  (in progress)", "yellow")
            parts.append(line)
    parts += [Text(), Text(f"Last activity: {s.last_activity or 'none yet'}", "dim")]
    if momentum is not None:
        parts.append(Text(momentum.line, "dim"))
    if s.archived:
        parts += [Text(), Text("Archived (removed from roadmap.yaml, history kept)", "bold")]
        for a in s.archived:
            parts.append(Text(f"  {a['key']}  {a['title']}  {LABELS[a['state']]} {a['day']}, {a['events']} events"))
    for part in parts[1:]:
        # Every line but the headline fits the width, so the view prints without wrapping.
        part.truncate(width, overflow="ellipsis")
    return Text("\n").join(parts)


def _extra(step: StepStatus) -> str:
    extra = ""
    if step.skipped:
        extra += f"  {step.skipped} skipped"
    if step.state == "skipped":
        extra += "  step skipped"
    elif step.state == "done" and step.done < step.counted:
        extra += "  marked done"
    if step.questions:
        extra += f"  q {step.answered}/{step.questions}"
    return extra


def _label(step: StepStatus) -> str:
    return f"{step.done}/{step.counted}" if step.total else LABELS[step.state]


def step_view(step: StepStatus, objective: str | None, items: list[ShownItem], answers: dict[str, list] | None = None) -> Group:
    head = Text.assemble((f"Step {step.number}: ", "bold cyan"), (step.title, "bold"), "  ",
                         (LABELS[step.state], STYLE[step.state]))
    if step.total:
        head.append(f"  {step.done}/{step.counted}")
        if step.skipped:
            head.append(f", {step.skipped} skipped", "dim")
    parts: list = [head]
    if objective:
        parts += [Text(objective.strip(), "italic")]
    from rich.table import Table

    kind = None
    grid = None
    for item in items:
        if item.kind != kind:
            kind = item.kind
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold")  # a long URL folds, so it can still be copied whole
            parts += [Text(), Text(KIND_HEADINGS[kind], "bold"), grid]
        indent = "  " * (item.depth + 1)
        if item.kind == "question":
            cell = Text(item.title)
            for answer in (answers or {}).get(item.id, []):
                cell.append_text(Text.assemble("\n", (f"{answer['day']}: ", "dim"), answer["text"]))
            grid.add_row(Text(indent), Text(item.ref, "cyan"), cell)
            continue
        cell = Text(item.title)
        if item.state != "todo" and item.day:
            cell.append(f"  {LABELS[item.state]} {item.day}", "dim")
        if item.url:
            cell.append_text(Text("\n" + item.url, "blue"))
        grid.add_row(Text.assemble(indent, (BOX[item.state], STYLE[item.state])), Text(item.ref, "cyan"), cell)
    return Group(*parts)


def history_view(events: list[HistoryEvent]):
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    table.add_column(no_wrap=True)
    for e in events:
        what = Text.assemble((e.ref, "cyan"), " ", e.title)
        if e.note:
            what.append(f" — {e.note}", "dim")
        table.add_row(Text(e.day), Text(LABELS[e.state], STYLE[e.state]), what, Text("auto" if e.auto else "", "dim"))
    return table


def entries_view(found: list, full: bool = False) -> Text:
    """Diary weeks, newest first: a digest each, or everything with ``full``."""
    blocks = []
    for listed in found:
        e = listed.entry
        head = Text.assemble((f"Week {e.week}", "bold cyan"), f"  {e.start} to {e.end}")
        if e.step:
            head.append(f"  {e.step}", "italic")
        if e.tags:
            head.append("  " + " ".join(f"#{t}" for t in e.tags), "magenta")
        lines = [head]
        if e.concepts:
            lines.append(Text.assemble(("  Concepts: ", "bold"), "; ".join(e.concepts)))
        for x in e.experiments:
            line = Text.assemble(("  Experiment: ", "bold"), x.text)
            if x.result:
                line.append(f" → {x.result}")
            if x.metric:
                line.append(f" ({x.metric}: {x.value})", "dim")
            lines.append(line)
        for q in listed.questions:
            line = Text.assemble(("  Question ", "bold"), (f"q{q['id']}", "cyan"), ": ", q["text"])
            if q["answer"]:
                line.append(f"  answered {q['answered_on']}", "green")
                if full:
                    line.append(f": {q['answer']}")
            lines.append(line)
        if e.text:
            text = e.text if full else e.text.split("\n", 1)[0] + (" …" if "\n" in e.text else "")
            lines.append(Text.assemble(("  Notes: ", "bold"), text))
        if full and e.refs:
            lines.append(Text.assemble(("  About: ", "bold"), ", ".join(e.refs)))
        blocks.append(Text("\n").join(lines))
    return Text("\n\n").join(blocks)
