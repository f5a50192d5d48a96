"""Record a real probe run's progress events and result for the app's tests.

    .venv/bin/python tests/tui/record_probe_run.py OUT.json [--quick] [--busy-share S]

Writes {"events": [...], "result": {...}}: every ``ProbeEvent`` as a dict, in order, and the
measurements dict. ``--busy-share`` raises the share of the cores other processes may use
before a window counts as disturbed (on a busy machine, to record a run that was measured:
probe-run-measured.json was recorded so, beside six other jobs, and its figures say so).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import probes.disturbance  # noqa: E402
from probes import ProbeEvent, ProbeSettings, run_probes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--busy-share", type=float)
    args = parser.parse_args()
    if args.busy_share is not None:
        probes.disturbance.BUSY_SHARE = args.busy_share
    events: list[ProbeEvent] = []
    result = run_probes(ProbeSettings(quick=args.quick), on_event=events.append)
    args.out.write_text(json.dumps({"events": [dataclasses.asdict(e) for e in events],
                                    "result": result}, indent=1) + "\n")  # fmt: skip
    print(f"{len(events)} events; " + ", ".join(
        f"{fw} {e['status']}" for fw, e in result["frameworks"].items()))


if __name__ == "__main__":
    main()
