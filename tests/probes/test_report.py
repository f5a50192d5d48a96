"""From the runner's records to contract 3 (probes/report.py), with hand-made records: which
windows count, how the processes widen or narrow an interval, what a busy machine leaves."""

from __future__ import annotations

import math

import pytest

from probes.disturbance import Disturbance
from probes.records import FrameworkRecord, PathRecord, RunInfo, WorkerRecord
from probes.report import busy_message, framework_entry, paired, processes_fields, sensitivity
from probes.runtime import glibc_thresholds, out_of_the_box
from probes.spread import pair_sd, spread_over_processes

PLAIN, TUNED = out_of_the_box(), glibc_thresholds()


def path(fw: str, rates: list[float], *, processes: int = 2, disturbed: tuple[int, ...] = (),
         state=PLAIN, name: str = "eager-loop", others: float = 1.0) -> PathRecord:  # fmt: skip
    """A path timed once per round, the rounds shared by ``processes`` in turn; the rounds in
    ``disturbed`` saw others use ``others`` cores, the rest nothing."""
    p = PathRecord(fw, name, True, state, warm={"first_step_s": 0.1})
    per = math.ceil(len(rates) / processes)
    for r, rate in enumerate(rates):
        p.windows[r] = rate
        p.process[r] = r // per + 1
        p.load[r] = Disturbance(others if r in disturbed else 0.0, 0.0, 1.0)
    p.disturbed = set(disturbed)
    return p


def test_a_pair_with_a_disturbed_window_is_left_out() -> None:
    a = path("pytorch", [100, 100, 100, 10, 100, 100, 100, 100], disturbed=(3,))
    b = path("tensorflow", [200, 200, 200, 200, 200, 200, 200, 200], name="keras-fit")
    ratio = paired(a, b)
    assert ratio is not None
    assert ratio.pairs == 7 and ratio.dropped == 1
    assert ratio.estimate == pytest.approx(0.5)  # the slowed window (10) is not in it
    assert ratio.to_dict()["dropped_pairs"] == 1


def test_a_pair_disturbed_on_both_sides_is_left_out_too() -> None:
    """The same neighbour slows PyTorch's pool far more than TensorFlow's: no fair pair."""
    a = path("pytorch", [100, 10, 100, 100], disturbed=(1,))
    b = path("tensorflow", [200, 190, 200, 200], disturbed=(1,), name="keras-fit")
    ratio = paired(a, b)
    assert ratio is not None and ratio.pairs == 3 and ratio.dropped == 1


def test_two_processes_halve_the_between_process_variance() -> None:
    sd = pair_sd(("pytorch", False), ("tensorflow", False))
    one, _ = spread_over_processes({1: [0.0] * 8}, sd)
    two, _ = spread_over_processes({1: [0.0] * 4, 2: [0.0] * 4}, sd)
    assert one == pytest.approx(sd)
    assert two == pytest.approx(sd / math.sqrt(2))
    uneven, _ = spread_over_processes({1: [0.0] * 6, 2: [0.0] * 2}, sd)
    assert two < uneven < one  # a process's weight is its share of the pairs


def test_processes_that_disagree_widen_the_interval_and_say_so() -> None:
    """A run whose second PyTorch process trained 1.5x faster than its first: the figure
    pools both, the ratio's interval takes the spread it saw, and each process is listed."""
    slow_fast = [100, 100, 100, 100, 150, 150, 150, 150]
    a = path("pytorch", slow_fast)
    b = path("tensorflow", [200] * 8, name="keras-fit")
    ratio = paired(a, b)
    assert ratio is not None and ratio.ci95 is not None
    assert ratio.by_process == pytest.approx((0.5, 0.75))
    assert ratio.estimate == pytest.approx(math.sqrt(0.5 * 0.75))  # half of each process
    seen = abs(math.log(0.75 / 0.5)) / math.sqrt(2)
    assert ratio.process_sd == pytest.approx(seen / math.sqrt(2))
    assert ratio.ci95[0] < 0.5 and ratio.ci95[1] > 0.75  # both processes' figures inside
    fields = processes_fields(a)
    assert [(x["process"], x["windows"], x["median"]) for x in fields["processes"]] == [
        (1, 4, 100), (2, 4, 150)]  # fmt: skip
    assert fields["process_spread"] == pytest.approx(1.5)


def _framework(fw: str, base: PathRecord, tuned: PathRecord | None) -> FrameworkRecord:
    main = WorkerRecord(fw, PLAIN, hello={"threads": 2}, paths=[base])
    workers = [main]
    if tuned is not None:
        workers.append(WorkerRecord(fw, TUNED, hello={"threads": 2}, paths=[tuned]))
    return FrameworkRecord(fw, workers)


def test_make_it_faster_comes_only_from_undisturbed_windows() -> None:
    """A tuned state whose windows were mostly disturbed advises nothing; one with a single
    disturbed window is measured from the others."""
    base = path("pytorch", [100] * 8)
    busy = path("pytorch", [150, 150, 150, 30, 30, 30, 30, 30], state=TUNED,
                disturbed=(3, 4, 5, 6, 7))  # fmt: skip
    (entry,) = sensitivity(_framework("pytorch", base, busy))
    assert entry["status"] == "failed" and entry["speedup"] is None
    assert str(entry["message"]).startswith("not measured: the machine was busy")
    once = path("pytorch", [150, 150, 150, 30, 150, 150, 150, 150], state=TUNED, disturbed=(3,))
    (entry,) = sensitivity(_framework("pytorch", base, once))
    assert entry["status"] == "ok"
    speedup = entry["speedup"]
    assert isinstance(speedup, dict)
    assert speedup["estimate"] == pytest.approx(1.5) and speedup["dropped_pairs"] == 1


def test_a_framework_mostly_disturbed_is_not_measured_and_says_how_busy() -> None:
    p = path("pytorch", [400, 380, 4000, 390], disturbed=(0, 1, 3), others=0.67)
    assert p.busy
    rec = _framework("pytorch", p, None)
    rec.busy = busy_message(p)
    entry = framework_entry(rec, None, RunInfo(budget_s=6, busy_limit_cores=0.4), threads=2)
    assert entry["status"] == "failed"
    assert entry["message"] == ("not measured: the machine was busy (other processes used 67% "
                                "of a core during 3 of 4 windows)")
    assert entry["disturbance"] == {"windows": 4, "disturbed": 3, "others_cores": 0.67,
                                    "steal_cores": 0.0, "limit_cores": 0.4, "busy": True}
    # ... where one disturbed window of four is left out and flagged, not a verdict
    q = path("pytorch", [4000, 3900, 400, 4100], disturbed=(2,))
    assert not q.busy
    entry = framework_entry(_framework("pytorch", q, None), None,
                            RunInfo(budget_s=6, busy_limit_cores=0.4), threads=2)  # fmt: skip
    assert entry["status"] == "ok" and entry["train_samples_per_s"]["windows"] == 3
    assert any("1 of 4 windows left out" in f for f in entry["flags"])
