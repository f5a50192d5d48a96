"""Starting, talking to and killing worker processes (the runner's side of the channel).

Each worker runs in its own session (process group), so one SIGKILL to the group also takes
any helper processes it started (torch.compile's compile workers), and a Ctrl-C in the
terminal reaches only the runner, which then kills the workers itself. Starting a worker and
killing them all hold back Ctrl-C, SIGTERM and SIGHUP until done (``signals_held``): a Ctrl-C
between starting a worker and keeping it, or a second one during the clean-up of the first,
must not leave a worker running.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from probes.protocol import (
    ChannelClosed,
    ChannelTimeout,
    LineReader,
    ProtocolError,
    encode,
)

LOG_TAIL_LINES = 15

# Environment variables a worker inherits; everything else is dropped so that stray
# settings (a user's KERAS_BACKEND, CUDA_LAUNCH_BLOCKING, ...) cannot skew one side.
PASSED_ENV = (
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TEMP", "TMP",
    "SYSTEMROOT", "VIRTUAL_ENV", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES",
    "CUDA_HOME", "CUDA_PATH", "HIP_VISIBLE_DEVICES", "XDG_CACHE_HOME", "TORCHINDUCTOR_CACHE_DIR",
    "TRITON_CACHE_DIR", "CC", "CXX", "TF_ENABLE_ONEDNN_OPTS", "KERAS_HOME", "SSL_CERT_FILE",
)  # fmt: skip

Launcher = Callable[[str, int], Sequence[str]]


class WorkerFailure(Exception):
    """A worker could not do what it was asked; `status` is contract 3's word for it.

    ``message`` is one line, for a terminal; ``log_tail`` keeps the lines that explain it
    (the worker's last log lines, or the traceback of a failed command) for the file."""

    def __init__(self, status: str, message: str, log_tail: Sequence[str] = ()) -> None:
        message = one_line(message)
        super().__init__(message)
        self.status = status
        self.message = message
        self.log_tail = list(log_tail)


def one_line(text: str, limit: int = 300) -> str:
    """The first non-blank line of ``text``, shortened to ``limit`` characters."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if len(lines) > 1:
        first += " …"
    return first if len(first) <= limit else first[: limit - 1] + "…"


def default_launcher(framework: str, threads: int) -> list[str]:
    """``framework``: a native framework, or a Keras backend's worker (``keras-torch``)."""
    kind = ["--framework", framework]
    if framework.startswith("keras-"):
        kind = ["--framework", "keras", "--backend", framework.removeprefix("keras-")]
    return [sys.executable, "-m", "probes.worker", *kind, "--threads", str(threads)]


def worker_environment(extra: dict[str, str]) -> dict[str, str]:
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    # The worker must import the very probes package this runner runs from.
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p
    )
    env.update(
        {
            "PYTHONHASHSEED": "0",
            "PYTHONUNBUFFERED": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",  # keep TensorFlow's C++ banner out of the log tail
        }
    )
    env.update(extra)
    return env


_HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextmanager
def signals_held() -> Iterator[None]:
    """Within the block, Ctrl-C, SIGTERM and SIGHUP wait (in the main thread, where Python
    raises for them); they arrive, and raise, right after it."""
    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "pthread_sigmask")):  # fmt: skip
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def kill_all(workers: Iterable[Worker]) -> None:
    """SIGKILL every worker's process group, then reap them all: the quickest way to leave
    none running. Signals are held meanwhile, and one that Python had already taken in before
    (it raises at once) interrupts no kill: it is raised again once every worker is reaped."""
    interrupted: BaseException | None = None
    listed = list(workers)
    with signals_held():
        for step in (Worker.signal_group, Worker.kill):
            for w in listed:
                while True:
                    try:
                        step(w)
                        break
                    except KeyboardInterrupt as exc:  # at most once per signal: they are held
                        interrupted = exc
    if interrupted is not None:
        raise interrupted


_STARTED: set[Worker] = set()
"""Every worker this process started and has not reaped: none may outlive it (``_at_exit``)."""


