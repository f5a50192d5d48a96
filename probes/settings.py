"""What a probe run is asked to do, and what it tells its observers while it runs.

Stdlib only: the CLI, the TUI and the cache import this without paying for a framework.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from probes.workloads import WORKLOADS

FRAMEWORKS: tuple[str, ...] = ("pytorch", "tensorflow")
# The Keras 3 backends a probe can measure the workload's Keras model on. Keras on TensorFlow
# is the tensorflow worker's keras-fit path; torch and jax each take a worker of their own
# (``python -m probes.worker --framework keras --backend torch|jax``).
KERAS_BACKENDS: tuple[str, ...] = ("tensorflow", "torch", "jax")
# Wall seconds one more Keras backend worker adds to a workload's run on 2 CPU cores, for
# each of its worker processes in turn: its import (Keras with its backend), build and
# warm-up (XLA compiles on JAX; torch.compile, with --compiled, comes on top), and its
# checks after the windows (logits, the held-out quality check, memory). Its training and
# inference windows share the run's timed budget with the native paths' (one more slot per
# round), so they add no time of their own. Measured on 2 quiet CPU cores (2026-12-04): the
# cnn's default probe took 61.6-70.6 s (median 62.9) alone and 82.1-83.0 s with the torch
# backend, about 20 s more; on a GPU, JAX's compile makes it several times that
# (docs/probes.md, "Keras 3 on other backends").
KERAS_BACKEND_WALL_S = 20.0


def backend_worker(backend: str) -> str:
    """The name a Keras backend's worker goes by in the progress events, the records and the
    launcher (``keras-torch`` starts ``probes.worker --framework keras --backend torch``)."""
    return f"keras-{backend}"

# Seconds of timed phases (training windows, inference) at most; imports, build, warm-up and
# the checks afterwards come on top. Without --budget a run aims at a wall-clock target
# instead, and its timed phases get what the imports, builds and warm-ups leave of it
# (a transformer's tracing costs far more than the CNN's), within [floor, this].
DEFAULT_BUDGET_S = 45.0
QUICK_BUDGET_S = 10.0
DEFAULT_WALL_S = 65.0  # the limit is 75 s on 2 cores; 60 s is the aim
QUICK_WALL_S = 26.0  # --quick must stay within 30 s
# Imports, builds and warm-ups on top of an explicit --budget, on a small machine: what a
# run with a budget is said to take beyond it (``expected_wall_s``).
SETUP_S = 20.0
# What the checks after the timed phases take (equivalence, quality, matmul, memory).
CLOSE_RESERVE_S = 3.0
# Below this, one mirrored block of windows per path no longer fits with the 0.3 s gaps
# the OpenMP pools need to go idle, so the interval would be meaningless.
BUDGET_FLOOR_S = 6.0
# Each framework's windows are spread over this many fresh worker processes, one after the
# other: fresh processes of the same code train up to 1.3x apart for their whole life here
# (see probes.spread), so with two a slow one moves a figure by half as much. Three, tried
# on 2026-12-06, cut the windows to a third of their length within the wall-clock target,
# and PyTorch's figure then read a sixth over its plain script (docs/probes.md).
PROCESSES = 2
MAX_PROCESSES = 4
# An hour of timed windows already narrows the intervals far below the noise between runs;
# the ceiling keeps a typo (or "inf") from planning a run that never ends.
BUDGET_MAX_S = 3600.0


class ProbeSettingsError(ValueError):
    """A setting is out of range; the message says which and what is allowed."""


class ProbeCancelled(Exception):
    """The caller's cancel event was set; every worker has been killed."""


