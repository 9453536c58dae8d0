"""Import a Markdown learning roadmap: roadmap.yaml data, checkbox states and a report.

Pure functions: nothing is printed or written; the CLI decides what to do with the result.
The text is read through markdown-it-py's syntax tree, so fenced or indented code and raw
HTML never turn into headings or items.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from .ids import POSITIONAL, slugify, unique
from .urls import BadURL, normalize_url

__all__ = ["ImportReport", "MarkdownImportError", "import_markdown", "slugify"]

MAX_BYTES = 5 * 1024 * 1024
KINDS = ("resources", "projects", "questions")
_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])

_BOX = re.compile(r"\[([ xX])\](?:[ \t]+|$)")
_NUMBERING = re.compile(r"^(?:step\s*\d+\s*[:.)\-–—]?|\d+\s*[.)]|\d+\s*[:\-–—](?=\s))\s*", re.I)
_NUMBERED = re.compile(r"^(?:(?:step|week|day|month|phase|part|module|unit|lesson|chapter|stage)\s*)?\d+\b", re.I)
_SKIP = re.compile(r"^(?:table of contents|contents|toc|progress(?: tracking| tracker)?|licen[cs]e|contributing"
                   r"|contributors?|notes and reflections|final deliverables|acknowledge?ments?|credits|changelog|目录)$", re.I)
_OBJECTIVE = re.compile(r"^(?:objectives?|goals?)\s*:\s*", re.I)
_URL_LINE = re.compile(r"^<?(https?://\S+?)>?$")
_LABEL_KINDS = (
    ("questions", re.compile(r"question|reflection|quiz|self[- ]check", re.I)),
    ("projects", re.compile(r"project|exercise|practi[cs]e|assignment|tasks?\b|homework|challenge|\blabs?\b", re.I)),
    ("resources", re.compile(r"resource|reference|reading|material|\blinks?\b|further|videos?\b|books?\b", re.I)),
)
_LABEL_HEADING = re.compile(r"^(?:(?:mini|side|small|practice|reflection|review|additional|further|extra|key|useful"
                            r"|recommended|suggested)[- ])?(?:resources?|references?|projects?|exercises?|questions?"
                            r"|readings?|tasks?|assignments?|practice|links|materials?)$", re.I)
_NO_TITLE_COLUMN = re.compile(r"^(?:weeks?|days?|months?|#|no\.?|duration|effort|time|hours?|dates?|when)\b", re.I)
_NO_URL_COLUMN = re.compile(r"^(?:prereq|discussion|chat|community|notes?)", re.I)
_NUMBERISH = re.compile(r"^[\d\s.,:/+–—-]*(?:weeks?|days?|hours?|months?)?[\d\s.,:/+–—-]*$|^(?:parallel|ongoing)$", re.I)


class MarkdownImportError(Exception):
    """The input cannot be imported as a roadmap; the message is a single line."""


@dataclass
class ImportReport:
    steps: int = 0
    items: int = 0  # every imported item, nested children included
    checked: int = 0  # entries in states: ticked items plus steps ticked in a progress checklist
    unplaced: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ the document as blocks

@dataclass
class _Link:
    href: str
    start: int  # offsets into _Text.plain
    end: int
    alt: str = ""  # alt text of an image inside the link (a badge)

    @property
    def web(self) -> bool:
        return self.href.lower().startswith(("http://", "https://"))


@dataclass
class _Text:
    """Inline Markdown as plain text, with the spans of its links, emphasis and strike-through."""

    plain: str = ""
    line: int = 0
    links: list[_Link] = field(default_factory=list)
    emph: list[tuple[int, int]] = field(default_factory=list)
    struck: list[tuple[int, int]] = field(default_factory=list)

    def share(self, spans: list[tuple[int, int]], end: int | None = None) -> float:
        """Share of the letters and digits of plain[:end] that lie inside spans."""
        idx = [i for i, c in enumerate(self.plain[:end]) if c.isalnum()]
        return sum(any(a <= i < b for a, b in spans) for i in idx) / len(idx) if idx else 0.0

    @property
    def own_links(self) -> list[_Link]:
        return [k for k in self.links if not k.href.startswith("#")]

    @property
    def toc_entry(self) -> bool:
        return bool(self.links) and not self.own_links and self.share([(k.start, k.end) for k in self.links]) > 0.5

    @property
    def removed(self) -> bool:  # "~~[Old course](…)~~ [removed]"
        first = next((k for k in self.own_links), None)
        in_strike = first is not None and any(a <= first.start and first.end <= b for a, b in self.struck)
        return in_strike or self.share(self.struck) > 0.5


@dataclass
class _Item:
    text: _Text | None
    box: str | None  # " ", "x" or "X" for a checkbox
    children: list[_Item]
    line: int


@dataclass
class _Block:
    kind: str  # "heading", "para", "list" or "table"
    line: int
    text: _Text = field(default_factory=_Text)  # heading and paragraph
    level: int = 0  # heading
    title: str = ""  # heading, cleaned
    items: list[_Item] = field(default_factory=list)  # list
    rows: list[list[_Text]] = field(default_factory=list)  # table, header row first


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 0


def _inline(node: SyntaxTreeNode, line: int | None = None) -> _Text:
    text, parts, stack, pos = _Text(line=_line(node) if line is None else line), [], [], 0

    def walk(n: SyntaxTreeNode) -> None:
        nonlocal pos
        for c in n.children:
            if c.type in ("text", "code_inline", "softbreak", "hardbreak"):
                s = c.content if c.type in ("text", "code_inline") else "\n"
                parts.append(s)
                pos += len(s)
            elif c.type == "image" and stack:
                stack[-1].alt = stack[-1].alt or c.content
            elif c.type == "link":
                stack.append(_Link(c.attrs.get("href") or "", pos, pos))
                walk(c)
                link = stack.pop()
                link.end = pos
                text.links.append(link)
            elif c.type in ("strong", "em", "s"):
                start = pos
                walk(c)
                (text.struck if c.type == "s" else text.emph).append((start, pos))
            elif c.type != "image":
                walk(c)

    walk(node.children[0] if node.type != "inline" and node.children else node)
    text.plain = "".join(parts)
    text.links.sort(key=lambda k: k.start)
    return text


def _blocks(nodes: list[SyntaxTreeNode], out: list[_Block]) -> list[_Block]:
    for node in nodes:
        if node.type in ("heading", "paragraph"):
            level = int(node.tag[1]) if node.type == "heading" else 0
            out.append(_Block("heading" if level else "para", _line(node), _inline(node), level))
        elif node.type in ("bullet_list", "ordered_list"):
            items: list[_Item] = []
            for li in node.children:
                if li.children and li.children[0].type == "heading":
                    # "- ### Arrays" (jwasham): the heading opens a section and what follows belongs to it
                    out.extend([_Block("list", items[0].line, items=items)] if items else [])
                    items = []
                    _blocks(li.children, out)
                else:
                    items.append(_item(li))
            out.extend([_Block("list", items[0].line, items=items)] if items else [])
        elif node.type == "table":
            rows = [[_inline(cell, _line(tr)) for cell in tr.children] for part in node.children for tr in part.children]
            out.append(_Block("table", _line(node), rows=rows))
        elif node.type == "blockquote":
            _blocks(node.children, out)
        elif node.type == "hr":
            out.append(_Block("hr", _line(node)))
    return out


def _item(li: SyntaxTreeNode) -> _Item:
    text, box = None, None
    if li.children and li.children[0].type == "paragraph":
        inline = li.children[0].children[0]
        lead = inline.children[0] if inline.children else None
        if lead is not None and lead.type == "text" and (m := _BOX.match(lead.content)):
            box = m.group(1)
            lead.token.content = lead.content[m.end():]
        text = _inline(inline, _line(li))
    kids = [_item(c) for b in li.children if b.type in ("bullet_list", "ordered_list") for c in b.children]
    return _Item(text, box, kids, _line(li))


# ------------------------------------------------------------------ text helpers

def _clean(s: str, heading: bool = False) -> str:
    s = " ".join(s.split())
    # Leading emoji, joiners and bullets would leak into titles and ids ("🧑‍🔬 The LLM Scientist").
    while s and (unicodedata.category(s[0])[0] in "SZC" or unicodedata.category(s[0]) == "Mn" or s[0] in "-–—•·|:"):
        s = s[1:]
    if heading:
        s = _NUMBERING.sub("", s, count=1)
    return s.strip().rstrip(":,;-–— ").strip()


def _shorten(s: str, limit: int) -> str:
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0].rstrip(",;:.-– ") + "…"


def _label(text: _Text) -> str | None:
    """The text of a label paragraph (`**Resources**`, `📚 **References**:`, `Resources:`), else None."""
    first = text.plain.split("\n", 1)[0]
    label = _clean(first)
    if not label or len(label) > 60 or _OBJECTIVE.match(label):
        return None
    if text.share(text.emph, len(first)) == 1.0 or (first.rstrip().endswith(":") and len(label.split()) <= 6):
        return label
    return None


def _label_kind(label: str) -> str | None:
    """The kind named last wins: the head noun comes last ("Practice Questions", "Question Videos")."""
    found = [(m.start(), kind) for kind, rx in _LABEL_KINDS for m in rx.finditer(label)]
    return max(found)[1] if found else None


def _host(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.") or url


def _title_and_link(text: _Text) -> tuple[str, _Link | None]:
    """Title is the text up to the end of the first web link; a bare badge falls back to alt text, then host."""
    link = next((k for k in text.links if k.web), None)
    term = next(((a, b) for a, b in text.emph if a <= 2), None)
    if term and (link is None or link.start >= term[1]):
        rest = text.plain[term[1]:].lstrip()
        if (rest.startswith(":") or text.plain[term[0]:term[1]].rstrip().endswith(":")) and len(rest) > 80:
            return _clean(text.plain[term[0]:term[1]]), None  # "**Term**: a long explanation, [a link](…)"
    if link is None:
        title = _clean(text.plain)
        if len(title) > 120 and ": " in title[:60]:
            title = title.split(": ", 1)[0]  # "**Term**: a long explanation" -> "Term"
        return _shorten(title, 200), None
    title = _clean(text.plain[: link.end]) or _clean(link.alt) or _host(link.href)
    if title.count("(") > title.count(")") and text.plain[link.end:].lstrip().startswith(")"):
        title += ")"  # "Join a meetup (e.g. via [meetup.com](…))"
    return _shorten(title, 200), link


def _url_lines(text: _Text) -> list[tuple[str, str | None]]:
    """Each line of a paragraph as (clean text, url); url is set when the line is a bare URL."""
    lines = [(raw, _URL_LINE.match(raw.strip())) for raw in text.plain.split("\n")]
    return [(m.group(1), m.group(1)) if m else (_clean(raw), None) for raw, m in lines]


def _has_boxes(items: list[_Item]) -> bool:
    return any(i.box or _has_boxes(i.children) for i in items)


# ------------------------------------------------------------------ choosing the steps

def _weight(block: _Block) -> int:
    """Importable things in a block: list items, table rows, bare URLs, web links in a heading."""
    def count(items: list[_Item]) -> int:
        boxes = any(i.box for i in items)  # beside checkboxes, plain bullets are notes
        return sum(bool(i.text and not i.text.toc_entry and (i.box or i.text.own_links or not boxes))
                   + count(i.children) for i in items)

    if block.kind == "heading":
        return sum(k.web for k in block.text.links)
    if block.kind == "para":
        return sum(url is not None for _, url in _url_lines(block.text))
    return count(block.items) if block.kind == "list" else max(len(block.rows) - 1, 0)


def _subheads(blocks: list[_Block], heads: list[int], n: int) -> list[int]:
    """The headings nested under heads[n]."""
    out = []
    for k in heads[n + 1:]:
        if blocks[k].level <= blocks[heads[n]].level:
            break
        out.append(k)
    return out


def _parents(blocks: list[_Block], heads: list[int]) -> dict[int, int | None]:
    """Each heading's enclosing heading."""
    parents, stack = {}, []
    for h in heads:
        while stack and blocks[stack[-1]].level >= blocks[h].level:
            stack.pop()
        parents[h] = stack[-1] if stack else None
        stack.append(h)
    return parents


