"""The scoring: answers + rules + measurements → ``Recommendation``.

A pure, deterministic function: no I/O, no printing, no framework or UI imports (embedding
programs and the tests rely on that; the import contracts in pyproject.toml check it). Three
parts, each in its module:

    formula       criterion weights, points, the winner rule, confidence, robustness
    measured      what the probe's figures add, and how much they weigh
    switching     how a project scan's switching cost scales the existing-code points
    explanation   the reasons, notes, myths, sentences and flips a report shows
    project       what a project scan contributed, for the report
    versions      packages newer here than the versions the rules were checked against
    bridge        'Keras 3 as a bridge', where the answers make Keras relevant

``score`` puts them together; ``recommendation`` holds the model every renderer reads.
"""

from __future__ import annotations

from collections.abc import Mapping

from advisor.inputs.answers import Answers
from advisor.inputs.measurements import Measurements
from advisor.knowledge.formats import Myth, Note
from advisor.knowledge.ruleset import RuleSet
from advisor.machine import MachineId
from advisor.scan.answers import with_proposals
from advisor.scan.model import ProjectScan
from advisor.scoring import explanation, formula
from advisor.scoring.bridge import keras_bridge
from advisor.scoring.measured import measured
from advisor.scoring.project import project_use
from advisor.scoring.recommendation import Recommendation
from advisor.scoring.switching import switching
from advisor.scoring.versions import version_notices


def score(
    answers: Answers,
    ruleset: RuleSet,
    measurements: Measurements | None = None,
    *,
    scan: ProjectScan | None = None,
    here: MachineId | None = None,
    installed: Mapping[str, str] | None = None,
) -> Recommendation:
    """Combine answers, rules and (optional) measurements into a ``Recommendation``.

    With a project ``scan``, its ``default`` proposals answer the questions ``answers`` left
    open (never one they answer), and its switching cost scales the existing-code points.
    ``here`` is the machine the recommendation is for (``advisor.machine.this_machine()``, which
    the callers read; the scoring reads nothing): measurements from another machine weigh
    less. None takes the measurements to be from the machine they name.
    ``installed`` maps package names to the versions installed where the advisor runs (read by
    ``advisor.inputs.environment``); packages newer than the rule packs' checked versions are
    reported in ``Recommendation.versions``."""
    if scan is not None:
        answers = with_proposals(answers, scan, ruleset.questionnaire)
    cost = switching(scan)
    fired = [r for r in ruleset.rules if formula.fires(r, answers)]
    weights, cap_scale = formula.measured_weights(answers, ruleset)
    points = measured(answers, measurements, cap_scale, here)
    evaluation = formula.evaluate(answers, ruleset, points, fired, weights, cost)
    # Closeness needs both the winner and its robustness, so it comes after both.
    robustness = formula.robustness(evaluation)
    close = formula.is_close(evaluation.confidence, robustness.share)
    bridge = keras_bridge(answers, ruleset, measurements)
    cited = {n.id for n in bridge.notes} if bridge is not None else set()  # shown there
    notes = [explanation.note(r) for r in fired
             if isinstance(r.rule, Note) and formula.shown_note(r, close) and r.id not in cited]
    myths = [explanation.myth(r) for r in fired if isinstance(r.rule, Myth)]
    reasons = explanation.reasons(fired, points, evaluation.weights, cost)
    constraint = explanation.constraint_out(evaluation)
    shown = {r.id for r in reasons} | {n.id for n in notes} | {m.id for m in myths} | cited
    shown |= {constraint.id} if constraint else set()
    return Recommendation(
        recommendation=evaluation.winner,
        confidence=round(evaluation.confidence, 4),
        lead_share=round(formula.lead_share(evaluation.scores), 4),
        meaning=explanation.meaning(evaluation, robustness),
        close=close,
        decided_by="constraint" if evaluation.constraint else "points",
        scores=explanation.per_framework(evaluation.scores),
        margin=round(abs(evaluation.scores["tensorflow"] - evaluation.scores["pytorch"]), 4),
        criteria=explanation.criteria(ruleset, evaluation, fired, points),
        reasons=reasons,
        explanation=explanation.explain(evaluation, ruleset, answers, robustness, close),
        constraint=constraint,
        notes=notes,
        myths=myths,
        flips=explanation.flips(answers, ruleset, measurements, evaluation.winner, cost, here),
        robustness=robustness,
        answers=answers.to_dict(),
        defaulted=list(answers.defaulted),
        measurements=points.use if measurements is not None else None,
        provenance=explanation.provenance(ruleset),
        project=None if scan is None
        else project_use(scan, answers, ruleset.questionnaire, cost, fired),
        versions=version_notices(ruleset, shown, installed or {}, measurements),
        keras_bridge=bridge,
    )


def result_is_close(
    answers: Answers,
    ruleset: RuleSet,
    measurements: Measurements | None = None,
    *,
    scan: ProjectScan | None = None,
    here: MachineId | None = None,
) -> bool:
    """``Recommendation.close`` for these inputs, without the rest of the report (the app's
    rule preview asks this for every highlighted choice)."""
    if scan is not None:
        answers = with_proposals(answers, scan, ruleset.questionnaire)
    weights, cap_scale = formula.measured_weights(answers, ruleset)
    evaluation = formula.evaluate(
        answers, ruleset, measured(answers, measurements, cap_scale, here), weights=weights,
        switching=switching(scan),
    )
    return formula.is_close(evaluation.confidence, formula.robustness(evaluation).share)
