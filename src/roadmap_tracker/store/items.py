"""The plan as the store holds it: the roadmap's header and its items, with their references.

Every other package asks here for items; none of them sees the ``item`` table. An item is
*live* while roadmap.yaml has it, *archived* once it was removed (its history stays).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from ..clock import today
from ..dates import Calendar
from ..plan.outline import COUNTED_KINDS, KIND_LETTER

ROADMAP_ID = 1  # one plan per store
_COLUMNS = "id, key, kind, title, url, body, extra, parent_id, step_id, position, seq, archived_at, state, state_day"
_LIVE = "archived_at IS NULL"


class Header(NamedTuple):
    """The plan's own settings, as last synced from roadmap.yaml."""

    title: str
    source: str
    started: date | None
    week_starts: str
    notes_dir: str
    date_order: str | None  # "dmy" or "mdy": how an ambiguous 12/11/2026 reads; None refuses it


class TrackedItem(NamedTuple):
    """A step, resource, mini project, reflection question or deliverable, with its short reference."""

    id: int
    key: str
    kind: str
    title: str
    url: str | None
    body: str | None
    extra: str | None  # a deliverable's settings, as JSON
    parent_id: int | None
    step_id: int | None
    position: int
    seq: int
    archived_at: str | None  # when it left roadmap.yaml
    state: str
    day: str | None  # the day of its latest state change
    ref: str

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def settings(self) -> dict:
        return json.loads(self.extra) if self.extra else {}


# --- the header ---------------------------------------------------------------------


def header(db: sqlite3.Connection) -> Header | None:
    row = db.execute(
        "SELECT title, source, started, week_starts, notes_dir, date_order FROM roadmap WHERE id = ?", (ROADMAP_ID,)
    ).fetchone()
    if row is None:
        return None
    started = date.fromisoformat(row["started"]) if row["started"] else None
    return Header(row["title"], row["source"], started, row["week_starts"], row["notes_dir"], row["date_order"])


def calendar(db: sqlite3.Connection) -> Calendar:
    """The roadmap's weeks. Before the first sync has set a start, week 1 is this week."""
    found = header(db)
    if found is None:
        return Calendar(today())
    return Calendar(found.started or today(), found.week_starts)


# --- references -----------------------------------------------------------------------


def _by_ids(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, sqlite3.Row]:
    wanted = json.dumps(sorted(set(ids)))
    rows = db.execute(f"SELECT {_COLUMNS} FROM item WHERE id IN (SELECT value FROM json_each(?))", (wanted,))
    return {r["id"]: r for r in rows}


def refs(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, str]:
    """The short reference of each item: `3`, `3.p2`, `3.p2.1` or `d1`; its key when archived.

    One query per level of nesting, whatever the number of items."""
    rows = _ref_rows(db, ids)
    return _refs_of(db, rows, list(rows))


# What a reference is made of: (id, kind, position, archived, key, parent id).
_REF_COLUMNS = "id, kind, position, archived_at IS NOT NULL, key, parent_id"


def _ref_rows(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, tuple]:
    # Plain tuples: a report over years asks the references of 100,000 items, and a
    # sqlite3.Row read by name costs more than the query.
    cursor = db.cursor()
    cursor.row_factory = None
    wanted = json.dumps(sorted(set(ids)))
    rows = cursor.execute(f"SELECT {_REF_COLUMNS} FROM item WHERE id IN (SELECT value FROM json_each(?))", (wanted,))
    return {r[0]: r for r in rows}


def _refs_of(db: sqlite3.Connection, rows: dict[int, tuple], ids: list[int]) -> dict[int, str]:
    while True:
        missing = {r[5] for r in rows.values() if not r[3] and r[5] is not None and r[5] not in rows}
        if not missing:
            break
        rows.update(_ref_rows(db, missing))
    out: dict[int, str] = {}

    def ref(item_id: int) -> str:
        if item_id not in out:
            _, kind, position, archived, key, parent_id = rows[item_id]
            if archived:
                out[item_id] = key
            elif kind == "step":
                out[item_id] = str(position)
            elif kind == "deliverable":
                out[item_id] = f"d{position}"
            else:
                parent = rows[parent_id]
                out[item_id] = (
                    f"{parent[2]}.{KIND_LETTER[kind]}{position}"
                    if parent[1] == "step"
                    else f"{ref(parent_id)}.{position}"
                )
        return out[item_id]

    return {i: ref(i) for i in ids}


