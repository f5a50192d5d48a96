"""What the numbers mean: the sentence beside the headline says what the confidence and the
robustness measure, so that a steady tie does not read as a contradiction and a fragile result
does not read like a steady one."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from scoring_inputs import RULES, Q, answer_sets

from advisor.inputs.answers import Answers, normalise_answers
from advisor.scoring import score
from advisor.scoring.explanation import confidence_percent, meaning
from advisor.scoring.formula import CLOSE_ROBUSTNESS, STEADY_ROBUSTNESS, Evaluation, confidence
from advisor.scoring.recommendation import Robustness


def _evaluation(tf: float, pt: float) -> Evaluation:
    """A bare evaluation with these scores (the sentence reads nothing else of it)."""
    conf = confidence({"tensorflow": tf, "pytorch": pt})
    winner = "either" if conf < 0.10 else ("tensorflow" if tf > pt else "pytorch")
    return Evaluation(weights={}, points={}, scores={"tensorflow": tf, "pytorch": pt},
                      winner=winner, confidence=conf, constraint=None,  # type: ignore[arg-type]
                      points_winner=winner)  # type: ignore[arg-type]


def _robustness(share: float) -> Robustness:
    from advisor.scoring.formula import steadiness

    return Robustness(share=share, draws=300, perturbation=0.25, seed=1, level=steadiness(share))


# A lead of 0.34504, kept as 0.345 (which prints as 34%), once read "leads by 35%" in the
# sentence: hypothesis found it; kept here so it stays found.
A_LEAD_ON_THE_ROUNDING_EDGE = Answers(values={
    "dataset_scale": "small", "iteration_speed": "important", "deployment": ("embedded",),
    "domain": "timeseries", "pretrained": "some", "hardware": "amd", "inference_hardware": "same",
    "os": "macos", "team_experience": "tensorflow", "existing_code": "pytorch",
    "scale_out": "multi_node", "horizon": "years"}, defaulted=(), proposed=())

# No shipped rule gives either framework a point for these (Keras code runs on either backend):
# an empty result, which says so rather than calling itself a tie.
NO_POINTS_AT_ALL = Answers(values={
    "dataset_scale": "small", "iteration_speed": "important", "deployment": ("batch",),
    "domain": "vision", "pretrained": "none", "hardware": "cpu", "inference_hardware": "same",
    "os": "linux", "team_experience": "both", "existing_code": "keras",
    "scale_out": "single_device", "horizon": "months"}, defaulted=(), proposed=())


@settings(max_examples=60, deadline=None)
@given(answer_sets())
@example(A_LEAD_ON_THE_ROUNDING_EDGE)
@example(NO_POINTS_AT_ALL)
def test_every_result_says_its_confidence_and_robustness_in_words(answers: Answers) -> None:
    rec = score(answers, RULES)
    shown = f"Confidence {confidence_percent(rec.confidence, rec.recommendation)}"
    short = " (under the 10% a pick needs)" if rec.recommendation == "either" else ""
    assert rec.meaning.startswith(f"{shown}: ") or rec.meaning.startswith(f"{shown}{short}: ")
    share = rec.robustness.share
    level = rec.robustness.level
    assert level == ("steady" if share >= STEADY_ROBUSTNESS
                     else "mostly steady" if share >= CLOSE_ROBUSTNESS else "fragile")
    if rec.decided_by == "constraint":
        assert "policy constraint decides" in rec.meaning
        return
    total = rec.scores.tensorflow + rec.scores.pytorch
    if total:
        assert rec.lead_share == pytest.approx(rec.margin / total, abs=1e-3)
    if not total:
        assert rec.recommendation == "either"
        assert "no rule gave either framework points" in rec.meaning
        assert rec.meaning.endswith(f"({share:.0%} of {rec.robustness.draws} random reweightings).")
    elif rec.recommendation == "either":
        assert "tie" in rec.meaning and "a pick needs" in rec.meaning
    else:
        assert f"leads by {rec.lead_share:.0%} of the weighted points in play" in rec.meaning
        assert f"stays ahead in {'only ' if level == 'fragile' else ''}{share:.0%}" in rec.meaning
        assert rec.meaning.endswith(f"reweightings: {level}.") or f": {level}, " in rec.meaning
    # "close" is said only of close results; "fragile" is exactly the robustness half of it.
    assert (level == "fragile") <= rec.close


def test_a_steady_tie_reads_as_a_tie_not_a_contradiction() -> None:
    # Confidence 0 % beside robustness 100 %: the tie is what holds in every reweighting.
    text = meaning(_evaluation(5.0, 5.0), _robustness(1.0))
    assert text.startswith("Confidence 0%: neither leads")
    assert text.endswith("no random reweighting separates them: a steady tie.")
    assert "holds in 100%" not in text


def test_a_result_that_holds_in_all_draws_reads_unlike_one_that_holds_in_55_percent() -> None:
    steady = meaning(_evaluation(12.0, 4.0), _robustness(1.0))
    fragile = meaning(_evaluation(12.0, 4.0), _robustness(0.55))
    assert steady.endswith("stays ahead in 100% of 300 random reweightings: steady.")
    assert fragile.endswith("stays ahead in only 55% of 300 random reweightings: fragile, your "
                            "weights decide it.")


def test_the_discount_for_a_small_lead_is_said_only_where_it_bites() -> None:
    # A 3-point lead counts 0.63 of its share; a 12-point lead counts 0.98.
    small = meaning(_evaluation(9.0, 6.0), _robustness(1.0))
    large = meaning(_evaluation(20.0, 8.0), _robustness(1.0))
    assert "discounted for a small lead" in small
    assert "discounted" not in large
    assert large.startswith(f"Confidence {confidence({'tensorflow': 20, 'pytorch': 8}):.0%}: "
                            "TensorFlow leads by 43% of the weighted points in play;")


def test_a_constraint_says_the_points_do_not_decide(tmp_path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "pack: serving-policy\nrules:\n"
        "  - id: serve-on-tf-serving\n    kind: constraint\n    when: {deployment: {has: server}}\n"
        "    requires: tensorflow\n    because: We serve every model on TF Serving.\n"
        "    sources: [{title: Platform team policy, checked: 2026-11-01}]\n"
    )
    from advisor.knowledge.loader import load_ruleset

    rec = score(normalise_answers({"deployment": ["server"]}, Q), load_ruleset([policy]))
    assert rec.meaning == ("Confidence 100%: a policy constraint decides, not the points, so no "
                           "reweighting of the criteria can change it.")


def test_a_tie_just_under_the_threshold_is_not_shown_at_it() -> None:
    # 9.96 % rounds to "10%", the very confidence a pick needs: a tie says 9%.
    ev = _evaluation(11.0, 8.0)
    assert ev.winner == "either" and 0.095 < ev.confidence < 0.10
    text = meaning(ev, _robustness(0.51))
    assert text.startswith("Confidence 9% (under the 10% a pick needs): TensorFlow is ahead by "
                           "only 16% of the weighted ")
    assert "; the tie holds in only 51%" in text