@atexit.register
def _at_exit() -> None:
    """The last line of defence: a program interrupted so often that its clean-up never ran
    still takes its workers along as it exits (they run in sessions of their own, so nothing
    else would end them)."""
    kill_all(list(_STARTED))


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process, from /proc (Linux); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


OUT_OF_MEMORY = ("MemoryError", "Cannot allocate memory", "std::bad_alloc", "out of memory",
                 "failed to map segment")  # fmt: skip
"""What a worker's log says when it ran out of memory (Python, the C library, C++, a loader)."""
MEMORY_LOOK_S = 1.0
"""How often a waiting runner looks at a worker's memory (only under an address-space limit)."""
AT_LIMIT = 0.95
"""A worker whose address space is this close to its limit is at the limit."""
STUCK_AT_LIMIT_S = 3.0
"""How long a worker may stay at the limit without answering before it counts as out of
memory (a successful import passes near the limit in well under a second)."""


def address_space_limit(pid: int) -> int | None:
    """The soft address-space limit (RLIMIT_AS) of a process in bytes, from /proc; None when
    unlimited or unknown (not Linux)."""
    try:
        text = Path(f"/proc/{pid}/limits").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Max address space"):
            soft = line[len("Max address space"):].split()[0]
            return int(soft) if soft.isdigit() else None
    return None


def address_space(pid: int) -> int | None:
    """A process's address space (VmSize) in bytes, from /proc; None when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class MemoryWatch:
    """Whether a worker sits at its address-space limit without answering: a look at /proc
    once a second while the runner waits (the limit is read each time: a worker may set its
    own as it starts)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.limit: int | None = None
        self._since: float | None = None

    def next_look(self, deadline: float) -> float:
        """When to stop waiting for an answer and look."""
        return min(deadline, time.monotonic() + MEMORY_LOOK_S)

    def stuck(self) -> str | None:
        """Why the worker counts as out of memory, or None."""
        self.limit = address_space_limit(self.pid)
        size = address_space(self.pid) if self.limit is not None else None
        if self.limit is None or size is None or size < AT_LIMIT * self.limit:
            self._since = None
            return None
        now = time.monotonic()
        self._since = self._since or now
        if now - self._since < STUCK_AT_LIMIT_S:
            return None
        return (f"the worker reached its {self.limit / 2**30:.1f} GB address-space limit "
                f"(ulimit -v) and made no progress for {now - self._since:.0f} s; raise the "
                "limit for this framework, or measure without it (--frameworks)")


