"""Where a workspace and its store live, and creating one. The one owner of these decisions."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import NamedTuple

from .errors import NoWorkspace, WorkspaceExists, WouldOverwrite

ROADMAP_FILE = "roadmap.yaml"
STORE_DIR = ".roadmap"
DB_FILE = "roadmap.db"
BACKUPS_DIR = "backups"

_STARTED = re.compile(r"^started:.*$", re.MULTILINE)
_VERSION = re.compile(r"^version:.*$", re.MULTILINE)


class Workspace(NamedTuple):
    root: Path
    db_path: Path

    @property
    def roadmap_file(self) -> Path:
        return self.root / ROADMAP_FILE

    @property
    def store_dir(self) -> Path:
        return self.root / STORE_DIR

    @property
    def backups_dir(self) -> Path:
        return self.store_dir / BACKUPS_DIR

    def relative(self, path: Path) -> str:
        """A path as the learner sees it: relative to the workspace where it can be."""
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)

    def named(self, path: Path) -> str:
        """A path inside the workspace as the learner names it, relative to it and with no link
        followed (``relative`` shows where a link leads)."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return self.relative(path)


def default_db(root: Path) -> Path:
    return root / STORE_DIR / DB_FILE


def find_root(start: Path) -> Path | None:
    """Walk up from ``start`` to the first directory holding roadmap.yaml, as git does."""
    here = start.resolve()
    for candidate in (here, *here.parents):
        if (candidate / ROADMAP_FILE).is_file():
            return candidate
    return None


def home_override(workspace: str | None = None) -> Path | None:
    """The workspace named by --workspace or ROADMAP_HOME, if any."""
    home = workspace or os.environ.get("ROADMAP_HOME")
    return Path(home).expanduser() if home else None


def db_override(db: str | None = None) -> Path | None:
    """The store named by --db or ROADMAP_DB, if any."""
    path = db or os.environ.get("ROADMAP_DB")
    return Path(path).expanduser() if path else None


def locate(workspace: str | None = None, db: str | None = None, cwd: Path | None = None) -> Workspace:
    """--workspace/ROADMAP_HOME, else the nearest roadmap.yaml, else the default workspace of the
    user's config (`roadmap config`); --db/ROADMAP_DB overrides the store."""
    root = home_override(workspace)
    if root is not None:
        if not (root / ROADMAP_FILE).is_file():
            raise NoWorkspace(
                f"no {ROADMAP_FILE} in {root}", hint="run `roadmap init` there, or point --workspace elsewhere"
            )
    else:
        start = cwd or Path.cwd()
        found = find_root(start)
        if found is None:
            from .config import default_workspace  # read only here: inside a workspace it costs nothing

            found = default_workspace()
        if found is None:
            raise NoWorkspace(
                f"no {ROADMAP_FILE} in {start} or any parent directory",
                hint="run `roadmap init` to create one, pass --workspace, "
                "or name a default: `roadmap config set workspace DIR`",
            )
        root = found
    return Workspace(root=root, db_path=db_override(db) or default_db(root))


def target_root(workspace: str | None = None, cwd: Path | None = None) -> Path:
    """The workspace a command that may create one works on: --workspace, the nearest one, or here."""
    here = cwd or Path.cwd()
    return home_override(workspace) or find_root(here) or here


# --- creating one ------------------------------------------------------------------


def bundled_roadmap() -> str:
    from importlib import resources

    return resources.files("roadmap_tracker").joinpath("data", ROADMAP_FILE).read_text(encoding="utf-8")


def with_start_date(text: str, started: date) -> str:
    """Set the top-level ``started:`` line, keeping the rest of the file (and its comments) as written."""
    line = f"started: {started.isoformat()}"
    if _STARTED.search(text):
        return _STARTED.sub(line, text, count=1)
    match = _VERSION.search(text)
    if match:
        return text[: match.end()] + "\n" + line + text[match.end() :]
    return line + "\n" + text


