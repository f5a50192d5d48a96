"""The measurements file (contract 3): what the hardware probes measured, as validated data."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from advisor.errors import MeasurementsError
from advisor.inputs.files import Locator, brief, check_depth, parse_json, parse_yaml, read_text
from advisor.inputs.validation import NON_BLANK, convert
from advisor.printable import printable_data

Status = Literal["ok", "not_installed", "failed", "timeout"]
Native = Literal["pytorch", "tensorflow"]
KerasBackendName = Literal["torch", "jax"]
KerasBackend = Annotated[
    KerasBackendName,
    msgspec.Meta(description="a Keras 3 backend other than TensorFlow (Keras on TensorFlow is "
                             "frameworks.tensorflow, its keras-fit path)"),
]
# Every number in a measurements file is finite: JSON has no infinity, but Python's reader
# takes "Infinity" and turns 1e999 into one, and an infinite ratio would score the maximum.
# The schema's "number" says finite; each record's __post_init__ makes sure.
Positive = Annotated[float, msgspec.Meta(gt=0, description="finite, > 0")]
NonNegative = Annotated[float, msgspec.Meta(ge=0, description="finite, >= 0")]
Interval = Annotated[
    tuple[Positive, Positive],
    msgspec.Meta(description="[low, high], low <= high; an interval around an estimate "
                 "contains it"),
]
Quartiles = Annotated[
    tuple[NonNegative, NonNegative],
    msgspec.Meta(description="[first quartile, third quartile], around the median"),
]
Device = Annotated[
    str,
    msgspec.Meta(pattern=NON_BLANK, description="cpu, cuda:0, mps, ...: the device kind "
                 "first; not blank"),
]
_SLACK = 1e-9
"""Relative slack for "contains": the probe rounds nothing, but a file may have been."""


class _Record(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Probe records may carry diagnostics this version does not know; those are ignored."""

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            numbers = value if isinstance(value, tuple) else (value,)
            for x in numbers:
                if isinstance(x, float) and not math.isfinite(x):
                    raise ValueError(f"{name} is not a finite number ({x})")


def _ordered(name: str, interval: tuple[float, float] | None, estimate: float | None,
             what: str) -> None:  # fmt: skip
    """``interval`` is [low, high] and, with ``estimate``, contains it."""
    if interval is None:
        return
    lo, hi = interval
    if lo > hi:
        raise ValueError(f"{name} [{lo:g}, {hi:g}] is reversed: low must not exceed high")
    if estimate is not None:
        slack = _SLACK * abs(estimate)
        if not lo - slack <= estimate <= hi + slack:
            raise ValueError(f"{name} [{lo:g}, {hi:g}] does not contain the {what} {estimate:g}")


class Throughput(_Record, frozen=True, kw_only=True):
    median: Positive
    iqr: Quartiles
    ci95: Annotated[
        Interval,
        msgspec.Meta(description="[low, high], low <= high: the 95 % interval of the windows' "
                     "geometric mean (which need not contain the median)"),
    ]
    windows: Annotated[int, msgspec.Meta(ge=1)]

    def __post_init__(self) -> None:
        super().__post_init__()
        _ordered("iqr", self.iqr, self.median, "median")
        # The interval is the geometric mean's, which need not contain the median.
        _ordered("ci95", self.ci95, None, "")


class Latency(_Record, frozen=True, kw_only=True):
    p50: Positive
    p95: Annotated[Positive, msgspec.Meta(description="finite, >= p50")]

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.p50 > self.p95:
            raise ValueError(f"p50 {self.p50:g} ms exceeds p95 {self.p95:g} ms")


class Speedup(_Record, frozen=True, kw_only=True):
    """Tuned ÷ out of the box, from paired windows."""

    estimate: Positive
    ci95: Interval | None = None
    pairs: int | None = None
    by_process: Annotated[
        list[Positive],
        msgspec.Meta(description="the estimate from each worker process's pairs alone"),
    ] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        _ordered("ci95", self.ci95, self.estimate, "estimate")


