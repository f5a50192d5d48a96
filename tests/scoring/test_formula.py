"""The formula (advisor/scoring/formula.py): confidence, the winner rule, constraints and the one
definition of a close result, over random answer sets (hypothesis)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from scoring_inputs import RULES, Q, answer_sets

from advisor.inputs.answers import Answers, normalise_answers
from advisor.knowledge.loader import load_ruleset
from advisor.scoring import result_is_close, score
from advisor.scoring.formula import CLOSE_ROBUSTNESS, EITHER_BELOW, EVIDENCE_SCALE, is_close


@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_confidence_and_either_follow_the_documented_formula(answers: Answers) -> None:
    rec = score(answers, RULES)
    tf, pt = rec.scores.tensorflow, rec.scores.pytorch
    delta = abs(tf - pt)
    expected = 0.0 if tf + pt == 0 else (1 - math.exp(-delta / EVIDENCE_SCALE)) * delta / (tf + pt)
    if rec.decided_by == "points":
        assert rec.confidence == pytest.approx(expected, abs=1e-4)
        assert (rec.recommendation == "either") == (expected < EITHER_BELOW)
    assert 0 <= rec.robustness.share <= 1
    # Every reason points at a source a reader can follow.
    assert all(r.sources for r in rec.reasons)


def test_a_constraint_decides_whatever_the_points_say(tmp_path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "pack: serving-policy\nrules:\n"
        "  - id: serve-on-tf-serving\n    kind: constraint\n    when: {deployment: {has: server}}\n"
        "    requires: tensorflow\n    because: We serve every model on TF Serving.\n"
        "    sources: [{title: Platform team policy, checked: 2026-11-01}]\n"
    )
    rules = load_ruleset([policy])
    answers = normalise_answers(
        {
            "deployment": ["server"],
            "domain": "llm",
            "pretrained": "central",
            "team_experience": "pytorch",
            "existing_code": "pytorch",
        },
        Q,
    )
    points_only = score(answers, RULES)
    rec = score(answers, rules)
    assert points_only.recommendation == "pytorch"
    assert rec.recommendation == "tensorflow" and rec.decided_by == "constraint"
    assert rec.constraint is not None and rec.constraint.points_winner == "pytorch"
    assert rec.robustness.share == 1.0
    assert any("serve-on-tf-serving" in line for line in rec.explanation)


ONLY_IF_CLOSE = {r.id for r in RULES.rules if getattr(r.rule, "only_if_close", False)}


@settings(max_examples=80, deadline=None)
@given(answer_sets())
def test_close_has_one_definition_that_notes_and_sentences_obey(answers: Answers) -> None:
    rec = score(answers, RULES)
    assert rec.close == is_close(rec.confidence, rec.robustness.share)
    assert rec.close == (
        rec.confidence < EITHER_BELOW or rec.robustness.share < CLOSE_ROBUSTNESS
    )
    assert result_is_close(answers, RULES) == rec.close
    if rec.decided_by == "constraint":
        assert not rec.close
    if not rec.close:
        assert not ONLY_IF_CLOSE & {n.id for n in rec.notes}
        assert not any("close" in line or "balanced" in line for line in rec.explanation)
    elif rec.recommendation != "either":
        assert any(line.startswith("The result is close") for line in rec.explanation)


def test_close_notes_appear_exactly_when_the_result_is_close() -> None:
    # keras3-when-close fires for a years-long horizon; whether it is said depends on closeness.
    assert "keras3-when-close" in ONLY_IF_CLOSE
    one_sided = normalise_answers(
        {"domain": "llm", "pretrained": "central", "team_experience": "pytorch",
         "existing_code": "pytorch", "horizon": "years"}, Q)
    balanced = normalise_answers({"horizon": "years", "deployment": ["mobile"]}, Q)
    far, near = score(one_sided, RULES), score(balanced, RULES)
    assert not far.close and "keras3-when-close" not in {n.id for n in far.notes}
    assert near.close and "keras3-when-close" in {n.id for n in near.notes}
