"""What a pause between timed windows costs each framework, step by step.

In a probe, a framework's windows alternate with the other framework's (and with its own
other path's), so each window starts after a pause of a few seconds that a user's training
run never has. Where a window pays for that pause decides what to do about it: a cost in the
first steps could be kept out of the timing by untimed lead-in steps; a cost spread over the
whole window could not.

Each fresh process loads one framework's probe engine (the worker's own code, on the probe's
bundle), warms it as the runner does, then repeats: a pause (idle, or two spinning processes
holding both cores, as the other framework's window does), a window of ``--steps`` steps
right after it ("after"), and at once a second window ("next", no pause). Every step's time
is recorded: for the TensorFlow ``keras-fit`` path from the held fit()'s batch starts, for the
PyTorch ``eager-loop`` path from each optimizer step's end. Frameworks alternate in fresh
processes, each first in turn.

    python bench/window_pause.py [--rounds 2] [--reps 10] [--steps 40] [--pause-s 2.5]
                                 [--window-s 0.8] [--json FILE]

The summary gives, per framework and pause, each of the first steps' median time after the
pause and in the next window, the median of the steps after them, the time the first steps
lose in all, and that loss as a share of a ``--window-s`` window (a default CNN probe's is
about 0.8 s: 36 s of training, 4 paths, 8 rounds in 2 processes, less the 0.3 s gaps).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FRAMEWORKS = ("tensorflow", "pytorch")
PAUSES = ("idle", "busy")
FIRST = 8  # steps shown one by one; the rest are summed up as the window's tail


def spin(seconds: float) -> None:
    """Two processes that hold both cores for ``seconds``, as a window of the other
    framework's does."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    time.sleep(seconds)
    for hog in hogs:
        hog.kill()
        hog.wait()


def child(framework: str, bundle: str, reps: int, steps: int, pause_s: float) -> dict:
    """One fresh process of one framework's engine: per-step times after each pause and in
    the window straight after."""
    from probes.cpus import pin_to

    threads = os.cpu_count() or 1
    pin_to(threads)
    stamps: list[float] = []
    if framework == "tensorflow":
        os.environ["KERAS_BACKEND"] = "tensorflow"
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        from probes import keras_fit
        from probes.engine_keras import PRIMARY, KerasEngine

        held_begin = keras_fit.HeldFit.on_train_batch_begin

        def stamped(self: keras_fit.HeldFit, batch: int, logs: dict | None = None) -> None:
            stamps.append(time.perf_counter())  # batch k + 1 begins when batch k has ended
            held_begin(self, batch, logs)

        keras_fit.HeldFit.on_train_batch_begin = stamped
        engine: object = KerasEngine(threads)
    else:
        from probes.engine_torch import PRIMARY, TorchEngine

        engine = TorchEngine(threads)
    engine.load(bundle, batch_size=64, compiled=False)
    if framework == "pytorch":
        optimizer = engine.optimizer
        step = optimizer.step

        def stamped_step(*args: object, **kwargs: object) -> object:
            out = step(*args, **kwargs)
            stamps.append(time.perf_counter())  # a step ends with its optimizer step
            return out

        optimizer.step = stamped_step
    engine.warmup(PRIMARY, 2.0)

    def window() -> list[float]:
        stamps.clear()
        start = time.perf_counter()
        engine.window(PRIMARY, steps)
        # The held fit() knows when its first batch began (after the switch into it).
        begun = getattr(engine, "stepping_from", None) or start
        times = [b - a for a, b in zip([begun, *stamps], stamps, strict=False)]
        return times[:steps]

    out: dict[str, list] = {f"{pause}/{kind}": [] for pause in PAUSES for kind in ("after", "next")}
    for rep in range(reps):
        pause = PAUSES[rep % len(PAUSES)]
        if pause == "busy":
            spin(pause_s)
        else:
            time.sleep(pause_s)
        out[f"{pause}/after"].append(window())
        out[f"{pause}/next"].append(window())
    engine.close()
    return {"framework": framework, "steps": out}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reps", type=int, default=10, help="pauses per process, kinds in turn")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--pause-s", type=float, default=2.5)
    parser.add_argument("--window-s", type=float, default=0.8)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", choices=FRAMEWORKS, help=argparse.SUPPRESS)
    parser.add_argument("--bundle", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.bundle, args.reps, args.steps, args.pause_s)))
        return
    from probe_common import fresh_rounds, machine_line

    from probes.bundle import write_bundle

    print(machine_line(), flush=True)
    print(f"{args.rounds} rounds of fresh processes, the reference CNN, {args.reps} pauses of "
          f"{args.pause_s} s each, windows of {args.steps} steps", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        bundle = write_bundle(Path(folder), workload="cnn", seed=0, cache_dir=None)

        def show(framework: str, run: dict) -> str:
            rates = {key: statistics.median(sum(w) / len(w) for w in windows)
                     for key, windows in run["steps"].items()}  # fmt: skip
            return "mean step " + ", ".join(f"{k} {v * 1e3:.2f} ms" for k, v in rates.items())

        runs = fresh_rounds(args.rounds, FRAMEWORKS,
                            lambda fw: [sys.executable, __file__, "--child", fw,
                                        "--bundle", str(bundle), "--reps", str(args.reps),
                                        "--steps", str(args.steps),
                                        "--pause-s", str(args.pause_s)],
                            show)  # fmt: skip
    print(
        f"\nsummary: median step time (ms) by position, over every window of every process; "
        f"'lost' is what steps 1-{FIRST} take beyond the next window's same steps"
    )
    summary: dict[str, dict] = {}
    for framework in FRAMEWORKS:
        for pause in PAUSES:
            after = [w for r in runs[framework] for w in r["steps"][f"{pause}/after"]]
            nxt = [w for r in runs[framework] for w in r["steps"][f"{pause}/next"]]
            first_after = [statistics.median(w[i] for w in after) for i in range(FIRST)]
            first_next = [statistics.median(w[i] for w in nxt) for i in range(FIRST)]
            tail_after = statistics.median(s for w in after for s in w[FIRST:])
            tail_next = statistics.median(s for w in nxt for s in w[FIRST:])
            lost = sum(first_after) - sum(first_next)
            # Each pause's window over the window straight after it: the whole cost, paired.
            ratio = statistics.median(sum(n) / sum(a) for a, n in zip(after, nxt, strict=True))
            summary[f"{framework}/{pause}"] = {
                "first_after_ms": [t * 1e3 for t in first_after],
                "first_next_ms": [t * 1e3 for t in first_next],
                "tail_after_ms": tail_after * 1e3, "tail_next_ms": tail_next * 1e3,
                "lost_ms": lost * 1e3, "share_of_window": lost / args.window_s,
                "after_rate_over_next": ratio,
            }  # fmt: skip
            print(
                f"  {framework:10s} after {pause} pause: "
                + " ".join(f"{t * 1e3:5.1f}" for t in first_after)
                + f" | rest {tail_after * 1e3:5.2f}"
            )
            print(
                f"  {'':10s} next window:      "
                + " ".join(f"{t * 1e3:5.1f}" for t in first_next)
                + f" | rest {tail_next * 1e3:5.2f}; lost {lost * 1e3:.1f} ms "
                f"= {lost / args.window_s:.1%} of a {args.window_s} s window; the "
                f"window after the pause ran {ratio:.3f} of the next's rate"
            )
    if args.json:
        report = {"machine": machine_line(), "args": vars(args), "summary": summary, "runs": runs}
        args.json.write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