class Ratio(_Record, frozen=True, kw_only=True):
    """pytorch ÷ tensorflow; ``estimate`` is null with a ``reason`` when it cannot be formed."""

    estimate: Positive | None = None
    ci95: Interval | None = None
    pairs: int | None = None
    reason: str | None = None
    against: str | None = None
    settings: Annotated[
        dict[str, str] | None,
        msgspec.Meta(description="train_tuned: the setting each framework was measured in"),
    ] = None
    dropped_pairs: Annotated[
        int, msgspec.Meta(ge=0, description="pairs left out: another process disturbed a window")
    ] | None = None
    by_process: Annotated[
        list[Positive],
        msgspec.Meta(description="the estimate from each worker process's pairs alone"),
    ] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.estimate is None and not self.reason:
            raise ValueError("a ratio without an estimate needs a reason")
        if self.estimate is None and self.ci95 is not None:
            raise ValueError("a ratio without an estimate cannot have an interval")
        _ordered("ci95", self.ci95, self.estimate, "estimate")


class Sensitivity(_Record, frozen=True, kw_only=True):
    """One setting a user can add, measured against the out-of-the-box state."""

    setting: Annotated[
        str,
        msgspec.Meta(description="the exact line to add to the environment, or (where: "
                                 "compile) the argument to pass to Keras's model.compile()"),
    ]
    where: Annotated[
        Literal["environment", "compile"],
        msgspec.Meta(description="where the setting goes: the training environment, or the "
                                 "model.compile() call (jit_compile on a Keras backend)"),
    ] = "environment"
    state: str
    path: str | None = None
    applies: Literal["training", "inference"]
    status: Status = "ok"
    message: str = ""
    speedup: Speedup | None = None
    train_samples_per_s: Throughput | None = None
    compile_s: Annotated[
        NonNegative | None,
        msgspec.Meta(description="a setting that compiles: the warm-up's time beyond its "
                                 "steps at the settled rate"),
    ] = None
    ratios: Annotated[
        dict[Native, Ratio],
        msgspec.Meta(description="keras_backends: the path in this setting ÷ each native "
                                 "framework's primary path, paired"),
    ] = msgspec.field(default_factory=dict)


class Disturbance(_Record, frozen=True, kw_only=True):
    """What other processes did on the probe's CPUs during a path's windows."""

    windows: Annotated[int, msgspec.Meta(ge=0)]
    disturbed: Annotated[
        int, msgspec.Meta(ge=0, description="windows during which other processes (and the "
                          "hypervisor's steal) used more than limit_cores; left out")
    ]
    others_cores: Annotated[
        NonNegative | None,
        msgspec.Meta(description="median share of a core other processes used during them"),
    ] = None
    steal_cores: NonNegative | None = None
    limit_cores: NonNegative | None = None
    busy: Annotated[
        bool, msgspec.Meta(description="most windows were disturbed: not measured (the status "
                           "is failed, so that older readers do not score it either)")
    ] = False


class ProcessFigure(_Record, frozen=True, kw_only=True):
    """One worker process's own share of a path's figure."""

    process: Annotated[int, msgspec.Meta(ge=1)]
    windows: Annotated[int, msgspec.Meta(ge=1)]
    median: Positive


class Runtime(_Record, frozen=True, kw_only=True):
    """The process state the primary figures were taken in."""

    state: str
    setting: str = ""
    allocator: str
    mmap_threshold: str | None = None
    trim_threshold: str | None = None
    env: dict[str, str] = msgspec.field(default_factory=dict)
    untouched: Annotated[
        bool | None,
        msgspec.Meta(description="nothing but loading and training ran before a timed window"),
    ] = None


WORTH_ADDING_ABOVE = 1.10
"""A setting is worth telling a user about when its whole interval lies above this speedup."""


