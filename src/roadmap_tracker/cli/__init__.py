"""The `roadmap` command line. Command modules register themselves on ``app``."""

from __future__ import annotations

from .app import app, main
from . import progress  # noqa: F401  (registers the commands)
from . import links  # noqa: F401

__all__ = ["app", "main"]
