"""'Keras 3 as a bridge': what keeping Keras code and switching its backend costs on this
machine, and what the rules say about where each backend leads. Pure: built from the answers,
the loaded rules and the measurements, never from a file.

Keras 3 is not a third winner. The section stands beside the recommendation where the answers
make Keras relevant (``advisor.knowledge.bridge.keras_relevant``), with the measured part when
the probe ran the workload's Keras model on other backends, and the rule notes it cites by id
when the rule base has them.
"""

from __future__ import annotations

from collections.abc import Mapping

from advisor.frameworks import Framework
from advisor.inputs.answers import Answers
from advisor.inputs.measurements import (
    FrameworkResult,
    KerasBackendName,
    KerasBackendResult,
    Measurements,
    Native,
    Ratio,
    Sensitivity,
)
from advisor.knowledge.bridge import BRIDGE_NOTES, KERAS_BACKENDS, keras_relevant
from advisor.knowledge.formats import Note
from advisor.knowledge.ruleset import RuleSet
from advisor.knowledge.workloads import workload_for
from advisor.scoring.explanation import note
from advisor.scoring.recommendation import BridgeBackend, BridgeRatio, BridgeSetting, KerasBridge

AGAINST: dict[Native, str] = {"pytorch": "native PyTorch", "tensorflow": "Keras on TensorFlow"}
HOW_TO_MEASURE = (
    "`advisor probe --keras-backends tensorflow,torch` measures it for this workload (add jax "
    "with the [jax] extra installed)"
)


def keras_bridge(
    answers: Answers, ruleset: RuleSet, measurements: Measurements | None
) -> KerasBridge | None:
    """The section, or None where a Keras bridge does not concern the team."""
    because = keras_relevant(answers)
    if because is None:
        return None
    notes = [note(r) for r in ruleset.rules
             if r.id in BRIDGE_NOTES and isinstance(r.rule, Note)]  # fmt: skip
    choice = (
        "Keeping the Keras code and changing its backend is the alternative to a rewrite in "
        "PyTorch" if answers["existing_code"] in ("keras", "tensorflow") else
        "Writing the model in Keras 3 keeps the team's skills and leaves the backend open"
    )  # fmt: skip
    lines = [
        f"Keras 3 runs one model's code on TensorFlow, JAX or PyTorch. {because} {choice}: a "
        "bridge, not a third choice, so the recommendation stays between TensorFlow and "
        "PyTorch."
    ]
    if measurements is None:
        lines.append(f"What switching the backend costs was not measured: {HOW_TO_MEASURE}.")
        return KerasBridge(because=because, lines=lines, notes=notes)
    matching = workload_for(answers)
    workload = matching if matching in measurements.workloads else measurements.workload
    frameworks, ratios = _figures(measurements, workload)
    backends = _backends(frameworks, ratios, measurements.keras_backends(workload))
    if workload != matching:
        lines.append(
            f"These figures are of the {workload} workload; your domain matches the {matching} "
            f"workload (`advisor probe --workload {matching} --keras-backends "
            "tensorflow,torch` measures it)."
        )
    lines += [_sentence(b, workload) for b in backends]
    if not any(b.backend != "tensorflow" for b in backends):
        lines.append(f"Keras on another backend was not measured: {HOW_TO_MEASURE}.")
    elif meaning := _meaning(backends):
        lines.append(meaning)
    return KerasBridge(because=because, workload=workload, backends=backends, lines=lines,
                       notes=notes)  # fmt: skip


def _figures(
    m: Measurements, workload: str
) -> tuple[Mapping[Framework, FrameworkResult], Mapping[str, Ratio]]:
    if workload == m.workload:
        return m.frameworks, m.ratios
    entry = m.workloads[workload]
    return entry.frameworks, entry.ratios


def _ratio(r: Ratio | None) -> BridgeRatio | None:
    if r is None or r.estimate is None:
        return None
    return BridgeRatio(estimate=r.estimate, ci95=r.ci95, pairs=r.pairs)


def _inverse(r: Ratio | None) -> BridgeRatio | None:
    """TensorFlow ÷ PyTorch from the file's PyTorch ÷ TensorFlow."""
    if r is None or r.estimate is None:
        return None
    ci = (1 / r.ci95[1], 1 / r.ci95[0]) if r.ci95 else None
    return BridgeRatio(estimate=1 / r.estimate, ci95=ci, pairs=r.pairs)


