"""A/A test: one framework (PyTorch by default) against itself in both slots, with real
workers at --quick, each slot its own fresh processes (two, one after the other, as in every
probe); the 95 % interval of the paired ratio, computed as the probe computes it, should
contain 1 in about 95 % of runs (at least 90 % is the target; a steady miss means the order,
the gaps or drift bias one slot). Windows another process disturbed are left out as the
probe leaves them out.

    python bench/probe_aa.py [--runs N] [--budget S] [--processes 2]
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

from probe_common import machine_line, timed_run

from probes import ProbeSettings
from probes.report import paired
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
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--setting", nargs="*", default=[],
                        help="variables both workers start with, e.g. MALLOC_TRIM_THRESHOLD_=...")
    args = parser.parse_args()
    print(machine_line())
    tuned = any(v.startswith(("MALLOC_", "LD_PRELOAD")) for v in args.setting)
    term = pair_sd((args.framework, tuned), (args.framework, tuned))
    covered, covered_windows, widths, busy = 0, 0, [], []
    for i in range(args.runs):
        settings = ProbeSettings(quick=True, budget_s=args.budget, seed=i,
                                 processes=args.processes)  # fmt: skip
        _, wall, runner = timed_run(settings, launcher=both_slots(args.framework, args.setting))
        # Both slots run args.framework: name them so, and the probe computes the interval.
        a, b = (replace(runner.records[fw].paths[0], framework=args.framework)
                for fw in ("pytorch", "tensorflow"))  # fmt: skip
        windows_only = paired_by_round(a.clean, b.clean)
        est = paired(a, b)  # the probe's own interval
        if est is None or est.ci95 is None or windows_only is None or windows_only.ci95 is None:
            busy.append(i + 1)
            print(f"run {i + 1:2d}: fewer than two undisturbed pairs ({len(a.disturbed)} and "
                  f"{len(b.disturbed)} windows disturbed); left out", flush=True)  # fmt: skip
            continue
        lo, hi = est.ci95
        covered += lo <= 1.0 <= hi
        covered_windows += windows_only.ci95[0] <= 1.0 <= windows_only.ci95[1]
        widths.append(est.half_width)
        print(f"run {i + 1:2d}: A/A ratio {est.estimate:.3f} [{lo:.3f}, {hi:.3f}], "
              f"{est.pairs} pairs, contains 1: {lo <= 1.0 <= hi}, wall {wall:.1f} s, "
              f"load {os.getloadavg()[0]:.2f}",
              flush=True)  # fmt: skip
    runs = args.runs - len(busy)
    if not widths:
        print("no run had two undisturbed pairs: measure on a quieter machine")
        return
    widths.sort()
    half = widths[len(widths) // 2]
    print(f"the probe's interval (one process's term {term:.3f}) contained 1 in "
          f"{covered}/{runs} runs ({covered / runs:.0%}), median half-width "
          f"{half:.1%}; the windows' t-interval alone in {covered_windows}/{runs}"
          + (f"; {len(busy)} run(s) left out, disturbed" if busy else ""))


if __name__ == "__main__":
    main()
