"""Counting deliverables by the rule each one declares in roadmap.yaml.

Rules:
  done-projects  mini projects that are done (and, with link_kind, carry a link of that kind)
  links          links of kind link_kind anywhere in the roadmap
  attached       links or files attached to the deliverable itself
  checked        1 once the deliverable itself is checked
"""

from __future__ import annotations

import sqlite3

_LATEST = "(SELECT state FROM event WHERE item_id = {col} ORDER BY id DESC LIMIT 1)"


def _done_projects(db: sqlite3.Connection, link_kind: str | None) -> list[int]:
    sql = f"""SELECT i.id FROM item i WHERE i.roadmap_id = 1 AND i.kind = 'project'
              AND i.archived_at IS NULL AND {_LATEST.format(col='i.id')} = 'done'"""
    params: tuple = ()
    if link_kind:
        sql += " AND EXISTS (SELECT 1 FROM link l WHERE l.item_id = i.id AND l.kind = ?)"
        params = (link_kind,)
    return [r[0] for r in db.execute(sql + " ORDER BY i.seq", params)]


def _links_of_kind(db: sqlite3.Connection, kind: str) -> list[int]:
    return [r[0] for r in db.execute(
        """SELECT l.id FROM link l LEFT JOIN item i ON i.id = l.item_id
           WHERE l.kind = ? AND (l.item_id IS NULL OR i.archived_at IS NULL) ORDER BY l.id""", (kind,))]


def _attached(db: sqlite3.Connection, item_id: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM link WHERE item_id = ? ORDER BY id", (item_id,))]


def counted(db: sqlite3.Connection, item_id: int, settings: dict) -> list[int]:
    """Ids of what counts toward one deliverable: item ids for done-projects and
    checked, link ids for links and attached."""
    rule = settings["rule"]
    if rule == "done-projects":
        return _done_projects(db, settings.get("link_kind"))
    if rule == "links":
        return _links_of_kind(db, settings["link_kind"])
    if rule == "attached":
        return _attached(db, item_id)
    state = db.execute(_LATEST.format(col="?"), (item_id,)).fetchone()
    return [item_id] if state and state[0] == "done" else []


def count_all(db: sqlite3.Connection, deliverables: list[tuple[int, dict]]) -> dict[int, int]:
    return {item_id: len(counted(db, item_id, settings)) for item_id, settings in deliverables}
