"""Quality checks on the sources rules cite, for ``advisor rules check``.

Three findings, each about the evidence behind a rule rather than its syntax:

- a source on a known proxy or aggregator domain is an error: such pages copy or summarise a
  primary page and may alter it, so a rule must cite the original;
- a scoring rule whose sources are all ``kind: secondary`` gets a warning: without a primary
  source it should say so in ``because`` and weigh at most 1 point;
- scoring rules that give the same framework points under the same criterion, cite the same
  page and can fire for the same answers get one warning per page: one fact is probably
  counted more than once.

The checks return plain findings; ``advisor.knowledge.checks`` turns them into ``Problem`` records.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from advisor.frameworks import NAMES
from advisor.inputs.questions import AnswerValue, Questionnaire
from advisor.knowledge.conditions import Condition, mentions
from advisor.knowledge.formats import PointsRule, Source
from advisor.knowledge.ruleset import LoadedRule

PROXY_DOMAINS: dict[str, str] = {
    "vuink.com": "a rot13 proxy that re-serves other sites' pages",
    "theaicatchup.com": "a news aggregator that rewrites announcements",
    "agent-wars.com": "a news aggregator that rewrites announcements",
    "euno.news": "a news aggregator that summarises other sites' posts",
    "hacknews-clone.netlify.app": "a copy of Hacker News threads",
    "summarizeddata.com": "a site of machine-written summaries",
    "aiwiki.ai": "a wiki that compiles other sources",
    "replygirl.club": "a site of machine-written summaries",
}
"""Domains known to copy or summarise primary pages; citing them is an error. Kept short on
purpose: it names sites seen cited as sources, not a general blocklist."""


@dataclass(frozen=True)
class Finding:
    rule: LoadedRule
    message: str
    warning: bool


def source_findings(rules: Sequence[LoadedRule], questionnaire: Questionnaire) -> Iterator[Finding]:
    """Every proxy source, scoring rule without a primary source, and shared source."""
    for r in rules:
        for s in r.rule.sources:
            domain = proxy_domain(s)
            if domain is not None:
                yield Finding(
                    r,
                    f"source {s.url} is on {domain}, {PROXY_DOMAINS[domain]}; "
                    "cite the primary page (project docs, release notes, repository, vendor "
                    "documentation or official blog) instead",
                    warning=False,
                )
        if isinstance(r.rule, PointsRule) and not any(s.kind == "primary" for s in r.rule.sources):
            weight = (
                f"; it gives {r.rule.points} points, but without a primary source a rule "
                "weighs 1 at most"
                if r.rule.points > 1
                else ""
            )
            yield Finding(
                r,
                "no primary source: cite the project's own page, or if none exists say so in "
                f"'because' and mark the sources 'kind: secondary'{weight}",
                warning=True,
            )
    yield from _shared_sources(rules, questionnaire)


def proxy_domain(source: Source) -> str | None:
    """The listed proxy domain a source's URL is on, if any (subdomains included)."""
    if not source.url:
        return None
    host = (urlsplit(source.url).hostname or "").lower()
    for domain in PROXY_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


CHECK_BUDGET = 2_000_000
"""How many condition evaluations one shared source may cost before the check gives up on
proving that two of its rules fire together (and says so)."""