class Quality(_Record, frozen=True, kw_only=True):
    """The held-out check that proves the model trained."""

    metric: Literal["accuracy", "error ratio"]
    value: NonNegative
    bar: NonNegative
    steps: int | None = None
    topped_up: int | None = None

    @property
    def passed(self) -> bool:
        return self.value >= self.bar if self.metric == "accuracy" else self.value <= self.bar


class FrameworkResult(_Record, frozen=True, kw_only=True):
    status: Status
    message: str = ""
    version: str | None = None
    device: Device | None = None
    path: str | None = None
    threads: int | None = None
    import_s: NonNegative | None = None
    build_s: NonNegative | None = None
    first_step_s: NonNegative | None = None
    compile_s: NonNegative | None = None
    train_samples_per_s: Throughput | None = None
    train_cv: NonNegative | None = None
    efficiency_pct: NonNegative | None = None
    infer_latency_ms: Latency | None = None
    infer_samples_per_s: NonNegative | None = None
    infer_batch: Annotated[
        int, msgspec.Meta(ge=1, description="the batch of the inference-throughput windows")
    ] | None = None
    peak_rss_mb: NonNegative | None = None
    params: int | None = None
    accuracy: Annotated[float, msgspec.Meta(ge=0, le=1)] | None = None
    quality: Quality | None = None
    flags: list[str] = msgspec.field(default_factory=list)
    variants: dict[str, FrameworkResult] | None = None
    runtime: Runtime | None = None
    sensitivity: list[Sensitivity] = msgspec.field(default_factory=list)
    disturbance: Disturbance | None = None
    processes: Annotated[
        list[ProcessFigure],
        msgspec.Meta(description="each worker process's figure (undisturbed windows)"),
    ] = msgspec.field(default_factory=list)
    process_spread: Annotated[
        Positive | None,
        msgspec.Meta(description="how far apart the processes trained: the fastest one's "
                     "geometric mean over the slowest one's (1.0: alike)"),
    ] = None
    log_tail: Annotated[
        list[str], msgspec.Meta(description="the worker's last log lines when it failed")
    ] = msgspec.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def busy(self) -> bool:
        """Not measured because other processes kept the machine busy (measure again)."""
        return self.disturbance is not None and self.disturbance.busy

    @property
    def device_kind(self) -> str:
        """cpu, cuda, mps, xpu, ... (the part of ``device`` before any index or name)."""
        device = (self.device or "cpu").strip()
        head = device.split(":")[0].split()
        return (head[0] if head else device).lower()

    def worth_adding(self) -> list[Sensitivity]:
        """The settings that make this framework faster here beyond doubt: measured, and
        with the whole speedup interval above WORTH_ADDING_ABOVE; fastest first."""
        found = [
            s for s in self.sensitivity
            if s.status == "ok" and s.speedup is not None and s.speedup.ci95 is not None
            and s.speedup.ci95[0] > WORTH_ADDING_ABOVE
        ]  # fmt: skip
        return sorted(found, key=lambda s: -(s.speedup.estimate if s.speedup else 0.0))

    def tuned(self, applies: str = "training") -> list[Sensitivity]:
        """The tuned states measured for the primary path (status ok)."""
        return [s for s in self.sensitivity
                if s.applies == applies and s.status == "ok" and s.path in (None, self.path)]

class Equivalence(_Record, frozen=True, kw_only=True):
    ok: bool
    params: dict[str, int] = msgspec.field(default_factory=dict)
    max_abs_logit_diff: float | None = None
    reason: str | None = None


