"""Probe fidelity, checked against something that shares none of its code: plain training
scripts (bench/plain/*.py), one framework per process, as a user runs them.

The machine drifts by 15-25 % over minutes, so the plain scripts run *around* each probe,
not in blocks before and after all of them: each cycle is

    plain A, plain B, (the default probe), plain B, plain A, tuned A, tuned B

with A and B the two frameworks (the first alternating between cycles), and each probe is
compared with the plain windows of its own cycle. The figures quoted are medians over the
cycles of those per-cycle ratios.

Targets (issue "measure what a user's own training script gets"): per framework the probe
within 10 % of the plain script (goal 5 %), and the probe's ratio on the same side of 1
whenever the plain scripts' gap exceeds 10 %; the tuned states against the same scripts run
under the same setting; and (issue 19) each probe's tuned-speedup interval covering the
plain scripts' median speedup, for both frameworks. A probe that reports a framework not
measured (a busy machine) is listed and left out of the summary.

With ``--keras-backends torch[,jax]`` each cycle also runs a user's Keras 3 script on those
backends (bench/plain/keras3_*.py, ``KERAS_BACKEND`` set before Keras is imported) inside the
native windows (plain A, plain B, plain K, the probe, plain K, plain B, plain A) and asks the
probe for the same backends; each backend's probe figure is held against its plain script's,
and its ratio to native PyTorch against the plain scripts' ratio (the same side of 1, and
intervals that overlap).

    python bench/probe_accuracy.py [--cycles 3] [--seconds 30] [--workload cnn] [--json FILE]
                                   [--keras-backends torch,jax]
    python bench/probe_accuracy.py --combine run1.json run2.json   # the cycles of both, summarised
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from probe_common import machine_line

ROOT = Path(__file__).resolve().parent.parent
PLAIN = {
    "cnn": {"pytorch": "torch_cnn.py", "tensorflow": "keras_cnn.py"},
    "transformer": {"pytorch": "torch_transformer.py", "tensorflow": "keras_transformer.py"},
}
TUNED = {"MALLOC_MMAP_THRESHOLD_": "268435456", "MALLOC_TRIM_THRESHOLD_": "268435456"}
# A user's Keras 3 script on another backend: "keras-torch", "keras-jax" in the cycles.
KERAS3 = {"cnn": "keras3_cnn.py", "transformer": "keras3_transformer.py"}


ONE_CORE = 0.6  # a plain window whose CPU use is under this share of its threads used one


def load() -> float:
    return os.getloadavg()[0]


def plain_window(workload: str, fw: str, seconds: float, threads: int,
                 tuned: bool) -> dict:  # fmt: skip
    """A plain script's report: samples per second, the CPU seconds per second it used, and
    what each kind of script adds: the seconds a Keras fit() sat outside its epochs' batches
    (between epochs and before it returned, not in the rate: ``idle_s``, docs/probes.md), a
    PyTorch loop's minor page faults per step (``faults_per_step``)."""
    env = {**os.environ, **(TUNED if tuned else {})}
    for k in list(env):
        if not tuned and k in TUNED:
            del env[k]
    backend = fw.removeprefix("keras-") if fw.startswith("keras-") else None
    script = ROOT / "bench" / "plain" / (KERAS3[workload] if backend else PLAIN[workload][fw])
    out = subprocess.run([sys.executable, str(script), "--seconds", str(seconds),
                          "--threads", str(threads),
                          *(["--backend", backend] if backend else [])],
                         env=env, capture_output=True, text=True, check=True)  # fmt: skip
    report = json.loads(out.stdout.strip().splitlines()[-1])
    report["idle_s"] = report.get("epoch_gaps_s", 0.0) + report.get("fit_tail_s", 0.0)
    return report


def plain_extra(report: dict) -> str:
    """What a plain script's report says besides its rate: a Keras fit()'s idle seconds, a
    PyTorch loop's page faults per step."""
    if "faults_per_step" in report:
        return f"{report['faults_per_step']:,.0f} page faults per step "
    if report["idle_s"]:
        return f"{report['idle_s']:.1f} s idle around fit's batches "
    return ""


