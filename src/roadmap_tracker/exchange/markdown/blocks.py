"""A Markdown document as the flat run of blocks the roadmap importer walks.

markdown-it-py's syntax tree is nested (lists in quotes, headings in list items); the importer
only wants headings, paragraphs, lists, tables and rules in reading order, with each piece of
inline text reduced to plain text plus the spans of its links, emphasis and strike-through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the importer parses; this module only walks the tree it hands over
    from markdown_it.tree import SyntaxTreeNode

__all__ = ["BOX", "Block", "Link", "ListItem", "Text", "has_boxes", "read_blocks"]

BOX = re.compile(r"\[([ xX])\](?:[ \t]+|$)")


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


@dataclass
class ListItem:
    text: Text | None
    box: str | None  # " ", "x" or "X" for a checkbox
    children: list[ListItem]
    line: int


@dataclass
class Block:
    kind: str  # "heading", "para", "list" or "table"
    line: int
    text: Text = field(default_factory=Text)  # heading and paragraph
    level: int = 0  # heading
    title: str = ""  # heading, cleaned
    items: list[ListItem] = field(default_factory=list)  # list
    rows: list[list[Text]] = field(default_factory=list)  # table, header row first


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 0


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
    return text


def read_blocks(nodes: list[SyntaxTreeNode], out: list[Block]) -> list[Block]:
    for node in nodes:
        if node.type in ("heading", "paragraph"):
            level = int(node.tag[1]) if node.type == "heading" else 0
            out.append(Block("heading" if level else "para", _line(node), _inline(node), level))
        elif node.type in ("bullet_list", "ordered_list"):
            items: list[ListItem] = []
            for li in node.children:
                if li.children and li.children[0].type == "heading":
                    # "- ### Arrays" (jwasham): the heading opens a section and what follows belongs to it
                    out.extend([Block("list", items[0].line, items=items)] if items else [])
                    items = []
                    read_blocks(li.children, out)
                else:
                    items.append(_item(li))
            out.extend([Block("list", items[0].line, items=items)] if items else [])
        elif node.type == "table":
            rows = [
                [_inline(cell, _line(tr)) for cell in tr.children] for part in node.children for tr in part.children
            ]
            out.append(Block("table", _line(node), rows=rows))
        elif node.type == "blockquote":
            read_blocks(node.children, out)
        elif node.type == "hr":
            out.append(Block("hr", _line(node)))
    return out


def _item(li: SyntaxTreeNode) -> ListItem:
    text, box = None, None
    if li.children and li.children[0].type == "paragraph":
        inline = li.children[0].children[0]
        lead = inline.children[0] if inline.children else None
        if lead is not None and lead.type == "text" and (m := BOX.match(lead.content)):
            box = m.group(1)
            lead.token.content = lead.content[m.end() :]
        text = _inline(inline, _line(li))
    kids = [_item(c) for b in li.children if b.type in ("bullet_list", "ordered_list") for c in b.children]
    return ListItem(text, box, kids, _line(li))


def has_boxes(items: list[ListItem]) -> bool:
    return any(i.box or has_boxes(i.children) for i in items)
