"""Does a Keras fit() run slower in a thread of its own than in the main thread? The probe's
Keras paths hold one long fit() in a thread (probes/keras_fit.py, ``HeldFit``) while the
worker's main thread serves the runner; a user's script calls fit() in the main thread.

Alternating fresh processes of a user's Keras 3 script (bench/plain/keras3_*.py), one with
its timed fit() in the main thread and one with ``--fit-in-thread``, the first alternating
between pairs; prints each, then the medians and the median of the per-pair ratios.

    python bench/fit_in_thread.py [--pairs 6] [--workload transformer] [--backend torch]
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


def one(args: argparse.Namespace, in_thread: bool) -> float:
    script = ROOT / "bench" / "plain" / SCRIPTS[args.workload]
    out = subprocess.run([sys.executable, str(script), "--backend", args.backend,
                          "--seconds", str(args.seconds),
                          *(["--fit-in-thread"] if in_thread else [])],
                         capture_output=True, text=True, check=True)  # fmt: skip
    rate = float(json.loads(out.stdout.strip().splitlines()[-1])["samples_per_s"])
    print(f"  {'thread' if in_thread else 'main  '} {rate:9,.1f} samples/s", flush=True)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--workload", default="transformer", choices=sorted(SCRIPTS))
    parser.add_argument("--backend", default="torch", choices=("torch", "jax", "tensorflow"))
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(machine_line(), flush=True)
    print(f"{args.pairs} pairs, Keras 3 {args.workload} on {args.backend}, {args.seconds:g} s "
          "timed fit() each, fresh processes", flush=True)  # fmt: skip
    main_rates, thread_rates = [], []
    for i in range(args.pairs):
        order = (False, True) if i % 2 == 0 else (True, False)
        for in_thread in order:
            (thread_rates if in_thread else main_rates).append(one(args, in_thread))
    ratios = [t / m for t, m in zip(thread_rates, main_rates, strict=True)]
    print(f"main thread median {statistics.median(main_rates):,.1f}, own thread median "
          f"{statistics.median(thread_rates):,.1f}; thread / main per pair: median "
          f"{statistics.median(ratios):.3f}, range {min(ratios):.3f}-{max(ratios):.3f}, "
          f"below 1 in {sum(r < 1 for r in ratios)} of {len(ratios)}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"machine": machine_line(), "args": vars(args) | {
            "json": str(args.json)}, "main": main_rates, "thread": thread_rates}, indent=2))


if __name__ == "__main__":
    main()
