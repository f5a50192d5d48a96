"""A stand-in probe worker that speaks the real protocol in milliseconds.

    python fake_worker.py --mode MODE --framework F --threads N --cmd-fd A --reply-fd B

Modes: ok, crash-import, crash-warmup, crash-window, crash-tuned (only a worker started in
a tuned state crashes, in its first window), hang-import, hang-window, oom-spin and oom-crash
(allocate up to the address-space limit, then spin without a hello, or fail), garbage,
not-installed, noisy (floods stdout/stderr, answers correctly), low-accuracy, wrong-logits,
variant-error, no-cxx (reports the compiled path as skipped), slow-import (0.3 s before its
hello). --pidfile FILE receives the pid; --oplog FILE receives a line per event: the
monotonic time, framework, state, pid and "start", "hello" or the command's name. A worker
started with MALLOC_MMAP_THRESHOLD_ set trains 1.5x faster (the tuned state). --framework
keras-torch or keras-jax stands in for a Keras backend's worker (its keras-fit trains at
2/3 of the fake PyTorch's speed on torch; its other jit_compile setting is its variant).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from probes import runtime  # noqa: E402
from probes.protocol import ChannelClosed, LineReader, write_message  # noqa: E402

STEP_S = {"pytorch": 0.0010, "tensorflow": 0.0012,  # true ratio 1.2
          "keras-torch": 0.0015, "keras-jax": 0.0008}  # fmt: skip
PATHS = {"pytorch": ["eager-loop"], "tensorflow": ["keras-fit", "tf-function"],
         "keras-torch": ["keras-fit"], "keras-jax": ["keras-fit"]}  # fmt: skip
COMPILED = {"pytorch": "torch-compile", "tensorflow": "keras-jit", "keras-torch": "keras-jit",
            "keras-jax": "keras-eager"}  # fmt: skip
JIT_SPEEDUP = {"keras-jit": 1.25, "keras-eager": 0.5}  # a backend's variant against keras-fit
LAYERS = [[1, 26, 26, 32], [1, 13, 13, 32], [1, 5408], [1, 128], [1, 10]]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="ok")
    parser.add_argument("--framework", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--cmd-fd", type=int, required=True)
    parser.add_argument("--reply-fd", type=int, required=True)
    parser.add_argument("--pidfile")
    parser.add_argument("--oplog")
    args = parser.parse_args()
    tuned = bool(os.environ.get("MALLOC_MMAP_THRESHOLD_"))
    mode, fw, out = args.mode, args.framework, args.reply_fd
    if args.pidfile:
        with open(args.pidfile, "a") as f:
            f.write(f"{os.getpid()}\n")

    def log(what: str) -> None:
        if args.oplog:
            with open(args.oplog, "a") as f:
                f.write(f"{time.monotonic():.6f} {fw} {'tuned' if tuned else 'default'} "
                        f"{os.getpid()} {what}\n")

    log("start")
    if mode == "slow-import":
        time.sleep(0.3)
    if mode == "crash-import":
        print(
            "Traceback (most recent call last):\nImportError: simulated broken wheel",
            file=sys.stderr,
        )
        return 1
    if mode == "hang-import":
        time.sleep(3600)
    if mode in ("oom-spin", "oom-crash"):
        # A framework import that runs into the address-space limit: it fails (a MemoryError)
        # or, as TensorFlow's does, keeps trying at full speed without ever saying hello.
        held = []
        try:
            while True:
                held.append(bytearray(8 * 2**20))
        except MemoryError:
            if mode == "oom-crash":
                raise
        while True:
            pass
    if mode == "not-installed":
        write_message(
            out,
            {
                "type": "hello",
                "status": "not_installed",
                "message": f"{fw} is not installed; add it with: pip install {fw}",
            },
        )
        return 0
    write_message(
        out,
        {
            "type": "hello",
            "status": "ok",
            "import_s": 0.01,
            "version": "0-fake",
            "device": "cpu",
            "accelerators": [],
            "threads": args.threads,
            "interop_threads": 1,
            "details": {},
            **({"backend": fw.removeprefix("keras-"), "backend_version": "0-fake"}
               if fw.startswith("keras-") else {}),  # fmt: skip
            "pid": os.getpid(),
            "runtime": runtime.describe(),
        },
    )
    log("hello")
    reader = LineReader(args.cmd_fd)
    windows = 0
    served: set[str] = set()
    while True:
        try:
            cmd = reader.read(float("inf"))
        except ChannelClosed:
            return 0
        op = cmd.pop("op")
        if mode == "noisy":
            print("W tensorflow/core: {not json} " * 50)
            print('{"type": "reply"}  <- stdout is not the channel', file=sys.stderr)
        if op == "exit":
            return 0
        before = sorted(served)
        served.add(op)
        log(op)
        if op == "load":
            paths = list(PATHS[fw])
            skipped = {}
            if cmd["compiled"]:
                if mode == "no-cxx":
                    skipped[COMPILED[fw]] = "compiled mode skipped: no C++ compiler found"
                else:
                    paths.append(COMPILED[fw])
            reply = {
                "build_s": 0.01,
                "params": 693962,
                "layers": LAYERS,
                "paths": paths,
                "skipped": skipped,
            }
            if fw.startswith("keras-"):
                xla = fw == "keras-jax"  # JAX's default compiles; torch's runs eagerly
                reply["jit_compile"] = {p: p == "keras-jit" or (xla and p == "keras-fit")
                                        for p in paths}  # fmt: skip
        elif op == "logits":
            shift = 0.01 if (mode == "wrong-logits" and fw != "pytorch") else 0.0
            reply = {"logits": [[i * 0.1 + j * 0.01 + shift for j in range(10)] for i in range(16)]}
        elif op == "warmup":
            if mode == "variant-error" and cmd["path"] == "tf-function":
                write_message(out, {"type": "error", "error": "warmup: simulated trace error"})
                continue
            if mode == "crash-warmup":
                print("Killed (simulated)", file=sys.stderr)
                sys.stderr.flush()
                os._exit(137)
            write_message(out, {"type": "event", "phase": "warm-up", "message": "first step"})
            reply = {
                "first_step_s": 0.5,
                "second_step_s": 0.002,
                "warmup_steps": 10,
                "warmup_s": 0.1,
                "step_s": STEP_S[fw],
            }
            if cmd["path"] in JIT_SPEEDUP and fw.startswith("keras-"):
                reply["compile_s"] = 0.4
        elif op == "window":
            windows += 1
            if mode == "crash-window" or (mode == "crash-tuned" and tuned):
                print("Fatal Python error: Segmentation fault (simulated)", file=sys.stderr)
                sys.stderr.flush()
                os._exit(139)
            if mode == "hang-window":
                time.sleep(3600)
            if mode == "garbage":
                os.write(out, b"this is not json\n")
                continue
            # Deterministic +-2 % wobble, so intervals are narrow but not empty.
            wobble = 1.0 + 0.02 * ((windows * 7919) % 5 - 2) / 2
            elapsed = cmd["steps"] * STEP_S[fw] * wobble
            if fw.startswith("keras-"):
                elapsed /= JIT_SPEEDUP.get(cmd["path"], 1.0)
            if tuned:
                elapsed /= 1.5  # the tuned state of a fake: 1.5x faster
            reply = {
                "before": before,
                "elapsed_s": elapsed,
                "samples": cmd["steps"] * 64,
                "loss": 0.5,
                "cpu_s": elapsed,
            }
        elif op == "latency":
            base = 0.2 if fw == "pytorch" else 1.5
            reply = {"ms": [base * (1 + 0.01 * (i % 3)) for i in range(cmd["calls"])]}
        elif op == "throughput":
            reply = {"elapsed_s": 0.01 * cmd["batches"], "samples": 256 * cmd["batches"]}
        elif op == "quality":
            value = 0.42 if mode == "low-accuracy" else 0.95
            reply = {"metric": "accuracy", "value": value, "bar": 0.8, "steps": 200,
                     "topped_up": 0}  # fmt: skip
        elif op == "matmul":
            reply = {"gflops": 100.0}
        elif op == "memory":
            reply = {"peak_rss_mb": 123.0}
        else:
            write_message(out, {"type": "error", "error": f"unknown op {op}"})
            continue
        write_message(out, {"type": "reply", **reply})


if __name__ == "__main__":
    sys.exit(main())
