"""Fake probe runners for the TUI tests: scripted events, a result, a failure, a cache."""

from __future__ import annotations

import copy
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.tui.runner import ProbeRunCancelled
from probes.settings import ProbeSettings, backend_worker

KERAS_BACKENDS = Path(__file__).resolve().parents[1] / "data" / "measurements-keras-backends.json"


@dataclass(frozen=True)
class Event:
    """Has the fields of ``probes.ProbeEvent``; the app reads nothing else."""

    framework: str
    phase: str
    windows_done: int = 0
    windows_planned: int = 0
    samples_per_s: float | None = None
    message: str = ""
    path: str = ""
    workload: str = ""
    paths: tuple[str, ...] = ()
    round: int = 0
    rounds_planned: int = 0
    process: int = 0
    processes: int = 0
    disturbed: int = 0


MEASUREMENTS: dict[str, Any] = {
    "schema": 1,
    "created": "2026-11-27T14:05:31+00:00",
    "machine": {"cpu": "Test CPU 3000", "logical_cores": 2, "physical_cores": 1,
                "threads_used": 2, "memory_gb": 7.8, "os": "Linux", "python": "3.11.14",
                "accelerators": []},
    "equivalence": {"params": {"pytorch": 109386, "tensorflow": 109386},
                    "max_abs_logit_diff": 3.1e-06, "ok": True},
    "frameworks": {
        "pytorch": {
            "status": "ok", "version": "2.13.0+cpu", "device": "cpu", "path": "eager-loop",
            "threads": 2,
            "import_s": 1.42, "build_s": 0.031, "first_step_s": 0.087,
            "train_samples_per_s": {"median": 5210.4, "iqr": [5102.0, 5301.7],
                                    "ci95": [5088.2, 5322.9], "windows": 7},
            "infer_latency_ms": {"p50": 0.41, "p95": 0.58}, "infer_samples_per_s": 2390.0,
            "peak_rss_mb": 412.6, "params": 109386, "accuracy": 0.962, "flags": [],
        },
        "tensorflow": {
            "status": "ok", "version": "2.21.0", "device": "cpu", "path": "keras-fit",
            "threads": 2,
            "import_s": 3.87, "build_s": 0.212, "first_step_s": 0.944,
            "train_samples_per_s": {"median": 3948.1, "iqr": [3870.5, 4015.3],
                                    "ci95": [3861.0, 4031.6], "windows": 7},
            "infer_latency_ms": {"p50": 0.58, "p95": 0.83}, "infer_samples_per_s": 1702.0,
            "peak_rss_mb": 905.3, "params": 109386, "accuracy": 0.958, "flags": [],
        },
    },
    "ratios": {
        "train": {"estimate": 1.32, "ci95": [1.27, 1.37], "pairs": 7},
        "infer_latency": {"estimate": 0.71, "ci95": [0.66, 0.77]},
    },
}


def measurements_without(framework: str, status: str, message: str) -> dict[str, Any]:
    data = copy.deepcopy(MEASUREMENTS)
    data["frameworks"][framework] = {"status": status, "message": message}
    data["ratios"] = {"train": {"reason": f"{framework} was not measured"},
                      "infer_latency": {"reason": f"{framework} was not measured"}}
    return data


def flagged_measurements() -> dict[str, Any]:
    """TensorFlow's run flagged as the probe flags it: the reasons name the code path."""
    data = copy.deepcopy(MEASUREMENTS)
    data["frameworks"]["tensorflow"]["flags"] = [
        "keras-fit: window CV 36% > 10% (noisy machine?)",
        "keras-fit: throughput falling across windows",
    ]
    return data


PATHS = {"pytorch": ("eager-loop",), "tensorflow": ("keras-fit", "tf-function"),
         "keras-torch": ("keras-fit",), "keras-jax": ("keras-fit", "keras-eager")}
RATES = {"pytorch": (5000.0,), "tensorflow": (3900.0, 5400.0), "keras-torch": (3380.0,),
         "keras-jax": (4400.0, 610.0)}  # samples/s of each path's first window


def keras_measurements() -> dict[str, Any]:
    """MEASUREMENTS with the Keras model also on the torch and JAX backends (the hand-made
    figures of tests/data/measurements-keras-backends.json)."""
    data = copy.deepcopy(MEASUREMENTS)
    backends = json.loads(KERAS_BACKENDS.read_text(encoding="utf-8"))
    data["workloads"] = {"cnn": {
        **{k: copy.deepcopy(data[k]) for k in ("equivalence", "frameworks", "ratios")},
        "keras_backends": backends["workloads"]["cnn"]["keras_backends"],
    }}  # fmt: skip
    return data


