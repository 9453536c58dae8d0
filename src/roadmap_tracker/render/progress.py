"""Views of the plan and progress: the status dashboard, one step in full, the history, and the
lines that say what a change did. Nothing here prints.

All user text goes into Rich as ``Text`` objects, never as markup, so a title with brackets in
it prints as written; they are ``terminal.Text``, so a control character in it is shown written
out (``\x1b``), never obeyed. The dashboard's ``Line`` does the same for plain output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len

from .styled import Line, Lines
from .visible import visible_line

if TYPE_CHECKING:
    from ..progress.momentum import Momentum
    from ..progress.states import Change
    from ..progress.status import Status, StepDetail, StepStatus
    from ..store.progress import HistoryRow

BAR_WIDTH = 20
READABLE_TITLE = 28  # cells of a step's title that status keeps, whatever follows the bar
LABELS = {"todo": "to do", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
BOX = {"done": "[x]", "todo": "[ ]", "in_progress": "[~]", "skipped": "[-]"}
MARK = {"done": "✓", "in_progress": "~", "skipped": "–", "todo": " "}  # ▶ marks the current step
STYLE = {"done": "green", "in_progress": "yellow", "skipped": "dim", "todo": ""}
KIND_HEADINGS = {"resource": "Resources", "project": "Mini projects", "question": "Reflection questions"}


# --- momentum -----------------------------------------------------------------------


def streak_text(m: Momentum) -> str:
    def weeks(n: int) -> str:
        return f"{n} week{'s' * (n != 1)}"

    return f"Streak: {weeks(m.current_streak)} (best {m.longest_streak})"


def pace_text(m: Momentum) -> str:
    if m.forecast is None:
        return m.reason or "no forecast yet"
    return f"{m.pace:.1f} items/week, {m.total - m.done} left → about {m.forecast.isoformat()}"


def momentum_line(m: Momentum) -> str:
    return f"{streak_text(m)} · {pace_text(m)}"


# --- the dashboard ------------------------------------------------------------------


def bar(fraction: float, width: int = BAR_WIDTH) -> list[tuple[str, str]]:
    filled = round(fraction * width)
    # Two different glyphs, so the bar still reads with NO_COLOR.
    return [("█" * filled, "green"), ("░" * (width - filled), "dim")]


def status_view(s: Status, width: int = 80, momentum: Momentum | None = None) -> Lines:
    """The dashboard, laid out to fit ``width`` so it prints without wrapping."""
    head = Line.of((s.title, "bold"), f"  {s.percent:.0f}% done ({s.done}/{s.total})")
    if s.skipped:
        head.add(f", {s.skipped} skipped", "dim")
    parts: list[Line] = [head]
    current = next((st for st in s.steps if st.number == s.current), None)
    if current:
        parts.append(Line.of("Current step: ", (f"{current.number}. {current.title}", "bold")))
    parts.append(Line())
    number_width = len(str(len(s.steps)))
    labels = [_label(step) for step in s.steps]
    extras = [_extra(step) for step in s.steps]
    label_width = max(map(len, labels), default=0)
    base = 2 + number_width + 2 + BAR_WIDTH + 2 + label_width
    # Titles get room for the longest notes after the count, but never shrink below a readable
    # width for them: a step whose notes do not fit then ("1 skipped  marked done  q 0/3") puts
    # them on a line of their own, rather than every title shrinking for that one.
    longest = max((len(e.rstrip()) for e in extras), default=0)
    title_cells = [cell_len(visible_line(st.title)) for st in s.steps]
    widest = max(title_cells, default=0)
    title_width = max(12, min(widest, width - base - 1, max(READABLE_TITLE, width - base - longest - 1)))
    room = width - base - title_width  # for the notes after the count
    # No step's line is wider than the width: measuring 2,000 of them again cost more than the rest.
    steps_fit = base + 1 + title_width <= width
    fitted: set[int] = set()
    for step, label, extra, cells in zip(s.steps, labels, extras, title_cells):
        here = step.number == s.current and step.state != "done"
        mark = "▶" if here else MARK[step.state]
        title = Line.of((step.title, "bold" if here else ""))
        if cells > title_width:
            title.truncate(title_width, pad=True)
        else:
            title.add(" " * (title_width - cells))
        line = Line.of((mark, STYLE[step.state]), " ", (f"{step.number:>{number_width}}.", "cyan"), " ")
        line.extend(title).add(" ").extend(Line(bar(step.fraction)))
        extra = extra.rstrip()
        below = len(extra) > room
        parts.append(line.add(" ").add(label.ljust(label_width)).add("" if below else extra, "dim"))
        if steps_fit:
            fitted.add(id(line))
        if below:  # under the title, where the eye looks for it
            parts.append(Line.of(" " * (2 + number_width + 2), (extra.strip(), "dim")))
    if s.deliverables:
        parts += [Line(), Line.of(("Deliverables", "bold"))]
        for d in s.deliverables:
            reached = d.count >= d.target
            line = Line.of(
                "  ",
                ("✓" if reached else " ", "green"),
                " ",
                (f"{d.count}/{d.target}", "green" if reached else ""),
                "  ",
                d.title,
            )
            if d.max:
                line.add(f" (up to {d.max})", "dim")
            parts.append(line)
    if s.next:
        parts += [Line(), Line.of(("Next", "bold"))]
        ref_width = max(len(n.ref) for n in s.next)
        for n in s.next:
            line = Line.of("  ", (n.ref.ljust(ref_width), "cyan"), "  ", n.title)
            if n.state == "in_progress":
                line.add("  (in progress)", "yellow")
            parts.append(line)
    parts += [Line(), Line.of((f"Last activity: {s.last_activity or 'none yet'}", "dim"))]
    if momentum is not None:
        parts.append(Line.of((momentum_line(momentum), "dim")))
    if s.archived:
        parts += [Line(), Line.of(("Archived (removed from roadmap.yaml, history kept)", "bold"))]
        for a in s.archived:
            parts.append(Line.of(f"  {a.key}  {a.title}  {LABELS[a.state]} {a.day}, {a.events} events"))
    # Every line but the headline fits the width, so the view prints without wrapping.
    return Lines([parts[0], *(part if id(part) in fitted else part.truncate(width) for part in parts[1:])])


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


# --- one step -----------------------------------------------------------------------


def step_view(detail: StepDetail):
    """One step in full. An item's address is printed whole on a line of its own, never folded,
    so it can be copied or clicked (a link, where the terminal shows them) however narrow the
    terminal; the rest of each item wraps under its title."""
    from rich.console import Group
    from rich.style import Style
    from rich.table import Table

    from ..urls import shown_url
    from .terminal import Text

    step = detail.step
    head = Text.assemble(
        (f"Step {step.number}: ", "bold cyan"), (step.title, "bold"), "  ", (LABELS[step.state], STYLE[step.state])
    )
    if step.total:
        head.append(f"  {step.done}/{step.counted}")
        if step.skipped:
            head.append(f", {step.skipped} skipped", "dim")
    parts: list = [head]
    if detail.objective:
        parts += [Text(detail.objective.strip(), "italic")]
    kind = None
    grid = None

    def new_grid() -> Table:
        # The columns of one kind's items line up although an address splits them into grids.
        made = Table.grid(padding=(0, 1))
        made.add_column(no_wrap=True, width=marks)
        made.add_column(no_wrap=True, width=refs)
        made.add_column(overflow="fold")
        parts.append(made)
        return made

    for n, item in enumerate(detail.items):
        if item.kind != kind:
            kind = item.kind
            same = [i for i in detail.items[n:] if i.kind == kind]
            marks = max(2 * (i.depth + 1) + (0 if kind == "question" else len(BOX["todo"])) for i in same)
            refs = max(len(i.ref) for i in same)
            parts += [Text(), Text(KIND_HEADINGS[kind], "bold")]
            grid = None
        grid = grid or new_grid()
        indent = "  " * (item.depth + 1)
        note = item.note
        if item.kind == "question":
            cell = Text(item.title)
            if note:
                cell.append_text(Text("\n" + note.strip(), "dim"))
            for answer in detail.answers.get(item.id, []):
                cell.append_text(Text.assemble("\n", (f"{answer['day']}: ", "dim"), answer["text"]))
            grid.add_row(Text(indent), Text(item.ref, "cyan"), cell)
            continue
        cell = Text(item.title)
        if item.state != "todo" and item.day:
            cell.append(f"  {LABELS[item.state]} {item.day}", "dim")
        if note:
            cell.append_text(Text("\n" + note.strip(), "dim"))
        grid.add_row(Text.assemble(indent, (BOX[item.state], STYLE[item.state])), Text(item.ref, "cyan"), cell)
        if item.url:
            address = shown_url(item.url)
            # A link the terminal may show, round an address of printable ASCII only (what the URL
            # rules leave), so nothing in it can end the escape sequence early.
            web = address == item.url and address.isascii() and address.isprintable()
            link = Style(color="blue", link=item.url if web and address.startswith(("http://", "https://")) else None)
            parts.append(Text.assemble(" " * (marks + refs + 2), (address, link), no_wrap=True, overflow="ignore"))
            grid = None  # the items after the address go on in a grid of their own
    return Group(*parts)


# --- history ------------------------------------------------------------------------


def history_view(events: list[HistoryRow]):
    from rich.table import Table

    from .terminal import Text

    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, justify="right")
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    table.add_column(no_wrap=True)
    for e in events:
        what = Text.assemble((e.ref, "cyan"), " ", e.title)
        if e.note:
            what.append(f" — {e.note}", "dim")
        mark = "auto" if e.auto else f"undone by #{e.undone_by}" if e.undone_by else ""
        table.add_row(
            Text(f"#{e.id}", "dim"), Text(e.day), Text(LABELS[e.state], STYLE[e.state]), what, Text(mark, "dim")
        )
    return table


def undone(result) -> list[str]:
    """What an undo reversed, and what it changed."""
    item = result.changes[0].item
    return [f"Undid #{result.event} on {item.ref} {item.title} (as #{result.undo}).", *changes(result.changes)]


NO_HISTORY = "No progress recorded yet. Tick something off with `roadmap check 1.r1`."


# --- messages -----------------------------------------------------------------------


def changes(found: list[Change]) -> list[str]:
    """One line per item a check, uncheck, start or skip touched."""
    out = []
    for change in found:
        what = f"{change.item.ref} {change.item.title}"
        if change.auto:
            done = ": all its items are done." if change.new == "done" else "."
            out.append(f"Step {what} is now {LABELS[change.new]}{done}")
        elif change.changed:
            out.append(f"{what}: {LABELS[change.old]} → {LABELS[change.new]}")
        else:
            out.append(f"{what} was already {LABELS[change.new]}.")
    return out


def changes_data(found: list[Change], day, note: str | None) -> dict:
    """What a check, uncheck, start or skip did, as data (--json)."""
    return {
        "day": day.isoformat(),
        "note": note,
        "changes": [
            {
                "ref": c.item.ref,
                "id": c.item.key,
                "kind": c.item.kind,
                "title": c.item.title,
                "from": c.old,
                "to": c.new,
                "changed": c.changed,
                "auto": c.auto,
            }
            for c in found
        ],
    }


def created(root, counts: dict[str, int], first_day) -> list[str]:
    return [
        f"Created a roadmap workspace in {root}: {counts.get('step', 0)} steps, "
        f"{counts.get('resource', 0) + counts.get('project', 0)} resources and mini projects, "
        f"{counts.get('question', 0)} reflection questions, {counts.get('deliverable', 0)} deliverables.",
        f"Week 1 begins on {first_day:%A} {first_day.isoformat()}.",
        "Next: `roadmap status`.",
    ]


def synced_on_open(ws, report, fresh: bool) -> list[str]:
    """What a command says when it finds the store new, or roadmap.yaml edited."""
    if fresh:
        return [f"Tracking progress on roadmap.yaml in {ws.relative(ws.db_path)}."]
    if report is not None and not report.empty:
        return [f"roadmap.yaml changed: {sync_summary(report)}."]
    return []


def sync_summary(report) -> str:
    """What a sync did, in one phrase: `2 added, 1 renamed`."""
    names = ("added", "renamed", "moved", "removed", "restored")
    parts = [f"{len(getattr(report, name))} {name}" for name in names if getattr(report, name)]
    if report.changed:
        parts.append(f"{report.changed} edited")
    return ", ".join(parts) or "no changes"


IN_STEP = "roadmap.yaml and the store agree; nothing changed."


def synced(report) -> str:
    return f"Synced: {sync_summary(report)}."


def sync_lines(report) -> str:
    """The full list of what a sync changed, one line each."""
    lines = [f"added    {t}" for t in report.added]
    lines += [f"renamed  {old} → {new}" for old, new in report.renamed]
    lines += [f"moved    {t}" for t in report.moved]
    lines += [f"removed  {t} (archived with its history)" for t in report.removed]
    lines += [f"restored {t}" for t in report.restored]
    if report.changed:
        lines.append(f"edited   {report.changed} objective(s), URL(s) or setting(s)")
    # A listing for the person, printed as data: its titles show control characters written out.
    return "\n".join(visible_line(line) for line in lines) + "\n"
