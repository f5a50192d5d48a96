"""Loading the rule base: questionnaire, criteria and rule packs into one validated ``RuleSet``.

Two modes share one code path (``build``). ``load_ruleset`` fails fast with the first problem
as a ``RuleFileError``; ``advisor.knowledge.checks.check_rules`` (``advisor rules check``)
collects every problem and warning.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import msgspec

from advisor.errors import InputError, RuleFileError
from advisor.inputs.files import KeyPath, Locator, as_path, brief, load_yaml
from advisor.inputs.questions import Questionnaire, load_questionnaire
from advisor.inputs.validation import dotted, locate
from advisor.knowledge.conditions import Condition, ConditionError, parse_condition
from advisor.knowledge.formats import (
    CRITERION_IDS,
    MEASURED_CRITERIA,
    CheckedAgainst,
    Constraint,
    CriteriaFile,
    Myth,
    Note,
    PointsRule,
    Rule,
    RuleId,
)
from advisor.knowledge.packfiles import pack_files
from advisor.knowledge.problems import Problem, Problems
from advisor.knowledge.ruleset import LoadedCriterion, LoadedRule, Override, PackInfo, RuleSet

RULE_KINDS: dict[str, type] = {
    "rule": PointsRule,
    "note": Note,
    "myth": Myth,
    "constraint": Constraint,
}


def bundled_rules_dir() -> Path:
    """The rule base shipped with the advisor: inside the wheel, or the checkout's rules/."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_rules", package.parent / "rules"):
        if (candidate / "questions.yaml").is_file():
            return candidate
    raise RuleFileError(
        package / "_rules", "the bundled rule base is missing; reinstall the advisor"
    )


def load_ruleset(
    extra: str | Path | Iterable[str | Path] = (), *, base: str | Path | None = None
) -> RuleSet:
    """Load the bundled rule base plus ``extra`` rule packs (a file or folder, or several);
    fail fast with a ``RuleFileError``."""
    paths = rule_paths(extra)
    if base is not None:
        base = as_path(base, RuleFileError, what="a rule base folder")
    if not paths and base is None:
        return _bundled_ruleset()
    return build(base or bundled_rules_dir(), paths, Problems(fail_fast=True), current_date())


def rule_paths(extra: object) -> list[Path]:
    """``extra`` as a list of paths: one str or Path is one path (never its characters), None
    is none; anything else must be an iterable of paths. Raises ``RuleFileError``."""
    if extra is None:
        return []
    if isinstance(extra, str | os.PathLike):
        extra = [extra]
    elif isinstance(extra, bytes | bytearray | dict) or not isinstance(extra, Iterable):
        raise RuleFileError(
            None, f"rule_paths: expected a path or a list of paths, got {brief(extra)}"
        )
    try:
        items = list(extra)
    except Exception as exc:  # an iterable that fails is the caller's; say so as ours
        raise RuleFileError(None, f"rule_paths: cannot be listed: {brief(exc)}") from None
    return [as_path(e, RuleFileError, what="a rule pack or a folder of them") for e in items]


def current_date() -> date:
    """The day sources are judged against (a 'checked' date after it is an error)."""
    return date.today()


@lru_cache(maxsize=1)
def _bundled_ruleset() -> RuleSet:
    return build(bundled_rules_dir(), (), Problems(fail_fast=True), current_date())


def bundled_questionnaire() -> Questionnaire:
    return _bundled_questionnaire(bundled_rules_dir())


@lru_cache(maxsize=4)
def _bundled_questionnaire(base: Path) -> Questionnaire:
    return load_questionnaire(base / "questions.yaml")


def _pack_files(p: Path, problems: Problems) -> list[tuple[Path, bool]]:
    """The packs ``p`` stands for, each with whether it was found in a folder (and so is read
    only if it is a regular file); the leftovers skipped in a folder become notes."""
    try:
        if p.is_dir():
            files, skipped = pack_files(p)
            for s in skipped:
                problems.add_note(f"{s.path}: skipped, {s.why}")
            if not files:
                raise RuleFileError(p, "contains no rule packs (*.yaml)")
            return [(f, True) for f in files]
    except OSError as exc:  # a name too long, no permission to look inside
        raise RuleFileError(p, f"cannot be read: {exc.strerror or exc}") from None
    return [(p, False)]


