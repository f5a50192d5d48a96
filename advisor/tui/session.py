"""What the app remembers between screens, and what it asks of the core. No Textual here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.answers import NO_TARGET, Answers, AnswerValue, normalise_answers
from advisor.conditions import mentions

if TYPE_CHECKING:
    from advisor.measurements import Measurements
    from advisor.questions import Question, Questionnaire
    from advisor.recommendation import Recommendation
    from advisor.rulebook import LoadedRule, RuleSet


def default_values(questionnaire: Questionnaire) -> dict[str, AnswerValue]:
    return dict(normalise_answers({}, questionnaire).values)


@dataclass
class Session:
    """One pass through the app: the answers so far, whether to measure, what was measured."""

    ruleset: RuleSet
    values: dict[str, AnswerValue] = field(default_factory=dict)
    step: int = 0
    measure: bool = True
    measurements: Measurements | None = None
    measurements_origin: str = ""
    """Where the measurements came from, in words ("measured now", "cached run of ...")."""
    probe_settings: Any = None
    workdir: Path = field(default_factory=Path.cwd)

    def __post_init__(self) -> None:
        self.values = {**default_values(self.questionnaire), **self.values}

    @property
    def questionnaire(self) -> Questionnaire:
        return self.ruleset.questionnaire

    @property
    def questions(self) -> list[Question]:
        return self.questionnaire.questions

    def load(self, answers: Answers) -> None:
        self.values = dict(answers.values)

    def answers(self) -> Answers:
        """Every question is on screen with its default preselected, so none counts as defaulted."""
        raw = {k: list(v) if isinstance(v, tuple) else v for k, v in self.values.items()}
        return normalise_answers(raw, self.questionnaire)

    def recommendation(self) -> Recommendation:
        from advisor.scoring import score

        return score(self.answers(), self.ruleset, self.measurements)

    def reset(self) -> None:
        self.values = default_values(self.questionnaire)
        self.step = 0
        self.measurements = None
        self.measurements_origin = ""


def rules_fired_by(
    ruleset: RuleSet, question_id: str, values: Mapping[str, AnswerValue]
) -> list[LoadedRule]:
    """Rules whose condition mentions ``question_id`` and holds for ``values``: what this answer
    brings into play (rules that fire whatever the answer are left out)."""
    return [
        r for r in ruleset.rules
        if r.condition is not None
        and any(q == question_id for q, _ in mentions(r.condition))
        and r.condition.holds(values)
    ]


def with_answer(
    values: Mapping[str, AnswerValue], question: Question, value: str | tuple[str, ...]
) -> dict[str, AnswerValue]:
    """``values`` with one answer changed; a list answer keeps ``none`` as the empty tuple."""
    changed = dict(values)
    if question.type == "many":
        chosen = (value,) if isinstance(value, str) else tuple(value)
        changed[question.id] = tuple(v for v in question.values if v in chosen and v != NO_TARGET)
    else:
        changed[question.id] = value
    return changed
