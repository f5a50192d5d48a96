"""The probe runner: starts the workers and drives them through the phases.

It imports neither framework, nor numpy: the shared data bundle is written by a short
process of its own (``probes.bundle``). Each framework gets one worker in the out-of-the-box
state (the primary figures) and, unless ``--quick``, one per tuned state (see
``probes.runtime``). Phases: imports (the out-of-the-box workers one at a time, so neither
import competes with the other; then the tuned workers together), bundle, build, warm-up,
the first leg of training windows in mirrored order with gaps, inference, and only then
everything that would change a process's allocator state before training (the matmul peak,
the equivalence forward pass, the quality check). While those checks run, a fresh process
for every worker imports; the next leg of training windows runs in them, and so on for
``ProbeSettings.processes`` legs: a process that is fast or slow for its whole life then
sets only its share of a figure. Every timed window is sampled for what other processes did
meanwhile (``probes.disturbance``). Any worker failure marks only that worker (a tuned
state, or a framework) and the run goes on with the rest; a cancel or Ctrl-C kills every
worker.

The Keras backend workers (``settings.backend_workers``: the workload's Keras model on torch
or JAX) go through every phase beside the native ones, each in its own worker processes: their
windows take slots in the same mirrored rounds, so each of their ratios to a native framework
is paired round by round as the native ratio is. They stay out of everything the native
figures decide (the equivalence of the two native models, the native ratios, a native
framework's busy verdict); their own windows are checked for disturbance the same way, and
their entries come from ``probes.bridge.backend_entries``. A backend that fails marks only
itself.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from probes.bridge import backend_entries
from probes.cpus import cpu_budget, thread_environment
from probes.disturbance import ProcSampler, Sampler, Snapshot, between, cpu_seconds_of, limit_cores
from probes.fleet import Fleet
from probes.machine import describe, load_average
from probes.records import (
    TRAINING_OPS,
    FrameworkRecord,
    PathRecord,
    RunInfo,
    WorkerRecord,
    is_backend,
)
from probes.report import assemble, busy_message, combine, equivalence, paired_against
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
from probes.settings import (
    BUDGET_FLOOR_S,
    CLOSE_RESERVE_S,
    ProbeEvent,
    ProbeSettings,
    backend_worker,
)
from probes.stats import geometric_ci95
from probes.workers import Launcher, Worker, WorkerFailure, default_launcher, worker_environment
from probes.workloads import get

INFER_GAP_S = 0.1  # inference windows are short; the idle-CPU check catches any spin
INFER_ROUNDS = 4  # mirrored, as for training; fewer pairs make the t-interval useless
INFER_SHARE = 0.2  # of the budget, for latency and batched-throughput windows
MIN_STEPS = 2
WARMUP_MAX_S = 2.0
QUICK_WARMUP_MAX_S = 0.5
# A later process only needs its first steps (tracing, lazy init) behind it: the windows are
# sized from the first process's step times, and re-sized from its own after every window.
LATER_WARMUP_MAX_S = 0.3
PROCESS_START_S = 0.5  # an interpreter's start, beyond its framework's import


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
        sampler: Sampler | None = None,
    ) -> None:
        """``states``: the tuned states to measure (None: those this machine offers);
        ``workload``: what to train (None: the settings' first); ``sampler``: what tells
        what other processes did during a window (None: /proc, or psutil)."""
        self.settings = settings
        self.workload = get(workload or settings.workloads[0])
        if states is None:
            states = [] if settings.quick else tuned_states(everything=settings.tuning)
        all_states = [out_of_the_box(), *states]
        self.records = {
            fw: FrameworkRecord(fw, [WorkerRecord(fw, s) for s in all_states])
            for fw in settings.frameworks
        }
        # Each Keras backend's worker, out of the box only (the state a user's script is in;
        # its setting to try is jit_compile, a path of its own): in the records the fleet
        # drives, and kept apart from everything that decides the native figures.
        for b in settings.backend_workers:
            name = backend_worker(b)
            self.records[name] = FrameworkRecord(
                name, [WorkerRecord(name, out_of_the_box(), env={"KERAS_BACKEND": b})])
        self.info = RunInfo(
            budget_s=settings.effective_budget_s,
            tuning=", ".join(s.name for s in states) or "none",
            workload=self.workload.name,
            processes_planned=settings.processes,
        )
        self.fleet = Fleet(settings, self.records, self.info, launcher=launcher,
                           on_event=on_event, cancel=cancel)  # fmt: skip
        self.sampler = sampler
        self.keras_backends: dict[str, dict] = {}  # the backends' entries, once run() is done
        self._load_s: dict[int, float] = {}  # id(worker record) -> its first load's wall time
        self._fresh: dict[int, Worker | WorkerFailure] = {}  # the next processes, importing

    # -- phases ---------------------------------------------------------------------------

    def run(self) -> dict:
        wall0 = time.monotonic()
        self.info.load_before = load_average()
        cpus = cpu_budget(self.settings.threads)
        machine = describe(cpus)
        self.info.busy_limit_cores = limit_cores(cpus.threads)
        if self.sampler is None:
            self.sampler = ProcSampler()
        # The workers are killed before their folder is removed: a worker still writing
        # there would otherwise leave files behind, or fail the removal.
        with tempfile.TemporaryDirectory(prefix="advisor-probe-") as tmp:
            try:
                folder = Path(tmp)
                env = self._environment(cpus.threads, folder)
                self.fleet.start(cpus.threads, env, folder)
                self.info.processes = 1
                bundle = self.fleet.bundle(env, folder)
                if bundle is not None:
                    self._load(bundle)
                self._warm_up(QUICK_WARMUP_MAX_S if self.settings.quick else WARMUP_MAX_S)
                timed0 = time.monotonic()
                later = self.settings.processes - 1
                self.info.restart_estimate_s = self._restart_estimate_s(cpus.threads)
                self.info.budget_s = self.settings.timed_budget_s(
                    timed0 - wall0, later * self.info.restart_estimate_s
                )
                self._measure(bundle, env, folder, cpus.threads, wall0)
            finally:
                starting = [w for w in self._fresh.values() if isinstance(w, Worker)]
                self.fleet.kill_all(also=starting)
        self.info.wall_s = time.monotonic() - wall0
        natives = self.natives
        proven = equivalence(natives, self.workload)  # the models, however busy it was
        self._check_quality()
        self._mark_busy()
        result = assemble(
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            machine=machine,
            settings=self.settings,
            records=natives,
            equivalence=proven,
            info=self.info,
        )
        backends = {name.removeprefix("keras-"): rec for name, rec in self.records.items()
                    if is_backend(name)}  # fmt: skip
        if backends:
            self.keras_backends = backend_entries(
                backends, natives, expected_params=self.workload.params,
                peak_gflops=result["machine"]["matmul_peak_gflops"].get("cpu"),
                info=self.info, threads=machine["threads_used"],
            )  # fmt: skip
        for rec in self.records.values():
            phase = "done" if rec.ok else "busy" if rec.busy else rec.status
            self.fleet.emit(rec.framework, phase, message=rec.message)
        return result

    @property
    def natives(self) -> dict[str, FrameworkRecord]:
        """The native frameworks' records: the only ones the native figures come from."""
        return {fw: rec for fw, rec in self.records.items() if not is_backend(fw)}

    @staticmethod
    def _environment(threads: int, folder: Path) -> dict[str, str]:
        """The workers' environment. Their temporary files (TensorFlow's autograph modules,
        a compiler's scratch) go to a folder inside the run's own, removed with it."""
        scratch = folder / "tmp"
        scratch.mkdir()
        env = worker_environment(thread_environment(threads))
        env.update(TMPDIR=str(scratch), TEMP=str(scratch), TMP=str(scratch))
        return env

    def _measure(self, bundle: Path | None, env: dict[str, str], folder: Path, threads: int,
                 wall0: float) -> None:  # fmt: skip
        """The timed phases: a leg of training windows in each process in turn, inference
        after the first, then the first processes' checks while the next ones import."""
        slots = self._slots()
        legs = self.settings.processes
        train_s = self.info.budget_s * (1.0 - INFER_SHARE)
        if slots:
            self.info.rounds_planned = plan_rounds(train_s, len(slots), self.settings.quick, legs)
        else:
            self.info.stopped = "nothing to measure"
        per_leg = self.info.rounds_planned // legs
        order = first_order(slots, self.settings.seed)
        timed_s = 0.0
        for leg in range(legs):
            leg_s = train_s / legs
            if leg > 0:
                if bundle is None or not self._next_processes(bundle):
                    break
                leg_s = self._leg_budget_s(leg_s, legs - leg, wall0)
            t = time.monotonic()
            if slots:
                self._train(order, first=leg * per_leg, planned=per_leg, train_s=leg_s,
                            last=leg == legs - 1)  # fmt: skip
            timed_s += time.monotonic() - t
            if leg == 0:
                t = time.monotonic()
                self._inference()
                timed_s += time.monotonic() - t
                self._matmul()  # a peak is a timed figure: before the next processes import
            if leg < legs - 1 and bundle is not None and self._slots():
                # Every leg but the last hands over to fresh processes: after the first, they
                # import beside the out-of-the-box processes' checks. The tuned processes
                # have nothing left to do: their memory goes before the next ones import.
                for wr in self.fleet.alive():
                    if wr.state.tuned and wr.worker is not None:
                        wr.worker.kill()
                self._fresh = self.fleet.start_next(threads, env, folder)
            if leg == 0:
                self._close()
        self.info.timed_s = timed_s

    def _restart_estimate_s(self, threads: int) -> float:
        """How long starting the next processes will take, from what the first ones took:
        their imports side by side on ``threads`` CPUs, each load, and each path's first
        steps with a later process's short warm-up."""
        alive = self.fleet.alive()
        imports = [float(wr.hello.get("import_s") or 0.0) for wr in alive]
        importing = max([*imports, sum(imports) / max(threads, 1)]) if imports else 0.0
        loading = sum(self._load_s.get(id(wr), 0.0) for wr in alive)
        warming = sum(
            min(float(p.warm.get("warmup_s", 0.0)), float(p.warm.get("first_step_s", 0.0))
                + float(p.warm.get("second_step_s", 0.0)) + LATER_WARMUP_MAX_S)
            for p in self._slots()
        )  # fmt: skip
        return PROCESS_START_S + importing + loading + warming

    def _leg_budget_s(self, share_s: float, legs_left: int, wall0: float) -> float:
        """A later leg's training time: its share, less what starting its processes took
        beyond the estimate when a wall-clock target is to be kept (never under the floor's
        share of it)."""
        target = self.settings.wall_target_s
        if target is None:
            return share_s
        left = target - (time.monotonic() - wall0) - CLOSE_RESERVE_S
        floor = BUDGET_FLOOR_S * (1.0 - INFER_SHARE) / self.settings.processes
        return max(floor, min(share_s, left / legs_left))

    def _next_processes(self, bundle: Path) -> bool:
        """Every live worker goes on in the fresh process started for it: hello, load,
        warm-up. False when there is nothing left to train."""
        t = time.monotonic()
        fresh, self._fresh = self._fresh, {}
        if not fresh:
            return False
        self.fleet.take_over(fresh)
        self.info.processes += 1
        self._load(bundle)
        self._warm_up(LATER_WARMUP_MAX_S)
        self.info.restart_s.append(time.monotonic() - t)
        return bool(self._slots())

    def _load(self, bundle_path: Path) -> None:
        for wr in self.fleet.alive():
            first = wr.process == 1
            tuned = wr.state.name if wr.state.tuned else ""
            self.fleet.emit(wr.framework, "building", message=tuned)
            compiled = self.settings.compiled and not wr.state.tuned
            if wr.framework == backend_worker("jax"):
                compiled = True  # keras-eager (jit_compile=False) compiles nothing: always tried
            t = time.monotonic()
            loaded = self.fleet.call(
                wr, "load", bundle=str(bundle_path), compiled=compiled,
                batch_size=self.settings.batch_for(self.workload.name),
                workload=self.workload.name,
            )  # fmt: skip
            if loaded is None:
                continue
            names = list(loaded.get("paths", []))
            if not first:
                # The same paths go on in the fresh process; build_s stays the first's.
                for p in wr.paths:
                    if p.ok and p.warm and p.path not in names:
                        p.status, p.message = "failed", "a later process did not offer it"
                continue
            self._load_s[id(wr)] = time.monotonic() - t
            wr.load = loaded
            if wr.state.tuned and not self.settings.tuning:
                names = names[:1]  # the default run tunes each framework's primary path
            wr.paths = [PathRecord(wr.framework, name, i == 0, wr.state)
                        for i, name in enumerate(names)]  # fmt: skip
            for name, reason in dict(loaded.get("skipped", {})).items():
                # A missing compiler is a missing tool, reported as such, never a crash.
                wr.paths.append(PathRecord(wr.framework, name, False, wr.state,
                                           status="not_installed", message=reason))  # fmt: skip
                self.fleet.emit(wr.framework, "skipped", message=reason)

    def _warm_up(self, max_s: float) -> None:
        """Training steps only: the process stays in the state a plain script is in. A
        later process keeps the first one's warm-up figures (its first and second step)."""
        for wr in self.fleet.alive():
            for p in wr.paths:
                if not (p.ok and wr.alive) or (wr.process > 1 and not p.warm):
                    continue
                self.fleet.emit(wr.framework, "warm-up", message=p.label, path=p.path)
                kind = "compile" if p.compiles or not p.measures_inference else "warmup"
                warm = self.fleet.call(wr, "warmup", p, kind=kind, path=p.path, max_s=max_s)
                if warm is not None:
                    if wr.process == 1:
                        p.warm = warm
                    p.step_s = warm["step_s"]

    def _slots(self) -> list[PathRecord]:
        return [p for wr in self.fleet.alive() for p in wr.paths if p.ok and p.warm]

    def _train(self, order: list[PathRecord], *, first: int, planned: int, train_s: float,
               last: bool) -> None:  # fmt: skip
        """One leg: ``planned`` rounds, numbered from ``first``, in the processes running
        now, within ``train_s``. Only the last leg may stop early for precision: every
        process must have its share of the windows."""
        live = [p for p in order if p.ok and self.fleet.worker_of(p).alive]
        planned_s = train_s / planned / max(len(live), 1) - GAP_S
        # between_s: a round's time outside its windows (the gaps), measured after each round
        sized_s, between_s = planned_s, len(live) * GAP_S
        start = time.monotonic()
        r = 0
        while True:
            live = [p for p in order if p.ok and self.fleet.worker_of(p).alive]
            elapsed_s = time.monotonic() - start
            if r > 0:
                sized_s = resized_window_s(
                    planned_s=planned_s, left_s=train_s - elapsed_s,
                    rounds_left=planned - r, slots=max(len(live), 1), between_s=between_s,
                )  # fmt: skip
            self.info.stopped = "no worker left" if not live else stop_reason(
                rounds_done=r, planned=planned, elapsed_s=elapsed_s,
                next_round_s=self._round_s(live, sized_s) + between_s, train_s=train_s,
                precise_enough=self._precise_enough if last else _never,
            )  # fmt: skip
            if self.info.stopped:
                break
            self.info.round = first + r + 1
            round_start, in_windows = time.monotonic(), 0.0
            for p in round_order(live, first + r):
                if p.ok and self.fleet.worker_of(p).alive:
                    in_windows += self._window(p, first + r, sized_s)
            between_s = time.monotonic() - round_start - in_windows
            r += 1
        self.info.rounds += r

    @staticmethod
    def _steps_for(p: PathRecord, window_s: float) -> int:
        return max(MIN_STEPS, round(max(window_s - p.overhead_s, 0.0) / p.step_s))

    def _round_s(self, live: list[PathRecord], window_s: float) -> float:
        """How long a round of ``window_s`` windows will take inside its windows: a window
        runs at least MIN_STEPS steps, so a tiny budget's rounds outgrow their share."""
        return sum(self._steps_for(p, window_s) * p.step_s + p.overhead_s for p in live)

    def _snapshot(self) -> Snapshot:
        assert self.sampler is not None
        return self.sampler.snapshot([w.worker.pid for w in self.fleet.alive()
                                      if w.worker is not None])  # fmt: skip

    def _timed(self, wr: WorkerRecord, op: str, p: PathRecord, gap_s: float, *,
               at_least: float = 0.0, **args: Any
               ) -> tuple[dict | None, tuple[Snapshot, Snapshot], float]:  # fmt: skip
        """One timed command and the gap after it; what the machine's counters read around
        both, and the seconds the command took. The gap belongs to what is sampled: the
        probe's processes are idle in it, so a neighbour shows all the more plainly, and a
        window too short for the kernel's ticks still gets a verdict."""
        before = self._snapshot()
        t = time.monotonic()
        reply = self.fleet.call(wr, op, p, at_least=at_least, **args)
        inside_s = time.monotonic() - t
        self.fleet.sleep(gap_s)
        return reply, (before, self._snapshot()), inside_s

    def _disturbed(self, around: tuple[Snapshot, Snapshot]) -> bool:
        load = between(*around)
        return load is not None and load.cores > self.info.busy_limit_cores

    def _window(self, p: PathRecord, r: int, window_s: float) -> float:
        """Times one window of ``p`` in round ``r``, then the gap; returns the seconds the
        window's command took."""
        wr = self.fleet.worker_of(p)
        # Sized from the path's latest step time, so a machine that slows down mid-run
        # stretches at most one window per path, not the budget; and net of the path's
        # measured per-window overhead (the command round trip, a fit() call's set-up), so
        # rounds take the time the budget planned for them.
        p.steps = self._steps_for(p, window_s)
        others = [w.worker.pid for w in self.fleet.alive() if w is not wr and w.worker is not None]
        reply, around, inside_s = self._timed(wr, "window", p, GAP_S,
                                              at_least=30 + 20 * p.steps * p.step_s,
                                              path=p.path, steps=p.steps)  # fmt: skip
        if reply is None:
            return inside_s
        p.overhead_s = max(0.0, inside_s - reply["elapsed_s"])
        p.step_s = reply["elapsed_s"] / p.steps
        rate = reply["samples"] / reply["elapsed_s"]
        p.windows[r], p.process[r] = rate, wr.process
        p.load[r] = load = between(*around)
        said = p.label
        if load is not None and load.cores > self.info.busy_limit_cores:
            p.disturbed.add(r)
            said += f" (disturbed: others used {load.cores:.0%} of a core; left out)"
        p.foreign_ops |= set(reply.get("before", [])) - TRAINING_OPS
        idle = cpu_seconds_of(others, around)
        if others and idle is not None:  # every idle worker's CPU time was readable
            p.idle_cpu.append(idle / reply["elapsed_s"])
        self.fleet.emit(p.framework, "training", rate, message=said, path=p.path)
        return inside_s

    def _precise_enough(self) -> bool:
        """The headline ratios (or, with one framework, its windows) within ±5 % from the
        windows alone: what more windows could still narrow. The between-process part of an
        interval does not shrink with windows, so waiting for it would only spend budget."""
        ratios = [r for r in (paired_against(self.natives, key) for key in ("train", "train_lean"))
                  if r is not None]  # fmt: skip
        if ratios:
            return all(r.within <= TARGET_HALF_WIDTH for r in ratios)
        for p in self._slots():
            if is_backend(p.framework):
                continue
            ci = geometric_ci95(list(p.clean.values()))
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
        reply, around, _ = self._timed(wr, "latency", p, INFER_GAP_S, path=p.path, calls=calls)
        if reply:
            p.latency_ms[r] = reply["ms"]
            p.warm["call_s"] = sum(reply["ms"]) / len(reply["ms"]) / 1000
            if self._disturbed(around):
                p.infer_disturbed.add(r)

    def _batch_window(self, p: PathRecord, r: int, window_s: float) -> None:
        wr = self.fleet.worker_of(p)
        if not (p.ok and wr.alive and "batch_s" in p.warm):
            return
        self.fleet.emit(p.framework, "inference",
                       message=f"{p.label}: batch {self.workload.infer_batch}", path=p.path)
        batches = int(min(1000, max(1, window_s / p.warm["batch_s"])))
        reply, around, _ = self._timed(wr, "throughput", p, INFER_GAP_S, path=p.path,
                                       batches=batches)  # fmt: skip
        if reply:
            p.infer[r] = reply["samples"] / reply["elapsed_s"]
            p.warm["batch_s"] = reply["elapsed_s"] / batches
            if self._disturbed(around):
                p.infer_disturbed.add(r)

    def _matmul(self) -> None:
        """The fp32 matmul peak, in each framework's first process after its timed windows
        (a backend's efficiency is taken against the native peak)."""
        for rec in self.natives.values():
            if rec.main.alive and (reply := self.fleet.call(rec.main, "matmul", seconds=0.3)):
                rec.matmul_gflops = reply["gflops"]

    def _close(self) -> None:
        """What would have moved the allocator's state, now that nothing more is timed in
        these processes (the next ones, if any, import meanwhile)."""
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
            if wr.alive and (reply := self.fleet.call(wr, "memory")):
                rec.peak_rss_mb = reply["peak_rss_mb"]
        if not self._fresh:
            # Everything is measured; a framework's interpreter teardown can take seconds,
            # and there is nothing left in the workers worth a clean exit.
            self.fleet.kill_all()

    def _mark_busy(self) -> None:
        """A framework whose primary path was disturbed in most of its windows is not
        measured: what it would report is the neighbour, not the framework. Each record on
        its own windows only: a busy backend marks neither native framework, nor the reverse."""
        for rec in self.records.values():
            if rec.ok and rec.paths and rec.paths[0].busy:
                rec.busy = busy_message(rec.paths[0])

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


def _never() -> bool:
    return False


def run_probes(
    settings: ProbeSettings,
    *,
    on_event: Callable[[ProbeEvent], None] | None = None,
    cancel: threading.Event | None = None,
) -> dict:
    """Every workload of ``settings`` in turn, each in fresh workers (a workload's figures
    must not depend on what ran before it), combined into one measurements dict."""
    runners = {w: Runner(settings, on_event=on_event, cancel=cancel, workload=w)
               for w in settings.workloads}  # fmt: skip
    results = {w: r.run() for w, r in runners.items()}
    return combine(results, settings.workloads[0],
                   {w: r.keras_backends for w, r in runners.items()})  # fmt: skip

