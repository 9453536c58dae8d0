"""Commands for proof of work: link, unlink, links, deliverables, portfolio."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..render import output
from . import complete
from .context import JsonOpt, TextFormat, open_store

app = typer.Typer()

ItemArg = Annotated[
    str,
    typer.Argument(
        metavar="ITEM",
        help="The item: 3, 3.p2, d1, an id, part of a title, or - for the whole roadmap.",
        show_default=False,
        autocompletion=complete.linkable,
    ),
]
KindOpt = Annotated[
    Optional[str],
    typer.Option(
        "--kind",
        "-k",
        metavar="KIND",
        help="repo, blog, demo, notebook, kaggle, paper, video or other.",
        autocompletion=complete.kinds,
    ),
]


def _item(db, text: str):
    from ..progress.refs import resolve

    return None if text.strip() == "-" else resolve(db, text)


@app.command()
def link(
    ctx: typer.Context,
    item: ItemArg,
    url: Annotated[
        str,
        typer.Argument(
            metavar="URL", help="An http(s) address, or a path to a file inside the workspace.", show_default=False
        ),
    ],
    kind: KindOpt = None,
    title: Annotated[
        Optional[str], typer.Option("--title", "-t", metavar="TEXT", help='What to call the link ("" removes it).')
    ] = None,
    note: Annotated[
        Optional[str], typer.Option("--note", "-n", metavar="TEXT", help='A note kept with the link ("" removes it).')
    ] = None,
    json: JsonOpt = False,
):
    """Attach a link (a repo, blog post, demo, notebook…) or a workspace file to an item, or to the roadmap with `-`.

    Without --kind the kind is guessed from the address. Linking the same address
    to the same item again updates its kind, title and note instead of adding it twice.

    \b
    Examples:
      roadmap link 1.p1 https://github.com/you/linreg-numpy
      roadmap link 1.p1 notebooks/linreg.ipynb --kind notebook
      roadmap link d2 https://you.dev/backprop --title "Backprop by hand"
    """
    from ..proof.links import add
    from ..render.proof import added

    ws, db = open_store(ctx)
    target = _item(db, item)
    done = add(db, ws.root, target, url, kind=kind, title=title, note=note)
    if json:
        output.json(
            {
                **done.link.to_dict(),
                "created": done.created,
                "inferred": done.inferred,
                "changed": [change.split()[0] for change in done.changes],  # the fields: kind, title, note
                "warning": done.warning,
                "scheme_added": done.scheme_added,
            }
        )
        return
    output.messages(added(target, done))


@app.command()
def unlink(
    ctx: typer.Context,
    item: ItemArg,
    link: Annotated[
        str,
        typer.Argument(
            metavar="LINK",
            help="The link's address or path, or its number from `roadmap links`.",
            show_default=False,
            autocompletion=complete.links,
        ),
    ],
    json: JsonOpt = False,
):
    """Remove a link from an item (or from the roadmap with `-`).

    \b
    Examples:
      roadmap unlink 1.p1 https://github.com/you/linreg-numpy
      roadmap unlink 1.p1 2
    """
    from ..proof.links import remove
    from ..render.proof import removed

    ws, db = open_store(ctx)
    target = _item(db, item)
    gone = remove(db, ws.root, target, link)
    if json:
        output.json({**gone.to_dict(), "removed": True})
        return
    output.message(removed(target, gone))


@app.command()
def links(
    ctx: typer.Context,
    item: Annotated[
        Optional[str],
        typer.Argument(
            metavar="ITEM",
            help="Only this item's links (and those of the items under it); - for the roadmap's own.",
            autocompletion=complete.linkable,
        ),
    ] = None,
    kind: KindOpt = None,
    check: Annotated[
        bool, typer.Option("--check", help="Check them now: addresses over the network, paths on disk.")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Seconds to wait for each address when checking.")
    ] = 10.0,
    json: JsonOpt = False,
):
    """List links with the result of their last check; --check checks them now (exit 1 if any is broken).

    \b
    Examples:
      roadmap links
      roadmap links 1 --kind repo
      roadmap links --check --timeout 5
    """
    from ..errors import ExitCode
    from ..proof.links import check_timeout

    check_timeout(timeout)
    from ..proof.links import check as run_check
    from ..proof.links import list_links
    from ..render.proof import check_lines, links_table, no_links

    ws, db = open_store(ctx)
    target = _item(db, item) if item else None
    found = list_links(db, item=target, roadmap=item is not None and target is None, kind=kind)
    failed = False
    if check and found:
        run = run_check(db, ws.root, found, timeout=timeout)
        found = run.links
        output.messages(check_lines(run))
        failed = bool(run.broken or run.unchecked)
    if json:
        output.json([x.to_dict() for x in found])
    elif not found:
        output.message(no_links(bool(item or kind)))
    else:
        output.show(links_table(found))
    if failed:
        raise typer.Exit(ExitCode.FAILURE)


@app.command()
def deliverables(ctx: typer.Context, json: JsonOpt = False):
    """Show each deliverable: count/target, what counted toward it and what is still missing.

    \b
    Examples:
      roadmap deliverables
      roadmap deliverables --json
    """
    from ..progress.deliverables import report
    from ..render.proof import NO_DELIVERABLES, deliverables_view

    _, db = open_store(ctx)
    found = report(db)
    if json:
        output.json([d.to_dict() for d in found])
    elif not found:
        output.message(NO_DELIVERABLES)
    else:
        output.show(deliverables_view(found))


@app.command()
def portfolio(
    ctx: typer.Context,
    fmt: Annotated[
        TextFormat, typer.Option("--format", "-f", help="text for the terminal, markdown for a README, or json.")
    ] = TextFormat.text,
    output_path: Annotated[
        Optional[Path],
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to this file instead of the screen (markdown or json)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
):
    """Show your finished mini projects with their step, date, links and reflections; --format markdown for a README.

    \b
    Examples:
      roadmap portfolio
      roadmap portfolio -f markdown -o portfolio.md
      roadmap portfolio --format json
    """
    from ..errors import UsageError
    from ..proof.portfolio import collect
    from ..render.proof import NO_PROJECTS, portfolio_markdown, portfolio_view, portfolio_written

    if output_path is not None and fmt is TextFormat.text:
        raise UsageError("-o writes markdown or json", hint="add --format markdown")
    ws, db = open_store(ctx)
    if output_path is not None:
        from ..store.items import header
        from ..workspace import output_target

        found = header(db)
        output_path = output_target(ws, output_path, found.notes_dir if found else "notes", force=force)
    work = collect(db)
    if fmt is TextFormat.text:
        if not work.projects:
            output.message(NO_PROJECTS)
        else:
            output.show(portfolio_view(work))
        return
    if output_path is None:
        # JSON goes out as output.json writes it, escaping what a terminal would act on.
        if fmt is TextFormat.markdown:
            output.data(portfolio_markdown(work))
        else:
            output.json(work.to_dict())
        return
    import json

    text = (
        portfolio_markdown(work)
        if fmt is TextFormat.markdown
        else json.dumps(work.to_dict(), indent=2, ensure_ascii=False) + "\n"
    )
    from ..files import atomic_write

    atomic_write(output_path, text)
    output.message(portfolio_written(len(work.projects), output_path))
