"""Wording for what a project scan contributed, shared by the text and Markdown reports, the
command line's stderr and the app, so that all of them say the same thing."""

from __future__ import annotations

from advisor.report.scan import place
from advisor.scan.model import ProjectScan, Tally
from advisor.scoring.recommendation import EvidenceRef, ProposalUse, Recommendation

FRAMEWORK_NAMES = {"tensorflow": "TensorFlow", "pytorch": "PyTorch", "keras": "Keras 3",
                   "jax": "JAX"}


def value_text(value: str | list[str]) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]" if value else "none"
    return value


def places(evidence: list[EvidenceRef]) -> str:
    """Example places as ``path:line``, comma-separated."""
    return ", ".join(place(e) for e in evidence)


def percent(confidence: float) -> str:
    return f"{confidence:.0%}".replace("%", " %")


def scan_summary(scan: ProjectScan) -> list[str]:
    """One line on what was scanned and proposed; a second only for what the scan could not
    read or understand, or a limit that stopped it."""
    proposed = [p.question for p in scan.proposals if p.kind == "default"]
    lines = [f"scanned {scan.root}: {scan.files_read:,} files read in {scan.seconds:.1f} s; "
             + (f"proposes {', '.join(proposed)}" if proposed else "no answer proposed")]
    trouble = []
    if skipped := sum(t.count for t in scan.skipped):
        trouble.append(f"{skipped:,} files skipped ({_reasons(scan.skipped)})")
    if problems := sum(t.count for t in scan.problems):
        trouble.append(f"{problems:,} not understood ({_reasons(scan.problems)})")
    if not scan.complete:
        limits = scan.limits
        trouble.append(f"stopped at a limit ({limits.max_files:,} files, "
                       f"{limits.max_seconds:g} s): the proposals rest on part of the tree "
                       "(`advisor scan --help` shows how to raise the limits)")
    if trouble:
        lines.append("scan: " + "; ".join(trouble))
    return lines


def _reasons(tallies: list[Tally]) -> str:
    return ", ".join(f"{t.count:,} {t.reason}" for t in tallies[:3]) + (
        ", …" if len(tallies) > 3 else "")


def used_line(rec: Recommendation, where: str = "“From the project scan”") -> str | None:
    """The headline's line on which answers came from the scan; ``where`` says where the
    report explains them."""
    p = rec.project
    if p is None:
        return None
    used = p.with_status("used")
    if not used:
        return f"The scan of {p.root} answered no question (see {where})."
    return (f"From the scan of {p.root}: "
            + ", ".join(f"{u.question} = {value_text(u.answer)}" for u in used)
            + f" (why: {where}).")


def answer_mark(rec: Recommendation, question: str) -> str:
    """What follows an answer in the list of answers when it came from the scan."""
    p = rec.project
    if p is None:
        return ""
    used = next((u for u in p.with_status("used") if u.question == question), None)
    return f" (from the scan, {percent(used.confidence)})" if used else ""


def _proposal(u: ProposalUse) -> str:
    seen = f" Seen in {places(u.evidence)}." if u.evidence else ""
    return f"  {u.question} = {value_text(u.proposed)} ({percent(u.confidence)}): {u.because}{seen}"


def project_lines(rec: Recommendation) -> list[str]:
    """The report's section "From the project scan"; an indented line belongs to the one above."""
    p = rec.project
    if p is None:
        return []
    lines = [f"Scanned {p.root}: {p.files_read:,} files read"
             + (f", {p.skipped:,} skipped" if p.skipped else "")
             + ("" if p.complete else "; the scan stopped at a limit, so it saw part of the tree")
             + "."]
    used = p.with_status("used")
    lines.append("Answers from the scan:" if used else "No answer came from the scan.")
    lines += [_proposal(u) for u in used]
    if answered := p.with_status("overridden", "confirmed"):
        lines.append("Your answers, where the scan proposed one too (yours are used):")
        lines += [f"  {u.question} = {value_text(u.answer)}; the scan proposed "
                  + ("the same" if u.status == "confirmed" else value_text(u.proposed))
                  + f" ({percent(u.confidence)}): {u.because}" for u in answered]
    if hints := p.with_status("hint"):
        lines.append("Hints, never applied:")
        lines += [_proposal(u) for u in hints]
    if unusable := p.with_status("unusable"):
        lines.append("Not used, not an answer this questionnaire has:")
        lines += [f"  {u.question} = {value_text(u.proposed)}" for u in unusable]
    lines.append("Switching cost (what a change away from each framework touches):")
    for c in p.switching_cost:
        name = FRAMEWORK_NAMES[c.framework]
        if c.framework == "jax":
            effect = "neither framework's: no points"
        elif c.factor is None:
            effect = "portable: moving it is a backend switch, no points"
        elif c.applied:
            effect = f"existing-code points × {c.factor:g}"
        else:
            effect = "no existing-code rule for it fired"
        lines.append(f"  {name}: {c.text}; {effect}.")
    return lines