def _epilogue(blocks: list[_Block]) -> int:
    """Index of the rule (---) that closes the last section, or len(blocks): what follows it is no step's."""
    last = max(i for i, b in enumerate(blocks) if b.kind == "heading")
    return next((i for i in range(len(blocks) - 1, last, -1) if blocks[i].kind == "hr"), len(blocks))


def _owners(blocks: list[_Block], steps: set[int]) -> list[int | None]:
    """For each block, the step heading that owns it; deeper headings stay inside their step."""
    owner, current, tail = [], None, _epilogue(blocks)
    for i, b in enumerate(blocks):
        if b.kind == "heading" and (i in steps or (current is not None and b.level <= blocks[current].level)):
            current = i if i in steps else None
        owner.append(current if i < tail else None)
    return owner


def _choose_steps(blocks: list[_Block], heads: list[int]) -> tuple[set[int], dict[int, str], int]:
    """Steps are the headings of the level that directly holds the most content; returns why others are not."""
    ends = heads[1:] + [len(blocks)]
    direct = {h: sum(_weight(b) for b in blocks[h:end]) for h, end in zip(heads, ends)}
    reasons: dict[int, str] = {}
    for n, h in enumerate(heads):
        if not blocks[h].title or _SKIP.match(blocks[h].title):
            # a skipped section takes its sub-headings along ("Table of Contents" > "Topics of Study")
            reasons.update((k, "is not a learning step") for k in [h, *_subheads(blocks, heads, n)])
    # "### Resources" / "### Mini Projects" under each step are labels: their items count for the step's level.
    credit = dict(direct)
    for h, parent in _parents(blocks, heads).items():
        if parent is not None and _LABEL_HEADING.match(blocks[h].title):
            credit[parent], credit[h] = credit[parent] + credit[h], 0
    by_level: dict[int, int] = {}
    for h in heads:
        if h not in reasons:
            by_level[blocks[h].level] = by_level.get(blocks[h].level, 0) + credit[h]
    if not any(by_level.values()):
        return set(), reasons, 0
    level = max(by_level, key=lambda lv: (by_level[lv], lv))
    steps = {h for n, h in enumerate(heads) if blocks[h].level == level and h not in reasons
             and direct[h] + sum(direct[k] for k in _subheads(blocks, heads, n))}
    numbered = {h for h in steps if _NUMBERED.match(_clean(blocks[h].text.plain))}
    if len(numbered) >= 3 and len(numbered) > len(steps) - len(numbered):
        reasons.update((h, "is not numbered like the other steps") for h in steps - numbered)
        steps = numbered
    # A section one level up holding items itself ("Intro CS" beside "Core CS" > "Core math") is a step too,
    # and so is any section with checkboxes: they are the user's progress and must not be dropped.
    owner = _owners(blocks, steps)
    for h, end in zip(heads, ends):
        if owner[h] is None and h not in reasons and (
            (blocks[h].level == level - 1 and direct[h] > _weight(blocks[h]))
            or any(b.kind == "list" and _has_boxes(b.items) for b in blocks[h:end])
        ):
            steps.add(h)
    return steps, reasons, level


