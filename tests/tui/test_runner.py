"""The adapter between the app and the probes package, without running a framework."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from tui_fakes import FakeRunner

import probes
from advisor.tui.runner import ProbeRunCancelled, ProbeRunner, ProbesAdapter


def test_fakes_and_the_adapter_are_probe_runners() -> None:
    assert isinstance(FakeRunner(), ProbeRunner)
    assert isinstance(ProbesAdapter(), ProbeRunner)


def test_the_model_source_is_the_probes_own_for_each_workload() -> None:
    for workload in ("cnn", "transformer", "rnn", "mlp"):
        for fw in ("pytorch", "tensorflow"):
            assert ProbesAdapter().model_source(fw, workload) == probes.model_source(fw, workload)
    assert "class ReferenceCNN" in ProbesAdapter().model_source("pytorch", "cnn")
    assert "class TransformerClassifier" in ProbesAdapter().model_source("pytorch", "transformer")


def test_the_settings_train_the_workload_asked_for() -> None:
    adapter = ProbesAdapter()
    assert adapter.settings(None, "rnn").workloads == ("rnn",)
    quick = probes.ProbeSettings(quick=True)
    assert adapter.settings(quick, "mlp") == probes.ProbeSettings(quick=True, workloads=("mlp",))


def test_nothing_cached_in_a_fresh_cache() -> None:
    assert ProbesAdapter().cached(None, "cnn") is None


@pytest.mark.parametrize("settings", [None, probes.ProbeSettings(quick=True),
                                      probes.ProbeSettings(budget_s=10)])
def test_the_app_and_the_command_line_quote_one_estimate(settings: Any) -> None:
    # Both read the probes' own settings: the app once said 75 s where the CLI said 65 s.
    from advisor.cli.probe import _duration

    chosen = settings or probes.ProbeSettings()
    estimate = ProbesAdapter().estimate_s(settings)
    assert estimate == chosen.expected_wall_s
    assert _duration(chosen) == f"about {estimate:.0f} s"


def test_run_refreshes_the_cache_and_translates_cancellation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def fake_measure(settings: Any, **kwargs: Any) -> probes.Measured:
        calls.append({**kwargs, "settings": settings})
        if kwargs["cancel"].is_set():
            raise probes.ProbeCancelled()
        return probes.Measured({"schema": 1}, False)

    monkeypatch.setattr(probes, "measure", fake_measure)
    cancel = threading.Event()
    assert ProbesAdapter().run(None, "transformer", print, cancel) == {"schema": 1}
    assert calls[0]["refresh"] is True and calls[0]["cancel"] is cancel
    assert calls[0]["settings"].workloads == ("transformer",)
    cancel.set()
    with pytest.raises(ProbeRunCancelled):
        ProbesAdapter().run(None, "cnn", print, cancel)


def test_without_settings_the_keras_backends_follow_the_answers_as_on_the_command_line() -> None:
    from advisor.frameworks import FRAMEWORKS
    from advisor.knowledge.bridge import default_keras_backends

    adapter = ProbesAdapter()
    team = {"team_experience": "tensorflow", "existing_code": "none", "domain": "vision"}
    chosen = adapter.settings_for(None, team)
    assert chosen == probes.ProbeSettings(keras_backends=default_keras_backends(team, FRAMEWORKS))
    assert chosen.backend_workers[0] == "torch" and "tensorflow" in chosen.keras_backends
    assert adapter.settings_for(None, {**team, "team_experience": "pytorch"}) == \
           probes.ProbeSettings()  # Keras is not relevant: the default probe, its wall time
    given = probes.ProbeSettings(quick=True)
    assert adapter.settings_for(given, team) is given, "the session's own settings stand"
    # The estimate grows by what the backend workers add, as the command line says it.
    assert adapter.estimate_s(chosen) == probes.ProbeSettings().expected_wall_s \
           + chosen.keras_wall_s
