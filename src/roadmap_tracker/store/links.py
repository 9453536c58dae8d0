"""Links in the store: work attached to an item, or to the roadmap when ``item_id`` is NULL."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import NamedTuple

from ..clock import utc_stamp
from . import records
from .items import ROADMAP_ID, key_of, refs
from .records import Stamp

_UPDATABLE = ("kind", "title", "note")


class Link(NamedTuple):
    id: int
    item_id: int | None  # None: attached to the roadmap as a whole
    ref: str | None
    item_title: str | None
    target: str
    is_path: bool
    kind: str
    title: str | None
    note: str | None
    added_at: str
    checked_at: str | None = None
    status: int | None = None
    final_url: str | None = None
    redirects: int | None = None
    elapsed: float | None = None
    error: str | None = None

    @property
    def ok(self) -> bool | None:
        """None until checked; a path is fine when it exists, an address when it answers 2xx/3xx."""
        if self.checked_at is None:
            return None
        if self.is_path:
            return self.error is None
        return self.error is None and self.status is not None and 200 <= self.status < 400

    def to_dict(self) -> dict:
        return {**self._asdict(), "ok": self.ok}


def _links(db: sqlite3.Connection, where: str, params: tuple) -> list[Link]:
    rows = db.execute(
        f"""SELECT l.*, i.title AS i_title FROM link l LEFT JOIN item i ON i.id = l.item_id {where} ORDER BY l.id""",
        params,
    ).fetchall()
    shown = refs(db, [r["item_id"] for r in rows if r["item_id"] is not None])
    return [
        Link(
            r["id"],
            r["item_id"],
            shown.get(r["item_id"]),
            r["i_title"],
            r["target"],
            bool(r["is_path"]),
            r["kind"],
            r["title"],
            r["note"],
            r["added_at"],
            r["checked_at"],
            r["check_status"],
            r["check_final_url"],
            r["check_redirects"],
            r["check_elapsed"],
            r["check_error"],
        )
        for r in rows
    ]


def link(db: sqlite3.Connection, link_id: int) -> Link | None:
    found = _links(db, "WHERE l.id = ?", (link_id,))
    return found[0] if found else None


def find(db: sqlite3.Connection, item_id: int | None, target: str) -> Link | None:
    """The link to ``target`` on that item (None: on the roadmap)."""
    found = _links(db, "WHERE l.item_id IS ? AND l.target = ?", (item_id, target))
    return found[0] if found else None


def add(
    db: sqlite3.Connection,
    item_id: int | None,
    target: str,
    is_path: bool,
    kind: str,
    title: str | None,
    note: str | None,
    *,
    stamp: Stamp | None = None,
) -> int:
    if stamp is None:
        item = key_of(db, item_id) if item_id is not None else None
        stamp = records.stamp(db, "link", item=item, target=target, path=is_path, kind=kind, title=title, note=note)
    uid, at = (stamp.uid, stamp.clock) if stamp else (None, utc_stamp())
    cur = db.execute(
        "INSERT INTO link (item_id, target, is_path, kind, title, note, added_at, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (item_id, target, is_path, kind, title, note, at, uid),
    )
    return cur.lastrowid


def uid_of(db: sqlite3.Connection, link_id: int) -> str | None:
    row = db.execute("SELECT uid FROM link WHERE id = ?", (link_id,)).fetchone()
    return row[0] if row else None


def by_uid(db: sqlite3.Connection, uid: str) -> int | None:
    """The link a record made, or found already there."""
    row = db.execute(
        "SELECT id FROM link WHERE uid = ?1 UNION ALL SELECT link_id FROM link_alias WHERE uid = ?1 LIMIT 1", (uid,)
    ).fetchone()
    return row[0] if row else None


def add_alias(db: sqlite3.Connection, uid: str, link_id: int) -> None:
    db.execute("INSERT OR REPLACE INTO link_alias (uid, link_id) VALUES (?, ?)", (uid, link_id))


def update(db: sqlite3.Connection, link_id: int, values: dict[str, str | None], *, recorded: bool = False) -> None:
    """Set some of a link's kind, title and note (None clears one)."""
    for name, value in values.items():
        if name not in _UPDATABLE:
            raise ValueError(f"a link's {name} cannot be changed")
        db.execute(f"UPDATE link SET {name} = ? WHERE id = ?", (value, link_id))
    if not recorded:
        records.stamp(db, "link-edit", link=uid_of(db, link_id), **{k: v or "" for k, v in values.items()})


def delete(db: sqlite3.Connection, link_id: int, *, recorded: bool = False) -> None:
    if not recorded:
        records.stamp(db, "unlink", link=uid_of(db, link_id))
    db.execute("DELETE FROM link_alias WHERE link_id = ?", (link_id,))
    db.execute("DELETE FROM link WHERE id = ?", (link_id,))


