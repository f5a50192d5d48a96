"""Turning the runner's records into contract 3's measurements dict.

Pure data in, plain dict out: no I/O, no framework, so it is tested with hand-made records.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from probes import flops
from probes.bundle import LOGIT_TOLERANCE
from probes.records import FrameworkRecord, PathRecord, RunInfo, WorkerRecord
from probes.spread import pair_sd, spread_over_processes
from probes.stats import (
    RatioEstimate,
    Summary,
    median,
    paired_by_round,
    paired_log_ratio,
    quantile,
    summarize,
    window_flags,
)
from probes.workloads import get

if TYPE_CHECKING:
    from probes.settings import ProbeSettings
    from probes.workloads import Workload

IDLE_CPU_LIMIT = 0.05  # share of one CPU the idle worker may burn during another's window
TRAIN_PATH_FOR = {"train": "keras-fit", "train_lean": "tf-function"}
TUNED_ONLY_IF_ABOVE = 1.0  # a tuned state counts as "best" only when its interval clears this


def device_kind(device: str | None) -> str:
    return (device or "cpu").split(":")[0].split()[0].lower()


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _others(p: PathRecord, rounds: list[int] | None = None) -> tuple[float, float] | None:
    """The median share of a core other processes and the hypervisor used during ``rounds``
    (default: every window of the path); None where nobody could tell."""
    loads = [d for r, d in p.load.items() if d is not None and (rounds is None or r in rounds)]
    if not loads:
        return None
    return median([d.others_cores for d in loads]), median([d.steal_cores for d in loads])


BUSY = "not measured: the machine was busy"
"""How a busy framework's message starts (a framework that failed on its own keeps its own
message, even where its windows were disturbed too)."""


def busy_message(p: PathRecord) -> str:
    """Why a path was not measured; each place that shows it offers to measure again."""
    used = _others(p, sorted(p.disturbed))
    what = "other processes were using the CPUs"
    if used is not None:
        others, steal = used
        what = f"other processes used {others:.0%} of a core" + (
            f" and the hypervisor took {steal:.0%}" if steal >= 0.05 else "")
    return (f"{BUSY} ({what} during {len(p.disturbed)} of "
            f"{len(p.windows)} windows)")  # fmt: skip


def disturbance(p: PathRecord, limit_cores: float) -> dict:
    """Contract 3's record of what others did during a path's windows."""
    used = _others(p)
    return {
        "windows": len(p.windows),
        "disturbed": len(p.disturbed),
        "others_cores": _round(used[0], 3) if used else None,
        "steal_cores": _round(used[1], 3) if used else None,
        "limit_cores": _round(limit_cores, 3),
        "busy": p.busy,
    }


def _by_process(values: dict[int, float], process: dict[int, int]) -> dict[int, list[float]]:
    """Log values grouped by the worker process they came from."""
    groups: dict[int, list[float]] = {}
    for r in sorted(values):
        groups.setdefault(process.get(r, 1), []).append(math.log(values[r]))
    return groups


def train_summary(p: PathRecord) -> Summary | None:
    """A path's training figure from its undisturbed windows, each process weighing the
    same; None with fewer than two windows."""
    clean = p.clean
    if len(clean) < 2:
        return None
    groups: dict[int, list[float]] = {}
    for r in sorted(clean):
        groups.setdefault(p.process.get(r, 1), []).append(clean[r])
    return summarize([clean[k] for k in sorted(clean)], list(groups.values()))


def processes_fields(p: PathRecord) -> dict:
    """Each worker process's own figure for a path, and how far apart they trained."""
    clean = p.clean
    groups = _by_process(clean, p.process)
    if len(groups) < 2:
        return {}
    per = [
        {"process": g, "windows": len(v), "median": median([clean[r] for r in clean
                                                           if p.process.get(r, 1) == g])}
        for g, v in sorted(groups.items())
    ]  # fmt: skip
    means = [sum(v) / len(v) for v in groups.values()]
    return {"processes": per, "process_spread": _round(math.exp(max(means) - min(means)))}


