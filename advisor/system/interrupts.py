"""SIGTERM and SIGHUP handled like Ctrl-C, and a second signal never cuts the first one's
clean-up short.

Python turns Ctrl-C (SIGINT) into ``KeyboardInterrupt`` in the main thread, so every
``finally`` on the way out runs: the probe runner kills and reaps its workers and removes its
temporary folder. SIGTERM (``kill``, a service manager) and SIGHUP (the terminal closed) would
otherwise end the process on the spot and leave both behind. Here they become ``Terminated``,
a ``KeyboardInterrupt``, so the same clean-up runs; the exit status is 128 + the signal's
number, as a shell reports a process the signal ended (143, 129).

The app is different: an exception raised in the middle of Textual's event loop would leave the
terminal in raw mode. There the signal asks the app to exit, which stops a running probe the
way leaving its screen does, and ``Terminated`` is raised once the app has closed.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from advisor.errors import ExitCode

HANDLED = (signal.SIGTERM, signal.SIGHUP)
_NAMES: dict[int, str] = {
    signal.SIGTERM: "terminated (SIGTERM)",
    signal.SIGHUP: "hung up (SIGHUP)",
}


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived; raised in the main thread like Ctrl-C's KeyboardInterrupt."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def exit_code(interrupt: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 128 + the signal's number for a termination signal."""
    if isinstance(interrupt, Terminated):
        return 128 + interrupt.signum
    return int(ExitCode.INTERRUPTED)


def describe(interrupt: KeyboardInterrupt) -> str:
    if isinstance(interrupt, Terminated):
        return _NAMES.get(interrupt.signum, f"stopped by signal {interrupt.signum}")
    return "interrupted"


@contextmanager
def _handlers(
    handler: Callable[[int, FrameType | None], Any],
    signals: tuple[int, ...] = HANDLED,
    keep_ignored: list[int] | None = None,
) -> Iterator[None]:
    """``handler`` for ``signals`` within the block; after it, the previous handlers, or (when
    ``keep_ignored`` holds a signal received) none: the signals are then ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; an embedding program keeps its own
        return
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, signal.SIG_IGN if keep_ignored else old)


@contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Within the block, Ctrl-C raises ``KeyboardInterrupt`` and SIGTERM and SIGHUP raise
    ``Terminated`` in the main thread. Any signal after the first is ignored: a second Ctrl-C
    pressed while the first one's clean-up runs must not cut it short (it would leave a probe
    worker running). Once one has arrived the process is on its way out, and the signals stay
    ignored after the block, so its last words are not cut short either."""
    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if received:
            return
        received.append(signum)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated(signum)

    with _handlers(handler, (*HANDLED, signal.SIGINT), keep_ignored=received):
        yield


@contextmanager
def app_exits_on_signals(app: Any) -> Iterator[None]:
    """Within the block (which runs ``app``), SIGTERM and SIGHUP make ``app`` exit, from its
    own event loop; ``Terminated`` is raised after the block once it has."""
    import asyncio  # here, not above: the CLI's quick paths never load it

    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if received:
            return
        received.append(signum)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # before the app's loop started or after it ended
            raise Terminated(signum) from None
        loop.call_soon_threadsafe(app.exit)

    with _handlers(handler):
        yield
    if received:
        raise Terminated(received[0])
