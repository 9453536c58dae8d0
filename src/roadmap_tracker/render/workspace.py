"""Messages about the workspace itself: a store that cannot be written, one that was empty."""

from __future__ import annotations

from pathlib import Path

from ..workspace import Workspace


def read_only(ws: Workspace) -> str:
    return (
        f"Warning: you cannot write {ws.relative(ws.db_path)}: showing this workspace as its files say; "
        "nothing can be saved here."
    )


def empty_store_kept(ws: Workspace, kept: Path) -> str:
    return (
        f"{ws.relative(ws.db_path)} was empty (0 bytes): kept it as {ws.relative(kept)}, "
        "and built the store from roadmap.yaml, notes/ and history/."
    )


def rebuilding(ws: Workspace, kept: Path | None) -> str:
    before = f"Kept the store as {ws.relative(kept)}; b" if kept else "B"
    return f"{before}uilding it again from roadmap.yaml, notes/ and history/."


def settings_lines(file: Path, settings) -> str:
    """`roadmap config`: each setting, its value and where it came from, then what it is for."""
    wide = max(len(s.key) for s in settings)
    lines = [f"# {file}"]
    for s in settings:
        shown = f"{s.value}  (from {s.source})" if s.value is not None else "(not set)"
        lines.append(f"{s.key:<{wide}}  {shown}")
        lines.append(f"{'':<{wide}}  {s.about}")
    return "\n".join(lines) + "\n"
