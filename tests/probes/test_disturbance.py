"""What other processes do during a window (probes/disturbance.py): the counters' arithmetic on
written /proc text, and a real busy process seen by the real sampler."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from probes.disturbance import (
    ProcSampler,
    Snapshot,
    between,
    cpu_seconds_of,
    limit_cores,
    parse_pid_stat,
    parse_stat,
)

STAT = """cpu  900 10 300 5000 20 5 7 40 0 0
cpu0 400 5 100 2500 10 2 3 20 0 0
cpu1 300 5 150 2400 10 2 3 15 0 0
cpu2 200 0 50 100 0 1 1 5 0 0
intr 12345
ctxt 6789
"""


def test_busy_time_is_summed_over_the_probes_cpus_only() -> None:
    busy, steal = parse_stat(STAT, {0, 1}, 0.01)  # type: ignore[misc]
    # user + nice + system + irq + softirq of cpu0 and cpu1; idle and iowait are not busy
    assert busy == pytest.approx((400 + 5 + 100 + 2 + 3 + 300 + 5 + 150 + 2 + 3) * 0.01)
    assert steal == pytest.approx((20 + 15) * 0.01)
    assert parse_stat(STAT, {7}, 0.01) is None  # no line for the CPU: unknown, not zero


def test_a_process_name_with_brackets_and_spaces_is_read_right() -> None:
    # the command name may hold anything; the fields after its closing bracket are fixed
    text = "4242 (python (worker) 1) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 9"
    assert parse_pid_stat(text, 0.01) == pytest.approx(3.0)


def test_others_are_the_busy_time_less_the_probes_own() -> None:
    a = Snapshot(10.0, busy_s=100.0, steal_s=1.0, ours={0: 5.0, 11: 20.0})
    b = Snapshot(12.0, busy_s=104.0, steal_s=1.2, ours={0: 5.2, 11: 22.8})
    load = between(a, b)
    assert load is not None
    assert load.others_cores == pytest.approx((4.0 - 3.0) / 2.0)  # 1 s of others in 2 s
    assert load.steal_cores == pytest.approx(0.1)
    assert load.cores == pytest.approx(0.6)
    assert cpu_seconds_of([11], (a, b)) == pytest.approx(2.8)
    assert cpu_seconds_of([12], (a, b)) is None


def test_an_interval_that_cannot_be_read_is_unknown_not_quiet() -> None:
    a = Snapshot(10.0, busy_s=100.0, steal_s=0.0, ours={0: 1.0, 11: 1.0})
    assert between(a, Snapshot(10.05, 101.0, 0.0, {0: 1.0, 11: 1.0})) is None  # < 10 ticks
    assert between(a, Snapshot(12.0, None, None, {0: 1.0, 11: 1.0})) is None  # no counters
    assert between(a, Snapshot(12.0, 103.0, 0.0, {0: 1.0})) is None  # a worker vanished


def test_the_limit_is_a_share_of_the_cores_the_probe_uses() -> None:
    assert limit_cores(2) == pytest.approx(0.4)
    assert limit_cores(16) == pytest.approx(3.2)


@pytest.mark.skipif(not os.path.exists("/proc/stat") or not hasattr(os, "sched_setaffinity"),
                    reason="reads /proc (Linux)")  # fmt: skip
def test_a_busy_neighbour_on_the_probes_cpus_is_seen() -> None:
    """A real busy loop pinned to this process's CPUs, beside a process of ours that only
    sleeps: the sampler sees the loop as others' CPU time, not as ours."""
    cpus = sorted(os.sched_getaffinity(0))
    ours = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        os.sched_setaffinity(hog.pid, cpus[:1])
        sampler = ProcSampler(cpus)
        time.sleep(0.2)  # the loop gets going
        a = sampler.snapshot([ours.pid])
        time.sleep(1.0)
        b = sampler.snapshot([ours.pid])
    finally:
        hog.kill()
        ours.kill()
        hog.wait()
        ours.wait()
    load = between(a, b)
    assert load is not None
    # One core's loop, less what else on this machine took from it; well above any limit.
    assert load.others_cores > 0.5, load
    assert b.ours[ours.pid] - a.ours[ours.pid] < 0.05  # the sleeper used next to nothing
