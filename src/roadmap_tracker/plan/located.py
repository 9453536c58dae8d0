"""Read YAML into plain data while remembering where every value came from.

PyYAML's own constructors apply YAML 1.1 typing (``no`` -> False, ``1:30`` ->
90) and expand aliases without limit. We compose the node tree with the safe
(C where available) loader and build the data ourselves: every scalar stays the
text the user wrote (pydantic converts where the schema wants a number), empty
and ``null`` become None, duplicate keys and aliases are refused, and the node
tree is kept so that a schema error can name the line of any value by its path.

Whatever the file holds, reading it either succeeds or raises one
``RoadmapFileError`` whose message is a single line naming the line and column.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RoadmapFileError
from .outline import MAX_ITEM_DEPTH

MAX_BYTES = 10 * 1024 * 1024
# The deepest path a plan needs: roadmap > steps > a step > resources > an item is four parts,
# each deeper item adds two (its parent's `items`, then its place there), and an item's values one.
MAX_DEPTH = 4 + 2 * (MAX_ITEM_DEPTH - 1) + 1
TOO_DEEP = f"nested too deeply: items may nest {MAX_ITEM_DEPTH} levels under a step; move this part up a level"

_NULLS = {"", "~", "null", "Null", "NULL"}
_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
# What YAML cannot carry in a file: control characters other than tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF. PyYAML's reader refuses exactly these.
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# The line breaks YAML counts, so a line computed here agrees with the lines PyYAML reports.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# What would break a message over lines, or not print: shown as an escape instead.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# PyYAML's words for a few problems, said the way this tool says them.
_YAML_PROBLEMS = {
    "exceeded maximum nesting depth": TOO_DEEP,
    "but found another document": (
        "a second YAML document starts here; roadmap.yaml holds one: remove this '---' and merge what follows"
    ),
}

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """Parsed data, and the node tree it was built from, which knows where every value came from."""

    data: Any
    root: Any = None  # the document's node; None when the text holds no document

    def where(self, path: Path_) -> tuple[int, int] | None:
        """The 1-based (line, column) of ``path``: of its key, for a value in a mapping. A part of
        the path the file does not have (a missing key) falls back to the nearest parent."""
        return _where(self.root, path)


def _where(root, path: Path_) -> tuple[int, int] | None:
    # Marks are looked up only for a message: walking the tree then is cheaper than recording
    # a mark for each of a large plan's values while it is read.
    if root is None:
        return None
    import yaml

    node, mark = root, root.start_mark
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            # The first key of that name: the builder refuses a second before reading past it.
            pair = next((pair for pair in node.value if pair[0].value == part), None)
            if pair is None:
                break
            mark, node = pair[0].start_mark, pair[1]
        elif isinstance(node, yaml.SequenceNode) and type(part) is int and 0 <= part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark.line + 1, mark.column + 1


def file_error(source: str, line: int | None, column: int | None, problem: str) -> RoadmapFileError:
    """The error for a problem at ``line:column`` of ``source``, kept to one printable line
    whatever characters the file (or its path) put into it."""
    return RoadmapFileError(_one_line(source), line, column, _one_line(problem))


def _one_line(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def line_col(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[index]``."""
    line, start = 1, 0
    for brk in _BREAK.finditer(text, 0, index):
        line, start = line + 1, brk.end()
    return line, index - start + 1


