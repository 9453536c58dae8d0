"""Import a Markdown learning roadmap: roadmap.yaml data, checkbox states and a report.

Pure functions: nothing is printed or written; the CLI decides what to do with the result.
The text is read through markdown-it-py's tokens, so fenced or indented code and raw
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
from datetime import date
from pathlib import PurePath

from markdown_it import MarkdownIt

from ...errors import MarkdownImportError
from ...plan.ids import POSITIONAL, slugify, unique
from .blocks import Block, ListItem, block_tree, read_blocks
from .deliverables import read_deliverable
from .headings import DELIVERABLES, SKIP, choose_steps, epilogue, owners, parents, subheads
from .ledger import Ledger, Unplaced
from .marks import META, SUMMARY
from .stepitems import NOT_AN_ITEM, StepBuilder, item_state
from .wording import clean, label_of, title_and_link

__all__ = ["ImportReport", "MarkdownImportError", "Unplaced", "import_markdown", "slugify"]

MAX_BYTES = 5 * 1024 * 1024
# An http(s) address that markdown-it's normalizer (mdurl's parse, punycode, percent-encoding) hands
# back as it was: nothing to encode in it, a host of ASCII letters, digits, dots and hyphens.
PLAIN_LINK = re.compile(
    r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][A-Za-z0-9._~/?#=&+:@!$'()*,;-]*)?"
)


class _Parser(MarkdownIt):
    """markdown-it, less the work of normalizing a link that normalizing leaves as it is."""

    def normalizeLink(self, url: str) -> str:
        # Normalizing is an eighth of the parse of a roadmap of links, and most of them are plain.
        return url if PLAIN_LINK.fullmatch(url) else super().normalizeLink(url)


_MD = _Parser("commonmark").enable(["table", "strikethrough"])


@dataclass
class ImportReport:
    steps: int = 0
    items: int = 0  # every imported item, nested children included
    checked: int = 0  # ticked boxes in states: items, steps ticked in a progress checklist, deliverables
    skipped: int = 0  # items and steps marked "(skipped)"
    in_progress: int = 0  # items marked "(in progress)" or "started" by the export
    deliverables: int = 0
    unplaced: list[Unplaced] = field(default_factory=list)  # every line with text that went nowhere
    warnings: list[str] = field(default_factory=list)
    days: dict[str, str] = field(default_factory=dict)  # states key -> the day the export gave it


# ------------------------------------------------------------------ the progress checklist


def _title_key(title: str) -> str:
    """Loose title identity for progress lists: case, punctuation and a trailing "(…)" do not matter."""
    return re.sub(r"[\W_]+", " ", re.sub(r"\s*\([^()]*\)\s*$", "", title).casefold()).strip()


def _progress(block: Block, keys: dict[str, StepBuilder]) -> dict[StepBuilder, str | None] | None:
    """A checklist whose every box names a step (`- [x] Step 2: …`) gives steps a state; it holds no items."""
    boxed = [i for i in block.items if i.box and i.text]
    if block.kind != "list" or len(boxed) < 2 or any(k.web for i in boxed for k in i.text.links):
        return None
    found: dict[StepBuilder, str | None] = {}
    for item in boxed:
        step = keys.get(_title_key(clean(item.text.plain, heading=True)))
        if step is None:
            return None
        state = item_state(item.box, item.text)[1]
        found[step] = found.get(step) if found.get(step) == "done" else state
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
    # Line numbers are counted the way markdown-it counts them.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _front_matter(lines: list[str]) -> int:
    """How many lines of front matter (Jekyll, Obsidian) open the file; 0 when there is none."""
    end = next((i for i in range(1, min(len(lines), 100)) if lines[i].strip() in ("---", "...")), 0)
    if lines[0].strip() == "---" and end and all(re.match(r"\s*$|[\w-]+\s*:|\s|#|-\s", ln) for ln in lines[1:end]):
        return end + 1
    return 0


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
    "<step id>/<slug of its title>" by itself. states maps those keys ("<step_id>" for a step in a
    progress checklist, a deliverable's id for a ticked deliverable) to "done" for every ticked box,
    [x] or [X], and to "skipped" or "in_progress" for an item marked so (see ``marks``).
    report.unplaced lists every line with text that became nothing, with why.
    Bytes are decoded as strict UTF-8. Raises MarkdownImportError (one line) for binary or
    oversized input, and for a document without headings or without anything to import.
    """
    with _gc_paused():
        return _import(_decode(text, source), source)


