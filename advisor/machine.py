"""This machine as a measurements file names the machine it was measured on: the CPU model and
the number of logical cores, read the way the probes read them (``probes/machine.py``) but
without importing the probes. A file that names another machine was measured somewhere else,
and its figures say less about this one (``advisor.scoring.measured``)."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class MachineId:
    """What identifies a machine in a measurements file (contract 3's ``machine``)."""

    cpu: str | None
    logical_cores: int | None

    def describe(self) -> str:
        cores = f", {self.logical_cores} logical cores" if self.logical_cores else ""
        return f"{self.cpu or 'an unnamed CPU'}{cores}"

    def same_as(self, other: MachineId) -> bool:
        """Whether ``other`` names this machine: the same CPU model and, where both say, the
        same number of logical cores. A file that names no CPU cannot be shown to be ours."""
        if not self.cpu or not other.cpu or _model(self.cpu) != _model(other.cpu):
            return False
        cores = (self.logical_cores, other.logical_cores)
        return None in cores or cores[0] == cores[1]


def _model(cpu: str) -> str:
    return " ".join(cpu.split()).casefold()


@lru_cache(maxsize=1)
def this_machine() -> MachineId:
    """This machine (read once per process)."""
    return MachineId(cpu_model(), logical_cores())


def cpu_model() -> str:
    """The CPU model as the probes write it in ``machine.cpu``."""
    cpuinfo = Path("/proc/cpuinfo")
    try:
        if cpuinfo.is_file():  # Linux
            for line in cpuinfo.read_text(errors="replace").splitlines():
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        import subprocess

        try:
            out = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"],
                                 capture_output=True, text=True, timeout=5)  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            out = None
        if out is not None and out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    return platform.processor() or platform.machine() or "unknown"


def logical_cores() -> int | None:
    """The logical CPUs of the host, as the probes count them (``logical_cores``)."""
    try:
        import psutil  # the probes count with it where it is installed
    except ImportError:
        return os.cpu_count()
    return psutil.cpu_count(logical=True) or os.cpu_count()
