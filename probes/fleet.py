"""The worker processes of one probe run: starting them, one command at a time, failures.

Process control only: which commands make up a probe, and in what order, is the runner's
business (``probes.runner``); the workers themselves are ``probes.workers.Worker``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from probes.cache import data_cache_dir, unusable
from probes.protocol import ChannelStopped
from probes.records import FrameworkRecord, PathRecord, RunInfo, WorkerRecord
from probes.settings import ProbeCancelled, ProbeEvent, ProbeSettings
from probes.workers import Launcher, Worker, WorkerFailure, kill_all, one_line, signals_held

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
    "quality": 600.0,  # may first train up to the workload's minimum of steps
    "matmul": 60.0,
    "memory": 30.0,
}


class Fleet:
    """Every worker of a run, by framework and runtime state, and the run's observers."""

    def __init__(
        self,
        settings: ProbeSettings,
        records: dict[str, FrameworkRecord],
        info: RunInfo,
        *,
        launcher: Launcher,
        on_event: Callable[[ProbeEvent], None] | None,
        cancel: threading.Event | None,
    ) -> None:
        self.settings = settings
        self.records = records
        self.info = info
        self.launcher = launcher
        self.on_event = on_event
        self.cancel = cancel

    def stop_requested(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def check_cancel(self) -> None:
        if self.stop_requested():
            raise ProbeCancelled("probe cancelled")

    def sleep(self, seconds: float) -> None:
        if self.cancel is None:
            time.sleep(seconds)
        elif self.cancel.wait(seconds):
            raise ProbeCancelled("probe cancelled")

    def emit(
        self,
        fw: str,
        phase: str,
        samples_per_s: float | None = None,
        message: str = "",
        path: str = "",
    ) -> None:
        if self.on_event is None:
            return
        rec = self.records[fw]
        # Counted from the plan: the framework's timed paths, each timed once per round.
        timed = rec.timed_paths
        self.on_event(ProbeEvent(
            fw, phase, sum(len(p.windows) for p in timed), self.info.rounds_planned * len(timed),
            samples_per_s, message, path, self.info.workload,
            paths=tuple(p.label for p in timed), round=self.info.round,
            rounds_planned=self.info.rounds_planned, process=rec.process,
            processes=self.info.processes_planned,
            disturbed=sum(len(p.disturbed) for p in timed),
        ))  # fmt: skip

    def workers(self) -> Iterator[WorkerRecord]:
        for rec in self.records.values():
            yield from rec.workers

    def alive(self) -> list[WorkerRecord]:
        return [w for w in self.workers() if w.alive]

    def fail(self, wr: WorkerRecord, failure: WorkerFailure) -> None:
        wr.status, wr.message = failure.status, failure.message
        wr.log_tail = failure.log_tail or wr.log_tail
        if wr.worker is not None:
            wr.worker.kill()
        if wr.state.tuned:
            self.emit(wr.framework, "training", message=f"{wr.state.name}: {failure.message}")
        else:
            self.emit(wr.framework, "failed", message=failure.message)

    def timeout(self, kind: str, at_least: float = 0.0) -> float:
        limit = max(TIMEOUTS[kind], at_least)
        cap = self.settings.command_timeout_s
        return min(limit, cap) if cap is not None else limit

    def call(
        self, wr: WorkerRecord, op: str | None, slot: PathRecord | None = None, *,
        kind: str | None = None, at_least: float = 0.0, **args: object,
    ) -> dict | None:  # fmt: skip
        """One command (None: wait for the hello), under the deadline for ``kind`` (default:
        the command's own); None when it failed (the worker, or just the path in ``slot``,
        is marked)."""
        assert wr.worker is not None
        try:
            return wr.worker.request(
                op,
                self.timeout(kind or op or "hello", at_least),
                should_stop=self.stop_requested,
                on_event=lambda m: self.emit(
                    wr.framework, str(m.get("phase", "")), message=str(m.get("message", "")),
                    path=slot.path if slot is not None else "",
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
            self.fail(wr, failure)
            return None

    def _new_process(self, wr: WorkerRecord, process: int, threads: int, env: dict[str, str],
                     log: Path) -> Worker:  # fmt: skip
        name = wr.engine or wr.framework
        # Signals wait until the caller keeps the worker where kill_all finds it.
        with signals_held():
            return Worker.spawn(
                name, threads, self.launcher, {**env, **wr.env, **wr.state.env},
                log / f"{name}-{wr.state.name}-{process}.log",
            )  # fmt: skip

    def spawn(self, wr: WorkerRecord, threads: int, env: dict[str, str], log: Path) -> bool:
        try:
            wr.worker = self._new_process(wr, wr.process, threads, env, log)
        except WorkerFailure as failure:
            self.fail(wr, failure)
            return False
        return True

    def start_next(
        self, threads: int, env: dict[str, str], log: Path
    ) -> dict[int, Worker | WorkerFailure]:
        """Fresh processes for every live worker, all at once (their import times are not
        reported), while the processes they replace finish their checks; keyed by the index
        of the worker in ``workers()``. ``take_over`` puts them in place."""
        fresh: dict[int, Worker | WorkerFailure] = {}
        # No cancel check in here: a cancel between two spawns would leave the first ones
        # unowned; the next command notices it, and the runner kills what was started.
        for i, wr in enumerate(self.workers()):
            if not wr.alive:
                continue
            try:
                fresh[i] = self._new_process(wr, wr.process + 1, threads, env, log)
            except WorkerFailure as failure:
                fresh[i] = failure
        return fresh

    def take_over(self, fresh: dict[int, Worker | WorkerFailure]) -> None:
        """The processes from ``start_next`` replace the ones before them, which are killed;
        each new one must say hello as the first did."""
        workers = list(self.workers())
        for i, new in fresh.items():
            wr = workers[i]
            if wr.worker is not None:
                wr.worker.kill()
            if isinstance(new, WorkerFailure):
                self.fail(wr, new)
                continue
            if not wr.ok:  # failed in its checks: its fresh process has nothing to do
                new.kill()
                continue
            wr.worker, wr.process = new, wr.process + 1
            self.emit(wr.framework, "importing",
                      message=f"process {wr.process} of {self.info.processes_planned}"
                      + (f", {wr.state.name}" if wr.state.tuned else ""))  # fmt: skip
        for i in fresh:
            wr = workers[i]
            if wr.alive:
                hello = self.call(wr, None)
                if hello is not None and hello.get("status") != "ok":
                    self.fail(wr, WorkerFailure("failed", "a fresh process of a framework "
                                                          "that ran before did not start"))

    def hello(self, wr: WorkerRecord) -> None:
        hello = self.call(wr, None)
        if hello is None:
            return
        if hello.get("status") == "not_installed":
            wr.status, wr.message = "not_installed", one_line(str(hello.get("message", "")))
            assert wr.worker is not None
            wr.worker.close()
            self.emit(wr.framework, "skipped", message=wr.message)
            return
        wr.hello = hello

    def start(self, threads: int, env: dict[str, str], log_dir: Path) -> None:
        # The out-of-the-box workers one at a time: two imports at once would each report
        # the other's disk and CPU, and import time is a measured figure.
        for rec in self.records.values():
            self.check_cancel()
            self.emit(rec.framework, "importing")
            if self.spawn(rec.main, threads, env, log_dir):
                self.hello(rec.main)
        # The tuned workers' import times are not reported, so they start together.
        tuned = [w for rec in self.records.values() if rec.main.ok for w in rec.tuned]
        for wr in tuned:
            self.check_cancel()
            self.emit(wr.framework, "importing", message=f"{wr.state.name} worker")
            self.spawn(wr, threads, env, log_dir)
        for wr in tuned:
            if wr.worker is not None and wr.ok:
                self.hello(wr)

    def bundle(self, env: dict[str, str], directory: Path) -> Path | None:
        """The shared data and weights, written by a process of its own (numpy, sklearn)."""
        alive = self.alive()
        if not alive:
            return None
        cmd = [sys.executable, "-m", "probes.bundle", "--dir", str(directory),
               "--workload", self.info.workload, "--seed", str(self.settings.seed)]  # fmt: skip
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
                    self.check_cancel()
                    time.sleep(0.05)
            finally:
                if proc.poll() is None:
                    proc.kill()
            out, err = proc.communicate()
        if proc.returncode is not None and proc.returncode < 0 and not err:
            err = f"no answer within {TIMEOUTS['bundle']:.0f} s"
        if proc.returncode == 0 and out.strip():
            return Path(json.loads(out)["path"])
        reason = one_line(err) or f"exit status {proc.returncode}"
        for wr in alive:
            self.fail(wr, WorkerFailure("failed", f"the shared data bundle could not be "
                                                   f"written: {reason}", err.splitlines()))
        return None

    def worker_of(self, p: PathRecord) -> WorkerRecord:
        return next(w for w in self.records[p.framework].workers if w.state == p.state)

    def kill_all(self, also: Iterable[Worker] = ()) -> None:
        """Every worker of the run, and ``also`` (processes started but not yet in place)."""
        kill_all([*(wr.worker for wr in self.workers() if wr.worker is not None), *also])
