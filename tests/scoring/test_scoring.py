"""Properties of the scoring module, over random answer sets (hypothesis)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.inputs.answers import Answers, normalise_answers
from advisor.inputs.measurements import parse_measurements
from advisor.knowledge.loader import load_ruleset
from advisor.scoring import result_is_close, score
from advisor.scoring.formula import CLOSE_ROBUSTNESS, EITHER_BELOW, EVIDENCE_SCALE, is_close
from advisor.scoring.measured import MEASURED_CAP

RULES = load_ruleset()
Q = RULES.questionnaire
SWAP = {"tensorflow": "pytorch", "pytorch": "tensorflow"}
"""The mirror of a team or code answer. Every other value is its own mirror: both, neither,
none, and existing_code: keras, since Keras 3 code runs on either framework's backend."""
CODE_ORDER = ("tensorflow", "keras", "pytorch")
"""Existing code from most TensorFlow-bound to most PyTorch-bound: tf.* code, Keras 3 code
(portable between backends), PyTorch code."""


@st.composite
def answer_sets(draw: st.DrawFn) -> Answers:
    raw: dict[str, object] = {}
    for q in Q.questions:
        if q.type == "many":
            targets = [v for v in q.values if v != "none"]
            raw[q.id] = draw(st.lists(st.sampled_from(targets), unique=True, max_size=3))
        else:
            raw[q.id] = draw(st.sampled_from(q.values))
    return normalise_answers(raw, Q)


GLIBC = "MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=268435456"


def margin(answers: Answers, **kw: object) -> float:
    rec = score(answers, RULES, **kw)  # type: ignore[arg-type]
    return rec.scores.pytorch - rec.scores.tensorflow


def measurements(
    train: tuple[float, float, float],
    latency: tuple[float, float, float],
    *,
    device: str = "cpu",
    flags: tuple[str, ...] = (),
    tuned: tuple[float, float, float] | None = None,
    speedups: dict[str, tuple[float, float, float]] | None = None,
) -> object:
    """A measurements file; ``tuned`` is train_tuned, ``speedups`` each framework's glibc
    threshold speedup (estimate, low, high)."""

    def fw(name: str, version: str) -> dict:
        entry = {
            "status": "ok",
            "version": version,
            "device": device,
            "path": "x",
            "threads": 2,
            "import_s": 2.0,
            "peak_rss_mb": 500.0,
            "flags": list(flags),
        }
        if speedups and name in speedups:
            e, lo, hi = speedups[name]
            entry["sensitivity"] = [{
                "setting": GLIBC, "state": "glibc-thresholds", "path": "x",
                "applies": "training", "speedup": {"estimate": e, "ci95": [lo, hi], "pairs": 8},
            }]  # fmt: skip
        return entry

    est, lo, hi = train
    lest, llo, lhi = latency
    return parse_measurements(
        {
            "schema": 1,
            "created": "2026-11-28T12:00:00+00:00",
            "machine": {"cpu": "test cpu", "logical_cores": 2},
            "equivalence": {
                "params": {"pytorch": 693962, "tensorflow": 693962},
                "max_abs_logit_diff": 1e-6,
                "ok": True,
            },
            "frameworks": {
                "pytorch": fw("pytorch", "2.13.0"),
                "tensorflow": fw("tensorflow", "2.21.0"),
            },
            "ratios": {
                "train": {"estimate": est, "ci95": [lo, hi], "pairs": 6},
                "infer_latency": {"estimate": lest, "ci95": [llo, lhi]},
                **(
                    {"train_tuned": {"estimate": tuned[0], "ci95": list(tuned[1:]), "pairs": 6,
                                     "settings": {"pytorch": GLIBC, "tensorflow": ""}}}
                    if tuned else {}
                ),
            },
        }
    )


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


@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_a_tie_within_noise_changes_nothing(answers: Answers) -> None:
    tie = measurements((1.03, 0.95, 1.12), (0.98, 0.90, 1.07))
    with_tie = score(answers, RULES, tie)  # type: ignore[arg-type]
    without = score(answers, RULES)
    assert with_tie.scores == without.scores
    assert with_tie.recommendation == without.recommendation
    assert with_tie.measurements is not None and with_tie.measurements.used


