"""Quality checks on the sources rules cite, for ``advisor rules check``.

Three findings, each about the evidence behind a rule rather than its syntax:

- a source on a known proxy or aggregator domain is an error: such pages copy or summarise a
  primary page and may alter it, so a rule must cite the original;
- a scoring rule whose sources are all ``kind: secondary`` gets a warning: without a primary
  source it should say so in ``because`` and weigh at most 1 point;
- two scoring rules that give the same framework points under the same criterion, cite the same
  page and can fire for the same answers get a warning: one fact is probably counted twice.

The checks return plain findings; ``advisor.knowledge.checks`` turns them into ``Problem`` records.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

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
    """Every proxy source, scoring rule without a primary source, and shared-source pair."""
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


def _shared_sources(rules: Sequence[LoadedRule], q: Questionnaire) -> Iterator[Finding]:
    scoring = [r for r in rules if isinstance(r.rule, PointsRule) and r.condition is not None]
    for a, b in itertools.combinations(scoring, 2):
        ra, rb = a.rule, b.rule
        assert isinstance(ra, PointsRule) and isinstance(rb, PointsRule)
        if (ra.favors, ra.criterion) != (rb.favors, rb.criterion):
            continue
        shared = sorted(_urls(ra.sources) & _urls(rb.sources))
        if not shared:
            continue
        assert a.condition is not None and b.condition is not None
        if not can_hold_together(a.condition, b.condition, q):
            continue  # e.g. one rule per answer value: never both counted
        yield Finding(
            b,
            f"gives {rb.favors} points under {rb.criterion} like rule {a.id!r} ({a.path}, line "
            f"{a.line}), and both cite {shared[0]}: one fact counted twice? Merge the two "
            "rules, or cite each rule's own page",
            warning=True,
        )


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
    choices: list[list[AnswerValue]] = []
    for key in keys:
        question = q[key]
        if question.type == "many":
            targets = [v for v in question.values if v != "none"]
            choices.append(
                [
                    tuple(combo)
                    for n in range(len(targets) + 1)
                    for combo in itertools.combinations(targets, n)
                ]
            )
        else:
            choices.append(list(question.values))
    for values in itertools.product(*choices):
        answers = dict(zip(keys, values, strict=True))
        if a.holds(answers) and b.holds(answers):
            return True
    return False
