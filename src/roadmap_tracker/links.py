"""Links: the work a learner attaches to an item, or to the roadmap as a whole.

A link is an http(s) address, stored in its normalised spelling, or a path to
something inside the workspace, stored relative to the workspace root. Nothing
here prints; problems are raised as one-line ``UsageError`` subclasses.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .db import transaction
from .errors import FAILURE, NOT_FOUND, RoadmapError, UsageError
from .refs import Item, ref_for
from .timestamps import utc_now
from .urls import KINDS, BadURL, infer_kind, is_url, normalize_url

OVERALL_SECONDS = 60.0  # the whole check's bound, unless --timeout asks for more


class BadLink(UsageError):
    """That link cannot be stored."""


class NoSuchLink(UsageError):
    """No link matches."""

    exit_code = NOT_FOUND


class Offline(RoadmapError):
    """No network: no address could be reached."""

    exit_code = FAILURE


@dataclass(frozen=True)
class Link:
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
        return {**asdict(self), "ok": self.ok}


@dataclass
class Added:
    link: Link
    created: bool
    inferred: bool = False  # the kind was guessed, so the user may want to correct it
    changes: list[str] = field(default_factory=list)  # what an update changed


@dataclass
class CheckRun:
    links: list[Link]  # as stored after the check
    broken: list[Link]
    unchecked: list[Link]  # cut off by the overall time limit; their last result is kept


def resolve_target(root: Path, text: str, *, cwd: Path | None = None, must_exist: bool = True) -> tuple[str, bool]:
    """(stored text, is_path) for what the user typed, or raise BadLink with the reason."""
    text = text.strip()
    if not text:
        raise BadLink("empty link; give an http(s) address or a path inside the workspace")
    if is_url(text):
        try:
            return normalize_url(text), False
        except BadURL as exc:
            raise BadLink(str(exc)) from None
    return _workspace_path(root, text, cwd or Path.cwd(), must_exist), True


def _workspace_path(root: Path, text: str, cwd: Path, must_exist: bool) -> str:
    root = root.resolve()
    path = Path(text).expanduser()
    if not path.is_absolute():
        # Inside the workspace a path reads as the shell completed it; from
        # elsewhere (--workspace) it can only mean a path in the workspace.
        here = cwd.resolve()
        path = (here if here == root or root in here.parents else root) / path
    full = path.resolve()
    if full != root and root not in full.parents:
        raise BadLink(f"{text}: outside the workspace {root}; link a file inside it, or an http(s) address")
    if full == root:
        raise BadLink(f"{text}: that is the workspace itself; link a file inside it")
    if must_exist and not full.exists():
        raise BadLink(f"{text}: no such file or directory in the workspace {root} "
                      "(a web address must start with https://)")
    return full.relative_to(root).as_posix()


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise BadLink(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")


def _path_kind(path: str) -> str:
    return "notebook" if path.lower().endswith(".ipynb") else "other"


def _clean(text: str | None) -> str | None:
    # An empty --title "" clears the title, so None and "" must stay apart here.
    return None if text is None else text.strip()


def add(db: sqlite3.Connection, root: Path, item: Item | None, text: str, *, kind: str | None = None,
        title: str | None = None, note: str | None = None, cwd: Path | None = None) -> Added:
    """Attach a link; the same link on the same item is updated instead of stored twice."""
    _check_kind(kind)
    target, is_path = resolve_target(root, text, cwd=cwd)
    title, note = _clean(title), _clean(note)
    item_id = item.id if item else None
    with transaction(db):
        row = db.execute("SELECT * FROM link WHERE item_id IS ? AND target = ?", (item_id, target)).fetchone()
        if row is not None:
            changes = _update(db, row, kind, title, note)
            return Added(load(db, row["id"]), created=False, changes=changes)
        guessed = kind or (_path_kind(target) if is_path else infer_kind(target))
        cur = db.execute(
            "INSERT INTO link (item_id, target, is_path, kind, title, note, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (item_id, target, is_path, guessed, title or None, note or None, utc_now()))
        link_id = cur.lastrowid
    return Added(load(db, link_id), created=True, inferred=kind is None)


def _update(db: sqlite3.Connection, row: sqlite3.Row, kind, title, note) -> list[str]:
    changes, values = [], {}
    if kind is not None and kind != row["kind"]:
        changes.append(f"kind {row['kind']} → {kind}")
        values["kind"] = kind
    for name, new in (("title", title), ("note", note)):
        if new is None or new == (row[name] or ""):
            continue
        changes.append(f"{name} removed" if not new else f"{name} {'changed' if row[name] else 'set'}")
        values[name] = new or None
    if values:
        assignments = ", ".join(f"{name} = ?" for name in values)
        db.execute(f"UPDATE link SET {assignments} WHERE id = ?", (*values.values(), row["id"]))
    return changes


def remove(db: sqlite3.Connection, root: Path, item: Item | None, text: str, *, cwd: Path | None = None) -> Link:
    """Delete one link of ``item`` (None: the roadmap), named by its number or its address/path."""
    item_id = item.id if item else None
    where = f"{item.ref} {item.title}" if item else "the roadmap"
    text = text.strip()
    with transaction(db):
        if text.isascii() and text.isdigit():
            row = db.execute("SELECT * FROM link WHERE id = ?", (int(text),)).fetchone()
            if row is None:
                raise NoSuchLink(f"no link {text}", hint="`roadmap links` lists them with their numbers")
            if row["item_id"] != item_id:
                owner = load(db, row["id"])
                raise NoSuchLink(f"link {text} is on {owner.ref or 'the roadmap'}, not on {item.ref if item else 'the roadmap'}",
                                 hint=f"`roadmap unlink {owner.ref or '-'} {text}` removes it")
        else:
            # A file that is gone can still be unlinked, so it need not exist.
            target, _ = resolve_target(root, text, cwd=cwd, must_exist=False)
            row = db.execute("SELECT * FROM link WHERE item_id IS ? AND target = ?", (item_id, target)).fetchone()
            if row is None:
                raise NoSuchLink(f"{where} has no link {target}",
                                 hint=f"`roadmap links {item.ref if item else '-'}` lists its links")
        link = load(db, row["id"])
        db.execute("DELETE FROM link WHERE id = ?", (row["id"],))
    return link


def load(db: sqlite3.Connection, link_id: int) -> Link:
    return _links(db, "WHERE l.id = ?", (link_id,))[0]


def list_links(db: sqlite3.Connection, *, item: Item | None = None, roadmap: bool = False,
               kind: str | None = None) -> list[Link]:
    """Every link, or those of ``item`` and the items under it, or (roadmap=True) the roadmap's own."""
    _check_kind(kind)
    clauses, params = [], []
    if roadmap:
        clauses.append("l.item_id IS NULL")
    elif item is not None:
        clauses.append("""l.item_id IN (WITH RECURSIVE under(id) AS (
            SELECT ? UNION SELECT i.id FROM item i JOIN under u ON i.parent_id = u.id) SELECT id FROM under)""")
        params.append(item.id)
    if kind:
        clauses.append("l.kind = ?")
        params.append(kind)
    return _links(db, ("WHERE " + " AND ".join(clauses)) if clauses else "", tuple(params))


