"""Figures that hold from one run to the next: N default probes, each against a plain long
run of its own.

Issue 19's target: in ten default probes on a quiet machine, no framework's figure is off by
more than 20 % from a plain long run (a user's script, bench/plain/*.py, which shares no code
with the probes). Each run here is

    plain A, plain B, ..., (the default probe), ..., plain B, plain A

with --plain-processes fresh plain processes per framework of --plain-seconds each, half of
them before the probe and half after in mirrored order (which cancels the machine's drift),
and A and B the two frameworks, the first alternating between runs. The plain figure of a run
is the geometric mean of its processes: fresh processes of the same PyTorch script land up to
1.6x apart here (glibc's allocator state, docs/probes.md), so a reference of one or two
processes is itself off by as much as the probe may be. Six of 20 s rather than four of 30 s
since 2026-12-06: the same two minutes of plain script per framework, and a reference whose
own spread (the processes' spread over the square root of their number) is a fifth smaller.
Per run it prints each framework's probe ÷ plain, whether it is off by more than 20 %, the
spread the probe saw between its worker processes and the spread between the plain processes;
the summary also sets each probe against the plain processes of the whole set pooled.

    python bench/probe_repeat.py [--runs 10] [--plain-processes 6] [--plain-seconds 20]
                                 [--workload cnn] [--json F]

About 7 minutes a run with the defaults (twelve 20 s plain processes, the Keras ones training
whole epochs, and a 65 s probe).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from pathlib import Path

from probe_accuracy import PLAIN, plain_extra, plain_window, probe
from probe_common import machine_line

FRAMEWORKS = ("pytorch", "tensorflow")
OFF_BY = 0.20


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def steal_seconds() -> float | None:
    """The hypervisor's steal time so far, all CPUs, in seconds (None where the kernel does
    not report it): a cloud VM's neighbours take it from every process alike, so a run
    whose probe or plain processes were slowed by them shows it here."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def stolen(before: float | None, seconds: float) -> float | None:
    """Cores' worth of steal since ``before``, over ``seconds`` of wall time."""
    after = steal_seconds()
    return None if before is None or after is None else (after - before) / seconds


