"""Turning the runner's records into contract 3's measurements dict.

Pure data in, plain dict out: no I/O, no framework, so it is tested with hand-made records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from probes import flops
from probes.stats import median, paired_log_ratio, quantile, summarize, window_flags

if TYPE_CHECKING:
    from probes.runner import FrameworkRecord, PathRecord, RunInfo
    from probes.settings import ProbeSettings

IDLE_CPU_LIMIT = 0.05  # share of one CPU the idle worker may burn during another's window
TRAIN_PATH_FOR = {"train": "keras-fit", "train_lean": "tf-function"}


def device_kind(device: str | None) -> str:
    return (device or "cpu").split(":")[0].split()[0].lower()


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _path_fields(p: PathRecord, peak_gflops: float | None) -> dict:
    values = [p.windows[k] for k in sorted(p.windows)]
    calls = [ms for k in sorted(p.latency_ms) for ms in p.latency_ms[k]]
    summary = summarize(values) if len(values) >= 2 else None
    flags = window_flags(values, p.path)
    if p.idle_cpu and sum(p.idle_cpu) / len(p.idle_cpu) > IDLE_CPU_LIMIT:
        share = sum(p.idle_cpu) / len(p.idle_cpu)
        flags.append(
            f"{p.path}: the idle worker used {share:.0%} of a CPU during these "
            "windows (its thread pool still spinning?)"
        )
    if len(values) == 1:
        flags.append(f"{p.path}: a single window, no interval")
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
        "infer_samples_per_s": p.infer_samples_per_s,
        "efficiency_pct": _round(flops.efficiency_pct(summary.median, peak_gflops), 2)
        if summary and peak_gflops
        else None,
        "flags": flags,
    }
    if p.path in ("torch-compile", "keras-jit"):
        fields["compile_s"] = fields["first_step_s"]  # the first step is where it compiles
    return fields


def framework_entry(
    rec: FrameworkRecord, peak_gflops: float | None, info: RunInfo, threads: int
) -> dict:
    hello, load = rec.hello, rec.load
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
        "accuracy": _round(rec.accuracy),
        "peak_rss_mb": _round(rec.peak_rss_mb, 1),
        "matmul_gflops": _round(rec.matmul_gflops, 1),
        "details": hello.get("details"),
        "flags": [],
    }
    if not rec.paths:
        return entry
    primary, *others = rec.paths
    entry.update(_path_fields(primary, peak_gflops))
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
            variant = {
                "status": p.status if rec.ok else rec.status,
                "message": p.message,
                **shared,
                **(_path_fields(p, peak_gflops) if p.warm else {"path": p.path, "flags": []}),
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


def _paired(a: dict[int, float], b: dict[int, float]) -> dict | None:
    rounds = sorted(set(a) & set(b))
    if not rounds:
        return None
    return paired_log_ratio([a[k] for k in rounds], [b[k] for k in rounds]).to_dict()


def ratios(records: dict[str, FrameworkRecord], equivalence: dict) -> dict:
    blocked = _ratio_blocker(records, equivalence)
    if blocked:
        return {
            k: {"estimate": None, "reason": blocked}
            for k in ("train", "train_lean", "infer_latency")
        }
    torch_primary = records["pytorch"].paths[0]
    tf_paths = {p.path: p for p in records["tensorflow"].paths}
    out: dict = {}
    for key, path in TRAIN_PATH_FOR.items():
        other = tf_paths.get(path)
        ratio = _paired(torch_primary.windows, other.windows) if other and other.ok else None
        out[key] = ratio or {"estimate": None, "reason": f"no paired windows for {path}"}
        if ratio:
            out[key]["against"] = f"eager-loop / {path}"
    fit = tf_paths.get("keras-fit")
    latency = None
    if fit is not None and fit.ok:
        latency = _paired(
            {k: median(v) for k, v in torch_primary.latency_ms.items()},
            {k: median(v) for k, v in fit.latency_ms.items()},
        )
    out["infer_latency"] = latency or {"estimate": None, "reason": "no paired latency windows"}
    return out


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
        "machine": {
            **machine,
            "accelerators": accelerators,
            "matmul_peak_gflops": {k: round(v, 1) for k, v in peaks.items()},
            "probe": {
                "budget_s": info.budget_s,
                "timed_s": round(info.timed_s, 2),
                "wall_s": round(info.wall_s, 2),
                "rounds": info.rounds,
                "stopped": info.stopped,
                "quick": settings.quick,
                "compiled": settings.compiled,
                "batch_size": settings.batch_size,
                "seed": settings.seed,
                "load_avg_before": info.load_before,
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
        "ratios": ratios(records, equivalence),
    }
