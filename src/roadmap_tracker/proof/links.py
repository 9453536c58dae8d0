"""Links: the work a learner attaches to an item, or to the roadmap as a whole.

A link is an http(s) address, stored in its normalised spelling, or a path to
something inside the workspace, stored relative to the workspace root. Nothing
here prints; problems are raised as one-line ``UsageError`` subclasses.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadLink, NoNetwork, NoSuchLink, UsageError
from ..store import links as store
from ..store.connection import transaction
from ..store.items import TrackedItem
from ..store.links import Link
from ..urls import LINK_KINDS, host_warning, infer_kind, is_url, normalize_url

OVERALL_SECONDS = 60.0  # the whole check's bound, unless --timeout asks for more


@dataclass
class Added:
    link: Link
    created: bool
    inferred: bool = False  # the kind was guessed, so the user may want to correct it
    changes: list[str] = field(default_factory=list)  # what an update changed
    warning: str | None = None  # the address's host mixes scripts, so it is kept in punycode
    scheme_added: bool = False  # typed as a bare host (github.com/ada/repo): https:// was put before it


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
        return normalize_url(text), False
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
        raise BadLink(
            f"{text}: no such file or directory in the workspace {root} (a web address must start with https://)"
        )
    return full.relative_to(root).as_posix()


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in LINK_KINDS:
        raise BadLink(f"unknown kind {kind!r}; use one of: {', '.join(LINK_KINDS)}")


def _path_kind(path: str) -> str:
    return "notebook" if path.lower().endswith(".ipynb") else "other"


def _clean(text: str | None) -> str | None:
    # An empty --title "" clears the title, so None and "" must stay apart here.
    return None if text is None else text.strip()


def add(
    db: sqlite3.Connection,
    root: Path,
    item: TrackedItem | None,
    text: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    note: str | None = None,
    cwd: Path | None = None,
) -> Added:
    """Attach a link; the same link on the same item is updated instead of stored twice."""
    _check_kind(kind)
    scheme_added = _bare_address(root, text, cwd or Path.cwd())
    text = f"https://{text.strip()}" if scheme_added else text
    target, is_path = resolve_target(root, text, cwd=cwd)
    warning = None if is_path else host_warning(text)
    title, note = _clean(title), _clean(note)
    item_id = item.id if item else None
    with transaction(db):
        found = store.find(db, item_id, target)
        if found is not None:
            changes = _update(db, found, kind, title, note)
            return Added(
                store.link(db, found.id), created=False, changes=changes, warning=warning, scheme_added=scheme_added
            )
        guessed = kind or (_path_kind(target) if is_path else infer_kind(target))
        link_id = store.add(db, item_id, target, is_path, guessed, title or None, note or None)
    return Added(
        store.link(db, link_id), created=True, inferred=kind is None, warning=warning, scheme_added=scheme_added
    )


# A web address typed without its scheme: a host of dotted labels ending in letters, then a path
# (github.com/ada/repo), or a www. host. A file of the workspace by that name wins.
_BARE = re.compile(
    r"(?:www\.[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}(?:[:/?#]\S*)?|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}[:/]\S*)",
    re.IGNORECASE,
)


def _bare_address(root: Path, text: str, cwd: Path) -> bool:
    text = text.strip()
    if "://" in text or text.startswith("//") or not _BARE.fullmatch(text):
        return False
    try:
        _workspace_path(root, text, cwd, must_exist=True)
    except BadLink:
        return True
    return False


def _update(db: sqlite3.Connection, old: Link, kind, title, note) -> list[str]:
    changes, values = [], {}
    if kind is not None and kind != old.kind:
        changes.append(f"kind {old.kind} → {kind}")
        values["kind"] = kind
    for name, new in (("title", title), ("note", note)):
        before = getattr(old, name)
        if new is None or new == (before or ""):
            continue
        changes.append(f"{name} removed" if not new else f"{name} {'changed' if before else 'set'}")
        values[name] = new or None
    if values:
        store.update(db, old.id, values)
    return changes


def remove(db: sqlite3.Connection, root: Path, item: TrackedItem | None, text: str, *, cwd: Path | None = None) -> Link:
    """Delete one link of ``item`` (None: the roadmap), named by its number or its address/path."""
    item_id = item.id if item else None
    where = f"{item.ref} {item.title}" if item else "the roadmap"
    text = text.strip()
    with transaction(db):
        if text.isascii() and text.isdigit():
            found = store.link(db, int(text))
            if found is None:
                raise NoSuchLink(f"no link {text}", hint="`roadmap links` lists them with their numbers")
            if found.item_id != item_id:
                raise NoSuchLink(
                    f"link {text} is on {found.ref or 'the roadmap'}, not on {item.ref if item else 'the roadmap'}",
                    hint=f"`roadmap unlink {found.ref or '-'} {text}` removes it",
                )
        else:
            # A file that is gone can still be unlinked, so it need not exist.
            target, _ = resolve_target(root, text, cwd=cwd, must_exist=False)
            found = store.find(db, item_id, target)
            if found is None:
                raise NoSuchLink(
                    f"{where} has no link {target}", hint=f"`roadmap links {item.ref if item else '-'}` lists its links"
                )
        store.delete(db, found.id)
    return found


def list_links(
    db: sqlite3.Connection, *, item: TrackedItem | None = None, roadmap: bool = False, kind: str | None = None
) -> list[Link]:
    """Every link, or those of ``item`` and the items under it, or (roadmap=True) the roadmap's own."""
    _check_kind(kind)
    return store.listing(db, under=item.id if item else None, roadmap=roadmap, kind=kind)