def _path_fields(
    p: PathRecord, peak_gflops: float | None, workload: str, limit_cores: float = 0.0
) -> dict:
    clean = p.clean
    values = [clean[k] for k in sorted(clean)]
    calls = [ms for k in sorted(p.latency_ms) if k not in p.infer_disturbed
             for ms in p.latency_ms[k]]  # fmt: skip
    infer = [v for k, v in p.infer.items() if k not in p.infer_disturbed]
    summary = train_summary(p)
    flags = window_flags(values, p.path)
    if p.disturbed and not p.busy:
        used = _others(p, sorted(p.disturbed))
        what = f": other processes used {used[0] + used[1]:.0%} of a core" if used else ""
        flags.append(f"{p.path}: {len(p.disturbed)} of {len(p.windows)} windows left out"
                     f"{what} during them")  # fmt: skip
    if p.idle_cpu and sum(p.idle_cpu) / len(p.idle_cpu) > IDLE_CPU_LIMIT:
        share = sum(p.idle_cpu) / len(p.idle_cpu)
        flags.append(
            f"{p.path}: the idle workers used {share:.0%} of a CPU during these "
            "windows (a thread pool still spinning?)"
        )
    if len(values) == 1:
        flags.append(f"{p.path}: a single window, no interval")
    if not p.untouched:
        flags.append(f"{p.path}: the process ran {', '.join(sorted(p.foreign_ops))} before a "
                     "timed window, so its state is not a plain script's")  # fmt: skip
    fields = {
        "path": p.path,
        "first_step_s": _round(p.warm.get("first_step_s")),
        "second_step_s": _round(p.warm.get("second_step_s")),
        "warmup_steps": p.warm.get("warmup_steps"),
        "steps_per_window": p.steps or None,
        "train_samples_per_s": summary.to_dict() if summary else None,
        "train_cv": _round(summary.cv) if summary else None,
        "infer_latency_ms": {"p50": quantile(calls, 0.5), "p95": quantile(calls, 0.95)}
        if calls
        else None,
        "infer_samples_per_s": median(infer) if infer else None,
        "infer_batch": get(workload).infer_batch,
        "efficiency_pct": _round(flops.efficiency_pct(summary.median, peak_gflops, workload), 2)
        if summary and peak_gflops
        else None,
        "flags": flags,
        "disturbance": disturbance(p, limit_cores),
        **processes_fields(p),
    }
    if p.compiles:  # a Keras backend's warm-up says what of it was compiling; else the first step
        fields["compile_s"] = _round(p.warm.get("compile_s", p.warm.get("first_step_s")))
    return fields


def runtime_entry(wr: WorkerRecord) -> dict | None:
    """The process state the worker's figures were taken in (contract 3's ``runtime``)."""
    described = wr.hello.get("runtime")
    if described is None:
        return None
    timed = [p for p in wr.paths if p.windows]
    return {
        "state": wr.state.name,
        "setting": wr.state.setting,
        **described,
        "untouched": all(p.untouched for p in timed) if timed else None,
    }


def _sd(p: PathRecord) -> tuple[str, bool]:
    return p.framework, p.state.tuned


def paired(a: PathRecord, b: PathRecord) -> RatioEstimate | None:
    """a ÷ b over the rounds in which both windows were undisturbed, each slot its own
    process: a pair in which another process disturbed either window is left out (the same
    neighbour slows PyTorch's thread pool far more than TensorFlow's, so even a pair disturbed
    on both sides is no fair pair). The interval includes the spread between processes
    (probes.spread), for as many processes as the pairs came from."""
    ca, cb = a.clean, b.clean
    rounds = sorted(set(ca) & set(cb))
    if not rounds:
        return None
    logs = _by_process({r: ca[r] / cb[r] for r in rounds}, a.process)
    term, _ = spread_over_processes(logs, pair_sd(_sd(a), _sd(b)))
    ratio = paired_log_ratio([ca[r] for r in rounds], [cb[r] for r in rounds], term)
    by_process = tuple(math.exp(sum(v) / len(v)) for _, v in sorted(logs.items()))
    dropped = len(set(a.windows) & set(b.windows)) - len(rounds)
    return replace(ratio, dropped=dropped, by_process=by_process)


def _speedup(tuned: PathRecord, base: PathRecord) -> dict | None:
    ratio = paired(tuned, base)
    return ratio.to_dict() if ratio else None


def _clean_infer(p: PathRecord) -> dict[int, float]:
    return {r: v for r, v in p.infer.items() if r not in p.infer_disturbed}


def _clean_latency(p: PathRecord) -> dict[int, float]:
    return {r: median(v) for r, v in p.latency_ms.items() if r not in p.infer_disturbed}