def _shared_sources(rules: Sequence[LoadedRule], q: Questionnaire) -> Iterator[Finding]:
    """One finding per page that several scoring rules cite for the same framework and
    criterion, when two of them can fire for the same answers.

    Linear in the number of rules for the usual case, an organisation's pack whose rules all
    cite one policy page: rules are grouped by (framework, criterion, page) in one pass; rules
    with the same condition need one satisfiability check between them, and different
    conditions are tried together, once per combination of the answers they mention."""
    groups: dict[tuple[str, str, str], list[LoadedRule]] = {}
    for r in rules:
        if not isinstance(r.rule, PointsRule) or r.condition is None:
            continue
        for url in sorted(_urls(r.rule.sources)):
            groups.setdefault((r.rule.favors, r.rule.criterion, url), []).append(r)
    for (favors, criterion, url), group in groups.items():
        if len(group) < 2:
            continue
        try:
            pair = _firing_together(group, q)
        except TooManyToCheck:
            yield Finding(
                group[-1],
                f"{len(group):,} rules cite {url} for {NAMES[favors]} under {criterion}, with "
                "too many different conditions to check whether some fire for the same "
                "answers; if they can, one fact is counted more than once",
                warning=True,
            )
            continue
        if pair is None:
            continue  # e.g. one rule per answer value: never two counted at once
        first, second = pair
        if len(group) == 2:
            message = (
                f"gives {favors} points under {criterion} like rule {first.id!r} "
                f"({first.path}, line {first.line}), and both cite {url}: one fact counted "
                "twice? Merge the two rules, or cite each rule's own page"
            )
        else:
            message = (
                f"{len(group):,} rules cite {url} for {NAMES[favors]} under {criterion}, and "
                f"some fire for the same answers, such as this one and rule {first.id!r} "
                f"({first.path}, line {first.line}): one fact counted up to {len(group):,} "
                "times? Merge them, or cite each rule's own page"
            )
        yield Finding(second, message, warning=True)


class TooManyToCheck(Exception):
    """Proving that no two rules fire together would take more than ``CHECK_BUDGET``."""


def _firing_together(
    group: Sequence[LoadedRule], q: Questionnaire
) -> tuple[LoadedRule, LoadedRule] | None:
    """Two rules of ``group`` that some answers make fire together, or None."""
    first_with: dict[Condition, LoadedRule] = {}
    satisfiable: dict[Condition, bool] = {}
    for r in group:
        assert r.condition is not None
        earlier = first_with.setdefault(r.condition, r)
        if earlier is not r:
            if r.condition not in satisfiable:
                satisfiable[r.condition] = can_hold_together(r.condition, r.condition, q)
            if satisfiable[r.condition]:
                return earlier, r
    distinct = list(first_with.values())
    if len(distinct) < 2:
        return None
    conditions = [r.condition for r in distinct if r.condition is not None]
    keys = sorted({k for c in conditions for k, _ in mentions(c)})
    choices = [_choices(key, q) for key in keys]
    if math.prod(len(c) for c in choices) * len(distinct) > CHECK_BUDGET:
        raise TooManyToCheck
    for values in itertools.product(*choices):
        answers = dict(zip(keys, values, strict=True))
        holding: LoadedRule | None = None
        for r, condition in zip(distinct, conditions, strict=True):
            if condition.holds(answers):
                if holding is not None:
                    return holding, r
                holding = r
    return None


def _urls(sources: Iterable[Source]) -> set[str]:
    return {normalise_url(s.url) for s in sources if s.url}


def normalise_url(url: str) -> str:
    """Compare URLs as pages: scheme, letter case of the host, 'www.', trailing '/' and the
    fragment do not make a different page."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def can_hold_together(a: Condition, b: Condition, q: Questionnaire) -> bool:
    """Whether some answers satisfy both conditions.

    Only the questions the two conditions mention matter, so this tries every combination of
    their values (every subset of targets for a list question), a few hundred cases at most.
    """
    keys = sorted({k for k, _ in mentions(a)} | {k for k, _ in mentions(b)})
    choices = [_choices(key, q) for key in keys]
    for values in itertools.product(*choices):
        answers = dict(zip(keys, values, strict=True))
        if a.holds(answers) and b.holds(answers):
            return True
    return False


def _choices(key: str, q: Questionnaire) -> list[AnswerValue]:
    """Every answer a question can have: each value, or each set of targets for a list."""
    question = q[key]
    if question.type != "many":
        return list(question.values)
    targets = [v for v in question.values if v != "none"]
    return [tuple(combo) for n in range(len(targets) + 1)
            for combo in itertools.combinations(targets, n)]  # fmt: skip