def _tracked(db: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[TrackedItem]:
    parts = {
        r["id"]: (r["id"], r["kind"], r["position"], r["archived_at"] is not None, r["key"], r["parent_id"])
        for r in rows
    }
    shown = _refs_of(db, parts, list(parts))
    return [
        TrackedItem(
            r["id"],
            r["key"],
            r["kind"],
            r["title"],
            r["url"],
            r["body"],
            r["extra"],
            r["parent_id"],
            r["step_id"],
            r["position"],
            r["seq"],
            r["archived_at"],
            r["state"],
            r["state_day"],
            shown[r["id"]],
        )
        for r in rows
    ]


# --- finding items ------------------------------------------------------------------


def items(db: sqlite3.Connection, ids: Iterable[int]) -> list[TrackedItem]:
    """Those items, in the order asked for (each once)."""
    ids = list(dict.fromkeys(ids))
    rows = _by_ids(db, ids)
    return _tracked(db, [rows[i] for i in ids if i in rows])


def item(db: sqlite3.Connection, item_id: int) -> TrackedItem:
    return items(db, [item_id])[0]


def _one(db: sqlite3.Connection, where: str, params: tuple) -> TrackedItem | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM item WHERE roadmap_id = {ROADMAP_ID} AND {where}", params).fetchone()
    return _tracked(db, [row])[0] if row else None


def key_of(db: sqlite3.Connection, item_id: int) -> str:
    return db.execute("SELECT key FROM item WHERE id = ?", (item_id,)).fetchone()[0]


def ids_by_key(db: sqlite3.Connection) -> dict[str, int]:
    """Every item's row id by its id in the plan, archived ones included."""
    return dict(db.execute("SELECT key, id FROM item WHERE roadmap_id = ?", (ROADMAP_ID,)).fetchall())


def id_of_key(db: sqlite3.Connection, key: str) -> int | None:
    row = db.execute("SELECT id FROM item WHERE roadmap_id = ? AND key = ?", (ROADMAP_ID, key)).fetchone()
    return row[0] if row else None


def by_key(db: sqlite3.Connection, key: str, *, archived: bool = False) -> TrackedItem | None:
    """The item with this id in roadmap.yaml; with ``archived``, a removed one too."""
    return _one(db, "key = ?" + ("" if archived else f" AND {_LIVE}"), (key,))


def step_at(db: sqlite3.Connection, position: int) -> TrackedItem | None:
    return _one(db, f"{_LIVE} AND kind = 'step' AND position = ?", (position,))


def deliverable_at(db: sqlite3.Connection, position: int) -> TrackedItem | None:
    return _one(db, f"{_LIVE} AND kind = 'deliverable' AND position = ?", (position,))


def child_at(db: sqlite3.Connection, parent_id: int, kind: str, position: int) -> TrackedItem | None:
    return _one(db, f"{_LIVE} AND parent_id = ? AND kind = ? AND position = ?", (parent_id, kind, position))


def titles(db: sqlite3.Connection, *, archived: bool = False) -> list[tuple[int, str]]:
    """(id, title) of every item, in roadmap order, to match what a person typed."""
    where = "" if archived else f"AND {_LIVE}"
    return [
        tuple(r)
        for r in db.execute(f"SELECT id, title FROM item WHERE roadmap_id = ? {where} ORDER BY seq", (ROADMAP_ID,))
    ]


def live_items(
    db: sqlite3.Connection, *, kinds: Iterable[str] | None = None, step_id: int | None = None
) -> list[TrackedItem]:
    """Items roadmap.yaml has now, in roadmap order; narrowed to some kinds, or to one step's."""
    # (+roadmap_id: found by kind or step, not by the (roadmap_id, key) index, which holds every item.)
    where, params = [_LIVE, "+roadmap_id = ?"], [ROADMAP_ID]
    if kinds is not None:
        where.append("kind IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(kinds)))
    if step_id is not None:
        where.append("step_id = ?")
        params.append(step_id)
    rows = db.execute(f"SELECT {_COLUMNS} FROM item WHERE {' AND '.join(where)} ORDER BY seq", params).fetchall()
    return _tracked(db, rows)


def archived_items(db: sqlite3.Connection) -> list[TrackedItem]:
    """Items removed from roadmap.yaml that carry progress, in the order they had."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM item WHERE roadmap_id = ? AND archived_at IS NOT NULL AND state_day IS NOT NULL "
        "ORDER BY seq",
        (ROADMAP_ID,),
    ).fetchall()
    return _tracked(db, rows)


def step_of(db: sqlite3.Connection, item: TrackedItem) -> TrackedItem:
    """The step an item belongs to (a step is its own)."""
    return item if item.kind == "step" else items(db, [item.step_id])[0]


def first_titled(db: sqlite3.Connection, title: str) -> TrackedItem | None:
    """The first live item inside a step whose title is exactly ``title`` (ASCII case aside)."""
    return _one(db, f"{_LIVE} AND lower(title) = lower(?) AND step_id IS NOT NULL ORDER BY seq LIMIT 1", (title,))


def step_titled(db: sqlite3.Connection, title: str) -> TrackedItem | None:
    """The live step with this title, else the archived one last used."""
    return _one(db, "kind = 'step' AND title = ? ORDER BY archived_at IS NOT NULL, archived_at DESC LIMIT 1", (title,))


def current_step(db: sqlite3.Connection) -> TrackedItem | None:
    """The step being worked on: the first one in progress (marked so, or with an item started,
    done or skipped), else the first still to do; None when every step is done or skipped."""
    counted = json.dumps(list(COUNTED_KINDS))
    return _one(
        db,
        f"""{_LIVE} AND kind = 'step' AND (state = 'in_progress' OR (state = 'todo' AND EXISTS (
               SELECT 1 FROM item i WHERE i.step_id = item.id AND i.id != item.id AND i.archived_at IS NULL
                 AND i.kind IN (SELECT value FROM json_each(?)) AND i.state != 'todo')))
            ORDER BY position LIMIT 1""",
        (counted,),
    ) or _one(db, f"{_LIVE} AND kind = 'step' AND state = 'todo' ORDER BY position LIMIT 1", ())


def kind_counts(db: sqlite3.Connection) -> dict[str, int]:
    """How many live items of each kind the roadmap has."""
    return dict(db.execute(f"SELECT kind, COUNT(*) FROM item WHERE {_LIVE} GROUP BY kind").fetchall())
