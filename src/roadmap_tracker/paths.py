"""Where a workspace and its store live. The one owner of these decisions."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import NoWorkspace

ROADMAP_FILE = "roadmap.yaml"
STORE_DIR = ".roadmap"
DB_FILE = "roadmap.db"


@dataclass(frozen=True)
class Workspace:
    root: Path
    db_path: Path

    @property
    def roadmap_file(self) -> Path:
        return self.root / ROADMAP_FILE

    @property
    def store_dir(self) -> Path:
        return self.root / STORE_DIR

    def relative(self, path: Path) -> str:
        """A path as the learner sees it: relative to the workspace where it can be."""
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def find_root(start: Path) -> Path | None:
    """Walk up from ``start`` to the first directory holding roadmap.yaml, as git does."""
    here = start.resolve()
    for candidate in (here, *here.parents):
        if (candidate / ROADMAP_FILE).is_file():
            return candidate
    return None


def locate(workspace: str | None = None, db: str | None = None, cwd: Path | None = None) -> Workspace:
    """--workspace/ROADMAP_HOME, else the nearest roadmap.yaml; --db/ROADMAP_DB overrides the store."""
    home = workspace or os.environ.get("ROADMAP_HOME")
    if home:
        root = Path(home).expanduser()
        if not (root / ROADMAP_FILE).is_file():
            raise NoWorkspace(f"no {ROADMAP_FILE} in {root}", hint="run `roadmap init` there, or point --workspace elsewhere")
    else:
        start = cwd or Path.cwd()
        found = find_root(start)
        if found is None:
            raise NoWorkspace(
                f"no {ROADMAP_FILE} in {start} or any parent directory",
                hint="run `roadmap init` to create one, or pass --workspace",
            )
        root = found
    db_path = db or os.environ.get("ROADMAP_DB")
    return Workspace(root=root, db_path=Path(db_path).expanduser() if db_path else root / STORE_DIR / DB_FILE)