def sensitivity(rec: FrameworkRecord) -> list[dict]:
    """Each tuned state against out of the box, path by path, from paired windows."""
    base = {p.path: p for p in rec.main.paths}
    out: list[dict] = []
    for wr in rec.tuned:
        if wr.ok and not wr.hello:
            continue  # never started: the framework itself could not be measured
        paths: list[PathRecord | None] = list(wr.paths) or [None]
        for p in paths:
            entry: dict[str, object] = {
                "setting": wr.state.setting,
                "state": wr.state.name,
                "path": p.path if p else None,
                "applies": "training",
                "status": wr.status if not wr.ok or p is None else p.status,
                "message": wr.message or (p.message if p else "") or "",
            }
            if p is not None and p.busy and entry["status"] == "ok":
                # Advice only from undisturbed windows: a busy tuned state advises nothing.
                entry.update(status="failed", message=busy_message(p))
            reference = base.get(p.path) if p else None
            summary = train_summary(p) if p else None
            entry["train_samples_per_s"] = summary.to_dict() if summary else None
            speedup = None
            if p is not None and reference is not None and rec.ok and not p.busy:
                speedup = _speedup(p, reference)
            entry["speedup"] = speedup
            out.append(entry)
            if p and reference and p.infer and reference.infer and rec.ok:
                inference = paired_by_round(_clean_infer(p), _clean_infer(reference))
                out.append({**entry, "applies": "inference", "train_samples_per_s": None,
                            "speedup": inference.to_dict() if inference else None})  # fmt: skip
    return out


def framework_entry(
    rec: FrameworkRecord, peak_gflops: float | None, info: RunInfo, threads: int
) -> dict:
    hello, load = rec.hello, rec.main.load
    entry: dict = {
        "status": rec.status,
        "message": rec.message,
        "version": hello.get("version"),
        "device": hello.get("device"),
        "threads": hello.get("threads"),
        "interop_threads": hello.get("interop_threads"),
        "import_s": _round(hello.get("import_s")),
        "build_s": _round(load.get("build_s")),
        "params": load.get("params"),
        "accuracy": _round(rec.quality["value"])
        if rec.quality and rec.quality["metric"] == "accuracy"
        else None,
        "quality": {k: _round(v) if isinstance(v, float) else v for k, v in rec.quality.items()}
        if rec.quality
        else None,
        "peak_rss_mb": _round(rec.peak_rss_mb, 1),
        "matmul_gflops": _round(rec.matmul_gflops, 1),
        "details": hello.get("details"),
        "runtime": runtime_entry(rec.main),
        "sensitivity": sensitivity(rec),
        "flags": [],
    }
    if rec.main.log_tail:
        entry["log_tail"] = rec.main.log_tail
    if not rec.paths:
        return entry
    primary, *others = rec.paths
    entry.update(_path_fields(primary, peak_gflops, info.workload, info.busy_limit_cores))
    machine_flags = []
    got = hello.get("threads")
    if got is not None and got != threads:
        machine_flags.append(f"threads: asked for {threads}, the framework reports {got}")
    if info.load_before is not None and info.load_before > 0.5 * threads:
        machine_flags.append(
            f"machine busy before the probe: load average {info.load_before:.1f} on {threads} CPUs"
        )
    entry["flags"] = machine_flags + entry["flags"]
    if others:
        entry["variants"] = {}
        for p in others:
            shared = {k: entry[k] for k in ("version", "device", "threads", "params")}
            busy = p.busy and p.ok
            # A missing tool stays missing whatever became of the framework's run.
            kept = rec.ok or p.status == "not_installed"
            variant = {
                "status": "failed" if busy else p.status if kept else rec.status,
                "message": busy_message(p) if busy else p.message,
                **shared,
                **(_path_fields(p, peak_gflops, info.workload, info.busy_limit_cores) if p.warm
                   else {"path": p.path, "flags": []}),  # fmt: skip
            }
            entry["variants"][p.path] = variant
    return entry


def _ratio_blocker(records: dict[str, FrameworkRecord], equivalence: dict) -> str | None:
    torch_rec, tf_rec = records.get("pytorch"), records.get("tensorflow")
    if torch_rec is None or tf_rec is None:
        return "only one framework was probed"
    for rec in (torch_rec, tf_rec):
        if not rec.ok:
            return f"{rec.framework} {rec.status.replace('_', ' ')}: {rec.message}".rstrip(": ")
    kinds = {device_kind(r.hello.get("device")) for r in (torch_rec, tf_rec)}
    if len(kinds) > 1:
        return (
            "the frameworks ran on different kinds of device "
            f"({torch_rec.hello.get('device')} vs {tf_rec.hello.get('device')})"
        )
    if not equivalence.get("ok"):
        return "the two models were not proven equivalent: " + equivalence.get("reason", "")
    return None