def listing(
    db: sqlite3.Connection, *, under: int | None = None, roadmap: bool = False, kind: str | None = None
) -> list[Link]:
    """Every link; or those of item ``under`` and the items beneath it; or (``roadmap``) the roadmap's own."""
    clauses, params = [], []
    if roadmap:
        clauses.append("l.item_id IS NULL")
    elif under is not None:
        clauses.append("""l.item_id IN (WITH RECURSIVE below(id) AS (
            SELECT ? UNION SELECT i.id FROM item i JOIN below b ON i.parent_id = b.id) SELECT id FROM below)""")
        params.append(under)
    if kind:
        clauses.append("l.kind = ?")
        params.append(kind)
    return _links(db, ("WHERE " + " AND ".join(clauses)) if clauses else "", tuple(params))


def by_item(db: sqlite3.Connection, item_ids: list[int]) -> dict[int, list[Link]]:
    """The links of each of these items."""
    out: dict[int, list[Link]] = {}
    found = _links(db, "WHERE l.item_id IN (SELECT value FROM json_each(?))", (json.dumps(item_ids),))
    for one in found:
        out.setdefault(one.item_id, []).append(one)
    return out


def record_check(
    db: sqlite3.Connection,
    link_id: int,
    status: int | None,
    final_url: str | None,
    redirects: int | None,
    elapsed: float,
    error: str | None,
    *,
    checked_at: str | None = None,
    stamp: Stamp | None = None,
) -> None:
    """Keep a check's result on its link; ``checked_at`` only for a check made without history."""
    if stamp is None:
        stamp = records.stamp(
            db,
            "link-check",
            link=uid_of(db, link_id),
            status=status,
            final_url=final_url,
            redirects=redirects,
            elapsed=elapsed,
            error=error,
        )
    checked_at = stamp.clock if stamp else (checked_at or utc_stamp())
    db.execute(
        """UPDATE link SET checked_at = ?, check_status = ?, check_final_url = ?, check_redirects = ?,
               check_elapsed = ?, check_error = ? WHERE id = ?""",
        (checked_at, status, final_url, redirects, elapsed, error, link_id),
    )


def added_between(db: sqlite3.Connection, start: date, end: date) -> list[tuple[Link, str]]:
    """Links added in the period (by the local day they were added), with that day."""
    rows = db.execute(
        "SELECT id, date(added_at, 'localtime') AS day FROM link WHERE date(added_at, 'localtime') BETWEEN ? AND ? "
        "ORDER BY id",
        (start.isoformat(), end.isoformat()),
    ).fetchall()
    days = {r["id"]: r["day"] for r in rows}
    found = _links(db, "WHERE l.id IN (SELECT value FROM json_each(?))", (json.dumps(list(days)),))
    return [(one, days[one.id]) for one in found]


# --- what deliverables count ---------------------------------------------------------


def done_projects(db: sqlite3.Connection, link_kind: str | None = None) -> list[int]:
    """Ids of live mini projects that are done (and carry a link of ``link_kind``, when given)."""
    sql = f"""SELECT i.id FROM item i WHERE i.roadmap_id = {ROADMAP_ID} AND i.kind = 'project'
              AND i.archived_at IS NULL AND i.state = 'done'"""
    params: tuple = ()
    if link_kind:
        sql += " AND EXISTS (SELECT 1 FROM link l WHERE l.item_id = i.id AND l.kind = ?)"
        params = (link_kind,)
    return [r[0] for r in db.execute(sql + " ORDER BY i.seq", params)]


def of_kind(db: sqlite3.Connection, kind: str) -> list[int]:
    """Ids of links of ``kind`` on live items or on the roadmap."""
    return [
        r[0]
        for r in db.execute(
            """SELECT l.id FROM link l LEFT JOIN item i ON i.id = l.item_id
               WHERE l.kind = ? AND (l.item_id IS NULL OR i.archived_at IS NULL) ORDER BY l.id""",
            (kind,),
        )
    ]


def attached_to(db: sqlite3.Connection, item_id: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM link WHERE item_id = ? ORDER BY id", (item_id,))]


def projects_with_kind(db: sqlite3.Connection, kind: str) -> list[tuple[int, bool]]:
    """(id, has a link of ``kind``) for every live mini project, in roadmap order."""
    rows = db.execute(
        f"""SELECT i.id, EXISTS (SELECT 1 FROM link l WHERE l.item_id = i.id AND l.kind = ?) FROM item i
            WHERE i.roadmap_id = {ROADMAP_ID} AND i.kind = 'project' AND i.archived_at IS NULL ORDER BY i.seq""",
        (kind,),
    )
    return [(r[0], bool(r[1])) for r in rows]


def by_ids(db: sqlite3.Connection, link_ids: list[int]) -> list[Link]:
    found = {
        one.id: one for one in _links(db, "WHERE l.id IN (SELECT value FROM json_each(?))", (json.dumps(link_ids),))
    }
    return [found[i] for i in link_ids if i in found]