def build(base: Path, extra: Iterable[Path], problems: Problems, today: date) -> RuleSet:
    """The rule base under ``base`` plus the packs ``extra``; problems go to ``problems``, which
    raises the first error in fail-fast mode. Otherwise (``rules check``) the result holds the
    rules that did load, so the quality checks still report on them."""
    questionnaire = _bundled_questionnaire(base)
    criteria = _load_criteria(base / "criteria.yaml", questionnaire, problems)
    known = {c.id for c in criteria}

    by_id: dict[str, LoadedRule] = {}
    packs: list[PackInfo] = []
    overrides: list[Override] = []
    # (pack, bundled, found in a folder)
    bundled_packs = base / "packs"
    sources = ([(f, True, True) for f, _ in _pack_files(bundled_packs, problems)]
               if bundled_packs.is_dir() else [])  # fmt: skip
    for entry in extra:
        try:
            sources += [(f, False, listed) for f, listed in _pack_files(entry, problems)]
        except RuleFileError as exc:
            problems.add_error(exc)

    for path, bundled, listed in sources:
        loaded = _load_pack(path, questionnaire, known, problems, today, regular_only=listed)
        if loaded is None:
            continue
        pack, rules = loaded
        versions = tuple(sorted(pack.checked_against.items()))
        packs.append(PackInfo(pack.pack, pack.title, str(path), len(rules), bundled, versions))
        seen_here: set[str] = set()
        for rule in rules:
            if rule.id in seen_here:
                problems.add(
                    Problem(
                        str(path), "rule id is used twice in this pack", rule.id, "id", rule.line
                    )
                )
                continue
            seen_here.add(rule.id)
            previous = by_id.get(rule.id)
            if previous is not None:
                prev_bundled = any(p.path == previous.path and p.bundled for p in packs)
                if bundled or not prev_bundled:
                    problems.add(
                        Problem(
                            str(path),
                            f"rule id collides with the rule in {previous.path} "
                            f"(line {previous.line}); ids must be unique",
                            rule.id,
                            "id",
                            rule.line,
                        )
                    )
                    continue
                overrides.append(Override(rule.id, previous.pack, pack.pack, str(path)))
            by_id[rule.id] = rule
    return RuleSet(
        questionnaire, tuple(criteria), tuple(by_id.values()), tuple(packs), tuple(overrides)
    )


def _validated(model: Any, path: Path, problems: Problems, what: str, *,
               regular_only: bool = False) -> tuple[Any, Locator] | None:  # fmt: skip
    try:
        data, locator = load_yaml(path, RuleFileError, what=what, regular_only=regular_only)
    except RuleFileError as exc:
        problems.add_error(exc)
        return None
    try:
        return msgspec.convert(data, model), locator
    except msgspec.ValidationError as exc:
        _add_with_rule_id(
            problems, locate(exc, model, path, locator, RuleFileError, data=data), data
        )
        return None


def _add_with_rule_id(problems: Problems, error: InputError, data: Any) -> None:
    # Name the rule by its id rather than its index, which is what an author searches for.
    rule_id, key = None, error.key
    at = error.at
    if len(at) >= 2 and at[0] == "rules" and isinstance(at[1], int) and isinstance(data, dict):
        rules = data.get("rules")
        if isinstance(rules, list) and at[1] < len(rules) and isinstance(rules[at[1]], dict):
            found = rules[at[1]].get("id")
            rule_id = found if isinstance(found, str) else None
            key = dotted(at[2:]) or None
    problems.add(Problem(error.path or "", error.detail, rule_id, key, error.line))


def _load_criteria(path: Path, q: Questionnaire, problems: Problems) -> list[LoadedCriterion]:
    loaded = _validated(CriteriaFile, path, problems, "criteria (YAML)")
    if loaded is None:
        return []
    model, locator = loaded
    out: list[LoadedCriterion] = []
    for i, criterion in enumerate(model.criteria):
        scale = []
        for j, entry in enumerate(criterion.scale):
            at: KeyPath = ("criteria", i, "scale", j, "when")
            cond = _condition(entry.when, q, at, path, locator, problems, None)
            if cond is not None:
                scale.append((cond, entry.factor))
        out.append(LoadedCriterion(criterion, tuple(scale)))
    ids = [c.id for c in out]
    for missing in [c for c in CRITERION_IDS if c not in ids]:
        problems.add(Problem(str(path), f"criterion {missing!r} is missing", key="criteria"))
    for dup in {i for i in ids if ids.count(i) > 1}:
        problems.add(Problem(str(path), f"criterion {dup!r} is defined twice", key="criteria"))
    return out


