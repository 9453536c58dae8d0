"""Counting deliverables by the rule each one declares in roadmap.yaml.

Rules:
  done-projects  mini projects that are done (and, with link_kind, carry a link of that kind)
  links          links of kind link_kind anywhere in the roadmap
  attached       links or files attached to the deliverable itself
  checked        1 once the deliverable itself is checked
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from ..store import items as store_items
from ..store import links as store_links
from ..store.items import TrackedItem
from ..store.links import Link

DELIVERABLE = ("deliverable",)


class DeliverableStatus(NamedTuple):
    number: int
    id: str
    title: str
    count: int
    target: int
    max: int | None
    rule: str


def counted(db: sqlite3.Connection, deliverable: TrackedItem) -> list[int]:
    """Ids of what counts toward one deliverable: item ids for done-projects and
    checked, link ids for links and attached."""
    settings = deliverable.settings
    rule = settings["rule"]
    if rule == "done-projects":
        return store_links.done_projects(db, settings.get("link_kind"))
    if rule == "links":
        return store_links.of_kind(db, settings["link_kind"])
    if rule == "attached":
        return store_links.attached_to(db, deliverable.id)
    return [deliverable.id] if deliverable.state == "done" else []


def counts(db: sqlite3.Connection) -> list[DeliverableStatus]:
    """Each deliverable with its count, for `roadmap status`."""
    out = []
    for d in store_items.live_items(db, kinds=DELIVERABLE):
        settings = d.settings
        out.append(
            DeliverableStatus(
                d.position,
                d.key,
                d.title,
                len(counted(db, d)),
                settings["target"],
                settings.get("max"),
                settings["rule"],
            )
        )
    return out


# --- what counted and what is missing, for `roadmap deliverables` -----------


def _nouns(rule: str, kind: str | None) -> tuple[str, str]:
    if rule == "done-projects":
        return "done mini project", "done mini projects"
    if rule == "attached":
        return "link or file", "links or files"
    return f"{kind} link", f"{kind} links"


class Counted(NamedTuple):
    ref: str | None  # None: the roadmap as a whole
    title: str
    done: str | None  # the day a project or deliverable was done
    links: list[Link]


class DeliverableReport(NamedTuple):
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
        data = self._asdict()
        data["counted"] = [{**c._asdict(), "links": [link.to_dict() for link in c.links]} for c in self.counted]
        return data


def report(db: sqlite3.Connection) -> list[DeliverableReport]:
    """Each deliverable with what counted toward it and what is still missing."""
    return [_report(db, d) for d in store_items.live_items(db, kinds=DELIVERABLE)]


def _report(db: sqlite3.Connection, d: TrackedItem) -> DeliverableReport:
    settings = d.settings
    rule, kind, ref = settings["rule"], settings.get("link_kind"), d.ref
    ids = counted(db, d)
    near: list[str] = []
    if rule in ("links", "attached"):
        entries = [
            Counted(link.ref, link.item_title or "the roadmap", None, [link]) for link in store_links.by_ids(db, ids)
        ]
    else:
        by_item = store_links.by_item(db, ids)
        entries = [
            Counted(item.ref, item.title, item.day, by_item.get(item.id, [])) for item in store_items.items(db, ids)
        ]
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
    return DeliverableReport(
        d.position,
        d.key,
        d.title,
        rule,
        kind,
        len(ids),
        settings["target"],
        settings.get("max"),
        entries,
        missing,
        near,
    )


def _near_misses(db: sqlite3.Connection, kind: str, counted_ids: set[int]) -> list[str]:
    """Done projects that lack the link, and linked projects that are not done."""
    projects = store_links.projects_with_kind(db, kind)
    linked = dict(projects)
    a = "an" if kind[0] in "aeiou" else "a"
    out = []
    for p in store_items.items(db, [i for i, _ in projects if i not in counted_ids]):
        if p.state == "skipped":
            continue
        if p.state == "done":
            out.append(f"{p.ref} {p.title} is done but has no {kind} link")
        elif linked[p.id]:
            out.append(f"{p.ref} {p.title} has {a} {kind} link but is not done yet")
    return out
