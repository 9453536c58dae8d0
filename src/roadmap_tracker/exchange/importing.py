"""`roadmap import`: a Markdown roadmap made into roadmap.yaml, and its ticked boxes into progress.

Where the plan goes decides what happens (a roadmap.yaml *is* a workspace, as everywhere else):
  - another file name: the YAML is written there and nothing else (``--force`` replaces a file);
  - a roadmap.yaml that does not exist yet: a new workspace around it, ticked boxes become progress;
  - an existing roadmap.yaml: merged by id (then by title), new steps, items and deliverables
    appended, the old file kept under .roadmap/backups/; progress is only ever added. A file that
    shares an id with fewer than half of its steps is refused rather than piled onto the plan; ``--replace``
    replaces the steps (and the deliverables, when the file has some) instead.
Nothing is written unless the resulting roadmap.yaml loads with the same loader every command uses.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..clock import file_stamp
from ..errors import UsageError, WorkspaceExists
from ..files import atomic_write
from ..plan.ids import slugify, unique
from ..plan.outline import ITEM_LISTS
from ..workspace import BACKUPS_DIR, ROADMAP_FILE, STORE_DIR


@dataclass
class Outcome:
    target: Path | None  # None: written to stdout
    mode: str  # "convert", "create", "merge" or "replace"
    steps: int = 0  # in the imported Markdown
    items: int = 0
    checked: int = 0
    skipped: int = 0
    in_progress: int = 0
    deliverables: int = 0
    new_steps: int = 0  # merge: what was added to the existing plan
    new_items: int = 0
    new_deliverables: int = 0
    recorded: int = 0  # done events written
    already_done: int = 0
    recorded_skipped: int = 0
    recorded_started: int = 0
    questions_ticked: int = 0  # ticked reflection questions: not progress, answers are
    backup: Path | None = None
    yaml: str = ""
    unplaced: list = field(default_factory=list)  # markdown.ledger.Unplaced, one per line left out
    warnings: list[str] = field(default_factory=list)


def read_markdown(path: Path) -> tuple[dict, dict[str, str], object]:
    from .markdown.reader import MAX_BYTES, import_markdown

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # refuse before reading a huge file into memory
            raise UsageError(f"{path} is {size / 2**20:.1f} MiB; the importer reads up to {MAX_BYTES // 2**20} MiB")
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from exc
    return import_markdown(raw, source=path.name)


def dump_yaml(data: dict) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1_000_000)


def validated(target: Path, text: str):
    """The plan as every command will load it; raises RoadmapFileError, so nothing is written."""
    from ..plan.roadmap_file import load_roadmap

    return load_roadmap(target, text)


def plan_data(roadmap) -> dict:
    """A loaded roadmap as plain data with only the keys its file set, for re-dumping."""
    return roadmap.model_dump(mode="python", exclude_unset=True)


def shorthand(data: dict) -> dict:
    """`- title: X` back to `- X`, as people write it."""

    def items(entries: list) -> list:
        out = []
        for e in entries:
            if isinstance(e, dict) and e.get("items"):
                e = {**e, "items": items(e["items"])}
            out.append(e["title"] if isinstance(e, dict) and set(e) == {"title"} else e)
        return out

    steps = [
        {k: items(v) if k in ITEM_LISTS else v for k, v in s.items() if not (k in ITEM_LISTS and not v)}
        for s in data["steps"]
    ]
    return {**data, "steps": steps}


# --- merging by id, then by title ------------------------------------------------


def _entry(e) -> dict:
    return {"title": e} if isinstance(e, str) else e


def _key(e: dict, step_key: str) -> str:
    return e.get("id") or f"{step_key}/{slugify(e['title'])}"


def merge(base: dict, imported: dict, taken: set[str]) -> tuple[dict, dict[str, str], int, int, int]:
    """``base`` with the steps, items and deliverables of ``imported`` it lacks appended.

    Returns the merged data, a map from the imported keys to the merged plan's keys (for the
    states), and the numbers of new steps, items and deliverables. ``taken`` holds every key in use.
    """
    merged = copy.deepcopy(base)
    keys: dict[str, str] = {}
    new_steps = new_items = new_deliverables = 0
    for step in imported["steps"]:
        ikey = step["id"]
        target = next((s for s in merged["steps"] if (s.get("id") or slugify(s["title"])) == ikey), None) or next(
            (s for s in merged["steps"] if s["title"].casefold() == step["title"].casefold()), None
        )
        if target is None:
            skey = unique(ikey, taken)
            target = {
                "id": skey,
                "title": step["title"],
                **({"objective": step["objective"]} if step.get("objective") else {}),
            }
            merged["steps"].append(target)
            new_steps += 1
        else:
            skey = target.get("id") or slugify(target["title"])
        keys[ikey] = skey
        for kind in ITEM_LISTS:
            if step.get(kind):
                new_items += _merge_items(target.setdefault(kind, []), step[kind], ikey, skey, taken, keys)
    have = merged.setdefault("deliverables", [])
    for wanted in imported.get("deliverables", []):
        ikey = wanted.get("id") or slugify(wanted["title"])
        match = next((d for d in have if (d.get("id") or slugify(d["title"])) == ikey), None) or next(
            (d for d in have if d["title"].casefold() == wanted["title"].casefold()), None
        )
        if match is None:
            key = unique(ikey, taken)
            match = {k: v for k, v in wanted.items() if k != "id"}
            match = {"id": key, **match} if key != slugify(wanted["title"]) else match
            have.append(match)
            new_deliverables += 1
        keys[ikey] = match.get("id") or slugify(match["title"])
    return merged, keys, new_steps, new_items, new_deliverables


def _merge_items(have: list, incoming: list, ikey: str, skey: str, taken: set[str], keys: dict) -> int:
    added = 0
    for raw in incoming:
        item = _entry(raw)
        own = _key(item, ikey)
        wanted = f"{skey}/{own.split('/', 1)[1]}" if "/" in own else own
        for n, e in enumerate(have):
            e = have[n] = _entry(e)
        match = next((e for e in have if _key(e, skey) == wanted), None) or next(
            (e for e in have if e["title"].casefold() == item["title"].casefold()), None
        )
        if match is None:
            key = unique(wanted, taken)
            match = {k: v for k, v in item.items() if k not in ("id", "items")}
            if key != f"{skey}/{slugify(item['title'])}":
                match = {"id": key, **match}  # only a key the title does not give needs spelling out
            have.append(match)
            added += 1
        keys[own] = _key(match, skey)
        if item.get("items"):
            added += _merge_items(match.setdefault("items", []), item["items"], ikey, skey, taken, keys)
    return added


# --- the workflow ------------------------------------------------------------------


def run(
    source: Path, target: Path | None, *, force: bool, day: date, db_path: Path | None, replace: bool = False
) -> Outcome:
    """Import ``source`` to ``target`` (None: stdout) and return what was done.

    ``force`` replaces an existing ``target`` that is not a workspace's roadmap.yaml; on a workspace
    it means ``replace`` (the steps are replaced), as it did before ``replace`` had its own name.
    """
    data, states, report = read_markdown(source)
    out = Outcome(
        target,
        "convert",
        report.steps,
        report.items,
        report.checked,
        report.skipped,
        report.in_progress,
        report.deliverables,
        unplaced=list(report.unplaced),
        warnings=list(report.warnings),
    )
    if target is None or target.name != ROADMAP_FILE:
        out.yaml = dump_yaml(shorthand(data))
        validated(target or Path("roadmap.yaml"), out.yaml)
        if target is not None:
            if target.exists() and not force:
                raise WorkspaceExists(f"{target} already exists", hint="pass --force to replace it")
            atomic_write(target, out.yaml)
        return out
    root = target.parent
    if target.exists():
        return _into_workspace(
            source, target, data, (states, report.days), out, replace=replace or force, day=day, db_path=db_path
        )
    from ..workspace import create

    out.mode = "create"
    out.yaml = dump_yaml(shorthand(data))
    validated(target, out.yaml)
    created = create(root, out.yaml, str(target), None, db_path)  # adds `started:` (today), like init
    out.yaml = created.text
    _record(created.workspace, states, report.days, {k: k for k in states}, source, day, out)
    return out


def _shares(current, data: dict) -> bool:
    """Whether the imported file is this plan, grown or edited: at least half of its steps share
    an id with the plan, or hold an item that does. Titles do not count: a README written from
    the same sources as the plan, imported into it, would pile a second wording of every item
    onto the first."""
    from ..plan.outline import flatten

    have = {row.key for row in flatten(current) if row.kind != "deliverable"}

    def keys(entries: list, step_id: str):
        for e in map(_entry, entries):
            yield _key(e, step_id)
            yield from keys(e.get("items", []), step_id)

    shared = sum(
        step["id"] in have or any(k in have for kind in ITEM_LISTS for k in keys(step.get(kind, []), step["id"]))
        for step in data["steps"]
    )
    return 2 * shared >= len(data["steps"])


def _into_workspace(
    source: Path,
    target: Path,
    data: dict,
    marks: tuple[dict[str, str], dict[str, str]],
    out: Outcome,
    *,
    replace: bool,
    day: date,
    db_path: Path | None,
) -> Outcome:
    from ..plan.located import decode, read_source
    from ..plan.outline import flatten
    from ..workspace import locate

    old_text = decode(read_source(target), target)
    current = validated(target, old_text)
    base = plan_data(current)
    if replace:  # keep the header (title, start date, weeks); the steps, and deliverables the file has, are replaced
        out.mode = "replace"
        keep = not data.get("deliverables")
        base = {**base, "steps": [], **({} if keep else {"deliverables": []})}
        taken = {row.key for row in flatten(current) if row.kind == "deliverable"} if keep else set()
    else:
        if not _shares(current, data):
            # Merging a different roadmap would only pile a second plan onto this one.
            raise WorkspaceExists(
                f"{target} holds another roadmap: most steps of {source.name} share no step or item with it",
                hint=f"import it into a new workspace with `roadmap import {source} --workspace NEWDIR`, "
                "or pass --replace to replace this plan's steps",
            )
        out.mode = "merge"
        taken = {row.key for row in flatten(current)}
    merged, keys, out.new_steps, out.new_items, out.new_deliverables = merge(base, data, taken)
    out.yaml = dump_yaml(shorthand(merged))
    validated(target, out.yaml)
    if out.new_steps or out.new_items or out.new_deliverables or replace:
        out.backup = target.parent / STORE_DIR / BACKUPS_DIR / f"roadmap-{file_stamp()}-before-import.yaml"
        atomic_write(out.backup, old_text)
        atomic_write(target, out.yaml)
    else:
        out.yaml = old_text
    ws = locate(str(target.parent), str(db_path) if db_path else None)
    _record(ws, *marks, keys, source, day, out)
    return out


def _record(
    ws, states: dict[str, str], days: dict[str, str], keys: dict[str, str], source: Path, day: date, out: Outcome
) -> None:
    """Sync the store with the new plan, then give each marked item the state the file gives it.

    Items go before steps, so a step its items complete is settled by them; an item already under
    way or done is never moved back by a "(skipped)" or "(in progress)" mark. A day the export
    wrote beside a state is the day it is recorded on; otherwise ``day``.
    """
    from ..history.files import attach
    from ..progress.states import set_state
    from ..store import items as store_items
    from ..store.connection import connect
    from ..store.sync import sync

    db = connect(ws.db_path)
    try:
        attach(db, ws)  # what the import records goes to this device's history file too
        sync(db, ws, force=True)
        groups: dict[tuple[bool, date, str], list] = {}
        for key, state in states.items():
            item = store_items.by_key(db, keys.get(key, key))
            if item is None:
                continue
            if item.kind == "question":
                out.questions_ticked += state == "done"
                continue
            if state != "done" and item.state != "todo":
                continue
            when = date.fromisoformat(days[key]) if key in days else day
            groups.setdefault((item.kind == "step", when, state), []).append(item)
        for (_, when, state), items in sorted(groups.items(), key=lambda g: g[0]):
            changes = set_state(db, items, state, when, f"imported from {source.name}")
            made = sum(c.changed and not c.auto for c in changes)
            if state == "done":
                out.recorded += made
                out.already_done += sum(not c.changed for c in changes)
            elif state == "skipped":
                out.recorded_skipped += made
            else:
                out.recorded_started += made
    finally:
        db.close()
