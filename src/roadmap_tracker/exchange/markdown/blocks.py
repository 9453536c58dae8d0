"""A Markdown document as the flat run of blocks the roadmap importer walks.

markdown-it-py's syntax tree is nested (lists in quotes, headings in list items); the importer
only wants headings, paragraphs, lists, tables, rules, code and HTML in reading order, with
each piece of inline text reduced to plain text plus the spans of its links, emphasis and
strike-through, and every block knowing the source lines it spans.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the importer parses; this module only walks the tree it hands over
    from markdown_it.tree import SyntaxTreeNode

__all__ = ["BOX", "Block", "Link", "ListItem", "Note", "Text", "has_boxes", "plain_are_notes", "read_blocks"]

BOX = re.compile(r"\[([ xX])\](?:[ \t]+|$)")
_LISTS = ("bullet_list", "ordered_list")


@dataclass
class Link:
    href: str
    start: int  # offsets into Text.plain
    end: int
    alt: str = ""  # alt text of an image inside the link (a badge)

    @property
    def web(self) -> bool:
        return self.href.lower().startswith(("http://", "https://"))


@dataclass
class Text:
    """Inline Markdown as plain text, with the spans of its links, emphasis and strike-through."""

    plain: str = ""
    line: int = 0
    links: list[Link] = field(default_factory=list)
    emph: list[tuple[int, int]] = field(default_factory=list)
    struck: list[tuple[int, int]] = field(default_factory=list)
    end: int = 0  # the last source line it spans
    images: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, alt, src) outside links

    def share(self, spans: list[tuple[int, int]], end: int | None = None) -> float:
        """Share of the letters and digits of plain[:end] that lie inside spans."""
        idx = [i for i, c in enumerate(self.plain[:end]) if c.isalnum()]
        return sum(any(a <= i < b for a, b in spans) for i in idx) / len(idx) if idx else 0.0

    @property
    def own_links(self) -> list[Link]:
        return [k for k in self.links if not k.href.startswith("#")]

    @property
    def toc_entry(self) -> bool:
        return bool(self.links) and not self.own_links and self.share([(k.start, k.end) for k in self.links]) > 0.5

    @property
    def removed(self) -> bool:  # "~~[Old course](…)~~ [removed]"
        first = next((k for k in self.own_links), None)
        in_strike = first is not None and any(a <= first.start and first.end <= b for a, b in self.struck)
        return in_strike or self.share(self.struck) > 0.5

    def cut(self, start: int, end: int, line: int | None = None) -> Text:
        """plain[start:end] with the spans that fall inside it; ``line`` when it starts on another line."""

        def spans(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
            return [(max(a, start) - start, min(b, end) - start) for a, b in found if a < end and b > start]

        links = [
            replace(k, start=max(k.start, start) - start, end=min(k.end, end) - start)
            for k in self.links
            if start <= k.start < end or (k.start == k.end == start)
        ]
        first = self.line if line is None else line
        last = first + self.plain[start:end].count("\n") if line is not None else self.end
        images = [(p - start, alt, src) for p, alt, src in self.images if start <= p <= end]
        return Text(self.plain[start:end], first, links, spans(self.emph), spans(self.struck), last, images)

    def with_urls(self, start: int = 0, leave_out: tuple[Link, ...] = ()) -> str:
        """plain[start:] with each web address written after its link text (and each image as its alt
        text and address), so a note keeps them; ``leave_out`` are links kept elsewhere."""
        marks = [(k.end, k) for k in self.links if k.web and k.start >= start and k.end > start]
        marks += [(p, img) for p, *img in self.images if p >= start]
        out, pos = [], start
        for at, mark in sorted(marks, key=lambda m: m[0]):
            out.append(self.plain[pos:at])
            pos = at
            if isinstance(mark, Link):
                named = self.plain[mark.start : mark.end].strip()
                if named != mark.href and not any(mark is k for k in leave_out):
                    out.append(f" ({mark.href})" if named else mark.href)
            else:
                alt, src = mark
                out.append(f"{alt} ({src})" if alt else src)
        out.append(self.plain[pos:])
        return "".join(out)


@dataclass
class Note:
    """Text inside a list item that is neither its title nor a nested item: the learner's note on it."""

    line: int
    end: int
    text: str
    quoted: bool = False  # inside a block quote, where the export writes an item's state and day


@dataclass
class ListItem:
    text: Text | None
    box: str | None  # " ", "x" or "X" for a checkbox
    children: list[ListItem]
    line: int
    notes: list[Note] = field(default_factory=list)
    end: int = 0  # the last source line of the item, its children included


@dataclass
class Block:
    kind: str  # "heading", "para", "list", "table", "hr", "code" or "html"
    line: int
    text: Text = field(default_factory=Text)  # heading and paragraph; the content of code and html
    level: int = 0  # heading
    title: str = ""  # heading, cleaned
    items: list[ListItem] = field(default_factory=list)  # list
    rows: list[list[Text]] = field(default_factory=list)  # table, header row first
    end: int = 0  # the last source line


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 0


def _end(node: SyntaxTreeNode) -> int:
    return node.map[1] if node.map else 0


