"""The runner with Keras backend workers (probes/runner.py, probes/bridge.backend_entries):
fake workers for the schedule, a failing backend and a disturbed backend window; one real
small-budget run through `advisor probe` for the torch backend (JAX: the [jax] extra)."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from pathlib import Path

import pytest
from probe_fakes import FakeSampler

import probes
from advisor.cli.entry import main
from advisor.inputs.measurements import parse_measurements
from probes import ProbeSettings
from probes.disturbance import Snapshot
from probes.report import combine
from probes.runner import Runner

BACKENDS = {"keras_backends": ("tensorflow", "torch", "jax"), "quick": True}


def _windows(oplog: Path) -> list[str]:
    return [line.split()[1] for line in oplog.read_text().splitlines()
            if line.split()[-1] == "window"]  # fmt: skip


def test_backend_windows_take_slots_in_the_native_rounds(run_fake, tmp_path) -> None:
    oplog, events = tmp_path / "ops", []
    result = run_fake(oplog=oplog, events=events, **BACKENDS)
    windows = _windows(oplog)
    slots = {"pytorch", "tensorflow", "keras-torch", "keras-jax"}
    rounds = result["machine"]["probe"]["rounds"]
    # Every round times every path once (tf-function and keras-eager are paths too), and a
    # round holds each worker's windows: the backends' windows interleave with the natives'.
    per_round = len(windows) // rounds
    for r in range(rounds):
        assert set(windows[r * per_round:(r + 1) * per_round]) == slots
    # Mirrored: each round runs the previous one backwards.
    assert windows[:per_round] == windows[per_round:2 * per_round][::-1]
    assert {e.framework for e in events} >= slots


def test_backend_ratios_are_paired_as_the_native_ratio(run_fake) -> None:
    runner_result: dict = {}

    class Keep(Runner):
        def run(self) -> dict:
            out = super().run()
            runner_result.update(self.keras_backends)
            return out

    result = run_fake(runner_class=Keep, **BACKENDS)
    native = result["ratios"]["train"]
    assert native["estimate"] == pytest.approx(1.2, rel=0.03)  # the backends change nothing
    torch = runner_result["torch"]
    assert torch["status"] == "ok" and torch["equivalence"]["ok"]
    assert set(torch["equivalence"]["max_abs_logit_diff"]) == {"pytorch", "tensorflow"}
    # fake steps: keras-torch 1.5 ms, eager-loop 1.0 ms, keras-fit on TensorFlow 1.2 ms
    assert torch["ratios"]["pytorch"]["estimate"] == pytest.approx(1 / 1.5, rel=0.03)
    assert torch["ratios"]["tensorflow"]["estimate"] == pytest.approx(1.2 / 1.5, rel=0.03)
    assert torch["ratios"]["pytorch"]["pairs"] == native["pairs"]
    jax = runner_result["jax"]
    [eager] = jax["sensitivity"]
    assert eager["setting"] == "jit_compile=False" and eager["compile_s"] == 0.4
    assert eager["speedup"]["estimate"] == pytest.approx(0.5, rel=0.03)
    # What the advisor reads back, as a user's measurements file.
    m = parse_measurements(combine({"cnn": result}, "cnn", {"cnn": runner_result}))
    assert set(m.keras_backends("cnn")) == {"torch", "jax"}


@pytest.mark.parametrize("mode, status", [("crash-window", "failed"),
                                          ("not-installed", "not_installed")])  # fmt: skip
def test_a_failing_backend_is_recorded_and_the_native_result_stands(run_fake, mode,
                                                                   status) -> None:  # fmt: skip
    kept: dict = {}

    class Keep(Runner):
        def run(self) -> dict:
            out = super().run()
            kept.update(self.keras_backends)
            return out

    result = run_fake({"keras-torch": mode}, runner_class=Keep, **BACKENDS)
    assert result["ratios"]["train"]["estimate"] == pytest.approx(1.2, rel=0.03)
    assert result["equivalence"]["ok"]
    assert all(e["status"] == "ok" for e in result["frameworks"].values())
    torch = kept["torch"]
    assert torch["status"] == status and torch["message"]
    assert all(r["estimate"] is None and r["reason"] for r in torch["ratios"].values())
    assert kept["jax"]["status"] == "ok"  # the other backend goes on


def test_a_backend_with_other_logits_gets_no_ratio(run_fake) -> None:
    kept: dict = {}

    class Keep(Runner):
        def run(self) -> dict:
            out = super().run()
            kept.update(self.keras_backends)
            return out

    result = run_fake({"keras-jax": "wrong-logits"}, runner_class=Keep, **BACKENDS)
    assert result["equivalence"]["ok"]  # the native models' check is theirs alone
    jax = kept["jax"]
    assert not jax["equivalence"]["ok"] and "logits differ" in jax["equivalence"]["reason"]
    assert all("not proven equivalent" in r["reason"] for r in jax["ratios"].values())


class _DisturbOne(FakeSampler):
    """Others use a whole core during the windows the runner flags (``hit``) only."""

    hit = False

    def snapshot(self, pids) -> Snapshot:  # type: ignore[no-untyped-def]
        if self.calls % 2 and self.hit:
            self.busy_s += self.cores
        self.calls += 1
        return Snapshot(float(self.calls), self.busy_s, 0.0, {pid: 0.0 for pid in (0, *pids)})


def test_a_disturbed_backend_window_leaves_only_its_own_pairs(run_fake) -> None:
    kept: dict = {}
    sampler = _DisturbOne()

    class Disturb(Runner):
        def _window(self, p, r, window_s):  # type: ignore[no-untyped-def]
            sampler.hit = p.framework == "keras-torch" and r == 1
            try:
                return super()._window(p, r, window_s)
            finally:
                sampler.hit = False

        def run(self) -> dict:
            out = super().run()
            kept.update(self.keras_backends)
            return out

    result = run_fake(runner_class=Disturb, sampler=sampler, **BACKENDS)
    native = result["ratios"]["train"]
    assert all(e["disturbance"]["disturbed"] == 0 for e in result["frameworks"].values())
    torch = kept["torch"]
    assert torch["disturbance"]["disturbed"] == 1 and torch["status"] == "ok"
    assert torch["ratios"]["pytorch"]["pairs"] == native["pairs"] - 1
    assert kept["jax"]["ratios"]["pytorch"]["pairs"] == native["pairs"]


NO_JAX = importlib.util.find_spec("jax") is None


@pytest.mark.probe
@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", ["torch", pytest.param("jax", marks=pytest.mark.skipif(
    NO_JAX, reason="needs the [jax] extra: pip install 'framework-advisor[jax]'"))])  # fmt: skip
def test_advisor_probe_measures_a_keras_backend_for_real(backend, tmp_path, monkeypatch,
                                                         capsys) -> None:  # fmt: skip
    measure = probes.measure

    def one_process(settings: ProbeSettings, **kw: object) -> probes.Measured:
        return measure(replace(settings, processes=1), **kw)  # type: ignore[arg-type]

    # One worker process each keeps the test short; the schedule with two is the fakes'.
    monkeypatch.setattr(probes, "measure", one_process)
    out = tmp_path / "m.json"
    code = main(["probe", "--keras-backends", f"tensorflow,{backend}", "--budget", "6",
                 "--quick", "--format", "json", "--output", str(out)])  # fmt: skip
    assert code in (0, 3), capsys.readouterr().err  # 3: a framework was not measured (busy)
    data = json.loads(out.read_text())
    m = parse_measurements(data)
    entry = data["workloads"]["cnn"]["keras_backends"][backend]
    assert set(m.keras_backends("cnn")) == {backend}
    proven = entry["equivalence"]
    assert proven["ok"], proven  # the same function as both native models, busy or not
    assert max(proven["max_abs_logit_diff"].values()) <= proven["tolerance"]
    for native, ratio in entry["ratios"].items():
        if entry["status"] == "ok" and data["frameworks"][native]["status"] == "ok":
            assert ratio["estimate"] > 0 and ratio["pairs"] >= 2, (native, ratio)
        else:  # a busy machine: no figure, and the reason why
            assert ratio["estimate"] is None and "busy" in ratio["reason"], ratio