def _backends(
    frameworks: Mapping[Framework, FrameworkResult],
    ratios: Mapping[str, Ratio],
    others: Mapping[KerasBackendName, KerasBackendResult],
) -> list[BridgeBackend]:
    out: list[BridgeBackend] = []
    tf = frameworks.get("tensorflow")
    if tf is not None:
        train = tf.train_samples_per_s
        inverse = _inverse(ratios.get("train"))
        out.append(BridgeBackend(
            backend="tensorflow", status=tf.status, message=tf.message,
            backend_version=tf.version, train_samples_per_s=train.median if train else None,
            train_ci95=train.ci95 if train else None,
            against={"pytorch": inverse} if inverse is not None else {},
        ))  # fmt: skip
    names: tuple[KerasBackendName, ...] = ("torch", "jax")
    for name in names:
        if (b := others.get(name)) is None:
            continue
        train = b.train_samples_per_s
        equivalent = b.equivalence.ok if b.equivalence is not None else None
        against: dict[Framework, BridgeRatio] = {
            fw: r for fw in AGAINST if (r := _ratio(b.ratios.get(fw))) is not None
        }
        out.append(BridgeBackend(
            backend=name, status=b.status, message=b.message, backend_version=b.backend_version,
            jit_compile=b.jit_compile, train_samples_per_s=train.median if train else None,
            train_ci95=train.ci95 if train else None, equivalent=equivalent,
            against=against if equivalent is not False else {},
            settings=[_setting(s) for s in b.sensitivity if s.where == "compile"],
        ))  # fmt: skip
    return out


def _setting(s: Sensitivity) -> BridgeSetting:
    against = {fw: r for fw in AGAINST if (r := _ratio(s.ratios.get(fw))) is not None}
    speedup = (BridgeRatio(estimate=s.speedup.estimate, ci95=s.speedup.ci95,
                           pairs=s.speedup.pairs) if s.speedup else None)  # fmt: skip
    return BridgeSetting(setting=s.setting, path=s.path, status=s.status, message=s.message,
                         speedup=speedup, against=against, compile_s=s.compile_s)  # fmt: skip


def _times(r: BridgeRatio, against: str) -> str:
    span = f"95 % CI {r.ci95[0]:.2f}–{r.ci95[1]:.2f}" if r.ci95 else "no interval"
    return f"{r.estimate:.2f}× {against} ({span})"


def _name(b: BridgeBackend) -> str:
    default = " (XLA, its default there)" if b.jit_compile else ""
    return f"Keras 3 on the {KERAS_BACKENDS[b.backend]} backend{default}"


def _sentence(b: BridgeBackend, workload: str) -> str:
    """One backend: "Keras 3 on the torch backend trains the cnn workload at 0.65× native
    PyTorch here (95 % CI 0.55–0.77) ...; with jit_compile=True 0.90× ..."."""
    if b.status != "ok":
        why = b.status.replace("_", " ") + (f": {b.message}" if b.message else "")
        return f"{_name(b)} was not measured ({why})."
    if b.equivalent is False:
        return (f"{_name(b)} was measured, but its model was not proven the same as the native "
                "ones, so it is not compared with them.")  # fmt: skip
    parts = [_times(r, AGAINST[fw]) for fw, r in b.against.items()
             if not (b.backend == "tensorflow" and fw == "tensorflow")]  # fmt: skip
    if not parts:
        return f"{_name(b)} trained the {workload} workload, but no paired ratio could be formed."
    text = f"{_name(b)} trains the {workload} workload at {' and '.join(parts)} here"
    for s in b.settings:
        if s.status != "ok":
            text += f"; {s.setting} was not measured ({s.status.replace('_', ' ')})"
            continue
        native = s.against.get("pytorch")
        if native is None:
            continue
        compiling = f", after {s.compile_s:.0f} s compiling" if s.compile_s else ""
        text += f"; with {s.setting} {_times(native, AGAINST['pytorch'])}{compiling}"
    return text + "."


def _meaning(backends: list[BridgeBackend]) -> str | None:
    """What the measured cost means for the choice, from the best way a user could run the
    Keras code on a backend other than TensorFlow (its default, or a jit_compile setting)."""
    options: list[tuple[BridgeRatio, str]] = []
    for b in backends:
        if b.backend == "tensorflow" or b.status != "ok":
            continue
        if (r := b.against.get("pytorch")) is not None:
            options.append((r, f"the {KERAS_BACKENDS[b.backend]} backend"))
        for s in b.settings:
            if s.status == "ok" and (r := s.against.get("pytorch")) is not None:
                options.append((r, f"the {KERAS_BACKENDS[b.backend]} backend with {s.setting}"))
    if not options:
        return None
    best, how = max(options, key=lambda o: o[0].estimate)
    lo, hi = best.ci95 or (best.estimate, best.estimate)
    if hi < 1.0:
        return (
            f"So Keras code trains slower here than native PyTorch on every backend measured: "
            f"at best {best.estimate:.2f}×, on {how}. Code written in PyTorch would not pay "
            "that on this workload; existing Keras code pays a rewrite instead."
        )
    if lo > 1.0:
        return (f"So on {how} Keras code trains faster here than native PyTorch "
                f"({best.estimate:.2f}×): the bridge costs no training speed.")  # fmt: skip
    return (f"So on {how} Keras code trains as fast as native PyTorch within noise "
            f"({best.estimate:.2f}×): the bridge costs no measurable training speed "
            "here.")  # fmt: skip
