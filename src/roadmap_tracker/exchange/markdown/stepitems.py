"""Building one imported step: its label paragraphs, list items, tables and bare URLs become items.

The importer has already decided which headings are steps and which blocks each one owns;
this module turns those blocks into roadmap.yaml entries, with warnings for what it leaves out.
"""

from __future__ import annotations

import re

from ...errors import BadURL
from ...plan.ids import slugify, unique
from ...plan.outline import ITEM_LISTS
from ...urls import normalize_url
from .blocks import BOX, Block, ListItem, Text, has_boxes
from .wording import OBJECTIVE, clean, host, label_kind, label_of, shorten, title_and_link, url_lines

__all__ = ["StepBuilder"]
_NO_TITLE_COLUMN = re.compile(r"^(?:weeks?|days?|months?|#|no\.?|duration|effort|time|hours?|dates?|when)\b", re.I)
_NO_URL_COLUMN = re.compile(r"^(?:prereq|discussion|chat|community|notes?)", re.I)
_NUMBERISH = re.compile(
    r"^[\d\s.,:/+–—-]*(?:weeks?|days?|hours?|months?)?[\d\s.,:/+–—-]*$|^(?:parallel|ongoing)$", re.I
)


class StepBuilder:
    """Collects one step's items; item ids are unique within the step, nested children included."""

    def __init__(self, heading: Block, warnings: list[str]) -> None:
        self.title, self.warnings = heading.title, warnings
        self.kinds: dict[str, list[dict]] = {k: [] for k in ITEM_LISTS}
        self.taken: set[str] = set()
        self.done: list[str] = []
        self.objective: str | None = None
        self.intro: str | None = None
        self.label: str | None = None  # kind named by the current label or sub-heading
        self.caption: str | None = None  # a sub-heading that may name the bare URL below it
        for n, k in enumerate(k for k in heading.text.links if k.web):
            title = clean(heading.text.plain[k.start : k.end]) or (self.title if n == 0 else host(k.href))
            self._add("resources", title, k.href, None, [], heading.line)

    @property
    def count(self) -> int:
        return sum(1 + len(e.get("items", [])) for entries in self.kinds.values() for e in entries)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"line {line}: {message}")

    def feed(self, block: Block) -> None:
        if block.kind == "heading":  # a sub-heading acts as a label
            self.label = label_kind(block.title)
            self.caption = None if self.label else block.title
        elif block.kind == "para":
            self._paragraph(block.text)
        elif block.kind == "list":
            beside_boxes = any(i.box for i in block.items)
            for item in block.items:
                self._list_item(item, beside_boxes)
        elif block.kind == "table":
            self._table(block.rows[0], block.rows[1:])

    def _paragraph(self, text: Text) -> None:
        plain = clean(text.plain)
        if m := OBJECTIVE.match(plain):
            self.objective = self.objective or shorten(plain[m.end() :], 500)
            return
        label = label_of(text)
        if label is not None:
            self.label, self.caption = label_kind(label), None
        lines = url_lines(text)[label is not None :]
        if not any(url for _, url in lines):
            if label is None and plain and not self.count and self.intro is None:
                self.intro = shorten(plain, 500)
            return
        previous = None
        for line, url in lines:
            if url is None:
                previous = line if 0 < len(line) <= 100 else None
                continue
            # llSourcell: a caption line, or failing that a sub-heading, right above a bare URL names it
            self._add(self.label or "resources", previous or self.caption or url, url, None, [], text.line)
            self.caption = previous = None

    def _kind(self, title: str, linked: bool, nested: bool = False) -> str:
        if self.label:
            return self.label
        if linked:
            return "resources"
        return "questions" if title.endswith("?") and not nested else "projects"

    def _list_item(self, item: ListItem, beside_boxes: bool) -> None:
        text = item.text
        if text is None:
            for child in item.children:
                self._list_item(child, any(c.box for c in item.children))
            return None
        if text.removed or (item.box and BOX.search(text.plain)):
            # ZuzooVn: "…just put an x in the brackets: [x]" explains the syntax, it is no progress
            what = "struck-out item" if text.removed else "checkbox that explains checkbox syntax"
            self.warn(item.line, f"{what} {clean(text.plain)[:60]!r} not imported")
            return None
        if text.toc_entry or (not item.box and not text.own_links and beside_boxes and not has_boxes(item.children)):
            return None  # an in-page link, or a plain note between checkboxes
        title, link = title_and_link(text)
        if not title:
            return self.warn(item.line, "list item without text not imported")
        self._relative_links(text)
        children = self._children(item)
        # krishnaik06: "OpenAI [![docs](badge)](u1) [![YouTube](badge)](u2)": later badges are sub-links
        badges = [k for k in text.links if k.web and k is not link and k.alt and k.start == k.end]
        children[:0] = [(host(k.href), k.href, None) for k in badges]
        linked = link is not None or (bool(text.own_links) and not any(k.web for k in text.own_links))
        kind = self._kind(title, linked, bool(children))
        self._add(kind, title, link.href if link else None, item.box, children, item.line)
        return None

    def _children(self, item: ListItem) -> list[tuple[str, str | None, str | None]]:
        """Nested items flattened to one level: checkboxes and links always, plain text only under plain text."""
        out = []
        plain_parent = not item.box and not item.text.links and not has_boxes(item.children)
        for child in item.children:
            if child.text is not None and not child.text.removed:
                title, link = title_and_link(child.text)
                if title and (child.box or child.text.own_links or plain_parent):
                    self._relative_links(child.text)
                    out.append((title, link.href if link else None, child.box))
                out.extend(self._children(child))
        return out

    def _relative_links(self, text: Text) -> None:
        for k in text.own_links:
            if not k.web:
                self.warn(text.line, f"link {k.href!r} is not a web address; kept the title without a url")

    def _table(self, header: list[Text], rows: list[list[Text]]) -> None:
        names = [clean(h.plain) for h in header] + [""] * max(map(len, rows), default=0)
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
                self.warn(row[0].line if row else 0, "table row without a title cell not imported")
                continue
            title, link = title_and_link(row[col])
            linked = bool(row[col].own_links)
            if not linked:  # the cs-vault way: topic in one column, the course link in another
                others = (
                    k for j, c in enumerate(row) if j != col and not _NO_URL_COLUMN.match(names[j]) for k in c.links
                )
                link = next((k for k in others if k.web), None)
            self._relative_links(row[col])
            kind = self._kind(title, linked or link is not None)
            self._add(kind, title, link.href if link else None, None, [], row[col].line)

    def _add(self, kind: str, title: str, url: str | None, box: str | None, children: list, line: int) -> None:
        if kind == "questions" and children:
            self.warn(line, f"question {title[:60]!r} has nested items; they were not imported")
            children = []
        entry = self._entry(title, url if kind != "questions" else None, box, line)
        entry.update({"items": [self._entry(*child, line) for child in children]} if children else {})
        self.kinds[kind].append(entry)

    def _entry(self, title: str, url: str | None, box: str | None, line: int) -> dict:
        entry = {"id": unique(slugify(title), self.taken), "title": title}
        try:
            entry.update({"url": url} if url and normalize_url(url) else {})
        except BadURL as exc:
            self.warn(line, f"{exc}; kept {title[:60]!r} without a url")
        self.done += [entry["id"]] if box in ("x", "X") else []
        return entry

    def to_dict(self, step_id: str) -> dict:
        # roadmap.yaml keys an item without an id as "<step id>/<slug of its title>", the very key states
        # uses; only an item whose slug needed a "-2" suffix has to spell its key out.
        def pinned(entry: dict) -> dict:
            out = {k: v for k, v in entry.items() if k != "id"}
            if entry["id"] != slugify(entry["title"]):
                out = {"id": f"{step_id}/{entry['id']}", **out}
            return out | ({"items": [pinned(c) for c in entry["items"]]} if "items" in entry else {})

        objective = self.objective or self.intro
        kinds = {kind: [pinned(e) for e in entries] for kind, entries in self.kinds.items()}
        return {"id": step_id, "title": self.title, **({"objective": objective} if objective else {}), **kinds}
