"""Parsing Python in several processes, with results taken in the order the files were found.

Parsing is most of a large scan's time and one core does it at a time, so where the machine has
more than one core and forking is safe (no other thread runs, on a system that forks), the
sources go to worker processes forked from this one: they inherit the loaded tables, and send
back small ``SourceResult``s. A bounded window of files is in flight, so memory does not grow
with the tree, and results are handed on in the order the files were submitted, so a scan finds
the same examples whether it ran in one process or several. Anywhere else, the same work runs
here, in order.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

from advisor.scan.sources import SourceResult, read_source
from advisor.scan.tables import Tables

WINDOW_PER_WORKER = 8
"""Files in flight per worker: enough to keep them busy, few enough to bound memory."""
INLINE_FIRST = 48
"""Sources parsed here before workers start: a small project is done before they would be."""

_TABLES: Tables | None = None
"""The tables a forked worker inherited."""


def _init_worker() -> None:
    # The parent decides when to stop: Ctrl-C, a hang-up or a terminal's SIGTERM reach the
    # whole process group, and the parent then shuts the pool down.
    for name in ("SIGINT", "SIGHUP", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def _read(kind: str, rel: str, data: bytes) -> SourceResult:
    assert _TABLES is not None
    return read_source(kind, rel, data, _TABLES)


def worker_count() -> int:
    """How many worker processes to use: 0 (parse here) unless forking is safe and useful."""
    if sys.platform not in ("linux", "darwin") or threading.active_count() > 1:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores if cores and cores > 1 else 0


class Sources:
    """Hands Python files and notebooks to ``read_source`` and their results to ``on_result``,
    in submission order."""

    def __init__(self, tables: Tables, on_result: Callable[[SourceResult], None],
                 workers: int | None = None) -> None:  # fmt: skip
        self.tables = tables
        self.on_result = on_result
        self.workers = worker_count() if workers is None else workers
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[Future[SourceResult]] = deque()
        self._inline = 0

    def submit(self, kind: str, rel: str, data: bytes) -> None:
        if self.workers < 2 or self._inline < INLINE_FIRST:
            self._inline += 1
            self.on_result(read_source(kind, rel, data, self.tables))
            return
        if self._pool is None:
            global _TABLES
            _TABLES = self.tables  # inherited by the forked workers
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker)
        self._pending.append(self._pool.submit(_read, kind, rel, data))
        while len(self._pending) > WINDOW_PER_WORKER * self.workers:
            self.on_result(self._pending.popleft().result())

    def finish(self) -> None:
        """Hand on every result still pending, and stop the workers."""
        try:
            while self._pending:
                self.on_result(self._pending.popleft().result())
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers, dropping what is pending (after an error or a cancel)."""
        self._pending.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
