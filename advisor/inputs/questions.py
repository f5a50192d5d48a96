"""The questionnaire: what the advisor asks, read from ``rules/questions.yaml``."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from advisor.errors import RuleFileError
from advisor.inputs.files import load_yaml
from advisor.inputs.validation import closest, convert

ANSWERS_VERSION = 1
AnswerValue = str | tuple[str, ...]
"""One answer: a string for a single-choice question, a tuple for a list question."""
NO_TARGET = "none"
"""In a list answer, ``none`` stands for the empty list and cannot be combined with a target."""
SnakeId = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$")]


class Choice(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    value: SnakeId
    label: str
    synonyms: Annotated[
        list[str],
        msgspec.Meta(description="other words people use for this choice ('gpu', 'keras2'): an "
                                 "answer that uses one is refused with this choice suggested"),
    ] = msgspec.field(default_factory=list)


def _plain(word: str) -> str:
    """A word as synonyms are compared: lower case, letters and digits only ("Keras-2")."""
    return "".join(ch for ch in word.lower() if ch.isalnum())


class Question(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True, dict=True):
    id: SnakeId
    prompt: str
    help: str
    type: Literal["one", "many"]
    default: str | list[str]
    choices: Annotated[list[Choice], msgspec.Meta(min_length=2)]

    def __post_init__(self) -> None:
        defaults = self.default if isinstance(self.default, list) else [self.default]
        if self.type == "one" and isinstance(self.default, list):
            raise ValueError("a single-choice question needs a single default")
        unknown = [d for d in defaults if d not in self.values]
        if unknown:
            raise ValueError(f"default {unknown[0]!r} is not one of the choices {self.values}")
        plain_values = {_plain(v) for v in self.values}
        clash = next((w for c in self.choices for w in c.synonyms if _plain(w) in plain_values),
                     None)
        if clash is not None:
            raise ValueError(f"synonym {clash!r} is itself a choice of {self.id!r}")

    @cached_property
    def values(self) -> list[str]:
        return [c.value for c in self.choices]

    def label(self, value: str) -> str:
        return next((c.label for c in self.choices if c.value == value), value)

    def meant(self, word: str) -> list[str]:
        """The choices an answer that is not one most likely means: every choice that lists it
        (or a near spelling of it) as a synonym, else the closest value; [] if none is close.
        ``gpu`` means nvidia, amd or apple, not the nearest spelling, tpu."""
        synonyms = {_plain(w): w for c in self.choices for w in c.synonyms}
        word = synonyms.get(_plain(word), word.lower())
        match = closest(word, [*self.values, *synonyms.values()])
        if match is None:
            return []
        return [c.value for c in self.choices if match == c.value or match in c.synonyms]


class Questionnaire(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True, dict=True
):
    version: int = ANSWERS_VERSION
    questions: Annotated[list[Question], msgspec.Meta(min_length=1)]

    def __post_init__(self) -> None:
        ids = [q.id for q in self.questions]
        dup = next((i for i in ids if ids.count(i) > 1), None)
        if dup:
            raise ValueError(f"question id {dup!r} is used twice")

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]

    def __getitem__(self, question_id: str) -> Question:
        return self.by_id[question_id]


def load_questionnaire(path: str | Path) -> Questionnaire:
    data, locator = load_yaml(path, RuleFileError, what="a questionnaire (YAML)")
    return convert(data, Questionnaire, path, locator, RuleFileError)
