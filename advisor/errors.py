"""Errors a user can cause, and the exit codes they map to.

    AdvisorError                 root; carries a one-line message and an optional title
    ├── UsageError               bad command-line arguments                      -> exit 2
    ├── InputError               a file the user gave us is unusable             -> exit 2
    │   ├── AnswersError         answers file (YAML): syntax, unknown key, bad value
    │   ├── MeasurementsError    measurements file (JSON, contract 3)
    │   └── RuleFileError        rule, question or criteria file (YAML)
    ├── OutputError              a report or file could not be written             -> exit 2
    ├── RuleConflictError        two constraints that fired require different frameworks -> exit 2
    └── ProbeError               a probe could not measure a framework it was asked to -> exit 3

The core raises these and never prints or exits; only ``advisor.cli`` maps them to an
``ExitCode``. The exit codes are an API (see README, "Exit codes").
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    OK = 0
    RULES_PROBLEMS = 1
    BAD_INPUT = 2
    PROBE_FAILED = 3
    HUNG_UP = 129  # SIGHUP: 128 + the signal's number, as a shell reports it
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM


class AdvisorError(Exception):
    """Root of every error the advisor reports to a user."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, message: str, *, title: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.title = title

    def __str__(self) -> str:
        return self.message


class UsageError(AdvisorError):
    """Bad command-line arguments."""


class InputError(AdvisorError):
    """A user-supplied file is unusable; the message names the file (and key and line if known)."""

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        *,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.key = key
        self.line = line
        self.column = column
        where = self.path or "<input>"
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        prefix = f"{where}: " + (f"{key}: " if key else "")
        # One diagnostic is one line: keys and values quoted from a file may hold line breaks.
        super().__init__((prefix + message).replace("\r", "\\r").replace("\n", "\\n"))
        self.detail = message


class AnswersError(InputError):
    """An answers file is unusable. A file with several problems raises the first, with the
    others in ``more``, so that the user sees them all at once."""

    more: tuple[AnswersError, ...] = ()


class MeasurementsError(InputError):
    """A measurements file is unusable."""


class RuleFileError(InputError):
    """A rule, question or criteria file is unusable."""

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        *,
        rule_id: str | None = None,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.rule_id = rule_id
        if rule_id:
            key = f"rule {rule_id!r}" + (f" → {key}" if key else "")
        super().__init__(path, message, key=key, line=line, column=column)


class OutputError(AdvisorError):
    """A report or file could not be written (a missing folder, no permission, a full disk)."""


class RuleConflictError(AdvisorError):
    """Constraints that fired for these answers require different frameworks."""


class ProbeError(AdvisorError):
    """A probe could not measure a framework it was asked to."""

    exit_code = ExitCode.PROBE_FAILED
