"""The rule file formats (contract 2), declared once: validation and JSON Schema both come from here."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

Framework = Literal["tensorflow", "pytorch"]
FRAMEWORKS: tuple[Framework, Framework] = ("tensorflow", "pytorch")
Points = Literal[1, 2, 3, 5]
RULE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CRITERION_IDS = (
    "training_speed",
    "inference_latency",
    "startup_memory",
    "deployment",
    "hardware",
    "ecosystem",
    "team",
    "codebase",
    "iteration",
    "scale",
    "maintenance",
)
MEASURED_CRITERIA = ("training_speed", "inference_latency", "startup_memory")

Condition = Annotated[
    dict[str, Any],
    Field(
        description="A condition on the answers: {key: value}, {key: [v1, v2]}, "
        "{key: {has: v}}, {all: [...]}, {any: [...]}, {not: {...}}",
        examples=[{"deployment": {"has": "mobile"}}, {"all": [{"hardware": "apple"}]}],
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a rule's claim can be checked, and when somebody last did."""

    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    title: str | None = Field(default=None, min_length=3)
    checked: date

    @model_validator(mode="after")
    def _url_or_title(self) -> Source:
        if not self.url and not self.title:
            raise ValueError("a source needs a url, or a title for a citation without one")
        return self

    @property
    def label(self) -> str:
        return self.url or self.title or ""


class _RuleBase(_Strict):
    id: str = Field(pattern=RULE_ID, description="kebab-case, unique across all packs")
    because: str = Field(min_length=10, description="One or two sentences a user can read.")
    sources: list[Source] = Field(min_length=1)


class PointsRule(_RuleBase):
    """Adds points to one framework under one criterion when its condition holds."""

    kind: Literal["rule"]
    when: Condition
    favors: Framework
    criterion: str
    points: Points = Field(description="1 a convenience, 2 a clear advantage, 3 strong, 5 decisive")


class Note(_RuleBase):
    """Text shown in the report when its condition holds (always, if it has none); no points."""

    kind: Literal["note"]
    when: Condition | None = None
    criterion: str | None = None
    only_if_close: bool = Field(
        default=False, description="Show only when the result is either or not confident."
    )


class Myth(_RuleBase):
    """A common belief (``claim``) and what is true today (``because``); no points."""

    kind: Literal["myth"]
    when: Condition
    claim: str = Field(min_length=5)


class Constraint(_RuleBase):
    """An organisation policy that decides the winner whatever the points say."""

    kind: Literal["constraint"]
    when: Condition
    requires: Framework


Rule = Annotated[Union[PointsRule, Note, Myth, Constraint], Field(discriminator="kind")]


class RulePack(_Strict):
    """One file under rules/packs/ (or an organisation's --rules directory)."""

    pack: str = Field(pattern=RULE_ID)
    title: str = ""
    description: str = ""
    rules: list[Rule] = Field(min_length=1)


class Scale(_Strict):
    when: Condition
    factor: float = Field(gt=0, le=10)


class Criterion(_Strict):
    id: Literal[CRITERION_IDS]  # type: ignore[valid-type]
    title: str
    description: str = ""
    weight: float = Field(gt=0, le=10)
    measured: bool = False
    scale: list[Scale] = Field(default_factory=list)


class CriteriaFile(_Strict):
    version: int = 1
    criteria: list[Criterion]