def probe(workload: str, backends: list[str] | None = None) -> dict:
    cmd = [sys.executable, "-m", "advisor", "probe", "--refresh", "--format", "json"]
    if workload != "cnn":
        cmd += ["--workload", workload]
    if backends:
        cmd += ["--keras-backends", ",".join(["tensorflow", *backends])]
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

    def speedup(name: str) -> list[float] | None:
        """The tuned state's speedup of the primary path: estimate, low, high."""
        for s in fw[name].get("sensitivity", []):
            sp = s.get("speedup")
            if s["applies"] == "training" and s["status"] == "ok" and sp and sp.get("ci95"):
                return [sp["estimate"], *sp["ci95"]]
        return None

    measured = all(fw[name]["status"] == "ok" for name in ("pytorch", "tensorflow"))
    backends = result.get("workloads", {}).get(result.get("workload", "cnn"), {}).get(
        "keras_backends", {})  # fmt: skip
    keras: dict[str, float | None] = {}
    for name, entry in backends.items():
        train = entry.get("train_samples_per_s") or {}
        keras[f"keras-{name}"] = train.get("median")
        keras[f"keras-{name}_ratio"] = (entry.get("ratios", {}).get("pytorch") or {}).get(
            "estimate")  # fmt: skip
    return {
        "measured": measured,
        "why": "; ".join(f"{n}: {e['message']}" for n, e in fw.items() if e["status"] != "ok"),
        "pytorch": fw["pytorch"]["train_samples_per_s"]["median"] if measured else None,
        "tensorflow": fw["tensorflow"]["train_samples_per_s"]["median"] if measured else None,
        "ratio": ratios["train"]["estimate"],
        "pytorch_tuned": tuned("pytorch"),
        "tensorflow_tuned": tuned("tensorflow"),
        "pytorch_speedup": speedup("pytorch"),
        "tensorflow_speedup": speedup("tensorflow"),
        "wall_s": result["_wall_s"],
        **keras,
    }


def pooled(cycles: list[dict], fw: str, key: str = "") -> dict[str, Any]:
    """The probe's median over all cycles against the plain scripts' median over all their
    windows, with a 95 % interval from resampling whole cycles (the machine drifts, so a
    cycle is the unit that is independent). A probe worker and a plain process are each one
    draw from how fast a fresh process runs here, which is what this compares; the per-cycle
    ratios compare one draw with two and scatter by the between-process spread."""
    med = statistics.median

    def ratio(cs: list[dict]) -> float:
        probe = [c["probe"][f"{fw}{key}"] for c in cs]
        plain = [r for c in cs for r in ([c["tuned"][fw]] if key else c["plain"][fw])]
        return med(probe) / med(plain)

    rng = random.Random(0)
    boot = sorted(ratio([rng.choice(cycles) for _ in cycles]) for _ in range(2000))
    return {"estimate": ratio(cycles), "ci95": [boot[49], boot[1949]]}


def _speedup(s: list[float] | None) -> str:
    return "–" if s is None else f"{s[0]:.2f}x [{s[1]:.2f}, {s[2]:.2f}]"


def run(args: argparse.Namespace) -> list[dict]:
    """The cycles: plain windows around a default probe, then the tuned plain windows."""
    print(f"{args.cycles} cycles: plain A B, probe, plain B A, tuned A B; {args.seconds:g} s "
          f"plain windows; workload {args.workload}", flush=True)  # fmt: skip
    frameworks = ["pytorch", "tensorflow"]
    keras = [f"keras-{b}" for b in args.keras_backends]
    cycles = []
    for c in range(args.cycles):
        a, b = frameworks if c % 2 == 0 else frameworks[::-1]

        def plain(fw: str, tuned: bool = False) -> tuple[float, float]:
            report = plain_window(args.workload, fw, args.seconds, args.threads, tuned)
            rate, cpus = report["samples_per_s"], report["cpus"]
            print(f"  plain {fw:10s} {'tuned' if tuned else 'default':7s} {rate:9,.0f} "
                  f"samples/s, {cpus:.2f} CPUs busy, {plain_extra(report)}(load {load():.2f})",
                  flush=True)  # fmt: skip
            return rate, cpus

        got: dict[str, list[float]] = {fw: [] for fw in (*frameworks, *keras)}
        busy: dict[str, list[float]] = {fw: [] for fw in (*frameworks, *keras)}
        for fw in (a, b, *keras):
            for into, value in zip((got, busy), plain(fw), strict=True):
                into[fw].append(value)
        f = figures(probe(args.workload, args.keras_backends))
        if not f["measured"]:
            print(f"  probe {c + 1}: not measured ({f['why']}), wall {f['wall_s']:.1f} s; this "
                  "cycle is left out of the summary", flush=True)  # fmt: skip
        else:
            print(f"  probe {c + 1}: pytorch {f['pytorch']:,.0f}, tensorflow "
                  f"{f['tensorflow']:,.0f}, ratio {f['ratio']:.3f}, tuned "
                  f"{f['pytorch_tuned'] or 0:,.0f} / {f['tensorflow_tuned'] or 0:,.0f}, "
                  f"speedups {_speedup(f['pytorch_speedup'])} / "
                  f"{_speedup(f['tensorflow_speedup'])}, wall {f['wall_s']:.1f} s "
                  f"(load {load():.2f})", flush=True)  # fmt: skip
            for k in keras:
                print(f"  probe {c + 1}: {k} {f.get(k) or 0:,.0f}, ratio to pytorch "
                      f"{f.get(f'{k}_ratio') or 0:.3f}", flush=True)  # fmt: skip
        for fw in (*keras[::-1], b, a):
            for into, value in zip((got, busy), plain(fw), strict=True):
                into[fw].append(value)
        tuned = {fw: plain(fw, tuned=True)[0] for fw in (a, b)}
        cycles.append({"plain": got, "cpus": busy, "tuned": tuned, "probe": f})
    return cycles