def _primary(rec: FrameworkRecord | None, path: str | None = None) -> PathRecord | None:
    """A live framework's out-of-the-box path (its primary one by default) with windows."""
    if rec is None or not rec.ok or not rec.paths:
        return None
    p = rec.paths[0] if path is None else next((x for x in rec.paths if x.path == path), None)
    return p if p is not None and p.ok and p.clean and not p.busy else None


def paired_against(records: dict[str, FrameworkRecord], key: str) -> RatioEstimate | None:
    """PyTorch's primary path ÷ TensorFlow's path for ``key`` (train, train_lean), out of
    the box, from the rounds both have a window in; None unless both frameworks are alive."""
    ours = _primary(records.get("pytorch"))
    theirs = _primary(records.get("tensorflow"), TRAIN_PATH_FOR[key])
    if ours is None or theirs is None:
        return None
    return paired(ours, theirs)


def best_state(rec: FrameworkRecord) -> tuple[PathRecord, bool] | None:
    """The framework's fastest measured state of its primary path (a tuned one only when
    its speedup's interval lies above 1), and whether any tuned state was measured."""
    base = _primary(rec)
    if base is None:
        return None
    best, best_speedup, measured = base, 1.0, False
    for wr in rec.tuned:
        p = next((x for x in wr.paths if x.path == base.path and x.ok and x.clean
                  and not x.busy), None)  # fmt: skip
        if p is None or not wr.ok:
            continue
        measured = True
        ratio = paired(p, base)
        if ratio and ratio.ci95 and ratio.ci95[0] > TUNED_ONLY_IF_ABOVE:
            if ratio.estimate > best_speedup:
                best, best_speedup = p, ratio.estimate
    return best, measured


def _tuned_ratio(records: dict[str, FrameworkRecord], info: RunInfo) -> dict:
    best = {fw: best_state(records[fw]) for fw in ("pytorch", "tensorflow")}
    if any(b is None for b in best.values()):
        return {"estimate": None, "reason": "no paired windows for the primary paths"}
    (pt, pt_measured), (tf, tf_measured) = best["pytorch"], best["tensorflow"]  # type: ignore[misc]
    if not (pt_measured and tf_measured):
        return {"estimate": None, "reason": f"tuned states were not measured (tuning: "
                                            f"{info.tuning})"}  # fmt: skip
    ratio = paired(pt, tf)
    if ratio is None:
        return {"estimate": None, "reason": "no paired windows for the best states"}
    return {
        **ratio.to_dict(),
        "against": f"{pt.label} / {tf.label}",
        "settings": {"pytorch": pt.state.setting, "tensorflow": tf.state.setting},
    }


def ratios(records: dict[str, FrameworkRecord], equivalence: dict, info: RunInfo) -> dict:
    blocked = _ratio_blocker(records, equivalence)
    if blocked:
        return {
            k: {"estimate": None, "reason": blocked}
            for k in ("train", "train_lean", "train_tuned", "infer_latency")
        }
    out: dict = {}
    for key, path in TRAIN_PATH_FOR.items():
        ratio = paired_against(records, key)
        out[key] = ratio.to_dict() if ratio else {"estimate": None,
                                                  "reason": f"no paired windows for {path}"}
        if ratio:
            out[key]["against"] = f"eager-loop / {path}"
    out["train_tuned"] = _tuned_ratio(records, info)
    ours, fit = _primary(records["pytorch"]), _primary(records["tensorflow"], "keras-fit")
    latency = None
    if ours is not None and fit is not None:
        latency = paired_by_round(_clean_latency(ours), _clean_latency(fit))
    out["infer_latency"] = (
        latency.to_dict() if latency else {"estimate": None, "reason": "no paired latency windows"}
    )
    return out


