"""Launching the fake worker in place of a real one (shared by fixtures and drivers)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from probes.disturbance import Snapshot

FAKE_WORKER = Path(__file__).with_name("fake_worker.py")


# Runs the rest of its argv under an address-space limit (RLIMIT_AS, as `ulimit -v` sets it).
LIMITED = ("import os, resource, sys; limit = int(sys.argv[1]); "
           "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); "
           "os.execv(sys.argv[2], sys.argv[2:])")  # fmt: skip


def fake_launcher(
    modes: dict[str, str], pidfile: Path | None = None, oplog: Path | None = None, *,
    address_space: dict[str, int] | None = None,
) -> Callable[[str, int], list[str]]:  # fmt: skip
    """A launcher that starts fake_worker.py in `modes[framework]` (default "ok"); each
    worker appends its pid to `pidfile` and the commands it runs to `oplog` (workers get
    an allow-listed environment only, so files are passed as arguments). A framework in
    `address_space` runs under that limit, in bytes."""

    def launch(framework: str, threads: int) -> list[str]:
        extra = ["--pidfile", str(pidfile)] if pidfile else []
        extra += ["--oplog", str(oplog)] if oplog else []
        argv = [sys.executable, str(FAKE_WORKER), "--mode", modes.get(framework, "ok"),
                "--framework", framework, "--threads", str(threads), *extra]  # fmt: skip
        limit = (address_space or {}).get(framework)
        return argv if limit is None else [sys.executable, "-c", LIMITED, str(limit), *argv]

    return launch


class FakeSampler:
    """What a sampler reads, made up: the runner takes a snapshot before and after every
    timed command, so the k-th pair of snapshots is the k-th timed window. Each pair spans
    one made-up second, and during the windows in ``disturbed`` (all, with None) other
    processes use ``cores`` of the CPUs; the fake workers' own windows last milliseconds."""

    def __init__(self, disturbed: Collection[int] | None = None, cores: float = 1.0) -> None:
        self.disturbed, self.cores = disturbed, cores
        self.calls = 0
        self.busy_s = 0.0

    def snapshot(self, pids: Sequence[int]) -> Snapshot:
        window, after = divmod(self.calls, 2)
        if after and (self.disturbed is None or window in self.disturbed):
            self.busy_s += self.cores
        self.calls += 1
        return Snapshot(float(self.calls), self.busy_s, 0.0, {pid: 0.0 for pid in (0, *pids)})