def tuned_speedups(cycles: list[dict], rows: dict[str, dict[str, Any]]) -> None:
    """Each probe's tuned-speedup interval against the plain scripts' median speedup (the
    median over cycles of tuned plain ÷ the cycle's out-of-the-box plain): the advice must
    be true within its interval."""
    for fw, row in rows.items():
        truth = row["plain_speedup"]
        intervals = [c["probe"].get(f"{fw}_speedup") for c in cycles]
        measured = [i for i in intervals if i]
        covering = sum(lo <= truth <= hi for _, lo, hi in measured)
        listed = ", ".join(f"{e:.2f} [{lo:.2f}, {hi:.2f}]" for e, lo, hi in measured)
        print(f"  {fw:10s} tuned speedup: plain scripts' median {truth:.3f}x; the probes' "
              f"intervals cover it in {covering} of {len(measured)} (target: all): {listed}")
        row["speedup_covered"] = [covering, len(measured)]


def summarise(cycles: list[dict], threads: int) -> dict[str, Any]:
    frameworks = ["pytorch", "tensorflow"]
    med = statistics.median
    left_out = [c for c in cycles if not c["probe"].get("measured", True)]
    cycles = [c for c in cycles if c["probe"].get("measured", True)]
    if left_out:
        print(f"\n{len(left_out)} cycle(s) left out: the probe did not measure both frameworks")
    if not cycles:
        print("no cycle to summarise")
        return {}
    rows: dict[str, dict[str, Any]] = {}
    for fw in frameworks:
        plain_fw = [med(c["plain"][fw]) for c in cycles]
        probe_fw = [c["probe"][fw] for c in cycles]
        tuned_plain = [c["tuned"][fw] for c in cycles]
        tuned_probe = [c["probe"][f"{fw}_tuned"] for c in cycles]
        rows[fw] = {
            "plain": med(plain_fw),
            "probe": med(probe_fw),
            "probe/plain": med([p / q for p, q in zip(probe_fw, plain_fw, strict=True)]),
            "plain_tuned": med(tuned_plain),
            "plain_speedup": med([t / q for t, q in zip(tuned_plain, plain_fw, strict=True)]),
        }
        if all(tuned_probe):
            rows[fw]["probe_tuned"] = med(tuned_probe)
            rows[fw]["probe_tuned/plain_tuned"] = med(
                [p / q for p, q in zip(tuned_probe, tuned_plain, strict=True)]
            )
            rows[fw]["probe_speedup"] = med(
                [t / p for t, p in zip(tuned_probe, probe_fw, strict=True)]
            )
        # A plain process that keeps only one of the threads busy for its whole life (Keras
        # here, now and then) is a state of its own: the comparison within the other state.
        full = [[r for r, u in zip(c["plain"][fw], c["cpus"][fw], strict=True)
                 if u >= ONE_CORE * threads] for c in cycles]  # fmt: skip
        rows[fw]["one_core_windows"] = sum(len(c["plain"][fw]) - len(k)
                                           for c, k in zip(cycles, full, strict=True))  # fmt: skip
        rows[fw]["pooled"] = pooled(cycles, fw)
        if all(tuned_probe):
            rows[fw]["pooled_tuned"] = pooled(cycles, fw, "_tuned")
        everything = [r for k in full for r in k]
        if everything:
            rows[fw]["probe/plain_all_threads"] = med(
                [p / med(k or everything) for p, k in zip(probe_fw, full, strict=True)]
            )
    plain_ratios = [med(c["plain"]["pytorch"]) / med(c["plain"]["tensorflow"]) for c in cycles]
    plain_ratio = med(plain_ratios)
    probe_ratio = med([c["probe"]["ratio"] for c in cycles])
    print("\nsummary (medians over the cycles)")
    for fw, row in rows.items():
        print(f"  {fw:10s} " + ", ".join(f"{k} {v:,.3f}" if v < 10 else f"{k} {v:,.0f}"
                                        for k, v in row.items()
                                        if isinstance(v, float | int)))  # fmt: skip
        for key in ("pooled", "pooled_tuned"):
            if isinstance(pool := row.get(key), dict):
                low, high = pool["ci95"]
                print(
                    f"  {fw:10s} {key}: probe median / plain median {pool['estimate']:.3f} "
                    f"[{low:.3f}, {high:.3f}] (95 %, cycles resampled)"
                )
    same_side = (plain_ratio > 1) == (probe_ratio > 1) or abs(plain_ratio - 1) <= 0.10
    print(
        f"  ratio pytorch/tensorflow: plain {plain_ratio:.3f}, probe {probe_ratio:.3f}, "
        f"same side of 1 (or plain gap <= 10 %): {same_side}"
    )
    tuned_speedups(cycles, rows)
    walls = ", ".join(f"{c['probe']['wall_s']:.1f}" for c in cycles)
    print(f"  probe wall: {walls} s")
    keras = sorted({fw for c in cycles for fw in c["plain"] if fw.startswith("keras-")})
    backends = {k: keras_summary(cycles, k) for k in keras}
    return {"rows": rows, "plain_ratio": plain_ratio, "probe_ratio": probe_ratio,
            "keras_backends": backends}  # fmt: skip