class Created(NamedTuple):
    workspace: Workspace
    text: str


def create(
    root: Path, text: str, source: str, started: date | None, db_path: Path | None = None, *, week_of: bool = False
) -> Created:
    """Validate the plan, then write roadmap.yaml and notes/; refuses an existing workspace.

    ``week_of``: ``started`` names a week ('6 weeks ago'), so week 1 begins on that week's first
    day as the plan counts weeks, rather than with a single day of it."""
    from .clock import today
    from .files import atomic_write
    from .plan.roadmap_file import load_roadmap

    target = root / ROADMAP_FILE
    if target.exists() or (root / STORE_DIR).exists():
        raise WorkspaceExists(
            f"{root} already holds a roadmap workspace", hint="nothing was changed; use `roadmap status` there"
        )
    roadmap = load_roadmap(Path(source), text)  # refuse a bad plan before writing anything
    if started is not None and week_of:
        from .dates import week_start

        started = week_start(started, roadmap.week_starts)
    if started is not None or roadmap.started is None:
        text = with_start_date(text, started or today())
        load_roadmap(Path(source), text)
    root.mkdir(parents=True, exist_ok=True)
    atomic_write(target, text)
    (root / roadmap.notes_dir).mkdir(parents=True, exist_ok=True)
    ignore_store(root)
    return Created(Workspace(root=root, db_path=db_path or default_db(root)), text)


GITIGNORE = ".gitignore"
_IGNORED = f"/{STORE_DIR}/"


def ignore_store(root: Path) -> bool:
    """Keep the store out of git: .roadmap/ is an index of the workspace's text (roadmap.yaml,
    notes/, history/), rebuilt from it on a clone. Adds one line to an existing .gitignore; True
    when it wrote something."""
    from .files import atomic_write

    path = root / GITIGNORE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError):
        return False  # a .gitignore we cannot read is left as it is
    lines = {line.strip() for line in text.splitlines()}
    if lines & {_IGNORED, f"{STORE_DIR}/", STORE_DIR, f"/{STORE_DIR}"}:
        return False
    comment = "# roadmap-tracker's index of roadmap.yaml, notes/ and history/: rebuilt on each machine"
    atomic_write(path, text + ("\n" if text and not text.endswith("\n") else "") + f"{comment}\n{_IGNORED}\n")
    return True


# --- where output may go ----------------------------------------------------------------


def output_target(ws: Workspace, path: Path, notes_dir: str, *, force: bool) -> Path:
    """Where ``-o PATH`` may write, or WouldOverwrite. Never over what the workspace keeps (the
    store and its files, roadmap.yaml, notes/, history/), never over anything but a regular file
    (a device, a folder, a pipe), and over another file only with ``force``."""
    target = path.expanduser()
    resolved = target.resolve()
    store = ws.db_path.resolve()
    kept = {
        store: "the progress store",
        **{store.with_name(store.name + end): "the progress store's journal" for end in ("-wal", "-shm", "-journal")},
        ws.roadmap_file.resolve(): "the plan, roadmap.yaml",
    }
    folders = {
        ws.store_dir.resolve(): "the store's folder",
        (ws.root / notes_dir).resolve(): "the diary's folder",
        (ws.root / "history").resolve(): "the history folder",
    }
    what = kept.get(resolved) or next(
        (name for folder, name in folders.items() if resolved == folder or folder in resolved.parents), None
    )
    if what:
        raise WouldOverwrite(
            f"{path} is in {what}" if resolved not in kept else f"{path} is {what}",
            hint="write the output somewhere else; nothing was changed",
        )
    if target.exists() or target.is_symlink():
        if not resolved.is_file():
            raise WouldOverwrite(
                f"{path} is not a regular file (a device, a folder or a pipe)",
                hint="leave out -o and redirect the output instead; nothing was changed",
            )
        if not force:
            raise WouldOverwrite(f"{path} already exists", hint="pass --force to replace it; nothing was changed")
    return resolved if target.is_symlink() else target
