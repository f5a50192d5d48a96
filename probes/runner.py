"""The probe runner: starts one worker per framework and drives them through the phases.

It imports neither framework (only numpy and scikit-learn, to write the shared bundle).
Phases: import (one worker at a time, so neither import competes with the other), build and
equivalence, warm-up (excluded from every throughput), training windows in mirrored order
with gaps, inference, accuracy. Any worker failure marks only that framework (or, for a
variant, only that path) and the run goes on with the rest; a cancel or Ctrl-C kills every
worker before returning.
"""

from __future__ import annotations

import math
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from probes import bundle as bundle_mod
from probes.cache import data_cache_dir
from probes.cpus import cpu_budget, thread_environment
from probes.machine import describe, load_average
from probes.protocol import ChannelTimeout
from probes.report import assemble
from probes.schedule import first_order, round_order
from probes.settings import ProbeCancelled, ProbeEvent, ProbeSettings
from probes.stats import geometric_ci95, median, paired_log_ratio
from probes.workers import Launcher, Worker, WorkerFailure, default_launcher, worker_environment
from probes.workers import process_cpu_s as _cpu_s

GAP_S = 0.3  # between training windows: lets the last worker's thread pool go idle
INFER_GAP_S = 0.1  # inference windows are short; the idle-CPU check catches any spin
MIN_ROUNDS = 4  # early stop is considered only from here on, and only at even rounds
TARGET_HALF_WIDTH = 0.05
# A block may start if it is predicted to end within 5 % past the training share: stopping
# a block early on a rounding error would waste a third of a short budget.
BUDGET_SLACK = 1.05
# Planned training rounds: as many as fit with windows of at least MIN_WINDOW_S, between
# MIN_ROUNDS and MAX_ROUNDS (an even number, so the mirrored order completes).
MAX_ROUNDS = 8
QUICK_MAX_ROUNDS = 4
MIN_WINDOW_S = 0.5
LATENCY_ROUNDS = 4  # mirrored, as for training; fewer pairs make the t-interval useless
INFER_SHARE = 0.2  # of the budget, for latency and batched-throughput windows
MIN_STEPS = 2
WARMUP_MAX_S = 2.0
MIN_ACCURACY = 0.80
QUICK_WARMUP_MAX_S = 0.5

# Per-command deadlines (s); ProbeSettings.command_timeout_s caps them all.
TIMEOUTS = {
    "hello": 180.0,
    "load": 120.0,
    "logits": 60.0,
    "warmup": 180.0,
    "compile": 1200.0,  # torch.compile on a small CPU can take minutes
    "matmul": 60.0,
    "latency": 60.0,
    "throughput": 60.0,
    "accuracy": 60.0,
    "memory": 30.0,
}
COMPILED_PATHS = ("torch-compile", "keras-jit")


@dataclass
class PathRecord:
    """One measured training path of one framework (its primary path or a variant)."""

    framework: str
    path: str
    primary: bool
    status: str = "ok"
    message: str = ""
    warm: dict = field(default_factory=dict)
    step_s: float = 0.0  # latest per-step time, sizes the next window
    overhead_s: float = 0.0  # latest window's wall time outside the timed steps
    steps: int = 0  # of the latest window
    windows: dict[int, float] = field(default_factory=dict)  # round -> samples/s
    idle_cpu: list[float] = field(default_factory=list)  # other workers' CPU share
    latency_ms: dict[int, list[float]] = field(default_factory=dict)  # round -> per call
    infer_samples_per_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def measures_inference(self) -> bool:
        # A compiled model would recompile for inference mode: its time is not latency.
        return self.path not in COMPILED_PATHS