@dataclass(frozen=True)
class ProbeSettings:
    budget_s: float | None = None  # None: the default (or quick) budget
    quick: bool = False
    frameworks: tuple[str, ...] = FRAMEWORKS
    compiled: bool = False
    # Also measure every tuned state this machine offers (jemalloc, tcmalloc), the lean path
    # tuned, and batched inference tuned; the default run tunes each primary path with glibc.
    tuning: bool = False
    # What to train: the first is the one whose figures head the measurements file (the
    # one matching the project); the others follow in its `workloads` map.
    workloads: tuple[str, ...] = ("cnn",)
    batch_size: int | None = None  # None: the workload's own (64; 32 for the transformer)
    seed: int = 0
    threads: int | None = None  # a cap below the usable CPUs; None: all usable CPUs
    # The most one worker command may take before the worker is killed as `timeout`.
    # None: generous per-command defaults (imports 120 s, compilers 900 s, ...).
    command_timeout_s: float | None = None
    # Fresh worker processes per framework and state, one after the other (see PROCESSES);
    # 0: the default, PROCESSES, but one with --quick, whose promise is its 30 s (two
    # processes pay a second import and warm-up each: 34.5 s there, bench/probe_wall.py).
    processes: int = 0
    # Keras 3 backends to measure the workload's Keras model on, besides the native
    # frameworks; empty: none (the default probe). tensorflow needs the tensorflow framework.
    keras_backends: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.processes == 0:
            object.__setattr__(self, "processes", 1 if self.quick else PROCESSES)
        if not self.frameworks:
            raise ProbeSettingsError("no framework to probe: give pytorch, tensorflow or both")
        unknown = [f for f in self.frameworks if f not in FRAMEWORKS]
        if unknown:
            raise ProbeSettingsError(
                f"unknown framework {unknown[0]!r}: choose from {', '.join(FRAMEWORKS)}"
            )
        if len(set(self.frameworks)) != len(self.frameworks):
            raise ProbeSettingsError("a framework is listed twice")
        if self.budget_s is not None and not math.isfinite(self.budget_s):
            raise ProbeSettingsError(f"budget {self.budget_s} is not a finite number of seconds")
        if self.budget_s is not None and not self.budget_s >= BUDGET_FLOOR_S:
            raise ProbeSettingsError(
                f"budget {self.budget_s:g} s is below the floor of {BUDGET_FLOOR_S:g} s"
            )
        if self.budget_s is not None and not self.budget_s <= BUDGET_MAX_S:
            raise ProbeSettingsError(
                f"budget {self.budget_s:g} s is above the ceiling of {BUDGET_MAX_S:g} s"
            )
        unknown = [w for w in self.workloads if w not in WORKLOADS]
        if unknown or not self.workloads:
            raise ProbeSettingsError(
                f"unknown workload {unknown[0]!r}: choose from {', '.join(WORKLOADS)}"
                if unknown else f"no workload: choose from {', '.join(WORKLOADS)}"
            )
        if len(set(self.workloads)) != len(self.workloads):
            raise ProbeSettingsError("a workload is listed twice")
        if self.batch_size is not None and self.batch_size < 1:
            raise ProbeSettingsError("batch size must be at least 1")
        if self.threads is not None and self.threads < 1:
            raise ProbeSettingsError("threads must be at least 1")
        if self.command_timeout_s is not None and self.command_timeout_s <= 0:
            raise ProbeSettingsError("command timeout must be positive")
        if not 1 <= self.processes <= MAX_PROCESSES:
            raise ProbeSettingsError(
                f"processes must be between 1 and {MAX_PROCESSES}, not {self.processes}"
            )
        unknown = [b for b in self.keras_backends if b not in KERAS_BACKENDS]
        if unknown:
            raise ProbeSettingsError(
                f"unknown Keras backend {unknown[0]!r}: choose from {', '.join(KERAS_BACKENDS)}"
            )
        if len(set(self.keras_backends)) != len(self.keras_backends):
            raise ProbeSettingsError("a Keras backend is listed twice")
        if "tensorflow" in self.keras_backends and "tensorflow" not in self.frameworks:
            raise ProbeSettingsError(
                "Keras on TensorFlow is the tensorflow framework's keras-fit path: add "
                "tensorflow to the frameworks, or leave it out of the Keras backends"
            )

    @property
    def backend_workers(self) -> tuple[str, ...]:
        """The Keras backends that need a worker of their own (all but TensorFlow)."""
        return tuple(b for b in self.keras_backends if b != "tensorflow")

    @property
    def keras_wall_s(self) -> float:
        """The wall seconds the Keras backend workers add to each workload's run."""
        return KERAS_BACKEND_WALL_S * len(self.backend_workers)

    @property
    def worker_names(self) -> tuple[str, ...]:
        """Every kind of worker a workload's run starts, in the order they import: the
        native frameworks, then each Keras backend's worker (``backend_worker``)."""
        return self.frameworks + tuple(backend_worker(b) for b in self.backend_workers)

    @property
    def effective_budget_s(self) -> float:
        """The timed phases' budget, or without --budget its most."""
        if self.budget_s is not None:
            return float(self.budget_s)
        return QUICK_BUDGET_S if self.quick else DEFAULT_BUDGET_S

    @property
    def wall_target_s(self) -> float | None:
        """The wall-clock time a run aims at when no --budget is given: the Keras backend
        workers' setup and checks come on top, so the native paths keep their windows."""
        if self.budget_s is not None:
            return None
        return (QUICK_WALL_S if self.quick else DEFAULT_WALL_S) + self.keras_wall_s

    @property
    def expected_wall_s(self) -> float:
        """How long one workload's run takes, as every front end says before it starts (the
        CLI, the app and the docs quote this one figure): the wall-clock target, or with
        --budget the budget and the setup around it; either with what the Keras backend
        workers add (``keras_wall_s``)."""
        return self.wall_target_s or self.effective_budget_s + SETUP_S + self.keras_wall_s

    def timed_budget_s(self, elapsed_s: float, restarts_s: float = 0.0) -> float:
        """The timed phases' budget once ``elapsed_s`` of the run are gone and ``restarts_s``
        more will go to starting the later worker processes: --budget as given, else what is
        left of the wall-clock target, within [floor, default]."""
        if self.wall_target_s is None:
            return self.effective_budget_s
        left = self.wall_target_s - elapsed_s - restarts_s - CLOSE_RESERVE_S
        return min(self.effective_budget_s, max(BUDGET_FLOOR_S, left))

    def batch_for(self, workload: str) -> int:
        return self.batch_size or WORKLOADS[workload].batch_size

    def key_fields(self) -> dict[str, object]:
        """The settings that change what is measured (the cache key's share)."""
        return {
            "budget_s": self.effective_budget_s,
            "quick": self.quick,
            "frameworks": sorted(self.frameworks),
            "compiled": self.compiled,
            "tuning": self.tuning,
            "workloads": list(self.workloads),
            "batch_size": self.batch_size,
            "seed": self.seed,
            "threads": self.threads,
            "processes": self.processes,
            # Only when asked for, so results cached before the backends existed stay valid.
            **({"keras_backends": sorted(self.keras_backends)} if self.keras_backends else {}),
        }


