"""The Keras backends' part of the measurements file (``workloads.<w>.keras_backends``): each
backend's equivalence with both native models, its ratios to them, its jit_compile setting
as a sensitivity entry, and the entry that holds them.

Pure data in, plain dict out, as ``probes.report``: the runner hands in what its records hold
(a backend worker's framework entry, its hello and load replies, its logits, paired ratios),
so this is tested with hand-made values; ``backend_entries`` reads them from the records.
"""

from __future__ import annotations

from collections.abc import Mapping

from probes.bundle import LOGIT_TOLERANCE
from probes.records import FrameworkRecord, PathRecord, RunInfo
from probes.report import busy_message, framework_entry, paired, train_summary
from probes.stats import RatioEstimate

NATIVE_PATH = {"pytorch": "eager-loop", "tensorflow": "keras-fit"}
"""What a backend's paths are paired with: each native framework's primary path."""
JIT_STATE = {"keras-jit": "jit-compile", "keras-eager": "no-jit-compile"}


def _max_diff(a: list[list[float]], b: list[list[float]]) -> float:
    return max(abs(x - y) for ra, rb in zip(a, b, strict=True)
               for x, y in zip(ra, rb, strict=True))  # fmt: skip


def backend_equivalence(
    logits: list[list[float]] | None,
    natives: Mapping[str, list[list[float]] | None],
    params: int | None,
    expected_params: int,
) -> dict:
    """Whether Keras on a backend trained the native models' function: its outputs of the
    shared initial weights within the tolerance of every native model's that was built, and
    the workload's parameter count."""
    built = {fw: out for fw, out in natives.items() if out is not None}
    if logits is None or not built:
        missing = "this backend's outputs" if logits is None else "a native model's outputs"
        return {"ok": False, "max_abs_logit_diff": {}, "tolerance": LOGIT_TOLERANCE,
                "reason": f"no comparison: {missing} could not be had"}  # fmt: skip
    try:
        diffs = {fw: _max_diff(logits, out) for fw, out in built.items()}
    except ValueError:  # zip(strict=True): another output shape altogether
        return {"ok": False, "max_abs_logit_diff": {}, "tolerance": LOGIT_TOLERANCE,
                "reason": "the outputs have another shape than the native models'"}  # fmt: skip
    reasons = [f"logits differ from {fw}'s by {d:.2e}" for fw, d in diffs.items()
               if d > LOGIT_TOLERANCE]  # fmt: skip
    if params != expected_params:
        reasons.append(f"parameter count {params} is not {expected_params:,}")
    entry: dict = {"ok": not reasons, "max_abs_logit_diff": diffs, "tolerance": LOGIT_TOLERANCE}
    if reasons:
        entry["reason"] = "; ".join(reasons)
    return entry


def ratio_entry(ratio: RatioEstimate | None, *, path: str, backend: str, native: str,
                reason: str = "no paired windows") -> dict:  # fmt: skip
    """One backend path ÷ one native framework's primary path, as contract 3 writes ratios."""
    if ratio is None:
        return {"estimate": None, "reason": reason}
    return {**ratio.to_dict(), "against": f"{path} ({backend} backend) / {NATIVE_PATH[native]}"}


def jit_sensitivity(
    *,
    path: str,
    jit: bool,
    status: str = "ok",
    message: str = "",
    speedup: RatioEstimate | None = None,
    train_samples_per_s: dict | None = None,
    compile_s: float | None = None,
    ratios: Mapping[str, dict] | None = None,
) -> dict:
    """The jit_compile setting a user of the backend would try, against the backend's
    default (``speedup``: the path ÷ keras-fit, paired)."""
    return {
        "setting": f"jit_compile={jit}",
        "where": "compile",
        "state": JIT_STATE.get(path, path),
        "path": path,
        "applies": "training",
        "status": status,
        "message": message,
        "speedup": speedup.to_dict() if speedup else None,
        "train_samples_per_s": train_samples_per_s,
        "compile_s": None if compile_s is None else round(compile_s, 4),
        "ratios": dict(ratios or {}),
    }


