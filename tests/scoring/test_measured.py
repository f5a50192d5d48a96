"""What measurements add to the score (advisor/scoring/measured.py), over random answer sets."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_inputs import GLIBC, RULES, SWAP, Q, answer_sets, measurements

from advisor.inputs.answers import Answers, normalise_answers
from advisor.inputs.measurements import parse_measurements
from advisor.knowledge.workloads import workload_for
from advisor.scoring import score
from advisor.scoring.measured import FOREIGN_MACHINE_SCALE, FOREIGN_WORKLOAD_SCALE, MEASURED_CAP


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
        assert ("PyTorch trains the cnn workload 1.8× faster here (95 % CI 1.60–2.00) with "
                f"`{GLIBC}`") in text
        assert "Make it faster" not in render(none, fmt, width=200)  # type: ignore[arg-type]
    data = json.loads(render(rec, "json"))
    assert data["measurements"]["faster"][0]["setting"] == GLIBC


# --- the workload that matches the domain -------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_another_workloads_figures_weigh_a_quarter_and_say_so(answers: Answers) -> None:
    answers = answers.replace("hardware", "cpu")
    decisive = ((2.0, 1.8, 2.2), (1.0, 0.9, 1.1))
    as_cnn = score(answers, RULES, measurements(*decisive))  # type: ignore[arg-type]
    as_own = score(answers, RULES, measurements(*decisive, workload=workload_for(answers)))  # type: ignore[arg-type]
    m = as_cnn.measurements
    assert m is not None and m.workload == "cnn" and m.matching_workload == workload_for(answers)
    scale = 1.0 if workload_for(answers) == "cnn" else FOREIGN_WORKLOAD_SCALE
    assert m.workload_scale == scale
    pts = lambda r: r.criteria["training_speed"].points.pytorch  # noqa: E731
    assert pts(as_cnn) == pytest.approx(pts(as_own) * scale)
    assert all(d.detail.startswith("cnn workload: ") for d in m.criteria)
    measured = [r for r in as_cnn.reasons if r.id.startswith("measured-")]
    assert measured and all("cnn workload" in r.because for r in measured)


def test_the_matching_workload_is_taken_from_the_workloads_map() -> None:
    llm = normalise_answers({"hardware": "cpu", "domain": "llm"}, Q)
    vision = llm.replace("domain", "vision")
    # The CNN heads the file, PyTorch 2x faster; the transformer's figures favour TensorFlow.
    file = measurements((2.0, 1.8, 2.2), (1.0, 0.9, 1.1), others={"transformer": (0.5, 0.45, 0.55)})
    for_llm = score(llm, RULES, file)  # type: ignore[arg-type]
    for_vision = score(vision, RULES, file)  # type: ignore[arg-type]
    assert for_llm.measurements is not None and for_vision.measurements is not None
    assert for_llm.measurements.workload == "transformer"
    assert for_llm.measurements.workload_scale == 1.0
    assert for_llm.criteria["training_speed"].points.tensorflow > 0
    assert for_llm.criteria["training_speed"].points.pytorch == 0
    assert for_vision.measurements.workload == "cnn"
    assert for_vision.criteria["training_speed"].points.pytorch > 0


def test_every_report_names_the_workload_and_why_it_weighs_less() -> None:
    from advisor.report import render

    llm = normalise_answers({"hardware": "cpu", "domain": "llm"}, Q)
    rec = score(llm, RULES, measurements((2.0, 1.8, 2.2), (1.0, 0.9, 1.1)))  # type: ignore[arg-type]
    for fmt in ("text", "markdown"):
        out = render(rec, fmt, width=200)
        assert "training the cnn workload (the article's small CNN); your domain matches the " \
               "transformer workload" in out, fmt
        assert "`advisor probe --workload transformer`" in out
        assert "workload scale 0.25" in out
    data = json.loads(render(rec, "json"))["measurements"]
    assert (data["workload"], data["matching_workload"], data["workload_scale"]) == \
           ("cnn", "transformer", 0.25)


@settings(max_examples=40, deadline=None)
@given(answer_sets(), st.sampled_from([(2.0, 1.8, 2.2), (0.5, 0.45, 0.55), (1.3, 1.2, 1.4)]))
def test_a_file_from_another_machine_weighs_a_quarter(
    answers: Answers, train: tuple[float, float, float]
) -> None:
    from advisor.machine import MachineId

    file = measurements(train, (0.6, 0.5, 0.7))
    here = score(answers, RULES, file, here=MachineId("test cpu", 2))  # type: ignore[arg-type]
    there = score(answers, RULES, file, here=MachineId("Other CPU", 2))  # type: ignore[arg-type]
    more_cores = score(answers, RULES, file, here=MachineId("Test  CPU", 64))  # type: ignore[arg-type]
    assert here.measurements is not None and here.measurements.machine_scale == 1.0
    for other in (there, more_cores):
        assert other.measurements is not None and not other.measurements.this_machine
        assert other.measurements.machine_scale == FOREIGN_MACHINE_SCALE == 0.25
        for c in ("training_speed", "inference_latency", "startup_memory"):
            for fw in ("tensorflow", "pytorch"):
                full = getattr(here.criteria[c].points, fw)
                assert getattr(other.criteria[c].points, fw) == pytest.approx(full * 0.25,
                                                                              abs=1e-3)
def test_advice_whose_interval_is_wide_is_said_as_its_interval() -> None:
    """A speedup measured as 1.5x (95 % CI 1.13-1.86) is advice that holds within its
    interval: the text says 1.1-1.9x, not 1.5x, when the ends are more than 1.5x apart."""
    from advisor.report import render

    answers = normalise_answers({"hardware": "cpu"}, Q)
    wide = {"pytorch": (1.5, 1.13, 1.86)}
    rec = score(answers, RULES, measurements((1.0, 0.9, 1.1), (1.0, 0.9, 1.1),
                                             speedups=wide))  # type: ignore[arg-type]  # fmt: skip
    text = render(rec, "text", width=200)  # type: ignore[arg-type]
    assert ("PyTorch trains the cnn workload 1.1–1.9× faster here (95 % CI; 1.50× in this run) "
            f"with `{GLIBC}`") in text
    assert "1.5× faster" not in text


def test_a_framework_not_measured_on_a_busy_machine_scores_nothing_and_says_so() -> None:
    """The probe reports a busy machine's framework as failed (so that readers of schema 1
    that know nothing of ``disturbance`` do not score it either), with the reason."""
    data = measurements((0.09, 0.05, 0.17), (1.0, 0.9, 1.1)).to_dict()  # type: ignore[attr-defined]
    busy = ("not measured: the machine was busy (other processes used 67% of a core during 7 "
            "of 8 windows)")
    data["frameworks"]["pytorch"] = {
        "status": "failed", "message": busy,
        "disturbance": {"windows": 8, "disturbed": 7, "others_cores": 0.67, "busy": True},
    }  # fmt: skip
    data["ratios"] = {key: {"estimate": None, "reason": f"pytorch failed: {busy}"}
                      for key in ("train", "infer_latency")}  # fmt: skip
    m = parse_measurements(data)
    assert m.frameworks["pytorch"].busy and not m.frameworks["tensorflow"].busy
    answers = normalise_answers({"hardware": "cpu"}, Q)
    rec = score(answers, RULES, m)
    assert rec.measurements is not None and not rec.measurements.used
    assert rec.criteria["training_speed"].points.pytorch == 0
    assert rec.criteria["training_speed"].points.tensorflow == 0
    assert f"PyTorch: {busy}; measure again when it is quieter" in rec.measurements.missing
