"""How many CPUs this process may really use, and the thread settings derived from it.

Neither framework reads the cgroup quota (tensorflow#17206, pytorch#64864), and TensorFlow
sizes its pools from all logical CPUs of the host, so under `docker --cpus=2` on a big host
both would oversubscribe. We take the smallest of: the affinity mask, the cgroup CPU quota
(v2 `cpu.max` or v1 `cfs_quota_us`, on this cgroup and every ancestor), and the user's cap.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

_CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class CpuBudget:
    threads: int  # what both workers are told to use
    logical: int | None  # logical CPUs of the host
    affinity: int | None  # CPUs in this process's affinity mask
    quota: float | None  # CPUs' worth of cgroup quota, None when unlimited or unknown
    limited_by: str  # "affinity", "cgroup quota", "user cap" or "cpu count"

    def to_dict(self) -> dict:
        return {
            "threads": self.threads,
            "logical": self.logical,
            "affinity": self.affinity,
            "cgroup_quota": self.quota,
            "limited_by": self.limited_by,
        }


def affinity_count() -> int | None:
    getter = getattr(os, "sched_getaffinity", None)
    if getter is None:  # macOS, Windows
        return None
    return len(getter(0))


def pin_to(threads: int) -> list[int] | None:
    """Keep this process on ``threads`` of the CPUs it may run on, when it may run on more;
    returns the CPUs it keeps, or None when nothing changed (or pinning is not possible).

    For a runtime that takes no thread count (XLA's CPU pool has as many threads as the
    process has CPUs): what a user does with ``taskset``, so it uses as many as the others."""
    getter = getattr(os, "sched_getaffinity", None)
    setter = getattr(os, "sched_setaffinity", None)
    if getter is None or setter is None:
        return None
    cpus = sorted(getter(0))
    if threads >= len(cpus):
        return None
    setter(0, cpus[:threads])
    return cpus[:threads]


def _cgroup_paths(proc_cgroup: str) -> list[tuple[str, str]]:
    """(hierarchy controllers, path) pairs from /proc/self/cgroup."""
    pairs = []
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            pairs.append((parts[1], parts[2]))
    return pairs


def _quota_v2(text: str) -> float | None:
    fields = text.split()
    if len(fields) != 2 or fields[0] == "max":
        return None
    return int(fields[0]) / int(fields[1])


def _quota_v1(quota_text: str, period_text: str) -> float | None:
    quota = int(quota_text.strip())
    if quota <= 0:  # -1: unlimited
        return None
    return quota / int(period_text.strip())


def cgroup_quota(root: Path = _CGROUP_ROOT, proc_cgroup: str | None = None) -> float | None:
    """The tightest CPU quota on this process's cgroup path, in CPUs; None if unlimited."""
    if proc_cgroup is None:
        try:
            proc_cgroup = Path("/proc/self/cgroup").read_text()
        except OSError:
            return None
    quotas: list[float] = []
    for controllers, rel in _cgroup_paths(proc_cgroup):
        rel_parts = [p for p in rel.split("/") if p]
        if controllers == "":  # cgroup v2 unified hierarchy
            bases = [root]
        elif "cpu" in controllers.split(","):
            bases = [root / controllers, root / "cpu,cpuacct", root / "cpu"]
        else:
            continue
        for base in bases:
            if not base.is_dir():
                continue
            # A limit on any ancestor applies too; in a container the path may not be
            # visible, and then the root of the namespace holds the limit.
            for depth in range(len(rel_parts), -1, -1):
                d = base.joinpath(*rel_parts[:depth])
                try:
                    if controllers == "":
                        q = _quota_v2((d / "cpu.max").read_text())
                    else:
                        q = _quota_v1(
                            (d / "cpu.cfs_quota_us").read_text(),
                            (d / "cpu.cfs_period_us").read_text(),
                        )
                except (OSError, ValueError):
                    continue
                if q is not None:
                    quotas.append(q)
            break
    return min(quotas) if quotas else None


def logical_count() -> int | None:
    try:
        import psutil  # optional: only the probes extra installs it
    except ImportError:
        return os.cpu_count()
    return psutil.cpu_count(logical=True) or os.cpu_count()


def physical_count() -> int | None:
    try:
        import psutil
    except ImportError:
        return None
    return psutil.cpu_count(logical=False)


def cpu_budget(cap: int | None = None) -> CpuBudget:
    logical = logical_count()
    affinity = affinity_count()
    quota = cgroup_quota()
    candidates: list[tuple[int, str]] = []
    if affinity is not None:
        candidates.append((affinity, "affinity"))
    if quota is not None:
        # A quota of 1.5 CPUs lets two threads make progress; rounding down would idle one.
        candidates.append((max(1, math.ceil(quota)), "cgroup quota"))
    if cap is not None:
        candidates.append((cap, "user cap"))
    if not candidates:
        candidates.append((logical or 1, "cpu count"))
    threads, limited_by = min(candidates, key=lambda c: c[0])
    return CpuBudget(threads, logical, affinity, quota, limited_by)


def thread_environment(threads: int) -> dict[str, str]:
    """Variables both workers get, read by the OpenMP/MKL runtimes before any pool exists."""
    n = str(threads)
    return {
        "OMP_NUM_THREADS": n,
        "MKL_NUM_THREADS": n,
        "OPENBLAS_NUM_THREADS": n,
        "TF_NUM_INTRAOP_THREADS": n,
        # TensorFlow runs independent ops side by side in its inter-op pool, which a user's
        # script leaves at one thread per CPU: with one thread the transformer's attention
        # kept 1.4 of 2 cores busy and trained a quarter slower than a user's fit().
        "TF_NUM_INTEROP_THREADS": n,
    }
