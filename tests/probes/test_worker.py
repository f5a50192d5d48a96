"""The real workers, with real frameworks, on small budgets (marked `probe`).

These prove on this machine what the fake-worker tests cannot: the two models are the same
function across two processes, both learn the digits, the thread count sticks, a user's
Keras config cannot pull PyTorch into the TensorFlow worker, and a missing C++ compiler
skips torch.compile cleanly. Together they stay well under three minutes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from advisor.inputs.measurements import parse_measurements
from probes import ProbeEvent, ProbeSettings, run_probes
from probes.cpus import cpu_budget
from probes.workloads import WORKLOADS

pytestmark = [
    pytest.mark.probe,
    pytest.mark.skipif(
        importlib.util.find_spec("torch") is None or importlib.util.find_spec("tensorflow") is None,
        reason="needs the [probes] extra (torch and tensorflow)",
    ),
]


QUICK = ProbeSettings(budget_s=6, quick=True, processes=2)  # two: the default run's spread


def busy(entry: dict) -> bool:
    """The probe reported this framework not measured because the machine was busy: on a
    shared machine (this one, a CI runner) that is the right answer, not a failure."""
    return bool((entry.get("disturbance") or {}).get("busy"))


def measured_or_busy(fw: str, entry: dict) -> None:
    assert entry["status"] == "ok" or busy(entry), (fw, entry["message"])
    if busy(entry):
        assert entry["message"].startswith("not measured: the machine was busy"), entry


@dataclass
class Run:
    result: dict
    events: list[ProbeEvent]
    temp_before: list[str]
    temp_after: list[str]


@pytest.fixture(scope="module")
def quiet_run(tmp_path_factory: pytest.TempPathFactory, _digits: Path) -> Iterator[Run]:
    """One real quick probe of both frameworks, shared by the tests below: a user's Keras
    set to the torch backend, and a system temp folder of its own whose files are counted
    before and after (TensorFlow writes its autograph modules to the temp folder)."""
    home = tmp_path_factory.mktemp("run")
    (home / "keras").mkdir()
    (home / "keras" / "keras.json").write_text(json.dumps({"backend": "torch"}))
    shutil.copytree(_digits, home / "cache" / "data")
    system_tmp = home / "tmp"
    system_tmp.mkdir()
    events: list[ProbeEvent] = []
    with pytest.MonkeyPatch.context() as mp:
        # A user who set Keras to the torch backend must still get TensorFlow measured.
        mp.setenv("KERAS_HOME", str(home / "keras"))
        mp.setenv("ADVISOR_CACHE_DIR", str(home / "cache"))
        mp.setenv("TMPDIR", str(system_tmp))
        mp.setattr(tempfile, "tempdir", str(system_tmp))
        before = sorted(os.listdir(system_tmp))
        result = run_probes(QUICK, on_event=events.append)
        after = sorted(os.listdir(system_tmp))
    yield Run(result, events, before, after)


@pytest.mark.timeout(150)
def test_both_frameworks_measured_and_equivalent(quiet_run: Run) -> None:
    result, events = quiet_run.result, quiet_run.events
    parse_measurements(result)
    eq = result["equivalence"]
    assert eq["ok"], eq
    assert eq["params"] == {"pytorch": 693_962, "tensorflow": 693_962}
    assert eq["max_abs_logit_diff"] <= 1e-4
    threads = cpu_budget().threads
    crowded = [fw for fw, e in result["frameworks"].items() if busy(e)]
    if crowded:  # a machine shared with other jobs: what the probe must then say is that
        pytest.skip(f"the machine was busy: {', '.join(crowded)} not measured, as it must be")
    for fw, entry in result["frameworks"].items():
        assert entry["status"] == "ok", (fw, entry["message"])
        assert entry["accuracy"] >= 0.80 and entry["quality"]["steps"] >= 40
        assert entry["threads"] == threads
        # PyTorch's eager loop has no use for its inter-op pool; TensorFlow's runs
        # independent ops side by side, as in a user's script.
        assert entry["interop_threads"] == (threads if fw == "tensorflow" else 1)
        assert entry["train_samples_per_s"]["windows"] >= 2
        assert entry["first_step_s"] > 0 and entry["import_s"] > 0
        assert entry["infer_latency_ms"]["p95"] >= entry["infer_latency_ms"]["p50"] > 0
        assert entry["peak_rss_mb"] > 100
    assert result["frameworks"]["tensorflow"]["variants"]["tf-function"]["status"] == "ok"
    for key in ("train", "train_lean", "infer_latency"):
        assert result["ratios"][key]["estimate"] > 0, result["ratios"][key]
    assert {e.phase for e in events} >= {"importing", "training", "done"}
    assert psutil.Process().children(recursive=True) == []  # no worker left behind


@pytest.mark.timeout(150)
def test_every_framework_trains_in_two_processes_in_turn(quiet_run: Run) -> None:
    probe = quiet_run.result["machine"]["probe"]
    assert probe["processes"] == 2 and len(probe["restart_s"]) == 1
    processes = {e.framework: set() for e in quiet_run.events}
    for e in quiet_run.events:
        if e.phase == "training":
            processes[e.framework].add(e.process)
    assert processes == {"pytorch": {1, 2}, "tensorflow": {1, 2}}
    # The counts the app and the progress display show are the plan's.
    for fw, paths in probe["paths"].items():
        last = [e for e in quiet_run.events if e.framework == fw and e.windows_planned][-1]
        assert last.paths == tuple(paths)
        assert last.rounds_planned == probe["rounds_planned"]
        assert last.windows_planned == probe["rounds_planned"] * len(paths)


@pytest.mark.timeout(150)
def test_the_workers_leave_no_temporary_files(quiet_run: Run) -> None:
    """TensorFlow writes a __autograph_generated_file*.py for each function it converts;
    the workers' temp folder is inside the run's own, which the run removes."""
    assert quiet_run.temp_before == []
    assert quiet_run.temp_after == [], quiet_run.temp_after


@pytest.fixture
def hogs() -> Iterator[list[subprocess.Popen]]:
    """A busy loop on each of the probe's CPUs (at most two), pinned to it: another job on
    the machine, as on a shared server or a laptop compiling something."""
    cpus = sorted(os.sched_getaffinity(0))[:2] if hasattr(os, "sched_getaffinity") else []
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in cpus or [0]]
    for proc, cpu in zip(procs, cpus, strict=False):
        os.sched_setaffinity(proc.pid, {cpu})
    try:
        yield procs
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


@pytest.mark.timeout(150)
def test_beside_a_busy_neighbour_a_framework_is_measured_truly_or_not_at_all(
    quiet_run: Run, hogs: list[subprocess.Popen]
) -> None:
    """With busy loops on the probe's CPUs, each framework is either reported not measured
    because the machine was busy, or measured; a ratio, when one is scored, has an interval
    that contains the quiet run's. Never a confident figure of the neighbour."""
    quiet = quiet_run.result["ratios"]["train"]
    # One process each, to stay within a test's time: the disturbance check is the point.
    result = run_probes(ProbeSettings(budget_s=6, quick=True, processes=1))
    parse_measurements(result)
    for fw, entry in result["frameworks"].items():
        busy = (entry.get("disturbance") or {}).get("busy")
        assert entry["status"] == "ok" or busy, (fw, entry["message"])
        if busy:
            assert entry["message"].startswith("not measured: the machine was busy")
    train = result["ratios"]["train"]
    if train["estimate"] is not None and train["ci95"] and quiet["estimate"] is not None:
        low, high = train["ci95"]
        assert low <= quiet["estimate"] <= high, (train, quiet)
    assert all(proc.poll() is None for proc in hogs), "the neighbours ran all along"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("workload", ["transformer", "rnn", "mlp"])
