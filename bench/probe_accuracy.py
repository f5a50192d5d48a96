"""Probe fidelity, checked against something that shares none of its code: plain training
scripts (bench/plain/*.py), one framework per process, in alternating windows of about
25 s (A B B A ...), before and after the default probes; then the same scripts with the
tuned allocator setting, against the probe's tuned state.

Targets (issue "measure what a user's own training script gets"): per framework the probe
within 10 % of the plain script (goal 5 %), and the probe's ratio on the same side of 1
whenever the plain scripts' gap exceeds 10 %.

    python bench/probe_accuracy.py [--windows 8] [--seconds 25] [--probes 3]
                                   [--tuned-windows 6] [--workload cnn] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from probe_common import machine_line

ROOT = Path(__file__).resolve().parent.parent
PLAIN = {
    "cnn": {"pytorch": "torch_cnn.py", "tensorflow": "keras_cnn.py"},
    "transformer": {"pytorch": "torch_transformer.py", "tensorflow": "keras_transformer.py"},
}
TUNED = {"MALLOC_MMAP_THRESHOLD_": "268435456", "MALLOC_TRIM_THRESHOLD_": "268435456"}


def load() -> float:
    return os.getloadavg()[0]


def plain_window(workload: str, fw: str, seconds: float, threads: int, tuned: bool) -> float:
    env = {**os.environ, **(TUNED if tuned else {})}
    for k in list(env):
        if not tuned and k in TUNED:
            del env[k]
    script = ROOT / "bench" / "plain" / PLAIN[workload][fw]
    out = subprocess.run([sys.executable, str(script), "--seconds", str(seconds),
                          "--threads", str(threads)], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    return float(json.loads(out.stdout.strip().splitlines()[-1])["samples_per_s"])


def plain_block(workload: str, windows: int, seconds: float, threads: int, tuned: bool,
                first: str) -> dict[str, list[float]]:  # fmt: skip
    """`windows` windows per framework, in mirrored pairs (A B B A ...)."""
    order = [first, "tensorflow" if first == "pytorch" else "pytorch"]
    got: dict[str, list[float]] = {"pytorch": [], "tensorflow": []}
    for r in range(windows):
        for fw in order if r % 2 == 0 else order[::-1]:
            rate = plain_window(workload, fw, seconds, threads, tuned)
            got[fw].append(rate)
            print(f"  plain {fw:10s} {'tuned' if tuned else 'default':7s} {rate:9,.0f} samples/s "
                  f"(load {load():.2f})", flush=True)  # fmt: skip
    return got


def probe(workload: str) -> dict:
    cmd = [sys.executable, "-m", "advisor", "probe", "--refresh", "--format", "json"]
    if workload != "cnn":
        cmd += ["--workload", workload]
    t = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.monotonic() - t
    if out.returncode not in (0, 3):
        raise SystemExit(out.stderr)
    result = json.loads(out.stdout)
    result["_wall_s"] = wall
    return result


def figures(result: dict) -> dict[str, float | None]:
    fw, ratios = result["frameworks"], result["ratios"]

    def tuned(name: str) -> float | None:
        for s in fw[name].get("sensitivity", []):
            if s["applies"] == "training" and s.get("train_samples_per_s"):
                return s["train_samples_per_s"]["median"]
        return None

    return {
        "pytorch": fw["pytorch"]["train_samples_per_s"]["median"],
        "tensorflow": fw["tensorflow"]["train_samples_per_s"]["median"],
        "ratio": ratios["train"]["estimate"],
        "pytorch_tuned": tuned("pytorch"),
        "tensorflow_tuned": tuned("tensorflow"),
        "wall_s": result["_wall_s"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--windows", type=int, default=8, help="plain windows per framework")
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--probes", type=int, default=3)
    parser.add_argument("--tuned-windows", type=int, default=6)
    parser.add_argument("--workload", default="cnn", choices=sorted(PLAIN))
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(machine_line(), flush=True)
    half = args.windows // 2
    print(f"plain scripts, out of the box, {half} windows each (before the probes)", flush=True)
    before = plain_block(args.workload, half, args.seconds, args.threads, False, "pytorch")
    probes = []
    for i in range(args.probes):
        result = probe(args.workload)
        probes.append(figures(result))
        f = probes[-1]
        print(f"  probe {i + 1}: pytorch {f['pytorch']:,.0f}, tensorflow {f['tensorflow']:,.0f}, "
              f"ratio {f['ratio']:.3f}, wall {f['wall_s']:.1f} s (load {load():.2f})",
              flush=True)  # fmt: skip
    print(f"plain scripts, out of the box, {args.windows - half} windows each (after)", flush=True)
    after = plain_block(args.workload, args.windows - half, args.seconds, args.threads, False,
                        "tensorflow")  # fmt: skip
    print(f"plain scripts with {' '.join(f'{k}={v}' for k, v in TUNED.items())}, "
          f"{args.tuned_windows} windows each", flush=True)  # fmt: skip
    tuned = plain_block(args.workload, args.tuned_windows, args.seconds, args.threads, True,
                        "pytorch")  # fmt: skip

    med = statistics.median
    rows = {}
    for fw in ("pytorch", "tensorflow"):
        plain = med(before[fw] + after[fw])
        prb = med([p[fw] for p in probes])
        plain_t = med(tuned[fw])
        prb_t = [p[f"{fw}_tuned"] for p in probes if p[f"{fw}_tuned"]]
        rows[fw] = {"plain": plain, "probe": prb, "probe/plain": prb / plain,
                    "plain_tuned": plain_t, "probe_tuned": med(prb_t) if prb_t else None,
                    "plain_speedup": plain_t / plain}  # fmt: skip
        if prb_t:
            rows[fw]["probe_tuned/plain_tuned"] = med(prb_t) / plain_t
            rows[fw]["probe_speedup"] = med(prb_t) / prb
    plain_ratio = rows["pytorch"]["plain"] / rows["tensorflow"]["plain"]
    probe_ratio = med([p["ratio"] for p in probes])
    print("\nsummary (medians)")
    for fw, row in rows.items():
        print(f"  {fw:10s} " + ", ".join(f"{k} {v:,.3f}" if v and v < 10 else f"{k} {v:,.0f}"
                                        for k, v in row.items() if v is not None))  # fmt: skip
    same_side = (plain_ratio > 1) == (probe_ratio > 1) or abs(plain_ratio - 1) <= 0.10
    print(f"  ratio pytorch/tensorflow: plain {plain_ratio:.3f}, probe {probe_ratio:.3f}, "
          f"same side of 1 (or plain gap <= 10 %): {same_side}")
    walls = ", ".join(f"{p['wall_s']:.1f}" for p in probes)
    print(f"  probe wall: {walls} s")
    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine_line(), "plain_before": before, "plain_after": after,
            "plain_tuned": tuned, "probes": probes, "rows": rows,
            "plain_ratio": plain_ratio, "probe_ratio": probe_ratio,
        }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
