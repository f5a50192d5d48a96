"""Probe accuracy: the default probe against a long steady-state run (alternating windows,
several minutes in all). Targets: per-framework throughput within 10 %, and the ratio on
the same side of 1 whenever the long run's gap exceeds 10 %.

    python bench/probe_accuracy.py [--long-budget S] [--probes N]
"""

from __future__ import annotations

import argparse

from probe_common import machine_line, med, timed_run

from probes import ProbeSettings


def figures(result: dict) -> dict[str, float]:
    fw = result["frameworks"]
    return {
        "pytorch": fw["pytorch"]["train_samples_per_s"]["median"],
        "keras-fit": fw["tensorflow"]["train_samples_per_s"]["median"],
        "tf-function": fw["tensorflow"]["variants"]["tf-function"]["train_samples_per_s"]["median"],
        "train": result["ratios"]["train"]["estimate"],
        "train_lean": result["ratios"]["train_lean"]["estimate"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--long-budget", type=float, default=300.0)
    parser.add_argument("--probes", type=int, default=3)
    args = parser.parse_args()
    print(machine_line())
    short = [figures(timed_run(ProbeSettings())[0]) for _ in range(args.probes)]
    # The runner caps rounds, so the long run gets long windows, not just more of them.
    long = figures(timed_run(ProbeSettings(budget_s=args.long_budget))[0])
    for key in long:
        probe = med([s[key] for s in short])
        print(f"{key:12s} probe median {probe:10.3f}  long run {long[key]:10.3f}  "
              f"probe/long {probe / long[key]:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
