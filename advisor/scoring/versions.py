"""Which packages here are newer than the versions the rule packs were checked against, and
which rules in this report rest on facts about them (``Recommendation.versions``).

Pure like the rest of the scoring: the installed versions arrive as data (read from package
metadata by ``advisor.inputs.environment``), the probe's versions come with the measurements.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Literal

from advisor.inputs.measurements import Measurements
from advisor.knowledge.ruleset import RuleSet
from advisor.knowledge.versions import is_newer, version_key
from advisor.scoring.recommendation import VersionNotice

PACKAGE_OF = {"tensorflow": "tensorflow", "pytorch": "torch"}
"""The distribution each measured framework is installed as."""

Seen = tuple[str, Literal["environment", "measurements"]]


def seen_versions(
    installed: Mapping[str, str], measurements: Measurements | None
) -> dict[str, Seen]:
    """The newest readable version of each package, and where it was seen."""
    seen: dict[str, Seen] = {}

    def see(package: str, version: str, where: Literal["environment", "measurements"]) -> None:
        if version_key(version) is None:
            return  # unreadable: neither comparable nor safe to print
        if package not in seen or is_newer(version, seen[package][0]):
            seen[package] = (version, where)

    for package, version in installed.items():
        see(package, version, "environment")
    if measurements is not None:
        for framework, result in measurements.frameworks.items():
            if result.version:
                see(PACKAGE_OF[framework], result.version, "measurements")
    return seen


def version_notices(
    ruleset: RuleSet,
    shown: Collection[str],
    installed: Mapping[str, str],
    measurements: Measurements | None,
) -> list[VersionNotice]:
    """One notice per package that is newer here than some pack recorded, naming the rules
    among ``shown`` (the report's rules, notes, myths and policy) whose facts are about it."""
    notices = []
    for package, (version, where) in sorted(seen_versions(installed, measurements).items()):
        older = {
            p.pack: recorded
            for p in ruleset.packs
            for name, recorded in p.checked_against
            if name == package and is_newer(version, recorded)
        }
        if not older:
            continue
        rules = [
            r.id for r in ruleset.rules
            if r.id in shown and r.pack in older and package in r.rule.packages
        ]  # fmt: skip
        notices.append(VersionNotice(package=package, version=version, seen_in=where,
                                     checked_against=older, rules=rules))  # fmt: skip
    return notices
