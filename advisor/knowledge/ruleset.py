"""The loaded rule base (``RuleSet``): everything the scoring needs to know, validated.

No file handles and no I/O: the loader (``advisor.knowledge.loader``) builds it, the scoring and
the checks read it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import msgspec

from advisor.inputs.questions import Questionnaire
from advisor.knowledge.conditions import Condition
from advisor.knowledge.formats import Constraint, Criterion, Myth, Note, PointsRule

AnyRule = PointsRule | Note | Myth | Constraint


@dataclass(frozen=True)
class LoadedRule:
    rule: AnyRule
    condition: Condition | None
    pack: str
    path: str
    line: int | None = None

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass(frozen=True)
class LoadedCriterion:
    criterion: Criterion
    scale: tuple[tuple[Condition, float], ...]

    @property
    def id(self) -> str:
        return self.criterion.id


@dataclass(frozen=True)
class PackInfo:
    pack: str
    title: str
    path: str
    rules: int
    bundled: bool
    checked_against: tuple[tuple[str, str], ...] = ()
    """The (package, version) pairs the pack's facts were checked against."""


@dataclass(frozen=True)
class Override:
    rule_id: str
    replaced_pack: str
    by_pack: str
    by_path: str


@dataclass(frozen=True)
class RuleSet:
    """Everything the scoring needs to know, validated; no file handles, no I/O."""

    questionnaire: Questionnaire
    criteria: tuple[LoadedCriterion, ...]
    rules: tuple[LoadedRule, ...]
    packs: tuple[PackInfo, ...]
    overrides: tuple[Override, ...] = ()

    @property
    def digest(self) -> str:
        """A short fingerprint of the whole rule base, for provenance."""
        payload = {
            "questions": self.questionnaire,
            "criteria": [c.criterion for c in self.criteria],
            "rules": [r.rule for r in self.rules],
        }
        blob = json.dumps(
            msgspec.to_builtins(payload), sort_keys=True, separators=(",", ":")
        ).encode()
        return "sha256:" + hashlib.sha256(blob).hexdigest()[:16]

    @property
    def recorded_packages(self) -> list[str]:
        """Every package some pack records a checked version for, in name order."""
        return sorted({name for p in self.packs for name, _ in p.checked_against})

    @property
    def advice_as_of(self) -> date | None:
        dates = [s.checked for r in self.rules for s in r.rule.sources]
        return max(dates) if dates else None
