"""Views of the learner's work: links and their checks, deliverables, and the portfolio on
screen and as Markdown. Nothing here prints.

Rich text is ``terminal.Text``, which shows control characters written out, and an address is
shown as ``urls.shown_url`` spells it (a host that mixes scripts in punycode).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..urls import shown_url
from .markdown import block_quote, link_list
from .markdown import markdown_escape as esc

if TYPE_CHECKING:
    from ..progress.deliverables import DeliverableReport
    from ..proof.links import Added, CheckRun
    from ..proof.portfolio import Portfolio
    from ..store.items import TrackedItem
    from ..store.links import Link


def hang(indent: int, *parts):
    """A line indented by ``indent`` whose wrapped continuation keeps the indent."""
    from rich.padding import Padding

    from .terminal import Text

    return Padding(Text.assemble(*parts), (0, 0, 0, indent))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


# --- links ---------------------------------------------------------------------------


def where(item: TrackedItem | None) -> str:
    return f"{item.ref} {item.title}" if item else "the roadmap"


def added(item: TrackedItem | None, done: Added) -> list[str]:
    got = done.link
    added_scheme = [f"added https:// to the address: {shown_url(got.target)}"] if done.scheme_added else []
    if done.created:
        out = [f"Linked {where(item)}: {shown_url(got.target)} (link {got.id}, {got.kind})."]
        if done.inferred:
            out.append(f"inferred kind: {got.kind}; use --kind to change it")
    elif done.changes:
        out = [f"{where(item)} already had {shown_url(got.target)} (link {got.id}); updated {', '.join(done.changes)}."]
    else:
        out = [f"{where(item)} already has {shown_url(got.target)} (link {got.id}, {got.kind}); nothing changed."]
    return added_scheme + out + ([f"Warning: {done.warning}"] if done.warning else [])


def removed(item: TrackedItem | None, gone: Link) -> str:
    return f"Removed link {gone.id} from {where(item)}: {shown_url(gone.target)}"


def no_links(filtered: bool) -> str:
    if filtered:
        return "No links match."
    return "No links yet. Attach one with `roadmap link 1.p1 https://github.com/you/project`."


def _day(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone().date().isoformat()


def check_result(x: Link) -> str:
    if x.checked_at is None:
        return "not checked"
    if x.is_path:
        return "missing" if x.error else "found"
    if x.error:
        return x.error
    moved = f" after {x.redirects} redirect{'s' * (x.redirects != 1)}" if x.redirects else ""
    return f"{x.status}{moved}"


def check_lines(run: CheckRun) -> list[str]:
    """What a `links --check` found: each broken or unchecked link, then the counts."""
    out = [
        f"broken: link {bad.id} on {bad.ref or '-'}: {shown_url(bad.target)}: {check_result(bad)}" for bad in run.broken
    ]
    out += [
        f"not checked: link {cut.id} on {cut.ref or '-'}: {shown_url(cut.target)} (overall time limit reached)"
        for cut in run.unchecked
    ]
    good = len(run.links) - len(run.broken) - len(run.unchecked)
    out.append(
        f"Checked {_plural(len(run.links), 'link')}: {good} ok, {len(run.broken)} broken"
        + (f", {len(run.unchecked)} not checked." if run.unchecked else ".")
    )
    return out


def links_table(found: list[Link]):
    from rich.table import Table

    from .terminal import Text

    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1))
    for name in ("#", "item", "kind"):
        table.add_column(name, no_wrap=True)
    table.add_column("link", overflow="fold")
    table.add_column("last check")
    for x in found:
        shown = Text.assemble(*((x.title, "\n") if x.title else ()), (shown_url(x.target), "blue"))
        check = Text(check_result(x), {True: "green", False: "red"}.get(x.ok, "dim"))
        if x.checked_at:
            check.append(f" {_day(x.checked_at)}", "dim")
        table.add_row(str(x.id), Text(x.ref or "-", "cyan"), Text(x.kind), shown, check)
    return table


# --- deliverables --------------------------------------------------------------------

NO_DELIVERABLES = "roadmap.yaml declares no deliverables."


def deliverables_view(found: list[DeliverableReport]):
    from rich.console import Group

    from .terminal import Text

    parts: list = []
    for d in found:
        reached = d.missing is None
        head = Text.assemble(
            (f"d{d.number}", "cyan"),
            " ",
            (d.title, "bold"),
            "  ",
            (f"{d.count}/{d.target}", "green" if reached else ""),
        )
        if d.max:
            head.append(f" (up to {d.max})", "dim")
        if parts:
            parts.append(Text())
        parts.append(head)
        for c in d.counted:
            parts.append(
                hang(
                    2,
                    ("✓", "green"),
                    " ",
                    (c.ref or "-", "cyan"),
                    " ",
                    c.title,
                    (f" (done {c.done})" if c.done else "", "dim"),
                )
            )
            parts += [
                hang(6, (x.kind, "dim"), "  ", x.title + " " if x.title else "", (shown_url(x.target), "blue"))
                for x in c.links
            ]
        if d.missing:
            parts.append(hang(2, (f"missing: {d.missing}", "yellow")))
        parts += [hang(2, f"near miss: {n}") for n in d.near_misses]
    return Group(*parts)


# --- the portfolio --------------------------------------------------------------------

NO_PROJECTS = "No finished mini projects yet. Check one off with `roadmap check 1.p1`."


def portfolio_view(work: Portfolio):
    from rich.console import Group

    from .terminal import Text

    parts: list = [Text(f"Portfolio: {_plural(len(work.projects), 'finished mini project')}", "bold")]
    for step in work.steps:
        parts += [Text(), Text.assemble((f"Step {step.number}. ", "bold cyan"), (step.title, "bold"))]
        for p in step.projects:
            parts.append(hang(2, (p.ref, "cyan"), " ", p.title, (f"  done {p.done}", "dim")))
            parts += [
                hang(6, (x.kind, "dim"), "  ", x.title + " " if x.title else "", (shown_url(x.target), "blue"))
                for x in p.links
            ]
        if step.answers:
            parts.append(hang(2, ("Reflections", "bold")))
        for a in step.answers:
            parts += [hang(4, (a.ref, "cyan"), " ", a.question), hang(6, (f"{a.day}: ", "dim"), a.text.strip())]
    return Group(*parts)


def portfolio_markdown(portfolio: Portfolio) -> str:
    """A portfolio section to paste into a README: a table of projects, then reflections."""
    lines = ["## Portfolio", ""]
    if not portfolio.projects:
        return "\n".join([*lines, "No finished mini projects yet.", ""])
    lines += [
        f"Mini projects from the roadmap “{esc(portfolio.title)}”.",
        "",
        "| Project | Step | Finished | Links |",
        "| --- | --- | --- | --- |",
    ]
    for step in portfolio.steps:
        for p in step.projects:
            lines.append(
                f"| {esc(p.title)} | {step.number}. {esc(step.title)} | {p.done} | {link_list(p.links) or '–'} |"
            )
    answered = [s for s in portfolio.steps if s.answers]
    if answered:
        lines += ["", "### Reflections"]
    for step in answered:
        lines += ["", f"#### {step.number}. {esc(step.title)}"]
        for a in step.answers:
            lines += ["", f"**{esc(a.question)}** ({a.day})", ""]
            lines += block_quote(a.text)
    return "\n".join(lines) + "\n"


def portfolio_written(count: int, path) -> str:
    return f"Wrote {_plural(count, 'finished mini project')} to {path}."
