"""Keras 3 on the torch and JAX backends, driven through real worker processes (marked `probe`),
each workload at the floor budget: the Keras model on another backend is the same function as
the native PyTorch and TensorFlow models, learns the task, and trains in one held fit().

The workers are driven command by command, as the runner will, without the runner; the
pytest process itself never imports a framework. The JAX tests need the optional [jax] extra
and are skipped with that reason without it.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from probes.bundle import LOGIT_TOLERANCE, write_bundle
from probes.cpus import thread_environment
from probes.workers import Worker, default_launcher, worker_environment
from probes.workloads import WORKLOADS

pytestmark = [
    pytest.mark.probe,
    pytest.mark.skipif(
        any(importlib.util.find_spec(m) is None for m in ("torch", "tensorflow", "keras")),
        reason="needs the [probes] extra (torch, tensorflow and keras)",
    ),
]
NO_JAX = importlib.util.find_spec("jax") is None
JAX = pytest.param("jax", marks=pytest.mark.skipif(
    NO_JAX, reason="needs the [jax] extra: pip install 'framework-advisor[jax]'"))  # fmt: skip
BACKENDS = [pytest.param("torch"), JAX]
THREADS = 2
# The floor budget's share of one path: 6 s of timed phases, 80 % of them training, over the
# three slots of a quick run, in four rounds.
WINDOW_S = 0.4
ROUNDS = 4
TRAINING_OPS = {"load", "warmup", "window"}


def keras_launcher(backend: str):
    def launch(framework: str, threads: int) -> list[str]:
        return [sys.executable, "-m", "probes.worker", "--framework", "keras", "--backend",
                backend, "--threads", str(threads)]  # fmt: skip

    return launch


def spawn(tmp: Path, framework: str, backend: str | None = None,
          extra_env: dict[str, str] | None = None) -> Worker:  # fmt: skip
    env = {**worker_environment(thread_environment(THREADS)), **(extra_env or {})}
    launcher = keras_launcher(backend) if backend else default_launcher
    return Worker.spawn(framework, THREADS, launcher, env, tmp / f"{framework}-{backend}.log")


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory, _digits: Path) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bundles")
    return {w: write_bundle(d, workload=w, seed=0, cache_dir=_digits) for w in WORKLOADS}


@pytest.fixture(scope="module")
def native_logits(bundles: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
                  ) -> dict[tuple[str, str], list[list[float]]]:  # fmt: skip
    """The native models' outputs of the shared initial weights, every workload, one worker
    per framework."""
    tmp = tmp_path_factory.mktemp("native")
    out: dict[tuple[str, str], list[list[float]]] = {}
    for fw in ("pytorch", "tensorflow"):
        worker = spawn(tmp, fw)
        try:
            assert worker.request(None, 180)["status"] == "ok"
            for w, bundle in bundles.items():
                worker.request("load", 120, bundle=str(bundle), compiled=False,
                               batch_size=WORKLOADS[w].batch_size, workload=w)  # fmt: skip
                out[fw, w] = worker.request("logits", 60)["logits"]
        finally:
            worker.close()
    return out


@pytest.fixture
def no_leftovers() -> Iterator[None]:
    yield
    assert psutil.Process().children(recursive=True) == []


def max_diff(a: list[list[float]], b: list[list[float]]) -> float:
    return max(abs(x - y) for ra, rb in zip(a, b, strict=True) for x, y in zip(ra, rb, strict=True))


@pytest.mark.timeout(90, func_only=True)  # a hang guard; each takes 10-25 s
@pytest.mark.parametrize("workload", list(WORKLOADS))
@pytest.mark.parametrize("backend", BACKENDS)
def test_keras_on_another_backend_is_the_same_model_and_learns(
    backend: str, workload: str, bundles: dict[str, Path],
    native_logits: dict[tuple[str, str], list[list[float]]], tmp_path: Path, no_leftovers: None,
) -> None:  # fmt: skip
    """The floor budget's share of one path: warm-up, four windows of the held fit(), the
    inference commands, then the checks. Outputs of the shared initial weights within 1e-4 of
    both native models, the workload's parameter count, its held-out bar met, and every
    window timed in a process that had only loaded and trained before."""
    spec = WORKLOADS[workload]
    worker = spawn(tmp_path, "keras", backend)
    try:
        hello = worker.request(None, 180)
        assert hello["status"] == "ok", hello.get("message")
        assert hello["backend"] == backend and hello["version"] and hello["backend_version"]
        # XLA has no thread setting: the JAX worker keeps to as many CPUs instead.
        cpus = len(psutil.Process().cpu_affinity())
        assert hello["threads"] == (THREADS if backend == "torch" else min(THREADS, cpus))
        assert hello["import_s"] > 0 and hello["runtime"]["allocator"]
        loaded = worker.request("load", 120, bundle=str(bundles[workload]), compiled=False,
                                batch_size=spec.batch_size, workload=workload)  # fmt: skip
        assert loaded["params"] == spec.params
        assert loaded["paths"] == ["keras-fit"]
        # Keras's own default for jit_compile: eager on torch, XLA on JAX.
        assert loaded["jit_compile"] == {"keras-fit": backend == "jax"}
        warm = worker.request("warmup", 60, path="keras-fit", max_s=0.5)
        assert warm["step_s"] > 0 and warm["warmup_steps"] >= 2
        assert ("compile_s" in warm) == (backend == "jax")
        step_s = warm["step_s"]
        for _ in range(ROUNDS):
            steps = max(2, round(WINDOW_S / step_s))
            window = worker.request("window", 60, path="keras-fit", steps=steps)
            assert window["samples"] == steps * spec.batch_size
            assert window["elapsed_s"] > 0 and math.isfinite(window["loss"])
            assert set(window["before"]) <= TRAINING_OPS
            step_s = window["elapsed_s"] / steps
        latency = worker.request("latency", 60, path="keras-fit", calls=5)["ms"]
        assert len(latency) == 5 and min(latency) > 0
        assert worker.request("throughput", 60, path="keras-fit", batches=1)["samples"] \
            == spec.infer_batch
        logits = worker.request("logits", 60)["logits"]
        for fw in ("pytorch", "tensorflow"):
            assert max_diff(logits, native_logits[fw, workload]) <= LOGIT_TOLERANCE, fw
        quality = worker.request("quality", 60, path="keras-fit")
        assert quality["steps"] >= spec.min_steps
        assert spec.passes(quality["value"]), quality
        assert worker.request("matmul", 30, seconds=0.1)["gflops"] > 0
        assert worker.request("memory", 30)["peak_rss_mb"] > 100
    finally:
        worker.kill()  # as the runner does: a framework's teardown can take seconds


@pytest.mark.timeout(90, func_only=True)  # a hang guard; each takes 10-25 s
def test_jax_runs_jit_compile_off_as_its_own_path(
    bundles: dict[str, Path], tmp_path: Path, no_leftovers: None
) -> None:
    """On JAX, whose default compiles with XLA, the variant a user would try is
    jit_compile=False: a model of its own, whose steps do not train the checked one."""
    if NO_JAX:
        pytest.skip("needs the [jax] extra: pip install 'framework-advisor[jax]'")
    spec = WORKLOADS["mlp"]
    worker = spawn(tmp_path, "keras", "jax")
    try:
        assert worker.request(None, 180)["status"] == "ok"
        loaded = worker.request("load", 120, bundle=str(bundles["mlp"]), compiled=True,
                                batch_size=spec.batch_size, workload="mlp")  # fmt: skip
        assert loaded["jit_compile"] == {"keras-fit": True, "keras-eager": False}
        fit = worker.request("warmup", 60, path="keras-fit", max_s=0.3)
        eager = worker.request("warmup", 60, path="keras-eager", max_s=0.3)
        assert fit["compile_s"] >= 0 and "compile_s" not in eager
        worker.request("window", 60, path="keras-eager", steps=3)
        quality = worker.request("quality", 60, path="keras-fit")
        # Only keras-fit's warm-up trained the checked model (then topped up to the minimum):
        # keras-eager's warm-up and window are not counted.
        assert quality["steps"] == max(spec.min_steps, fit["warmup_steps"])
        assert quality["topped_up"] == max(0, spec.min_steps - fit["warmup_steps"])
    finally:
        worker.kill()  # as the runner does: a framework's teardown can take seconds


@pytest.mark.timeout(90, func_only=True)  # a hang guard; each takes 10-25 s
def test_torch_backend_jit_without_a_compiler_is_skipped(
    bundles: dict[str, Path], tmp_path: Path, no_leftovers: None
) -> None:
    """jit_compile=True on the torch backend is torch.compile, whose CPU backend needs a C++
    compiler: without one the path is skipped with the reason, never a crash."""
    worker = spawn(tmp_path, "keras", "torch", {"CXX": "/nonexistent/c++"})
    try:
        assert worker.request(None, 180)["status"] == "ok"
        loaded = worker.request("load", 120, bundle=str(bundles["mlp"]), compiled=True,
                                batch_size=64, workload="mlp")  # fmt: skip
        assert loaded["paths"] == ["keras-fit"]
        assert "C++ compiler" in loaded["skipped"]["keras-jit"]
    finally:
        worker.kill()  # as the runner does: a framework's teardown can take seconds
