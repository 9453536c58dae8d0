"""The `roadmap` command line. Command modules register themselves on ``app``."""

from __future__ import annotations

from .app import app, main
# Importing a module registers its commands, in the order `roadmap --help` lists them.
from . import progress  # noqa: F401
from . import journal  # noqa: F401
from . import links  # noqa: F401
from . import reports  # noqa: F401

__all__ = ["app", "main"]
