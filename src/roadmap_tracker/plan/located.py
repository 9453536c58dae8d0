"""Read YAML into plain data while remembering where every value came from.

PyYAML's own constructors apply YAML 1.1 typing (``no`` -> False, ``1:30`` ->
90) and expand aliases without limit. We compose the node tree with the safe
(C where available) loader and build the data ourselves: every scalar stays the
text the user wrote (pydantic converts where the schema wants a number), empty
and ``null`` become None, duplicate keys and aliases are refused, and each
value's position is recorded by its path so schema errors can name a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import RoadmapFileError

MAX_BYTES = 10 * 1024 * 1024

_NULLS = {"", "~", "null", "Null", "NULL"}
_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """Parsed data plus the (line, column) of every path in it, 1-based."""

    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_) -> tuple[int, int] | None:
        # A missing key has no mark of its own: fall back to its parent.
        for end in range(len(path), -1, -1):
            mark = self.marks.get(tuple(path[:end]))
            if mark:
                return mark
        return None


def read_source(path: Path) -> bytes:
    """The file's bytes, refusing one too large to be a roadmap before reading it."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RoadmapFileError(str(path), None, None, f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")
        return path.read_bytes()
    except OSError as exc:
        raise RoadmapFileError(str(path), None, None, f"cannot read: {exc.strerror}") from exc


def decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RoadmapFileError(str(path), None, None, f"not UTF-8 text (byte {exc.start})") from exc


def load_yaml(text: str, source: str) -> Located:
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = loader_cls(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise RoadmapFileError(source, line, col, f"invalid YAML: {problem}") from exc
    except yaml.YAMLError as exc:
        raise RoadmapFileError(source, None, None, f"invalid YAML: {exc}") from exc
    located = Located(None)
    if root is None:
        return located
    located.data = _Builder(source, located.marks).build(root, ())
    return located


class _Builder:
    def __init__(self, source: str, marks: dict):
        self.source = source
        self.marks = marks
        self.seen: set[int] = set()

    def fail(self, node, problem: str):
        mark = node.start_mark
        raise RoadmapFileError(self.source, mark.line + 1, mark.column + 1, problem)

    def build(self, node, path: Path_) -> Any:
        import yaml

        # The composer hands back the same node object for every alias of an
        # anchor; refusing the second visit stops "billion laughs" at once.
        if id(node) in self.seen:
            self.fail(node, "anchors and aliases (&name / *name) are not supported; write the value out")
        self.seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, f"YAML tag {node.tag!r} is not supported; remove it")
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            if node.style is None and node.value in _NULLS:
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "mapping keys must be plain words")
            key = key_node.value
            if key == "<<":
                self.fail(key_node, "merge keys (<<) are not supported; write the keys out")
            if key in result:
                self.fail(key_node, f"duplicate key {key!r}; each key may appear once in a mapping")
            self.marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            # The key's position is the better place to point at than its value's;
            # build() only fills in positions not yet known.
            result[key] = self.build(value_node, (*path, key))
        return result
