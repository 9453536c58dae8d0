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

if TYPE_CHECKING:  # the importer parses; this module only walks the tokens it hands over
    from markdown_it.token import Token

    Node = tuple[Token, list["Node"]]  # a block's opening (or only) token, and the blocks inside it

__all__ = [
    "BOX",
    "Block",
    "Link",
    "ListItem",
    "Note",
    "Text",
    "block_tree",
    "has_boxes",
    "plain_are_notes",
    "read_blocks",
]

BOX = re.compile(r"\[([ xX])\](?:[ \t]+|$)")
_LISTS = ("bullet_list_open", "ordered_list_open")
_VERBATIM = ("code_block", "fence", "html_block")
_SPANS_OPEN = ("strong_open", "em_open", "s_open")
_SPANS_CLOSE = ("strong_close", "em_close", "s_close")


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
        text = self.plain[:end]
        total = sum(map(str.isalnum, text)) if spans else 0
        inside = reach = 0
        for a, b in sorted(spans) if total else ():  # spans may overlap: count each letter once
            a = max(a, reach)
            if b > a:
                inside += sum(map(str.isalnum, text[a:b]))
                reach = b
        return inside / total if total else 0.0

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


def block_tree(tokens: list[Token]) -> list[Node]:
    """markdown-it's token stream as nested blocks: each block's opening (or only) token with the
    blocks inside it. markdown-it's SyntaxTreeNode would also make a node of every inline token,
    which on a big file costs more than reading them; inline tokens are read flat instead."""
    root: list[Node] = []
    stack = [root]
    for token in tokens:
        if token.nesting < 0:
            stack.pop()
            continue
        inside: list[Node] = []
        stack[-1].append((token, inside))
        if token.nesting > 0:
            stack.append(inside)
    return root


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _end(token: Token) -> int:
    return token.map[1] if token.map else 0


def _first(inside: list[Node]) -> Token | None:
    return inside[0][0] if inside else None


def _inline(inline: Token | None, owner: Token, line: int | None = None) -> Text:
    """The text of markdown-it's ``inline`` token; ``owner`` is the block whose source lines it spans."""
    text, parts, links, opened, pos = Text(line=_line(owner) if line is None else line), [], [], [], 0
    for c in (inline.children or ()) if inline is not None else ():
        kind = c.type
        if kind == "text" or kind == "code_inline":
            parts.append(c.content)
            pos += len(c.content)
        elif kind == "softbreak" or kind == "hardbreak":
            parts.append("\n")
            pos += 1
        elif kind == "image" and links:
            links[-1].alt = links[-1].alt or c.content
        elif kind == "image":  # not part of plain: an image names nothing, but a note keeps it
            text.images.append((pos, c.content, c.attrs.get("src") or ""))
        elif kind == "link_open":
            links.append(Link(c.attrs.get("href") or "", pos, pos))
        elif kind == "link_close":
            link = links.pop()
            link.end = pos
            text.links.append(link)
        elif kind in _SPANS_OPEN:
            opened.append(pos)
        elif kind in _SPANS_CLOSE:  # markdown-it nests them properly: the last one opened closes first
            (text.struck if kind == "s_close" else text.emph).append((opened.pop(), pos))
    text.plain = "".join(parts)
    text.links.sort(key=lambda k: k.start)
    text.end = max(text.line, _end(owner) or text.line + text.plain.count("\n"))
    return text


def _raw(token: Token) -> Text:
    return Text(token.content.rstrip("\n"), _line(token), end=_end(token))


def _rows(table: list[Node]) -> list[list[tuple[Token, Token | None, Token]]]:
    """Each row of a table (header first) as its cells: (cell, its inline token, the row)."""
    return [[(cell, _first(inside), tr) for cell, inside in cells] for _, part in table for tr, cells in part]


def read_blocks(nodes: list[Node], out: list[Block]) -> list[Block]:
    previous = None
    for token, inside in nodes:
        kind = token.type
        if kind == "heading_open" or kind == "paragraph_open":
            level = int(token.tag[1]) if kind == "heading_open" else 0
            text = _inline(_first(inside), token)
            out.append(Block("heading" if level else "para", _line(token), text, level, end=_end(token)))
        elif kind in _LISTS:
            items: list[ListItem] = []
            for li in inside:
                if li[1] and li[1][0][0].type == "heading_open":
                    # "- ### Arrays" (jwasham): the heading opens a section and what follows belongs to it
                    out.extend([Block("list", items[0].line, items=items, end=items[-1].end)] if items else [])
                    items = []
                    read_blocks(li[1], out)
                else:
                    items.append(_item(li))
            out.extend([Block("list", items[0].line, items=items, end=items[-1].end)] if items else [])
        elif kind == "table_open":
            rows = [[_inline(inline, cell, _line(tr)) for cell, inline, tr in row] for row in _rows(inside)]
            out.append(Block("table", _line(token), rows=rows, end=_end(token)))
        elif kind == "blockquote_open":
            read_blocks(inside, out)
        elif kind == "hr":
            out.append(Block("hr", _line(token), end=_end(token)))
        elif kind == "code_block" and previous in _LISTS and out[-1].kind == "list":
            # OSSU-ASCOL: an update indented under an item, after a blank line, parses as code below the list;
            # the learner wrote it as a note on that item.
            last = out[-1].items[-1]
            last.notes.append(Note(_line(token), _end(token), _tidy(token.content)))
            last.end = out[-1].end = _end(token)
            continue
        elif kind in _VERBATIM:
            out.append(Block("html" if kind == "html_block" else "code", _line(token), _raw(token), end=_end(token)))
        previous = kind
    return out


def _item(li: Node) -> ListItem:
    token, rest = li
    text, box, kids, notes = None, None, [], []
    if rest and rest[0][0].type == "paragraph_open":
        inline = _first(rest[0][1])
        lead = inline.children[0] if inline is not None and inline.children else None
        if lead is not None and lead.type == "text" and (m := BOX.match(lead.content)):
            box = m.group(1)
            lead.content = lead.content[m.end() :]
        text = _inline(inline, inline, _line(token))
        text.end = max(text.line, _end(rest[0][0]))
        rest = rest[1:]
    for b in rest:
        if b[0].type in _LISTS:
            kids += [_item(c) for c in b[1]]
        else:
            notes += _notes(b)
    return ListItem(text, box, kids, _line(token), notes, max(_end(token), _line(token)))


def _notes(node: Node, quoted: bool = False) -> list[Note]:
    """Everything in a block inside a list item, as note text with the lines it came from."""
    token, inside = node
    kind = token.type
    if kind == "paragraph_open" or kind == "heading_open":
        text = _inline(_first(inside), token)
        return [Note(text.line, text.end, text.with_urls(), quoted)]
    if kind in _VERBATIM:
        return [Note(_line(token), _end(token), _tidy(token.content), quoted)]
    if kind == "table_open":
        rows = [" | ".join(_inline(inline, cell).with_urls() for cell, inline, _ in row) for row in _rows(inside)]
        return [Note(_line(token), _end(token), "\n".join(rows), quoted)]
    return [n for c in inside for n in _notes(c, quoted or kind == "blockquote_open")]


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
