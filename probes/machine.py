"""What machine the probe ran on (contract 3's `machine`) and the fingerprint the cache keys on.

Framework-free: versions come from package metadata, not from importing the packages.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

from probes.cpus import CpuBudget, logical_count, physical_count

# Distributions whose versions change what a probe measures.
MEASURED_DISTRIBUTIONS = ("torch", "tensorflow", "keras", "jax", "jaxlib", "numpy",
                          "scikit-learn")  # fmt: skip


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():  # Linux
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    if sys.platform == "darwin":
        import subprocess

        out = subprocess.run(
            ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True
        )
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    return platform.processor() or platform.machine() or "unknown"


def memory_gb() -> float | None:
    try:
        import psutil
    except ImportError:
        if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
            return round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)
        return None
    return round(psutil.virtual_memory().total / 2**30, 1)


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for dist in MEASURED_DISTRIBUTIONS:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = None
    return found


def describe(cpus: CpuBudget) -> dict:
    """Contract 3's `machine`, minus what only the workers know (accelerators, peak)."""
    return {
        "cpu": cpu_model(),
        "arch": platform.machine(),
        "logical_cores": logical_count(),
        "physical_cores": physical_count(),
        "threads_used": cpus.threads,
        "cpus": cpus.to_dict(),
        "memory_gb": memory_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_avg_1m": load_average(),
        "accelerators": [],
    }


def fingerprint(cpus: CpuBudget) -> str:
    """Stable across runs on one machine, different when hardware, OS or versions change."""
    identity = {
        "host": platform.node(),
        "cpu": cpu_model(),
        "arch": platform.machine(),
        "logical": logical_count(),
        "threads": cpus.threads,
        "memory_gb": memory_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version,
        "executable": sys.executable,
        "versions": versions(),
    }
    blob = json.dumps(identity, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