class ProbeRun(_Record, frozen=True, kw_only=True):
    """How the probe ran: its budget, what it timed, why it stopped."""

    budget_s: float | None = None
    timed_s: float | None = None
    wall_s: float | None = None
    rounds: int | None = None
    rounds_planned: int | None = None
    stopped: str | None = None
    quick: bool = False
    tuning: str | None = None
    processes: Annotated[
        int | None, msgspec.Meta(description="fresh worker processes each framework ran in, "
                                 "one after the other")
    ] = None
    busy_limit_cores: NonNegative | None = None
    paths: Annotated[
        dict[str, list[str]],
        msgspec.Meta(description="each framework's timed paths, tuned states as "
                     "'path (state)'; every round times each once"),
    ] = msgspec.field(default_factory=dict)


class Machine(_Record, frozen=True, kw_only=True):
    cpu: str | None = None
    logical_cores: int | None = None
    physical_cores: int | None = None
    threads_used: int | None = None
    memory_gb: float | None = None
    os: str | None = None
    python: str | None = None
    accelerators: list[str] = msgspec.field(default_factory=list)
    probe: ProbeRun | None = None


class BackendEquivalence(_Record, frozen=True, kw_only=True):
    """Whether Keras on another backend trained the native models' function: its outputs of
    the shared initial weights against each native model's, and its parameter count."""

    ok: bool
    max_abs_logit_diff: dict[Native, NonNegative] = msgspec.field(default_factory=dict)
    tolerance: Positive | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        over = [fw for fw, d in self.max_abs_logit_diff.items()
                if self.tolerance is not None and d > self.tolerance]  # fmt: skip
        if self.ok and over:
            raise ValueError(f"ok is true, but the outputs differ from {over[0]}'s by more "
                             f"than the tolerance {self.tolerance:g}")  # fmt: skip


class KerasBackendResult(FrameworkResult, frozen=True, kw_only=True):
    """Keras 3 on the torch or JAX backend: the workload's Keras model, the code the
    TensorFlow worker trains, as a framework's figures (``version`` is Keras's), and what it
    costs against the native frameworks."""

    backend_version: str | None = None
    jit_compile: Annotated[
        bool | None,
        msgspec.Meta(description="the primary path's jit_compile, Keras's default for the "
                                 "backend (off on torch, XLA on JAX)"),
    ] = None
    equivalence: BackendEquivalence | None = None
    ratios: Annotated[
        dict[Native, Ratio],
        msgspec.Meta(description="this backend's keras-fit ÷ each native framework's primary "
                                 "path (pytorch: eager-loop, tensorflow: keras-fit), paired "
                                 "windows; < 1 means slower than native"),
    ] = msgspec.field(default_factory=dict)


class WorkloadResult(_Record, frozen=True, kw_only=True):
    """One workload's figures, as the top level has them for the chosen workload."""

    equivalence: Equivalence
    frameworks: dict[Literal["pytorch", "tensorflow"], FrameworkResult]
    ratios: dict[str, Ratio] = msgspec.field(default_factory=dict)
    probe: ProbeRun | None = None
    keras_backends: Annotated[
        dict[KerasBackend, KerasBackendResult],
        msgspec.Meta(description="the workload's Keras model on other backends, when they "
                                 "were measured (readers of schema 1 that predate them "
                                 "ignore this key)"),
    ] = msgspec.field(default_factory=dict)


class Measurements(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True,
                   omit_defaults=True):
    schema_version: Literal[1] = msgspec.field(name="schema")
    created: datetime
    workload: Annotated[
        str, msgspec.Meta(description="what the top-level figures trained (files before "
                                      "workloads existed measured the CNN)")
    ] = "cnn"
    machine: Machine
    equivalence: Equivalence
    frameworks: dict[Literal["pytorch", "tensorflow"], FrameworkResult]
    ratios: dict[str, Ratio] = msgspec.field(default_factory=dict)
    workloads: Annotated[
        dict[str, WorkloadResult],
        msgspec.Meta(description="every workload measured, the chosen one included"),
    ] = msgspec.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return msgspec.json.decode(msgspec.json.encode(self))

    def keras_backends(self, workload: str) -> Mapping[KerasBackendName, KerasBackendResult]:
        """The Keras backends measured for ``workload`` (none when it was not measured)."""
        found = self.workloads.get(workload)
        return found.keras_backends if found is not None else {}