# The probe's words, each in one line: the app, the progress display and docs/probes.md say
# them where they first show the word; the JSON uses the same names.
WORDS = {
    "workload": "the model trained, the same in both frameworks (cnn, transformer, rnn, mlp)",
    "path": "one way to train with a framework, such as PyTorch's eager loop, Keras fit or a "
            "tf.function step",
    "tuned state": "a path run again with one setting a user can add (glibc's allocator "
                   "thresholds), in a process of its own",
    "window": "one timed stretch of training on one path",
    "round": "one window of every path, in alternating order",
    "process": "a fresh worker process; each framework's windows are spread over several, one "
               "after the other",
    "Keras backend": "the workload's Keras model trained on the torch or JAX backend in workers "
                     "of its own (keras-torch, keras-jax), its windows in the same rounds",
}
BACKEND_WORD = "Keras backend"
"""The word said, besides the others, wherever a Keras backend's worker has a row."""


@dataclass(frozen=True)
class ProbeEvent:
    """One step of progress, for the progress display and the TUI (may come from a thread).

    The counts come from the probe's own plan: ``paths`` are the framework's timed paths
    (tuned states included, as "keras-fit (glibc-thresholds)"), each timed once per round."""

    framework: str
    phase: str  # importing, building, equivalence, warm-up, training, inference, accuracy,
    #             done, failed, skipped, busy (not measured: the machine was busy)
    windows_done: int
    windows_planned: int
    samples_per_s: float | None
    message: str = ""
    path: str = ""  # the training path a window or phase is about, when there is one
    workload: str = ""  # what is being trained (runs of several workloads say which)
    paths: tuple[str, ...] = ()  # the framework's timed paths, from the plan
    round: int = 0  # the round under way (1-based; 0 before training)
    rounds_planned: int = 0
    process: int = 0  # which of the framework's worker processes runs now (1-based)
    processes: int = 0  # how many the run plans per framework
    disturbed: int = 0  # the framework's windows that other processes disturbed so far


@dataclass(frozen=True)
class ProbeProgressState:
    """What is known of one framework's probe so far, folded from its events.

    The terminal progress display and the TUI both show this; an event that carries no
    window counts or rate (a phase change) keeps the last ones known.
    """

    phase: str = "waiting"
    windows_done: int = 0
    windows_planned: int = 0
    samples_per_s: float | None = None
    message: str = ""
    paths: tuple[str, ...] = ()
    round: int = 0
    rounds_planned: int = 0
    process: int = 0
    processes: int = 0
    disturbed: int = 0

    def advanced(self, event: ProbeEvent) -> ProbeProgressState:
        def kept(name: str) -> Any:
            return getattr(event, name, None) or getattr(self, name)

        return replace(
            self,
            phase=event.phase,
            windows_done=event.windows_done or self.windows_done,
            windows_planned=event.windows_planned or self.windows_planned,
            samples_per_s=(
                event.samples_per_s if event.samples_per_s is not None else self.samples_per_s
            ),
            message=event.message,
            # Events from before the plan (or a test's stand-in) carry none of these.
            paths=kept("paths"),
            round=kept("round"),
            rounds_planned=kept("rounds_planned"),
            process=kept("process"),
            processes=kept("processes"),
            disturbed=kept("disturbed"),
        )

    @property
    def counts(self) -> str:
        """Where the run stands, in the probe's words, counted from its plan."""
        parts = []
        if self.rounds_planned:
            at = min(max(self.round, 1), self.rounds_planned)
            parts.append(f"round {at} of {self.rounds_planned}")
        if self.processes > 1 and self.process:
            parts.append(f"process {self.process} of {self.processes}")
        if self.windows_planned:
            n = len(self.paths)
            on = f" on {n} path{'s' if n != 1 else ''}" if n else ""
            parts.append(f"{self.windows_done}/{self.windows_planned} windows{on}")
        if self.disturbed:
            parts.append(f"{self.disturbed} disturbed")
        return " · ".join(parts)
