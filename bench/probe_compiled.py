"""Compiled modes: torch.compile and Keras jit_compile (XLA) against the eager paths, with
compile time reported apart.

    python bench/probe_compiled.py [--budget S]
"""

from __future__ import annotations

import argparse

from probe_common import machine_line, timed_run

from probes import ProbeSettings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=30.0)
    args = parser.parse_args()
    print(machine_line())
    result, wall, _ = timed_run(ProbeSettings(budget_s=args.budget, compiled=True))
    print(f"wall {wall:.0f} s")
    for fw, entry in result["frameworks"].items():
        for path, e in [(entry.get("path"), entry), *(entry.get("variants") or {}).items()]:
            t = e.get("train_samples_per_s") or {}
            print(f"{fw} {path}: status {e.get('status')}, first step {e.get('first_step_s')} s, "
                  f"compile {e.get('compile_s')} s, median {t.get('median', 0):,.0f} samples/s "
                  f"{e.get('message') or ''}")  # fmt: skip


if __name__ == "__main__":
    main()