FUTURE_SLACK = timedelta(days=1)
"""How far in the future a file's ``created`` may lie (clocks disagree; a probe cannot run in
the future)."""
THROUGHPUT_SLACK = 1.5
"""How far a training ratio may lie outside what the two throughputs' own figures allow: the
ratio comes from paired windows, the figures from all of them, so they agree closely but not
exactly. Beyond it, the file contradicts itself."""
LATENCY_SLACK = 2.0
"""The same for the latency ratio, whose per-round medians may lie outside the calls' p50-p95."""
_TF_PATH = {"train": "keras-fit", "train_lean": "tf-function"}
"""The TensorFlow path each training ratio is formed against (PyTorch's is its primary one)."""


def check_measurements(m: Measurements, path: str | Path | None = None,
                       locator: Locator | None = None) -> None:  # fmt: skip
    """Refuse a file that no probe writes: one made in the future, one whose ratios contradict
    its own figures, one that carries ratios its failed equivalence check forbids. Raises
    ``MeasurementsError`` naming the key (and line) and saying why."""

    def refuse(at: tuple[str, ...], message: str) -> MeasurementsError:
        return MeasurementsError(path, message, key=".".join(at), at=at,
                                 line=locator.line(at) if locator else None)  # fmt: skip

    created = m.created if m.created.tzinfo else m.created.replace(tzinfo=timezone.utc)
    if created > datetime.now(timezone.utc) + FUTURE_SLACK:
        raise refuse(("created",), f"{m.created.isoformat()} is in the future: no probe ran "
                     "then, so the file was altered or the clock of the machine that wrote "
                     "it is wrong")  # fmt: skip
    figures: list[tuple[tuple[str, ...], Equivalence, Mapping[Any, FrameworkResult],
                        Mapping[str, Ratio]]] = [((), m.equivalence, m.frameworks, m.ratios)]
    figures += [(("workloads", name), w.equivalence, w.frameworks, w.ratios)
                for name, w in m.workloads.items()]  # fmt: skip
    for at, equivalence, frameworks, ratios in figures:
        formed = [k for k, r in ratios.items() if r.estimate is not None]
        if formed and not equivalence.ok:
            raise refuse((*at, "equivalence", "ok"), "is false" + (
                f" ({equivalence.reason})" if equivalence.reason else "") + f", yet ratios."
                f"{formed[0]} has an estimate: a probe forms no ratio from models it could not "
                "prove to compute the same function, so the file was altered")  # fmt: skip
        for key in formed:
            problem = _contradiction(key, ratios[key], frameworks)
            if problem:
                raise refuse((*at, "ratios", key), problem + "; the file contradicts itself, "
                             "so it was altered or is corrupt")  # fmt: skip


def _contradiction(key: str, ratio: Ratio, frameworks: Mapping[Any, FrameworkResult]
                   ) -> str | None:  # fmt: skip
    """Why ``ratio`` cannot come from the figures beside it, or None (also when they are not
    there to tell)."""
    pt, tf = frameworks.get("pytorch"), frameworks.get("tensorflow")
    if pt is None or tf is None or ratio.estimate is None:
        return None
    estimate = ratio.estimate
    if key == "infer_latency":
        a, b = pt.infer_latency_ms, tf.infer_latency_ms
        if a is None or b is None:
            return None
        low, high = a.p50 / b.p95 / LATENCY_SLACK, a.p95 / b.p50 * LATENCY_SLACK
        what = (f"PyTorch's latency p50-p95 {a.p50:g}-{a.p95:g} ms and TensorFlow's "
                f"{b.p50:g}-{b.p95:g} ms")  # fmt: skip
    else:
        sides = _throughputs(key, ratio, pt, tf)
        if sides is None:
            return None
        a_t, b_t = sides
        a_low, a_high = min(a_t.ci95[0], a_t.median), max(a_t.ci95[1], a_t.median)
        b_low, b_high = min(b_t.ci95[0], b_t.median), max(b_t.ci95[1], b_t.median)
        low = a_low / b_high / THROUGHPUT_SLACK
        high = a_high / b_low * THROUGHPUT_SLACK
        what = (f"PyTorch's {a_t.median:,.4g} samples/s (95 % CI {a_low:,.4g}-{a_high:,.4g}) and "
                f"TensorFlow's {b_t.median:,.4g} ({b_low:,.4g}-{b_high:,.4g})")  # fmt: skip
    if low <= estimate <= high:
        return None
    return (f"PyTorch ÷ TensorFlow = {estimate:g}, but {what} allow {low:.3g} to "
            f"{high:.3g} at most")