# ------------------------------------------------------------------ building one step

class _Step:
    """Collects one step's items; item ids are unique within the step, nested children included."""

    def __init__(self, heading: _Block, report: ImportReport) -> None:
        self.title, self.report = heading.title, report
        self.kinds: dict[str, list[dict]] = {k: [] for k in KINDS}
        self.taken: set[str] = set()
        self.done: list[str] = []
        self.objective: str | None = None
        self.intro: str | None = None
        self.label: str | None = None  # kind named by the current label or sub-heading
        self.caption: str | None = None  # a sub-heading that may name the bare URL below it
        for n, k in enumerate(k for k in heading.text.links if k.web):
            title = _clean(heading.text.plain[k.start:k.end]) or (self.title if n == 0 else _host(k.href))
            self._add("resources", title, k.href, None, [], heading.line)

    @property
    def count(self) -> int:
        return sum(1 + len(e.get("items", [])) for entries in self.kinds.values() for e in entries)

    def warn(self, line: int, message: str) -> None:
        self.report.warnings.append(f"line {line}: {message}")

    def feed(self, block: _Block) -> None:
        if block.kind == "heading":  # a sub-heading acts as a label
            self.label = _label_kind(block.title)
            self.caption = None if self.label else block.title
        elif block.kind == "para":
            self._paragraph(block.text)
        elif block.kind == "list":
            beside_boxes = any(i.box for i in block.items)
            for item in block.items:
                self._list_item(item, beside_boxes)
        elif block.kind == "table":
            self._table(block.rows[0], block.rows[1:])

    def _paragraph(self, text: _Text) -> None:
        plain = _clean(text.plain)
        if m := _OBJECTIVE.match(plain):
            self.objective = self.objective or _shorten(plain[m.end():], 500)
            return
        label = _label(text)
        if label is not None:
            self.label, self.caption = _label_kind(label), None
        lines = _url_lines(text)[label is not None:]
        if not any(url for _, url in lines):
            if label is None and plain and not self.count and self.intro is None:
                self.intro = _shorten(plain, 500)
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

    def _list_item(self, item: _Item, beside_boxes: bool) -> None:
        text = item.text
        if text is None:
            for child in item.children:
                self._list_item(child, any(c.box for c in item.children))
            return
        if text.removed or (item.box and _BOX.search(text.plain)):
            # ZuzooVn: "…just put an x in the brackets: [x]" explains the syntax, it is no progress
            what = "struck-out item" if text.removed else "checkbox that explains checkbox syntax"
            self.warn(item.line, f"{what} {_clean(text.plain)[:60]!r} not imported")
            return
        if text.toc_entry or (not item.box and not text.own_links and beside_boxes and not _has_boxes(item.children)):
            return  # an in-page link, or a plain note between checkboxes
        title, link = _title_and_link(text)
        if not title:
            return self.warn(item.line, "list item without text not imported")
        self._relative_links(text)
        children = self._children(item)
        # krishnaik06: "OpenAI [![docs](badge)](u1) [![YouTube](badge)](u2)": later badges are sub-links
        badges = [k for k in text.links if k.web and k is not link and k.alt and k.start == k.end]
        children[:0] = [(_host(k.href), k.href, None) for k in badges]
        linked = link is not None or (bool(text.own_links) and not any(k.web for k in text.own_links))
        kind = self._kind(title, linked, bool(children))
        self._add(kind, title, link.href if link else None, item.box, children, item.line)

    def _children(self, item: _Item) -> list[tuple[str, str | None, str | None]]:
        """Nested items flattened to one level: checkboxes and links always, plain text only under plain text."""
        out = []
        plain_parent = not item.box and not item.text.links and not _has_boxes(item.children)
        for child in item.children:
            if child.text is not None and not child.text.removed:
                title, link = _title_and_link(child.text)
                if title and (child.box or child.text.own_links or plain_parent):
                    self._relative_links(child.text)
                    out.append((title, link.href if link else None, child.box))
                out.extend(self._children(child))
        return out

    def _relative_links(self, text: _Text) -> None:
        for k in text.own_links:
            if not k.web:
                self.warn(text.line, f"link {k.href!r} is not a web address; kept the title without a url")

    def _table(self, header: list[_Text], rows: list[list[_Text]]) -> None:
        names = [_clean(h.plain) for h in header] + [""] * max(map(len, rows), default=0)
        for row in rows:
            col = next((j for j, c in enumerate(row) if not _NO_TITLE_COLUMN.match(names[j])
                        and _clean(c.plain) and not _NUMBERISH.match(_clean(c.plain))), None)
            if col is None:
                self.warn(row[0].line if row else 0, "table row without a title cell not imported")
                continue
            title, link = _title_and_link(row[col])
            linked = bool(row[col].own_links)
            if not linked:  # the cs-vault way: topic in one column, the course link in another
                others = (k for j, c in enumerate(row) if j != col and not _NO_URL_COLUMN.match(names[j]) for k in c.links)
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


