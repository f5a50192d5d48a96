"""The formula: criterion weights, points, the winner rule, confidence and robustness.

Pure and deterministic, like all of ``advisor.scoring``. The formula, documented in docs/scoring.md:

    weight(c)      = base(c) × Π factor(s) for every scale entry s of c whose condition holds
                     (measured criteria scaled down together so they never exceed 20 % of
                     the total weight)
    score(f)       = Σ_c weight(c) × points(c, f), points from the rules that fired for f
                     (existing-code rules scaled by a scan's switching cost, ``switching``)
                     and from measurements
    Δ              = |score(tensorflow) − score(pytorch)|
    confidence     = (1 − e^(−Δ/3)) × Δ / (score(tensorflow) + score(pytorch))
    recommendation = the leader when confidence ≥ 0.10, else "either";
                     a constraint that fired decides regardless (confidence 1).
    robustness     = the share of 300 seeded draws, each scaling every criterion weight by
                     its own factor in [0.75, 1.25], whose verdict equals this one;
                     steady from 0.95, mostly steady from 0.80, fragile below
    close          = confidence < 0.10 or robustness < 0.80 (``is_close``): the one
                     definition behind notes marked ``only_if_close`` and every sentence
                     that calls the result close.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

from advisor.errors import RuleConflictError
from advisor.frameworks import FRAMEWORKS, Winner
from advisor.inputs.answers import Answers
from advisor.inputs.questions import AnswerValue
from advisor.knowledge.formats import Constraint, Note, PointsRule
from advisor.knowledge.ruleset import LoadedRule, RuleSet
from advisor.scoring.measured import MEASURED_CAP, Measured
from advisor.scoring.recommendation import Robustness, Steadiness
from advisor.scoring.switching import NO_SCAN, Switching

EITHER_BELOW = 0.10
"""Confidence under which the recommendation is ``either``."""
EVIDENCE_SCALE = 3.0
"""τ in the confidence formula: one strong rule (3 points) at unit weight is substantial."""
CLOSE_ROBUSTNESS = 0.80
"""A result that holds in fewer of the weight perturbations than this is close, whatever its
confidence (see ``is_close``)."""
STEADY_ROBUSTNESS = 0.95
"""From this share of the perturbations on, a result is called steady rather than mostly so."""

ROBUSTNESS_DRAWS = 300
ROBUSTNESS_PERTURBATION = 0.25
ROBUSTNESS_SEED = 20261128

Points = dict[str, dict[str, float]]
"""Per criterion, each framework's points (before weighting)."""


@dataclass(frozen=True)
class Evaluation:
    weights: dict[str, float]
    points: Points
    scores: dict[str, float]
    winner: Winner
    confidence: float
    constraint: LoadedRule | None
    points_winner: Winner


def steadiness(share: float) -> Steadiness:
    """The robustness share in a word; ``fragile`` is exactly the robustness half of close."""
    if share >= STEADY_ROBUSTNESS:
        return "steady"
    return "mostly steady" if share >= CLOSE_ROBUSTNESS else "fragile"


def lead_share(scores: Mapping[str, float]) -> float:
    """The margin as a share of the weighted points in play (0 when there are none)."""
    total = scores["tensorflow"] + scores["pytorch"]
    return abs(scores["tensorflow"] - scores["pytorch"]) / total if total > 0 else 0.0


def evidence_factor(scores: Mapping[str, float]) -> float:
    """How much the margin counts as evidence: 1 − e^(−Δ/τ), 0.63 for one strong rule."""
    return 1 - math.exp(-abs(scores["tensorflow"] - scores["pytorch"]) / EVIDENCE_SCALE)


def is_close(confidence: float, robustness: float) -> bool:
    """The one definition of a close result: under the ``either`` threshold, or a winner that
    does not survive at least ``CLOSE_ROBUSTNESS`` of the weight perturbations."""
    return confidence < EITHER_BELOW or robustness < CLOSE_ROBUSTNESS


def shown_note(rule: LoadedRule, close: bool) -> bool:
    """Whether a fired note is said: one marked ``only_if_close`` only when the result is."""
    return not (isinstance(rule.rule, Note) and rule.rule.only_if_close) or close


