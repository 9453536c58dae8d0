"""Item references a person can type: `3`, `3.p2`, `d1`, a full id, or a title fragment."""

from __future__ import annotations

import difflib
import re
import sqlite3
from dataclasses import dataclass

from .errors import AmbiguousItem, UnknownItem
from .outline import KIND_LETTER, LETTER_KIND

_POSITIONAL = re.compile(r"^(\d+)(?:\.([a-z])(\d+)((?:\.\d+)*))?$", re.IGNORECASE)
_DELIVERABLE = re.compile(r"^d(\d+)$", re.IGNORECASE)
_COLUMNS = "id, key, kind, title, url, body, parent_id, step_id, position, archived_at"


@dataclass(frozen=True)
class Item:
    id: int
    key: str
    kind: str
    title: str
    url: str | None
    body: str | None
    parent_id: int | None
    step_id: int | None
    position: int
    archived: bool
    ref: str


def _item(row: sqlite3.Row, ref: str) -> Item:
    return Item(row["id"], row["key"], row["kind"], row["title"], row["url"], row["body"],
                row["parent_id"], row["step_id"], row["position"], row["archived_at"] is not None, ref)


def ref_for(db: sqlite3.Connection, row: sqlite3.Row) -> str:
    """The short reference of an item: `3`, `3.p2`, `3.p2.1` or `d1`; its key when archived."""
    if row["archived_at"] is not None:
        return row["key"]
    if row["kind"] == "step":
        return str(row["position"])
    if row["kind"] == "deliverable":
        return f"d{row['position']}"
    parent = db.execute(f"SELECT {_COLUMNS} FROM item WHERE id = ?", (row["parent_id"],)).fetchone()
    if parent["kind"] == "step":
        return f"{parent['position']}.{KIND_LETTER[row['kind']]}{row['position']}"
    return f"{ref_for(db, parent)}.{row['position']}"


def load(db: sqlite3.Connection, item_id: int) -> Item:
    row = db.execute(f"SELECT {_COLUMNS} FROM item WHERE id = ?", (item_id,)).fetchone()
    return _item(row, ref_for(db, row))


def resolve(db: sqlite3.Connection, text: str, *, archived: bool = False) -> Item:
    """Find exactly one item, or raise UnknownItem / AmbiguousItem naming the candidates."""
    text = text.strip()
    row = _positional(db, text)
    if row is None:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM item WHERE roadmap_id = 1 AND key = ? "
            + ("" if archived else "AND archived_at IS NULL"), (text,)).fetchone()
    if row is not None:
        return _item(row, ref_for(db, row))
    return _by_title(db, text, archived)


def _positional(db: sqlite3.Connection, text: str) -> sqlite3.Row | None:
    active = f"SELECT {_COLUMNS} FROM item WHERE roadmap_id = 1 AND archived_at IS NULL AND "
    if m := _DELIVERABLE.match(text):
        row = db.execute(active + "kind = 'deliverable' AND position = ?", (int(m[1]),)).fetchone()
        if row is None:
            raise UnknownItem(f"no deliverable {text}", hint="`roadmap status` lists them")
        return row
    m = _POSITIONAL.match(text)
    if not m:
        return None
    row = db.execute(active + "kind = 'step' AND position = ?", (int(m[1]),)).fetchone()
    if row is None:
        raise UnknownItem(f"no step {m[1]}", hint="`roadmap status` lists the steps")
    if m[2] is None:
        return row
    kind = LETTER_KIND.get(m[2].lower())
    if kind is None:
        raise UnknownItem(f"{text!r}: unknown item letter {m[2]!r}", hint="use r (resource), p (project) or q (question)")
    path = [int(m[3])] + [int(p) for p in m[4].split(".") if p]
    for position in path:
        parent = row
        row = db.execute(active + "parent_id = ? AND kind = ? AND position = ?",
                         (parent["id"], kind, position)).fetchone()
        if row is None:
            raise UnknownItem(f"no item {text}", hint=f"`roadmap show {m[1]}` lists the items of step {m[1]}")
    return row


def _by_title(db: sqlite3.Connection, text: str, archived: bool) -> Item:
    needle = text.casefold()
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM item WHERE roadmap_id = 1 "
        + ("" if archived else "AND archived_at IS NULL ") + "ORDER BY seq").fetchall()
    exact = [r for r in rows if r["title"].casefold() == needle]
    found = exact or [r for r in rows if needle in r["title"].casefold()]
    if len(found) == 1:
        return _item(found[0], ref_for(db, found[0]))
    if not found:
        close = difflib.get_close_matches(text, [r["title"] for r in rows], n=3, cutoff=0.5)
        hint = ("did you mean: " + "; ".join(close)) if close else "use a step number like 3, a reference like 3.p2, an id, or part of a title"
        raise UnknownItem(f"no item matches {text!r}", hint=hint)
    shown = [f"{ref_for(db, r)} {r['title']}" for r in found[:8]]
    more = f"; and {len(found) - 8} more" if len(found) > 8 else ""
    raise AmbiguousItem(f"{text!r} matches {len(found)} items: " + "; ".join(shown) + more,
                        hint="use the reference or more of the title")


def step_key_of(db: sqlite3.Connection, item: Item) -> str:
    """The key of the step an item belongs to (a step's own key)."""
    if item.kind == "step":
        return item.key
    return db.execute("SELECT key FROM item WHERE id = ?", (item.step_id,)).fetchone()[0]