def _import(text: str, source: str) -> tuple[dict, dict[str, str], ImportReport]:
    lines = text.split("\n")
    front = _front_matter(lines)
    # Front matter would read as a setext heading; blank it and keep the line numbers.
    parsed = "\n" * front + "\n".join(lines[front:])
    blocks = read_blocks(block_tree(_MD.parse(parsed)), [])
    heads = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    if not heads:
        raise MarkdownImportError(f"{source} has no Markdown headings ('# Title'); steps are made from headings")
    for i in heads:
        blocks[i].title = clean(blocks[i].text.plain, heading=True)
    steps, reasons, level = choose_steps(blocks, heads)
    report, ledger = ImportReport(), Ledger()
    _disambiguate(blocks, sorted(steps), parents(blocks, heads), ledger)
    ledger.drop(1, front, "front matter")
    builders = {i: StepBuilder(blocks[i], report.warnings) for i in sorted(steps)}
    keys = {_title_key(b.title): b for b in builders.values()}
    owner = owners(blocks, steps)
    data: dict = {"version": 1, "title": _roadmap_title(blocks, heads, source, ledger)}
    title_head = _title_head(blocks, heads)
    marked: dict[StepBuilder, str | None] = {}
    found: list[tuple[dict, str | None, str | None]] = []  # deliverables, with the box and day of each
    section, tail = -1, epilogue(blocks)
    for i, block in enumerate(blocks):
        section = i if block.kind == "heading" else -2 if i == tail else section
        marks = _progress(block, keys)
        if marks is not None:
            for step, state in marks.items():
                marked[step] = "done" if marked.get(step) == "done" else state
            ledger.place(blocks[section].line if section >= 0 else block.line)
            for item in block.items:
                if item.box and item.text:
                    ledger.place(item.line, item.end)
                ledger.drop(item.line, item.end, NOT_AN_ITEM)
        elif owner[i] is not None and owner[i] != i:
            builders[owner[i]].feed(block)
        elif owner[i] is None and section >= 0 and DELIVERABLES.match(blocks[section].title):
            _deliverables(block, blocks[section], found, ledger)
        elif owner[i] is None and block.kind != "heading":
            summary = block.kind == "para" and SUMMARY.match(clean(block.text.plain))
            if summary:  # the export's own summary: recomputed on the way in, but for the start date
                ledger.place(block.line, block.end)
                data.update({"started": date.fromisoformat(summary.group(1))} if summary.group(1) else {})
            elif block.kind == "para" and section == title_head and "description" not in data:
                data["description"] = clean(block.text.with_urls())
                ledger.place(block.line, block.end)
            ledger.drop(block.line, block.end, _why(blocks, heads, section, steps, reasons, level))

    data["steps"], data["deliverables"] = [], []
    states: dict[str, str] = {}
    step_ids: set[str] = set()
    for i, step in builders.items():
        if not step.count:
            reasons[i] = "has nothing that could be imported"
            ledger.take(Ledger(why=step.ledger.why))  # its reasons for single lines still hold
            continue
        slug = slugify(step.title)
        sid = unique(f"step-{slug}" if POSITIONAL.match(slug) else slug, step_ids)  # "2024" reads as a step number
        data["steps"].append(step.to_dict(sid))
        ledger.take(step.ledger)
        states.update({sid: marked[step]} if marked.get(step) else {})
        states.update((f"{sid}/{item_id}", state) for item_id, state in step.states.items())
        report.days.update((f"{sid}/{item_id}", day) for item_id, day in step.days.items())
        report.items += step.count
    if not data["steps"]:
        raise MarkdownImportError(f"{source} has headings but no lists, links or tables under them to import")
    for entry, box, day in found:
        did = unique(slugify(entry["title"]), step_ids)
        data["deliverables"].append({"id": did, **entry} if did != slugify(entry["title"]) else entry)
        if box in ("x", "X") and entry["rule"] == "checked":
            states[did] = "done"
            report.days.update({did: day} if day else {})
    for n, i in enumerate(heads):
        ledger.drop(blocks[i].line, blocks[i].end, _heading_why(blocks, heads, n, owner, steps, reasons, level))
    for i, b in enumerate(blocks):  # what is left of a step with nothing to import
        if owner[i] is not None and reasons.get(owner[i]):
            ledger.drop(b.line, b.end, f'"{blocks[owner[i]].title}" {reasons[owner[i]]}')
    data = {k: data[k] for k in ("version", "title", "description", "started", "steps", "deliverables") if k in data}
    report.steps, report.deliverables = len(data["steps"]), len(data["deliverables"])
    report.checked = sum(s == "done" for s in states.values())
    report.skipped = sum(s == "skipped" for s in states.values())
    report.in_progress = sum(s == "in_progress" for s in states.values())
    report.unplaced = ledger.unplaced(lines, NOT_AN_ITEM)
    return data, states, report


