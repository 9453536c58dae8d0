"""The `roadmap` command line: thin commands that parse arguments, call the domain, and hand
what it returns to a view. Each command's module is imported only when that command runs."""

from .app import app, main

__all__ = ["app", "main"]
