"""Every error the tool reports, and the exit code each one leaves with.

The domain raises these; only the CLI boundary (``cli.app``) turns them into a
one-line message on stderr and an exit code. A class's docstring is its default
message, so ``raise NoWorkspace()`` already says what went wrong.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What `roadmap` exits with. Listed in `roadmap --help` and the README."""

    OK = 0
    FAILURE = 1  # the command ran but found a problem (a broken link, say)
    USAGE = 2  # bad input: arguments, roadmap.yaml, a date, a URL, a notes file
    NOT_FOUND = 3  # no workspace, unknown item
    CONFLICT = 4  # ambiguous reference, refusing to overwrite
    STORE = 5  # the database is locked, newer than this tool, or damaged
    UNEXPECTED = 70  # a bug: run again with --debug for the traceback
    INTERRUPTED = 130  # Ctrl-C


EXIT_CODE_HELP = {
    ExitCode.OK: "success",
    ExitCode.FAILURE: "the command ran and found a problem (a broken link)",
    ExitCode.USAGE: "bad input: an option, roadmap.yaml, a date, an address, a notes file",
    ExitCode.NOT_FOUND: "no workspace, or no such item",
    ExitCode.CONFLICT: "ambiguous reference, or refusing to overwrite",
    ExitCode.STORE: "the progress store is locked, damaged or newer than this tool",
    ExitCode.UNEXPECTED: "an unexpected error (a bug; --debug shows the traceback)",
    ExitCode.INTERRUPTED: "interrupted with Ctrl-C",
}


class RoadmapError(Exception):
    """Something went wrong."""

    exit_code = ExitCode.FAILURE

    def __init__(self, message: str | None = None, hint: str | None = None):
        self.message = message or (self.__doc__ or "").strip()
        self.hint = hint
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message + (f" ({self.hint})" if self.hint else "")


# --- bad input: exit 2 -------------------------------------------------------------


class UsageError(RoadmapError):
    """Bad input."""

    exit_code = ExitCode.USAGE


class RoadmapFileError(UsageError):
    """roadmap.yaml cannot be used."""

    def __init__(self, path: str, line: int | None, column: int | None, problem: str):
        where = path if line is None else f"{path}:{line}:{column or 1}"
        self.path, self.line, self.column, self.problem = path, line, column, problem
        super().__init__(f"{where}: {problem}")


class BadDate(UsageError):
    """A date that cannot be read, or that lies outside the supported years."""


class BadWeek(UsageError):
    """A week number or week boundary that does not exist for this roadmap."""


class BadURL(UsageError):
    """The text is not a usable web address; give a full http:// or https:// link."""


class BadLink(UsageError):
    """That link cannot be stored."""


class DiaryError(UsageError):
    """A note that cannot be read. The message names the file and says what to fix."""


class MarkdownImportError(UsageError):
    """The input cannot be imported as a roadmap; the message is a single line."""


class BadBackup(UsageError):
    """The file is not a backup this roadmap-tracker can restore."""


# --- not found: exit 3 -------------------------------------------------------------


class NoWorkspace(RoadmapError):
    """No roadmap.yaml here or in any parent directory."""

    exit_code = ExitCode.NOT_FOUND


class UnknownItem(RoadmapError):
    """No item matches that reference."""

    exit_code = ExitCode.NOT_FOUND


class NoSuchLink(RoadmapError):
    """No link matches."""

    exit_code = ExitCode.NOT_FOUND


# --- conflicts: exit 4 -------------------------------------------------------------


class WorkspaceExists(RoadmapError):
    """A workspace already exists here."""

    exit_code = ExitCode.CONFLICT


class WouldOverwrite(RoadmapError):
    """That file is not one to write over."""

    exit_code = ExitCode.CONFLICT


class AmbiguousItem(RoadmapError):
    """More than one item matches that reference."""

    exit_code = ExitCode.CONFLICT


class NotEmpty(RoadmapError):
    """The workspace already holds progress."""

    exit_code = ExitCode.CONFLICT


# --- the rest ----------------------------------------------------------------------


class NoNetwork(RoadmapError):
    """No network: no address could be reached."""

    exit_code = ExitCode.FAILURE


class StoreError(RoadmapError):
    """The progress database cannot be used."""

    exit_code = ExitCode.STORE
