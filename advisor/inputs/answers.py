"""The answers file (contract 1): loading, validation against the questionnaire, normalisation."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import AnswersError
from advisor.inputs import repeats
from advisor.inputs.files import Locator, brief, load_yaml
from advisor.inputs.questions import ANSWERS_VERSION, Question, Questionnaire
from advisor.inputs.validation import did_you_mean, suggest

AnswerValue = str | tuple[str, ...]
NO_TARGET = "none"
"""In a list answer, ``none`` stands for the empty list and cannot be combined with a target."""


@dataclass(frozen=True)
class Answers(Mapping[str, AnswerValue]):
    """A complete, normalised set of answers: every question has a value.

    Single-choice answers are strings; list answers are tuples in questionnaire order, with
    "no target" as the empty tuple.
    """

    # The answers by question id: a public name since the first release, though it hides
    # Mapping.values() (which iterating the mapping's items replaces).
    values: Mapping[str, AnswerValue]  # type: ignore[assignment]
    defaulted: tuple[str, ...] = field(default=())
    """The questions nobody answered: their questionnaire default is used."""
    proposed: tuple[str, ...] = field(default=())
    """The questions the user left open that a proposal filled (a project scan's, see
    ``propose``); never one the user answered, never one in ``defaulted``."""

    def __getitem__(self, key: str) -> AnswerValue:
        return self.values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def replace(self, key: str, value: AnswerValue) -> Answers:
        """A copy with one answer changed (used for counterfactuals): it is then nobody's
        default and nobody's proposal."""
        return Answers(
            {**self.values, key: value},
            tuple(d for d in self.defaulted if d != key),
            tuple(p for p in self.proposed if p != key),
        )

    def propose(self, values: Mapping[str, AnswerValue]) -> Answers:
        """A copy in which the questions left unanswered (``defaulted``) take ``values``,
        marked as proposed. An answer the user gave is never replaced: a proposal for it is
        ignored. The values must already be normalised (see ``normalise_value``)."""
        taken = {k: v for k, v in values.items() if k in self.defaulted}
        return Answers(
            {**self.values, **taken},
            tuple(d for d in self.defaulted if d not in taken),
            tuple(k for k in self.values if k in taken or k in self.proposed),
        )

    def to_dict(self) -> dict[str, str | list[str]]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.values.items()}


def normalise_answers(
    raw: Mapping[str, Any] | Answers,
    questionnaire: Questionnaire,
    *,
    path: str | Path | None = None,
    locator: Locator | None = None,
) -> Answers:
    """Validate ``raw`` against ``questionnaire`` and fill defaults; raise ``AnswersError``."""
    if isinstance(raw, Answers):
        raw = raw.to_dict()
    if not isinstance(raw, Mapping):
        raise AnswersError(
            path, f"expected a mapping of question ids to answers, got {_kind(raw)}",
            line=1 if path is not None else None,
        )

    def line(*keys: Any) -> int | None:
        return locator.line(keys) if locator else None

    values: dict[str, AnswerValue] = {}
    defaulted: list[str] = []
    problems: list[AnswersError] = []  # every problem in the file, so a user fixes them at once
    unknown = 0  # unknown questions: the first few are worded (with a "did you mean"), all counted
    for key, value in raw.items():
        if not isinstance(key, str):
            problems.append(
                AnswersError(path, f"keys must be question ids, got {brief(key)}", line=line(key))
            )
        elif key == "version":
            if type(value) is not int or value != ANSWERS_VERSION:  # True == 1.0 == 1 in Python
                problems.append(AnswersError(
                    path,
                    f"unsupported answers version {brief(value)}; this advisor reads version "
                    f"{ANSWERS_VERSION}",
                    key="version",
                    line=line(key),
                ))
        elif key not in questionnaire.by_id:
            unknown += 1
            if unknown > repeats.SHOWN:
                continue
            problems.append(AnswersError(
                path,
                f"unknown question{suggest(key, questionnaire.ids)}; "
                f"the questions are: {', '.join(questionnaire.ids)}",
                key=key,
                line=line(key),
            ))
    for question in questionnaire.questions:
        value = raw.get(question.id)
        if value is None:
            defaulted.append(question.id)
            value = question.default
        try:
            values[question.id] = _normalise_value(question, value, path, locator)
        except AnswersError as exc:
            problems.append(exc)
    if problems:
        problems.sort(key=lambda p: p.line if p.line is not None else 0)  # in file order
        if unknown > repeats.SHOWN:
            problems.append(
                AnswersError(path, repeats.more(unknown - repeats.SHOWN, "unknown question"))
            )
        first = problems[0]
        first.more = tuple(problems[1:])
        raise first
    return Answers(values, tuple(defaulted))


def normalise_value(question: Question, value: Any) -> AnswerValue:
    """One answer, checked and normalised as in an answers file; raise ``AnswersError``."""
    return _normalise_value(question, value, None, None)


def _normalise_value(
    q: Question, value: Any, path: str | Path | None, locator: Locator | None
) -> AnswerValue:
    allowed = ", ".join(q.values)
    line = locator.line((q.id,)) if locator else None

    def check(v: Any, index: int | None = None) -> str:
        if isinstance(v, str) and v in q.values:
            return v
        hint = did_you_mean(q.meant(v)) if isinstance(v, str) else ""
        at = locator.line((q.id, index)) if locator and index is not None else line
        raise AnswersError(
            path, f"{brief(v)} is not an allowed value{hint}; allowed: {allowed}", key=q.id,
            line=at,
        )

    if q.type == "one":
        if isinstance(value, list | tuple | dict):
            raise AnswersError(
                path, f"expected one value, got {_kind(value)}; allowed: {allowed}", key=q.id,
                line=line,
            )
        return check(value)

    if isinstance(value, dict):
        raise AnswersError(
            path, f"expected a list of values, got a mapping; allowed: {allowed}", key=q.id,
            line=line,
        )
    items = list(value) if isinstance(value, list | tuple) else [value]
    chosen = {check(v, i if isinstance(value, list | tuple) else None) for i, v in enumerate(items)}
    if NO_TARGET in chosen and len(chosen) > 1:
        raise AnswersError(
            path,
            f"'{NO_TARGET}' cannot be combined with other values "
            f"({', '.join(sorted(chosen - {NO_TARGET}))})",
            key=q.id,
            line=line,
        )
    return tuple(v for v in q.values if v in chosen and v != NO_TARGET)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return brief(value)


def load_answers(path: str | Path, questionnaire: Questionnaire) -> Answers:
    """Read an answers YAML file; raise ``AnswersError`` naming file, key and line."""
    if not isinstance(questionnaire, Questionnaire):
        raise AnswersError(
            None, f"questionnaire: expected a Questionnaire or None, got {brief(questionnaire)}"
        )
    data, locator = load_yaml(path, AnswersError, what="an answers file (YAML)")
    return normalise_answers(data, questionnaire, path=path, locator=locator)
