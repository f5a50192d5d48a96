"""What both framework engines share: warm-up, peak memory and the compiler check.

Stdlib only; imported inside the workers next to exactly one framework.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from probes.stats import median

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


class TimedTraining:
    """The ``warmup`` and ``window`` commands, shared by both engines: they differ only in
    ``_train`` (one framework's training steps), so the timing around it is written once."""

    batch_size: int
    emit: Callable[..., None]

    def _train(self, path: str, steps: int) -> float:
        raise NotImplementedError

    def warmup(self, path: str, max_s: float) -> dict:
        return warm_up(
            lambda n: self._train(path, n),
            max_s,
            lambda s: self.emit(phase="warm-up", message=f"{path}: first step {s:.2f} s"),
        )

    def window(self, path: str, steps: int) -> dict:
        cpu0 = time.process_time()
        elapsed, loss = timed(lambda: self._train(path, steps))
        return {
            "elapsed_s": elapsed,
            "samples": steps * self.batch_size,
            "loss": loss,
            "cpu_s": time.process_time() - cpu0,
        }
