"""A probe worker: one framework, one process, commanded by the runner until it says exit.

    python -m probes.worker --framework pytorch|tensorflow --cmd-fd N --reply-fd M --threads T
    python -m probes.worker --framework keras --backend torch|jax --cmd-fd N --reply-fd M ...

Commands arrive on fd N and replies leave on fd M (see probes.protocol); stdout and stderr are
left to the framework's logging. The worker first says hello (import time, version, device,
threads read back) or that its framework is not installed, then answers one command at a
time. It exits when the command pipe closes, so a runner that dies takes its workers along.

A Keras worker runs the workload's Keras model on the torch or JAX backend (Keras on
TensorFlow is the tensorflow worker): KERAS_BACKEND is set before Keras is imported, and,
as in every worker, no other framework's native module may be in the process.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import time
import traceback
from dataclasses import dataclass

from probes import runtime
from probes.cpus import pin_to
from probes.protocol import ChannelClosed, LineReader, encode, write_all, write_message

NATIVE_MODULES = ("torch", "tensorflow", "jax")
"""The frameworks' own modules: a worker times exactly one of them, and no other may be loaded
in it (their thread pools and OpenMP runtimes would distort the timing)."""
FRAMEWORKS = ("pytorch", "tensorflow", "keras")
KERAS_BACKENDS = ("torch", "jax")
OPS = ("load", "logits", "warmup", "window", "latency", "throughput", "quality", "matmul",
       "memory")  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """What one kind of worker imports, times and runs."""

    native: str  # the native module whose speed it times
    # Modules that must be installed, the one imported (and timed) last; every Keras path
    # needs greenlet to hold its fit() on the main thread (probes/keras_fit.py).
    needs: tuple[str, ...]
    engine: tuple[str, str]  # module, class
    install: str  # what to install when they are not

    def foreign(self) -> list[str]:
        return [m for m in NATIVE_MODULES if m != self.native]


def kind_of(framework: str, backend: str | None) -> Kind:
    if framework == "pytorch":
        return Kind("torch", ("torch",), ("probes.engine_torch", "TorchEngine"), "torch")
    if framework == "tensorflow":
        return Kind("tensorflow", ("greenlet", "tensorflow"),
                    ("probes.engine_keras", "KerasEngine"), "tensorflow greenlet")  # fmt: skip
    engine = ("probes.engine_backend", "KerasBackendEngine")
    if backend == "jax":
        return Kind("jax", ("greenlet", "jax", "keras"), engine,
                    "'framework-advisor[jax]' (CPU JAX)")  # fmt: skip
    return Kind("torch", ("greenlet", "torch", "keras"), engine, "torch keras greenlet")


class WrongProcess(RuntimeError):
    """Another framework is loaded here: its thread pools would distort the timing."""


def idle(module: str) -> bool:
    """Whether a loaded native module only sits there: Keras imports jax whenever it is
    installed, on every backend (its Orbax checkpoint callback does, keras/src/callbacks/
    orbax_checkpoint.py), as in a user's process; an XLA backend never started runs nothing.
    TensorFlow and PyTorch are never idle: loading them is what the rule forbids."""
    if module != "jax":
        return False
    bridge = sys.modules.get("jax._src.xla_bridge")
    started = getattr(bridge, "backends_are_initialized", None)
    return started is not None and not started()


def check_alone(kind: Kind, label: str) -> list[str]:
    """Raises unless every other framework is absent or idle; returns the idle ones."""
    loaded = [m for m in kind.foreign() if m in sys.modules]
    for module in loaded:
        if not idle(module):
            raise WrongProcess(f"{module} is loaded in the {label} worker")
    return loaded


def not_installed_message(label: str, missing: str, install: str) -> str:
    return (
        f"{missing} is not installed for {sys.executable}, so {label} cannot be measured; add "
        f"it with: {sys.executable} -m pip install {install} (or install framework-advisor "
        "with its [probes] extra)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="probes.worker")
    parser.add_argument("--framework", choices=FRAMEWORKS, required=True)
    parser.add_argument("--backend", choices=KERAS_BACKENDS,
                        help="the Keras backend (--framework keras only)")  # fmt: skip
    parser.add_argument("--cmd-fd", type=int, required=True)
    parser.add_argument("--reply-fd", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args(argv)
    framework, backend, reply_fd = args.framework, args.backend, args.reply_fd
    if (framework == "keras") != (backend is not None):
        parser.error("--backend goes with --framework keras, and only with it")
    kind = kind_of(framework, backend)
    label = f"Keras on {backend}" if backend else framework

    if framework == "tensorflow":
        # A user's keras.json or environment could select the torch backend, which would
        # import PyTorch into this process; the TensorFlow worker measures TensorFlow.
        os.environ["KERAS_BACKEND"] = "tensorflow"
    elif backend is not None:
        os.environ["KERAS_BACKEND"] = backend  # before Keras is imported: it reads it once
    if backend == "jax":
        # XLA sizes its CPU pool from the CPUs the process may run on, not from a variable.
        pin_to(args.threads)
    check_alone(kind, label)
    missing = next((m for m in kind.needs if importlib.util.find_spec(m) is None), None)
    if missing is not None:
        write_message(
            reply_fd,
            {
                "type": "hello",
                "status": "not_installed",
                "message": not_installed_message(label, missing, kind.install),
            },
        )
        return 0
    start = time.perf_counter()
    importlib.import_module(kind.needs[-1])  # a Keras worker: Keras, which imports its backend
    import_s = time.perf_counter() - start
    engine_module, engine_class = kind.engine
    engine_type = getattr(importlib.import_module(engine_module), engine_class)
    engine = engine_type(args.threads, backend) if backend else engine_type(args.threads)
    idle_modules = check_alone(kind, label)
    engine.emit = lambda **event: write_message(reply_fd, {"type": "event", **event})
    write_message(
        reply_fd,
        {
            "type": "hello",
            "status": "ok",
            "import_s": import_s,
            "pid": os.getpid(),
            # Read before any command runs: the state the timed windows start from.
            "runtime": runtime.describe(),
            # Other frameworks' modules imported as a side effect but never started.
            "idle_modules": idle_modules,
            **engine.hello(),
        },
    )
    try:
        return serve(engine, LineReader(args.cmd_fd), reply_fd)
    finally:
        engine.close()


def serve(engine: object, commands: LineReader, reply_fd: int) -> int:
    served: set[str] = set()  # every command this process has run, for the window replies
    while True:
        try:
            command = commands.read(deadline=float("inf"))
        except ChannelClosed:
            return 0
        op = command.pop("op", None)
        if op == "exit":
            return 0
        if op not in OPS:
            write_message(reply_fd, {"type": "error", "error": f"unknown op {op!r}"})
            continue
        # A window reports what ran in this process before it: the runner proves from this
        # that nothing but loading and training moved the allocator's state.
        before = {"before": sorted(served)} if op == "window" else {}
        served.add(op)
        try:
            # Encoding inside the try: a NaN loss must come back as an error, not a crash.
            reply = encode({"type": "reply", **getattr(engine, op)(**command), **before})
        except Exception as exc:  # reported to the runner, which marks the path failed
            write_message(
                reply_fd,
                {
                    "type": "error",
                    "error": f"{op}: {type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc()[-4000:],
                },
            )
            continue
        write_all(reply_fd, reply)


if __name__ == "__main__":
    sys.exit(main())
