"""The questionnaire: what the advisor asks, read from ``rules/questions.yaml``."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from advisor.errors import RuleFileError
from advisor.validation import located_errors
from advisor.yamlfile import load_yaml

ANSWERS_VERSION = 1


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    prompt: str
    help: str
    type: Literal["one", "many"]
    default: str | list[str]
    choices: list[Choice] = Field(min_length=2)

    @property
    def values(self) -> list[str]:
        return [c.value for c in self.choices]

    def label(self, value: str) -> str:
        return next((c.label for c in self.choices if c.value == value), value)

    @model_validator(mode="after")
    def _default_is_a_choice(self) -> Question:
        defaults = self.default if isinstance(self.default, list) else [self.default]
        if self.type == "one" and isinstance(self.default, list):
            raise ValueError("a single-choice question needs a single default")
        unknown = [d for d in defaults if d not in self.values]
        if unknown:
            raise ValueError(f"default {unknown[0]!r} is not one of the choices {self.values}")
        return self


class Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = ANSWERS_VERSION
    questions: list[Question] = Field(min_length=1)

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]

    def __getitem__(self, question_id: str) -> Question:
        return self.by_id[question_id]

    @model_validator(mode="after")
    def _unique_ids(self) -> Questionnaire:
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"question id {q.id!r} is used twice")
            seen.add(q.id)
        return self


def load_questionnaire(path: str | Path) -> Questionnaire:
    data, locator = load_yaml(path, RuleFileError, what="a questionnaire (YAML)")
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise next(located_errors(exc, Questionnaire, path, locator, RuleFileError)) from None