def keras_summary(cycles: list[dict], k: str) -> dict[str, Any]:
    """A Keras backend's plain scripts against the probe: its figure pooled as the native
    ones are, and its ratio to native PyTorch, the plain scripts' (an interval from
    resampling cycles) against the probe's (the range of its cycles' intervals' estimates)."""
    med = statistics.median

    def plain_ratio(cs: list[dict]) -> float:
        return (med([r for c in cs for r in c["plain"][k]])
                / med([r for c in cs for r in c["plain"]["pytorch"]]))  # fmt: skip

    rng = random.Random(0)
    boot = sorted(plain_ratio([rng.choice(cycles) for _ in cycles]) for _ in range(2000))
    out: dict[str, Any] = {
        "plain": med([r for c in cycles for r in c["plain"][k]]),
        "plain_ratio": {"estimate": plain_ratio(cycles), "ci95": [boot[49], boot[1949]]},
    }
    probed = [c["probe"].get(k) for c in cycles]
    ratios = [c["probe"].get(f"{k}_ratio") for c in cycles]
    line = (f"  {k:12s} plain {out['plain']:,.0f} samples/s; plain ratio to pytorch "
            f"{out['plain_ratio']['estimate']:.3f} [{boot[49]:.3f}, {boot[1949]:.3f}]")
    if all(v is not None for v in probed) and all(r is not None for r in ratios):
        out["probe"] = med(probed)
        out["pooled"] = pooled(cycles, k)
        out["probe_ratio"] = {"median": med(ratios), "range": [min(ratios), max(ratios)]}
        low, high = out["pooled"]["ci95"]
        same = (med(ratios) > 1) == (out["plain_ratio"]["estimate"] > 1)
        overlap = min(ratios) <= boot[1949] and max(ratios) >= boot[49]
        line += (f"; probe {out['probe']:,.0f}, probe/plain pooled "
                 f"{out['pooled']['estimate']:.3f} [{low:.3f}, {high:.3f}]; probe ratio "
                 f"{med(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f}), same side of 1: "
                 f"{same}, overlapping: {overlap}")  # fmt: skip
    else:
        line += "; the probe gave no figure for it (the runner does not run the backends yet)"
    print(line)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=3, help="probes, each with its plain runs")
    parser.add_argument("--seconds", type=float, default=30.0, help="per plain window")
    parser.add_argument("--workload", default="cnn", choices=sorted(PLAIN))
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json", type=Path, help="write every window and the summary here")
    parser.add_argument(
        "--keras-backends", type=lambda t: [b for b in t.split(",") if b], default=[],
        metavar="LIST", help="also a user's Keras 3 script on these backends (torch, jax), "
        "around the probe, which is asked for them too",
    )  # fmt: skip
    parser.add_argument(
        "--combine",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="summarise the cycles of earlier --json files together, run nothing",
    )
    args = parser.parse_args()
    if args.combine:
        runs = [json.loads(path.read_text()) for path in args.combine]
        print(f"{len(runs)} runs combined: " + "; ".join(r["machine"] for r in runs), flush=True)
        summarise([c for r in runs for c in r["cycles"]], args.threads)
        return
    print(machine_line(), flush=True)
    cycles = run(args)
    summary = summarise(cycles, args.threads)
    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine_line(), "workload": args.workload, "seconds": args.seconds,
            "cycles": cycles, **summary,
        }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
