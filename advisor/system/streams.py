"""The standard streams as scripts, CI jobs and containers leave them: not a terminal, closed,
full, or a pipe whose reader went away.

- ``write_stdout`` writes a report to stdout. A reader that went away raises
  ``BrokenPipeError``, which the command line turns into a quiet exit (141, as a shell reports
  ``yes | head``); a closed or full stdout is an ``OutputError`` (one line, exit 2).
- ``QuietStream`` wraps stderr for progress and diagnostics: once nobody reads it, it goes
  quiet instead of raising, so a report bound for ``--output`` is written regardless.
- ``say`` prints one diagnostic line on stderr, if anybody still reads it.
- ``terminal_problem`` says why the interactive app cannot run here (stdin or stdout is not a
  terminal), or nothing.

Whatever could not be written is dropped by pointing the stream's descriptor at /dev/null:
Python flushes stdout and stderr once more as it exits, and a failing flush there would print
"Exception ignored" and change the exit status to 120.
"""

from __future__ import annotations

import io
import os
import sys
from typing import TextIO, cast

from advisor.errors import OutputError


def reserve_standard_descriptors() -> None:
    """Open /dev/null on any of descriptors 0-2 that is closed (`advisor >&-`), so that no file
    the run opens later takes its number and receives what was meant for the stream.
    ``sys.stdout`` and friends stay None, as Python set them, so the streams still read as
    closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:  # the lowest free number is taken: only when a lower one is open
                os.dup2(opened, fd)
                os.close(opened)


def discard(stream: TextIO | None) -> None:
    """From now on, whatever is written to ``stream`` (and its descriptor) goes nowhere."""
    if stream is None:
        return
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def write_stdout(text: str) -> None:
    """Write a report to stdout. Raises ``BrokenPipeError`` when its reader went away and
    ``OutputError`` when stdout is closed or cannot take it (a full disk, /dev/full)."""
    out = sys.stdout
    if out is None:
        raise OutputError(
            "stdout is closed, so the report cannot be written there; give --output FILE"
        )
    try:
        try:
            out.write(text)
        except UnicodeEncodeError:  # a file name that is not UTF-8 text, quoted in the report
            out.flush()
            out.buffer.write(text.encode("utf-8", "surrogateescape"))
        out.flush()
    except BrokenPipeError:
        discard(out)
        raise
    except (OSError, ValueError) as exc:  # ENOSPC, EIO, EBADF; ValueError: closed by Python
        discard(out)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError(
            f"stdout: the report could not be written ({reason}); nothing more was written; "
            "give --output FILE"
        ) from None


class QuietStream(io.TextIOBase):
    """A text stream (stderr) that goes quiet, instead of raising, once it cannot be written:
    progress is worth nothing to a reader who is gone, and must never stop the report."""

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__()
        self._stream = stream
        self.gone = stream is None

    def _lost(self) -> None:
        self.gone = True
        discard(self._stream)

    def write(self, text: str) -> int:
        if not self.gone and self._stream is not None:
            try:
                self._stream.write(text)
                self._stream.flush()
            except (OSError, ValueError):
                self._lost()
        return len(text)

    def flush(self) -> None:
        if not self.gone and self._stream is not None:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._lost()

    def isatty(self) -> bool:
        if self.gone or self._stream is None:
            return False
        try:
            return self._stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self._stream is None:
            raise io.UnsupportedOperation("the stream is closed")
        return self._stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIOBase declares it read-only
        return getattr(self._stream, "encoding", None) or "utf-8"


def stderr() -> TextIO:
    """stderr, quiet once nobody reads it."""
    return cast(TextIO, QuietStream(sys.stderr))


def say(line: str) -> None:
    """One line on stderr, if anybody still reads it."""
    stderr().write(line + "\n")


def stdoutis_terminal() -> bool:
    return is_terminal(sys.stdout)


def terminal_problem() -> str | None:
    """Why the interactive app cannot run here, in one line, or None."""
    missing = [name for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout))
               if not is_terminal(stream)]  # fmt: skip
    if not missing:
        return None
    which = " and ".join(missing) + (" is" if len(missing) == 1 else " are")
    return (
        f"the interactive app needs a terminal, and {which} not one; without a terminal, run "
        "`advisor --answers FILE` (write FILE with `advisor questions --template > "
        "answers.yaml`), or `advisor --project DIR --format text` to answer from a scan of "
        "your repository"
    )


def is_terminal(stream: TextIO | None) -> bool:
    """Whether ``stream`` is a terminal; a closed or missing stream is not."""
    if stream is None:
        return False
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False
