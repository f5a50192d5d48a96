"""A scan's proposals as answers: which question each fills, and which it may not.

Who decides an answer, strongest first: the user (an answers file, a choice in the app), then a
``default`` proposal of the scan, then the questionnaire's default. A ``hint`` never decides.
Pure: the scoring applies these too, so every way in gets the same answers from the same scan.
"""

from __future__ import annotations

from advisor.errors import AnswersError
from advisor.inputs.answers import Answers, normalise_value
from advisor.inputs.questions import AnswerValue, Questionnaire
from advisor.scan.model import ProjectScan, Proposal


def usable_value(proposal: Proposal, questionnaire: Questionnaire) -> AnswerValue | None:
    """The proposal's value as an answer to its question, or None when this questionnaire has
    no such question or value (a scan from a newer advisor, say)."""
    question = questionnaire.by_id.get(proposal.question)
    if question is None:
        return None
    try:
        return normalise_value(question, proposal.value)
    except AnswersError:
        return None


def with_proposals(answers: Answers, scan: ProjectScan, questionnaire: Questionnaire) -> Answers:
    """``answers`` with every question the user left open filled from the scan's ``default``
    proposals (the first for a question, if several); hints and unusable values are left out.
    An answer the user gave is kept whatever the scan proposes."""
    values: dict[str, AnswerValue] = {}
    for proposal in scan.proposals:
        if proposal.kind != "default" or proposal.question in values:
            continue
        value = usable_value(proposal, questionnaire)
        if value is not None:
            values[proposal.question] = value
    return answers.propose(values)
