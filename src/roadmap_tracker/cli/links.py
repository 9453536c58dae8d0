"""Commands for proof of work: link, unlink, links, deliverables, portfolio."""

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import app
from .common import emit_json, message, open_store

ItemArg = Annotated[str, typer.Argument(help="The item: 3, 3.p2, d1, an id, part of a title, or - for the whole roadmap.",
                                        show_default=False)]
KindOpt = Annotated[Optional[str], typer.Option("--kind", "-k", help="repo, blog, demo, notebook, kaggle, paper, video or other.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _item(db, text: str):
    from ..refs import resolve

    return None if text.strip() == "-" else resolve(db, text)


def _where(item) -> str:
    return f"{item.ref} {item.title}" if item else "the roadmap"


@app.command()
def link(
    ctx: typer.Context,
    item: ItemArg,
    url: Annotated[str, typer.Argument(help="An http(s) address, or a path to a file inside the workspace.", show_default=False)],
    kind: KindOpt = None,
    title: Annotated[Optional[str], typer.Option("--title", "-t", help="What to call the link (\"\" removes it).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", "-n", help="A note kept with the link (\"\" removes it).")] = None,
):
    """Attach a link (a repo, blog post, demo, notebook…) or a workspace file to an item, or to the roadmap with `-`.

    Without --kind the kind is guessed from the address. Linking the same address
    to the same item again updates its kind, title and note instead of adding it twice.
    """
    from ..links import add

    ws, db = open_store(ctx)
    target = _item(db, item)
    added = add(db, ws.root, target, url, kind=kind, title=title, note=note)
    got = added.link
    if added.created:
        message(f"Linked {_where(target)}: {got.target} (link {got.id}, {got.kind}).")
        if added.inferred:
            message(f"inferred kind: {got.kind}; use --kind to change it")
    elif added.changes:
        message(f"{_where(target)} already had {got.target} (link {got.id}); updated {', '.join(added.changes)}.")
    else:
        message(f"{_where(target)} already has {got.target} (link {got.id}, {got.kind}); nothing changed.")


@app.command()
def unlink(
    ctx: typer.Context,
    item: ItemArg,
    link: Annotated[str, typer.Argument(help="The link's address or path, or its number from `roadmap links`.", show_default=False)],
):
    """Remove a link from an item (or from the roadmap with `-`)."""
    from ..links import remove

    ws, db = open_store(ctx)
    target = _item(db, item)
    gone = remove(db, ws.root, target, link)
    message(f"Removed link {gone.id} from {_where(target)}: {gone.target}")


@app.command()
def links(
    ctx: typer.Context,
    item: Annotated[Optional[str], typer.Argument(help="Only this item's links (and those of the items under it); - for the roadmap's own.")] = None,
    kind: KindOpt = None,
    check: Annotated[bool, typer.Option("--check", help="Check them now: addresses over the network, paths on disk.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each address when checking.")] = 10.0,
    json: JsonOpt = False,
):
    """List links with the result of their last check; --check checks them now (exit 1 if any is broken)."""
    from ..errors import FAILURE
    from ..links import check as run_check, list_links

    ws, db = open_store(ctx)
    target = _item(db, item) if item else None
    found = list_links(db, item=target, roadmap=item is not None and target is None, kind=kind)
    failed = False
    if check and found:
        run = run_check(db, ws.root, found, timeout=timeout)
        found = run.links
        for bad in run.broken:
            message(f"broken: link {bad.id} on {bad.ref or '-'}: {bad.target}: {_result(bad)}")
        for cut in run.unchecked:
            message(f"not checked: link {cut.id} on {cut.ref or '-'}: {cut.target} (overall time limit reached)")
        good = len(found) - len(run.broken) - len(run.unchecked)
        message(f"Checked {len(found)} link{'s' * (len(found) != 1)}: {good} ok, {len(run.broken)} broken"
                + (f", {len(run.unchecked)} not checked." if run.unchecked else "."))
        failed = bool(run.broken or run.unchecked)
    if json:
        emit_json([x.to_dict() for x in found])
    elif not found:
        message("No links yet. Attach one with `roadmap link 1.p1 https://github.com/you/project`." if not (item or kind)
                else "No links match.")
    else:
        from .common import show

        show(_table(found))
    if failed:
        raise typer.Exit(FAILURE)


def _day(stamp: str) -> str:
    from datetime import datetime

    return datetime.fromisoformat(stamp).astimezone().date().isoformat()


def _result(x) -> str:
    if x.checked_at is None:
        return "not checked"
    if x.is_path:
        return "missing" if x.error else "found"
    if x.error:
        return x.error
    moved = f" after {x.redirects} redirect{'s' * (x.redirects != 1)}" if x.redirects else ""
    return f"{x.status}{moved}"


def _table(found):
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1))
    for name in ("#", "item", "kind"):
        table.add_column(name, no_wrap=True)
    table.add_column("link", overflow="fold")
    table.add_column("last check")
    for x in found:
        shown = Text.assemble(*((x.title, "\n") if x.title else ()), (x.target, "blue"))
        check = Text(_result(x), {True: "green", False: "red"}.get(x.ok, "dim"))
        if x.checked_at:
            check.append(f" {_day(x.checked_at)}", "dim")
        table.add_row(str(x.id), Text(x.ref or "-", "cyan"), x.kind, shown, check)
    return table


