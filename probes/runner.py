"""The probe runner: starts the workers and drives them through the phases.

It imports neither framework, nor numpy: the shared data bundle is written by a short
process of its own (``probes.bundle``). Each framework gets one worker in the out-of-the-box
state (the primary figures) and, unless ``--quick``, one per tuned state (see
``probes.runtime``). Phases: imports (the out-of-the-box workers one at a time, so neither
import competes with the other; then the tuned workers together), bundle, build, warm-up,
training windows in mirrored order with gaps, inference, and only then everything that
would change a process's allocator state before training (the equivalence forward pass, the
quality check, the matmul peak). Any worker failure marks only that worker (a tuned state,
or a framework) and the run goes on with the rest; a cancel or Ctrl-C kills every worker.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from probes.cpus import cpu_budget, thread_environment
from probes.fleet import Fleet
from probes.machine import describe, load_average
from probes.records import TRAINING_OPS, FrameworkRecord, PathRecord, RunInfo, WorkerRecord
from probes.report import assemble, combine, equivalence, paired_against
from probes.runtime import RuntimeState, out_of_the_box, tuned_states
from probes.schedule import (
    GAP_S,
    TARGET_HALF_WIDTH,
    first_order,
    plan_rounds,
    resized_window_s,
    round_order,
    stop_reason,
)
from probes.settings import ProbeEvent, ProbeSettings
from probes.stats import geometric_ci95
from probes.workers import Launcher, default_launcher, worker_environment
from probes.workers import process_cpu_s as _cpu_s
from probes.workloads import get

INFER_GAP_S = 0.1  # inference windows are short; the idle-CPU check catches any spin
INFER_ROUNDS = 4  # mirrored, as for training; fewer pairs make the t-interval useless
INFER_SHARE = 0.2  # of the budget, for latency and batched-throughput windows
MIN_STEPS = 2
WARMUP_MAX_S = 2.0
QUICK_WARMUP_MAX_S = 0.5


class Runner:
    def __init__(
        self,
        settings: ProbeSettings,
        *,
        on_event: Callable[[ProbeEvent], None] | None = None,
        cancel: threading.Event | None = None,
        launcher: Launcher = default_launcher,
        states: list[RuntimeState] | None = None,
        workload: str | None = None,
    ) -> None:
        """``states``: the tuned states to measure (None: those this machine offers);
        ``workload``: what to train (None: the settings' first)."""
        self.settings = settings
        self.workload = get(workload or settings.workloads[0])
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
            workload=self.workload.name,
        )
        self.fleet = Fleet(settings, self.records, self.info, launcher=launcher,
                           on_event=on_event, cancel=cancel)  # fmt: skip

    # -- phases ---------------------------------------------------------------------------

    def run(self) -> dict:
        wall0 = time.monotonic()
        self.info.load_before = load_average()
        cpus = cpu_budget(self.settings.threads)
        machine = describe(cpus)
        try:
            with tempfile.TemporaryDirectory(prefix="advisor-probe-") as tmp:
                env = worker_environment(thread_environment(cpus.threads))
                self.fleet.start(cpus.threads, env, Path(tmp))
                bundle = self.fleet.bundle(env, Path(tmp))
                if bundle is not None:
                    self._load(bundle)
                self._warm_up()
                timed0 = time.monotonic()
                self.info.budget_s = self.settings.timed_budget_s(timed0 - wall0)
                self._train()
                self._inference()
                self.info.timed_s = time.monotonic() - timed0
                self._close()
        finally:
            self.fleet.kill_all()
        self.info.wall_s = time.monotonic() - wall0
        proven = equivalence(self.records, self.workload)
        self._check_quality()
        result = assemble(
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            machine=machine,
            settings=self.settings,
            records=self.records,
            equivalence=proven,
            info=self.info,
        )
        for rec in self.records.values():
            self.fleet.emit(rec.framework, "done" if rec.ok else rec.status, message=rec.message)
        return result

    def _load(self, bundle_path: Path) -> None:
        for wr in self.fleet.alive():
            tuned = wr.state.name if wr.state.tuned else ""
            self.fleet.emit(wr.framework, "building", message=tuned)
            compiled = self.settings.compiled and not wr.state.tuned
            loaded = self.fleet.call(
                wr, "load", bundle=str(bundle_path), compiled=compiled,
                batch_size=self.settings.batch_for(self.workload.name),
                workload=self.workload.name,
            )  # fmt: skip
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
                self.fleet.emit(wr.framework, "skipped", message=reason)

    def _warm_up(self) -> None:
        """Training steps only: the process stays in the state a plain script is in."""
        max_s = QUICK_WARMUP_MAX_S if self.settings.quick else WARMUP_MAX_S
        for wr in self.fleet.alive():
            for p in wr.paths:
                if not (p.ok and wr.alive):
                    continue
                self.fleet.emit(wr.framework, "warm-up", message=p.label, path=p.path)
                kind = "warmup" if p.measures_inference else "compile"
                warm = self.fleet.call(wr, "warmup", p, kind=kind, path=p.path, max_s=max_s)
                if warm is not None:
                    p.warm = warm
                    p.step_s = warm["step_s"]

    def _slots(self) -> list[PathRecord]:
        return [p for wr in self.fleet.alive() for p in wr.paths if p.ok and p.warm]

    def _train(self) -> None:
        slots = self._slots()
        if not slots:
            self.info.stopped = "nothing to measure"
            return
        train_s = self.info.budget_s * (1.0 - INFER_SHARE)
        self.info.rounds_planned = plan_rounds(train_s, len(slots), self.settings.quick)
        planned_s = train_s / self.info.rounds_planned / len(slots) - GAP_S
        # between_s: a round's time outside its windows (the gaps), measured after each round
        sized_s, between_s = planned_s, len(slots) * GAP_S
        order = first_order(slots, self.settings.seed)
        start = time.monotonic()
        r = 0
        while True:
            live = [p for p in order if p.ok and self.fleet.worker_of(p).alive]
            elapsed_s = time.monotonic() - start
            if r > 0:
                sized_s = resized_window_s(
                    planned_s=planned_s, left_s=train_s - elapsed_s,
                    rounds_left=self.info.rounds_planned - r,
                    slots=max(len(live), 1), between_s=between_s,
                )  # fmt: skip
            self.info.stopped = "no worker left" if not live else stop_reason(
                rounds_done=r, planned=self.info.rounds_planned, elapsed_s=elapsed_s,
                next_round_s=self._round_s(live, sized_s) + between_s, train_s=train_s,
                precise_enough=self._precise_enough,
            )  # fmt: skip
            if self.info.stopped:
                break
            round_start, in_windows = time.monotonic(), 0.0
            for p in round_order(live, r):
                if p.ok and self.fleet.worker_of(p).alive:
                    t = time.monotonic()
                    self._window(p, r, sized_s)
                    in_windows += time.monotonic() - t
                    self.fleet.sleep(GAP_S)
            between_s = time.monotonic() - round_start - in_windows
            r += 1
        self.info.rounds = r

    @staticmethod
    def _steps_for(p: PathRecord, window_s: float) -> int:
        return max(MIN_STEPS, round(max(window_s - p.overhead_s, 0.0) / p.step_s))

    def _round_s(self, live: list[PathRecord], window_s: float) -> float:
        """How long a round of ``window_s`` windows will take inside its windows: a window
        runs at least MIN_STEPS steps, so a tiny budget's rounds outgrow their share."""
        return sum(self._steps_for(p, window_s) * p.step_s + p.overhead_s for p in live)

    def _window(self, p: PathRecord, r: int, window_s: float) -> None:
        wr = self.fleet.worker_of(p)
        # Sized from the path's latest step time, so a machine that slows down mid-run
        # stretches at most one window per path, not the budget; and net of the path's
        # measured per-window overhead (the command round trip, a fit() call's set-up), so
        # rounds take the time the budget planned for them.
        p.steps = self._steps_for(p, window_s)
        others = [w.worker for w in self.fleet.alive() if w is not wr and w.worker is not None]
        before = [_cpu_s(w.pid) for w in others]
        t = time.monotonic()
        reply = self.fleet.call(wr, "window", p, at_least=30 + 20 * p.steps * p.step_s,
                                path=p.path, steps=p.steps)  # fmt: skip
        if reply is None:
            return
        p.overhead_s = max(0.0, time.monotonic() - t - reply["elapsed_s"])
        p.step_s = reply["elapsed_s"] / p.steps
        rate = reply["samples"] / reply["elapsed_s"]
        p.windows[r] = rate
        p.foreign_ops |= set(reply.get("before", [])) - TRAINING_OPS
        after = [_cpu_s(w.pid) for w in others]
        pairs = [(a, b) for a, b in zip(after, before, strict=True)
                 if a is not None and b is not None]  # fmt: skip
        if pairs and len(pairs) == len(others):  # every idle worker's CPU time was readable
            p.idle_cpu.append(sum(a - b for a, b in pairs) / reply["elapsed_s"])
        self.fleet.emit(p.framework, "training", rate, message=p.label, path=p.path)

    def _precise_enough(self) -> bool:
        """The headline ratios (or, with one framework, its windows) within ±5 % from the
        windows alone: what more windows could still narrow. The between-process part of an
        interval does not shrink with windows, so waiting for it would only spend budget."""
        ratios = [r for r in (paired_against(self.records, key) for key in ("train", "train_lean"))
                  if r is not None]  # fmt: skip
        if ratios:
            return all(r.within <= TARGET_HALF_WIDTH for r in ratios)
        for p in self._slots():
            ci = geometric_ci95(list(p.windows.values()))
            if ci is None or (ci[1] / ci[0]) ** 0.5 - 1 > TARGET_HALF_WIDTH:
                return False
        return True

    def _inference(self) -> None:
        """Batch-1 latency and batch-256 throughput, in mirrored rounds. Only now: the batch-256
        forward pass is what moves a process's allocator state (see probes.runtime)."""
        usable = [p for wr in self.fleet.alive() for p in wr.paths
                  if p.ok and p.warm and p.measures_inference]  # fmt: skip
        latency = [p for p in usable if not p.state.tuned]
        # Tuned workers time batch inference when asked to (--tuning): that is where
        # inference allocates big buffers.
        batched = [p for p in usable if not p.state.tuned or self.settings.tuning]
        if not batched:
            return
        for p in batched:  # sizing calls, not timed: how long one call takes
            self.fleet.emit(p.framework, "inference", message=f"{p.label}: sizing", path=p.path)
            wr = self.fleet.worker_of(p)
            if p in latency and (lat := self.fleet.call(wr, "latency", p, path=p.path, calls=5)):
                p.warm["call_s"] = sum(lat["ms"]) / len(lat["ms"]) / 1000
            if thr := self.fleet.call(wr, "throughput", p, path=p.path, batches=1):
                p.warm["batch_s"] = thr["elapsed_s"]
        share = self.info.budget_s * INFER_SHARE
        windows = INFER_ROUNDS * (len(latency) + len(batched))
        spare = max(0.1 * share, share - windows * INFER_GAP_S)
        latency_window = 0.7 * spare / (INFER_ROUNDS * max(1, len(latency)))
        batch_window = 0.3 * spare / (INFER_ROUNDS * len(batched))
        order = first_order(batched, self.settings.seed + 1)
        start = time.monotonic()
        for r in range(INFER_ROUNDS):
            if r >= 2 and r % 2 == 0:
                per_round = (time.monotonic() - start) / r
                if time.monotonic() - start + 2 * per_round > share * 1.05:
                    break  # a slowed machine: keep the budget, with fewer pairs
            for p in round_order(order, r):
                if p in latency:
                    self._latency_window(p, r, latency_window)
                self._batch_window(p, r, batch_window)

    def _latency_window(self, p: PathRecord, r: int, window_s: float) -> None:
        wr = self.fleet.worker_of(p)
        if not (p.ok and wr.alive and "call_s" in p.warm):
            return
        self.fleet.emit(p.framework, "inference", message=f"{p.label}: latency", path=p.path)
        # Sized by the mean call, not the median: a heavy tail is what makes a latency
        # window overrun.
        calls = int(min(5000, max(5, window_s / p.warm["call_s"])))
        if reply := self.fleet.call(wr, "latency", p, path=p.path, calls=calls):
            p.latency_ms[r] = reply["ms"]
            p.warm["call_s"] = sum(reply["ms"]) / len(reply["ms"]) / 1000
        self.fleet.sleep(INFER_GAP_S)

    def _batch_window(self, p: PathRecord, r: int, window_s: float) -> None:
        wr = self.fleet.worker_of(p)
        if not (p.ok and wr.alive and "batch_s" in p.warm):
            return
        self.fleet.emit(p.framework, "inference",
                       message=f"{p.label}: batch {self.workload.infer_batch}", path=p.path)
        batches = int(min(1000, max(1, window_s / p.warm["batch_s"])))
        if reply := self.fleet.call(wr, "throughput", p, path=p.path, batches=batches):
            p.infer[r] = reply["samples"] / reply["elapsed_s"]
            p.warm["batch_s"] = reply["elapsed_s"] / batches
        self.fleet.sleep(INFER_GAP_S)

    def _close(self) -> None:
        """What would have moved the allocator's state, now that nothing more is timed."""
        for rec in self.records.values():
            wr = rec.main
            if not wr.alive:
                continue
            self.fleet.emit(rec.framework, "equivalence")
            if reply := self.fleet.call(wr, "logits"):
                rec.logits = reply["logits"]
            self.fleet.emit(rec.framework, "quality")
            if wr.alive and (reply := self.fleet.call(wr, "quality", path=wr.paths[0].path)):
                rec.quality = {k: reply[k] for k in ("metric", "value", "bar", "steps",
                                                     "topped_up")}  # fmt: skip
            if wr.alive and (reply := self.fleet.call(wr, "matmul", seconds=0.3)):
                rec.matmul_gflops = reply["gflops"]
            if wr.alive and (reply := self.fleet.call(wr, "memory")):
                rec.peak_rss_mb = reply["peak_rss_mb"]
        # Everything is measured; a framework's interpreter teardown can take seconds, and
        # there is nothing left in the workers worth a clean exit.
        self.fleet.kill_all()

    def _check_quality(self) -> None:
        """The held-out check proves that training happened; without it, speed means nothing."""
        w = self.workload
        for rec in self.records.values():
            if rec.ok and rec.quality is not None and not w.passes(rec.quality["value"]):
                relation = "below" if w.higher_is_better else "above"
                rec.failed_check = (
                    f"held-out {w.metric} {rec.quality['value']:.2f} is {relation} {w.bar:.2f} "
                    f"after {rec.quality['steps']} training steps: the model did not learn"
                )


def run_probes(
    settings: ProbeSettings,
    *,
    on_event: Callable[[ProbeEvent], None] | None = None,
    cancel: threading.Event | None = None,
) -> dict:
    """Every workload of ``settings`` in turn, each in fresh workers (a workload's figures
    must not depend on what ran before it), combined into one measurements dict."""
    results = {
        w: Runner(settings, on_event=on_event, cancel=cancel, workload=w).run()
        for w in settings.workloads
    }
    return combine(results, settings.workloads[0])

