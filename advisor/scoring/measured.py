"""Measured points: what the probe's figures add to the measured criteria, and how much
they weigh (a probe on other hardware or another machine, or one it flagged as unstable,
weighs less)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from advisor.frameworks import FRAMEWORKS, NAMES, Framework
from advisor.inputs.answers import Answers
from advisor.inputs.measurements import Equivalence, FrameworkResult, Measurements, Ratio
from advisor.knowledge.workloads import workload_for
from advisor.machine import MachineId
from advisor.scoring.recommendation import (
    FasterSetting,
    MeasuredCriterion,
    MeasuredFramework,
    MeasurementUse,
    TrainingRatio,
)

MEASURED_CAP = 0.20
"""Measured criteria together never carry more than this share of the total weight."""
MEASURED_MAX_POINTS = 3.0
POINTS_PER_DOUBLING = 3.0
"""A 2× measured speed difference earns the maximum; points grow with log(ratio)."""
FOREIGN_DEVICE_SCALE = 0.25
"""A probe on other hardware than the user trains on (a CPU probe for GPU training) says little."""
FOREIGN_WORKLOAD_SCALE = FOREIGN_DEVICE_SCALE
"""Nor does a probe of another kind of model: the frameworks' gap depends on the operators."""
FOREIGN_MACHINE_SCALE = FOREIGN_DEVICE_SCALE
"""Nor a file measured on another machine (another CPU model or core count): the gap between
the frameworks depends on the CPU's instructions, caches and cores."""
UNSTABLE_SCALE = 0.5
STARTUP_MIN_RATIO = 1.5
"""Import time and peak memory have no interval: they count only beyond a 1.5× difference."""

EXPECTED_DEVICE = {
    "cpu": "cpu",
    "nvidia": "cuda",
    "amd": "cuda",
    "apple": "mps",
    "intel": "xpu",
    "tpu": "tpu",
}
"""The device kind a probe reports when it ran on the user's training hardware
(ROCm builds of PyTorch report AMD GPUs as ``cuda``)."""


@dataclass(frozen=True)
class Contribution:
    """Points a measurement gives one framework under one criterion."""

    criterion: str
    favors: Framework
    points: float
    reason_id: str
    detail: str
    """What was measured, in words: each measured reason says its own number."""


@dataclass(frozen=True)
class Measured:
    contributions: tuple[Contribution, ...]
    use: MeasurementUse | None


