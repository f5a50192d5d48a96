"""``advisor rules check``: every problem and warning in the rule files, beyond what loading
them finds: stale sources, answer values no rule mentions, weak or shared sources
(``advisor.knowledge.sourcechecks``), and constraints that contradict each other."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from advisor.errors import RuleFileError
from advisor.knowledge.conditions import TooManyCombinations, mentions, witness
from advisor.knowledge.formats import Constraint
from advisor.knowledge.loader import build, bundled_rules_dir, current_date, rule_paths
from advisor.knowledge.problems import Problem, Problems
from advisor.knowledge.ruleset import RuleSet
from advisor.knowledge.sourcechecks import source_findings

STALE_AFTER = timedelta(days=548)
"""Sources checked longer ago than this (about 18 months) are reported as stale."""


def check_rules(
    paths: str | Path | Iterable[str | Path] = (), *, today: date | None = None
) -> Problems:
    """Validate the bundled rules plus ``paths``; collect every problem and warning."""
    return checked_ruleset(paths, today=today)[0]


def checked_ruleset(
    paths: str | Path | Iterable[str | Path] = (), *, today: date | None = None
) -> tuple[Problems, RuleSet | None]:
    """``check_rules``, and the rule base it checked when it has no errors (the files are read
    once: an organisation's packs may hold thousands of rules)."""
    problems = Problems(fail_fast=False)
    today = today or current_date()
    try:
        ruleset = build(bundled_rules_dir(), rule_paths(paths), problems, today)
    except RuleFileError as exc:  # the questionnaire or criteria could not be read at all
        problems.add_error(exc)
        return problems, None
    _check_quality(ruleset, problems, today)
    _check_sources(ruleset, problems)
    _check_constraints(ruleset, problems)
    return problems, None if problems.errors else ruleset


@dataclass(frozen=True)
class PackAge:
    """How old a pack's knowledge is: its sources' checked dates and its recorded versions."""

    pack: str
    path: str
    oldest: date | None
    newest: date | None
    versions: tuple[tuple[str, str], ...]


def pack_ages(ruleset: RuleSet) -> list[PackAge]:
    """Every pack, the one whose oldest source was checked longest ago first."""
    dates: dict[str, list[date]] = {}
    for r in ruleset.rules:
        dates.setdefault(r.path, []).extend(s.checked for s in r.rule.sources)
    ages = []
    for p in ruleset.packs:
        seen = dates.get(p.path, [])
        ages.append(PackAge(p.pack, p.path, min(seen, default=None), max(seen, default=None),
                            p.checked_against))  # fmt: skip
    return sorted(ages, key=lambda a: (a.oldest or date.min, a.newest or date.min, a.pack))


def _check_quality(ruleset: RuleSet, problems: Problems, today: date) -> None:
    """Warnings that do not stop the advisor: stale sources, question values no rule mentions."""
    for r in ruleset.rules:
        for s in r.rule.sources:
            if today - s.checked > STALE_AFTER:
                problems.add(
                    Problem(
                        r.path,
                        f"source {s.label} was last checked on {s.checked}"
                        " (over 18 months ago); re-read it and update 'checked'",
                        r.id,
                        "sources",
                        r.line,
                        warning=True,
                    )
                )
    mentioned = {
        pair for r in ruleset.rules if r.condition is not None for pair in mentions(r.condition)
    }
    for question in ruleset.questionnaire.questions:
        for value in question.values:
            if (question.id, value) not in mentioned:
                problems.add(
                    Problem(
                        "rules/",
                        f"no rule mentions {question.id}: {value}",
                        key=question.id,
                        warning=True,
                    )
                )


def _check_sources(ruleset: RuleSet, problems: Problems) -> None:
    """What the cited sources are worth: proxies (errors), no primary source and one source
    behind two rules that count the same thing (warnings); see
    ``advisor.knowledge.sourcechecks``."""
    for f in source_findings(ruleset.rules, ruleset.questionnaire):
        problems.add(
            Problem(f.rule.path, f.message, f.rule.id, "sources", f.rule.line, warning=f.warning)
        )


def _check_constraints(ruleset: RuleSet, problems: Problems) -> None:
    """Errors for two constraints that some answers make fire together while they require
    different frameworks: a run with those answers could not recommend anything."""
    constraints = [(r, r.rule) for r in ruleset.rules if isinstance(r.rule, Constraint)]
    for i, (later, later_rule) in enumerate(constraints):
        for earlier, earlier_rule in constraints[:i]:
            if earlier_rule.requires == later_rule.requires:
                continue
            assert earlier.condition is not None and later.condition is not None
            try:
                found = witness([earlier.condition, later.condition], ruleset.questionnaire)
            except TooManyCombinations as exc:
                problems.add(Problem(
                    later.path, f"could not check whether it contradicts constraint "
                    f"{earlier.id!r} ({earlier.path}, line {earlier.line}): {exc}",
                    later.id, "when", later.line, warning=True,
                ))  # fmt: skip
                continue
            if found is None:
                continue
            example = ", ".join(
                f"{k}: [{', '.join(v)}]" if isinstance(v, tuple) else f"{k}: {v}"
                for k, v in found.items()
            )
            problems.add(Problem(
                later.path,
                f"contradicts constraint {earlier.id!r} ({earlier.path}, line {earlier.line}): "
                f"both apply when {example or 'any answers are given'}, and this one requires "
                f"{later_rule.requires}, that one {earlier_rule.requires}",
                later.id, "requires", later.line,
            ))  # fmt: skip