def _throughputs(key: str, ratio: Ratio, pt: FrameworkResult, tf: FrameworkResult
                 ) -> tuple[Throughput, Throughput] | None:  # fmt: skip
    """The two throughputs ``key`` divides, where the file holds them."""
    if key == "train_tuned":
        settings = ratio.settings or {}
        a = _in_setting(pt, settings.get("pytorch"))
        b = _in_setting(tf, settings.get("tensorflow"))
    elif key in _TF_PATH:
        right = (ratio.against or "").partition(" / ")[2] or _TF_PATH[key]
        a = pt.train_samples_per_s
        entry = tf if tf.path in (right, None) else (tf.variants or {}).get(right)
        b = entry.train_samples_per_s if entry is not None else None
    else:
        return None
    return (a, b) if a is not None and b is not None else None


def _in_setting(entry: FrameworkResult, setting: str | None) -> Throughput | None:
    """The primary path's throughput in ``setting`` ('' or None: out of the box)."""
    if not setting:
        return entry.train_samples_per_s
    return next((s.train_samples_per_s for s in entry.tuned() if s.setting == setting), None)


def parse_measurements(
    data: object, path: str | Path | None = None, locator: Locator | None = None
) -> Measurements:
    """Validate a contract-3 mapping; raise ``MeasurementsError`` naming the key (and line).
    Beyond its format, the file must be one a probe could have written (``check_measurements``)."""
    if not isinstance(data, Mapping):
        raise MeasurementsError(
            path, "expected a JSON object with schema, frameworks and ratios, got "
            f"{brief(data)}", line=1 if path is not None else None,
        )  # fmt: skip
    if locator is None:  # a file was checked as it was parsed; a caller's dict is checked here
        check_depth(data, path, MeasurementsError)
    # A caller's dict (the embedding API, the probe cache) is cleaned as a file is.
    m = convert(printable_data(dict(data)), Measurements, path, locator, MeasurementsError)
    check_measurements(m, path, locator)
    return m


def load_measurements(path: str | Path) -> Measurements:
    """Read a measurements JSON file; raise ``MeasurementsError`` naming file, key and line."""
    text = read_text(path, MeasurementsError, what="a measurements file (JSON)")
    data = parse_json(text, path, MeasurementsError)
    try:
        return parse_measurements(data, path)
    except MeasurementsError as unlocated:
        # JSON is YAML, and the YAML composer knows lines: worth it only to point at a problem.
        try:
            _, locator = parse_yaml(text, path, MeasurementsError)
        except MeasurementsError:  # valid JSON that YAML reads differently: no line, then
            raise unlocated from None
        return parse_measurements(data, path, locator)


def measurements_problem(data: object) -> str | None:
    """Why ``data`` is not a usable measurements dict (the key and the reason), or None: the
    probe cache's entries are checked with the parser that checks a user's file."""
    try:
        parse_measurements(data)
    except MeasurementsError as exc:
        return f"{exc.key}: {exc.detail}" if exc.key else exc.detail
    return None