def measured(
    answers: Answers, measurements: Measurements | None, cap_scale: float,
    here: MachineId | None = None,
) -> Measured:  # fmt: skip
    """The measurements' points, and how they were used; ``cap_scale`` is the factor the
    weights applied to honour ``MEASURED_CAP`` (reported, not applied here). ``here`` is the
    machine the recommendation is for (``advisor.machine.this_machine()``): a file measured on
    another one weighs less. None takes the file to be from the machine it names."""
    if measurements is None:
        return Measured((), None)
    matching = workload_for(answers)
    workload, frameworks, ratios, proven = _figures_for(measurements, matching)
    results = {name: frameworks.get(name) for name in FRAMEWORKS}
    missing: list[str] = []
    for name, result in results.items():
        if result is None:
            missing.append(f"{NAMES[name]}: not measured")
        elif result.busy:
            # Not a failure of the framework: what it would have reported is the neighbour.
            said = result.message or "not measured: the machine was busy"
            missing.append(f"{NAMES[name]}: {said}; measure again when it is quieter")
        elif not result.ok:
            missing.append(
                f"{NAMES[name]}: {result.status.replace('_', ' ')}"
                + (f" ({result.message})" if result.message else "")
            )
    tf, pt = results["tensorflow"], results["pytorch"]
    usable = tf is not None and tf.ok and pt is not None and pt.ok

    expected = EXPECTED_DEVICE[str(answers["hardware"])]
    kinds = {r.device_kind for r in results.values() if r is not None and r.ok}
    if usable and len(kinds) > 1:
        # PyTorch on a GPU against TensorFlow on the CPU (say) compares the hardware.
        usable = False
        ran = ", ".join(f"{NAMES[n]} on {r.device or 'cpu'}"
                       for n, r in results.items() if r is not None)
        missing.append(
            f"the frameworks ran on different devices ({ran}): a ratio across devices measures "
            "the hardware, not the frameworks, so no measurement is scored"
        )
    device_scale = 1.0 if kinds == {expected} else FOREIGN_DEVICE_SCALE
    # The reasons for the stability scale, each naming its framework (and the probe names the
    # code path in the flag itself), so every report can say why a measurement weighs less.
    flags = [
        f"{NAMES[name]}: {flag}"
        for name, result in results.items()
        if result is not None
        for flag in result.flags
    ]
    stability_scale = UNSTABLE_SCALE if flags else 1.0
    workload_scale = 1.0 if workload == matching else FOREIGN_WORKLOAD_SCALE
    origin = MachineId(measurements.machine.cpu, measurements.machine.logical_cores)
    from_here = here is None or here.same_as(origin)
    machine_scale = 1.0 if from_here else FOREIGN_MACHINE_SCALE
    speed_scale = device_scale * stability_scale * workload_scale * machine_scale
    if not proven.ok:
        # The probe forms no ratio from models it could not prove to compute the same
        # function; a model built some other way may carry some all the same.
        ratios = {}
        missing.append(
            "the probe could not prove that both frameworks trained the same model"
            + (f" ({proven.reason})" if proven.reason else "") + ", so no speed ratio is scored"
        )

    contributions: list[Contribution] = []
    details: list[MeasuredCriterion] = []
    training_key, training_label = _training_ratio(ratios)
    if usable:
        assert tf is not None and pt is not None
        for criterion, key, higher_is_better, label in (
            ("training_speed", training_key, True, training_label),
            ("inference_latency", "infer_latency", False, "batch-1 inference latency"),
        ):
            ratio = ratios.get(key)
            c, d = _from_ratio(criterion, ratio, higher_is_better, f"{workload} workload: {label}",
                               speed_scale)  # fmt: skip
            details.append(d)
            if c is not None:
                contributions.append(c)
            if ratio is None or ratio.estimate is None:
                missing.append(d.detail)
        c2, d2 = _startup(tf, pt, stability_scale * machine_scale, workload)
        details.append(d2)
        contributions += c2
    use = MeasurementUse(
        used=bool(usable),
        created=measurements.created.isoformat(),
        machine=measurements.machine.cpu,
        this_machine=from_here,
        here=None if here is None or from_here else here.describe(),
        machine_scale=machine_scale,
        cap_share=MEASURED_CAP,
        cap_scale=round(cap_scale, 4),
        device_scale=device_scale,
        stability_scale=stability_scale,
        flags=flags,
        criteria=details,
        missing=missing,
        frameworks={
            name: _measured_framework(result)
            for name, result in results.items()
            if result is not None
        },
        workload=workload,
        matching_workload=matching,
        workload_scale=workload_scale,
        training_ratio=training_key,
        faster=[
            FasterSetting(
                framework=name,
                setting=s.setting,
                applies=s.applies,
                path=s.path,
                speedup=speedup.estimate,
                ci95=speedup.ci95,
            )
            for name in FRAMEWORKS
            if (r := results[name]) is not None and r.ok
            for s in r.worth_adding()
            # worth_adding keeps only settings measured with an interval
            if (speedup := s.speedup) is not None and speedup.ci95 is not None
        ],
        keras_backends={
            name: _measured_framework(result)
            for name, result in measurements.keras_backends(workload).items()
        },
    )
    return Measured(tuple(contributions), use)


def _measured_framework(r: FrameworkResult) -> MeasuredFramework:
    train, latency = r.train_samples_per_s, r.infer_latency_ms
    return MeasuredFramework(
        status=r.status,
        message=r.message,
        version=r.version,
        device=r.device,
        path=r.path,
        train_samples_per_s=train.median if train else None,
        train_ci95=train.ci95 if train else None,
        infer_p50_ms=latency.p50 if latency else None,
        infer_p95_ms=latency.p95 if latency else None,
        import_s=r.import_s,
        peak_rss_mb=r.peak_rss_mb,
        accuracy=r.accuracy,
        quality_metric=(r.quality.metric if r.quality
                        else "accuracy" if r.accuracy is not None else None),  # fmt: skip
        quality=r.quality.value if r.quality else r.accuracy,
    )


