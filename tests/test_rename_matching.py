"""Pairing the items that left roadmap.yaml with those that arrived: the indexed matching pairs
exactly as the first, quadratic one did (kept here as the reference), on generated edits, and a
plan replaced whole pairs in linear time."""

from __future__ import annotations

from typing import NamedTuple

from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap_tracker.store.plan_rows import _match_renames


class Row(NamedTuple):
    key: str
    kind: str
    parent: str | None
    position: int
    title: str
    url: str | None


def reference(stored: dict, gone: list[str], new: list) -> list[tuple[str, object]]:
    """The matching as first written: every lookup a scan of what is left."""
    pairs = []
    parent_of = {k: r["parent_key"] for k, r in stored.items()}
    olds_left = list(gone)
    fresh = [row for row in new if row.key not in stored]
    for row in fresh:
        if not olds_left:
            break
        olds = [k for k in olds_left if stored[k]["kind"] == row.kind and parent_of[k] == row.parent]
        match = None
        if olds:
            news = [
                r for r in fresh if r.kind == row.kind and r.parent == row.parent and not any(r is p for _, p in pairs)
            ]
            match = next((k for k in olds if stored[k]["url"] and stored[k]["url"] == row.url), None) or next(
                (k for k in olds if stored[k]["title"] == row.title), None
            )
            if match is None and len(olds) == 1 and len(news) == 1 and stored[olds[0]]["position"] == row.position:
                match = olds[0]
        if match is None:
            for name, value in (("url", row.url), ("title", row.title)):
                if not value:
                    continue
                found = [k for k in olds_left if stored[k]["kind"] == row.kind and stored[k][name] == value]
                if len(found) != 1:
                    continue
                if len([r for r in fresh if r.kind == row.kind and getattr(r, name) == value]) == 1:
                    match = found[0]
                    break
        if match is None:
            continue
        pairs.append((match, row))
        olds_left.remove(match)
        for key, parent in parent_of.items():
            if parent == match:
                parent_of[key] = row.key
    return pairs


TITLES = st.sampled_from(["Alpha", "Beta", "Gamma", "Delta"])
URLS = st.sampled_from([None, None, "https://a.example/1", "https://a.example/2"])


@st.composite
def plans(draw):
    """A stored plan and the plan it became: steps and their resources, some kept, some renamed,
    moved, removed or added, with titles and URLs drawn from few values so that they collide."""
    stored, new = {}, []
    steps = [f"s{n}" for n in range(draw(st.integers(1, 4)))]
    for n, step in enumerate(steps, start=1):
        stored[step] = {"kind": "step", "parent_key": None, "position": n, "title": draw(TITLES), "url": None}
        for m in range(1, draw(st.integers(0, 4)) + 1):
            key = f"{step}/r{m}"
            stored[key] = {
                "kind": "resource",
                "parent_key": step,
                "position": m,
                "title": draw(TITLES),
                "url": draw(URLS),
            }
    new_steps = [f"t{n}" for n in range(draw(st.integers(1, 4)))]
    for n, step in enumerate(new_steps, start=1):
        kept = draw(st.sampled_from([step, *steps]))
        new.append(Row(kept if kept not in {r.key for r in new} else step, "step", None, n, draw(TITLES), None))
        parent = new[-1].key
        for m in range(1, draw(st.integers(0, 4)) + 1):
            key = draw(st.sampled_from([f"{parent}/n{m}", *[k for k in stored if k.startswith(parent + "/")]]))
            if key in {r.key for r in new}:
                key = f"{parent}/n{m}"
            new.append(Row(key, "resource", parent, m, draw(TITLES), draw(URLS)))
    wanted = {row.key for row in new}
    gone = [k for k in stored if k not in wanted]
    return stored, gone, new


@settings(max_examples=500, deadline=None)
@given(plans())
def test_indexed_matching_pairs_as_the_reference_does(plan):
    stored, gone, new = plan
    assert _match_renames(stored, gone, new) == reference(stored, gone, new)


def test_a_plan_of_100000_items_with_every_id_changed_keeps_every_item():
    """Every step's id changes (its title stays) and every item's title changes (its URL stays):
    each step pairs by title, and each item by URL under its step's new id. The first matching
    scanned what was left for every arrival; at this size it ran for hours, this runs in a second."""
    stored, new, wanted = {}, [], []
    for s in range(2000):
        stored[f"old{s}"] = {"kind": "step", "parent_key": None, "position": s + 1, "title": f"Step {s}", "url": None}
        new.append(Row(f"new{s}", "step", None, s + 1, f"Step {s}", None))
        wanted.append((f"old{s}", new[-1]))
        for i in range(49):
            url = f"https://example.com/{s}/{i}"
            stored[f"old{s}/r{i}"] = {
                "kind": "resource",
                "parent_key": f"old{s}",
                "position": i + 1,
                "title": f"Old {s}.{i}",
                "url": url,
            }
            new.append(Row(f"new{s}/r{i}", "resource", f"new{s}", i + 1, f"New {s}.{i}", url))
            wanted.append((f"old{s}/r{i}", new[-1]))
    assert _match_renames(stored, list(stored), new) == wanted
