"""The embedding API: one call from answers to a Recommendation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from advisor.answers import Answers, normalise_answers
from advisor.measurements import Measurements, parse_measurements
from advisor.recommendation import Recommendation
from advisor.rulebook import RuleSet, load_ruleset
from advisor.scoring import score


def recommend(
    answers: Mapping[str, Any] | Answers,
    *,
    measurements: Measurements | Mapping[str, Any] | None = None,
    rule_paths: Sequence[str | Path] = (),
    ruleset: RuleSet | None = None,
) -> Recommendation:
    """Recommend TensorFlow, PyTorch or either for ``answers``.

    Args:
        answers: a mapping of question ids to answers (missing ones take their defaults), or
            an ``Answers`` from ``load_answers``.
        measurements: probe results (a ``Measurements`` or a contract-3 dict), or None.
        rule_paths: extra rule packs (files or directories) on top of the bundled rules.
        ruleset: an already loaded ``RuleSet`` (overrides ``rule_paths``), for callers that
            score many answer sets.

    Raises:
        AnswersError, MeasurementsError, RuleFileError, RuleConflictError.
    """
    rules = ruleset or load_ruleset(rule_paths)
    normalised = normalise_answers(answers, rules.questionnaire)
    if measurements is not None and not isinstance(measurements, Measurements):
        measurements = parse_measurements(dict(measurements))
    return score(normalised, rules, measurements)
