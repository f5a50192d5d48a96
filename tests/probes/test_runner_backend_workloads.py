"""Keras 3 on a backend through the real runner at the floor budget (marked `probe`): what
tests/probes/test_engine_backends.py proves of a worker driven by hand for every workload,
proven here of the runner's own run, whose pairing, equivalence and entry the advice reads.
One workload, the MLP, whose run is the shortest: the runner treats every workload alike, the
cnn goes through the whole command line in test_runner_backends.py, and four real runs would
add two minutes to a suite that must stay near fifteen.

Native PyTorch alone beside the backend, one worker process each and --quick, keeps each run
short (22–47 s each on the busy 2-core development machine, the transformer longest);
the schedule with TensorFlow and two processes is the fake workers' (test_runner_backends.py).
The JAX runs need the optional [jax] extra and are skipped with that reason without it.
"""

from __future__ import annotations

import importlib.util

import pytest

import probes
from advisor.inputs.measurements import parse_measurements
from probes import ProbeSettings
from probes.report import BUSY
from probes.settings import BUDGET_FLOOR_S
from probes.workloads import WORKLOADS

pytestmark = [
    pytest.mark.probe,
    pytest.mark.skipif(
        any(importlib.util.find_spec(m) is None for m in ("torch", "keras")),
        reason="needs the [probes] extra (torch and keras)",
    ),
]
NO_JAX = importlib.util.find_spec("jax") is None
JAX = pytest.param("jax", marks=pytest.mark.skipif(
    NO_JAX, reason="needs the [jax] extra: pip install 'framework-advisor[jax]'"))  # fmt: skip
# The variant each backend's worker runs without --compiled: none on torch (torch.compile
# takes minutes on a small CPU), jit_compile=False on JAX (it compiles nothing).
VARIANT = {"torch": None, "jax": "keras-eager"}


@pytest.mark.timeout(120, func_only=True)  # a hang guard
@pytest.mark.parametrize("workload", ["mlp"])
@pytest.mark.parametrize("backend", [pytest.param("torch"), JAX])
def test_the_runner_measures_keras_on_a_backend(backend: str,
                                                                   workload: str) -> None:
    """The backend's model is proven the same function as native PyTorch's, passes the
    workload's held-out bar, its ratio to native PyTorch is paired round by round, and its
    jit_compile variant runs only where the default run allows it."""
    spec = WORKLOADS[workload]
    settings = ProbeSettings(budget_s=BUDGET_FLOOR_S, quick=True, frameworks=("pytorch",),
                             keras_backends=(backend,), workloads=(workload,),
                             processes=1)  # fmt: skip
    data = probes.run_probes(settings)
    entry = data["workloads"][workload]["keras_backends"][backend]
    native = data["workloads"][workload]["frameworks"]["pytorch"]
    # A busy machine marks the backend as not measured, and says why; nothing else changes.
    assert entry["status"] == "ok" or entry["message"].startswith(BUSY), entry.get("message")
    assert entry["path"] == "keras-fit" and entry["params"] == spec.params
    assert entry["jit_compile"] is (backend == "jax")  # Keras's default on each backend
    proven = entry["equivalence"]
    assert proven["ok"], proven  # however busy the machine was, as the native check
    assert proven["max_abs_logit_diff"]["pytorch"] <= proven["tolerance"]
    result = parse_measurements(data).keras_backends(workload)[backend]  # the advice's reading
    assert result.quality is not None and result.quality.passed, result.quality
    assert (result.quality.steps or 0) >= spec.min_steps
    ratio = entry["ratios"]["pytorch"]
    if entry["status"] == "ok" and native["status"] == "ok":
        assert ratio["estimate"] > 0 and ratio["pairs"] >= 2, ratio
    else:  # a busy machine: no figure, and the reason why
        assert ratio["estimate"] is None and "busy" in ratio["reason"], ratio
    variants = [s["path"] for s in entry.get("sensitivity", []) if s.get("path")]
    assert variants == ([VARIANT[backend]] if VARIANT[backend] else []), variants
