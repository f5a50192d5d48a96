"""The explanation: the Recommendation's parts in words and records — per-criterion scores,
reasons with their sources, notes, myths, the policy that decided, the sentences on what
decided, the single answer changes that would flip the result, and where the rules came from."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime

from advisor import __version__
from advisor.errors import RuleConflictError
from advisor.frameworks import FRAMEWORKS, NAMES, Framework, Winner, other
from advisor.inputs.answers import Answers
from advisor.inputs.measurements import Measurements
from advisor.inputs.questions import NO_TARGET, AnswerValue
from advisor.knowledge.formats import Constraint, Myth, PointsRule
from advisor.knowledge.ruleset import LoadedRule, RuleSet
from advisor.machine import MachineId
from advisor.scoring.formula import (
    EITHER_BELOW,
    Evaluation,
    evaluate,
    evidence_factor,
    lead_share,
    measured_weights,
)
from advisor.scoring.measured import Measured, measured
from advisor.scoring.recommendation import (
    ConstraintOut,
    CriterionScore,
    Flip,
    MythOut,
    NoteOut,
    OverrideRef,
    PackRef,
    PerFramework,
    Provenance,
    Reason,
    Robustness,
    SourceRef,
)
from advisor.scoring.switching import NO_SCAN, Switching
from advisor.times import utc_minute


def per_framework(values: Mapping[str, float]) -> PerFramework:
    return PerFramework(
        tensorflow=round(values["tensorflow"], 4), pytorch=round(values["pytorch"], 4)
    )


def _sources(rule: LoadedRule) -> list[SourceRef]:
    return [SourceRef(url=s.url, title=s.title, checked=s.checked) for s in rule.rule.sources]


def criteria(
    ruleset: RuleSet, ev: Evaluation, fired: list[LoadedRule], measured: Measured
) -> dict[str, CriterionScore]:
    out = {}
    for c in ruleset.criteria:
        ids = [r.id for r in fired if isinstance(r.rule, PointsRule) and r.rule.criterion == c.id]
        ids += [m.reason_id for m in measured.contributions if m.criterion == c.id]
        p = ev.points[c.id]
        out[c.id] = CriterionScore(
            title=c.criterion.title,
            base_weight=c.criterion.weight,
            weight=round(ev.weights[c.id], 4),
            measured=c.criterion.measured,
            points=per_framework(p),
            weighted=per_framework({f: p[f] * ev.weights[c.id] for f in FRAMEWORKS}),
            rules=ids,
        )
    return out


def reasons(
    fired: list[LoadedRule],
    measured: Measured,
    weights: dict[str, float],
    switching: Switching = NO_SCAN,
) -> list[Reason]:
    reasons = [
        Reason(
            id=r.id,
            kind="rule",
            criterion=r.rule.criterion,
            favors=r.rule.favors,
            points=round(r.rule.points * switching.scale(r), 4),
            weight=round(weights[r.rule.criterion], 4),
            weighted_points=round(
                r.rule.points * switching.scale(r) * weights[r.rule.criterion], 4
            ),
            because=" ".join(x for x in (r.rule.because.strip(), switching.because(r)) if x),
            sources=_sources(r),
            pack=r.pack,
        )
        for r in fired
        if isinstance(r.rule, PointsRule)
    ]
    use = measured.use
    for c in measured.contributions:
        because = f"Measured on this machine: {c.detail}."
        if use is not None and not use.this_machine:
            because = (f"Measured on {use.machine or 'an unnamed machine'}, not this machine "
                       f"(its points weigh {use.machine_scale:g}): {c.detail}.")
        reasons.append(
            Reason(
                id=c.reason_id,
                kind="measurement",
                criterion=c.criterion,
                favors=c.favors,
                points=c.points,
                weight=round(weights[c.criterion], 4),
                weighted_points=round(c.points * weights[c.criterion], 4),
                because=because,
                sources=[
                    SourceRef(
                        title=f"advisor probe on {use.machine or 'this machine'}, "
                        f"{utc_minute(use.created)}",
                        checked=_probe_date(use.created),
                    )
                ]
                if use
                else [],
                pack="measurements",
            )
        )
    reasons.sort(key=lambda r: (-r.weighted_points, r.id))
    return reasons


def _probe_date(created: str) -> date:
    """The day a probe ran (its own 'checked' date), from the ISO time the probe wrote."""
    return datetime.fromisoformat(created).date()


def note(r: LoadedRule) -> NoteOut:
    return NoteOut(
        id=r.id,
        text=r.rule.because.strip(),
        criterion=getattr(r.rule, "criterion", None),
        sources=_sources(r),
        pack=r.pack,
    )


def myth(r: LoadedRule) -> MythOut:
    assert isinstance(r.rule, Myth)
    return MythOut(
        id=r.id,
        claim=r.rule.claim,
        truth=r.rule.because.strip(),
        sources=_sources(r),
        pack=r.pack,
    )


def constraint_out(ev: Evaluation) -> ConstraintOut | None:
    if ev.constraint is None:
        return None
    r = ev.constraint
    assert isinstance(r.rule, Constraint)
    return ConstraintOut(
        id=r.id,
        requires=r.rule.requires,
        because=r.rule.because.strip(),
        sources=_sources(r),
        pack=r.pack,
        points_winner=ev.points_winner,
    )


_FAMILIAR = {
    # criterion: (the answer it follows from, how the sentence names it)
    "team": ("team_experience", "your team's skills"),
    "codebase": ("existing_code", "your existing code"),
}


def explain(
    ev: Evaluation, ruleset: RuleSet, answers: Answers, robustness: Robustness, close: bool
) -> list[str]:
    titles = {c.id: c.criterion.title for c in ruleset.criteria}
    weighted = {c: {f: ev.weights[c] * ev.points[c][f] for f in FRAMEWORKS} for c in ev.points}
    lines: list[str] = []
    if ev.constraint is not None:
        lines.append(
            f"Policy {ev.constraint.id!r} requires {NAMES[ev.winner]}; it decides whatever the "
            f"points say (the points alone recommend {NAMES[ev.points_winner]})."
        )
    leader: Framework = (
        "tensorflow" if ev.scores["tensorflow"] >= ev.scores["pytorch"] else "pytorch"
    )
    trailer = other(leader)
    if ev.points_winner == "either":
        lines.append(
            f"The evidence is balanced ({ev.scores['tensorflow']:.1f} vs "
            f"{ev.scores['pytorch']:.1f} "
            "weighted points): either framework will serve; let the team's preference decide."
        )
        return lines
    net = {c: weighted[c][leader] - weighted[c][trailer] for c in weighted}
    drivers = sorted((c for c in net if net[c] > 0), key=lambda c: -net[c])[:3]
    if drivers:
        lines.append(
            f"{NAMES[leader]} leads on "
            + ", ".join(f"{titles[c].lower()} (+{net[c]:.1f})" for c in drivers)
            + "."
        )
    # Name only what the answers say favours the other framework: a team that knows it, code
    # written in it.
    familiar = [
        c for c, (question, _) in _FAMILIAR.items()
        if c in net and net[c] < 0 and answers.get(question) == trailer
    ]
    if familiar:
        who = " and ".join(_FAMILIAR[c][1] for c in familiar)
        singular = familiar == ["codebase"]  # "code favours", but "skills favour"
        amount = -sum(net[c] for c in familiar)
        outweighing = [titles[c].lower() for c in drivers if c not in _FAMILIAR]
        lines.append(
            f"{who[0].upper()}{who[1:]} {'favours' if singular else 'favour'} "
            f"{NAMES[trailer]} (+{amount:.1f}), but {', '.join(outweighing) or 'other criteria'} "
            f"outweigh {'it' if singular else 'them'}."
        )
    if close and ev.constraint is None:
        # The share itself is in the sentence beside the headline (``meaning``).
        lines.append(
            f"The result is close: {NAMES[leader]} stays ahead only while the criteria weigh "
            "roughly as the rules set them; how much each matters to you decides it."
        )
    return lines


def confidence_percent(confidence: float, winner: Winner) -> str:
    """The confidence as the sentence says it: rounded down for ``either``, so that 9.96 % is
    never shown as the "10%" a pick needs. A pick is rounded from the four places the
    Recommendation keeps, so that the sentence and ``rec.confidence`` never say 37% and 36%."""
    if winner == "either":
        return f"{math.floor(confidence * 100)}%"
    return f"{round(confidence, 4):.0%}"


_FULL_EVIDENCE = 0.95
"""An evidence factor from which a margin counts as good as fully (a margin of 9 points)."""


def meaning(ev: Evaluation, robustness: Robustness) -> str:
    """The sentence beside the headline: what the confidence and the robustness say about this
    result, so that "confidence 0 %" beside "holds in 100 %" reads as the steady tie it is."""
    if ev.constraint is not None:
        return ("Confidence 100%: a policy constraint decides, not the points, so no reweighting "
                "of the criteria can change it.")
    tf, pt = ev.scores["tensorflow"], ev.scores["pytorch"]
    leader: Framework = "tensorflow" if tf >= pt else "pytorch"
    # The lead from the four places rec.lead_share keeps, as the confidence is: a share of
    # 0.34504 is kept as 0.345, which prints as 34%, and the sentence must say the same.
    lead, factor = round(lead_share(ev.scores), 4), evidence_factor(ev.scores)
    held = f"{robustness.share:.0%} of {robustness.draws} random reweightings"
    if tf + pt <= 0:
        return (f"Confidence 0%: no rule gave either framework points for these answers, and "
                f"no reweighting changes that ({held}).")
    if tf == pt:
        said = (f"Confidence 0%: neither leads ({tf:.1f} weighted points each; a pick needs "
                f"{EITHER_BELOW:.0%})")
    else:
        ahead = "is ahead by only" if ev.winner == "either" else "leads by"
        # Under the threshold the confidence, not the lead, is what falls short: say so beside
        # the confidence, so that a 16 % lead is not read as "under 10 %".
        short = f" (under the {EITHER_BELOW:.0%} a pick needs)" if ev.winner == "either" else ""
        said = (f"Confidence {confidence_percent(ev.confidence, ev.winner)}{short}: "
                f"{NAMES[leader]} {ahead} {lead:.0%} of the weighted points in play")
        if factor < _FULL_EVIDENCE:  # the discount is worth a word only where it bites
            said += ", discounted for a small lead"
    only = "only " if robustness.level == "fragile" else ""
    verdict = {
        "steady": "steady",
        "mostly steady": "mostly steady, a few tip it",
        "fragile": "fragile, your weights decide it",
    }[robustness.level]
    if ev.winner == "either":
        if robustness.share >= 1:
            return f"{said}; no random reweighting separates them: a steady tie."
        return f"{said}; the tie holds in {only}{held}: {verdict}."
    return f"{said}; it stays ahead in {only}{held}: {verdict}."


# --- counterfactuals --------------------------------------------------------------------------


def _alternatives(
    question_id: str, current: AnswerValue, ruleset: RuleSet
) -> list[tuple[str, AnswerValue]]:
    q = ruleset.questionnaire[question_id]
    if q.type == "one":
        return [(f"{question_id}: {v} instead of {current}", v) for v in q.values if v != current]
    targets = current if isinstance(current, tuple) else (current,)
    out: list[tuple[str, AnswerValue]] = []
    for v in q.values:
        if v == NO_TARGET:
            if targets:
                out.append((f"{question_id}: none (nothing deployed)", ()))
        elif v in targets:
            out.append((f"{question_id}: remove {v}", tuple(t for t in targets if t != v)))
        else:
            out.append(
                (f"{question_id}: add {v}", tuple(x for x in q.values if x in targets or x == v))
            )
    return out


def flips(
    answers: Answers,
    ruleset: RuleSet,
    measurements: Measurements | None,
    winner: Winner,
    switching: Switching = NO_SCAN,
    here: MachineId | None = None,
) -> list[Flip]:
    flips = []
    for question in ruleset.questionnaire.questions:
        for change, value in _alternatives(question.id, answers[question.id], ruleset):
            changed = answers.replace(question.id, value)
            try:
                weights, cap_scale = measured_weights(changed, ruleset)
                ev = evaluate(
                    changed, ruleset, measured(changed, measurements, cap_scale, here),
                    weights=weights, switching=switching,
                )
            except RuleConflictError:
                continue  # a change that makes policies contradict is no useful advice
            if ev.winner != winner:
                shown = list(value) if isinstance(value, tuple) else value
                flips.append(
                    Flip(
                        question=question.id,
                        change=change,
                        answer=shown,
                        recommendation=ev.winner,
                        text=f"If {change}, the recommendation would be {NAMES[ev.winner]}.",
                    )
                )
    return flips


def provenance(ruleset: RuleSet) -> Provenance:
    return Provenance(
        advisor_version=__version__,
        rules_digest=ruleset.digest,
        advice_as_of=ruleset.advice_as_of,
        packs=[
            PackRef(pack=p.pack, path=_text(p.path), rules=p.rules, bundled=p.bundled)
            for p in ruleset.packs
        ],
        overrides=[
            OverrideRef(
                rule_id=o.rule_id,
                replaced_pack=o.replaced_pack,
                by_pack=o.by_pack,
                by_path=_text(o.by_path),
            )
            for o in ruleset.overrides
        ],
    )


def _text(path: str) -> str:
    """A file name as report text: one that is not UTF-8 (which Python keeps as surrogates)
    shows U+FFFD where its odd bytes are, instead of making JSON output fail."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
