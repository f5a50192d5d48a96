"""Which Keras 3 backends a probe is asked to measure: checked where the settings are made."""

from __future__ import annotations

import pytest

from probes import ProbeSettings, ProbeSettingsError
from probes.settings import KERAS_BACKEND_WALL_S


def test_none_by_default_so_the_default_probe_keeps_its_wall_time() -> None:
    s = ProbeSettings()
    assert s.keras_backends == () and s.backend_workers == () and s.keras_wall_s == 0


def test_each_backend_beside_tensorflow_is_a_worker_of_its_own() -> None:
    s = ProbeSettings(keras_backends=("tensorflow", "torch", "jax"))
    assert s.backend_workers == ("torch", "jax")
    assert s.keras_wall_s == 2 * KERAS_BACKEND_WALL_S


@pytest.mark.parametrize("settings, needle", [
    ({"keras_backends": ("mxnet",)}, "unknown Keras backend 'mxnet'"),
    ({"keras_backends": ("torch", "torch")}, "listed twice"),
    ({"keras_backends": ("tensorflow",), "frameworks": ("pytorch",)},
     "add tensorflow to the frameworks"),
])  # fmt: skip
def test_bad_choices_are_refused_with_the_reason(settings: dict, needle: str) -> None:
    with pytest.raises(ProbeSettingsError, match=needle):
        ProbeSettings(**settings)


def test_the_estimate_includes_what_the_backend_workers_add() -> None:
    plain, both = ProbeSettings(), ProbeSettings(keras_backends=("tensorflow", "torch"))
    assert both.expected_wall_s == plain.expected_wall_s + KERAS_BACKEND_WALL_S
    # The wall target grows too, so the native paths keep their timed budget.
    assert both.wall_target_s == plain.wall_target_s + KERAS_BACKEND_WALL_S  # type: ignore[operator]
    budgeted = ProbeSettings(budget_s=10, keras_backends=("torch",))
    assert budgeted.expected_wall_s == ProbeSettings(budget_s=10).expected_wall_s + 20.0
    assert both.worker_names == ("pytorch", "tensorflow", "keras-torch")
