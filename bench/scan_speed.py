"""How fast `scan_project` reads real repositories (targets: a 20,000-file repository in under
10 s, a 1,000-file one in under 1 s), and how much memory it holds.

Each scan runs in a fresh interpreter (so that one repository's peak RSS is not another's),
after one warm-up run that fills the OS file cache; the wall time is the median of the runs.
The repositories are given as paths (bring them onto the machine yourself; record the commit).
Usage:
    python bench/scan_speed.py [--runs 5] PATH [PATH ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Generous limits: the benchmark measures the scan, not where the defaults would stop it.
WORKER = """
import json, resource, sys, time
from advisor.scan import Limits, scan_project
start = time.perf_counter()
scan = scan_project(sys.argv[1], limits=Limits(max_files=1_000_000,
                    max_file_bytes=10 * 1024 * 1024, max_seconds=600))
wall = time.perf_counter() - start
# The largest process: this one, or a parsing worker (forked from it, so sharing its pages).
peak = max(resource.getrusage(who).ru_maxrss
           for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
peak_mb = peak / 1024 / (1024 if sys.platform == "darwin" else 1)
from advisor.scan.workers import worker_count
print(json.dumps({"wall": wall, "files": scan.files_seen, "read": scan.files_read,
                  "bytes": scan.bytes_read, "complete": scan.complete, "peak_mb": peak_mb,
                  "workers": worker_count()}))
"""
BASELINE = """
import json, resource, sys
import advisor.scan.engine
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_mb": peak / 1024 / (1024 if sys.platform == "darwin" else 1)}))
"""


def target_s(files: int) -> float | None:
    """The issue's targets, interpolated linearly between its two points (and beyond them)."""
    if files <= 0:
        return None
    return max(1.0, 1.0 + (files - 1_000) * (10.0 - 1.0) / (20_000 - 1_000))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True,
                         text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per repository")
    parser.add_argument("paths", nargs="+", metavar="PATH")
    args = parser.parse_args()
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, "
          f"Python {platform.python_version()}")
    baseline = run(BASELINE)["peak_mb"]
    print(f"interpreter with the scan imported: {baseline:.0f} MB peak RSS; peak MB below is "
          "the largest process (the scan, or one of its parsing workers)")
    print(f"{'repository':<40} {'files':>8} {'read':>7} {'MB read':>8} {'wall s':>8} "
          f"{'IQR s':>13} {'files/s':>9} {'peak MB':>8}  target")
    missed = 0
    for path in args.paths:
        run(WORKER, path)  # warm-up: the OS file cache
        results = [run(WORKER, path) for _ in range(args.runs)]
        walls = sorted(r["wall"] for r in results)
        median = statistics.median(walls)
        q1, _, q3 = statistics.quantiles(walls, n=4) if len(walls) > 1 else (median,) * 3
        last = results[-1]
        goal = target_s(last["files"])
        met = goal is not None and median <= goal
        missed += not met
        name = Path(path).resolve().name[:40]
        print(f"{name:<40} {last['files']:>8,} {last['read']:>7,} {last['bytes'] / 1e6:>8.1f} "
              f"{median:>8.2f} {q1:>6.2f}–{q3:<6.2f} {last['files'] / median:>9,.0f} "
              f"{max(r['peak_mb'] for r in results):>8.0f}  "
              f"≤ {goal:.1f} s {'met' if met else 'NOT met'}"
              f"{'' if last['complete'] else ' (incomplete scan)'}"
              f" [{last['workers'] or 'no'} parsing workers]")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
