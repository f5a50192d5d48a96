"""Loading the rule base: questionnaire, criteria and rule packs into one validated ``RuleSet``.

Two modes share one code path. ``load_ruleset`` fails fast with the first problem as a
``RuleFileError``; ``check_rules`` (``advisor rules check``) collects every problem and warning.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import msgspec

from advisor.errors import RuleFileError
from advisor.inputs.files import KeyPath, Locator, as_path, brief, load_yaml
from advisor.inputs.questions import Questionnaire, load_questionnaire
from advisor.inputs.validation import locate
from advisor.knowledge.conditions import (
    Condition,
    ConditionError,
    TooManyCombinations,
    mentions,
    parse_condition,
    witness,
)
from advisor.knowledge.formats import (
    CRITERION_IDS,
    MEASURED_CRITERIA,
    Constraint,
    CriteriaFile,
    Criterion,
    Myth,
    Note,
    PointsRule,
    Rule,
    RuleId,
)
from advisor.knowledge.sourcechecks import source_findings

STALE_AFTER = timedelta(days=548)
"""Sources checked longer ago than this (about 18 months) are reported as stale."""

AnyRule = PointsRule | Note | Myth | Constraint
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
    def advice_as_of(self) -> date | None:
        dates = [s.checked for r in self.rules for s in r.rule.sources]
        return max(dates) if dates else None


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    rule_id: str | None = None
    key: str | None = None
    line: int | None = None
    warning: bool = False

    def as_error(self) -> RuleFileError:
        return RuleFileError(
            self.path, self.message, rule_id=self.rule_id, key=self.key, line=self.line
        )

    def __str__(self) -> str:
        return str(self.as_error())


@dataclass
class Problems:
    """Collects problems; in fail-fast mode the first error is raised at once."""

    fail_fast: bool = True
    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        if self.fail_fast and not problem.warning:
            raise problem.as_error()
        self.items.append(problem)

    def add_error(self, error: RuleFileError) -> None:
        self.add(
            Problem(
                error.path or "",
                error.detail,
                rule_id=getattr(error, "rule_id", None),
                key=_strip_rule(error),
                line=error.line,
            )
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning]


def _strip_rule(error: RuleFileError) -> str | None:
    key = error.key
    if key and getattr(error, "rule_id", None):
        prefix = f"rule {error.rule_id!r}"
        key = key[len(prefix) :].lstrip(" →") or None
    return key


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
    ruleset, _ = _build(base or bundled_rules_dir(), paths, Problems(fail_fast=True), _today())
    assert ruleset is not None  # fail-fast mode raises instead of returning None
    return ruleset


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


def _today() -> date:
    return date.today()


@lru_cache(maxsize=1)
def _bundled_ruleset() -> RuleSet:
    ruleset, _ = _build(bundled_rules_dir(), (), Problems(fail_fast=True), _today())
    assert ruleset is not None
    return ruleset


def bundled_questionnaire() -> Questionnaire:
    return _bundled_questionnaire(bundled_rules_dir())


@lru_cache(maxsize=4)
def _bundled_questionnaire(base: Path) -> Questionnaire:
    return load_questionnaire(base / "questions.yaml")


def check_rules(
    paths: str | Path | Iterable[str | Path] = (), *, today: date | None = None
) -> Problems:
    """Validate the bundled rules plus ``paths``; collect every problem and warning."""
    problems = Problems(fail_fast=False)
    base = bundled_rules_dir()
    today = today or _today()
    try:
        ruleset, _ = _build(base, rule_paths(paths), problems, today)
    except RuleFileError as exc:  # the questionnaire or criteria could not be read at all
        problems.add_error(exc)
        return problems
    if ruleset is not None:
        _check_quality(ruleset, problems, today)
        _check_sources(ruleset, problems)
        _check_constraints(ruleset, problems)
    return problems


def _pack_files(p: Path) -> list[Path]:
    try:
        if p.is_dir():
            files = sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
            if not files:
                raise RuleFileError(p, "contains no rule packs (*.yaml)")
            return files
    except OSError as exc:  # a name too long, no permission to look inside
        raise RuleFileError(p, f"cannot be read: {exc.strerror or exc}") from None
    return [p]


def _build(
    base: Path, extra: Iterable[Path], problems: Problems, today: date
) -> tuple[RuleSet | None, Problems]:
    questionnaire = _bundled_questionnaire(base)
    criteria = _load_criteria(base / "criteria.yaml", questionnaire, problems)
    known = {c.id for c in criteria}

    by_id: dict[str, LoadedRule] = {}
    packs: list[PackInfo] = []
    overrides: list[Override] = []
    sources: list[tuple[Path, bool]] = [(f, True) for f in sorted((base / "packs").glob("*.yaml"))]
    for entry in extra:
        try:
            sources += [(f, False) for f in _pack_files(entry)]
        except RuleFileError as exc:
            problems.add_error(exc)

    for path, bundled in sources:
        loaded = _load_pack(path, questionnaire, known, problems, today)
        if loaded is None:
            continue
        pack, rules = loaded
        packs.append(PackInfo(pack.pack, pack.title, str(path), len(rules), bundled))
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
    # With errors (check mode only: fail-fast raised already) this holds the rules that did
    # load, so the quality checks still report on them.
    ruleset = RuleSet(
        questionnaire, tuple(criteria), tuple(by_id.values()), tuple(packs), tuple(overrides)
    )
    return ruleset, problems


def _validated(model: Any, path: Path, problems: Problems, what: str) -> tuple[Any, Locator] | None:
    try:
        data, locator = load_yaml(path, RuleFileError, what=what)
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


def _add_with_rule_id(problems: Problems, error: RuleFileError, data: Any) -> None:
    # Name the rule by its id rather than its index, which is what an author searches for.
    rule_id = None
    key = error.key or ""
    if key.startswith("rules[") and isinstance(data, dict):
        index = int(key[6 : key.index("]")])
        rules = data.get("rules")
        if isinstance(rules, list) and index < len(rules) and isinstance(rules[index], dict):
            rule_id = rules[index].get("id")
            key = key[key.index("]") + 1 :].lstrip(".") or None
    problems.add(
        Problem(
            error.path or "",
            error.detail,
            rule_id if isinstance(rule_id, str) else None,
            key or None,
            error.line,
        )
    )


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
    rules: Annotated[list[Any], msgspec.Meta(min_length=1)]


def _load_pack(
    path: Path, q: Questionnaire, criteria: set[str], problems: Problems, today: date
) -> tuple[_PackHeader, list[LoadedRule]] | None:
    loaded = _validated(_PackHeader, path, problems, "a rule pack (YAML)")
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
    constraints = [r for r in ruleset.rules if isinstance(r.rule, Constraint)]
    for i, later in enumerate(constraints):
        for earlier in constraints[:i]:
            if earlier.rule.requires == later.rule.requires:  # type: ignore[union-attr]
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
                f"{later.rule.requires}, that one {earlier.rule.requires}",  # type: ignore[union-attr]
                later.id, "requires", later.line,
            ))  # fmt: skip