@settings(max_examples=60, deadline=None)
@given(answer_sets(), st.sampled_from([(2.0, 1.8, 2.2), (0.5, 0.45, 0.55)]))
def test_a_decisive_measured_advantage_raises_that_frameworks_score(
    answers: Answers, train: tuple[float, float, float]
) -> None:
    answers = answers.replace("hardware", "cpu")  # the probe ran where the user trains
    faster = "pytorch" if train[0] > 1 else "tensorflow"
    rec = score(answers, RULES, measurements(train, (1.0, 0.9, 1.1)))  # type: ignore[arg-type]
    base = score(answers, RULES)
    assert getattr(rec.scores, faster) > getattr(base.scores, faster)
    assert getattr(rec.scores, SWAP[faster]) == getattr(base.scores, SWAP[faster])


def test_a_probe_on_other_hardware_and_an_unstable_one_weigh_less() -> None:
    answers = normalise_answers({"hardware": "cpu"}, Q)
    decisive = ((2.0, 1.8, 2.2), (1.0, 0.9, 1.1))
    full = score(answers, RULES, measurements(*decisive))  # type: ignore[arg-type]
    gpu_user = score(answers.replace("hardware", "nvidia"), RULES, measurements(*decisive))  # type: ignore[arg-type]
    flagged = score(answers, RULES, measurements(*decisive, flags=("window CV 14 %",)))  # type: ignore[arg-type]
    pts = lambda r: r.criteria["training_speed"].points.pytorch  # noqa: E731
    assert pts(gpu_user) == pytest.approx(pts(full) * 0.25)
    assert pts(flagged) == pytest.approx(pts(full) * 0.5)
    assert gpu_user.measurements is not None and gpu_user.measurements.device_scale == 0.25


@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_measured_criteria_never_exceed_their_cap(answers: Answers) -> None:
    rec = score(answers, RULES, measurements((2.0, 1.8, 2.2), (0.5, 0.4, 0.6)))  # type: ignore[arg-type]
    measured = sum(c.weight for c in rec.criteria.values() if c.measured)
    total = sum(c.weight for c in rec.criteria.values())
    assert measured / total <= MEASURED_CAP + 1e-3  # weights are reported rounded


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


def test_the_tuned_ratio_scores_when_both_frameworks_were_measured_tuned() -> None:
    answers = normalise_answers({"hardware": "cpu"}, Q)
    out_of_the_box = (0.95, 0.85, 1.05)  # a tie: no points
    speedups = {"pytorch": (1.8, 1.6, 2.0), "tensorflow": (1.05, 0.98, 1.12)}
    tuned = score(answers, RULES, measurements(out_of_the_box, (1.0, 0.9, 1.1), tuned=(1.6, 1.4,
                  1.8), speedups=speedups))  # type: ignore[arg-type]  # fmt: skip
    plain = score(answers, RULES, measurements(out_of_the_box, (1.0, 0.9, 1.1)))  # type: ignore[arg-type]
    assert tuned.measurements is not None and plain.measurements is not None
    assert tuned.measurements.training_ratio == "train_tuned"
    assert plain.measurements.training_ratio == "train"
    assert tuned.criteria["training_speed"].points.pytorch > 0
    assert plain.criteria["training_speed"].points.pytorch == 0
    detail = next(c.detail for c in tuned.measurements.criteria if c.criterion == "training_speed")
    assert "fastest setting" in detail and GLIBC in detail  # the report says which and why
    # Only PyTorch's gain is beyond doubt (its interval lies above 1.10): one piece of advice.
    (faster,) = tuned.measurements.faster
    assert (faster.framework, faster.setting, faster.speedup) == ("pytorch", GLIBC, 1.8)
    assert plain.measurements.faster == []


def test_the_faster_section_appears_in_every_report_only_when_it_applies() -> None:
    from advisor.report import render

    answers = normalise_answers({"hardware": "cpu"}, Q)
    speedups = {"pytorch": (1.8, 1.6, 2.0), "tensorflow": (1.05, 0.98, 1.12)}
    rec = score(answers, RULES, measurements((1.0, 0.9, 1.1), (1.0, 0.9, 1.1), tuned=(1.7, 1.5,
                1.9), speedups=speedups))  # type: ignore[arg-type]  # fmt: skip
    none = score(answers, RULES, measurements((1.0, 0.9, 1.1), (1.0, 0.9, 1.1)))  # type: ignore[arg-type]
    for fmt in ("text", "markdown"):
        text = render(rec, fmt, width=200)  # type: ignore[arg-type]
        assert "Make it faster on this machine" in text
        assert f"PyTorch trains 1.8× faster here (95 % CI 1.60–2.00) with `{GLIBC}`" in text
        assert "Make it faster" not in render(none, fmt, width=200)  # type: ignore[arg-type]
    data = json.loads(render(rec, "json"))
    assert data["measurements"]["faster"][0]["setting"] == GLIBC
