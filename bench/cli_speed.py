"""How long `advisor --answers FILE --no-probe --format json` takes, end to end (target: ≤ 0.5 s).

Runs the real command as a user would (a fresh interpreter each time), discards one warm-up
run, and reports the median and quartiles of the rest. Usage:
    python bench/cli_speed.py [--runs 15]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.5


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    command = [
        sys.executable,
        "-m",
        "advisor",
        "--answers",
        str(ROOT / "examples/android-app.yaml"),
        "--no-probe",
        "--format",
        "json",
    ]
    times = []
    for i in range(args.runs + 1):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        if i:  # the first run warms the OS file cache and byte-code cache
            times.append(time.perf_counter() - start)
    q1, median, q3 = statistics.quantiles(times, n=4)
    import os

    print(
        f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}"
    )
    print(
        f"advisor --answers … --no-probe --format json: median {median:.3f} s "
        f"(IQR {q1:.3f}–{q3:.3f} s, {args.runs} runs); target ≤ {TARGET_S} s: "
        f"{'met' if median <= TARGET_S else 'NOT met'}"
    )
    return 0 if median <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
