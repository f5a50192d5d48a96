"""Line-delimited JSON between the runner and a worker, on pipes of their own.

The worker's stdout and stderr belong to the frameworks (TensorFlow's C++ logging, oneDNN
banners, warnings); they go to a log file and are never parsed. Commands travel on one
inherited pipe, replies and progress events on another, one JSON object per line, so no
amount of log noise can corrupt or stall the conversation.

Runner -> worker: {"op": "<name>", ...arguments}
Worker -> runner: {"type": "hello" | "reply" | "error" | "event", ...}
"""

from __future__ import annotations

import json
import math
import os
import select
import time
from collections.abc import Callable

MAX_LINE_BYTES = 8 * 1024 * 1024  # logits and latency lists stay far below this


class ProtocolError(Exception):
    """The other side sent something that is not one JSON object per line."""


class ChannelClosed(Exception):
    """The other side closed its end (it exited or crashed)."""


class ChannelTimeout(Exception):
    """No complete line arrived before the deadline."""


class ChannelStopped(Exception):
    """The reader was told to stop waiting (a cancel)."""


def encode(message: dict) -> bytes:
    # allow_nan=False: NaN is not JSON, and a NaN loss must surface as an error here,
    # not as an unreadable line on the other side.
    return (json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n").encode()


def decode(line: bytes) -> dict:
    try:
        message = json.loads(line)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(f"not JSON: {_preview(line)}") from exc
    if not isinstance(message, dict):
        raise ProtocolError(f"not a JSON object: {_preview(line)}")
    return message


def _preview(line: bytes) -> str:
    text = line[:80].decode("utf-8", "replace").strip()
    return repr(text + ("…" if len(line) > 80 else ""))


def write_all(fd: int, data: bytes) -> None:
    while data:
        written = os.write(fd, data)
        data = data[written:]


def write_message(fd: int, message: dict) -> None:
    write_all(fd, encode(message))


class LineReader:
    """Reads whole lines from a pipe with a deadline, so a silent worker cannot hang us."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = b""
        self._eof = False

    def read(
        self,
        deadline: float,
        *,
        poll_s: float = 0.1,
        should_stop: Callable[[], bool] | None = None,
    ) -> dict:
        """The next message; raises ChannelTimeout at `deadline` (time.monotonic()),
        ChannelClosed at end of file, ProtocolError on garbage. `should_stop` is polled
        every `poll_s` so a cancel request is seen promptly; when it returns True the
        read gives up with ChannelStopped."""
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line, self._buffer = self._buffer[:newline], self._buffer[newline + 1 :]
                return decode(line)
            if len(self._buffer) > MAX_LINE_BYTES:
                raise ProtocolError(f"line longer than {MAX_LINE_BYTES} bytes")
            if self._eof:
                if self._buffer.strip():
                    raise ProtocolError(f"unterminated line: {_preview(self._buffer)}")
                raise ChannelClosed()
            if should_stop is not None and should_stop():
                raise ChannelStopped()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChannelTimeout()
            # Block outright when nothing needs polling (an idle worker must not spin).
            wait = min(poll_s, remaining) if should_stop is not None else remaining
            ready, _, _ = select.select([self.fd], [], [], None if wait == math.inf else wait)
            if ready:
                chunk = os.read(self.fd, 65536)
                if chunk:
                    self._buffer += chunk
                else:
                    self._eof = True