def fires(rule: LoadedRule, answers: Mapping[str, AnswerValue]) -> bool:
    return rule.condition is None or rule.condition.holds(answers)


def base_weights(answers: Answers, ruleset: RuleSet) -> dict[str, float]:
    weights = {}
    for c in ruleset.criteria:
        w = c.criterion.weight
        for condition, factor in c.scale:
            if condition.holds(answers):
                w *= factor
        weights[c.id] = w
    return weights


def measured_weights(answers: Answers, ruleset: RuleSet) -> tuple[dict[str, float], float]:
    """Weights with the measured criteria capped at MEASURED_CAP of the total; and the scale."""
    weights = base_weights(answers, ruleset)
    measured_ids = {c.id for c in ruleset.criteria if c.criterion.measured}
    m = sum(w for k, w in weights.items() if k in measured_ids)
    rest = sum(w for k, w in weights.items() if k not in measured_ids)
    scale = 1.0
    if m > 0 and m / (m + rest) > MEASURED_CAP:
        scale = MEASURED_CAP * rest / ((1 - MEASURED_CAP) * m)
        for k in measured_ids:
            weights[k] *= scale
    return weights, scale


def evaluate(
    answers: Answers,
    ruleset: RuleSet,
    measured: Measured,
    fired: list[LoadedRule] | None = None,
    weights: dict[str, float] | None = None,
    switching: Switching = NO_SCAN,
) -> Evaluation:
    """Points and the verdict; ``switching`` scales the existing-code rules' points by the
    project's switching cost (1 without a scan)."""
    if fired is None:
        fired = [r for r in ruleset.rules if fires(r, answers)]
    if weights is None:
        weights = measured_weights(answers, ruleset)[0]
    points = {c.id: {"tensorflow": 0.0, "pytorch": 0.0} for c in ruleset.criteria}
    for r in fired:
        if isinstance(r.rule, PointsRule):
            points[r.rule.criterion][r.rule.favors] += r.rule.points * switching.scale(r)
    for c in measured.contributions:
        points[c.criterion][c.favors] += c.points
    return decide(weights, points, fired)


def decide(weights: dict[str, float], points: Points, fired: list[LoadedRule]) -> Evaluation:
    scores: dict[str, float] = {
        f: sum(weights[c] * points[c][f] for c in points) for f in FRAMEWORKS
    }
    points_winner, conf = verdict(scores)
    constraints = [(r, r.rule) for r in fired if isinstance(r.rule, Constraint)]
    required = {rule.requires for _, rule in constraints}
    if len(required) > 1:
        names = "; ".join(
            f"{r.id} ({r.path}, line {r.line}) requires {rule.requires}" for r, rule in constraints
        )
        raise RuleConflictError(
            f"constraints contradict each other for these answers: {names} "
            "(`advisor rules check` finds such pairs before a run)"
        )
    if constraints:
        first, rule = constraints[0]
        return Evaluation(weights, points, scores, rule.requires, 1.0, first, points_winner)
    return Evaluation(weights, points, scores, points_winner, conf, None, points_winner)


def confidence(scores: Mapping[str, float]) -> float:
    return evidence_factor(scores) * lead_share(scores)


def verdict(scores: Mapping[str, float]) -> tuple[Winner, float]:
    """The winner rule: the leader when confidence reaches ``EITHER_BELOW``, else ``either``;
    and the confidence."""
    conf = confidence(scores)
    if conf < EITHER_BELOW:
        return "either", conf
    return ("tensorflow" if scores["tensorflow"] > scores["pytorch"] else "pytorch"), conf


def robustness(ev: Evaluation) -> Robustness:
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
            scores: dict[str, float] = {
                f: sum(w[c] * ev.points[c][f] for c in w) for f in FRAMEWORKS
            }
            draw, _ = verdict(scores)
            kept += draw == ev.winner
        share = kept / ROBUSTNESS_DRAWS
    return Robustness(
        share=round(share, 4),
        draws=ROBUSTNESS_DRAWS,
        perturbation=ROBUSTNESS_PERTURBATION,
        seed=ROBUSTNESS_SEED,
        level=steadiness(share),
    )