def read_source(path: Path) -> bytes:
    """The file's bytes, refusing one too large to be a roadmap before reading it."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise file_error(str(path), None, None, f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")
        return path.read_bytes()
    except OSError as exc:
        raise file_error(str(path), None, None, f"cannot read: {exc.strerror}") from exc


def decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(data, exc.start, str(path)) from exc


def _not_utf8(data: bytes, start: int, source: str) -> RoadmapFileError:
    # Counted in bytes, as the diary counts a note's bad byte: the text before it may not be text.
    line = data.count(b"\n", 0, start) + 1
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return file_error(source, line, column, "not UTF-8 text (it is UTF-16); save the file as UTF-8")
    return file_error(source, line, column, f"not UTF-8 text (byte 0x{data[start]:02x}); save the file as UTF-8")


def load_yaml(text: str, source: str) -> Located:
    root = _compose(text, source)
    # An alias is written `*name`: text without a `*` has none, and every node is met once.
    return Located(None if root is None else _Builder(root, source, "*" in text).value(root, ()), root)


def _compose(text: str, source: str):
    """The node tree of the one document in ``text`` (None when it holds none)."""
    import yaml

    loader = None
    try:
        loader = _loader_class()(text)  # the C loader encodes the text here: a lone surrogate fails
        return loader.get_single_node()
    except (yaml.reader.ReaderError, UnicodeEncodeError) as exc:
        # The C reader counts bytes and the Python one characters: find the character ourselves.
        raise _unreadable(text, source, exc) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        problem = _YAML_PROBLEMS.get(problem, f"invalid YAML: {problem}")
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise file_error(source, line, col, problem) from exc
    except yaml.YAMLError as exc:
        raise file_error(source, None, None, f"invalid YAML: {exc}") from exc
    except ValueError as exc:
        # PyYAML's pure-Python scanner lets a few through: chr() of an escape past U+10FFFF, int()
        # of a thousands-digit %YAML version. The C scanner reports them as ScannerErrors.
        mark = loader.get_mark() if hasattr(loader, "get_mark") else None
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise file_error(source, line, col, f"invalid YAML: {exc}") from exc
    finally:
        if loader is not None:
            loader.dispose()


def _unreadable(text: str, source: str, exc: Exception) -> RoadmapFileError:
    found = _UNREADABLE.search(text)
    if found is None:  # not a character after all: say what the reader said
        return file_error(source, None, None, f"invalid YAML: {getattr(exc, 'reason', exc)}")
    char = found.group()
    line, col = line_col(text, found.start())
    why = "is this a text file?" if char == "\0" else "most editors do not show it"
    return file_error(source, line, col, f"{_character(char)} is not allowed in YAML; delete it ({why})")


def _character(char: str) -> str:
    import unicodedata

    code = f"U+{ord(char):04X}"
    if char == "\0":
        return f"NUL character {code}"
    return f"control character {code}" if unicodedata.category(char) == "Cc" else f"character {code}"


def _loader_class():
    import yaml

    return _c_loader() if hasattr(yaml, "CSafeLoader") else _python_loader()


@functools.cache
def _c_loader():
    """libyaml's loader, with a cheaper way to tag a node.

    The composer asks Python for every untagged node's tag, and PyYAML's resolver tries its
    patterns on each plain scalar to tell a number, a date or a boolean from text. The builder
    only asks whether a tag is one of the plain ones, and the few tags the resolver gives that
    are not (for ``<<`` and ``=``) are told by a scalar's first character: the resolver is asked
    about a scalar that begins with such a character, and every other node gets its kind's plain
    tag (a number is then tagged as text, which the builder never looks at)."""
    import yaml

    resolvers = yaml.CSafeLoader.yaml_implicit_resolvers
    asked = {first for first, pairs in resolvers.items() if any(tag not in _PLAIN_TAGS for tag, _ in pairs)}
    if None in asked:  # a resolver for any first character: every scalar must be asked
        return yaml.CSafeLoader
    plain = {
        yaml.ScalarNode: yaml.CSafeLoader.DEFAULT_SCALAR_TAG,
        yaml.SequenceNode: yaml.CSafeLoader.DEFAULT_SEQUENCE_TAG,
        yaml.MappingNode: yaml.CSafeLoader.DEFAULT_MAPPING_TAG,
    }

    class PlainTagLoader(yaml.CSafeLoader):
        def resolve(self, kind, value, implicit):
            if kind is yaml.ScalarNode and implicit[0] and value[:1] in asked:
                return super().resolve(kind, value, implicit)
            return plain[kind]

    return PlainTagLoader


@functools.cache
def _python_loader():
    """PyYAML's pure-Python loader, stopped at the depth the builder allows.

    Its composer recurses once per level and would run out of stack long before the
    builder's limit; the C composer is bounded by libyaml (1,000 levels)."""
    import yaml

    class ShallowLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(None, None, "exceeded maximum nesting depth", mark)
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return ShallowLoader


class _Builder:
    """The data of the node tree, refusing what a plan cannot hold (see the module's docstring).

    The checks are written out where each kind of node is met: a large plan has a few hundred
    thousand nodes, most of them scalars. They run in the order the nodes come in the file, so
    the problem named is always the first one."""

    def __init__(self, root, source: str, aliases: bool = True):
        import yaml

        self.root = root
        self.source = source
        self.seen: set[int] | None = set() if aliases else None  # the nodes met, while one may come again
        self.scalar, self.sequence = yaml.ScalarNode, yaml.SequenceNode

    def fail(self, node, problem: str):
        mark = node.start_mark
        raise file_error(self.source, mark.line + 1, mark.column + 1, problem)

    def value(self, node, path: Path_) -> Any:
        # The composer hands back the same node object for every alias of an anchor; refusing
        # the second visit stops "billion laughs" at once.
        if self.seen is not None:
            if id(node) in self.seen:
                # The node's own mark is the anchor's: point at where the alias sits instead (its
                # key's position in a mapping, its list's in a list).
                line, col = _where(self.root, path if path and type(path[-1]) is str else path[:-1])
                problem = "anchors and aliases (&name / *name) are not supported; write the value out"
                raise file_error(self.source, line, col, problem)
            self.seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, f"YAML tag {node.tag!r} is not supported; remove it")
        # The path is as long as the node is deep: a cheap bound on our recursion, and pydantic's.
        if len(path) > MAX_DEPTH:
            self.fail(node, TOO_DEEP)
        kind = type(node)
        if kind is self.scalar:
            text = node.value
            if node.style is None and text in _NULLS:
                return None
            # Only a double-quoted scalar has escapes. PyYAML's pure-Python scanner turns `"\ud800"`
            # into a lone surrogate, which no file or store can hold (libyaml refuses it itself).
            if node.style == '"' and (found := _SURROGATE.search(text)):
                self.fail(node, f"an escape here gives {_character(found.group())}, which is no text; remove it")
            return text
        if kind is self.sequence:
            return [self.value(child, (*path, i)) for i, child in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not self.scalar:
                self.fail(key_node, "a key must be a plain word, not a list or a mapping")
            key = key_node.value
            if key == "<<":
                self.fail(key_node, "merge keys (<<) are not supported; write the keys out")
            if key_node.tag not in _PLAIN_TAGS:
                self.fail(key_node, f"YAML tag {key_node.tag!r} is not supported; remove it")
            if key in result:
                self.fail(key_node, f"duplicate key {key!r}; each key may appear once in a mapping")
            result[key] = self.value(value_node, (*path, key))
        return result
