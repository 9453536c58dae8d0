"""The learner's own settings: a YAML file in the platform's config folder (``ROADMAP_CONFIG``
names another), holding a default workspace, so that `roadmap status` works from any directory,
as jrnl does.

The file is read only when a command found no workspace by option, environment or walking up:
everyday commands inside a workspace never open it. Nothing here prints.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from .errors import NoWorkspace, UsageError

APP = "roadmap-tracker"
# Each setting and what it is for (`roadmap config` lists them).
KEYS = {"workspace": "the workspace to use when none is found here or above (a folder holding roadmap.yaml)"}


def path() -> Path:
    """The config file: $ROADMAP_CONFIG, else config.yaml in the platform's config folder
    (~/.config/roadmap-tracker on Linux, honouring XDG_CONFIG_HOME)."""
    named = os.environ.get("ROADMAP_CONFIG")
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP) / "config.yaml"


def load(where: Path | None = None) -> dict[str, str]:
    """The settings in the file (none when there is no file); a file that is not KEY: VALUE
    lines of known keys is refused with its line."""
    where = where or path()
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{where}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from exc
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise UsageError(f"{where}{at}: not YAML ({getattr(exc, 'problem', None) or exc})", hint=_FIX) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected lines of KEY: VALUE", hint=_FIX)
    for key, value in data.items():
        if key not in KEYS:
            raise UsageError(f"{where}: unknown setting {key!r}; known: {', '.join(KEYS)}", hint=_FIX)
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"{where}: {key} must be a path, not {value!r}", hint=_FIX)
    return dict(data)


_FIX = "fix the file, or set it again with `roadmap config set KEY VALUE`"


class Setting(NamedTuple):
    key: str
    value: str | None
    source: str  # the file it came from, or "not set"
    about: str


def settings() -> list[Setting]:
    """Every setting, its value and where it came from."""
    where = path()
    found = load(where)
    return [
        Setting(key, found.get(key), str(where) if key in found else "not set", about) for key, about in KEYS.items()
    ]


def set_value(key: str, value: str | None) -> Path:
    """Set (or, with None, remove) one setting; the file is written atomically. Returns its path."""
    if key not in KEYS:
        raise UsageError(f"unknown setting {key!r}; known: {', '.join(KEYS)}")
    where = path()
    data = load(where)
    if value is None:
        data.pop(key, None)
    else:
        data[key] = _workspace(value)
    import yaml

    from .files import atomic_write

    where.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(where, yaml.safe_dump(data, allow_unicode=True, sort_keys=True, default_flow_style=False))
    return where


def _workspace(value: str) -> str:
    from .workspace import ROADMAP_FILE

    root = Path(value).expanduser().resolve()
    if not (root / ROADMAP_FILE).is_file():
        raise NoWorkspace(f"no {ROADMAP_FILE} in {root}", hint="run `roadmap init` there first, or name another folder")
    return str(root)


def default_workspace() -> Path | None:
    """The workspace the config names, if any; one that is gone is refused, naming the file."""
    where = path()
    value = load(where).get("workspace")
    if value is None:
        return None
    from .workspace import ROADMAP_FILE

    root = Path(value).expanduser()
    if not (root / ROADMAP_FILE).is_file():
        raise NoWorkspace(
            f"no {ROADMAP_FILE} in {root}, the default workspace {where} names",
            hint="`roadmap config set workspace DIR` names another",
        )
    return root