def script(windows: int = 4, backends: tuple[str, ...] = ()) -> list[Event]:
    """A plausible run, as the probes report it: PyTorch times one code path (its eager loop),
    TensorFlow two (Keras fit and a tf.function step), so TensorFlow plans twice the windows;
    every path is timed once per round, the rounds shared by two worker processes in turn,
    and the worker's own warm-up messages ("eager-loop: first step 0.14 s") come too. Each
    of ``backends`` (torch, jax) adds its Keras worker ("keras-torch"), which imports after
    the natives and times its paths in the same rounds (JAX's eager variant always runs)."""
    events: list[Event] = []
    workers = ("pytorch", "tensorflow", *(backend_worker(b) for b in backends))

    def plan(fw: str, r: int = 0, done: int = 0) -> dict:
        process = 1 if r <= windows // 2 else 2
        return dict(paths=PATHS[fw], round=r, rounds_planned=windows if r else 0,
                    process=process, processes=2, windows_done=done,
                    windows_planned=windows * len(PATHS[fw]) if r else 0)

    for fw in workers:
        events += [Event(fw, "importing", **plan(fw)), Event(fw, "building", **plan(fw))]
    for fw in workers:
        for path in PATHS[fw]:
            events += [Event(fw, "warm-up", message=path, path=path, **plan(fw)),
                       Event(fw, "warm-up", message=f"{path}: first step 0.14 s", path=path,
                             **plan(fw))]
    for i in range(1, windows + 1):
        for fw in workers:
            n = len(PATHS[fw])
            for j, (path, rate) in enumerate(zip(PATHS[fw], RATES[fw], strict=True)):
                events.append(Event(fw, "training", samples_per_s=rate + 10 * i, message=path,
                                    path=path, **plan(fw, i, (i - 1) * n + j + 1)))
    for fw in workers:
        last = plan(fw, windows, windows * len(PATHS[fw]))
        events += [Event(fw, phase, **last) for phase in ("inference", "quality", "done")]
    return events


SOURCES = {
    "pytorch": "import torch\n\n\nclass ReferenceCNN(torch.nn.Module):\n"
               "    def __init__(self) -> None:\n        super().__init__()\n"
               "        self.conv = torch.nn.Conv2d(1, 16, 3)\n",
    "tensorflow": "import keras\n\n\ndef reference_cnn() -> keras.Model:\n"
                  "    return keras.Sequential([\n        keras.layers.Conv2D(16, 3),\n    ])\n",
}


@dataclass
class FakeRunner:
    """Emits ``events`` then returns ``result`` (or raises ``error``). With ``hold_after`` it
    stops after that many events and waits for the cancel event, like a long run would."""

    events: list[Event] = field(default_factory=script)
    result: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(MEASUREMENTS))
    error: Exception | None = None
    cache: dict[str, Any] | None = None
    hold_after: int | None = None
    estimate: float | None = ProbeSettings().expected_wall_s
    runs: int = 0
    workloads: list[str] = field(default_factory=list)
    """The workload of each run, in order."""
    cancelled: bool = False
    emitted: int = 0
    held: threading.Event = field(default_factory=threading.Event)
    real_sources: bool = False
    """Show the probes' own model source (reading it imports no framework)."""
    keras_backends: tuple[str, ...] = ()
    """The Keras backends the runner adds for any answers (the adapter follows the default
    rule; a test says which it wants, whatever is installed here)."""
    answers: list[dict[str, Any]] = field(default_factory=list)
    """The answers each ``settings_for`` was asked with."""

    def settings_for(self, settings: Any, answers: Any) -> ProbeSettings:
        self.answers.append(dict(answers))
        return settings if settings is not None else ProbeSettings(
            keras_backends=self.keras_backends)

    def estimate_s(self, settings: Any) -> float | None:
        # As the adapter's: what the backend workers add comes on top.
        if self.estimate is None:
            return None
        return self.estimate + getattr(settings, "keras_wall_s", 0.0)

    def cached(self, settings: Any, workload: str) -> dict[str, Any] | None:
        if self.cache is None or self.cache.get("workload", "cnn") != workload:
            return None
        return copy.deepcopy(self.cache)

    def run(
        self, settings: Any, workload: str, on_event: Any, cancel: threading.Event
    ) -> dict[str, Any]:
        self.runs += 1
        self.workloads.append(workload)
        for i, event in enumerate(self.events):
            if self.hold_after is not None and i >= self.hold_after:
                self.held.set()
                while not cancel.wait(0.01):
                    pass
            if cancel.is_set():
                self.cancelled = True
                raise ProbeRunCancelled()
            on_event(event)
            self.emitted += 1
        if self.error is not None:
            raise self.error
        return {**copy.deepcopy(self.result), "workload": workload}

    def model_source(self, framework: str, workload: str) -> str:
        if self.real_sources:
            import probes

            return probes.model_source(framework, workload)
        return SOURCES[framework]
