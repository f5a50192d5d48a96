"""The condition language of rule files: data, never code.

    {key: value}          the answer equals value
    {key: [v1, v2]}       the answer is any of the values (a list answer contains any of them)
    {key: {has: v}}       a list answer contains v
    {all: [...]}, {any: [...]}, {not: {...}}

A mapping with several keys means all of them. For list answers (``deployment``), ``none``
stands for the empty list. Conditions are parsed once, against the questionnaire, into the
small frozen classes below; evaluating one is a dictionary lookup, nothing more.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from advisor.inputs.files import KeyPath, brief
from advisor.inputs.questions import NO_TARGET, AnswerValue, Questionnaire
from advisor.inputs.validation import did_you_mean, suggest

COMBINATORS = ("all", "any", "not")


class ConditionError(ValueError):
    """A malformed condition; ``at`` is the key path of the offending part."""

    def __init__(self, message: str, at: KeyPath) -> None:
        super().__init__(message)
        self.at = at


@dataclass(frozen=True)
class Match:
    key: str
    values: tuple[str, ...]
    mode: Literal["eq", "any", "has"]
    many: bool

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        answer = answers[self.key]
        if not self.many:
            return answer in self.values
        targets = answer if isinstance(answer, tuple) else (answer,)
        if self.mode == "eq":
            wanted = () if self.values[0] == NO_TARGET else self.values
            return targets == wanted
        return any((not targets) if v == NO_TARGET else v in targets for v in self.values)


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return all(c.holds(answers) for c in self.items)


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return any(c.holds(answers) for c in self.items)


@dataclass(frozen=True)
class Not:
    item: Condition

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return not self.item.holds(answers)


Condition = Match | All | AnyOf | Not


def parse_condition(raw: Any, questionnaire: Questionnaire, at: KeyPath = ()) -> Condition:
    """Parse a ``when`` value; raise ``ConditionError`` with the path of the first problem."""
    if not isinstance(raw, Mapping) or not raw:
        raise ConditionError(
            f"a condition is a non-empty mapping such as {{domain: llm}}, got {brief(raw)}", at
        )
    parts = [_parse_entry(key, value, questionnaire, (*at, key)) for key, value in raw.items()]
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _parse_entry(key: Any, value: Any, q: Questionnaire, at: KeyPath) -> Condition:
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"'{key}' takes a non-empty list of conditions", at)
        items = tuple(parse_condition(v, q, (*at, i)) for i, v in enumerate(value))
        return All(items) if key == "all" else AnyOf(items)
    if key == "not":
        return Not(parse_condition(value, q, at))
    if not isinstance(key, str) or key not in q.by_id:
        options = [*q.ids, *COMBINATORS]
        raise ConditionError(f"unknown question {brief(key)}{suggest(str(key), options)}", at)
    question = q[key]
    many = question.type == "many"

    def check(v: Any) -> str:
        if not isinstance(v, str) or v not in question.values:
            raise ConditionError(
                f"{brief(v)} is not a value of {key}"
                f"{did_you_mean(question.meant(v)) if isinstance(v, str) else ''}; "
                f"allowed: {', '.join(question.values)}",
                at,
            )
        return v

    if isinstance(value, Mapping):
        if set(value) != {"has"}:
            raise ConditionError(f"the only operator is 'has', got {sorted(map(str, value))}", at)
        if not many:
            raise ConditionError(f"'has' applies to list questions; {key} takes one value", at)
        return Match(key, (check(value["has"]),), "has", many)
    if isinstance(value, list):
        if not value:
            raise ConditionError("an any-of list needs at least one value", at)
        return Match(key, tuple(check(v) for v in value), "any", many)
    return Match(key, (check(value),), "eq", many)


def mentions(condition: Condition) -> Iterator[tuple[str, str]]:
    """Every (question, value) pair a condition refers to, for coverage checks."""
    if isinstance(condition, Match):
        for v in condition.values:
            yield condition.key, v
    elif isinstance(condition, Not):
        yield from mentions(condition.item)
    else:
        for c in condition.items:
            yield from mentions(c)


WITNESS_LIMIT = 200_000
"""The most answer combinations ``witness`` tries (a pair of organisation constraints
mentions a few questions, which makes a few hundred)."""


class TooManyCombinations(ValueError):
    """The conditions mention so many questions and values that a search would take too long."""


def witness(
    conditions: Sequence[Condition], questionnaire: Questionnaire
) -> dict[str, AnswerValue] | None:
    """Answers to the questions ``conditions`` mention under which all of them hold, or None
    when no answers can make them hold together.

    Exhaustive over what can matter: for each question, the values the conditions name plus
    one value they do not (all unnamed values behave alike); for a list question, every set
    of those. Raises ``TooManyCombinations`` beyond ``WITNESS_LIMIT`` combinations."""
    named: dict[str, set[str]] = {}
    for c in conditions:
        for key, value in mentions(c):
            named.setdefault(key, set()).add(value)
    keys = [k for k in questionnaire.ids if k in named]
    domains: list[list[AnswerValue]] = []
    for key in keys:
        q = questionnaire[key]
        values = [v for v in q.values if not (q.type == "many" and v == NO_TARGET)]
        other = [v for v in values if v not in named[key]][:1]
        relevant = [v for v in values if v in named[key]] + other
        if q.type == "one":
            domains.append(list(relevant))
        else:
            domains.append([
                tuple(subset)
                for n in range(len(relevant) + 1)
                for subset in itertools.combinations(relevant, n)
            ])  # fmt: skip
    if math.prod(len(d) for d in domains) > WITNESS_LIMIT:
        raise TooManyCombinations(f"more than {WITNESS_LIMIT:,} answer combinations")
    for combination in itertools.product(*domains):
        answers = dict(zip(keys, combination, strict=True))
        if all(c.holds(answers) for c in conditions):
            return answers
    return None