def keras_backend_entry(
    entry: dict,
    *,
    hello: dict,
    load: dict,
    equivalence: dict,
    ratios: Mapping[str, dict],
    jit: list[dict],
) -> dict:
    """A backend worker's framework entry (``probes.report.framework_entry``) made a
    ``keras_backends`` entry: the backend's version, the primary path's resolved
    jit_compile, the equivalence, the ratios and the jit_compile sensitivity. A backend whose
    model was not proven the same gets no ratios, and a flag says why."""
    out = dict(entry)
    out["backend_version"] = hello.get("backend_version")
    out["jit_compile"] = (load.get("jit_compile") or {}).get("keras-fit")
    out["equivalence"] = equivalence
    if equivalence.get("ok"):
        out["ratios"] = dict(ratios)
    else:
        why = equivalence.get("reason", "")
        out["ratios"] = {fw: {"estimate": None, "reason": f"not proven equivalent: {why}"}
                         for fw in ratios}  # fmt: skip
        if out.get("status") == "ok":
            out["flags"] = [*out.get("flags", []), f"equivalence check failed: {why}"]
    out["sensitivity"] = [*out.get("sensitivity", []), *jit]
    return out


def _timed(p: PathRecord | None) -> PathRecord | None:
    """A path with undisturbed windows that was not too disturbed to be a figure."""
    return p if p is not None and p.ok and p.clean and not p.busy else None


def _native_path(rec: FrameworkRecord | None, native: str) -> tuple[PathRecord | None, str]:
    """The native framework's path a backend is paired with, or why there is none."""
    if rec is None:
        return None, f"{native} was not probed"
    if not rec.ok:
        return None, f"{native} {rec.status.replace('_', ' ')}: {rec.message}".rstrip(": ")
    p = _timed(next((x for x in rec.paths if x.path == NATIVE_PATH[native]), None))
    return p, "" if p else f"no undisturbed windows of {native}'s {NATIVE_PATH[native]}"


def _ratios(p: PathRecord | None, backend: str, why: str,
            natives: Mapping[str, FrameworkRecord]) -> dict[str, dict]:  # fmt: skip
    """``p`` ÷ each native framework's primary path, from the rounds both were timed in."""
    out = {}
    for native in NATIVE_PATH:
        theirs, reason = _native_path(natives.get(native), native)
        if p is None or theirs is None:
            out[native] = ratio_entry(None, path="", backend=backend, native=native,
                                      reason=why if p is None else reason)  # fmt: skip
            continue
        ratio = paired(p, theirs)
        out[native] = ratio_entry(ratio, path=p.path, backend=backend, native=native,
                                  reason="no round with both windows undisturbed")  # fmt: skip
    return out


def backend_entries(
    backends: Mapping[str, FrameworkRecord],
    natives: Mapping[str, FrameworkRecord],
    *,
    expected_params: int,
    peak_gflops: float | None,
    info: RunInfo,
    threads: int,
) -> dict[str, dict]:
    """Each Keras backend worker's ``keras_backends`` entry, keyed by backend (torch, jax),
    from the records of one workload's run: its own figures as a framework's, its keras-fit
    windows paired with each native framework's primary path round by round (windows that
    others disturbed on either side left out), and its other jit_compile setting as a
    sensitivity. Nothing here feeds the native ratios or the native equivalence."""
    out: dict[str, dict] = {}
    for backend, rec in backends.items():
        entry = framework_entry(rec, peak_gflops, info, threads)
        load = rec.main.load
        # The models, however busy the machine was (as for the native equivalence): a
        # framework that failed on its own gave no outputs to compare.
        proven = backend_equivalence(
            rec.logits, {fw: r.logits for fw, r in natives.items() if r.main.ok},
            load.get("params"), expected_params,
        ) if rec.main.ok else {"ok": False, "max_abs_logit_diff": {},
                               "tolerance": LOGIT_TOLERANCE,
                               "reason": f"no comparison: {rec.message or rec.status}"}  # fmt: skip
        primary = _timed(rec.paths[0]) if rec.ok and rec.paths else None
        why = rec.message if not rec.ok else (
            busy_message(rec.paths[0]) if rec.paths and rec.paths[0].busy
            else "no undisturbed windows")  # fmt: skip
        jit = []
        for p in rec.paths[1:] if rec.ok else []:
            if p.path not in JIT_STATE:
                continue
            timed = _timed(p)
            summary = train_summary(p)
            jit.append(jit_sensitivity(
                path=p.path,
                jit=bool((load.get("jit_compile") or {}).get(p.path, p.path == "keras-jit")),
                status="failed" if p.ok and p.busy else p.status,
                message=busy_message(p) if p.ok and p.busy else p.message,
                speedup=paired(timed, primary) if timed and primary else None,
                train_samples_per_s=summary.to_dict() if summary else None,
                compile_s=p.warm.get("compile_s"),
                ratios=_ratios(timed, backend, why or "no undisturbed windows", natives),
            ))  # fmt: skip
        out[backend] = keras_backend_entry(
            entry, hello=rec.hello, load=load, equivalence=proven,
            ratios=_ratios(primary, backend, why, natives), jit=jit,
        )  # fmt: skip
    return out
