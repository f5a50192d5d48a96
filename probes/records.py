"""What the runner learns while it probes: one record per framework, worker and timed path.

Plain data, filled in by ``probes.runner`` and read by ``probes.report``; kept apart from both
so neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from probes.runtime import RuntimeState
from probes.workers import Worker

COMPILED_PATHS = ("torch-compile", "keras-jit")
# Commands that only load or train: a window whose worker ran nothing else before it was
# timed in the state a plain training script is in.
TRAINING_OPS = frozenset({"load", "warmup", "window"})


@dataclass
class PathRecord:
    """One timed training path (eager-loop, keras-fit, ...) in one worker process."""

    framework: str
    path: str
    primary: bool  # the framework's main path (the article's code)
    state: RuntimeState
    status: str = "ok"
    message: str = ""
    warm: dict = field(default_factory=dict)
    step_s: float = 0.0  # latest per-step time, sizes the next window
    overhead_s: float = 0.0  # latest window's wall time outside the timed steps
    steps: int = 0  # of the latest window
    windows: dict[int, float] = field(default_factory=dict)  # round -> samples/s
    idle_cpu: list[float] = field(default_factory=list)  # other workers' CPU share
    latency_ms: dict[int, list[float]] = field(default_factory=dict)  # round -> per call
    infer: dict[int, float] = field(default_factory=dict)  # round -> batched samples/s
    foreign_ops: set[str] = field(default_factory=set)  # non-training ops before a window

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def label(self) -> str:
        return self.path if not self.state.tuned else f"{self.path} ({self.state.name})"

    @property
    def measures_inference(self) -> bool:
        # A compiled model would recompile for inference mode: its time is not latency.
        return self.path not in COMPILED_PATHS

    @property
    def untouched(self) -> bool:
        """Every window ran in a process that had only loaded and trained before it."""
        return not self.foreign_ops


@dataclass
class WorkerRecord:
    """One worker process: a framework in one runtime state."""

    framework: str
    state: RuntimeState
    status: str = "ok"
    message: str = ""
    worker: Worker | None = None
    hello: dict = field(default_factory=dict)
    load: dict = field(default_factory=dict)
    paths: list[PathRecord] = field(default_factory=list)
    log_tail: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def alive(self) -> bool:
        return self.ok and self.worker is not None


@dataclass
class FrameworkRecord:
    """A framework: its out-of-the-box worker (the primary figures) and any tuned ones."""

    framework: str
    workers: list[WorkerRecord]
    logits: list | None = None
    matmul_gflops: float | None = None
    quality: dict | None = None  # the held-out check: metric, value, bar, steps
    peak_rss_mb: float | None = None
    failed_check: str = ""  # a check after the run (quality) that fails the framework

    @property
    def main(self) -> WorkerRecord:
        return self.workers[0]

    @property
    def tuned(self) -> list[WorkerRecord]:
        return self.workers[1:]

    @property
    def status(self) -> str:
        return "failed" if self.failed_check else self.main.status

    @property
    def message(self) -> str:
        return self.failed_check or self.main.message

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def hello(self) -> dict:
        return self.main.hello

    @property
    def paths(self) -> list[PathRecord]:
        """The out-of-the-box paths: primary first, then the variants."""
        return self.main.paths


@dataclass
class RunInfo:
    budget_s: float
    workload: str = "cnn"
    rounds: int = 0
    rounds_planned: int = 0
    stopped: str = ""
    timed_s: float = 0.0
    wall_s: float = 0.0
    load_before: float | None = None
    tuning: str = ""  # which tuned states were measured, in words