def equivalence(records: dict[str, FrameworkRecord], workload: Workload) -> dict:
    """Whether the two workers trained the same function: parameter counts, layer shapes (the
    CNN) and outputs of the shared initial weights on the shared batch."""
    params = {fw: int(r.main.load["params"]) for fw, r in records.items()
              if r.main.load}  # fmt: skip
    built = {fw: r for fw, r in records.items() if r.ok and r.logits is not None}
    result: dict = {"params": params, "expected_params": workload.params}
    wrong = [fw for fw, n in params.items() if n != workload.params]
    if len(built) < 2:
        result.update(max_abs_logit_diff=None, ok=False,
                      reason="needs both frameworks built; only "
                      + (", ".join(built) or "none") + " could be")  # fmt: skip
        return result
    a, b = (r.logits or [] for r in built.values())
    diff = max(
        abs(x - y) for ra, rb in zip(a, b, strict=True) for x, y in zip(ra, rb, strict=True)
    )
    shapes = {fw: r.main.load.get("layers") for fw, r in built.items()}
    same_shapes = len({repr(s) for s in shapes.values()}) == 1
    ok = diff <= LOGIT_TOLERANCE and not wrong and same_shapes
    result.update(max_abs_logit_diff=diff, tolerance=LOGIT_TOLERANCE,
                  layer_shapes=shapes, ok=ok)  # fmt: skip
    if not ok:
        reasons = []
        if diff > LOGIT_TOLERANCE:
            reasons.append(f"logits differ by {diff:.2e}")
        if wrong:
            reasons.append(
                f"parameter count of {', '.join(wrong)} is not {workload.params:,}"
            )
        if not same_shapes:
            reasons.append("layer output shapes differ")
        result["reason"] = "; ".join(reasons)
    return result


def assemble(
    *,
    created: str,
    machine: dict,
    settings: ProbeSettings,
    records: dict[str, FrameworkRecord],
    equivalence: dict,
    info: RunInfo,
) -> dict:
    peaks: dict[str, float] = {}
    accelerators: list[str] = []
    for rec in records.values():
        kind = device_kind(rec.hello.get("device"))
        if rec.matmul_gflops:
            peaks[kind] = max(peaks.get(kind, 0.0), rec.matmul_gflops)
        accelerators += [a for a in rec.hello.get("accelerators", []) if a not in accelerators]
    threads = machine["threads_used"]
    frameworks = {
        fw: framework_entry(rec, peaks.get(device_kind(rec.hello.get("device"))), info, threads)
        for fw, rec in records.items()
    }
    if equivalence and not equivalence.get("ok") and len(records) == 2:
        for entry in frameworks.values():
            if entry["status"] == "ok":
                entry["flags"].append("equivalence check failed: " + equivalence.get("reason", ""))
    return {
        "schema": 1,
        "created": created,
        "workload": info.workload,
        "machine": {
            **machine,
            "accelerators": accelerators,
            "matmul_peak_gflops": {k: round(v, 1) for k, v in peaks.items()},
            "probe": {
                "budget_s": round(info.budget_s, 2),
                "wall_target_s": settings.wall_target_s,
                "timed_s": round(info.timed_s, 2),
                "wall_s": round(info.wall_s, 2),
                "rounds": info.rounds,
                "rounds_planned": info.rounds_planned,
                "stopped": info.stopped,
                "quick": settings.quick,
                "tuning": info.tuning,
                "compiled": settings.compiled,
                "batch_size": settings.batch_size,
                "seed": settings.seed,
                "load_avg_before": info.load_before,
                "processes": info.processes,
                "processes_planned": info.processes_planned,
                "restart_s": [round(x, 2) for x in info.restart_s],
                "restart_estimate_s": round(info.restart_estimate_s, 2),
                "busy_limit_cores": round(info.busy_limit_cores, 3),
                "paths": plan_paths(records),
            },
        },
        "equivalence": equivalence
        or {
            "params": {},
            "max_abs_logit_diff": None,
            "ok": False,
            "reason": "no framework was built",
        },
        "frameworks": frameworks,
        "ratios": ratios(records, equivalence, info),
    }


def plan_paths(records: dict[str, FrameworkRecord]) -> dict[str, list[str]]:
    """Each framework's timed paths by label ("keras-fit (glibc-thresholds)" for a tuned
    state): the same names the progress events and the app use."""
    return {fw: [p.label for p in rec.timed_paths] for fw, rec in records.items()}


WORKLOAD_KEYS = ("equivalence", "frameworks", "ratios")


def combine(results: dict[str, dict], chosen: str,
            keras_backends: dict[str, dict] | None = None) -> dict:  # fmt: skip
    """One measurements dict from one run per workload: the chosen workload's figures at the
    top, as every reader of schema 1 expects them, and each workload's in ``workloads``, with
    its ``keras_backends`` entries where any were measured (only there: the top level of
    schema 1 refuses keys its older readers do not know)."""
    combined = dict(results[chosen])
    combined["workloads"] = {
        name: {**{k: r[k] for k in WORKLOAD_KEYS}, "probe": r["machine"]["probe"],
               **({"keras_backends": b} if (b := (keras_backends or {}).get(name)) else {})}
        for name, r in results.items()
    }  # fmt: skip
    return combined