@dataclass
class FrameworkRecord:
    framework: str
    status: str = "ok"
    message: str = ""
    worker: Worker | None = None
    hello: dict = field(default_factory=dict)
    load: dict = field(default_factory=dict)
    logits: list | None = None
    matmul_gflops: float | None = None
    accuracy: float | None = None
    peak_rss_mb: float | None = None
    paths: list[PathRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class RunInfo:
    budget_s: float
    rounds: int = 0
    stopped: str = ""
    timed_s: float = 0.0
    wall_s: float = 0.0
    load_before: float | None = None


class Runner:
    def __init__(
        self,
        settings: ProbeSettings,
        *,
        on_event: Callable[[ProbeEvent], None] | None = None,
        cancel: threading.Event | None = None,
        launcher: Launcher = default_launcher,
    ) -> None:
        self.settings = settings
        self.on_event = on_event
        self.cancel = cancel
        self.launcher = launcher
        self.records = {fw: FrameworkRecord(fw) for fw in settings.frameworks}
        self.info = RunInfo(budget_s=settings.effective_budget_s)
        self.rounds_planned = QUICK_MAX_ROUNDS if settings.quick else MAX_ROUNDS

    # -- plumbing -------------------------------------------------------------------------

    def _stop_requested(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def _check_cancel(self) -> None:
        if self._stop_requested():
            raise ProbeCancelled("probe cancelled")

    def _sleep(self, seconds: float) -> None:
        if self.cancel is None:
            time.sleep(seconds)
        elif self.cancel.wait(seconds):
            raise ProbeCancelled("probe cancelled")

    def _emit(
        self, fw: str, phase: str, samples_per_s: float | None = None, message: str = ""
    ) -> None:
        if self.on_event is None:
            return
        rec = self.records[fw]
        done = sum(len(p.windows) for p in rec.paths)
        planned = self.rounds_planned * sum(1 for p in rec.paths if p.ok or p.windows)
        self.on_event(ProbeEvent(fw, phase, done, planned, samples_per_s, message))

    def _fail(self, rec: FrameworkRecord, status: str, message: str) -> None:
        rec.status, rec.message = status, message
        if rec.worker is not None:
            rec.worker.kill()
        self._emit(rec.framework, "failed", message=message)

    def _timeout(self, kind: str, at_least: float = 0.0) -> float:
        limit = max(TIMEOUTS.get(kind, 60.0), at_least)
        cap = self.settings.command_timeout_s
        return min(limit, cap) if cap is not None else limit

    def _call(
        self,
        rec: FrameworkRecord,
        op: str | None,
        timeout_s: float,
        variant: PathRecord | None = None,
        **args: object,
    ) -> dict | None:
        """One command; None when it failed (the framework, or just the variant, is marked)."""
        assert rec.worker is not None
        try:
            return rec.worker.request(
                op,
                timeout_s,
                should_stop=self._stop_requested,
                on_event=lambda m: self._emit(
                    rec.framework, str(m.get("phase", "")), message=str(m.get("message", ""))
                ),
                **args,
            )
        except ChannelTimeout:  # the only one request lets through: a cancel
            raise ProbeCancelled("probe cancelled") from None
        except WorkerFailure as failure:
            if (
                variant is not None
                and not variant.primary
                and failure.status == "failed"
                and rec.worker.alive()
            ):
                # The worker answered with an error about a variant: only that path fails.
                variant.status, variant.message = "failed", failure.message
                return None
            self._fail(rec, failure.status, failure.message)
            return None

    def _alive(self) -> list[FrameworkRecord]:
        return [r for r in self.records.values() if r.ok and r.worker is not None]

    # -- phases ---------------------------------------------------------------------------

    def run(self) -> dict:
        wall0 = time.monotonic()
        self.info.load_before = load_average()
        cpus = cpu_budget(self.settings.threads)
        machine = describe(cpus)
        equivalence: dict = {}
        try:
            with tempfile.TemporaryDirectory(prefix="advisor-probe-") as tmp:
                bundle = bundle_mod.write_bundle(
                    Path(tmp), seed=self.settings.seed, cache_dir=data_cache_dir()
                )
                self._start(cpus.threads, Path(tmp))
                self._load(bundle.path)
                equivalence = self._equivalence()
                self._warm_up()
                timed0 = time.monotonic()
                self._train()
                self._inference()
                self._accuracy()
                self.info.timed_s = time.monotonic() - timed0
                self._close()
                self._check_accuracy()
        finally:
            for rec in self.records.values():
                if rec.worker is not None:
                    rec.worker.kill()
        self.info.wall_s = time.monotonic() - wall0
        result = assemble(
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            machine=machine,
            settings=self.settings,
            records=self.records,
            equivalence=equivalence,
            info=self.info,
        )
        for rec in self.records.values():
            self._emit(rec.framework, "done" if rec.ok else rec.status, message=rec.message)
        return result

    def _start(self, threads: int, log_dir: Path) -> None:
        env = worker_environment(thread_environment(threads))
        # One at a time: two imports at once would each report the other's disk and CPU.
        for rec in self.records.values():
            self._check_cancel()
            self._emit(rec.framework, "importing")
            try:
                rec.worker = Worker.spawn(rec.framework, threads, self.launcher, env, log_dir)
            except WorkerFailure as failure:
                self._fail(rec, failure.status, failure.message)
                continue
            hello = self._call(rec, None, self._timeout("hello"))
            if hello is None:
                continue
            if hello.get("status") == "not_installed":
                rec.status, rec.message = "not_installed", str(hello.get("message", ""))
                rec.worker.close()
                self._emit(rec.framework, "skipped", message=rec.message)
                continue
            rec.hello = hello

    def _load(self, bundle_path: Path) -> None:
        for rec in self._alive():
            self._emit(rec.framework, "building")
            loaded = self._call(
                rec,
                "load",
                self._timeout("load"),
                bundle=str(bundle_path),
                batch_size=self.settings.batch_size,
                compiled=self.settings.compiled,
            )
            if loaded is None:
                continue
            rec.load = loaded
            rec.paths = [
                PathRecord(rec.framework, name, primary=(i == 0))
                for i, name in enumerate(loaded.get("paths", []))
            ]
            for name, reason in dict(loaded.get("skipped", {})).items():
                # A missing compiler is a missing tool, reported as such, never a crash.
                rec.paths.append(
                    PathRecord(
                        rec.framework, name, primary=False, status="not_installed", message=reason
                    )
                )
                self._emit(rec.framework, "skipped", message=reason)

    def _equivalence(self) -> dict:
        for rec in self._alive():
            self._emit(rec.framework, "equivalence")
            reply = self._call(rec, "logits", self._timeout("logits"))
            if reply is not None:
                rec.logits = reply["logits"]
        params = {fw: int(r.load["params"]) for fw, r in self.records.items() if r.load}
        built = {fw: r for fw, r in self.records.items() if r.ok and r.logits is not None}
        result: dict = {"params": params, "expected_params": bundle_mod.REFERENCE_PARAMS}
        wrong = [fw for fw, n in params.items() if n != bundle_mod.REFERENCE_PARAMS]
        if len(built) < 2:
            result.update(
                max_abs_logit_diff=None,
                ok=False,
                reason="needs both frameworks built; only "
                + (", ".join(built) or "none")
                + " could be",
            )
            return result
        a, b = (r.logits for r in built.values())
        diff = max(
            abs(x - y) for ra, rb in zip(a, b, strict=True) for x, y in zip(ra, rb, strict=True)
        )
        shapes = {fw: r.load.get("layers") for fw, r in built.items()}
        same_shapes = len({repr(s) for s in shapes.values()}) == 1
        ok = diff <= bundle_mod.LOGIT_TOLERANCE and not wrong and same_shapes
        result.update(
            max_abs_logit_diff=diff,
            tolerance=bundle_mod.LOGIT_TOLERANCE,
            layer_shapes=shapes,
            ok=ok,
        )
        if not ok:
            reasons = []
            if diff > bundle_mod.LOGIT_TOLERANCE:
                reasons.append(f"logits differ by {diff:.2e}")
            if wrong:
                reasons.append(
                    f"parameter count of {', '.join(wrong)} is not {bundle_mod.REFERENCE_PARAMS:,}"
                )
            if not same_shapes:
                reasons.append("layer output shapes differ")
            result["reason"] = "; ".join(reasons)
        return result

    def _warm_up(self) -> None:
        max_s = QUICK_WARMUP_MAX_S if self.settings.quick else WARMUP_MAX_S
        for rec in self._alive():
            for path in rec.paths:
                if not (path.ok and rec.ok):
                    continue
                self._emit(rec.framework, "warm-up", message=path.path)
                kind = "compile" if path.path in COMPILED_PATHS else "warmup"
                warm = self._call(
                    rec, "warmup", self._timeout(kind), path, path=path.path, max_s=max_s
                )
                if warm is not None:
                    path.warm = warm
                if path.ok and rec.ok and path.measures_inference:
                    # Trace the inference functions now, outside the timed phase, and
                    # learn how long a call takes to size the windows.
                    lat = self._call(
                        rec, "latency", self._timeout("latency"), path, path=path.path, calls=5
                    )
                    thr = (
                        self._call(
                            rec,
                            "throughput",
                            self._timeout("throughput"),
                            path,
                            path=path.path,
                            batches=1,
                        )
                        if lat
                        else None
                    )
                    if lat and thr:
                        path.warm["call_s"] = sum(lat["ms"]) / len(lat["ms"]) / 1000
                        path.warm["batch_s"] = thr["elapsed_s"]
            if rec.ok:
                peak = self._call(rec, "matmul", self._timeout("matmul"), seconds=0.3)
                if peak is not None:
                    rec.matmul_gflops = peak["gflops"]

    def _slots(self) -> list[PathRecord]:
        return [p for r in self._alive() for p in r.paths if p.ok and p.warm]

    def _train(self) -> None:
        slots = self._slots()
        if not slots:
            self.info.stopped = "nothing to measure"
            return
        train_s = self.info.budget_s * (1.0 - INFER_SHARE)
        self.rounds_planned = plan_rounds(train_s, len(slots), self.settings.quick)
        window_s = train_s / self.rounds_planned / len(slots) - GAP_S
        for p in slots:
            p.step_s = p.warm["step_s"]
        order = first_order(slots, self.settings.seed)
        start = time.monotonic()
        round_s: list[float] = []  # measured, protocol overhead included
        r = 0
        while not self.info.stopped:
            live = [p for p in order if p.ok and self.records[p.framework].ok]
            elapsed = time.monotonic() - start
            if not live:
                self.info.stopped = "no worker left"
            elif r % 2 == 0 and r >= self.rounds_planned:
                self.info.stopped = "planned rounds done"
            elif r % 2 == 0 and r >= MIN_ROUNDS and self._precise_enough():
                self.info.stopped = "interval within ±5 %"
            elif r >= 2 and elapsed + (2 - r % 2) * median(round_s) > train_s * BUDGET_SLACK:
                # At a block end, stop unless a whole block fits; inside one, finish it
                # unless even that would overrun (a slowed machine must not blow the budget).
                self.info.stopped = "budget spent"
            if self.info.stopped:
                break
            round_start = time.monotonic()
            for p in round_order(live, r):
                if p.ok and self.records[p.framework].ok:
                    self._window(p, r, window_s)
                    self._sleep(GAP_S)
            round_s.append(time.monotonic() - round_start)
            r += 1
        self.info.rounds = r

    def _window(self, p: PathRecord, r: int, window_s: float) -> None:
        rec = self.records[p.framework]
        # Sized from the path's latest step time, so a machine that slows down mid-run
        # stretches at most one window per path, not the budget.
        # ... and net of the path's measured per-window overhead (the command round trip,
        # a fit() call's set-up), so rounds take the time the budget planned for them.
        p.steps = max(MIN_STEPS, round(max(window_s - p.overhead_s, 0.0) / p.step_s))
        others = [o.worker for o in self._alive() if o is not rec and o.worker is not None]
        before = [_cpu_s(w.pid) for w in others]
        t = time.monotonic()
        reply = self._call(
            rec,
            "window",
            self._timeout("window", at_least=30 + 20 * p.steps * p.step_s),
            p,
            path=p.path,
            steps=p.steps,
        )
        if reply is None:
            return
        p.overhead_s = max(0.0, time.monotonic() - t - reply["elapsed_s"])
        p.step_s = reply["elapsed_s"] / p.steps
        rate = reply["samples"] / reply["elapsed_s"]
        p.windows[r] = rate
        after = [_cpu_s(w.pid) for w in others]
        if before and None not in before and None not in after:
            idle = sum(a - b for a, b in zip(after, before, strict=True))
            p.idle_cpu.append(idle / reply["elapsed_s"])
        self._emit(p.framework, "training", rate, message=p.path)

    def _comparisons(self) -> list[tuple[PathRecord, PathRecord]]:
        """(PyTorch primary, TensorFlow training path) pairs that form ratios."""
        torch_rec = self.records.get("pytorch")
        tf_rec = self.records.get("tensorflow")
        if not (torch_rec and tf_rec and torch_rec.paths and tf_rec.paths):
            return []
        ours = torch_rec.paths[0]
        return [(ours, p) for p in tf_rec.paths if p.path in ("keras-fit", "tf-function")]

    def _precise_enough(self) -> bool:
        pairs = [(a, b) for a, b in self._comparisons() if a.ok and b.ok]
        if pairs:
            for a, b in pairs:
                rounds = sorted(set(a.windows) & set(b.windows))
                est = paired_log_ratio(
                    [a.windows[k] for k in rounds], [b.windows[k] for k in rounds]
                )
                if est.half_width > TARGET_HALF_WIDTH:
                    return False
            return True
        for p in self._slots():
            ci = geometric_ci95(list(p.windows.values()))
            if ci is None or math.sqrt(ci[1] / ci[0]) - 1 > TARGET_HALF_WIDTH:
                return False
        return True

    def _inference(self) -> None:
        slots = [p for p in self._slots() if p.measures_inference and "call_s" in p.warm]
        if not slots:
            return
        share = self.info.budget_s * INFER_SHARE
        windows = LATENCY_ROUNDS * len(slots) + len(slots)
        usable = max(0.1 * share, share - windows * INFER_GAP_S)
        latency_window = 0.7 * usable / (LATENCY_ROUNDS * len(slots))
        batch_window = 0.3 * usable / len(slots)
        order = first_order(slots, self.settings.seed + 1)
        start = time.monotonic()
        for r in range(LATENCY_ROUNDS):
            if r >= 2 and r % 2 == 0:
                per_round = (time.monotonic() - start) / r
                if time.monotonic() - start + 2 * per_round > 0.7 * share * BUDGET_SLACK:
                    break  # a slowed machine: keep the budget, with fewer latency pairs
            for p in round_order(order, r):
                rec = self.records[p.framework]
                if not (p.ok and rec.ok):
                    continue
                self._emit(p.framework, "inference", message=f"{p.path}: latency")
                # Sized by the mean call, not the median: a heavy tail is what makes a
                # latency window overrun.
                calls = int(min(5000, max(5, latency_window / p.warm["call_s"])))
                reply = self._call(
                    rec, "latency", self._timeout("latency"), p, path=p.path, calls=calls
                )
                if reply is not None:
                    p.latency_ms[r] = reply["ms"]
                    p.warm["call_s"] = sum(reply["ms"]) / len(reply["ms"]) / 1000
                self._sleep(INFER_GAP_S)
        for p in order:
            rec = self.records[p.framework]
            if not (p.ok and rec.ok):
                continue
            self._emit(p.framework, "inference", message=f"{p.path}: batch 256")
            batches = int(min(1000, max(1, batch_window / p.warm["batch_s"])))
            reply = self._call(
                rec, "throughput", self._timeout("throughput"), p, path=p.path, batches=batches
            )
            if reply is not None:
                p.infer_samples_per_s = reply["samples"] / reply["elapsed_s"]
            self._sleep(INFER_GAP_S)

    def _accuracy(self) -> None:
        for rec in self._alive():
            self._emit(rec.framework, "accuracy")
            reply = self._call(rec, "accuracy", self._timeout("accuracy"))
            if reply is not None:
                rec.accuracy = reply["accuracy"]

    def _close(self) -> None:
        for rec in self._alive():
            reply = self._call(rec, "memory", self._timeout("memory"))
            if reply is not None:
                rec.peak_rss_mb = reply["peak_rss_mb"]
            if rec.worker is not None:
                # Everything is measured; a framework's interpreter teardown can take
                # seconds, and there is nothing left in the worker worth a clean exit.
                rec.worker.kill()

    def _check_accuracy(self) -> None:
        """Held-out accuracy proves that training happened; without it, speed means nothing."""
        for rec in self.records.values():
            if rec.ok and rec.accuracy is not None and rec.accuracy < MIN_ACCURACY:
                rec.status = "failed"
                rec.message = (
                    f"held-out accuracy {rec.accuracy:.2f} is below "
                    f"{MIN_ACCURACY:.2f} after the probe: the model did not learn"
                )


def plan_rounds(train_s: float, slots: int, quick: bool) -> int:
    """More pairs narrow the t-interval faster than longer windows do (t(0.975, 1) is 12.7,
    t(0.975, 3) is 3.2), so the budget buys rounds first, down to MIN_WINDOW_S windows."""
    most = QUICK_MAX_ROUNDS if quick else MAX_ROUNDS
    fitting = int(train_s / (slots * (MIN_WINDOW_S + GAP_S)))
    return max(MIN_ROUNDS, min(most, fitting - fitting % 2))


def run_probes(
    settings: ProbeSettings,
    *,
    on_event: Callable[[ProbeEvent], None] | None = None,
    cancel: threading.Event | None = None,
) -> dict:
    return Runner(settings, on_event=on_event, cancel=cancel).run()
