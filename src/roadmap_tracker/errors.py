"""Domain exceptions and exit codes.

The domain raises these; only the CLI boundary (``cli.main``) turns them into a
one-line message on stderr and an exit code.
"""

from __future__ import annotations

# Named exit codes, so the numbers live in one place.
OK = 0
FAILURE = 1  # the command ran but found a problem (a broken link, say)
USAGE = 2  # bad input: arguments, roadmap.yaml, a date, a URL
NOT_FOUND = 3  # no workspace, unknown item
CONFLICT = 4  # ambiguous reference, refusing to overwrite
STORE = 5  # the database is locked, newer than this tool, or damaged


class RoadmapError(Exception):
    """Something went wrong."""

    exit_code = FAILURE

    def __init__(self, message: str | None = None, hint: str | None = None):
        self.message = message or (self.__doc__ or "").strip()
        self.hint = hint
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message + (f" ({self.hint})" if self.hint else "")


class UsageError(RoadmapError):
    """Bad input."""

    exit_code = USAGE


class RoadmapFileError(UsageError):
    """roadmap.yaml cannot be used."""

    def __init__(self, path: str, line: int | None, column: int | None, problem: str):
        where = path if line is None else f"{path}:{line}:{column or 1}"
        self.path, self.line, self.column, self.problem = path, line, column, problem
        super().__init__(f"{where}: {problem}")


class NoWorkspace(RoadmapError):
    """No roadmap.yaml here or in any parent directory."""

    exit_code = NOT_FOUND


class WorkspaceExists(RoadmapError):
    """A workspace already exists here."""

    exit_code = CONFLICT


class UnknownItem(RoadmapError):
    """No item matches that reference."""

    exit_code = NOT_FOUND


class AmbiguousItem(RoadmapError):
    """More than one item matches that reference."""

    exit_code = CONFLICT


class StoreError(RoadmapError):
    """The progress database cannot be used."""

    exit_code = STORE
