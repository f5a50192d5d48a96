"""Achieved FLOP/s of each training path against this machine's measured fp32
matrix-multiply peak (the same figure the probe report shows as 'efficiency').

    python bench/probe_efficiency.py [--budget S]
"""

from __future__ import annotations

import argparse

from probe_common import machine_line, timed_run

from probes import ProbeSettings, flops


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=20.0)
    args = parser.parse_args()
    print(machine_line())
    result, _, _ = timed_run(ProbeSettings(budget_s=args.budget))
    peaks = result["machine"]["matmul_peak_gflops"]
    print(f"matmul peak (fp32, best of the frameworks' own matmuls): {peaks} GFLOP/s; "
          f"training FLOPs per sample {flops.TRAIN:,}")
    for fw, entry in result["frameworks"].items():
        print(f"{fw}: own matmul {entry.get('matmul_gflops')} GFLOP/s")
        for path, e in [(entry.get("path"), entry), *(entry.get("variants") or {}).items()]:
            t = e.get("train_samples_per_s")
            if not t:
                continue
            achieved = t["median"] * flops.TRAIN / 1e9
            print(f"  {path}: {t['median']:,.0f} samples/s = {achieved:.1f} GFLOP/s "
                  f"= {e.get('efficiency_pct')} % of peak")


if __name__ == "__main__":
    main()
