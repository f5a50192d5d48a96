"""The scoring: answers + rules + measurements → ``Recommendation``.

A pure, deterministic function: no I/O, no printing, no framework or UI imports (embedding
programs and the tests rely on that; the import contracts in pyproject.toml check it). Three
parts, each in its module:

    formula       criterion weights, points, the winner rule, confidence, robustness
    measured      what the probe's figures add, and how much they weigh
    explanation   the reasons, notes, myths, sentences and flips a report shows
    bridge        'Keras 3 as a bridge', where the answers make Keras relevant

``score`` puts them together; ``recommendation`` holds the model every renderer reads.
"""

from __future__ import annotations

from advisor.inputs.answers import Answers
from advisor.inputs.measurements import Measurements
from advisor.knowledge.formats import Myth, Note
from advisor.knowledge.ruleset import RuleSet
from advisor.scoring import explanation, formula
from advisor.scoring.bridge import keras_bridge
from advisor.scoring.measured import measured
from advisor.scoring.recommendation import Recommendation


def score(
    answers: Answers, ruleset: RuleSet, measurements: Measurements | None = None
) -> Recommendation:
    """Combine answers, rules and (optional) measurements into a ``Recommendation``."""
    fired = [r for r in ruleset.rules if formula.fires(r, answers)]
    weights, cap_scale = formula.measured_weights(answers, ruleset)
    points = measured(answers, measurements, cap_scale)
    evaluation = formula.evaluate(answers, ruleset, points, fired, weights)
    # Closeness needs both the winner and its robustness, so it comes after both.
    robustness = formula.robustness(evaluation)
    close = formula.is_close(evaluation.confidence, robustness.share)
    bridge = keras_bridge(answers, ruleset, measurements)
    cited = {n.id for n in bridge.notes} if bridge is not None else set()  # shown there
    return Recommendation(
        recommendation=evaluation.winner,
        confidence=round(evaluation.confidence, 4),
        close=close,
        decided_by="constraint" if evaluation.constraint else "points",
        scores=explanation.per_framework(evaluation.scores),
        margin=round(abs(evaluation.scores["tensorflow"] - evaluation.scores["pytorch"]), 4),
        criteria=explanation.criteria(ruleset, evaluation, fired, points),
        reasons=explanation.reasons(fired, points, evaluation.weights),
        explanation=explanation.explain(evaluation, ruleset, answers, robustness, close),
        constraint=explanation.constraint_out(evaluation),
        notes=[
            explanation.note(r)
            for r in fired
            if isinstance(r.rule, Note) and formula.shown_note(r, close) and r.id not in cited
        ],
        myths=[explanation.myth(r) for r in fired if isinstance(r.rule, Myth)],
        flips=explanation.flips(answers, ruleset, measurements, evaluation.winner),
        robustness=robustness,
        answers=answers.to_dict(),
        defaulted=list(answers.defaulted),
        measurements=points.use if measurements is not None else None,
        provenance=explanation.provenance(ruleset),
        keras_bridge=bridge,
    )


def result_is_close(
    answers: Answers, ruleset: RuleSet, measurements: Measurements | None = None
) -> bool:
    """``Recommendation.close`` for these inputs, without the rest of the report (the app's
    rule preview asks this for every highlighted choice)."""
    weights, cap_scale = formula.measured_weights(answers, ruleset)
    evaluation = formula.evaluate(
        answers, ruleset, measured(answers, measurements, cap_scale), weights=weights
    )
    return formula.is_close(evaluation.confidence, formula.robustness(evaluation).share)
