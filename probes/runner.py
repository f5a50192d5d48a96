"""The probe runner: starts the workers and drives them through the phases.

It imports neither framework, nor numpy: the shared data bundle is written by a short
process of its own (``probes.bundle``). Each framework gets one worker in the out-of-the-box
state (the primary figures) and, unless ``--quick``, one per tuned state (see
``probes.runtime``). Phases: imports (the out-of-the-box workers one at a time, so neither
import competes with the other; then the tuned workers together), bundle, build, warm-up,
training windows in mirrored order with gaps, inference, and only then everything that
would change a process's allocator state before training (the equivalence forward pass, the
accuracy check, the matmul peak). Any worker failure marks only that worker (a tuned state,
or a framework) and the run goes on with the rest; a cancel or Ctrl-C kills every worker.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from probes import bundle as bundle_mod
from probes.cache import data_cache_dir, unusable
from probes.cpus import cpu_budget, thread_environment
from probes.machine import describe, load_average
from probes.protocol import ChannelStopped
from probes.records import TRAINING_OPS, FrameworkRecord, PathRecord, RunInfo, WorkerRecord
from probes.report import assemble, paired_against
from probes.runtime import RuntimeState, out_of_the_box, tuned_states
from probes.schedule import (
    GAP_S,
    TARGET_HALF_WIDTH,
    first_order,
    plan_rounds,
    round_order,
    stop_reason,
)
from probes.settings import ProbeCancelled, ProbeEvent, ProbeSettings
from probes.stats import geometric_ci95
from probes.workers import (
    Launcher,
    Worker,
    WorkerFailure,
    default_launcher,
    one_line,
    worker_environment,
)
from probes.workers import process_cpu_s as _cpu_s

INFER_GAP_S = 0.1  # inference windows are short; the idle-CPU check catches any spin
INFER_ROUNDS = 4  # mirrored, as for training; fewer pairs make the t-interval useless
INFER_SHARE = 0.2  # of the budget, for latency and batched-throughput windows
MIN_STEPS = 2
WARMUP_MAX_S = 2.0
QUICK_WARMUP_MAX_S = 0.5
MIN_ACCURACY = 0.80

# Per-command deadlines in seconds; ProbeSettings.command_timeout_s caps them all. A window
# gets at least 30 s plus 20 times its expected length (see Runner._window).
TIMEOUTS = {
    "hello": 180.0,  # a cold import of TensorFlow from a slow disk
    "bundle": 180.0,  # the first run imports scikit-learn
    "load": 120.0,
    "warmup": 180.0,
    "compile": 1200.0,  # torch.compile on a small CPU can take minutes
    "window": 60.0,
    "latency": 60.0,
    "throughput": 60.0,
    "logits": 60.0,
    "accuracy": 60.0,
    "matmul": 60.0,
    "memory": 30.0,
}


class Runner:
    def __init__(
        self,
        settings: ProbeSettings,
        *,
        on_event: Callable[[ProbeEvent], None] | None = None,
        cancel: threading.Event | None = None,
        launcher: Launcher = default_launcher,
        states: list[RuntimeState] | None = None,
    ) -> None:
        """``states``: the tuned states to measure (None: those this machine offers)."""
        self.settings = settings
        self.on_event = on_event
        self.cancel = cancel
        self.launcher = launcher
        if states is None:
            states = [] if settings.quick else tuned_states(everything=settings.tuning)
        all_states = [out_of_the_box(), *states]
        self.records = {
            fw: FrameworkRecord(fw, [WorkerRecord(fw, s) for s in all_states])
            for fw in settings.frameworks
        }
        self.info = RunInfo(
            budget_s=settings.effective_budget_s,
            tuning=", ".join(s.name for s in states) or "none",
        )

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
        self,
        fw: str,
        phase: str,
        samples_per_s: float | None = None,
        message: str = "",
        path: str = "",
    ) -> None:
        if self.on_event is None:
            return
        paths = [p for w in self.records[fw].workers for p in w.paths]
        done = sum(len(p.windows) for p in paths)
        timed = sum(1 for p in paths if p.windows or (p.ok and p.warm))
        planned = self.info.rounds_planned * timed
        self.on_event(ProbeEvent(fw, phase, done, planned, samples_per_s, message, path))

    def _workers(self) -> Iterator[WorkerRecord]:
        for rec in self.records.values():
            yield from rec.workers

    def _alive(self) -> list[WorkerRecord]:
        return [w for w in self._workers() if w.alive]

    def _fail(self, wr: WorkerRecord, failure: WorkerFailure) -> None:
        wr.status, wr.message = failure.status, failure.message
        wr.log_tail = failure.log_tail or wr.log_tail
        if wr.worker is not None:
            wr.worker.kill()
        if wr.state.tuned:
            self._emit(wr.framework, "training", message=f"{wr.state.name}: {failure.message}")
        else:
            self._emit(wr.framework, "failed", message=failure.message)

    def _timeout(self, kind: str, at_least: float = 0.0) -> float:
        limit = max(TIMEOUTS[kind], at_least)
        cap = self.settings.command_timeout_s
        return min(limit, cap) if cap is not None else limit

    def _call(
        self, wr: WorkerRecord, op: str | None, timeout_s: float,
        slot: PathRecord | None = None, **args: object,
    ) -> dict | None:  # fmt: skip
        """One command; None when it failed (the worker, or just the path in ``slot``, is
        marked)."""
        assert wr.worker is not None
        try:
            return wr.worker.request(
                op,
                timeout_s,
                should_stop=self._stop_requested,
                on_event=lambda m: self._emit(
                    wr.framework, str(m.get("phase", "")), message=str(m.get("message", ""))
                ),
                **args,
            )
        except ChannelStopped:
            raise ProbeCancelled("probe cancelled") from None
        except WorkerFailure as failure:
            if slot is not None and not (slot.primary and not wr.state.tuned) and (
                failure.status == "failed" and wr.worker.alive()
            ):
                # The worker answered with an error about one path: only that path fails.
                slot.status, slot.message = "failed", failure.message
                return None
            self._fail(wr, failure)
            return None

    # -- phases ---------------------------------------------------------------------------

    def run(self) -> dict:
        wall0 = time.monotonic()
        self.info.load_before = load_average()
        cpus = cpu_budget(self.settings.threads)
        machine = describe(cpus)
        try:
            with tempfile.TemporaryDirectory(prefix="advisor-probe-") as tmp:
                env = worker_environment(thread_environment(cpus.threads))
                self._start(cpus.threads, env, Path(tmp))
                bundle = self._bundle(env, Path(tmp))
                if bundle is not None:
                    self._load(bundle)
                self._warm_up()
                timed0 = time.monotonic()
                self._train()
                self._inference()
                self.info.timed_s = time.monotonic() - timed0
                self._close()
        finally:
            for wr in self._workers():
                if wr.worker is not None:
                    wr.worker.kill()
        self.info.wall_s = time.monotonic() - wall0
        equivalence = self._equivalence()
        self._check_accuracy()
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

    def _spawn(self, wr: WorkerRecord, threads: int, env: dict[str, str], log: Path) -> bool:
        try:
            wr.worker = Worker.spawn(
                wr.framework, threads, self.launcher, {**env, **wr.state.env},
                log / f"{wr.framework}-{wr.state.name}.log",
            )  # fmt: skip
        except WorkerFailure as failure:
            self._fail(wr, failure)
            return False
        return True

    def _hello(self, wr: WorkerRecord) -> None:
        hello = self._call(wr, None, self._timeout("hello"))
        if hello is None:
            return
        if hello.get("status") == "not_installed":
            wr.status, wr.message = "not_installed", one_line(str(hello.get("message", "")))
            assert wr.worker is not None
            wr.worker.close()
            self._emit(wr.framework, "skipped", message=wr.message)
            return
        wr.hello = hello

    def _start(self, threads: int, env: dict[str, str], log_dir: Path) -> None:
        # The out-of-the-box workers one at a time: two imports at once would each report
        # the other's disk and CPU, and import time is a measured figure.
        for rec in self.records.values():
            self._check_cancel()
            self._emit(rec.framework, "importing")
            if self._spawn(rec.main, threads, env, log_dir):
                self._hello(rec.main)
        # The tuned workers' import times are not reported, so they start together.
        tuned = [w for rec in self.records.values() if rec.main.ok for w in rec.tuned]
        for wr in tuned:
            self._check_cancel()
            self._emit(wr.framework, "importing", message=f"{wr.state.name} worker")
            self._spawn(wr, threads, env, log_dir)
        for wr in tuned:
            if wr.worker is not None and wr.ok:
                self._hello(wr)

    def _bundle(self, env: dict[str, str], directory: Path) -> Path | None:
        """The shared data and weights, written by a process of its own (numpy, sklearn)."""
        alive = self._alive()
        if not alive:
            return None
        cmd = [sys.executable, "-m", "probes.bundle", "--dir", str(directory),
               "--seed", str(self.settings.seed)]  # fmt: skip
        data_dir = data_cache_dir()
        if unusable(data_dir) is None:  # without a cache the digits are resized again
            cmd += ["--cache-dir", str(data_dir)]
        # Not capped by command_timeout_s: that bounds a worker's commands, and writing the
        # bundle can take its full deadline on a first run that imports scikit-learn.
        deadline = time.monotonic() + TIMEOUTS["bundle"]
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) as proc:  # fmt: skip
            try:
                while proc.poll() is None and time.monotonic() < deadline:
                    self._check_cancel()
                    time.sleep(0.05)
            finally:
                if proc.poll() is None:
                    proc.kill()
            out, err = proc.communicate()
        if proc.returncode is not None and proc.returncode < 0 and not err:
            err = f"no answer within {TIMEOUTS['bundle']:.0f} s"
        if proc.returncode == 0 and out.strip():
            return directory / "bundle.npz"
        reason = one_line(err) or f"exit status {proc.returncode}"
        for wr in alive:
            self._fail(wr, WorkerFailure("failed", f"the shared data bundle could not be "
                                                   f"written: {reason}", err.splitlines()))
        return None

    def _load(self, bundle_path: Path) -> None:
        for wr in self._alive():
            self._emit(wr.framework, "building", message=wr.state.name if wr.state.tuned else "")
            compiled = self.settings.compiled and not wr.state.tuned
            loaded = self._call(wr, "load", self._timeout("load"), bundle=str(bundle_path),
                                batch_size=self.settings.batch_size, compiled=compiled)  # fmt: skip
            if loaded is None:
                continue
            wr.load = loaded
            names = list(loaded.get("paths", []))
            if wr.state.tuned and not self.settings.tuning:
                names = names[:1]  # the default run tunes each framework's primary path
            wr.paths = [PathRecord(wr.framework, name, i == 0, wr.state)
                        for i, name in enumerate(names)]  # fmt: skip
            for name, reason in dict(loaded.get("skipped", {})).items():
                # A missing compiler is a missing tool, reported as such, never a crash.
                wr.paths.append(PathRecord(wr.framework, name, False, wr.state,
                                           status="not_installed", message=reason))  # fmt: skip
                self._emit(wr.framework, "skipped", message=reason)

    def _warm_up(self) -> None:
        """Training steps only: the process stays in the state a plain script is in."""
        max_s = QUICK_WARMUP_MAX_S if self.settings.quick else WARMUP_MAX_S
        for wr in self._alive():
            for path in wr.paths:
                if not (path.ok and wr.alive):
                    continue
                self._emit(wr.framework, "warm-up", message=path.label, path=path.path)
                kind = "compile" if not path.measures_inference else "warmup"
                warm = self._call(wr, "warmup", self._timeout(kind), path,
                                  path=path.path, max_s=max_s)  # fmt: skip
                if warm is not None:
                    path.warm = warm
                    path.step_s = warm["step_s"]

    def _slots(self) -> list[PathRecord]:
        return [p for wr in self._alive() for p in wr.paths if p.ok and p.warm]

    def _train(self) -> None:
        slots = self._slots()
        if not slots:
            self.info.stopped = "nothing to measure"
            return
        train_s = self.info.budget_s * (1.0 - INFER_SHARE)
        self.info.rounds_planned = plan_rounds(train_s, len(slots), self.settings.quick)
        window_s = train_s / self.info.rounds_planned / len(slots) - GAP_S
        order = first_order(slots, self.settings.seed)
        start = time.monotonic()
        round_s: list[float] = []  # measured, protocol overhead included
        r = 0
        while True:
            live = [p for p in order if p.ok and self._worker_of(p).alive]
            self.info.stopped = "no worker left" if not live else stop_reason(
                rounds_done=r, planned=self.info.rounds_planned,
                elapsed_s=time.monotonic() - start, round_s=round_s, train_s=train_s,
                precise_enough=self._precise_enough,
            )  # fmt: skip
            if self.info.stopped:
                break
            round_start = time.monotonic()
            for p in round_order(live, r):
                if p.ok and self._worker_of(p).alive:
                    self._window(p, r, window_s)
                    self._sleep(GAP_S)
            round_s.append(time.monotonic() - round_start)
            r += 1
        self.info.rounds = r

    def _worker_of(self, p: PathRecord) -> WorkerRecord:
        return next(w for w in self.records[p.framework].workers if w.state == p.state)

    def _window(self, p: PathRecord, r: int, window_s: float) -> None:
        wr = self._worker_of(p)
        # Sized from the path's latest step time, so a machine that slows down mid-run
        # stretches at most one window per path, not the budget; and net of the path's
        # measured per-window overhead (the command round trip, a fit() call's set-up), so
        # rounds take the time the budget planned for them.
        p.steps = max(MIN_STEPS, round(max(window_s - p.overhead_s, 0.0) / p.step_s))
        others = [w.worker for w in self._alive() if w is not wr and w.worker is not None]
        before = [_cpu_s(w.pid) for w in others]
        t = time.monotonic()
        reply = self._call(wr, "window",
                           self._timeout("window", at_least=30 + 20 * p.steps * p.step_s),
                           p, path=p.path, steps=p.steps)  # fmt: skip
        if reply is None:
            return
        p.overhead_s = max(0.0, time.monotonic() - t - reply["elapsed_s"])
        p.step_s = reply["elapsed_s"] / p.steps
        rate = reply["samples"] / reply["elapsed_s"]
        p.windows[r] = rate
        p.foreign_ops |= set(reply.get("before", [])) - TRAINING_OPS
        after = [_cpu_s(w.pid) for w in others]
        if before and None not in before and None not in after:
            idle = sum(a - b for a, b in zip(after, before, strict=True))  # type: ignore[operator]
            p.idle_cpu.append(idle / reply["elapsed_s"])
        self._emit(p.framework, "training", rate, message=p.label, path=p.path)

    def _precise_enough(self) -> bool:
        """The headline ratios (or, with one framework, its windows) within ±5 %."""
        ratios = [r for r in (paired_against(self.records, key) for key in ("train", "train_lean"))
                  if r is not None]  # fmt: skip
        if ratios:
            return all(r.half_width <= TARGET_HALF_WIDTH for r in ratios)
        for p in self._slots():
            ci = geometric_ci95(list(p.windows.values()))
            if ci is None or (ci[1] / ci[0]) ** 0.5 - 1 > TARGET_HALF_WIDTH:
                return False
        return True

    def _inference(self) -> None:
        """Batch-1 latency and batch-256 throughput, in mirrored rounds. Only now: the batch-256
        forward pass is what moves a process's allocator state (see probes.runtime)."""
        latency = [p for wr in self._alive() if not wr.state.tuned for p in wr.paths
                   if p.ok and p.warm and p.measures_inference]  # fmt: skip
        # Tuned workers measure batched throughput when asked to (--tuning): that is where
        # inference allocates big buffers.
        batched = latency + ([p for wr in self._alive() if wr.state.tuned for p in wr.paths
                              if p.ok and p.warm and p.measures_inference]
                             if self.settings.tuning else [])  # fmt: skip
        if not batched:
            return
        for p in batched:  # sizing calls, not timed: how long one call takes
            self._emit(p.framework, "inference", message=f"{p.label}: sizing", path=p.path)
            wr = self._worker_of(p)
            if p in latency and (lat := self._call(wr, "latency", self._timeout("latency"), p,
                                                   path=p.path, calls=5)):  # fmt: skip
                p.warm["call_s"] = sum(lat["ms"]) / len(lat["ms"]) / 1000
            if thr := self._call(wr, "throughput", self._timeout("throughput"), p,
                                 path=p.path, batches=1):  # fmt: skip
                p.warm["batch_s"] = thr["elapsed_s"]
        share = self.info.budget_s * INFER_SHARE
        windows = INFER_ROUNDS * (len(latency) + len(batched))
        usable = max(0.1 * share, share - windows * INFER_GAP_S)
        latency_window = 0.7 * usable / (INFER_ROUNDS * max(1, len(latency)))
        batch_window = 0.3 * usable / (INFER_ROUNDS * len(batched))
        order = first_order(batched, self.settings.seed + 1)
        start = time.monotonic()
        for r in range(INFER_ROUNDS):
            if r >= 2 and r % 2 == 0:
                per_round = (time.monotonic() - start) / r
                if time.monotonic() - start + 2 * per_round > share * 1.05:
                    break  # a slowed machine: keep the budget, with fewer pairs
            for p in round_order(order, r):
                wr = self._worker_of(p)
                if p in latency and p.ok and wr.alive and "call_s" in p.warm:
                    self._emit(p.framework, "inference", message=f"{p.label}: latency",
                               path=p.path)  # fmt: skip
                    # Sized by the mean call, not the median: a heavy tail is what makes a
                    # latency window overrun.
                    calls = int(min(5000, max(5, latency_window / p.warm["call_s"])))
                    if reply := self._call(wr, "latency", self._timeout("latency"), p,
                                           path=p.path, calls=calls):  # fmt: skip
                        p.latency_ms[r] = reply["ms"]
                        p.warm["call_s"] = sum(reply["ms"]) / len(reply["ms"]) / 1000
                    self._sleep(INFER_GAP_S)
                if p.ok and wr.alive and "batch_s" in p.warm:
                    self._emit(p.framework, "inference", message=f"{p.label}: batch 256",
                               path=p.path)  # fmt: skip
                    batches = int(min(1000, max(1, batch_window / p.warm["batch_s"])))
                    if reply := self._call(wr, "throughput", self._timeout("throughput"), p,
                                           path=p.path, batches=batches):  # fmt: skip
                        p.infer[r] = reply["samples"] / reply["elapsed_s"]
                        p.warm["batch_s"] = reply["elapsed_s"] / batches
                    self._sleep(INFER_GAP_S)

    def _close(self) -> None:
        """What would have moved the allocator's state, now that nothing more is timed."""
        for rec in self.records.values():
            wr = rec.main
            if not wr.alive:
                continue
            self._emit(rec.framework, "equivalence")
            if reply := self._call(wr, "logits", self._timeout("logits")):
                rec.logits = reply["logits"]
            self._emit(rec.framework, "accuracy")
            if wr.alive and (reply := self._call(wr, "accuracy", self._timeout("accuracy"))):
                rec.accuracy = reply["accuracy"]
            if wr.alive and (reply := self._call(wr, "matmul", self._timeout("matmul"),
                                                 seconds=0.3)):  # fmt: skip
                rec.matmul_gflops = reply["gflops"]
            if wr.alive and (reply := self._call(wr, "memory", self._timeout("memory"))):
                rec.peak_rss_mb = reply["peak_rss_mb"]
        for wr in self._workers():
            if wr.worker is not None:
                # Everything is measured; a framework's interpreter teardown can take
                # seconds, and there is nothing left in the worker worth a clean exit.
                wr.worker.kill()

    def _equivalence(self) -> dict:
        params = {fw: int(r.main.load["params"]) for fw, r in self.records.items()
                  if r.main.load}  # fmt: skip
        built = {fw: r for fw, r in self.records.items() if r.ok and r.logits is not None}
        result: dict = {"params": params, "expected_params": bundle_mod.REFERENCE_PARAMS}
        wrong = [fw for fw, n in params.items() if n != bundle_mod.REFERENCE_PARAMS]
        if len(built) < 2:
            result.update(max_abs_logit_diff=None, ok=False,
                          reason="needs both frameworks built; only "
                          + (", ".join(built) or "none") + " could be")  # fmt: skip
            return result
        a, b = (r.logits for r in built.values())
        diff = max(
            abs(x - y) for ra, rb in zip(a, b, strict=True) for x, y in zip(ra, rb, strict=True)
        )
        shapes = {fw: r.main.load.get("layers") for fw, r in built.items()}
        same_shapes = len({repr(s) for s in shapes.values()}) == 1
        ok = diff <= bundle_mod.LOGIT_TOLERANCE and not wrong and same_shapes
        result.update(max_abs_logit_diff=diff, tolerance=bundle_mod.LOGIT_TOLERANCE,
                      layer_shapes=shapes, ok=ok)  # fmt: skip
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

    def _check_accuracy(self) -> None:
        """Held-out accuracy proves that training happened; without it, speed means nothing."""
        for rec in self.records.values():
            if rec.ok and rec.accuracy is not None and rec.accuracy < MIN_ACCURACY:
                rec.failed_check = (
                    f"held-out accuracy {rec.accuracy:.2f} is below "
                    f"{MIN_ACCURACY:.2f} after the probe: the model did not learn"
                )


def run_probes(
    settings: ProbeSettings,
    *,
    on_event: Callable[[ProbeEvent], None] | None = None,
    cancel: threading.Event | None = None,
) -> dict:
    return Runner(settings, on_event=on_event, cancel=cancel).run()

