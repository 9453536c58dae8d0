"""Shell completion of what people type most: item references and step numbers with their titles,
link kinds, the links of an item, and open questions with their text.

The shell asks on every <TAB>, so the answer reads the store as it is on disk: nothing is synced,
migrated or written, and neither roadmap.yaml nor its schema is read. What the store does not
know yet (an edit to roadmap.yaml since the last command) is not offered until a command has
taken it in. A workspace with no store yet offers nothing, and so does any error: completion
never prints a message or a traceback, it only offers less.

Each function here is a parameter's ``autocompletion``: Typer passes the context (whose root
holds --workspace and --db, given before or after the command) and the text typed so far, and
keeps the offers that start with it. An offer is (value, description); zsh and fish show the
description, bash only the value.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from typer._click.shell_completion import CompletionItem, add_completion_class
from typer._completion_classes import FishComplete, ZshComplete

from ..render.visible import visible_line

Offer = tuple[str, str]
_NUMBER = re.compile(r"[0-9]*")
_SPACE = re.compile(r"\s")


def _silent(complete: Callable[..., list[Offer]]) -> Callable[..., list[Offer]]:
    """Whatever goes wrong (no workspace, a store too old or damaged, a bug), offer nothing."""

    @functools.wraps(complete)
    def offers(*args, **kwargs) -> list[Offer]:
        try:
            return complete(*args, **kwargs)
        except Exception:
            return []

    return offers


@contextmanager
def _store(ctx: typer.Context) -> Iterator[sqlite3.Connection | None]:
    """The store of the workspace the command would use, read-only; None when there is none yet."""
    from ..workspace import locate

    root = ctx.find_root()
    given = {**root.params, **(root.obj or {})}  # an option after the command wins, as it does when run
    ws = locate(given.get("workspace"), given.get("db"))
    if not ws.db_path.is_file():
        yield None
        return
    from ..store.health import open_as_is

    db = open_as_is(ws.db_path)
    try:
        yield db
    finally:
        db.close()


def _described(text: str | None) -> str:
    """A title or a question as one line of plain text: the shell prints it as it is."""
    return " ".join(visible_line(text or "").split())


# --- items and steps ------------------------------------------------------------------------


def _all(db: sqlite3.Connection, kind: str) -> list[Offer]:
    """Every live step (`3`) or deliverable (`d1`), in order."""
    from ..store.items import live_items

    return [(found.ref, _described(found.title)) for found in live_items(db, kinds=[kind])]


def _under(db: sqlite3.Connection, incomplete: str) -> list[Offer]:
    """The items one level below the reference before the last dot: `3.` or `3.p` lists step 3's
    items, `3.p2.` the items of 3.p2."""
    from ..progress.refs import positional
    from ..store.items import live_items

    parent = positional(db, incomplete.rpartition(".")[0])
    if parent is None:
        return []
    depth = incomplete.count(".")
    return [
        (found.ref, _described(found.title))
        for found in live_items(db, step_id=parent.step_id or parent.id)
        if found.ref.count(".") == depth and found.ref.startswith(incomplete)
    ]


def _references(ctx: typer.Context, incomplete: str, *, deliverables: bool, roadmap: bool) -> list[Offer]:
    with _store(ctx) as db:
        if db is None:
            return []
        if incomplete[:1].isdigit():
            return _under(db, incomplete) if "." in incomplete else _all(db, "step")
        offers = [("-", "the roadmap itself")] if roadmap and not incomplete else []
        if not incomplete:
            offers += _all(db, "step")
        if deliverables and incomplete[:1] in ("", "d"):
            offers += _all(db, "deliverable")
        if incomplete:  # an id, as roadmap.yaml names the item
            from ..store.completion import keys_from

            offers += [(key, _described(title)) for key, title in keys_from(db, incomplete)]
        return offers


@_silent
def items(ctx: typer.Context, incomplete: str) -> list[Offer]:
    """Steps and their items (`3`, `3.p2`, `3.p2.1`), or ids that start with what was typed."""
    return _references(ctx, incomplete, deliverables=False, roadmap=False)


@_silent
def linkable(ctx: typer.Context, incomplete: str) -> list[Offer]:
    """What a link is attached to: the references ``items`` offers, deliverables (`d1`), and
    `-` for the roadmap itself."""
    return _references(ctx, incomplete, deliverables=True, roadmap=True)


@_silent
def steps(ctx: typer.Context, incomplete: str) -> list[Offer]:
    """Step numbers, with their titles."""
    with _store(ctx) as db:
        return _all(db, "step") if db is not None and _NUMBER.fullmatch(incomplete) else []


# --- links and questions -------------------------------------------------------------------


def kinds() -> list[str]:
    """The kinds a link may have."""
    from ..urls import LINK_KINDS

    return list(LINK_KINDS)


@_silent
def links(ctx: typer.Context) -> list[Offer]:
    """The numbers of the links attached to the item named before (`roadmap unlink 3.p2 <TAB>`)."""
    with _store(ctx) as db:
        if db is None:
            return []
        from ..progress.refs import resolve
        from ..store.completion import links_on

        named = (ctx.params.get("item") or "").strip()
        item_id = None if named == "-" else resolve(db, named).id
        return [
            (str(number), _described(f"{title} ({target})" if title else target))
            for number, target, title in links_on(db, item_id)
        ]


@_silent
def questions(ctx: typer.Context) -> list[Offer]:
    """The open questions' ids (`q3`), with their text."""
    with _store(ctx) as db:
        if db is None:
            return []
        from ..diary.questions import listing

        return [(found.id, _described(found.text)) for found in listing(db)]


# --- how the offers reach zsh and fish ------------------------------------------------------


class _Zsh(ZshComplete):
    """Typer's zsh completion with its descriptions kept as they are written. Typer reads them as
    Rich markup (importing Rich on each <TAB>, dropping "[draft]" from a title and failing on one
    holding "[/draft]"), and its quoting loses every ' and " of a title."""

    def format_completion(self, item: CompletionItem) -> str:
        if item.help:
            return f'"{_zsh_quoted(item.value)}":"{_zsh_quoted(item.help)}"'
        return f'"{_zsh_quoted(item.value)}"'


def _zsh_quoted(text: str) -> str:
    """``text`` for a double-quoted word of ``_arguments '*: :((...))'``, which zsh reads three
    times: the script's eval (inside single quotes), the word in double quotes, then the colon
    that parts a value from its description (escaped)."""
    for plain, quoted in (("\\", "\\\\\\\\"), ('"', '\\"'), ("$", "\\$"), ("`", "\\`"), (":", "\\\\:")):
        text = text.replace(plain, quoted)
    return text.replace("'", "'\\''")


class _Fish(FishComplete):
    """Typer's fish completion, its descriptions kept as plain text (see ``_Zsh``)."""

    def format_completion(self, item: CompletionItem) -> str:
        if item.help:
            return f"{item.value}\t{_SPACE.sub(' ', item.help)}"
        return f"{item.value}"


def plain_descriptions() -> None:
    """Answer zsh and fish with ``_Zsh`` and ``_Fish``: called once Typer has registered its own."""
    add_completion_class(_Zsh, "zsh")
    add_completion_class(_Fish, "fish")