def _condition(
    raw: Any,
    q: Questionnaire,
    at: KeyPath,
    path: Path,
    locator: Locator,
    problems: Problems,
    rule_id: str | None,
) -> Condition | None:
    try:
        return parse_condition(raw, q, at)
    except ConditionError as exc:
        key = ".".join(str(p) for p in exc.at[2:] if not isinstance(p, int)) or "when"
        problems.add(Problem(str(path), str(exc), rule_id, key, locator.line(exc.at)))
        return None


class _PackHeader(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A rule pack with its rules left raw, so each rule is validated (and reported) on its own.

    Mirrors ``RulePack``, which stays the one declaration the JSON Schema is made from.
    """

    pack: RuleId
    title: str = ""
    description: str = ""
    checked_against: CheckedAgainst = msgspec.field(default_factory=dict)
    rules: Annotated[list[Any], msgspec.Meta(min_length=1)]


def _load_pack(
    path: Path, q: Questionnaire, criteria: set[str], problems: Problems, today: date, *,
    regular_only: bool = False,
) -> tuple[_PackHeader, list[LoadedRule]] | None:  # fmt: skip
    loaded = _validated(_PackHeader, path, problems, "a rule pack (YAML)",
                        regular_only=regular_only)  # fmt: skip
    if loaded is None:
        return None
    pack, locator = loaded
    rules: list[LoadedRule] = []
    for i, raw in enumerate(pack.rules):
        try:
            rule = msgspec.convert(raw, Rule)
        except msgspec.ValidationError as exc:
            kind = raw.get("kind") if isinstance(raw, dict) else None
            model = RULE_KINDS.get(kind, Rule) if isinstance(kind, str) else Rule
            error = locate(exc, model, path, locator, RuleFileError, prefix=("rules", i), data=raw)
            _add_with_rule_id(problems, error, {"rules": pack.rules})
            continue
        line = locator.line(("rules", i))
        for j, source in enumerate(rule.sources):
            # An error for runs and `rules check` alike: nobody read a source on a day that
            # has not come yet, and the date sets the report's "advice as of".
            if source.checked > today:
                problems.add(Problem(
                    str(path), f"source {source.label} has a 'checked' date in the future "
                    f"({source.checked}); give the day it was last read", rule.id,
                    f"sources[{j}].checked", locator.line(("rules", i, "sources", j, "checked")),
                ))  # fmt: skip
        for j, package in enumerate(rule.packages):
            # A rule about a package must say which version its facts were checked against, or
            # no report could tell when they may have changed.
            if package not in pack.checked_against:
                problems.add(Problem(
                    str(path), f"names package {package!r}, but the pack records no version for "
                    "it; add it to the pack's checked_against", rule.id, f"packages[{j}]",
                    locator.line(("rules", i, "packages", j)),
                ))  # fmt: skip
        when = getattr(rule, "when", None)
        cond = None
        if when is not None:
            cond = _condition(when, q, ("rules", i, "when"), path, locator, problems, rule.id)
            if cond is None:
                continue
        criterion = getattr(rule, "criterion", None)
        if criterion is not None:
            if criterion not in criteria:
                problems.add(
                    Problem(
                        str(path),
                        f"unknown criterion {criterion!r}; known: {', '.join(sorted(criteria))}",
                        rule.id,
                        "criterion",
                        locator.line(("rules", i, "criterion")),
                    )
                )
                continue
            if isinstance(rule, PointsRule) and criterion in MEASURED_CRITERIA:
                problems.add(
                    Problem(
                        str(path),
                        f"criterion {criterion!r} is fed by measurements;"
                        " rules cannot add points to it",
                        rule.id,
                        "criterion",
                        locator.line(("rules", i, "criterion")),
                    )
                )
                continue
        rules.append(LoadedRule(rule, cond, pack.pack, str(path), line))
    return pack, rules


