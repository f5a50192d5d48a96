"""Errors a user can cause, and the exit codes they map to.

    AdvisorError                 root; carries a one-line message and an optional title
    ├── UsageError               bad command-line arguments                      -> exit 2
    ├── InputError               a file the user gave us is unusable             -> exit 2
    │   ├── AnswersError         answers file (YAML): syntax, unknown key, bad value
    │   ├── ScanTableError       a project scan's detection table (YAML)
    │   ├── MeasurementsError    measurements file (JSON, contract 3)
    │   ├── RuleFileError        rule, question or criteria file (YAML)
    │   └── ProjectError         a project to scan (--project): not a readable folder
    ├── OutputError              a report or file could not be written             -> exit 2
    ├── RuleConflictError        two constraints that fired require different frameworks -> exit 2
    └── ProbeError               a probe could not measure a framework it was asked to -> exit 3

The core raises these and never prints or exits; only ``advisor.cli`` maps them to an
``ExitCode``. The exit codes are an API (see docs/cli.md, "Exit codes").
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from advisor.printable import printable


class ExitCode(IntEnum):
    OK = 0
    RULES_PROBLEMS = 1
    BAD_INPUT = 2
    PROBE_FAILED = 3
    HUNG_UP = 129  # SIGHUP: 128 + the signal's number, as a shell reports it
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    BROKEN_PIPE = 141  # stdout's reader went away: 128 + SIGPIPE, as for `yes | head`
    TERMINATED = 143  # SIGTERM


class AdvisorError(Exception):
    """Root of every error the advisor reports to a user."""

    exit_code = ExitCode.BAD_INPUT
    prefix = "error: "
    """What the command line says before the message (after ``advisor: ``)."""
    more: tuple[AdvisorError, ...] = ()
    """Further problems of the same run, reported with this one so a user sees them all."""

    def __init__(self, message: str, *, title: str = "") -> None:
        # Messages quote file names, keys and values from other people's files: none of their
        # escape sequences or control characters reaches a terminal through one.
        message = printable(message)
        super().__init__(message)
        self.message = message
        self.title = printable(title)

    def __str__(self) -> str:
        return self.message


class UsageError(AdvisorError):
    """Bad command-line arguments."""


class InputError(AdvisorError):
    """A user-supplied file is unusable; the message names the file (and key and line if known).

    The location is kept as fields too (``path``, ``key``, ``at``, ``line``, ``column``), so
    code that needs it reads them rather than parsing the message."""

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        *,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
        at: tuple[Any, ...] = (),
    ) -> None:
        self.path = str(path) if path is not None else None
        self.key = key
        """The key as the file spells it, e.g. ``rules[2].points``."""
        self.at = at
        """The same key as a path of keys and indexes, ``("rules", 2, "points")``, where known."""
        self.line = line
        self.column = column
        where = self.path or "<input>"
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        subject = self._subject()
        prefix = f"{where}: " + (f"{subject}: " if subject else "")
        # One diagnostic is one line: keys and values quoted from a file may hold line breaks.
        super().__init__((prefix + message).replace("\r", "\\r").replace("\n", "\\n"))
        self.detail = printable(message)

    def _subject(self) -> str | None:
        """What the message is about, before it: the key."""
        return self.key


class AnswersError(InputError):
    """An answers file is unusable. A file with several problems raises the first, with the
    others in ``more``, so that the user sees them all at once."""


class ScanTableError(InputError):
    """A detection table of the project scan (``rules/scan/*.yaml``, ``--tables``) is unusable.
    ``entry_id`` names the entry, and ``key`` is then the key within it."""

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        *,
        entry_id: str | None = None,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
        at: tuple[Any, ...] = (),
    ) -> None:
        self.entry_id = entry_id
        super().__init__(path, message, key=key, line=line, column=column, at=at)

    def _subject(self) -> str | None:
        if not self.entry_id:
            return self.key
        return f"entry {self.entry_id!r}" + (f" → {self.key}" if self.key else "")


class MeasurementsError(InputError):
    """A measurements file is unusable."""


class RuleFileError(InputError):
    """A rule, question or criteria file is unusable. ``rule_id`` names the rule, and ``key``
    is then the key within it."""

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        *,
        rule_id: str | None = None,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
        at: tuple[Any, ...] = (),
    ) -> None:
        self.rule_id = rule_id
        super().__init__(path, message, key=key, line=line, column=column, at=at)

    def _subject(self) -> str | None:
        if not self.rule_id:
            return self.key
        return f"rule {self.rule_id!r}" + (f" → {self.key}" if self.key else "")


class ProjectError(InputError):
    """A project given to scan is unusable: no such folder, not a folder, unreadable, or (when
    embedded) neither a path nor a ``ProjectScan``."""


class OutputError(AdvisorError):
    """A report or file could not be written (a missing folder, no permission, a full disk)."""


class RuleConflictError(AdvisorError):
    """Constraints that fired for these answers require different frameworks."""


class ProbeError(AdvisorError):
    """A probe could not measure a framework it was asked to (one error per framework, the
    others in ``more``)."""

    exit_code = ExitCode.PROBE_FAILED
    prefix = ""  # what could not be measured is an outcome of the run, said as it is