def links_by_item(db: sqlite3.Connection, item_ids: list[int]) -> dict[int, list[Link]]:
    if not item_ids:
        return {}
    marks = ", ".join("?" * len(item_ids))
    out: dict[int, list[Link]] = {}
    for link in _links(db, f"WHERE l.item_id IN ({marks})", tuple(item_ids)):
        out.setdefault(link.item_id, []).append(link)
    return out


def _links(db: sqlite3.Connection, where: str, params: tuple) -> list[Link]:
    rows = db.execute(
        f"""SELECT l.*, i.id AS i_id, i.key, i.kind AS i_kind, i.title AS i_title, i.position, i.parent_id,
                   i.archived_at FROM link l LEFT JOIN item i ON i.id = l.item_id {where} ORDER BY l.id""",
        params).fetchall()
    refs: dict[int, str] = {}
    out = []
    for r in rows:
        ref = None
        if r["i_id"] is not None:
            if r["i_id"] not in refs:
                refs[r["i_id"]] = ref_for(db, {**dict(r), "kind": r["i_kind"]})
            ref = refs[r["i_id"]]
        out.append(Link(r["id"], r["item_id"], ref, r["i_title"], r["target"], bool(r["is_path"]), r["kind"],
                        r["title"], r["note"], r["added_at"], r["checked_at"], r["check_status"],
                        r["check_final_url"], r["check_redirects"], r["check_elapsed"], r["check_error"]))
    return out


def record_checks(db: sqlite3.Connection, results: list[tuple[int, object]], checked_at: str | None = None) -> None:
    """Cache check results (anything with CheckResult's fields) on their links, in one transaction."""
    checked_at = checked_at or utc_now()
    with transaction(db):
        for link_id, r in results:
            db.execute(
                """UPDATE link SET checked_at = ?, check_status = ?, check_final_url = ?, check_redirects = ?,
                       check_elapsed = ?, check_error = ? WHERE id = ?""",
                (checked_at, r.status, r.final_url, r.redirects, round(r.elapsed, 3), r.error, link_id))


@dataclass(frozen=True)
class _PathCheck:
    error: str | None  # "missing", or None when the path exists
    status: int | None = None
    final_url: str | None = None
    redirects: int | None = None
    elapsed: float = 0.0


def check(db: sqlite3.Connection, root: Path, links: list[Link], *, timeout: float = 10.0,
          overall: float | None = None) -> CheckRun:
    """Check addresses over the network and paths on disk; cache and return the results.

    Raises Offline when no address could be reached for lack of a network;
    path results are still recorded then, and addresses keep their last result.
    """
    if not timeout > 0:
        raise UsageError(f"--timeout must be more than 0 seconds, not {timeout:g}")
    from .linkcheck import NoNetwork, check_links

    paths = [(link.id, _PathCheck(None if (root / link.target).exists() else "missing"))
             for link in links if link.is_path]
    urls = [link for link in links if not link.is_path]
    try:
        results = check_links([link.target for link in urls], timeout=timeout,
                              overall=overall or max(OVERALL_SECONDS, 3 * timeout))
    except NoNetwork as exc:
        record_checks(db, paths)
        raise Offline(str(exc)) from None
    # The time limit says nothing about the link itself, so its last result stays.
    cut = {link.id for link, r in zip(urls, results) if r.status is None and (r.error or "").startswith("not checked")}
    record_checks(db, paths + [(link.id, r) for link, r in zip(urls, results) if link.id not in cut])
    after = [load(db, link.id) for link in links]
    return CheckRun(after, [link for link in after if link.id not in cut and link.ok is False],
                    [link for link in after if link.id in cut])