def _inline(node: SyntaxTreeNode, line: int | None = None) -> Text:
    text, parts, stack, pos = Text(line=_line(node) if line is None else line), [], [], 0

    def walk(n: SyntaxTreeNode) -> None:
        nonlocal pos
        for c in n.children:
            if c.type in ("text", "code_inline", "softbreak", "hardbreak"):
                s = c.content if c.type in ("text", "code_inline") else "\n"
                parts.append(s)
                pos += len(s)
            elif c.type == "image" and stack:
                stack[-1].alt = stack[-1].alt or c.content
            elif c.type == "image":  # not part of plain: an image names nothing, but a note keeps it
                text.images.append((pos, c.content, c.attrs.get("src") or ""))
            elif c.type == "link":
                stack.append(Link(c.attrs.get("href") or "", pos, pos))
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
    text.end = max(text.line, _end(node) or text.line + text.plain.count("\n"))
    return text


def _raw(node: SyntaxTreeNode) -> Text:
    return Text(node.content.rstrip("\n"), _line(node), end=_end(node))


def read_blocks(nodes: list[SyntaxTreeNode], out: list[Block]) -> list[Block]:
    previous = None
    for node in nodes:
        if node.type in ("heading", "paragraph"):
            level = int(node.tag[1]) if node.type == "heading" else 0
            out.append(Block("heading" if level else "para", _line(node), _inline(node), level, end=_end(node)))
        elif node.type in _LISTS:
            items: list[ListItem] = []
            for li in node.children:
                if li.children and li.children[0].type == "heading":
                    # "- ### Arrays" (jwasham): the heading opens a section and what follows belongs to it
                    out.extend([Block("list", items[0].line, items=items, end=items[-1].end)] if items else [])
                    items = []
                    read_blocks(li.children, out)
                else:
                    items.append(_item(li))
            out.extend([Block("list", items[0].line, items=items, end=items[-1].end)] if items else [])
        elif node.type == "table":
            rows = [
                [_inline(cell, _line(tr)) for cell in tr.children] for part in node.children for tr in part.children
            ]
            out.append(Block("table", _line(node), rows=rows, end=_end(node)))
        elif node.type == "blockquote":
            read_blocks(node.children, out)
        elif node.type == "hr":
            out.append(Block("hr", _line(node), end=_end(node)))
        elif node.type == "code_block" and previous is not None and previous.type in _LISTS and out[-1].kind == "list":
            # OSSU-ASCOL: an update indented under an item, after a blank line, parses as code below the list;
            # the learner wrote it as a note on that item.
            last = out[-1].items[-1]
            last.notes.append(Note(_line(node), _end(node), _tidy(node.content)))
            last.end = out[-1].end = _end(node)
            continue
        elif node.type in ("code_block", "fence", "html_block"):
            out.append(Block("html" if node.type == "html_block" else "code", _line(node), _raw(node), end=_end(node)))
        previous = node
    return out


def _item(li: SyntaxTreeNode) -> ListItem:
    text, box, kids, notes = None, None, [], []
    rest = li.children
    if rest and rest[0].type == "paragraph":
        inline = rest[0].children[0]
        lead = inline.children[0] if inline.children else None
        if lead is not None and lead.type == "text" and (m := BOX.match(lead.content)):
            box = m.group(1)
            lead.token.content = lead.content[m.end() :]
        text = _inline(inline, _line(li))
        text.end = max(text.line, _end(rest[0]))
        rest = rest[1:]
    for b in rest:
        if b.type in _LISTS:
            kids += [_item(c) for c in b.children]
        else:
            notes += _notes(b)
    return ListItem(text, box, kids, _line(li), notes, max(_end(li), _line(li)))


def _notes(node: SyntaxTreeNode, quoted: bool = False) -> list[Note]:
    """Everything in a block inside a list item, as note text with the lines it came from."""
    if node.type in ("paragraph", "heading"):
        text = _inline(node)
        return [Note(text.line, text.end, text.with_urls(), quoted)]
    if node.type in ("code_block", "fence", "html_block"):
        return [Note(_line(node), _end(node), _tidy(node.content), quoted)]
    if node.type == "table":
        rows = [
            " | ".join(_inline(c).with_urls() for c in tr.children) for part in node.children for tr in part.children
        ]
        return [Note(_line(node), _end(node), "\n".join(rows), quoted)]
    return [n for c in node.children for n in _notes(c, quoted or node.type == "blockquote")]


def _tidy(raw: str) -> str:
    """Verbatim text as a note: no trailing spaces, no common indent, one blank line between paragraphs."""
    text = "\n".join(line.rstrip() for line in textwrap.dedent(raw).strip("\n").split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def has_boxes(items: list[ListItem]) -> bool:
    return any(i.box or has_boxes(i.children) for i in items)


def plain_are_notes(items: list[ListItem]) -> bool:
    """Whether plain bullets among these items are notes rather than items still to do.

    A list with open boxes ("- [ ]") makes every to-do a box, so a plain bullet beside them is a
    remark (jwasham: "Nothing to implement here…"). A list whose only boxes are ticked is a
    learner's list with the finished ones ticked: its plain bullets are what is left to do.
    """
    return any(i.box == " " for i in items)
