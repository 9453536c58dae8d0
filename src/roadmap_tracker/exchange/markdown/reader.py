"""Import a Markdown learning roadmap: roadmap.yaml data, checkbox states and a report.

Pure functions: nothing is printed or written; the CLI decides what to do with the result.
The text is read through markdown-it-py's syntax tree, so fenced or indented code and raw
HTML never turn into headings or items.

This module parses, ties the steps together and reports what was left out; `blocks` flattens
the syntax tree, `headings` picks the step headings and `stepitems` fills in each step.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from ...errors import MarkdownImportError
from ...plan.ids import POSITIONAL, slugify, unique
from .blocks import Block, read_blocks
from .headings import SKIP, choose_steps, epilogue, owners, parents, subheads, weight
from .stepitems import StepBuilder
from .wording import clean

__all__ = ["ImportReport", "MarkdownImportError", "import_markdown", "slugify"]

MAX_BYTES = 5 * 1024 * 1024
_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass
class ImportReport:
    steps: int = 0
    items: int = 0  # every imported item, nested children included
    checked: int = 0  # entries in states: ticked items plus steps ticked in a progress checklist
    unplaced: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ the progress checklist


def _title_key(title: str) -> str:
    """Loose title identity for progress lists: case, punctuation and a trailing "(…)" do not matter."""
    return re.sub(r"[\W_]+", " ", re.sub(r"\s*\([^()]*\)\s*$", "", title).casefold()).strip()


def _progress(block: Block, keys: dict[str, StepBuilder]) -> dict[StepBuilder, bool] | None:
    """A checklist whose every box names a step (`- [x] Step 2: …`) ticks steps; it holds no items."""
    boxed = [i for i in block.items if i.box and i.text]
    if block.kind != "list" or len(boxed) < 2 or any(k.web for i in boxed for k in i.text.links):
        return None
    found: dict[StepBuilder, bool] = {}
    for item in boxed:
        step = keys.get(_title_key(clean(item.text.plain, heading=True)))
        if step is None:
            return None
        found[step] = found.get(step, False) or item.box in "xX"
    return found if len(found) >= 2 else None


# ------------------------------------------------------------------ entry point


def _decode(text: str | bytes, source: str) -> str:
    # A str with lone surrogates (from errors="surrogateescape") fails the strict decode like stray bytes do.
    raw = bytes(text) if isinstance(text, (bytes, bytearray)) else text.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_BYTES:
        raise MarkdownImportError(f"{source} is {len(raw) / 2**20:.1f} MiB; the importer reads up to 5 MiB")
    if b"\x00" in raw:
        raise MarkdownImportError(f"{source} looks like a binary file (it contains NUL bytes), not Markdown")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MarkdownImportError(f"{source} is not UTF-8 text (bad byte at offset {exc.start})") from None
    lines = text.removeprefix("\ufeff").split("\n")
    # Front matter (Jekyll, Obsidian) would read as a setext heading; blank it and keep the line numbers.
    end = next((i for i in range(1, min(len(lines), 100)) if lines[i].strip() in ("---", "...")), 0)
    if lines[0].strip() == "---" and end and all(re.match(r"\s*$|[\w-]+\s*:|\s|#|-\s", ln) for ln in lines[1:end]):
        lines[: end + 1] = [""] * (end + 1)
    return "\n".join(lines)


@contextmanager
def _gc_paused():
    # The syntax tree is a few hundred thousand small objects on a big file; cyclic-GC passes over
    # them cost more than the parse itself, and nothing built here needs collecting meanwhile.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_markdown(text: str | bytes, *, source: str = "README.md") -> tuple[dict, dict[str, str], ImportReport]:
    """Read a Markdown roadmap; return (roadmap_data, states, report).

    roadmap_data follows roadmap.yaml version 1 and is ready for yaml.safe_dump. Steps always carry
    an id; an item carries one only when its slug needed a suffix, since roadmap.yaml keys an item
    "<step id>/<slug of its title>" by itself. states maps those keys ("<step_id>" for a step ticked
    in a progress checklist) to "done" for every ticked box, [x] or [X].
    Bytes are decoded as strict UTF-8. Raises MarkdownImportError (one line) for binary or
    oversized input, and for a document without headings or without anything to import.
    """
    with _gc_paused():
        return _import(_decode(text, source), source)


def _import(text: str, source: str) -> tuple[dict, dict[str, str], ImportReport]:
    blocks = read_blocks(SyntaxTreeNode(_MD.parse(text)).children, [])
    heads = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    if not heads:
        raise MarkdownImportError(f"{source} has no Markdown headings ('# Title'); steps are made from headings")
    for i in heads:
        blocks[i].title = clean(blocks[i].text.plain, heading=True)
    steps, reasons, level = choose_steps(blocks, heads)
    _disambiguate(blocks, sorted(steps), parents(blocks, heads))
    report = ImportReport()
    builders = {i: StepBuilder(blocks[i], report.warnings) for i in sorted(steps)}
    keys = {_title_key(b.title): b for b in builders.values()}
    owner = owners(blocks, steps)
    ticked: dict[StepBuilder, bool] = {}
    lost: dict[int, list[int]] = {}  # section heading (-1 before any, -2 after the closing rule) -> counts
    section, tail = -1, epilogue(blocks)
    for i, block in enumerate(blocks):
        section = i if block.kind == "heading" else -2 if i == tail else section
        marks = _progress(block, keys)
        if marks is not None:
            ticked.update((s, ticked.get(s, False) or done) for s, done in marks.items())
            lost.setdefault(section, [0, 0, 0])[2] += 1
        elif owner[i] is not None and owner[i] != i:
            builders[owner[i]].feed(block)
        elif owner[i] is None:
            counts = lost.setdefault(section, [0, 0, 0])
            counts[0] += weight(block)
            counts[1] += block.kind == "para" and not weight(block) and bool(clean(block.text.plain))

    data: dict = {"version": 1, "title": _roadmap_title(blocks, heads, source), "steps": [], "deliverables": []}
    states: dict[str, str] = {}
    step_ids: set[str] = set()
    for i, step in builders.items():
        if not step.count:
            reasons[i] = "has nothing that could be imported"
            continue
        slug = slugify(step.title)
        sid = unique(f"step-{slug}" if POSITIONAL.match(slug) else slug, step_ids)  # "2024" reads as a step number
        data["steps"].append(step.to_dict(sid))
        states.update({sid: "done"} if ticked.get(step) else {})
        states.update((f"{sid}/{item_id}", "done") for item_id in step.done)
        report.items += step.count
    if not data["steps"]:
        raise MarkdownImportError(f"{source} has headings but no lists, links or tables under them to import")
    report.steps, report.checked = len(data["steps"]), len(states)
    report.unplaced = _unplaced(blocks, heads, owner, steps, reasons, lost, level)
    return data, states, report


def _disambiguate(blocks: list[Block], steps: list[int], parents: dict[int, int | None]) -> None:
    """Steps sharing a title ("Week 1" of Month 2 and of Month 3) take their parent heading's title in front."""
    titles = Counter(blocks[i].title.casefold() for i in steps)
    for i in [i for i in steps if titles[blocks[i].title.casefold()] > 1]:
        if parents[i] is not None and blocks[parents[i]].title:
            blocks[i].title = f"{blocks[parents[i]].title} – {blocks[i].title}"