def _deliverables(block: Block, heading: Block, found: list, ledger: Ledger) -> None:
    """Each item of a list in the deliverables section is one deliverable; anything else there is not."""

    def read(item: ListItem) -> None:
        entry = read_deliverable(title_and_link(item_state(None, item.text)[0])[0]) if item.text else None
        if entry is not None:
            first = item.notes[0] if item.notes and item.notes[0].quoted else None
            meta = META.match(first.text) if first else None
            day = meta.group(2) if meta and meta.group(1) == "done" and not meta.group(3) else None
            found.append((entry, item.box, day))  # ``day``: when the export says it was checked off
            ledger.place(item.text.line, item.text.end)
            ledger.place(heading.line, heading.end)
            if day:
                ledger.place(first.line, first.end)
        for note in item.notes:
            ledger.drop(note.line, note.end, "a note on a deliverable (deliverables hold no notes)")
        for child in item.children:
            ledger.drop(child.line, child.end, "nested under a deliverable (deliverables hold no items)")

    if block.kind == "list":
        for item in block.items:
            read(item)
    elif block.kind == "para" and label_of(block.text) is not None and block.line == block.end:
        ledger.place(block.line)  # "**Deliverables**:" naming the list below it
    else:
        ledger.drop(block.line, block.end, "text in the deliverables section that is no deliverable")


def _disambiguate(blocks: list[Block], steps: list[int], parents: dict[int, int | None], ledger: Ledger) -> None:
    """Steps sharing a title ("Week 1" of Month 2 and of Month 3) take their parent heading's title in front."""
    titles = Counter(blocks[i].title.casefold() for i in steps)
    for i in [i for i in steps if titles[blocks[i].title.casefold()] > 1]:
        parent = blocks[parents[i]] if parents[i] is not None else None
        if parent is not None and parent.title:
            blocks[i].title = f"{parent.title} – {blocks[i].title}"
            if not any(k.web for k in parent.text.links):  # a link in it would still be lost
                ledger.place(parent.line, parent.end)


def _why(blocks, heads, section, steps, reasons, level) -> str:
    """Why a block outside every step was not imported: where it stands."""
    if section == -1:
        return "before the first heading"
    if section == -2:
        return "after the closing rule (---)"
    head = blocks[section]
    why = reasons.get(section) or ("is above the step level" if head.level < level else "is outside any step")
    return f'"{head.title}" {why}'


def _heading_why(blocks, heads, n, owner, steps, reasons, level) -> str:
    i = heads[n]
    if i in reasons or (owner[i] is None and not any(k in steps for k in subheads(blocks, heads, n))):
        return _why(blocks, heads, i, steps, reasons, level)
    if owner[i] is None:
        return "a heading over steps (steps do not nest)"
    return "a sub-heading that names no kind of item"


def _title_head(blocks: list[Block], heads: list[int]) -> int | None:
    """The heading the roadmap takes its title from."""
    for want_h1 in (True, False):
        for i in heads:
            if blocks[i].title and not SKIP.match(blocks[i].title) and (blocks[i].level == 1 or not want_h1):
                return i
    return None


def _roadmap_title(blocks: list[Block], heads: list[int], source: str, ledger: Ledger) -> str:
    i = _title_head(blocks, heads)
    if i is None:
        return PurePath(source).stem or "Roadmap"
    ledger.place(blocks[i].line, blocks[i].end)
    return blocks[i].title
