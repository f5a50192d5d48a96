"""A/A test: one framework (PyTorch by default) against itself in both slots, with real
workers at --quick, each slot its own fresh process; the 95 %
interval of the paired ratio should contain 1 in about 95 % of runs (at least 90 % is the
target; a steady miss means the order, the gaps or drift bias one slot).

    python bench/probe_aa.py [--runs N] [--budget S]
"""

from __future__ import annotations

import argparse
import os
import sys

from probe_common import machine_line, timed_run

from probes import ProbeSettings
from probes.spread import pair_sd
from probes.stats import paired_by_round


def both_slots(framework: str, setting: list[str]):
    """A launcher that starts `framework` in both slots (through `env` with a setting)."""

    def launch(_slot: str, threads: int) -> list[str]:
        prefix = ["env", *setting] if setting else []
        return [*prefix, sys.executable, "-m", "probes.worker", "--framework", framework,
                "--threads", str(threads)]  # fmt: skip

    return launch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget", type=float, help="seconds (default: --quick's)")
    parser.add_argument("--framework", choices=("pytorch", "tensorflow"), default="pytorch")
    parser.add_argument("--setting", nargs="*", default=[],
                        help="variables both workers start with, e.g. MALLOC_TRIM_THRESHOLD_=...")
    args = parser.parse_args()
    print(machine_line())
    tuned = any(v.startswith(("MALLOC_", "LD_PRELOAD")) for v in args.setting)
    term = pair_sd((args.framework, tuned), (args.framework, tuned))
    covered, covered_windows, widths = 0, 0, []
    for i in range(args.runs):
        settings = ProbeSettings(quick=True, budget_s=args.budget, seed=i)
        _, wall, runner = timed_run(settings, launcher=both_slots(args.framework, args.setting))
        a, b = (runner.records[fw].paths[0].windows for fw in ("pytorch", "tensorflow"))
        windows_only = paired_by_round(a, b)
        est = paired_by_round(a, b, term)  # the probe's own interval
        assert est is not None and est.ci95 is not None, "a run without paired windows"
        assert windows_only is not None and windows_only.ci95 is not None
        lo, hi = est.ci95
        covered += lo <= 1.0 <= hi
        covered_windows += windows_only.ci95[0] <= 1.0 <= windows_only.ci95[1]
        widths.append(est.half_width)
        print(f"run {i + 1:2d}: A/A ratio {est.estimate:.3f} [{lo:.3f}, {hi:.3f}], "
              f"{est.pairs} pairs, contains 1: {lo <= 1.0 <= hi}, wall {wall:.1f} s, "
              f"load {os.getloadavg()[0]:.2f}",
              flush=True)  # fmt: skip
    widths.sort()
    print(f"the probe's interval (process term {term:.3f}) contained 1 in {covered}/{args.runs} "
          f"runs ({covered / args.runs:.0%}), median half-width {widths[len(widths) // 2]:.1%}; "
          f"the windows' t-interval alone in {covered_windows}/{args.runs}")


if __name__ == "__main__":
    main()
