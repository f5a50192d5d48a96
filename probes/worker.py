"""A probe worker: one framework, one process, commanded by the runner until it says exit.

    python -m probes.worker --framework pytorch|tensorflow --cmd-fd N --reply-fd M --threads T

Commands arrive on fd N and replies leave on fd M (see probes.protocol); stdout and stderr are
left to the framework's logging. The worker first says hello (import time, version, device,
threads read back) or that its framework is not installed, then answers one command at a
time. It exits when the command pipe closes, so a runner that dies takes its workers along.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import time
import traceback

from probes import runtime
from probes.protocol import ChannelClosed, LineReader, encode, write_all, write_message

FRAMEWORK_MODULE = {"pytorch": "torch", "tensorflow": "tensorflow"}
ENGINE = {
    "pytorch": ("probes.engine_torch", "TorchEngine"),
    "tensorflow": ("probes.engine_keras", "KerasEngine"),
}
PIP_NAME = {"pytorch": "torch", "tensorflow": "tensorflow"}
OPS = ("load", "logits", "warmup", "window", "latency", "throughput", "quality", "matmul",
       "memory")  # fmt: skip


class WrongProcess(RuntimeError):
    """The other framework is loaded here: its OpenMP runtime would distort the timing."""


def check_alone(framework: str) -> None:
    for other, module in FRAMEWORK_MODULE.items():
        if other != framework and module in sys.modules:
            raise WrongProcess(f"{module} is loaded in the {framework} worker")


def not_installed_message(framework: str) -> str:
    return (
        f"{framework} is not installed for {sys.executable}; add it with: "
        f"{sys.executable} -m pip install {PIP_NAME[framework]} "
        "(or install framework-advisor with its [probes] extra)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="probes.worker")
    parser.add_argument("--framework", choices=sorted(FRAMEWORK_MODULE), required=True)
    parser.add_argument("--cmd-fd", type=int, required=True)
    parser.add_argument("--reply-fd", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args(argv)
    framework, reply_fd = args.framework, args.reply_fd

    if framework == "tensorflow":
        # A user's keras.json or environment could select the torch backend, which would
        # import PyTorch into this process; the TensorFlow worker measures TensorFlow.
        os.environ["KERAS_BACKEND"] = "tensorflow"
    check_alone(framework)
    module = FRAMEWORK_MODULE[framework]
    if importlib.util.find_spec(module) is None:
        write_message(
            reply_fd,
            {
                "type": "hello",
                "status": "not_installed",
                "message": not_installed_message(framework),
            },
        )
        return 0
    start = time.perf_counter()
    importlib.import_module(module)
    import_s = time.perf_counter() - start
    engine_module, engine_class = ENGINE[framework]
    engine = getattr(importlib.import_module(engine_module), engine_class)(args.threads)
    check_alone(framework)
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