@app.command()
def deliverables(ctx: typer.Context, json: JsonOpt = False):
    """Show each deliverable: count/target, what counted toward it and what is still missing."""
    from ..deliverables import report

    _, db = open_store(ctx)
    found = report(db)
    if json:
        emit_json([d.to_dict() for d in found])
        return
    if not found:
        message("roadmap.yaml declares no deliverables.")
        return
    from rich.console import Group
    from rich.text import Text

    from ..render import hang
    from .common import show

    parts: list = []
    for d in found:
        reached = d.missing is None
        head = Text.assemble((f"d{d.number}", "cyan"), " ", (d.title, "bold"), "  ",
                             (f"{d.count}/{d.target}", "green" if reached else ""))
        if d.max:
            head.append(f" (up to {d.max})", "dim")
        if parts:
            parts.append(Text())
        parts.append(head)
        for c in d.counted:
            parts.append(hang(2, ("✓", "green"), " ", (c.ref or "-", "cyan"), " ", c.title,
                              (f" (done {c.done})" if c.done else "", "dim")))
            parts += [hang(6, (x.kind, "dim"), "  ", x.title + " " if x.title else "", (x.target, "blue"))
                      for x in c.links]
        if d.missing:
            parts.append(hang(2, (f"missing: {d.missing}", "yellow")))
        parts += [hang(2, f"near miss: {n}") for n in d.near_misses]
    show(Group(*parts))


class Format(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command()
def portfolio(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="text for the terminal, markdown for a README, or json.")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of the screen (markdown or json).")] = None,
):
    """Show your finished mini projects with their step, date, links and reflections; --format markdown for a README."""
    from ..errors import UsageError
    from ..portfolio import collect, to_markdown

    if output is not None and fmt is Format.text:
        raise UsageError("-o writes markdown or json", hint="add --format markdown")
    _, db = open_store(ctx)
    work = collect(db)
    if fmt is Format.text:
        if not work.projects:
            message("No finished mini projects yet. Check one off with `roadmap check 1.p1`.")
            return
        from .common import show

        show(_portfolio_view(work))
        return
    import json

    text = to_markdown(work) if fmt is Format.markdown else json.dumps(work.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    from ..files import atomic_write

    atomic_write(output, text)
    n = len(work.projects)
    message(f"Wrote {n} finished mini project{'s' * (n != 1)} to {output}.")


def _portfolio_view(work):
    from rich.console import Group
    from rich.text import Text

    from ..render import hang

    n = len(work.projects)
    parts: list = [Text(f"Portfolio: {n} finished mini project{'s' * (n != 1)}", "bold")]
    for step in work.steps:
        parts += [Text(), Text.assemble((f"Step {step.number}. ", "bold cyan"), (step.title, "bold"))]
        for p in step.projects:
            parts.append(hang(2, (p.ref, "cyan"), " ", p.title, (f"  done {p.done}", "dim")))
            parts += [hang(6, (x.kind, "dim"), "  ", x.title + " " if x.title else "", (x.target, "blue"))
                      for x in p.links]
        if step.answers:
            parts.append(hang(2, ("Reflections", "bold")))
        for a in step.answers:
            parts += [hang(4, (a.ref, "cyan"), " ", a.question), hang(6, (f"{a.day}: ", "dim"), a.text.strip())]
    return Group(*parts)
