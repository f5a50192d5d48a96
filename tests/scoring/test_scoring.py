"""Properties of the whole score (advisor/scoring/__init__.py) over random answer sets
(hypothesis): how team and code answers move the margin."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_inputs import CODE_ORDER, RULES, SWAP, answer_sets, margin

from advisor.inputs.answers import Answers
from advisor.scoring import score


@settings(max_examples=80, deadline=None)
@given(answer_sets())
def test_existing_pytorch_code_never_lowers_pytorchs_margin(answers: Answers) -> None:
    for before in ("none", "tensorflow", "keras"):
        a = answers.replace("existing_code", before)
        assert margin(a.replace("existing_code", "pytorch")) >= margin(a) - 1e-9


@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_existing_code_moves_the_margin_in_order(answers: Answers) -> None:
    """tf.* code, Keras 3 code, PyTorch code: each step towards PyTorch never lowers PyTorch's
    margin; starting fresh (no code) also lies between tf.* code and PyTorch code."""
    m = {v: margin(answers.replace("existing_code", v)) for v in (*CODE_ORDER, "none")}
    for lower, higher in zip(CODE_ORDER, CODE_ORDER[1:], strict=False):
        assert m[lower] <= m[higher] + 1e-9, (lower, higher)
    assert m["tensorflow"] <= m["none"] + 1e-9 <= m["pytorch"] + 2e-9


@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_keras_code_weighs_for_neither_framework(answers: Answers) -> None:
    """Keras 3 code runs on either backend, so it adds no existing-code points to either side."""
    rec = score(answers.replace("existing_code", "keras"), RULES)
    assert rec.criteria["codebase"].weighted.tensorflow == rec.criteria["codebase"].weighted.pytorch


@settings(max_examples=80, deadline=None)
@given(answer_sets(), st.sampled_from([None, "keras"]))
def test_swapping_team_and_code_answers_mirrors_their_contribution(
    answers: Answers, code: str | None
) -> None:
    if code is not None:  # make sure Keras 3 code, its own mirror, is covered every run
        answers = answers.replace("existing_code", code)
    swapped = answers
    for key in ("team_experience", "existing_code"):
        swapped = swapped.replace(key, SWAP.get(str(answers[key]), str(answers[key])))
    a, b = score(answers, RULES), score(swapped, RULES)
    for criterion in ("team", "codebase"):
        ca, cb = a.criteria[criterion].weighted, b.criteria[criterion].weighted
        assert ca.tensorflow == pytest.approx(cb.pytorch)
        assert ca.pytorch == pytest.approx(cb.tensorflow)
    for criterion in a.criteria:
        if criterion not in ("team", "codebase"):
            assert a.criteria[criterion].weighted == b.criteria[criterion].weighted, criterion


@settings(max_examples=30, deadline=None)
@given(answer_sets())
def test_installed_versions_change_the_notice_and_nothing_else(answers: Answers) -> None:
    """A newer framework here is said, never scored: the advice stays what the rules say."""
    plain = score(answers, RULES)
    newer = score(answers, RULES, installed={"tensorflow": "99.0", "torch": "1.0"})
    assert plain.versions == [] and [v.package for v in newer.versions] == ["tensorflow"]
    assert {**newer.to_dict(), "versions": []} == plain.to_dict()
    shown = {r.id for r in newer.reasons} | {n.id for n in newer.notes} | {
        m.id for m in newer.myths}
    assert set(newer.versions[0].rules) <= shown