def _title_key(title: str) -> str:
    """Loose title identity for progress lists: case, punctuation and a trailing "(…)" do not matter."""
    return re.sub(r"[\W_]+", " ", re.sub(r"\s*\([^()]*\)\s*$", "", title).casefold()).strip()


def _progress(block: _Block, keys: dict[str, _Step]) -> dict[_Step, bool] | None:
    """A checklist whose every box names a step (`- [x] Step 2: …`) ticks steps; it holds no items."""
    boxed = [i for i in block.items if i.box and i.text]
    if block.kind != "list" or len(boxed) < 2 or any(k.web for i in boxed for k in i.text.links):
        return None
    found: dict[_Step, bool] = {}
    for item in boxed:
        step = keys.get(_title_key(_clean(item.text.plain, heading=True)))
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
    blocks = _blocks(SyntaxTreeNode(_MD.parse(text)).children, [])
    heads = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    if not heads:
        raise MarkdownImportError(f"{source} has no Markdown headings ('# Title'); steps are made from headings")
    for i in heads:
        blocks[i].title = _clean(blocks[i].text.plain, heading=True)
    steps, reasons, level = _choose_steps(blocks, heads)
    _disambiguate(blocks, sorted(steps), _parents(blocks, heads))
    report = ImportReport()
    builders = {i: _Step(blocks[i], report) for i in sorted(steps)}
    keys = {_title_key(b.title): b for b in builders.values()}
    owner = _owners(blocks, steps)
    ticked: dict[_Step, bool] = {}
    lost: dict[int, list[int]] = {}  # section heading (-1 before any, -2 after the closing rule) -> counts
    section, tail = -1, _epilogue(blocks)
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
            counts[0] += _weight(block)
            counts[1] += block.kind == "para" and not _weight(block) and bool(_clean(block.text.plain))

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


def _disambiguate(blocks: list[_Block], steps: list[int], parents: dict[int, int | None]) -> None:
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
        if not items and i not in reasons and any(k in steps for k in _subheads(blocks, heads, n)):
            continue  # a heading grouping steps, such as "Phase 1" or "Month 2"
        why = reasons.get(i) or ("is above the step level" if blocks[i].level < level else "is outside any step")
        what = count(items, "item") if items else count(paragraphs, "paragraph") if paragraphs else "empty section"
        out.append(f'line {blocks[i].line}: "{blocks[i].title}" {why}: {what}')
    if lost.get(-2, [0])[0]:
        out.append(f"line {blocks[_epilogue(blocks)].line}: {count(lost[-2][0], 'item')} after the closing rule (---)")
    return out


def _roadmap_title(blocks: list[_Block], heads: list[int], source: str) -> str:
    for want_h1 in (True, False):
        for i in heads:
            if blocks[i].title and not _SKIP.match(blocks[i].title) and (blocks[i].level == 1 or not want_h1):
                return blocks[i].title
    return PurePath(source).stem or "Roadmap"
