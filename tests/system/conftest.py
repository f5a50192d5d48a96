"""The advisor as a script, a CI job or a container runs it: real processes, with their
standard streams wired the way those callers wire them (issue 22)."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
EXAMPLE = TESTS.parent / "examples" / "android-app.yaml"
MEASUREMENTS = TESTS / "data" / "measurements-ok.json"

# A run of `python DRIVER ARGS...` is `advisor ARGS...` with the probe replaced by one that
# returns the result in RESULT after announcing EVENTS phases (spaced by PAUSE_S), and adds a
# line to the file RUNS (if set) each time it measures, so the probing commands run their
# real code paths (cache, progress, report) in milliseconds.
DRIVER = """
import json, os, sys, time
import probes
from probes import ProbeEvent

def run_probes(settings, *, on_event=None, cancel=None):
    if os.environ.get("RUNS"):
        with open(os.environ["RUNS"], "a") as runs:
            runs.write("measured\\n")
    for i in range(int(os.environ.get("EVENTS", "0"))):
        time.sleep(float(os.environ.get("PAUSE_S", "0")))
        if on_event is not None:
            on_event(ProbeEvent("pytorch", f"phase-{i}", i, 0, None, "", "", "cnn"))
    with open(os.environ["RESULT"], encoding="utf-8") as f:
        return json.load(f)

probes.run_probes = run_probes
from advisor.cli import main
sys.exit(main(sys.argv[1:]))
"""


def probe_result() -> dict:
    """A complete contract-3 result, as a fresh probe of this machine would return it."""
    return on_this_machine(json.loads(MEASUREMENTS.read_text(encoding="utf-8")))


def on_this_machine(data: dict) -> dict:
    """``data`` with the ``machine`` this machine is (as the probes would write it)."""
    from advisor.machine import this_machine

    here = this_machine()
    data["machine"].update(cpu=here.cpu, logical_cores=here.logical_cores)
    return data


@pytest.fixture
def advisor_env(tmp_path: Path, cache_dir: Path) -> dict[str, str]:
    """The environment of a scripted run: a private cache and a probe result to return."""
    result = tmp_path / "probe-result.json"
    result.write_text(json.dumps(probe_result()), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COLUMNS"}}
    env.update(PYTHONIOENCODING="utf-8", RESULT=str(result), ADVISOR_CACHE_DIR=str(cache_dir))
    return env


@pytest.fixture
def advisor_argv(tmp_path: Path) -> Callable[..., list[str]]:
    """advisor_argv(*args) -> the argv of `advisor ARGS` with the fake probe."""
    driver = tmp_path / "driver.py"
    driver.write_text(textwrap.dedent(DRIVER), encoding="utf-8")

    def _argv(*args: str | Path) -> list[str]:
        return [sys.executable, str(driver), *map(str, args)]

    return _argv
