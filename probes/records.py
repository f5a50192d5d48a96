"""What the runner learns while it probes: one record per framework, worker and timed path.

Plain data, filled in by ``probes.runner`` and read by ``probes.report``; kept apart from both
so neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from probes.disturbance import MOSTLY, Disturbance
from probes.runtime import RuntimeState
from probes.workers import Worker

COMPILED_PATHS = ("torch-compile", "keras-jit")
# A Keras backend worker's other jit_compile setting (keras-jit on torch, keras-eager on JAX):
# a training sensitivity of its own model, with no inference figure to report.
BACKEND_VARIANTS = ("keras-jit", "keras-eager")
BACKEND_PREFIX = "keras-"  # a Keras backend worker's name: keras-torch, keras-jax


def is_backend(name: str) -> bool:
    """Whether a record's name is a Keras backend worker's, not a native framework's."""
    return name.startswith(BACKEND_PREFIX)
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
    process: dict[int, int] = field(default_factory=dict)  # round -> worker process (1, 2, ...)
    load: dict[int, Disturbance | None] = field(default_factory=dict)  # round -> others' use
    disturbed: set[int] = field(default_factory=set)  # rounds whose window others disturbed
    idle_cpu: list[float] = field(default_factory=list)  # other workers' CPU share
    latency_ms: dict[int, list[float]] = field(default_factory=dict)  # round -> per call
    infer: dict[int, float] = field(default_factory=dict)  # round -> batched samples/s
    infer_disturbed: set[int] = field(default_factory=set)  # inference rounds disturbed
    foreign_ops: set[str] = field(default_factory=set)  # non-training ops before a window

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def clean(self) -> dict[int, float]:
        """The windows no other process disturbed: the only ones any figure is taken from."""
        return {r: v for r, v in self.windows.items() if r not in self.disturbed}

    @property
    def busy(self) -> bool:
        """Most of this path's windows were disturbed: it was not measured."""
        return bool(self.windows) and len(self.disturbed) > MOSTLY * len(self.windows)

    @property
    def label(self) -> str:
        return self.path if not self.state.tuned else f"{self.path} ({self.state.name})"

    @property
    def measures_inference(self) -> bool:
        # A compiled model would recompile for inference mode: its time is not latency.
        if is_backend(self.framework):
            return self.path not in BACKEND_VARIANTS
        return self.path not in COMPILED_PATHS

    @property
    def compiles(self) -> bool:
        """Its warm-up may compile for minutes (torch.compile, XLA): the longer deadline."""
        return self.path in COMPILED_PATHS

    @property
    def untouched(self) -> bool:
        """Every window ran in a process that had only loaded and trained before it."""
        return not self.foreign_ops


@dataclass
class WorkerRecord:
    """What one kind of worker runs (a framework in one runtime state) and the process that
    runs it now: the run replaces the process by a fresh one between its process legs, so
    one slow process cannot set a figure (``process`` counts them from 1)."""

    framework: str
    state: RuntimeState
    process: int = 1
    engine: str = ""
    """What the launcher starts (``--framework``), when it is not ``framework`` itself: a kind
    of worker that belongs to a framework's record but runs other code."""
    env: dict[str, str] = field(default_factory=dict)
    """What this kind of worker needs in its environment (KERAS_BACKEND, say): part of the
    path, not a tuned setting, so it never counts as one."""
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
    busy: str = ""  # why the framework was not measured: the machine was busy

    @property
    def main(self) -> WorkerRecord:
        return self.workers[0]

    @property
    def tuned(self) -> list[WorkerRecord]:
        return self.workers[1:]

    @property
    def status(self) -> str:
        # "failed", not a word of its own: schema 1's readers know only four statuses; the
        # entry's ``disturbance.busy`` tells newer readers why.
        return "failed" if self.failed_check or self.busy else self.main.status

    @property
    def message(self) -> str:
        return self.failed_check or self.busy or self.main.message

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

    @property
    def timed_paths(self) -> list[PathRecord]:
        """Every path of every state that was warmed up or timed: the plan times each once
        per round."""
        return [p for wr in self.workers for p in wr.paths if p.windows or (p.ok and p.warm)]

    @property
    def process(self) -> int:
        """Which of its worker processes the framework runs in now (1-based)."""
        return max(w.process for w in self.workers)


@dataclass
class RunInfo:
    budget_s: float
    workload: str = "cnn"
    rounds: int = 0
    rounds_planned: int = 0
    round: int = 0  # the round under way (1-based), for the progress events
    stopped: str = ""
    timed_s: float = 0.0
    wall_s: float = 0.0
    load_before: float | None = None
    tuning: str = ""  # which tuned states were measured, in words
    processes_planned: int = 1  # fresh worker processes per framework and state, in turn
    processes: int = 0  # of those, how many started
    restart_s: list[float] = field(default_factory=list)  # each change of processes took
    restart_estimate_s: float = 0.0  # what the budget set aside for each
    busy_limit_cores: float = 0.0  # others may use this much of the CPUs during a window