def test_every_workload_is_the_same_model_and_learns(workload: str) -> None:
    """Each workload at the floor budget: equal parameter counts, outputs of the shared initial
    weights equal across the two processes, and the held-out check passed in both (one
    process each: the process turns are the CNN tests' business, and these stay short)."""
    spec = WORKLOADS[workload]
    result = run_probes(ProbeSettings(budget_s=6, quick=True, workloads=(workload,),
                                      processes=1))  # fmt: skip
    parse_measurements(result)
    assert result["workload"] == workload and set(result["workloads"]) == {workload}
    eq = result["equivalence"]
    assert eq["ok"], eq
    assert eq["params"] == {"pytorch": spec.params, "tensorflow": spec.params}
    assert eq["max_abs_logit_diff"] <= 1e-4
    for fw, entry in result["frameworks"].items():
        measured_or_busy(fw, entry)
        quality = entry["quality"]  # the check runs however busy the machine was
        assert quality["metric"] == spec.metric and spec.passes(quality["value"]), (fw, quality)
        assert quality["steps"] >= spec.min_steps
        assert busy(entry) or entry["train_samples_per_s"] is not None or entry["flags"]
    if not any(busy(e) for e in result["frameworks"].values()):
        assert result["ratios"]["train"]["estimate"] > 0


