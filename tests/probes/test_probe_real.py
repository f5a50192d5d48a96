"""The real workers, with real frameworks, on small budgets (marked `probe`).

These prove on this machine what the fake-worker tests cannot: the two models are the same
function across two processes, both learn the digits, the thread count sticks, a user's
Keras config cannot pull PyTorch into the TensorFlow worker, and a missing C++ compiler
skips torch.compile cleanly. Together they stay well under three minutes.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import psutil
import pytest

from advisor.measurements import parse_measurements
from probes import ProbeSettings, run_probes
from probes.cpus import cpu_budget

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
        assert entry["accuracy"] >= 0.80
        assert entry["threads"] == threads
        assert entry["train_samples_per_s"]["windows"] >= 2
        assert entry["first_step_s"] > 0 and entry["import_s"] > 0
        assert entry["infer_latency_ms"]["p95"] >= entry["infer_latency_ms"]["p50"] > 0
        assert entry["peak_rss_mb"] > 100
    assert result["frameworks"]["tensorflow"]["variants"]["tf-function"]["status"] == "ok"
    for key in ("train", "train_lean", "infer_latency"):
        assert result["ratios"][key]["estimate"] > 0, result["ratios"][key]
    assert result["machine"]["probe"]["timed_s"] <= 6 * 1.5
    assert {e.phase for e in events} >= {"importing", "training", "done"}
    assert psutil.Process().children(recursive=True) == []  # no worker left behind


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
