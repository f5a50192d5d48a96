"""The switching cost scales the existing-code criterion (advisor/scoring/switching.py):
bounded, monotone, mirror-symmetric, no effect without a scan, and never against the answer
the user gave."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from project_scans import bound, bound_codes, proposal, proposals, scan
from scoring_inputs import RULES, SWAP, answer_sets

from advisor.inputs.answers import Answers, normalise_answers
from advisor.scan.model import BoundCode
from advisor.scoring import score
from advisor.scoring.switching import HIGHEST, LOWEST, effort, factor

LARGE_TF = bound(files=37, lines=412, model_files={"savedmodel": 3},
                 deployment=["a TF Serving Dockerfile"])


@given(bound_codes())
def test_the_factor_is_bounded(b: BoundCode) -> None:
    assert LOWEST <= factor(b) <= HIGHEST


@given(bound_codes(), st.sampled_from(["files", "lines", "model", "deployment"]),
       st.integers(1, 5_000))
def test_the_factor_never_falls_as_any_count_grows(b: BoundCode, part: str, more: int) -> None:
    """Monotone in every component, wherever the scan found something (with nothing found it
    is 1: the scan cannot size code it did not see)."""
    if part == "files":
        grown = msgspec.structs.replace(b, files=b.files + more)
    elif part == "lines":
        grown = msgspec.structs.replace(b, lines=b.lines + more)
    elif part == "model":
        grown = msgspec.structs.replace(
            b, model_files={**b.model_files, "onnx": b.model_files.get("onnx", 0) + more})
    else:
        grown = msgspec.structs.replace(b, deployment=[*b.deployment, "a Triton config"])
    assert effort(grown) > effort(b)
    if effort(b) > 0:
        assert factor(grown) >= factor(b)


def test_the_documented_points() -> None:
    assert factor(BoundCode()) == 1.0, "nothing found: the answer keeps its points"
    assert factor(bound(files=10, lines=150, model_files={"pt": 1})) == 1.0, "typical small"
    assert factor(bound(files=1, lines=20)) == LOWEST
    assert factor(LARGE_TF) == 1.38
    assert factor(bound(files=400, lines=9_000, deployment=["x", "y"])) == HIGHEST


def _codebase(answers: Answers, **kw: object) -> tuple[float, float]:
    c = score(answers, RULES, **kw).criteria["codebase"].points  # type: ignore[arg-type]
    return c.tensorflow, c.pytorch


@settings(max_examples=60, deadline=None)
@given(answer_sets(), bound_codes(), bound_codes())
def test_swapping_the_frameworks_in_answers_and_cost_mirrors_the_result(
    answers: Answers, tf: BoundCode, pt: BoundCode
) -> None:
    swapped = answers
    for key in ("team_experience", "existing_code"):
        swapped = swapped.replace(key, SWAP.get(str(answers[key]), str(answers[key])))
    a = score(answers, RULES, scan=scan(tensorflow=tf, pytorch=pt))
    b = score(swapped, RULES, scan=scan(tensorflow=pt, pytorch=tf))
    for criterion in ("team", "codebase"):
        ca, cb = a.criteria[criterion].weighted, b.criteria[criterion].weighted
        assert ca.tensorflow == pytest.approx(cb.pytorch)
        assert ca.pytorch == pytest.approx(cb.tensorflow)
    for criterion in a.criteria:
        if criterion not in ("team", "codebase"):
            assert a.criteria[criterion].weighted == b.criteria[criterion].weighted, criterion


@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_without_a_scan_nothing_changes(answers: Answers) -> None:
    """A scan that found no bound code and proposes nothing scores exactly as no scan; and no
    scan at all is the score as it always was (5 points for existing code)."""
    plain = score(answers, RULES)
    empty = score(answers, RULES, scan=scan())
    assert plain.scores == empty.scores and plain.criteria == empty.criteria
    assert plain.project is None and empty.project is not None
    code = answers["existing_code"]
    expected = 5.0 if code in ("tensorflow", "pytorch") else 0.0
    assert max(_codebase(answers)) == expected


@settings(max_examples=80, deadline=None)
@given(answer_sets(), bound_codes(), bound_codes(), proposals(RULES.questionnaire))
def test_a_scan_never_overrides_an_explicit_existing_code_answer(
    answers: Answers, tf: BoundCode, pt: BoundCode, made: list
) -> None:
    """Whatever the scan found and proposes, the answer given is the answer used, and the
    existing-code points go to that framework alone (to neither for Keras 3 code or none)."""
    made = [*made, proposal("existing_code", SWAP.get(str(answers["existing_code"]), "pytorch"))]
    rec = score(answers, RULES, scan=scan(*made, tensorflow=tf, pytorch=pt))
    code = answers["existing_code"]
    assert rec.answers["existing_code"] == code
    points = rec.criteria["codebase"].points
    for fw in ("tensorflow", "pytorch"):
        if fw != code:
            assert getattr(points, fw) == 0, (code, fw)
    if code in ("tensorflow", "pytorch"):
        assert LOWEST * 5 <= getattr(points, code) <= HIGHEST * 5


@settings(max_examples=40, deadline=None)
@given(answer_sets(), bound_codes(), bound_codes(), bound_codes())
def test_keras_3_code_stays_portable(
    answers: Answers, tf: BoundCode, pt: BoundCode, keras: BoundCode
) -> None:
    rec = score(answers.replace("existing_code", "keras"), RULES,
                scan=scan(tensorflow=tf, pytorch=pt, keras=keras))
    assert _codebase(answers.replace("existing_code", "keras"),
                     scan=scan(tensorflow=tf, pytorch=pt, keras=keras)) == (0, 0)
    (keras_cost,) = [c for c in rec.project.switching_cost if c.framework == "keras"]
    assert keras_cost.factor is None and not keras_cost.applied


def test_the_reason_shows_the_evidence() -> None:
    a = normalise_answers({"existing_code": "tensorflow"}, RULES.questionnaire)
    rec = score(a, RULES, scan=scan(tensorflow=LARGE_TF, root="shop"))
    (reason,) = [r for r in rec.reasons if r.id == "existing-code-tensorflow"]
    assert reason.points == pytest.approx(5 * 1.38)
    assert ("The scan of shop found 412 lines in 37 files call TensorFlow, 3 model files "
            "(savedmodel 3), a TF Serving Dockerfile: a rewrite touches all of them, so these "
            "points are scaled by 1.38") in reason.because
    (cost,) = [c for c in rec.project.switching_cost if c.framework == "tensorflow"]
    assert (cost.factor, cost.applied, cost.lines) == (1.38, True, 412)
    assert rec.criteria["codebase"].points.tensorflow == pytest.approx(6.9)


def test_a_proposed_existing_code_answer_is_scaled_too() -> None:
    a = normalise_answers({}, RULES.questionnaire)
    rec = score(a, RULES, scan=scan(proposal("existing_code", "pytorch"),
                                    pytorch=bound(files=1, lines=12)))
    assert rec.answers["existing_code"] == "pytorch"
    assert rec.criteria["codebase"].points.pytorch == pytest.approx(5 * LOWEST)
    assert "found 12 lines in 1 file call PyTorch" in next(
        r.because for r in rec.reasons if r.id == "existing-code-pytorch")