def _unplaced(blocks, heads, owner, steps, reasons, lost, level) -> list[str]:
    """One line per section that did not become a step: why, and what was left behind."""

    def count(n: int, what: str) -> str:
        return f"{n} {what}{'s' if n != 1 else ''} not imported"

    out = [f"line 1: {count(lost[-1][0], 'item')} before the first heading"] if lost.get(-1, [0])[0] else []
    for n, i in enumerate(heads):
        items, paragraphs, progress_lists = lost.get(i, [0, 0, 0])
        if (i in steps and i not in reasons) or owner[i] not in (None, i) or (progress_lists and not items):
            continue  # a step, a sub-heading inside one, or the progress checklist
        if not items and i not in reasons and any(k in steps for k in subheads(blocks, heads, n)):
            continue  # a heading grouping steps, such as "Phase 1" or "Month 2"
        why = reasons.get(i) or ("is above the step level" if blocks[i].level < level else "is outside any step")
        what = count(items, "item") if items else count(paragraphs, "paragraph") if paragraphs else "empty section"
        out.append(f'line {blocks[i].line}: "{blocks[i].title}" {why}: {what}')
    if lost.get(-2, [0])[0]:
        out.append(f"line {blocks[epilogue(blocks)].line}: {count(lost[-2][0], 'item')} after the closing rule (---)")
    return out


def _roadmap_title(blocks: list[Block], heads: list[int], source: str) -> str:
    for want_h1 in (True, False):
        for i in heads:
            if blocks[i].title and not SKIP.match(blocks[i].title) and (blocks[i].level == 1 or not want_h1):
                return blocks[i].title
    return PurePath(source).stem or "Roadmap"
