"""The rule file formats (contract 2), declared once: validation and JSON Schema come from here."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import msgspec

from advisor.frameworks import Framework

Points = Literal[1, 2, 3, 5]
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

RuleId = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="kebab-case, unique across all packs"
    ),
]
Condition = Annotated[
    dict[str, Any],
    msgspec.Meta(
        description="A condition on the answers: {key: value}, {key: [v1, v2]}, "
        "{key: {has: v}}, {all: [...]}, {any: [...]}, {not: {...}}",
        examples=[{"deployment": {"has": "mobile"}}, {"all": [{"hardware": "apple"}]}],
    ),
]
Text = Annotated[str, msgspec.Meta(min_length=10)]
SourceKind = Annotated[
    Literal["primary", "secondary"],
    msgspec.Meta(
        description="primary: the project's own docs, release notes, repository or vendor "
        "documentation, or an official blog; secondary: news, summaries, forum threads, "
        "other people's write-ups. Omitted means primary."
    ),
]


class Source(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Where a rule's claim can be checked, and when somebody last did."""

    url: Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$")] | None = None
    title: Annotated[str, msgspec.Meta(min_length=3)] | None = None
    # Omitted means primary: citing a page asserts it is the record of the fact, as every rule
    # file written before `kind` existed did. Weaker pages must say so with `secondary`.
    kind: SourceKind = "primary"
    checked: date

    def __post_init__(self) -> None:
        if not self.url and not self.title:
            raise ValueError("a source needs a url, or a title for a citation without one")

    @property
    def label(self) -> str:
        return self.url or self.title or ""


Sources = Annotated[list[Source], msgspec.Meta(min_length=1)]

PackageName = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[a-z0-9]+([._-][a-z0-9]+)*$",
        description="a Python distribution name in lower case, as installed: tensorflow, torch, "
        "keras, executorch, ai-edge-litert, transformers, ...",
    ),
]
VersionText = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?$",
        description="a release number as the package index spells it: 2.21.0, 0.32.0, 2.22.0rc0",
    ),
]
Packages = Annotated[
    tuple[PackageName, ...],
    msgspec.Meta(
        description="the packages this rule's facts are about; each needs a version in its "
        "pack's checked_against. A newer installed version makes reports name this rule."
    ),
]


class PointsRule(
    msgspec.Struct,
    frozen=True,
    forbid_unknown_fields=True,
    kw_only=True,
    tag_field="kind",
    tag="rule",
):
    """Adds points to one framework under one criterion when its condition holds."""

    id: RuleId
    when: Condition
    favors: Framework
    criterion: str
    points: Annotated[
        Points,
        msgspec.Meta(description="1 a convenience, 2 a clear advantage, 3 strong, 5 decisive"),
    ]
    because: Text
    sources: Sources
    packages: Packages = ()

    kind = "rule"


class Note(
    msgspec.Struct,
    frozen=True,
    forbid_unknown_fields=True,
    kw_only=True,
    tag_field="kind",
    tag="note",
):
    """Text shown in the report when its condition holds (always, if it has none); no points."""

    id: RuleId
    when: Condition | None = None
    criterion: str | None = None
    only_if_close: Annotated[
        bool, msgspec.Meta(description="Show only when the result is either or not confident.")
    ] = False
    because: Text
    sources: Sources
    packages: Packages = ()

    kind = "note"


class Myth(
    msgspec.Struct,
    frozen=True,
    forbid_unknown_fields=True,
    kw_only=True,
    tag_field="kind",
    tag="myth",
):
    """A common belief (``claim``) and what is true today (``because``); no points."""

    id: RuleId
    when: Condition
    claim: Annotated[str, msgspec.Meta(min_length=5)]
    because: Text
    sources: Sources
    packages: Packages = ()

    kind = "myth"


class Constraint(
    msgspec.Struct,
    frozen=True,
    forbid_unknown_fields=True,
    kw_only=True,
    tag_field="kind",
    tag="constraint",
):
    """An organisation policy that decides the winner whatever the points say."""

    id: RuleId
    when: Condition
    requires: Framework
    because: Text
    sources: Sources
    packages: Packages = ()

    kind = "constraint"


Rule = PointsRule | Note | Myth | Constraint


CheckedAgainst = Annotated[
    dict[PackageName, VersionText],
    msgspec.Meta(
        description="the framework and library versions this pack's facts were checked "
        "against; its rules inherit them. Reports say when a newer version is installed.",
        examples=[{"tensorflow": "2.21.0", "torch": "2.15.0", "keras": "3.15.1"}],
    ),
]


class RulePack(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One file under rules/packs/ (or an organisation's --rules directory)."""

    pack: RuleId
    title: str = ""
    description: str = ""
    checked_against: CheckedAgainst = msgspec.field(default_factory=dict)
    rules: Annotated[list[Rule], msgspec.Meta(min_length=1)]


class Scale(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    when: Condition
    factor: Annotated[float, msgspec.Meta(gt=0, le=10)]


class Criterion(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    id: Literal[CRITERION_IDS]  # type: ignore[valid-type]  # the ids, listed once above
    title: str
    description: str = ""
    weight: Annotated[float, msgspec.Meta(gt=0, le=10)]
    measured: bool = False
    scale: list[Scale] = msgspec.field(default_factory=list)


class CriteriaFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    version: int = 1
    criteria: list[Criterion]
