"""A/A test: PyTorch against itself in both slots; its 95 % interval should contain 1 in
about 95 % of runs (a steady miss means the order or the gaps bias one slot).

    python bench/probe_aa.py [--runs N] [--budget S]
"""

from __future__ import annotations

import argparse
import sys

from probe_common import machine_line, timed_run

from probes import ProbeSettings
from probes.stats import paired_log_ratio


def both_slots_pytorch(framework: str, threads: int) -> list[str]:
    return [sys.executable, "-m", "probes.worker", "--framework", "pytorch",
            "--threads", str(threads)]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=10.0)
    args = parser.parse_args()
    print(machine_line())
    covered = 0
    for i in range(args.runs):
        _, _, runner = timed_run(ProbeSettings(budget_s=args.budget, seed=i),
                                 launcher=both_slots_pytorch)  # fmt: skip
        a, b = (runner.records[fw].paths[0].windows for fw in ("pytorch", "tensorflow"))
        rounds = sorted(set(a) & set(b))
        est = paired_log_ratio([a[k] for k in rounds], [b[k] for k in rounds])
        lo, hi = est.ci95
        covered += lo <= 1.0 <= hi
        print(f"run {i + 1}: A/A ratio {est.estimate:.3f} [{lo:.3f}, {hi:.3f}], "
              f"{est.pairs} pairs, contains 1: {lo <= 1.0 <= hi}")  # fmt: skip
    print(f"interval contained 1 in {covered}/{args.runs} runs")


if __name__ == "__main__":
    main()
