"""Wall time of whole probe runs (imports included) and how closely --budget is honoured.

    python bench/probe_wall.py [--repeats N]

Targets (issue 4): default run <= 75 s, --quick <= 30 s, timed phases within 10 % of
--budget from 10 s up.
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
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    print(machine_line())
    print(f"{'case':12s} {'wall s':>8s} {'timed s':>8s} {'budget s':>8s} {'timed/budget':>12s}"
          "  stopped")  # fmt: skip
    for name, settings in CASES:
        walls, timed, stopped = [], [], []
        for _ in range(args.repeats):
            result, wall, _ = timed_run(settings)
            walls.append(wall)
            timed.append(result["machine"]["probe"]["timed_s"])
            stopped.append(result["machine"]["probe"]["stopped"])
        budget = settings.effective_budget_s
        print(f"{name:12s} {med(walls):8.1f} {med(timed):8.1f} {budget:8.1f} "
              f"{med(timed) / budget:12.2f}  {'; '.join(stopped)}")  # fmt: skip


if __name__ == "__main__":
    main()
