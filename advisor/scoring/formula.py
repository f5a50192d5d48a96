"""The scoring module: a pure, deterministic function of (answers, rules, measurements).

No I/O, no printing, and no framework or UI imports: embedding programs and the tests rely on
that (``tests/test_import_hygiene.py``). The formula, documented in the README:

    weight(c)      = base(c) × Π factor(s) for every scale entry s of c whose condition holds
                     (measured criteria scaled down together so they never exceed 20 % of
                     the total weight)
    score(f)       = Σ_c weight(c) × points(c, f), points from the rules that fired for f
                     and from measurements
    Δ              = |score(tensorflow) − score(pytorch)|
    confidence     = (1 − e^(−Δ/3)) × Δ / (score(tensorflow) + score(pytorch))
    recommendation = the leader when confidence ≥ 0.10, else "either";
                     a constraint that fired decides regardless (confidence 1).
    close          = confidence < 0.10 or robustness < 0.80 (``is_close``): the one
                     definition behind notes marked ``only_if_close`` and every sentence
                     that calls the result close.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from advisor import __version__
from advisor.errors import RuleConflictError
from advisor.inputs.answers import Answers, AnswerValue
from advisor.inputs.measurements import FrameworkResult, Measurements, Ratio
from advisor.knowledge.formats import FRAMEWORKS, Constraint, Myth, Note, PointsRule
from advisor.knowledge.loader import LoadedRule, RuleSet
from advisor.scoring.recommendation import (
    ConstraintOut,
    CriterionScore,
    FasterSetting,
    Flip,
    MeasuredCriterion,
    MeasuredFramework,
    MeasurementUse,
    MythOut,
    NoteOut,
    OverrideRef,
    PackRef,
    PerFramework,
    Provenance,
    Reason,
    Recommendation,
    Robustness,
    SourceRef,
    Winner,
)
from advisor.times import utc_minute

EITHER_BELOW = 0.10
"""Confidence under which the recommendation is ``either``."""
EVIDENCE_SCALE = 3.0
"""τ in the confidence formula: one strong rule (3 points) at unit weight is substantial."""
CLOSE_ROBUSTNESS = 0.80
"""A result that holds in fewer of the weight perturbations than this is close, whatever its
confidence (see ``is_close``)."""

MEASURED_CAP = 0.20
"""Measured criteria together never carry more than this share of the total weight."""
MEASURED_MAX_POINTS = 3.0
POINTS_PER_DOUBLING = 3.0
"""A 2× measured speed difference earns the maximum; points grow with log(ratio)."""
FOREIGN_DEVICE_SCALE = 0.25
"""A probe on other hardware than the user trains on (a CPU probe for GPU training) says little."""
UNSTABLE_SCALE = 0.5
STARTUP_MIN_RATIO = 1.5
"""Import time and peak memory have no interval: they count only beyond a 1.5× difference."""

ROBUSTNESS_DRAWS = 300
ROBUSTNESS_PERTURBATION = 0.25
ROBUSTNESS_SEED = 20261128

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
class _Contribution:
    criterion: str
    favors: str
    points: float
    reason_id: str
    detail: str
    """What was measured, in words: each measured reason says its own number."""


@dataclass(frozen=True)
class _Evaluation:
    weights: dict[str, float]
    points: dict[str, dict[str, float]]
    scores: dict[str, float]
    winner: Winner
    confidence: float
    constraint: LoadedRule | None
    points_winner: Winner


def score(
    answers: Answers, ruleset: RuleSet, measurements: Measurements | None = None
) -> Recommendation:
    """Combine answers, rules and (optional) measurements into a ``Recommendation``."""
    fired = [r for r in ruleset.rules if _fires(r, answers)]
    weighted = _measured_weights(answers, ruleset)
    measured = _measured(answers, measurements, weighted)
    evaluation = _evaluate(answers, ruleset, measured, fired, weighted[0])
    # Closeness needs both the winner and its robustness, so it comes after both.
    robustness = _robustness(evaluation)
    close = is_close(evaluation.confidence, robustness.share)
    return Recommendation(
        recommendation=evaluation.winner,
        confidence=round(evaluation.confidence, 4),
        close=close,
        decided_by="constraint" if evaluation.constraint else "points",
        scores=_pf(evaluation.scores),
        margin=round(abs(evaluation.scores["tensorflow"] - evaluation.scores["pytorch"]), 4),
        criteria=_criteria(ruleset, evaluation, fired, measured),
        reasons=_reasons(fired, measured, evaluation.weights),
        explanation=_explain(evaluation, ruleset, answers, robustness, close),
        constraint=_constraint_out(evaluation),
        notes=[_note(r) for r in fired if isinstance(r.rule, Note) and shown_note(r, close)],
        myths=[_myth(r) for r in fired if isinstance(r.rule, Myth)],
        flips=_flips(answers, ruleset, measurements, evaluation.winner),
        robustness=robustness,
        answers=answers.to_dict(),
        defaulted=list(answers.defaulted),
        measurements=measured.use if measurements is not None else None,
        provenance=_provenance(ruleset),
    )


def is_close(confidence: float, robustness: float) -> bool:
    """The one definition of a close result: under the ``either`` threshold, or a winner that
    does not survive at least ``CLOSE_ROBUSTNESS`` of the weight perturbations."""
    return confidence < EITHER_BELOW or robustness < CLOSE_ROBUSTNESS


def shown_note(rule: LoadedRule, close: bool) -> bool:
    """Whether a fired note is said: one marked ``only_if_close`` only when the result is."""
    return not (isinstance(rule.rule, Note) and rule.rule.only_if_close) or close


def result_is_close(
    answers: Answers, ruleset: RuleSet, measurements: Measurements | None = None
) -> bool:
    """``Recommendation.close`` for these inputs, without the rest of the report (the app's
    rule preview asks this for every highlighted choice)."""
    weighted = _measured_weights(answers, ruleset)
    evaluation = _evaluate(answers, ruleset, _measured(answers, measurements, weighted),
                           weights=weighted[0])
    return is_close(evaluation.confidence, _robustness(evaluation).share)


# --- evaluation -------------------------------------------------------------------------------


def _fires(rule: LoadedRule, answers: Mapping[str, AnswerValue]) -> bool:
    return rule.condition is None or rule.condition.holds(answers)


def _base_weights(answers: Answers, ruleset: RuleSet) -> dict[str, float]:
    weights = {}
    for c in ruleset.criteria:
        w = c.criterion.weight
        for condition, factor in c.scale:
            if condition.holds(answers):
                w *= factor
        weights[c.id] = w
    return weights


def _measured_weights(answers: Answers, ruleset: RuleSet) -> tuple[dict[str, float], float]:
    """Weights with the measured criteria capped at MEASURED_CAP of the total; and the scale."""
    weights = _base_weights(answers, ruleset)
    measured_ids = {c.id for c in ruleset.criteria if c.criterion.measured}
    m = sum(w for k, w in weights.items() if k in measured_ids)
    rest = sum(w for k, w in weights.items() if k not in measured_ids)
    scale = 1.0
    if m > 0 and m / (m + rest) > MEASURED_CAP:
        scale = MEASURED_CAP * rest / ((1 - MEASURED_CAP) * m)
        for k in measured_ids:
            weights[k] *= scale
    return weights, scale


def _evaluate(
    answers: Answers,
    ruleset: RuleSet,
    measured: _Measured,
    fired: list[LoadedRule] | None = None,
    weights: dict[str, float] | None = None,
) -> _Evaluation:
    if fired is None:
        fired = [r for r in ruleset.rules if _fires(r, answers)]
    if weights is None:
        weights = _measured_weights(answers, ruleset)[0]
    points = {c.id: {"tensorflow": 0.0, "pytorch": 0.0} for c in ruleset.criteria}
    for r in fired:
        if isinstance(r.rule, PointsRule):
            points[r.rule.criterion][r.rule.favors] += r.rule.points
    for c in measured.contributions:
        points[c.criterion][c.favors] += c.points
    return _decide(weights, points, fired)


def _decide(
    weights: dict[str, float], points: dict[str, dict[str, float]], fired: list[LoadedRule]
) -> _Evaluation:
    scores = {f: sum(weights[c] * points[c][f] for c in points) for f in FRAMEWORKS}
    conf = _confidence(scores)
    tf, pt = scores["tensorflow"], scores["pytorch"]
    points_winner: Winner = (
        "either" if conf < EITHER_BELOW else ("tensorflow" if tf > pt else "pytorch")
    )
    constraints = [r for r in fired if isinstance(r.rule, Constraint)]
    required = {r.rule.requires for r in constraints}  # type: ignore[union-attr]
    if len(required) > 1:
        names = "; ".join(
            f"{r.id} ({r.path}, line {r.line}) requires {r.rule.requires}"  # type: ignore[union-attr]
            for r in constraints
        )
        raise RuleConflictError(
            f"constraints contradict each other for these answers: {names} "
            "(`advisor rules check` finds such pairs before a run)"
        )
    if constraints:
        winner: Winner = constraints[0].rule.requires  # type: ignore[union-attr]
        return _Evaluation(weights, points, scores, winner, 1.0, constraints[0], points_winner)
    return _Evaluation(weights, points, scores, points_winner, conf, None, points_winner)


def _confidence(scores: Mapping[str, float]) -> float:
    total = scores["tensorflow"] + scores["pytorch"]
    delta = abs(scores["tensorflow"] - scores["pytorch"])
    if total <= 0:
        return 0.0
    return (1 - math.exp(-delta / EVIDENCE_SCALE)) * delta / total


# --- measurements -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Measured:
    contributions: tuple[_Contribution, ...]
    use: MeasurementUse | None


def _measured(
    answers: Answers, measurements: Measurements | None, weighted: tuple[dict[str, float], float]
) -> _Measured:
    if measurements is None:
        return _Measured((), None)
    _, cap_scale = weighted
    results = {name: measurements.frameworks.get(name) for name in FRAMEWORKS}  # type: ignore[call-overload]
    missing: list[str] = []
    for name, result in results.items():
        if result is None:
            missing.append(f"{NAMES[name]}: not measured")
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
        ran = ", ".join(f"{NAMES[n]} on {r.device or 'cpu'}"  # type: ignore[union-attr]
                       for n, r in results.items())
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
    speed_scale = device_scale * stability_scale

    contributions: list[_Contribution] = []
    details: list[MeasuredCriterion] = []
    training_key, training_label = _training_ratio(measurements)
    if usable:
        assert tf is not None and pt is not None
        for criterion, key, higher_is_better, label in (
            ("training_speed", training_key, True, training_label),
            ("inference_latency", "infer_latency", False, "batch-1 inference latency"),
        ):
            ratio = measurements.ratios.get(key)
            c, d = _from_ratio(criterion, ratio, higher_is_better, label, speed_scale)
            details.append(d)
            if c is not None:
                contributions.append(c)
            if ratio is None or ratio.estimate is None:
                missing.append(d.detail)
        c2, d2 = _startup(tf, pt, stability_scale)
        details.append(d2)
        contributions += c2
    use = MeasurementUse(
        used=bool(usable),
        created=measurements.created.isoformat(),
        machine=measurements.machine.cpu,
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
        training_ratio=training_key,
        faster=[
            FasterSetting(
                framework=name,
                setting=s.setting,
                applies=s.applies,
                path=s.path,
                speedup=s.speedup.estimate,  # type: ignore[union-attr]
                ci95=s.speedup.ci95,  # type: ignore[union-attr, arg-type]
            )
            for name in FRAMEWORKS
            if (r := results[name]) is not None and r.ok
            for s in r.worth_adding()
        ],
    )
    return _Measured(tuple(contributions), use)


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
    )


def _training_ratio(measurements: Measurements) -> tuple[str, str]:
    """Which training ratio scores, and how the report names it: each framework in its
    fastest measured setting when both were measured tuned (the report then says how to
    reach that setting), else both out of the box, as a plain script runs them."""
    tuned = measurements.ratios.get("train_tuned")
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
) -> tuple[_Contribution | None, MeasuredCriterion]:
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
    favors = "pytorch" if pytorch_better else "tensorflow"
    raw = min(MEASURED_MAX_POINTS, POINTS_PER_DOUBLING * abs(math.log(r)) / math.log(2))
    points = round(raw * scale, 4)
    detail = (
        f"{label}: PyTorch ÷ TensorFlow = {r:.2f} (95 % CI {lo:.2f}–{hi:.2f}); "
        f"{raw:.2f} points × {scale:g} scale"
    )
    return (
        _Contribution(
            criterion, favors, points, f"measured-{criterion.replace('_', '-')}", detail
        ),
        MeasuredCriterion(criterion=criterion, favors=favors, points=points, detail=detail),
    )


def _startup(
    tf: FrameworkResult, pt: FrameworkResult, scale: float
) -> tuple[list[_Contribution], MeasuredCriterion]:
    out: list[_Contribution] = []
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
        favors = "tensorflow" if a < b else "pytorch"
        detail = f"{label}: {NAMES[favors]} lower by {ratio:.2f}× (1 point × {scale:g})"
        out.append(
            _Contribution(
                "startup_memory", favors, 1.0 * scale, f"measured-{field.replace('_', '-')}",
                detail,
            )
        )
        parts.append(detail)
    total = sum(c.points for c in out)
    favors_set = {c.favors for c in out}
    favors = next(iter(favors_set)) if len(favors_set) == 1 else None
    return out, MeasuredCriterion(
        criterion="startup_memory",
        favors=favors,
        points=total,  # type: ignore[arg-type]
        detail="; ".join(parts),
    )


# --- report pieces ----------------------------------------------------------------------------


def _pf(values: Mapping[str, float]) -> PerFramework:
    return PerFramework(
        tensorflow=round(values["tensorflow"], 4), pytorch=round(values["pytorch"], 4)
    )


def _sources(rule: LoadedRule) -> list[SourceRef]:
    return [SourceRef(url=s.url, title=s.title, checked=s.checked) for s in rule.rule.sources]


def _criteria(
    ruleset: RuleSet, ev: _Evaluation, fired: list[LoadedRule], measured: _Measured
) -> dict[str, CriterionScore]:
    out = {}
    for c in ruleset.criteria:
        ids = [r.id for r in fired if isinstance(r.rule, PointsRule) and r.rule.criterion == c.id]
        ids += [m.reason_id for m in measured.contributions if m.criterion == c.id]
        p = ev.points[c.id]
        out[c.id] = CriterionScore(
            title=c.criterion.title,
            base_weight=c.criterion.weight,
            weight=round(ev.weights[c.id], 4),
            measured=c.criterion.measured,
            points=_pf(p),
            weighted=_pf({f: p[f] * ev.weights[c.id] for f in FRAMEWORKS}),
            rules=ids,
        )
    return out


def _reasons(
    fired: list[LoadedRule], measured: _Measured, weights: dict[str, float]
) -> list[Reason]:
    reasons = [
        Reason(
            id=r.id,
            kind="rule",
            criterion=r.rule.criterion,
            favors=r.rule.favors,
            points=r.rule.points,
            weight=round(weights[r.rule.criterion], 4),
            weighted_points=round(r.rule.points * weights[r.rule.criterion], 4),
            because=r.rule.because.strip(),
            sources=_sources(r),
            pack=r.pack,
        )
        for r in fired
        if isinstance(r.rule, PointsRule)
    ]
    use = measured.use
    for c in measured.contributions:
        reasons.append(
            Reason(
                id=c.reason_id,
                kind="measurement",
                criterion=c.criterion,
                favors=c.favors,  # type: ignore[arg-type]
                points=c.points,
                weight=round(weights[c.criterion], 4),
                weighted_points=round(c.points * weights[c.criterion], 4),
                because=f"Measured on this machine: {c.detail}.",
                sources=[
                    SourceRef(
                        title=f"advisor probe on {use.machine or 'this machine'}, "
                        f"{utc_minute(use.created)}",
                        checked=_probe_date(use.created),
                    )
                ]
                if use
                else [],
                pack="measurements",
            )
        )
    reasons.sort(key=lambda r: (-r.weighted_points, r.id))
    return reasons


def _probe_date(created: str) -> date:
    """The day a probe ran (its own 'checked' date), from the ISO time the probe wrote."""
    return datetime.fromisoformat(created).date()


def _note(r: LoadedRule) -> NoteOut:
    return NoteOut(
        id=r.id,
        text=r.rule.because.strip(),
        criterion=getattr(r.rule, "criterion", None),
        sources=_sources(r),
        pack=r.pack,
    )


def _myth(r: LoadedRule) -> MythOut:
    return MythOut(
        id=r.id,
        claim=r.rule.claim,
        truth=r.rule.because.strip(),  # type: ignore[union-attr]
        sources=_sources(r),
        pack=r.pack,
    )


def _constraint_out(ev: _Evaluation) -> ConstraintOut | None:
    if ev.constraint is None:
        return None
    r = ev.constraint
    return ConstraintOut(
        id=r.id,
        requires=r.rule.requires,
        because=r.rule.because.strip(),  # type: ignore[union-attr]
        sources=_sources(r),
        pack=r.pack,
        points_winner=ev.points_winner,
    )


NAMES = {"tensorflow": "TensorFlow", "pytorch": "PyTorch", "either": "either framework"}


_FAMILIAR = {
    # criterion: (the answer it follows from, how the sentence names it)
    "team": ("team_experience", "your team's skills"),
    "codebase": ("existing_code", "your existing code"),
}


def _explain(
    ev: _Evaluation, ruleset: RuleSet, answers: Answers, robustness: Robustness, close: bool
) -> list[str]:
    titles = {c.id: c.criterion.title for c in ruleset.criteria}
    weighted = {c: {f: ev.weights[c] * ev.points[c][f] for f in FRAMEWORKS} for c in ev.points}
    lines: list[str] = []
    if ev.constraint is not None:
        lines.append(
            f"Policy {ev.constraint.id!r} requires {NAMES[ev.winner]}; it decides whatever the "
            f"points say (the points alone recommend {NAMES[ev.points_winner]})."
        )
    leader = "tensorflow" if ev.scores["tensorflow"] >= ev.scores["pytorch"] else "pytorch"
    other = "pytorch" if leader == "tensorflow" else "tensorflow"
    if ev.points_winner == "either":
        lines.append(
            f"The evidence is balanced ({ev.scores['tensorflow']:.1f} vs "
            f"{ev.scores['pytorch']:.1f} "
            "weighted points): either framework will serve; let the team's preference decide."
        )
        return lines
    net = {c: weighted[c][leader] - weighted[c][other] for c in weighted}
    drivers = sorted((c for c in net if net[c] > 0), key=lambda c: -net[c])[:3]
    if drivers:
        lines.append(
            f"{NAMES[leader]} leads on "
            + ", ".join(f"{titles[c].lower()} (+{net[c]:.1f})" for c in drivers)
            + "."
        )
    # Name only what the answers say favours the other framework: a team that knows it, code
    # written in it.
    familiar = [
        c for c, (question, _) in _FAMILIAR.items()
        if c in net and net[c] < 0 and answers.get(question) == other
    ]
    if familiar:
        who = " and ".join(_FAMILIAR[c][1] for c in familiar)
        singular = familiar == ["codebase"]  # "code favours", but "skills favour"
        amount = -sum(net[c] for c in familiar)
        outweighing = [titles[c].lower() for c in drivers if c not in _FAMILIAR]
        lines.append(
            f"{who[0].upper()}{who[1:]} {'favours' if singular else 'favour'} "
            f"{NAMES[other]} (+{amount:.1f}), but {', '.join(outweighing) or 'other criteria'} "
            f"outweigh {'it' if singular else 'them'}."
        )
    if close and ev.constraint is None:
        lines.append(
            f"The result is close: {NAMES[leader]} stays ahead in only {robustness.share:.0%} "
            f"of {robustness.draws} random ±{robustness.perturbation:.0%} changes of the "
            "criterion weights."
        )
    return lines


# --- counterfactuals --------------------------------------------------------------------------


def _alternatives(
    question_id: str, current: AnswerValue, ruleset: RuleSet
) -> list[tuple[str, AnswerValue]]:
    q = ruleset.questionnaire[question_id]
    if q.type == "one":
        return [(f"{question_id}: {v} instead of {current}", v) for v in q.values if v != current]
    targets = current if isinstance(current, tuple) else (current,)
    out: list[tuple[str, AnswerValue]] = []
    for v in q.values:
        if v == "none":
            if targets:
                out.append((f"{question_id}: none (nothing deployed)", ()))
        elif v in targets:
            out.append((f"{question_id}: remove {v}", tuple(t for t in targets if t != v)))
        else:
            out.append(
                (f"{question_id}: add {v}", tuple(x for x in q.values if x in targets or x == v))
            )
    return out


def _flips(
    answers: Answers, ruleset: RuleSet, measurements: Measurements | None, winner: Winner
) -> list[Flip]:
    flips = []
    for question in ruleset.questionnaire.questions:
        for change, value in _alternatives(question.id, answers[question.id], ruleset):
            changed = answers.replace(question.id, value)
            try:
                weighted = _measured_weights(changed, ruleset)
                ev = _evaluate(
                    changed,
                    ruleset,
                    _measured(changed, measurements, weighted),
                    weights=weighted[0],
                )
            except RuleConflictError:
                continue  # a change that makes policies contradict is no useful advice
            if ev.winner != winner:
                shown = list(value) if isinstance(value, tuple) else value
                flips.append(
                    Flip(
                        question=question.id,
                        change=change,
                        answer=shown,
                        recommendation=ev.winner,
                        text=f"If {change}, the recommendation would be {NAMES[ev.winner]}.",
                    )
                )
    return flips


def _robustness(ev: _Evaluation) -> Robustness:
    if ev.constraint is not None:
        share = 1.0
    else:
        rng = random.Random(ROBUSTNESS_SEED)
        kept = 0
        for _ in range(ROBUSTNESS_DRAWS):
            w = {
                c: ev.weights[c]
                * rng.uniform(1 - ROBUSTNESS_PERTURBATION, 1 + ROBUSTNESS_PERTURBATION)
                for c in ev.weights
            }
            scores = {f: sum(w[c] * ev.points[c][f] for c in w) for f in FRAMEWORKS}
            conf = _confidence(scores)
            draw = (
                "either"
                if conf < EITHER_BELOW
                else ("tensorflow" if scores["tensorflow"] > scores["pytorch"] else "pytorch")
            )
            kept += draw == ev.winner
        share = kept / ROBUSTNESS_DRAWS
    return Robustness(
        share=round(share, 4),
        draws=ROBUSTNESS_DRAWS,
        perturbation=ROBUSTNESS_PERTURBATION,
        seed=ROBUSTNESS_SEED,
    )


def _provenance(ruleset: RuleSet) -> Provenance:
    return Provenance(
        advisor_version=__version__,
        rules_digest=ruleset.digest,
        advice_as_of=ruleset.advice_as_of,
        packs=[
            PackRef(pack=p.pack, path=_text(p.path), rules=p.rules, bundled=p.bundled)
            for p in ruleset.packs
        ],
        overrides=[
            OverrideRef(
                rule_id=o.rule_id,
                replaced_pack=o.replaced_pack,
                by_pack=o.by_pack,
                by_path=_text(o.by_path),
            )
            for o in ruleset.overrides
        ],
    )


def _text(path: str) -> str:
    """A file name as report text: one that is not UTF-8 (which Python keeps as surrogates)
    shows U+FFFD where its odd bytes are, instead of making JSON output fail."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
