"""What the rest of the machine did while a window was timed.

A figure is worth scoring only when the probe had the CPUs it asked for. A neighbour that
holds a core does not slow both frameworks alike: PyTorch's OpenMP pool, one thread per core,
waits at every parallel region for the thread that shares its core, and fell from about 4,000
to 370 samples/s beside one busy process on two cores, while TensorFlow's pools barely moved.
The load average before a probe cannot see a job that starts during it, so every timed window
is sampled: the CPU time spent on the probe's CPUs (``/proc/stat``, one line per CPU), less
the CPU time of the probe's own processes (``/proc/<pid>/stat`` of each worker, and the
runner's own), is what other processes used; the hypervisor's steal time, where the kernel
reports it, is counted apart. psutil stands in where there is no ``/proc`` (macOS).

Stdlib only (psutil optional): the runner imports this.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

# A window is disturbed when other processes (and steal) used more than this share of the
# cores the probe uses: on two cores, 0.4 of a core. One busy neighbour gets half a core or
# more beside a worker that keeps both cores busy, and a desktop's background stays far below.
BUSY_SHARE = 0.2
# A framework whose windows are disturbed more often than this is not measured at all.
MOSTLY = 0.5
# Under this, the kernel's 10 ms ticks make the CPU-time difference meaningless.
SHORTEST_S = 0.1

_PROC = Path("/proc")


@dataclass(frozen=True)
class Snapshot:
    """CPU seconds at one moment: of the probe's CPUs (None where unknown) and of its own
    processes (by pid; the runner's own under pid 0)."""

    at: float
    busy_s: float | None
    steal_s: float | None
    ours: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Disturbance:
    """What other processes and the hypervisor used of the probe's CPUs during an interval,
    in cores (1.0: one core's worth, all the time)."""

    others_cores: float
    steal_cores: float
    seconds: float

    @property
    def cores(self) -> float:
        return self.others_cores + self.steal_cores


class Sampler(Protocol):
    def snapshot(self, pids: Sequence[int]) -> Snapshot:
        """The counters now, with the CPU time of each of the probe's ``pids``."""


def limit_cores(threads: int) -> float:
    """How much of the probe's CPUs other processes may use before a window is disturbed."""
    return BUSY_SHARE * threads


def between(a: Snapshot, b: Snapshot) -> Disturbance | None:
    """What others did from ``a`` to ``b``; None when it cannot be known (no per-CPU counters
    here, a window too short for the kernel's ticks, or a process of ours that vanished)."""
    seconds = b.at - a.at
    if a.busy_s is None or b.busy_s is None or seconds < SHORTEST_S:
        return None
    if set(a.ours) != set(b.ours):
        return None
    ours = sum(b.ours[pid] - a.ours[pid] for pid in a.ours)
    steal = (b.steal_s or 0.0) - (a.steal_s or 0.0)
    others = max(0.0, b.busy_s - a.busy_s - ours)
    return Disturbance(others / seconds, max(0.0, steal) / seconds, seconds)


def cpu_seconds_of(pids: Sequence[int], snapshot: tuple[Snapshot, Snapshot]) -> float | None:
    """The CPU seconds ``pids`` used between two snapshots; None if one was unreadable."""
    a, b = snapshot
    if not all(pid in a.ours and pid in b.ours for pid in pids):
        return None
    return sum(b.ours[pid] - a.ours[pid] for pid in pids)


# --- reading the counters -------------------------------------------------------------------


def parse_stat(text: str, cpus: Collection[int], tick_s: float) -> tuple[float, float] | None:
    """Busy and steal seconds of ``cpus`` from the text of /proc/stat; None if it has no
    per-CPU lines for them. Busy is user + nice + system + irq + softirq (guest time is
    already inside user and nice); idle and iowait are not busy."""
    busy = steal = 0
    seen = 0
    for line in text.splitlines():
        name, _, rest = line.partition(" ")
        if not (name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus):
            continue
        f = [int(x) for x in rest.split()]
        busy += f[0] + f[1] + f[2] + (f[5] if len(f) > 5 else 0) + (f[6] if len(f) > 6 else 0)
        steal += f[7] if len(f) > 7 else 0
        seen += 1
    if seen == 0:
        return None
    return busy * tick_s, steal * tick_s


def parse_pid_stat(text: str, tick_s: float) -> float:
    """User + system seconds of a process from the text of /proc/<pid>/stat (all threads)."""
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * tick_s


class ProcSampler:
    """Reads /proc (Linux); falls back to psutil, or to nothing, elsewhere."""

    def __init__(self, cpus: Collection[int] | None = None) -> None:
        if cpus is None:
            cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else ()
        self.cpus = frozenset(cpus)
        self.tick_s = 1.0 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01
        self._machine: Callable[[], tuple[float, float] | None]
        self._process: Callable[[int], float | None]
        if (_PROC / "stat").is_file():
            self._machine, self._process = self._proc_machine, self._proc_process
        else:
            self._machine, self._process = _psutil_readers(self.cpus)

    def snapshot(self, pids: Sequence[int]) -> Snapshot:
        ours: dict[int, float] = {}
        for pid in pids:
            seconds = self._process(pid)
            if seconds is not None:
                ours[pid] = seconds
        own = os.times()
        ours[0] = own.user + own.system  # the runner (and, in the app, the app itself)
        machine = self._machine()
        busy, steal = machine if machine is not None else (None, None)
        return Snapshot(time.monotonic(), busy, steal, ours)

    def _proc_machine(self) -> tuple[float, float] | None:
        try:
            text = (_PROC / "stat").read_text()
        except OSError:
            return None
        return parse_stat(text, self.cpus, self.tick_s)

    def _proc_process(self, pid: int) -> float | None:
        try:
            return parse_pid_stat((_PROC / str(pid) / "stat").read_text(), self.tick_s)
        except (OSError, IndexError, ValueError):
            return None


def _psutil_readers(
    cpus: frozenset[int],
) -> tuple[Callable[[], tuple[float, float] | None], Callable[[int], float | None]]:
    try:
        import psutil
    except ImportError:
        return (lambda: None), (lambda pid: None)

    def machine() -> tuple[float, float] | None:
        per_cpu = psutil.cpu_times(percpu=True)
        chosen = [t for i, t in enumerate(per_cpu) if not cpus or i in cpus]
        busy = sum(t.user + t.system + getattr(t, "nice", 0.0) + getattr(t, "irq", 0.0)
                   + getattr(t, "softirq", 0.0) for t in chosen)  # fmt: skip
        return busy, sum(getattr(t, "steal", 0.0) for t in chosen)

    def process(pid: int) -> float | None:
        try:
            t = psutil.Process(pid).cpu_times()
        except (psutil.Error, OSError):
            return None
        return float(t.user + t.system)

    return machine, process
