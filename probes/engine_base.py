"""What both framework engines share: warm-up, timed windows, the quality check, peak memory
and the compiler check.

numpy and the stdlib only; imported inside the workers next to exactly one framework.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from probes.stats import median
from probes.workloads import Workload

WARMUP_CHUNK_S = 0.1  # each warm-up measurement lasts about this long
STABLE_WITHIN = 0.05  # warm-up ends when the last 3 chunks' median is this close to the 3 before


def warm_up(
    run: Callable[[int], object],
    max_s: float,
    on_first_step: Callable[[float], None] | None = None,
) -> dict:
    """Time the first step (tracing, lazy init) and the second apart, then run chunks of
    steps until the per-step time stops moving (or max_s is spent). Returns the per-step
    time the runner sizes windows from; none of this counts as throughput."""
    start = time.perf_counter()
    run(1)
    first = time.perf_counter() - start
    if on_first_step is not None:
        on_first_step(first)
    t = time.perf_counter()
    run(1)
    second = time.perf_counter() - t
    per_chunk = max(1, round(WARMUP_CHUNK_S / max(second, 1e-4)))
    chunk_times: list[float] = []
    steps = 2
    warm_start = time.perf_counter()
    while True:
        t = time.perf_counter()
        run(per_chunk)
        chunk_times.append((time.perf_counter() - t) / per_chunk)
        steps += per_chunk
        if len(chunk_times) >= 6:
            recent, before = median(chunk_times[-3:]), median(chunk_times[-6:-3])
            if abs(recent / before - 1.0) <= STABLE_WITHIN:
                break
        if time.perf_counter() - warm_start > max_s and len(chunk_times) >= 3:
            break
    return {
        "first_step_s": first,
        "second_step_s": second,
        "warmup_steps": steps,
        "warmup_s": time.perf_counter() - start,
        "step_s": median(chunk_times[-3:]),
    }


def peak_rss_mb() -> float | None:
    """The OS's high-water mark of this process's resident memory."""
    status = Path("/proc/self/status")
    if status.is_file():  # Linux: VmHWM in kB
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is bytes on macOS, kilobytes elsewhere
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def find_cxx() -> str | None:
    """The C++ compiler torch.compile's CPU backend would use, or None."""
    wanted = os.environ.get("CXX")
    candidates = [wanted] if wanted else ["g++", "c++", "clang++"]
    for name in candidates:
        found = shutil.which(name)
        if found:
            return found
    return None


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def batches(x: np.ndarray, y: np.ndarray, size: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Whole batches only: no odd-sized last batch, so nothing retraces."""
    return [(x[i : i + size], y[i : i + size]) for i in range(0, len(x) - size + 1, size)]


def rows(x: np.ndarray, n: int) -> np.ndarray:
    """The first ``n`` rows, repeating the data when it has fewer (a 114-row test set still
    gives a batch of 256 for the throughput windows)."""
    return np.resize(x, (n, *x.shape[1:]))


def quality(workload: Workload, predicted: np.ndarray, arrays: dict[str, np.ndarray]) -> float:
    """Held-out accuracy, or the forecast's mean squared error over a seasonal-naive one's."""
    if workload.higher_is_better:
        return float((predicted.argmax(axis=1) == arrays["test_y"]).mean())
    truth = arrays["test_y"]
    return float(((predicted - truth) ** 2).mean() / ((arrays["test_naive"] - truth) ** 2).mean())


class TimedTraining:
    """The commands both engines share: they differ only in ``_steps`` (one framework's
    training steps) and ``_predict``, so the timing and the checks around them are written
    once."""

    batch_size: int
    workload: Workload
    arrays: dict[str, np.ndarray]
    stepping_from: float | None = None
    """When the current call's first training step began, if the engine knows it better than
    the call's own start: a Keras path waits for its fit() thread to reach a batch's start
    first (see ``window``)."""
    test_x: Any  # the held-out inputs, in the framework's own tensors
    emit: Callable[..., None]
    trained: int = 0  # steps the checked model has trained, warm-up and every path included
    own_models: frozenset[str] = frozenset()
    """Paths that train a model of their own (Keras's jit-compiled copy), whose steps do not
    train the model the quality check predicts with."""

    def _steps(self, path: str, steps: int) -> float:
        raise NotImplementedError

    def _predict(self, x: object) -> np.ndarray:
        raise NotImplementedError

    def _train(self, path: str, steps: int) -> float:
        if path not in self.own_models:
            self.trained += steps
        self.stepping_from = None
        return self._steps(path, steps)

    def close(self) -> None:
        """Called once as the worker exits: ends what the engine runs besides commands."""

    def quality(self, path: str) -> dict:
        """The held-out check that proves training happened. A short probe may have trained
        fewer steps than the workload needs to learn: the rest are trained first, untimed
        (everything that is timed is done by now)."""
        topped_up = max(0, self.workload.min_steps - self.trained)
        if topped_up:
            self._train(path, topped_up)
        value = quality(self.workload, self._predict(self.test_x), self.arrays)
        return {"metric": self.workload.metric, "value": value, "bar": self.workload.bar,
                "steps": self.trained, "topped_up": topped_up}  # fmt: skip

    def warmup(self, path: str, max_s: float) -> dict:
        return warm_up(
            lambda n: self._train(path, n),
            max_s,
            lambda s: self.emit(phase="warm-up", message=f"{path}: first step {s:.2f} s"),
        )

    def window(self, path: str, steps: int) -> dict:
        cpu0 = time.process_time()
        start = time.perf_counter()
        loss = self._train(path, steps)
        end = time.perf_counter()
        # From the first step on, when the engine says when that was.
        elapsed = end - (self.stepping_from or start)
        return {
            "elapsed_s": elapsed,
            "samples": steps * self.batch_size,
            "loss": loss,
            "cpu_s": time.process_time() - cpu0,
        }
