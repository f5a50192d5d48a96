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
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from advisor.inputs.measurements import parse_measurements
from probes import ProbeSettings, run_probes
from probes.cpus import cpu_budget
from probes.workloads import WORKLOADS

pytestmark = [
    pytest.mark.probe,
    pytest.mark.skipif(
        importlib.util.find_spec("torch") is None or importlib.util.find_spec("tensorflow") is None,
        reason="needs the [probes] extra (torch and tensorflow)",
    ),
]


@pytest.mark.timeout(90)
def test_both_frameworks_measured_and_equivalent(tmp_path: Path, monkeypatch) -> None:
    keras_home = tmp_path / "keras"
    keras_home.mkdir()
    # A user who set Keras to the torch backend must still get TensorFlow measured.
    (keras_home / "keras.json").write_text(json.dumps({"backend": "torch"}))
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    events = []
    result = run_probes(ProbeSettings(budget_s=6, quick=True), on_event=events.append)
    parse_measurements(result)
    eq = result["equivalence"]
    assert eq["ok"], eq
    assert eq["params"] == {"pytorch": 693_962, "tensorflow": 693_962}
    assert eq["max_abs_logit_diff"] <= 1e-4
    threads = cpu_budget().threads
    for fw, entry in result["frameworks"].items():
        assert entry["status"] == "ok", (fw, entry["message"])
        assert entry["accuracy"] >= 0.80 and entry["quality"]["steps"] >= 40
        assert entry["threads"] == threads
        assert entry["train_samples_per_s"]["windows"] >= 2
        assert entry["first_step_s"] > 0 and entry["import_s"] > 0
        assert entry["infer_latency_ms"]["p95"] >= entry["infer_latency_ms"]["p50"] > 0
        assert entry["peak_rss_mb"] > 100
    assert result["frameworks"]["tensorflow"]["variants"]["tf-function"]["status"] == "ok"
    for key in ("train", "train_lean", "infer_latency"):
        assert result["ratios"][key]["estimate"] > 0, result["ratios"][key]
    assert {e.phase for e in events} >= {"importing", "training", "done"}
    assert psutil.Process().children(recursive=True) == []  # no worker left behind


@pytest.mark.timeout(120)
@pytest.mark.parametrize("workload", ["transformer", "rnn", "mlp"])
def test_every_workload_is_the_same_model_and_learns(workload: str) -> None:
    """Each workload at the floor budget: equal parameter counts, outputs of the shared initial
    weights equal across the two processes, and the held-out check passed in both."""
    spec = WORKLOADS[workload]
    result = run_probes(ProbeSettings(budget_s=6, quick=True, workloads=(workload,)))
    parse_measurements(result)
    assert result["workload"] == workload and set(result["workloads"]) == {workload}
    eq = result["equivalence"]
    assert eq["ok"], eq
    assert eq["params"] == {"pytorch": spec.params, "tensorflow": spec.params}
    assert eq["max_abs_logit_diff"] <= 1e-4
    for fw, entry in result["frameworks"].items():
        assert entry["status"] == "ok", (fw, entry["message"])
        quality = entry["quality"]
        assert quality["metric"] == spec.metric and spec.passes(quality["value"]), (fw, quality)
        assert quality["steps"] >= spec.min_steps
        assert entry["train_samples_per_s"] is not None or entry["flags"]
    assert result["ratios"]["train"]["estimate"] > 0


@pytest.mark.timeout(90)
def test_torch_compile_without_a_compiler_is_skipped(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # the worker itself starts by absolute path
    monkeypatch.delenv("CXX", raising=False)
    result = run_probes(ProbeSettings(budget_s=6, quick=True, frameworks=("pytorch",),
                                      compiled=True))  # fmt: skip
    parse_measurements(result)
    torch = result["frameworks"]["pytorch"]
    assert torch["status"] == "ok", torch["message"]
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
    assert torch["status"] == "ok" and torch["train_samples_per_s"]["windows"] >= 2
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
