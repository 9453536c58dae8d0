"""Building one imported step: its label paragraphs, list items, tables and bare URLs become items.

The importer has already decided which headings are steps and which blocks each one owns;
this module turns those blocks into roadmap.yaml entries, and keeps a ledger of the lines it
placed and of why it left out the others.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ...errors import BadURL
from ...plan.ids import slugify, unique
from ...plan.outline import ITEM_LISTS
from ...urls import normalize_url
from .blocks import BOX, Block, ListItem, Note, Text, has_boxes, plain_are_notes
from .ledger import Ledger
from .marks import META, WORD_STATES, trailing_mark
from .wording import (
    OBJECTIVE,
    clean,
    host,
    label_kind,
    label_of,
    split_enumerated,
    title_link_rest,
    url_lines,
)

__all__ = ["NOT_AN_ITEM", "StepBuilder", "item_state"]
NOT_AN_ITEM = "text that is no item"
_NO_TITLE_COLUMN = re.compile(r"^(?:weeks?|days?|months?|#|no\.?|duration|effort|time|hours?|dates?|when)\b", re.I)
_NO_URL_COLUMN = re.compile(r"^(?:prereq|discussion|chat|community|notes?)", re.I)
_NUMBERISH = re.compile(
    r"^[\d\s.,:/+–—-]*(?:weeks?|days?|hours?|months?)?[\d\s.,:/+–—-]*$|^(?:parallel|ongoing)$", re.I
)


class Entry(NamedTuple):
    """One item as read, before it is given an id."""

    title: str
    url: str | None
    state: str | None  # "done", "skipped", "in_progress", or None for to do
    day: str | None  # the day the export wrote for that state
    line: int
    note: str | None = None


def item_state(box: str | None, text: Text) -> tuple[Text, str | None]:
    """The text without a trailing "(skipped)"/"(in progress)" mark, and the state the box or mark gives."""
    mark = trailing_mark(text.plain)
    if mark is not None:
        text = text.cut(0, mark[0])
    if box in ("x", "X"):
        return text, "done"
    return text, mark[1] if mark else None


class StepBuilder:
    """Collects one step's items; item ids are unique within the step, nested children included."""

    def __init__(self, heading: Block, warnings: list[str]) -> None:
        self.title, self.warnings = heading.title, warnings
        self.kinds: dict[str, list[dict]] = {k: [] for k in ITEM_LISTS}
        self.taken: set[str] = set()
        self.suffixed: set[str] = set()  # item ids that are not the slug of their title
        self.states: dict[str, str] = {}  # item id -> done, skipped or in_progress
        self.days: dict[str, str] = {}  # item id -> the day the export gave that state
        self.objective: str | None = None
        self.intro: tuple[str, int, int] | None = None  # first prose: the objective when none is labelled
        self.label: str | None = None  # kind named by the current label or sub-heading
        self.caption: tuple[str, int] | None = None  # a sub-heading that may name the bare URL below it
        self.group: tuple[str, int] | None = None  # a label naming no kind ("Computer Vision"): a title prefix
        self.ledger = Ledger()
        self.ledger.place(heading.line, heading.end)
        for n, k in enumerate(k for k in heading.text.links if k.web):
            title = clean(heading.text.plain[k.start : k.end]) or (self.title if n == 0 else host(k.href))
            self._add("resources", Entry(title, k.href, None, None, heading.line), [])

    @property
    def count(self) -> int:
        return sum(1 + len(e.get("items", [])) for entries in self.kinds.values() for e in entries)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"line {line}: {message}")

    def feed(self, block: Block) -> None:
        if block.kind == "heading":  # a sub-heading acts as a label
            self.label, self.group = label_kind(block.title), None
            self.caption = None if self.label else (block.title, block.line)
            if self.label:
                self.ledger.place(block.line, block.end)
            else:
                self.ledger.drop(block.line, block.end, "a sub-heading that names no kind of item")
        elif block.kind == "para":
            self._paragraph(block.text)
        elif block.kind == "list":
            notes = plain_are_notes(block.items)
            for item in block.items:
                self._list_item(item, notes)
            self.group = None
        elif block.kind == "table":
            self._table(block.rows[0], block.rows[1:])
            self.group = None
        elif block.kind in ("code", "html"):
            self.ledger.drop(block.line, block.end, "code" if block.kind == "code" else "HTML")

    def _paragraph(self, text: Text) -> None:
        plain, full = clean(text.plain), clean(text.with_urls())
        if OBJECTIVE.match(plain) and (m := OBJECTIVE.match(full)):
            if self.objective is None:
                self.objective = full[m.end() :]
                self.ledger.place(text.line, text.end)
            self.ledger.drop(text.line, text.end, "a second objective")
            return
        label = label_of(text)
        if label is not None:
            self.label, self.caption = label_kind(label), None
            # A label alone on its line names the list right below it; "**Topics covered**:" followed by
            # lines of tags in the same paragraph names those lines, not the next list.
            self.group = None if self.label or text.end > text.line else (label, text.line)
            if self.label:
                self.ledger.place(text.line)
            self.ledger.drop(text.line, text.line, "a label with no item under it")
        lines = url_lines(text)[label is not None :]
        first = text.line + (label is not None)
        if not any(url for _, url in lines):
            if label is None and plain and not self.count and self.intro is None:
                self.intro = (full, text.line, text.end)
            else:
                self.ledger.drop(first, text.end, NOT_AN_ITEM if plain else "an image, with no text to import")
            return
        previous = None
        for n, (line, url) in enumerate(lines, start=first):
            if url is None:
                previous = (line, n) if 0 < len(line) <= 100 else None
                self.ledger.drop(n, n, NOT_AN_ITEM)
                continue
            # llSourcell: a caption line, or failing that a sub-heading, right above a bare URL names it
            named = previous or self.caption
            self.ledger.place(n)
            if named:
                self.ledger.place(named[1])
            self._add(self.label or "resources", Entry(named[0] if named else url, url, None, None, n), [])
            self.caption = previous = None

    def _kind(self, title: str, linked: bool, nested: bool = False) -> str:
        if self.label:
            return self.label
        if linked:
            return "resources"
        return "questions" if title.endswith("?") and not nested else "projects"

    def _list_item(self, item: ListItem, plain_notes: bool) -> None:
        if item.text is None:
            self._drop_notes(item.notes)
            for child in item.children:
                self._list_item(child, plain_are_notes(item.children))
            return None
        text, state = item_state(item.box, item.text)
        if state is None and text.removed:
            self.ledger.drop(item.line, item.end, "struck out")
            return None
        if item.box and BOX.search(text.plain):
            # ZuzooVn: "…just put an x in the brackets: [x]" explains the syntax, it is no progress
            self.ledger.drop(item.line, item.end, "a checkbox that explains checkbox syntax")
            return None
        if text.toc_entry:
            self.ledger.drop(text.line, text.end, "an in-page link")
            self._drop_notes(item.notes)
            for child in item.children:
                self._list_item(child, plain_are_notes(item.children))
            return None
        if plain_notes and not item.box and not state and not text.own_links and not has_boxes(item.children):
            self.ledger.drop(item.line, item.end, "a plain bullet among open checkboxes, read as a remark")
            return None
        head, subs = split_enumerated(text)
        link = next((k for k in head.links if k.web), None)
        # krishnaik06: "OpenAI [![docs](badge)](u1) [![YouTube](badge)](u2)": later badges are sub-links
        badges = tuple(k for k in head.links if k.web and k is not link and k.alt and k.start == k.end)
        title, link, rest = title_link_rest(head, badges)
        if not title:
            return self.warn(item.line, "list item without text not imported")
        self._relative_links(text)
        self.ledger.place(text.line, text.end)
        children, notes = self._children(item)
        children[:0] = [Entry(host(k.href), k.href, None, None, text.line) for k in badges]
        children[:0] = [self._sub_line(sub) for sub in subs if clean(sub.plain)]
        entry, notes = self._noted(Entry(title, link.href if link else None, state, None, item.line), item, notes)
        linked = link is not None or (bool(text.own_links) and not any(k.web for k in text.own_links))
        kind = self._kind(title, linked, bool(children))
        self._add(kind, entry._replace(note=_join([Note(text.line, text.end, rest), *notes])), children)
        return None

    def _sub_line(self, sub: Text) -> Entry:
        title, link, rest = title_link_rest(sub)
        self._relative_links(sub)
        return Entry(title, link.href if link else None, None, None, sub.line, rest or None)

    def _noted(self, entry: Entry, item: ListItem, notes: list[Note]) -> tuple[Entry, list[Note]]:
        """The item's own notes joined to those of its plain sub-bullets; the export's quote gives a state and day."""
        notes = list(notes)
        for n, note in enumerate(item.notes):
            meta = META.match(note.text.split("\n", 1)[0]) if n == 0 and note.quoted else None
            if meta is None:
                notes.append(note)
                self.ledger.place(note.line, note.end)
                continue
            word, day, links = meta.groups()
            state = entry.state or WORD_STATES[word]
            entry = entry._replace(state=state, day=day if WORD_STATES[word] == state else None)
            if links:
                self.ledger.drop(note.line, note.line, "links to your work (`roadmap link` adds them)")
            else:
                self.ledger.place(note.line)
            more = note.text.split("\n", 1)[1:]
            if more:
                notes.append(Note(note.line + 1, note.end, more[0]))
                self.ledger.place(note.line + 1, note.end)
        return entry, notes

    def _children(self, item: ListItem) -> tuple[list[Entry], list[Note]]:
        """Nested items flattened to one level: checkboxes, links, groups of them, and plain text under plain
        text; a plain bullet under a checkbox or a link is a note on it."""
        out: list[Entry] = []
        notes: list[Note] = []
        plain_parent = not item.box and not item.text.links and not has_boxes(item.children)
        for child in item.children:
            if child.text is None:
                more, more_notes = self._children(child)
                out += more
                notes += more_notes + self._placed(child.notes)
                continue
            text, state = item_state(child.box, child.text)
            if state is None and text.removed:
                self.ledger.drop(child.line, child.end, "struck out")
                continue
            title, link, rest = title_link_rest(text)
            grand, grand_notes = self._children(child)
            if not title:
                out += grand
                notes += grand_notes
                continue
            self.ledger.place(text.line, text.end)
            if child.box or text.own_links or plain_parent or state or has_boxes(child.children):
                self._relative_links(text)
                entry = Entry(title, link.href if link else None, state, None, child.line)
                entry, own = self._noted(entry, child, grand_notes)
                out += [entry._replace(note=_join([Note(text.line, text.end, rest), *own])), *grand]
            else:
                notes += [Note(text.line, text.end, clean(text.with_urls())), *self._placed(child.notes), *grand_notes]
                out += grand
        return out, notes

    def _placed(self, notes: list[Note]) -> list[Note]:
        for note in notes:
            self.ledger.place(note.line, note.end)
        return notes

    def _drop_notes(self, notes: list[Note]) -> None:
        for note in notes:
            self.ledger.drop(note.line, note.end, NOT_AN_ITEM)

    def _relative_links(self, text: Text) -> None:
        for k in text.own_links:
            if not k.web:
                self.warn(text.line, f"link {k.href!r} is not a web address; kept the title without a url")

    def _table(self, header: list[Text], rows: list[list[Text]]) -> None:
        names = [clean(h.plain) for h in header] + [""] * max(map(len, rows), default=0)
        if header and rows:
            self.ledger.place(header[0].line)  # the column names say what each cell is, in the notes
        elif header:
            self.ledger.drop(header[0].line, header[0].line, "a table with no rows")
        for row in rows:
            col = next(
                (
                    j
                    for j, c in enumerate(row)
                    if not _NO_TITLE_COLUMN.match(names[j]) and clean(c.plain) and not _NUMBERISH.match(clean(c.plain))
                ),
                None,
            )
            if col is None:
                if row:
                    self.ledger.drop(row[0].line, row[0].line, "a table row without a title cell")
                continue
            title, link, rest = title_link_rest(row[col])
            linked = bool(row[col].own_links)
            if not linked:  # the cs-vault way: topic in one column, the course link in another
                others = (
                    k for j, c in enumerate(row) if j != col and not _NO_URL_COLUMN.match(names[j]) for k in c.links
                )
                link = next((k for k in others if k.web), None)
            self._relative_links(row[col])
            self.ledger.place(row[col].line)
            # The other cells (weeks, effort, prerequisites) stay with the item as its note.
            used = (link,) if link else ()
            cells = [(names[j], clean(c.with_urls(leave_out=used))) for j, c in enumerate(row) if j != col]
            note = " · ".join([rest] * bool(rest) + [f"{name}: {v}" if name else v for name, v in cells if v])
            kind = self._kind(title, linked or link is not None)
            self._add(kind, Entry(title, link.href if link else None, None, None, row[col].line, note or None), [])

    def _add(self, kind: str, entry: Entry, children: list[Entry]) -> None:
        if self.group is not None and not entry.title.startswith(self.group[0]):
            # Seed step 8: "**Computer Vision**" above a list names the field of the items in it.
            entry = entry._replace(title=f"{self.group[0]}: {entry.title}")
            self.ledger.place(self.group[1])
        if kind == "questions" and children:
            # A question holds no items; what is nested under it is the learner's note on it.
            lines = [Note(c.line, c.line, " ".join(filter(None, (c.title, c.url, c.note)))) for c in children]
            entry = entry._replace(note=_join([Note(entry.line, entry.line, entry.note or ""), *lines]))
            children = []
        record = self._entry(entry if kind != "questions" else entry._replace(url=None))
        record.update({"items": [self._entry(child) for child in children]} if children else {})
        self.kinds[kind].append(record)

    def _entry(self, entry: Entry) -> dict:
        slug = slugify(entry.title)
        record = {"id": unique(slug, self.taken), "title": entry.title}
        if record["id"] != slug:
            self.suffixed.add(record["id"])
        try:
            record.update({"url": entry.url} if entry.url and normalize_url(entry.url) else {})
        except BadURL as exc:
            self.warn(entry.line, f"{exc}; kept {entry.title[:60]!r} without a url")
        if entry.note:
            record["note"] = entry.note
        if entry.state:
            self.states[record["id"]] = entry.state
            if entry.day:
                self.days[record["id"]] = entry.day
        return record

    def to_dict(self, step_id: str) -> dict:
        # roadmap.yaml keys an item without an id as "<step id>/<slug of its title>", the very key states
        # uses; only an item whose slug needed a "-2" suffix has to spell its key out.
        def pinned(entry: dict) -> dict:
            out = {k: v for k, v in entry.items() if k != "id"}
            if entry["id"] in self.suffixed:
                out = {"id": f"{step_id}/{entry['id']}", **out}
            return out | ({"items": [pinned(c) for c in entry["items"]]} if "items" in entry else {})

        objective = self.objective
        if self.intro is not None:
            if objective is None:
                objective = self.intro[0]
                self.ledger.place(self.intro[1], self.intro[2])
            self.ledger.drop(self.intro[1], self.intro[2], NOT_AN_ITEM)
        kinds = {kind: [pinned(e) for e in entries] for kind, entries in self.kinds.items()}
        return {"id": step_id, "title": self.title, **({"objective": objective} if objective else {}), **kinds}


def _join(parts: list[Note]) -> str | None:
    """Note parts in the order their lines stand in the file; a blank line between two keeps them paragraphs."""
    out, previous = [], None
    for part in sorted((p for p in parts if p.text and p.text.strip()), key=lambda p: p.line):
        if previous is not None:
            out.append("\n\n" if part.line > previous.end + 1 else "\n")
        out.append(part.text)
        previous = part
    return "".join(out) or None
