"""The explanation (advisor/scoring/explanation.py): flips that are true, and sentences that name
only what the answers say, over random answer sets (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from scoring_inputs import RULES, answer_sets

from advisor.inputs.answers import Answers
from advisor.scoring import score


@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_every_flip_is_true_and_the_result_is_deterministic(answers: Answers) -> None:
    rec = score(answers, RULES)
    assert score(answers, RULES) == rec
    for flip in rec.flips:
        value = tuple(flip.answer) if isinstance(flip.answer, list) else flip.answer
        assert (
            score(answers.replace(flip.question, value), RULES).recommendation
            == flip.recommendation
        )
        assert flip.recommendation != rec.recommendation


@settings(max_examples=80, deadline=None)
@given(answer_sets())
def test_team_and_code_sentences_name_only_what_the_answers_say(answers: Answers) -> None:
    rec = score(answers, RULES)
    for line in rec.explanation:
        said = line.lower()
        if "favour" not in said:
            continue
        named = "tensorflow" if "favour tensorflow" in said or "favours tensorflow" in said \
            else "pytorch"
        if "team's skills" in said:
            assert answers["team_experience"] == named, line
        if "existing code" in said:
            assert answers["existing_code"] == named, line