def one_run(i: int, args: argparse.Namespace) -> dict:
    a, b = FRAMEWORKS if i % 2 == 0 else FRAMEWORKS[::-1]
    plain: dict[str, list[float]] = {fw: [] for fw in FRAMEWORKS}
    reports: dict[str, list[dict]] = {fw: [] for fw in FRAMEWORKS}

    def half(fw: str) -> None:
        at, steal = time.monotonic(), steal_seconds()
        report = plain_window(args.workload, fw, args.plain_seconds, args.threads, False)
        report["steal_cores"] = stolen(steal, time.monotonic() - at)
        plain[fw].append(report["samples_per_s"])
        reports[fw].append(report)
        steal = report["steal_cores"]
        said = [f"{report['cpus']:.2f} CPUs busy", plain_extra(report).strip(),
                f"steal {steal:.2f} cores" if steal is not None else ""]  # fmt: skip
        print(f"    plain {fw:10s} {report['samples_per_s']:9,.0f} samples/s, "
              + ", ".join(x for x in said if x), flush=True)  # fmt: skip

    for _ in range(args.plain_processes // 2):
        half(a)
        half(b)
    steal = steal_seconds()
    result = probe(args.workload)
    probe_steal = stolen(steal, result["_wall_s"])
    for _ in range(args.plain_processes // 2):
        half(b)
        half(a)
    run: dict = {"plain": plain, "plain_reports": reports, "probe": {}, "wall_s": result["_wall_s"],
                 "steal_cores": probe_steal}
    for fw in FRAMEWORKS:
        e = result["frameworks"][fw]
        if e["status"] != "ok":
            run["probe"][fw] = {"status": e["status"], "message": e["message"]}
            continue
        run["probe"][fw] = {
            "status": "ok",
            "median": e["train_samples_per_s"]["median"],
            "processes": [p["median"] for p in e.get("processes") or []],
            "process_spread": e.get("process_spread"),
            # What the probe saw of other processes and steal in its own windows.
            "disturbance": e.get("disturbance"),
        }
    run["ratio"] = result["ratios"]["train"]
    return run


def report(i: int, run: dict) -> None:
    parts = []
    for fw in FRAMEWORKS:
        p = run["probe"][fw]
        if p["status"] != "ok":
            parts.append(f"{fw} not measured ({p['message'][:70]})")
            continue
        ratio = p["median"] / geometric_mean(run["plain"][fw])
        off = abs(ratio - 1.0) > OFF_BY
        procs = " / ".join(f"{x:,.0f}" for x in p["processes"])
        spread = f", its processes {p['process_spread']:.2f}x apart ({procs})" \
            if p["process_spread"] else ""
        plain = run["plain"][fw]
        parts.append(f"{fw} probe/plain {ratio:.3f}{' OFF' if off else ''}{spread}, plain "
                     f"processes {max(plain) / min(plain):.2f}x apart")  # fmt: skip
    steal = run.get("steal_cores")
    print(f"  run {i + 1}: " + "; ".join(parts) + f"; wall {run['wall_s']:.0f} s"
          + (f", steal {steal:.2f} cores during the probe" if steal is not None else ""),
          flush=True)  # fmt: skip


def summarise(runs: list[dict]) -> None:
    print("\nsummary")
    for fw in FRAMEWORKS:
        ratios = [r["probe"][fw]["median"] / geometric_mean(r["plain"][fw])
                  for r in runs if r["probe"][fw]["status"] == "ok"]  # fmt: skip
        spreads = [r["probe"][fw]["process_spread"] for r in runs
                   if r["probe"][fw]["status"] == "ok" and r["probe"][fw]["process_spread"]]
        not_measured = len(runs) - len(ratios)
        off = sum(abs(x - 1.0) > OFF_BY for x in ratios)
        if ratios:
            print(f"  {fw:10s} probe/plain: median {statistics.median(ratios):.3f}, range "
                  f"{min(ratios):.3f}-{max(ratios):.3f}; off by more than {OFF_BY:.0%}: {off} of "
                  f"{len(ratios)} (target 0); not measured: {not_measured}")  # fmt: skip
        pooled = geometric_mean([v for r in runs for v in r["plain"][fw]])
        against_pooled = [r["probe"][fw]["median"] / pooled
                          for r in runs if r["probe"][fw]["status"] == "ok"]  # fmt: skip
        if against_pooled:
            print(f"  {fw:10s} probe/pooled plain ({pooled:,.0f}): range "
                  f"{min(against_pooled):.3f}-{max(against_pooled):.3f}; off by more than "
                  f"{OFF_BY:.0%}: {sum(abs(x - 1.0) > OFF_BY for x in against_pooled)}")
        plain_spreads = [max(r["plain"][fw]) / min(r["plain"][fw]) for r in runs]
        print(f"  {fw:10s} spread between a run's plain processes: median "
              f"{statistics.median(plain_spreads):.3f}x, largest {max(plain_spreads):.3f}x")
        if spreads:
            print(f"  {fw:10s} between-process spread: median {statistics.median(spreads):.3f}x, "
                  f"largest {max(spreads):.3f}x")  # fmt: skip
    plain_ratio = [geometric_mean(r["plain"]["pytorch"]) / geometric_mean(r["plain"]["tensorflow"])
                   for r in runs]  # fmt: skip
    covered = [r["ratio"]["ci95"][0] <= pr <= r["ratio"]["ci95"][1]
               for r, pr in zip(runs, plain_ratio, strict=True)
               if r["ratio"].get("ci95")]  # fmt: skip
    print(f"  training ratio: the probe's interval covers its own run's plain ratio in "
          f"{sum(covered)} of {len(covered)} runs")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--plain-processes", type=int, default=6,
                        help="plain processes per framework and run (even)")
    parser.add_argument("--plain-seconds", type=float, default=20.0,
                        help="each plain process")
    parser.add_argument("--workload", default="cnn", choices=sorted(PLAIN))
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.plain_processes < 2 or args.plain_processes % 2:
        parser.error("--plain-processes must be an even number, at least 2")
    print(machine_line(), flush=True)
    print(f"{args.runs} default probes of the {args.workload} workload, each between "
          f"{args.plain_processes} plain processes per framework of {args.plain_seconds:g} s "
          "(A B ..., probe, ... B A)", flush=True)  # fmt: skip
    runs = []
    for i in range(args.runs):
        runs.append(one_run(i, args))
        report(i, runs[-1])
    summarise(runs)
    if args.json:
        settings = {k: v for k, v in vars(args).items() if k != "json"}
        args.json.write_text(json.dumps({"machine": machine_line(), "args": settings, "runs": runs},
                                        indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