@pytest.mark.timeout(90)
def test_torch_compile_without_a_compiler_is_skipped(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # the worker itself starts by absolute path
    monkeypatch.delenv("CXX", raising=False)
    result = run_probes(ProbeSettings(budget_s=6, quick=True, frameworks=("pytorch",),
                                      compiled=True, processes=1))  # fmt: skip
    parse_measurements(result)
    torch = result["frameworks"]["pytorch"]
    measured_or_busy("pytorch", torch)
    variant = torch["variants"]["torch-compile"]
    assert variant["status"] == "not_installed"
    assert "no C++ compiler" in variant["message"]
    assert result["ratios"]["train"]["reason"] == "only one framework was probed"


@pytest.mark.timeout(120)
def test_a_worker_killed_mid_run_leaves_a_report(tmp_path: Path) -> None:
    """kill -9 of the TensorFlow worker once PyTorch is training, in a default (non-quick)
    run: TensorFlow is `failed`, PyTorch's figures and the JSON still come, no traceback."""
    out = tmp_path / "m.json"
    env = {**os.environ, "ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    with subprocess.Popen(
        [sys.executable, "-m", "advisor", "probe", "--budget", "6", "--format", "json",
         "--output", str(out)],
        stderr=subprocess.PIPE, text=True, env=env,
    ) as proc:  # fmt: skip
        assert proc.stderr is not None
        err = []
        for line in proc.stderr:
            err.append(line)
            if "probe pytorch (cnn): training" in line:
                victims = [c for c in psutil.Process(proc.pid).children(recursive=True)
                           if "tensorflow" in c.cmdline() and "MALLOC_MMAP_THRESHOLD_"
                           not in c.environ()]  # fmt: skip
                assert len(victims) == 1
                victims[0].kill()
                break
        stderr = "".join(err) + proc.stderr.read()
        code = proc.wait(timeout=90)
    assert code == 3, stderr
    assert "Traceback" not in stderr
    result = json.loads(out.read_text())
    parse_measurements(result)
    tf, torch = result["frameworks"]["tensorflow"], result["frameworks"]["pytorch"]
    assert tf["status"] == "failed" and "SIGKILL" in tf["message"]
    measured_or_busy("pytorch", torch)
    assert busy(torch) or torch["train_samples_per_s"]["windows"] >= 2
    assert all(r["estimate"] is None for r in result["ratios"].values())
    assert "advisor: tensorflow not measured (failed)" in stderr


@pytest.mark.timeout(60)
def test_tensorflow_under_an_address_space_limit_is_out_of_memory_promptly() -> None:
    # `ulimit -v 1048576` (1 GiB): TensorFlow cannot even map its library. The run says
    # "out of memory", within seconds, whether the import fails or spins.
    import time

    from probe_fakes import LIMITED

    from probes.runner import Runner
    from probes.workers import default_launcher

    def limited(framework: str, threads: int) -> list[str]:
        return [sys.executable, "-c", LIMITED, str(2**30), *default_launcher(framework, threads)]

    t = time.monotonic()
    settings = ProbeSettings(quick=True, frameworks=("tensorflow",))
    result = Runner(settings, launcher=limited).run()
    assert time.monotonic() - t < 40
    tf = result["frameworks"]["tensorflow"]
    message = tf["message"]
    assert tf["status"] == "failed" and "1.0 GB of address space (ulimit -v)" in message
    # How the import fails varies (a MemoryError, a library it cannot map, an interpreter
    # error): the message says memory in every case.
    assert message.startswith("out of memory") or "too little memory" in message, message
