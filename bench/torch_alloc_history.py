"""How much a PyTorch CPU training loop's speed depends on what its process freed before.

glibc serves a request above its mmap threshold (128 KiB at first) with a fresh mapping and
unmaps it when freed; each free of such a block raises the threshold to that block's size (up
to 32 MiB), and the trim threshold to twice it (``man mallopt``, M_MMAP_THRESHOLD). So a
process that once freed a large block keeps its later tensors on the heap, and one that never
did maps, page-faults through and unmaps much of what each step allocates. Fresh processes of
one user's script, bench/plain/torch_cnn.py, started in turn, differing only in what the
process did before the script ran:

- ``script``: nothing;
- ``freed-4mb`` / ``freed-30mb``: made, used and dropped one NumPy array of that size, as a
  script that loads or preprocesses its data in memory does in passing;
- ``thresholds``: nothing, with glibc's thresholds fixed in the environment
  (``MALLOC_MMAP_THRESHOLD_`` and ``MALLOC_TRIM_THRESHOLD_`` at 256 MiB: the probe's tuned
  state, and the setting its advice names).

Prints each process's samples per second and minor page faults per step, then the medians.
It shares no code with the advisor's probes.

    python bench/torch_alloc_history.py [--rounds 3] [--seconds 15] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import statistics
import sys
from pathlib import Path

MODES = ("script", "freed-4mb", "freed-30mb", "thresholds")
THRESHOLDS = {"MALLOC_MMAP_THRESHOLD_": "268435456", "MALLOC_TRIM_THRESHOLD_": "268435456"}
SCRIPT = Path(__file__).resolve().parent / "plain" / "torch_cnn.py"


def child(mode: str, seconds: float) -> None:
    """In this process: what the mode does first, then the plain script (which prints)."""
    if mode.startswith("freed-"):
        import numpy as np

        megabytes = int(mode.removeprefix("freed-").removesuffix("mb"))
        np.ones(megabytes * 2**20 // 8).sum()  # made, used and dropped
    sys.argv = [str(SCRIPT), "--seconds", str(seconds)]
    runpy.run_path(str(SCRIPT), run_name="__main__")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.seconds)
        return
    from probe_common import fresh_rounds, machine_line

    print(machine_line(), flush=True)
    print(f"{args.rounds} rounds of fresh processes of bench/plain/torch_cnn.py, "
          f"{args.seconds:g} s each", flush=True)  # fmt: skip
    base = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    runs = fresh_rounds(
        args.rounds, MODES,
        lambda mode: [sys.executable, __file__, "--child", mode, "--seconds", str(args.seconds)],
        lambda mode, run: (f"{run['samples_per_s']:7,.0f} samples/s, "
                           f"{run['faults_per_step']:7,.0f} page faults per step"),
        env=lambda mode: {**base, **(THRESHOLDS if mode == "thresholds" else {})},
    )  # fmt: skip
    print("\nsummary: medians")
    script = statistics.median(r["samples_per_s"] for r in runs["script"])
    for mode in MODES:
        rate = statistics.median(r["samples_per_s"] for r in runs[mode])
        faults = statistics.median(r["faults_per_step"] for r in runs[mode])
        print(f"  {mode:11s} {rate:7,.0f} samples/s ({rate / script:.2f}x the script), "
              f"{faults:7,.0f} page faults per step")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine_line(), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