def _figures_for(
    measurements: Measurements, matching: str
) -> tuple[str, Mapping[Framework, FrameworkResult], Mapping[str, Ratio], Equivalence]:
    """The figures of the workload that matches the answers when the file has them, else the
    top-level ones (which the caller scales down when they are of another workload)."""
    chosen = measurements.workloads.get(matching)
    if matching != measurements.workload and chosen is not None:
        return matching, chosen.frameworks, chosen.ratios, chosen.equivalence
    m = measurements
    return m.workload, m.frameworks, m.ratios, m.equivalence


def _training_ratio(ratios: Mapping[str, Ratio]) -> tuple[TrainingRatio, str]:
    """Which training ratio scores, and how the report names it: each framework in its
    fastest measured setting when both were measured tuned (the report then says how to
    reach that setting), else both out of the box, as a plain script runs them."""
    tuned = ratios.get("train_tuned")
    if tuned is not None and tuned.estimate is not None:
        settings = tuned.settings or {}
        how = "; ".join(
            f"{NAMES[fw]} {('with ' + settings[fw]) if settings.get(fw) else 'out of the box'}"
            for fw in ("pytorch", "tensorflow")
        )
        return "train_tuned", f"training throughput, each in its fastest setting here ({how})"
    return "train", "training throughput out of the box (PyTorch eager ÷ Keras fit)"


def _from_ratio(
    criterion: str, ratio: Ratio | None, higher_is_better: bool, label: str, scale: float
) -> tuple[Contribution | None, MeasuredCriterion]:
    if ratio is None or ratio.estimate is None:
        why = ratio.reason if ratio is not None and ratio.reason else "no ratio was measured"
        return None, MeasuredCriterion(
            criterion=criterion,
            favors=None,
            points=0.0,
            detail=f"{label}: cannot be compared: {why}",
        )
    r = ratio.estimate
    lo, hi = ratio.ci95 or (r, r)
    if lo <= 1.0 <= hi:
        return None, MeasuredCriterion(
            criterion=criterion,
            favors=None,
            points=0.0,
            detail=f"{label}: ratio {r:.2f} (95 % CI {lo:.2f}–{hi:.2f}) includes 1: "
            "a tie within noise",
        )
    pytorch_better = (r > 1) == higher_is_better
    favors: Framework = "pytorch" if pytorch_better else "tensorflow"
    raw = min(MEASURED_MAX_POINTS, POINTS_PER_DOUBLING * abs(math.log(r)) / math.log(2))
    points = round(raw * scale, 4)
    detail = (
        f"{label}: PyTorch ÷ TensorFlow = {r:.2f} (95 % CI {lo:.2f}–{hi:.2f}); "
        f"{raw:.2f} points × {scale:g} scale"
    )
    return (
        Contribution(
            criterion, favors, points, f"measured-{criterion.replace('_', '-')}", detail
        ),
        MeasuredCriterion(criterion=criterion, favors=favors, points=points, detail=detail),
    )


def _startup(
    tf: FrameworkResult, pt: FrameworkResult, scale: float, workload: str
) -> tuple[list[Contribution], MeasuredCriterion]:
    out: list[Contribution] = []
    parts: list[str] = []
    for field, label in (("import_s", "import time"), ("peak_rss_mb", "peak memory")):
        a, b = getattr(tf, field), getattr(pt, field)
        if not a or not b:
            parts.append(f"{label}: not measured")
            continue
        ratio = max(a, b) / min(a, b)
        if ratio < STARTUP_MIN_RATIO:
            parts.append(f"{label}: within {STARTUP_MIN_RATIO}× ({ratio:.2f}×), no points")
            continue
        favors: Framework = "tensorflow" if a < b else "pytorch"
        detail = f"{label}: {NAMES[favors]} lower by {ratio:.2f}× (1 point × {scale:g})"
        out.append(
            Contribution(
                "startup_memory", favors, 1.0 * scale, f"measured-{field.replace('_', '-')}",
                f"{workload} workload: {detail}",
            )
        )
        parts.append(detail)
    total = sum(c.points for c in out)
    favoured = {c.favors for c in out}
    return out, MeasuredCriterion(
        criterion="startup_memory",
        favors=next(iter(favoured)) if len(favoured) == 1 else None,
        points=total,
        detail=f"{workload} workload: " + "; ".join(parts),
    )
