"""Shared by the bench/probe_*.py scripts: machine line, timed probe runs, medians."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
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


def fresh_rounds(rounds: int, modes: Sequence[str], command: Callable[[str], list[str]],
                 show: Callable[[str, dict], str],
                 env: Callable[[str], dict[str, str]] | None = None) -> dict[str, list[dict]]:
    """Rounds of fresh processes, one per mode, each mode first in turn (the machine drifts
    over minutes); each process prints its report as its last line of JSON. Prints
    ``show(mode, report)`` as each ends; returns the reports by mode."""
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for i in range(rounds):
        for mode in [*modes[i % len(modes) :], *modes[: i % len(modes)]]:
            out = subprocess.run(command(mode), env=env(mode) if env else None,
                                 capture_output=True, text=True, check=True)  # fmt: skip
            runs[mode].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"  {mode:12s} {show(mode, runs[mode][-1])}", flush=True)
    return runs
