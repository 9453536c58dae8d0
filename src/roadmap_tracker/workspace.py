"""Creating a workspace: roadmap.yaml, notes/ and the store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from .errors import WorkspaceExists
from .files import atomic_write
from .paths import DB_FILE, ROADMAP_FILE, STORE_DIR, Workspace

_STARTED = re.compile(r"^started:.*$", re.MULTILINE)
_VERSION = re.compile(r"^version:.*$", re.MULTILINE)


def bundled_roadmap() -> str:
    return resources.files("roadmap_tracker").joinpath("data", ROADMAP_FILE).read_text(encoding="utf-8")


def with_start_date(text: str, started: date) -> str:
    """Set the top-level ``started:`` line, keeping the rest of the file (and its comments) as written."""
    line = f"started: {started.isoformat()}"
    if _STARTED.search(text):
        return _STARTED.sub(line, text, count=1)
    match = _VERSION.search(text)
    if match:
        return text[: match.end()] + "\n" + line + text[match.end():]
    return line + "\n" + text


@dataclass
class Created:
    workspace: Workspace
    text: str


def create(root: Path, text: str, source: str, started: date | None, db_path: Path | None = None) -> Created:
    """Validate the plan, then write roadmap.yaml and notes/; refuses an existing workspace."""
    from .schema import load_roadmap

    target = root / ROADMAP_FILE
    if target.exists() or (root / STORE_DIR).exists():
        raise WorkspaceExists(f"{root} already holds a roadmap workspace", hint="nothing was changed; use `roadmap status` there")
    roadmap = load_roadmap(Path(source), text)  # refuse a bad plan before writing anything
    if started is not None or roadmap.started is None:
        text = with_start_date(text, started or date.today())
        load_roadmap(Path(source), text)
    root.mkdir(parents=True, exist_ok=True)
    atomic_write(target, text)
    (root / roadmap.notes_dir).mkdir(parents=True, exist_ok=True)
    return Created(Workspace(root=root, db_path=db_path or root / STORE_DIR / DB_FILE), text)