@dataclass(eq=False)  # kept in a set: equal only to itself
class Worker:
    framework: str
    proc: subprocess.Popen
    reader: LineReader
    cmd_fd: int
    log_path: Path

    @classmethod
    def spawn(
        cls, framework: str, threads: int, launcher: Launcher, env: dict[str, str], log_path: Path
    ) -> Worker:
        """Start a worker. Call it under ``signals_held`` up to where the worker is kept: an
        interrupt in between would leave a process nobody knows to kill."""
        if os.name != "posix":
            raise WorkerFailure(
                "failed", "probes need a POSIX system (Linux or macOS) for their worker channel"
            )
        cmd_r, cmd_w = os.pipe()
        reply_r, reply_w = os.pipe()
        argv = [*launcher(framework, threads), "--cmd-fd", str(cmd_r), "--reply-fd", str(reply_w)]
        try:
            with open(log_path, "wb") as log:
                proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    pass_fds=(cmd_r, reply_w),
                    env=env,
                    start_new_session=True,
                )
        except OSError as exc:
            for fd in (cmd_r, cmd_w, reply_r, reply_w):
                os.close(fd)
            raise WorkerFailure("failed", f"could not start the worker: {exc}") from exc
        # Our copies of the child's ends: closing them is what lets us see EOF when it dies.
        os.close(cmd_r)
        os.close(reply_w)
        worker = cls(framework, proc, LineReader(reply_r), cmd_w, log_path)
        _STARTED.add(worker)
        return worker

    @property
    def pid(self) -> int:
        return self.proc.pid

    def request(
        self,
        op: str | None,
        timeout_s: float,
        *,
        should_stop: Callable[[], bool] | None = None,
        on_event: Callable[[dict], None] | None = None,
        **args: object,
    ) -> dict:
        """Send a command (or, with op None, just wait for the hello) and return its reply.
        Raises WorkerFailure (failed/timeout), or ChannelStopped when ``should_stop`` says so."""
        if op is not None:
            try:
                os.write(self.cmd_fd, encode({"op": op, **args}))
            except BrokenPipeError:
                raise self._crashed(f"while sending {op!r}") from None
        deadline = time.monotonic() + timeout_s
        # Under an address-space limit (ulimit -v), a worker that reaches it may neither fail
        # nor answer (TensorFlow's import then spins): watch it, and say so within seconds.
        watch = MemoryWatch(self.pid)
        while True:
            try:
                message = self.reader.read(watch.next_look(deadline), should_stop=should_stop)
            except ChannelTimeout:
                if time.monotonic() < deadline:
                    if (at_limit := watch.stuck()) is not None:
                        self.kill()
                        raise WorkerFailure("failed", f"out of memory during "
                                            f"{op or 'start-up'!r}: {at_limit}", self.log_tail(),
                                            ) from None  # fmt: skip
                    continue
                raise WorkerFailure(
                    "timeout", f"no answer to {op or 'start-up'!r} within {timeout_s:.0f} s"
                ) from None
            except ChannelClosed:
                raise self._crashed(f"during {op or 'start-up'!r}") from None
            except ProtocolError as exc:
                raise WorkerFailure("failed", f"garbage on the protocol channel: {exc}") from None
            kind = message.get("type")
            if kind == "event":
                if on_event is not None:
                    on_event(message)
                continue
            if kind == "error":
                error = str(message.get("error", "unknown error"))
                trace = str(message.get("traceback", ""))
                raise WorkerFailure("failed", error, [*error.splitlines(), *trace.splitlines()])
            if kind in ("reply", "hello"):
                return message
            raise WorkerFailure("failed", f"unexpected message type {kind!r} on the channel")

    def _crashed(self, when: str) -> WorkerFailure:
        limit = address_space_limit(self.pid)  # readable until the process is reaped
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # closed its channel but lives on: kill it
            self.kill()
            code = self.proc.returncode
        if code is not None and code < 0:
            how = f"killed by signal {signal.Signals(-code).name}"
        else:
            how = f"exited with status {code}"
        tail = self.log_tail()
        last = f"; last log line: {tail[-1].strip()}" if tail else ""
        room = f"{limit / 2**30:.1f} GB of address space (ulimit -v)" if limit else ""
        if any(word in line for line in tail for word in OUT_OF_MEMORY):
            room = f"; this process may use {room}" if room else ""
            return WorkerFailure("failed", f"out of memory {when}: worker {how}{last}{room}",
                                 tail)  # fmt: skip
        if room:  # a process that runs out of address space may fail in any way at all
            last += f"; it may use only {room}: too little memory is the likely cause"
        return WorkerFailure("failed", f"worker {how} {when}{last}", tail)

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> list[str]:
        """The worker's last non-blank log lines (its stdout and stderr)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if line.strip()][-lines:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, grace_s: float = 2.0) -> None:
        """Ask politely, then kill: the worker exits on `exit` or when its pipe closes."""
        if self.alive():
            try:
                os.write(self.cmd_fd, encode({"op": "exit"}))
            except OSError:
                pass  # it is already going away; kill() below makes sure
            try:
                self.proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_fds()

    def signal_group(self) -> None:
        """SIGKILL the worker's process group without waiting (``kill`` reaps it)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass  # exited between poll() and killpg()

    def kill(self) -> None:
        """SIGKILL the worker's whole process group and reap it."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # exited between poll() and killpg()
            self.proc.wait()
        else:
            # The leader is gone, but helpers in its group may linger.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass  # no group left
        self._close_fds()

    def _close_fds(self) -> None:
        for fd in (self.cmd_fd, self.reader.fd):
            if fd >= 0:
                os.close(fd)
        self.cmd_fd = self.reader.fd = -1
        if self.proc.returncode is not None:  # reaped
            _STARTED.discard(self)