def record_checks(db: sqlite3.Connection, results: list[tuple[int, object]], checked_at: str | None = None) -> None:
    """Cache check results (anything with CheckResult's fields) on their links, in one transaction."""
    with transaction(db):
        for link_id, r in results:
            store.record_check(
                db, link_id, r.status, r.final_url, r.redirects, round(r.elapsed, 3), r.error, checked_at=checked_at
            )


@dataclass(frozen=True)
class _PathCheck:
    error: str | None  # "missing", or None when the path exists
    status: int | None = None
    final_url: str | None = None
    redirects: int | None = None
    elapsed: float = 0.0


def check_timeout(timeout: float) -> None:
    """Seconds to wait for an address: more than none, and few enough to wait for (not inf, not nan)."""
    import math

    if not (math.isfinite(timeout) and 0 < timeout <= 600):
        raise UsageError(f"--timeout must be more than 0 and at most 600 seconds, not {timeout:g}")


def check(
    db: sqlite3.Connection, root: Path, links: list[Link], *, timeout: float = 10.0, overall: float | None = None
) -> CheckRun:
    """Check addresses over the network and paths on disk; cache and return the results.

    Raises NoNetwork when no address could be reached for lack of a network;
    path results are still recorded then, and addresses keep their last result.
    """
    check_timeout(timeout)
    from .linkcheck import check_links

    paths = [
        (link.id, _PathCheck(None if (root / link.target).exists() else "missing")) for link in links if link.is_path
    ]
    urls = [link for link in links if not link.is_path]
    try:
        results = check_links(
            [link.target for link in urls], timeout=timeout, overall=overall or max(OVERALL_SECONDS, 3 * timeout)
        )
    except NoNetwork:
        record_checks(db, paths)
        raise
    # The time limit says nothing about the link itself, so its last result stays.
    cut = {link.id for link, r in zip(urls, results) if r.status is None and (r.error or "").startswith("not checked")}
    record_checks(db, paths + [(link.id, r) for link, r in zip(urls, results) if link.id not in cut])
    after = store.by_ids(db, [link.id for link in links])
    return CheckRun(
        after,
        [link for link in after if link.id not in cut and link.ok is False],
        [link for link in after if link.id in cut],
    )
