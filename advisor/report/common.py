"""Wording shared by the text and Markdown reports, so both say the same thing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from advisor.frameworks import NAMES, Framework
from advisor.knowledge.workloads import describe
from advisor.report.project import answer_mark
from advisor.scoring.recommendation import Recommendation, SourceRef
from advisor.times import utc_minute

if TYPE_CHECKING:
    from advisor.inputs.measurements import FrameworkResult, Runtime


def headline(rec: Recommendation) -> str:
    if rec.recommendation == "either":
        return "Either framework: the evidence does not separate them"
    return f"Recommendation: {NAMES[rec.recommendation]}"


def points_line(rec: Recommendation) -> str:
    """The figures under the sentence beside the headline (``rec.meaning``), and what a random
    reweighting is."""
    how = (
        "decided by a policy constraint" if rec.decided_by == "constraint" else "decided by points"
    )
    r = rec.robustness
    return (
        f"TensorFlow {rec.scores.tensorflow:.1f} vs PyTorch {rec.scores.pytorch:.1f} weighted "
        f"points · {how} · a reweighting scales each criterion's weight by a random "
        f"{1 - r.perturbation:g}–{1 + r.perturbation:g}"
    )


def source_text(s: SourceRef) -> str:
    return f"{s.label} (checked {s.checked.isoformat()})"


def defaulted_line(rec: Recommendation) -> str | None:
    if not rec.defaulted:
        return None
    shown = ", ".join(f"{k} = {_answer(rec.answers[k])}" for k in rec.defaulted)
    return f"Not answered, defaults used: {shown}."


def _answer(value: str | list[str]) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]" if value else "none"
    return value


def answers_lines(rec: Recommendation) -> list[str]:
    return [
        f"{k}: {_answer(v)}" + (" (default)" if k in rec.defaulted else answer_mark(rec, k))
        for k, v in rec.answers.items()
    ]


def measurement_lines(rec: Recommendation) -> list[str]:
    m = rec.measurements
    if m is None:
        return ["No measurements used: the recommendation rests on the rules alone."]
    where = m.machine or "an unnamed machine"
    if not m.this_machine:
        where += (f", not this machine ({m.here or 'unknown'}): its figures weigh "
                  f"{m.machine_scale:g}")
    lines = [f"Probe run {utc_minute(m.created)} on {where}, "
             f"training {describe(m.workload)}" + (
                 ", which matches your domain." if m.workload == m.matching_workload else
                 f"; your domain matches {describe(m.matching_workload)}, so these figures weigh "
                 f"{m.workload_scale:g} (`advisor probe --workload {m.matching_workload}` "
                 "measures it).")]  # fmt: skip
    if not m.used:
        lines.append("The measurements could not be compared, so they carry no points.")
    lines += [f"{_criterion_title(rec, d.criterion)}: {d.detail}" for d in m.criteria]
    lines.append(
        f"Measured criteria are capped at {m.cap_share:.0%} of the total weight (scale "
        f"{m.cap_scale:g}); device scale {m.device_scale:g} (1 when the probe ran on the hardware "
        f"you train on); machine scale {m.machine_scale:g} (1 when the file was measured on "
        f"this machine); workload scale {m.workload_scale:g} (1 when it trained the workload "
        f"that matches your domain); stability scale {m.stability_scale:g}"
        + (", because the probe flagged:" if m.flags else " (no instability flagged).")
    )
    lines += [f"  {flag}" for flag in m.flags]  # indented: the items of the line above
    lines += [f"Missing: {x}" for x in m.missing]
    return lines


def _criterion_title(rec: Recommendation, criterion: str) -> str:
    c = rec.criteria.get(criterion)
    return c.title if c is not None else criterion


def robustness_line(rec: Recommendation) -> str:
    r = rec.robustness
    return (
        f"Robustness: the result holds in {r.share:.0%} of {r.draws} random "
        f"±{r.perturbation:.0%} changes of the criterion weights (seed {r.seed}): {r.level}."
    )


def flip_texts(rec: Recommendation) -> list[str]:
    """The single answer changes that would change the recommendation, or a line saying none."""
    return [f.text for f in rec.flips] or [
        "No single change of answer would change the recommendation."
    ]


def faster_setting_lines(rec: Recommendation) -> list[str]:
    """'Make it faster on this machine': shown when a setting clearly speeds a framework up."""
    m = rec.measurements
    if m is None or not m.faster:
        return []
    lines = [faster_text(f.framework, f.applies, f.setting, f.speedup, f.ci95, m.workload)
             for f in m.faster]  # fmt: skip
    return [*lines, ALLOCATOR_GUIDE]


def version_lines(rec: Recommendation) -> list[str]:
    """One sentence per package that is newer here than the rules were checked against."""
    lines = []
    for n in rec.versions:
        where = "installed here" if n.seen_in == "environment" else "in the measurements file"
        recorded = sorted(set(n.checked_against.values()))
        packs = ", ".join(sorted(n.checked_against))
        head = (
            f"{n.package} {n.version} ({where}) is newer than {' and '.join(recorded)}, the "
            f"version the advice was checked against (rule packs: {packs})."
        )
        tail = (
            " These rules in this report rest on facts about it that may have changed: "
            + ", ".join(n.rules) + "."
            if n.rules else
            " No rule in this report names it, but facts in those packs may have changed."
        )  # fmt: skip
        lines.append(head + tail)
    return lines


BRIDGE_TITLE = "Keras 3 as a bridge"


def bridge_lines(rec: Recommendation) -> list[str]:
    """'Keras 3 as a bridge': the measured cost of each backend, what it means, then the rule
    notes it cites (each note's sources indented under it); empty where it does not apply."""
    bridge = rec.keras_bridge
    if bridge is None:
        return []
    lines = list(bridge.lines)
    for n in bridge.notes:
        lines.append(f"{n.text} [{n.id}]")
        lines += [f"  source: {source_text(s)}" for s in n.sources]
    return lines


def provenance_lines(rec: Recommendation) -> list[str]:
    p = rec.provenance
    lines = [
        f"framework-advisor {p.advisor_version}; rules {p.rules_digest}; advice as of "
        f"{p.advice_as_of.isoformat() if p.advice_as_of else 'unknown'}.",
        "Rule packs: "
        + ", ".join(f"{x.pack} ({x.rules})" + ("" if x.bundled else " [yours]") for x in p.packs)
        + ".",
    ]
    lines += [
        f"Rule {o.rule_id!r} from pack {o.replaced_pack} was replaced by your pack {o.by_pack} "
        f"({o.by_path})."
        for o in p.overrides
    ]
    return lines


ALLOCATOR_GUIDE = (
    "PyTorch's CPU performance guide recommends jemalloc or tcmalloc (through LD_PRELOAD) for "
    "the same reason; `advisor probe --tuning` measures them where this machine has one "
    "(https://docs.pytorch.org/tutorials/recipes/recipes/tuning_guide.html)."
)


SAY_AS_INTERVAL = 1.5
"""A speedup whose interval's ends lie further apart than this is said as its interval: its
point estimate would claim more than one run can know."""


def faster_text(
    framework: str, applies: str, setting: str, estimate: float, ci95: tuple[float, float],
    workload: str,
) -> str:
    """One setting that makes a framework faster here, as advice a user can act on."""
    doing = "trains" if applies == "training" else "runs batch inference of"
    lo, hi = ci95
    if hi / lo > SAY_AS_INTERVAL:
        how = f"{lo:.1f}–{hi:.1f}× faster here (95 % CI; {estimate:.2f}× in this run)"
    else:
        how = f"{estimate:.1f}× faster here (95 % CI {lo:.2f}–{hi:.2f})"
    return (f"{NAMES[framework]} {doing} the {workload} workload {how} with `{setting}`: add it "
            f"to your {applies} environment.")


def faster_lines(frameworks: Mapping[Framework, FrameworkResult], workload: str) -> list[str]:
    """The 'make it faster on this machine' advice of one workload's measurements."""
    lines = [
        faster_text(fw, s.applies, s.setting, speedup.estimate, speedup.ci95, workload)
        for fw, entry in frameworks.items()
        if entry.ok
        for s in entry.worth_adding()
        # worth_adding keeps only settings measured with an interval
        if (speedup := s.speedup) is not None and speedup.ci95 is not None
    ]
    return [*lines, ALLOCATOR_GUIDE] if lines else []


def runtime_text(r: Runtime) -> str:
    """The process state a framework's primary figures were taken in, in words."""
    state = "out of the box" if not r.setting else f"with {r.setting}"
    parts = [state, r.allocator]
    if r.mmap_threshold is not None:
        parts.append(f"mmap threshold {r.mmap_threshold}, trim threshold {r.trim_threshold}")
    speed_vars = [f"{k}={v}" for k, v in r.env.items()]
    parts.append("variables: " + (", ".join(speed_vars) if speed_vars else "none set"))
    if r.untouched is not None:
        parts.append(
            "nothing but loading and training ran before a timed window"
            if r.untouched
            else "OTHER WORK RAN BEFORE A TIMED WINDOW"
        )
    return "; ".join(parts)
