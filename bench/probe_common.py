"""Shared by the bench/probe_*.py scripts: machine line, timed probe runs, medians."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from probes import ProbeSettings  # noqa: E402
from probes.machine import cpu_model, load_average  # noqa: E402
from probes.runner import Runner  # noqa: E402


def machine_line() -> str:
    load = load_average()
    return (f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, "
            f"load average {load:.2f} at start" if load is not None else "")  # fmt: skip


def timed_run(settings: ProbeSettings, **runner_args) -> tuple[dict, float, Runner]:
    """One probe run; returns (result, wall seconds including imports, runner)."""
    runner = Runner(settings, **runner_args)
    t = time.monotonic()
    result = runner.run()
    return result, time.monotonic() - t, runner


def med(values: list[float]) -> float:
    return statistics.median(values)
