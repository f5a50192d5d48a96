"""The Recommendation's ``project`` part: every proposal of the scan with what became of it,
and the code bound to each framework with the scale it gave the existing-code points."""

from __future__ import annotations

from advisor.frameworks import NAMES
from advisor.inputs.answers import Answers
from advisor.inputs.questions import AnswerValue, Questionnaire
from advisor.knowledge.formats import PointsRule
from advisor.knowledge.ruleset import LoadedRule
from advisor.printable import printable
from advisor.scan.answers import usable_value
from advisor.scan.model import BoundCode, ProjectScan, Proposal
from advisor.scoring.recommendation import (
    EvidenceRef,
    ProjectUse,
    ProposalStatus,
    ProposalUse,
    SwitchingCostUse,
)
from advisor.scoring.switching import CODEBASE, Switching, found_text

EXAMPLES = 3
"""Evidence places shown per proposal: enough to check it, short enough to read."""
PORTABLE = {"keras": "Keras 3", "jax": "JAX"}
"""Code bound to these is shown, never scored: Keras 3 moves with a backend switch, and JAX is
neither of the two frameworks."""


def project_use(
    scan: ProjectScan,
    answers: Answers,
    questionnaire: Questionnaire,
    switching: Switching,
    fired: list[LoadedRule],
) -> ProjectUse:
    cost = scan.switching_cost
    scaled = {r.rule.favors for r in fired
              if isinstance(r.rule, PointsRule) and r.rule.criterion == CODEBASE}  # fmt: skip
    bound: list[tuple[str, BoundCode]] = [
        ("tensorflow", cost.tensorflow), ("pytorch", cost.pytorch), ("keras", cost.keras)]
    if cost.jax != BoundCode():  # JAX is said only where there is some: it is neither choice
        bound.append(("jax", cost.jax))
    return ProjectUse(
        root=printable(scan.root),
        complete=scan.complete,
        files_read=scan.files_read,
        skipped=sum(t.count for t in scan.skipped),
        proposals=[_proposal(p, answers, questionnaire) for p in scan.proposals],
        switching_cost=[
            SwitchingCostUse(
                framework=fw,  # type: ignore[arg-type]
                files=b.files,
                lines=b.lines,
                model_files={printable(k): n for k, n in b.model_files.items()},
                deployment=[printable(d) for d in b.deployment],
                factor=None if fw in PORTABLE else switching.factors.get(fw, 1.0),
                applied=fw in scaled,
                text=found_text(NAMES.get(fw) or PORTABLE[fw], b, complete=scan.complete)
                or "nothing found",
            )
            for fw, b in bound
        ],
    )


def status(proposal: Proposal, answers: Answers, questionnaire: Questionnaire) -> ProposalStatus:
    """What became of a proposal: used (it is the answer), confirmed or overridden (the user
    answered), hint (never applied), unusable (no such question or value here)."""
    if proposal.kind == "hint":
        return "hint"
    value = usable_value(proposal, questionnaire)
    if value is None:
        return "unusable"
    q = proposal.question
    if q in answers.proposed and answers[q] == value:
        return "used"
    return "confirmed" if answers.get(q) == value else "overridden"


def _proposal(p: Proposal, answers: Answers, questionnaire: Questionnaire) -> ProposalUse:
    return ProposalUse(
        question=printable(p.question),
        proposed=_shown(p.value),
        status=status(p, answers, questionnaire),
        answer=_shown(answers[p.question]) if p.question in answers else "",
        confidence=p.confidence,
        because=printable(p.because),
        evidence=[EvidenceRef(path=printable(e.path), line=e.line, cell=e.cell)
                  for e in p.evidence[:EXAMPLES]],
    )


def _shown(value: AnswerValue | list[str]) -> str | list[str]:
    if isinstance(value, str):
        return printable(value)
    return [printable(v) for v in value]
