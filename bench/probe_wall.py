"""Wall time of whole probe runs (imports included) and how closely --budget is honoured.

    python bench/probe_wall.py [--repeats N] [--only default quick ...]

Targets: a default run <= 75 s (aim 60 s) for every workload, --quick <= 30 s, timed phases
within 10 % of --budget from 10 s up. Without --budget a run aims at a wall-clock target and
the timed phases get what is left of it, after what starting the later worker processes
will take (estimated from the first ones), so "budget" below is the one the run settled on;
"restart" is what starting them took in all, against the estimate the budget set aside for
each; "processes" how many each framework ran in (three where the wall target leaves room).
"""

from __future__ import annotations

import argparse

from probe_common import machine_line, med, timed_run

from probes import ProbeSettings

CASES = [
    ("default", ProbeSettings()),
    ("--quick", ProbeSettings(quick=True)),
    ("--budget 10", ProbeSettings(budget_s=10)),
    ("--budget 20", ProbeSettings(budget_s=20)),
    *[(f"{w} default", ProbeSettings(workloads=(w,))) for w in ("transformer", "rnn", "mlp")],
    *[(f"{w} --quick", ProbeSettings(workloads=(w,), quick=True))
      for w in ("transformer", "rnn", "mlp")],
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--only", nargs="+", metavar="CASE",
                        choices=[name.lstrip("-") for name, _ in CASES],
                        help="measure only these cases (as printed, without leading dashes: "
                        "default, quick, 'budget 10', 'rnn --quick', ...)")
    args = parser.parse_args()
    print(machine_line())
    print(f"{'case':20s} {'wall s':>8s} {'timed s':>8s} {'budget s':>8s} {'timed/budget':>12s}"
          f" {'processes':>9s} {'restart s':>9s} {'estimate':>8s}  stopped")  # fmt: skip
    for name, settings in CASES:
        if args.only and name.lstrip("-") not in args.only:
            continue
        walls, timed, stopped, budgets, restarts, estimates = [], [], [], [], [], []
        processes: list[int] = []
        for _ in range(args.repeats):
            result, wall, _ = timed_run(settings)
            probe = result["machine"]["probe"]
            walls.append(wall)
            timed.append(probe["timed_s"])
            stopped.append(probe["stopped"])
            budgets.append(probe["budget_s"])
            processes.append(probe["processes"])
            restarts.append(sum(probe["restart_s"]))
            estimates.append(probe["restart_estimate_s"])
        budget = med(budgets)
        print(f"{name:20s} {med(walls):8.1f} {med(timed):8.1f} {budget:8.1f} "
              f"{med(timed) / budget:12.2f} {'/'.join(map(str, processes)):>9s} "
              f"{med(restarts):9.1f} {med(estimates):8.1f}  "
              f"{'; '.join(stopped)}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
