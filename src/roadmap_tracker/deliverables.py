"""Counting deliverables by the rule each one declares in roadmap.yaml.

Rules:
  done-projects  mini projects that are done (and, with link_kind, carry a link of that kind)
  links          links of kind link_kind anywhere in the roadmap
  attached       links or files attached to the deliverable itself
  checked        1 once the deliverable itself is checked
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field


def _done_projects(db: sqlite3.Connection, link_kind: str | None) -> list[int]:
    sql = """SELECT i.id FROM item i WHERE i.roadmap_id = 1 AND i.kind = 'project'
              AND i.archived_at IS NULL AND i.state = 'done'"""
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
    state = db.execute("SELECT state FROM item WHERE id = ?", (item_id,)).fetchone()
    return [item_id] if state and state[0] == "done" else []


def count_all(db: sqlite3.Connection, deliverables: list[tuple[int, dict]]) -> dict[int, int]:
    return {item_id: len(counted(db, item_id, settings)) for item_id, settings in deliverables}


# --- what counted and what is missing, for `roadmap deliverables` -----------

def _nouns(rule: str, kind: str | None) -> tuple[str, str]:
    if rule == "done-projects":
        return "done mini project", "done mini projects"
    if rule == "attached":
        return "link or file", "links or files"
    return f"{kind} link", f"{kind} links"


@dataclass
class Counted:
    ref: str | None  # None: the roadmap as a whole
    title: str
    done: str | None  # the day a project or deliverable was done
    links: list = field(default_factory=list)  # links.Link


@dataclass
class DeliverableReport:
    number: int
    id: str
    title: str
    rule: str
    link_kind: str | None
    count: int
    target: int
    max: int | None
    counted: list[Counted]
    missing: str | None  # what would reach the target; None once reached
    near_misses: list[str]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["counted"] = [{**asdict(c), "links": [link.to_dict() for link in c.links]} for c in self.counted]
        return data


def report(db: sqlite3.Connection) -> list[DeliverableReport]:
    """Each deliverable with what counted toward it and what is still missing."""
    rows = db.execute(
        "SELECT id, key, title, position, extra FROM item "
        "WHERE roadmap_id = 1 AND kind = 'deliverable' AND archived_at IS NULL ORDER BY position").fetchall()
    return [_report(db, r, json.loads(r["extra"])) for r in rows]


def _report(db: sqlite3.Connection, row: sqlite3.Row, settings: dict) -> DeliverableReport:
    from .links import links_by_item, load
    from .refs import load as load_item

    rule, kind, ref = settings["rule"], settings.get("link_kind"), f"d{row['position']}"
    ids = counted(db, row["id"], settings)
    near: list[str] = []
    if rule in ("links", "attached"):
        entries = [Counted(link.ref, link.item_title or "the roadmap", None, [link])
                   for link in (load(db, i) for i in ids)]
    else:
        days = _done_days(db, ids)
        by_item = links_by_item(db, ids)
        entries = [Counted(item.ref, item.title, days.get(item.id), by_item.get(item.id, []))
                   for item in (load_item(db, i) for i in ids)]
        if rule == "done-projects" and kind:
            near = _near_misses(db, kind, set(ids))
    need = settings["target"] - len(ids)
    missing = None
    if need > 0 and rule == "checked":
        missing = f"not checked off yet (`roadmap check {ref}` once it is finished)"
    elif need > 0:
        one, many = _nouns(rule, kind)
        missing = f"{need} more {one if need == 1 else many}"
        if rule == "done-projects" and kind:
            missing += f" with a{'n' if kind[0] in 'aeiou' else ''} {kind} link"
        elif rule == "attached":
            missing += f" attached to {ref}"
    return DeliverableReport(row["position"], row["key"], row["title"], rule, kind, len(ids), settings["target"],
                             settings.get("max"), entries, missing, near)


def _done_days(db: sqlite3.Connection, item_ids: list[int]) -> dict[int, str]:
    return {i: db.execute("SELECT state_day FROM item WHERE id = ?", (i,)).fetchone()[0] for i in item_ids}


def _near_misses(db: sqlite3.Connection, kind: str, counted_ids: set[int]) -> list[str]:
    """Done projects that lack the link, and linked projects that are not done."""
    from .refs import ref_for

    rows = db.execute(
        """SELECT i.id, i.key, i.kind, i.title, i.position, i.parent_id, i.archived_at, i.state,
                   EXISTS (SELECT 1 FROM link l WHERE l.item_id = i.id AND l.kind = ?) AS linked
            FROM item i WHERE i.roadmap_id = 1 AND i.kind = 'project' AND i.archived_at IS NULL
            ORDER BY i.seq""", (kind,)).fetchall()
    a = "an" if kind[0] in "aeiou" else "a"
    out = []
    for r in rows:
        if r["id"] in counted_ids or r["state"] == "skipped":
            continue
        if r["state"] == "done":
            out.append(f"{ref_for(db, r)} {r['title']} is done but has no {kind} link")
        elif r["linked"]:
            out.append(f"{ref_for(db, r)} {r['title']} has {a} {kind} link but is not done yet")
    return out
