"""The Recommendation (contract 4): what the scoring concludes, in a form every renderer reads."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Winner = Literal["tensorflow", "pytorch", "either"]
RECOMMENDATION_VERSION = 1


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Out):
    url: str | None = None
    title: str | None = None
    checked: date

    @property
    def label(self) -> str:
        return self.url or self.title or ""


class PerFramework(_Out):
    tensorflow: float
    pytorch: float


class CriterionScore(_Out):
    title: str
    base_weight: float
    weight: float = Field(description="base weight × matching answer factors (× the measured cap)")
    measured: bool
    points: PerFramework
    weighted: PerFramework
    rules: list[str] = Field(description="ids of the rules and measurements that contributed")


class Reason(_Out):
    id: str
    kind: Literal["rule", "measurement"]
    criterion: str
    favors: Literal["tensorflow", "pytorch"]
    points: float
    weight: float
    weighted_points: float
    because: str
    sources: list[SourceRef]
    pack: str


class NoteOut(_Out):
    id: str
    text: str
    criterion: str | None = None
    sources: list[SourceRef]
    pack: str


class MythOut(_Out):
    id: str
    claim: str
    truth: str
    sources: list[SourceRef]
    pack: str


class ConstraintOut(_Out):
    id: str
    requires: Literal["tensorflow", "pytorch"]
    because: str
    sources: list[SourceRef]
    pack: str
    points_winner: Winner = Field(description="what the points alone would have recommended")


class Flip(_Out):
    question: str
    change: str = Field(description="the single answer change, e.g. 'deployment: remove mobile'")
    answer: str | list[str] = Field(description="the changed answer")
    recommendation: Winner = Field(description="the recommendation after the change")
    text: str


class Robustness(_Out):
    share: float = Field(ge=0, le=1, description="share of perturbed draws keeping the winner")
    draws: int
    perturbation: float = Field(description="each criterion weight is scaled by U(1-p, 1+p)")
    seed: int


class MeasuredCriterion(_Out):
    criterion: str
    favors: Literal["tensorflow", "pytorch"] | None
    points: float
    detail: str


class MeasurementUse(_Out):
    used: bool
    created: str | None = None
    machine: str | None = None
    cap_share: float = Field(description="measured criteria never exceed this share of the weight")
    cap_scale: float = Field(description="factor applied to measured weights to honour the cap")
    device_scale: float = Field(description="1 when the probe ran on the hardware you train on")
    stability_scale: float = Field(description="below 1 when the probe flagged instability")
    criteria: list[MeasuredCriterion]
    missing: list[str] = Field(description="measurements that could not be used, and why")


class PackRef(_Out):
    pack: str
    path: str
    rules: int
    bundled: bool


class OverrideRef(_Out):
    rule_id: str
    replaced_pack: str
    by_pack: str
    by_path: str


class Provenance(_Out):
    advisor_version: str
    rules_digest: str
    advice_as_of: date | None
    packs: list[PackRef]
    overrides: list[OverrideRef]


class Recommendation(_Out):
    version: int = RECOMMENDATION_VERSION
    recommendation: Winner
    confidence: float = Field(ge=0, le=1)
    decided_by: Literal["points", "constraint"]
    scores: PerFramework
    margin: float = Field(description="weighted score of the leader minus the other's")
    criteria: dict[str, CriterionScore]
    reasons: list[Reason]
    explanation: list[str] = Field(description="plain sentences on what decided the result")
    constraint: ConstraintOut | None
    notes: list[NoteOut]
    myths: list[MythOut]
    flips: list[Flip]
    robustness: Robustness
    answers: dict[str, str | list[str]]
    defaulted: list[str]
    measurements: MeasurementUse | None
    provenance: Provenance

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form (contract 4)."""
        return self.model_dump(mode="json")

    @property
    def leader(self) -> Literal["tensorflow", "pytorch"]:
        return "tensorflow" if self.scores.tensorflow >= self.scores.pytorch else "pytorch"
