"""Does a Keras fit() run slower off the main thread? A user's script calls fit() in the main
thread; the probe's Keras paths hold one long fit() between windows, once in a thread of its
own and now in a greenlet on the worker's main thread (probes/keras_fit.py, ``HeldFit``).

Rounds of fresh processes of a user's Keras 3 script (bench/plain/keras3_*.py), one per place
the timed fit() can run (``--fit-in main|thread|greenlet``), the order rotating between rounds;
prints each process's rate and the cores it kept busy, then the medians and the median of the
per-round ratios to the main thread.

    python bench/fit_in_thread.py [--rounds 6] [--workload transformer] [--backend torch]
                                  [--seconds 15] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from probe_common import machine_line

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = {"cnn": "keras3_cnn.py", "transformer": "keras3_transformer.py"}
PLACES = ("main", "thread", "greenlet")


def one(args: argparse.Namespace, place: str) -> dict:
    script = ROOT / "bench" / "plain" / SCRIPTS[args.workload]
    out = subprocess.run([sys.executable, str(script), "--backend", args.backend,
                          "--seconds", str(args.seconds), "--fit-in", place],
                         capture_output=True, text=True, check=True)  # fmt: skip
    run = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  {place:8} {run['samples_per_s']:9,.1f} samples/s, {run['cpus']:.2f} cores busy",
          flush=True)  # fmt: skip
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--workload", default="transformer", choices=sorted(SCRIPTS))
    parser.add_argument("--backend", default="torch", choices=("torch", "jax", "tensorflow"))
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(machine_line(), flush=True)
    print(f"{args.rounds} rounds, Keras 3 {args.workload} on {args.backend}, {args.seconds:g} s "
          "timed fit() each, fresh processes", flush=True)  # fmt: skip
    runs: dict[str, list[dict]] = {place: [] for place in PLACES}
    for i in range(args.rounds):
        for place in PLACES[i % 3:] + PLACES[: i % 3]:  # each place first in turn
            runs[place].append(one(args, place))
    rate = {p: [r["samples_per_s"] for r in runs[p]] for p in PLACES}
    for place in PLACES:
        busy = statistics.median(r["cpus"] for r in runs[place])
        line = (f"{place:8} median {statistics.median(rate[place]):9,.1f} samples/s, "
                f"{busy:.2f} cores")
        if place != "main":
            ratios = [x / m for x, m in zip(rate[place], rate["main"], strict=True)]
            line += (f"; / main per round: median {statistics.median(ratios):.3f}, range "
                     f"{min(ratios):.3f}-{max(ratios):.3f}, below 1 in "
                     f"{sum(r < 1 for r in ratios)} of {len(ratios)}")  # fmt: skip
        print(line)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine_line(), "args": vars(args) | {
            "json": str(args.json)}, "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
