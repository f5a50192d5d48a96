"""A busy neighbour beside the probe: is any training ratio scored that a quiet run disowns?

Issue 21's case: another process holds a core while the probe runs. PyTorch's OpenMP pool
fell tenfold, TensorFlow's barely moved, and the probe scored a ratio whose interval did not
overlap a quiet run's. Each cycle here is

    quiet probe, hog probe (busy loops pinned to the probe's CPUs), quiet probe ...

and every hog probe is checked against the quiet probes on either side of it: each framework
must be either measured or reported "not measured: the machine was busy", and a training
ratio that is scored (formed, its interval excluding 1) must have an interval containing the
quiet runs' ratio. The target: no hog run scores a ratio that excludes it.

    python bench/probe_hog.py [--cycles 3] [--hogs 1] [--quick] [--workload cnn] [--json FILE]

Run it on an otherwise quiet machine: the quiet runs are the reference. About 2 x 65 s per
cycle (2 x 30 s with --quick), plus a last quiet run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from probe_common import machine_line, timed_run

from probes import ProbeSettings


def start_hogs(n: int) -> list[subprocess.Popen]:
    """``n`` busy loops, each pinned to one of this process's CPUs (the probe's)."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    hogs = []
    for i in range(n):
        proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        if cpus:
            os.sched_setaffinity(proc.pid, {cpus[i % len(cpus)]})
        hogs.append(proc)
    return hogs


def stop(hogs: list[subprocess.Popen]) -> None:
    for proc in hogs:
        proc.kill()
        proc.wait()


def summary(result: dict) -> dict:
    """What a run says: each framework's status and disturbance, the training ratio."""
    frameworks = {}
    for fw, e in result["frameworks"].items():
        d = e.get("disturbance") or {}
        frameworks[fw] = {"status": e["status"], "busy": bool(d.get("busy")),
                          "disturbed": f"{d.get('disturbed', 0)}/{d.get('windows', 0)}",
                          "others_cores": d.get("others_cores"),
                          "median": (e.get("train_samples_per_s") or {}).get("median")}  # fmt: skip
    train = result["ratios"]["train"]
    return {"frameworks": frameworks, "ratio": train.get("estimate"), "ci95": train.get("ci95"),
            "reason": train.get("reason")}  # fmt: skip


def scored(run: dict) -> bool:
    """A ratio that earns points: formed, with an interval that excludes 1."""
    ci = run["ci95"]
    return run["ratio"] is not None and ci is not None and not ci[0] <= 1.0 <= ci[1]


def line(kind: str, run: dict, wall: float) -> str:
    fws = ", ".join(
        f"{fw} {f['status']}{' (busy)' if f['busy'] else ''} {f['disturbed']} disturbed, others "
        f"{(f['others_cores'] or 0):.2f} cores, median {(f['median'] or 0):,.0f}"
        for fw, f in run["frameworks"].items())  # fmt: skip
    if run["ratio"] is None:
        ratio = f"ratio not formed ({(run['reason'] or '')[:60]})"
    else:
        lo, hi = run["ci95"] or (run["ratio"], run["ratio"])
        ratio = f"ratio {run['ratio']:.3f} [{lo:.3f}, {hi:.3f}]{' scored' if scored(run) else ''}"
    return f"  {kind:5s} {ratio}; {fws}; wall {wall:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--hogs", type=int, default=1, help="busy loops (1: one core held)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workload", default="cnn")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(machine_line(), flush=True)
    settings = ProbeSettings(quick=args.quick, workloads=(args.workload,))
    print(f"{args.cycles} cycles of quiet probe, probe beside {args.hogs} busy loop(s); "
          f"{'--quick' if args.quick else 'default'} probes of the {args.workload} workload",
          flush=True)  # fmt: skip
    quiet: list[dict] = []
    hogged: list[dict] = []

    def quiet_run() -> None:
        result, wall, _ = timed_run(settings)
        quiet.append(summary(result))
        print(line("quiet", quiet[-1], wall), flush=True)

    for _ in range(args.cycles):
        quiet_run()
        hogs = start_hogs(args.hogs)
        try:
            result, wall, _ = timed_run(settings)
        finally:
            stop(hogs)
        hogged.append(summary(result))
        print(line("hog", hogged[-1], wall), flush=True)
    quiet_run()

    excluded = busy = measured = 0
    for i, run in enumerate(hogged):
        around = [r["ratio"] for r in (quiet[i], quiet[i + 1]) if r["ratio"] is not None]
        busy += any(f["busy"] for f in run["frameworks"].values())
        if run["ratio"] is not None:
            measured += 1
        if scored(run) and around:
            lo, hi = run["ci95"]
            reference = statistics.median(around)
            excluded += not lo <= reference <= hi
    print(f"\nhog runs: {len(hogged)}; a framework reported busy in {busy}; a ratio formed in "
          f"{measured}; a scored ratio whose interval excludes the quiet runs' ratio: "
          f"{excluded} (target 0)")  # fmt: skip
    quiet_ratios = [r["ratio"] for r in quiet if r["ratio"] is not None]
    if quiet_ratios:
        print(f"quiet runs' ratios: {', '.join(f'{r:.3f}' for r in quiet_ratios)}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine_line(), "quiet": quiet,
                                         "hog": hogged, "excluded": excluded}, indent=2))


if __name__ == "__main__":
    main()
