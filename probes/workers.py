"""Starting, talking to and killing worker processes (the runner's side of the channel).

Each worker runs in its own session (process group), so one SIGKILL to the group also takes
any helper processes it started (torch.compile's compile workers), and a Ctrl-C in the
terminal reaches only the runner, which then kills the workers itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
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
    return [sys.executable, "-m", "probes.worker", "--framework", framework,
            "--threads", str(threads)]  # fmt: skip


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


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process, from /proc (Linux); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


@dataclass
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
        return cls(framework, proc, LineReader(reply_r), cmd_w, log_path)

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
        while True:
            try:
                message = self.reader.read(deadline, should_stop=should_stop)
            except ChannelTimeout:
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
