"""'Keras 3 as a bridge' (advisor/scoring/bridge.py): shown exactly where the answers make Keras
relevant, never a third winner, the measured cost of each backend in words, the rule notes it
cites by id, and what is left when the rules or the figures are missing."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from scoring_inputs import RULES, Q, answer_sets

from advisor.inputs.answers import Answers, normalise_answers
from advisor.inputs.measurements import parse_measurements
from advisor.knowledge.bridge import BRIDGE_NOTES, keras_relevant
from advisor.knowledge.loader import load_ruleset
from advisor.scoring import score

DATA = Path(__file__).resolve().parents[1] / "data"
BACKENDS = json.loads((DATA / "measurements-keras-backends.json").read_text(encoding="utf-8"))
KERAS = normalise_answers({"existing_code": "keras", "domain": "vision"}, Q)


def with_backends(**changes: object) -> object:
    """The fixture file (hand-made figures), with ``changes`` to its torch backend's entry."""
    data = copy.deepcopy(BACKENDS)
    data["workloads"]["cnn"]["keras_backends"]["torch"].update(changes)
    return parse_measurements(data)


def without_backends() -> object:
    data = copy.deepcopy(BACKENDS)
    del data["workloads"]["cnn"]["keras_backends"]
    return parse_measurements(data)


@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_keras_is_a_bridge_never_a_third_winner(answers: Answers) -> None:
    """The section is there exactly when the answers make Keras relevant, and the backends'
    figures change neither the scores nor the recommendation."""
    rec = score(answers, RULES, with_backends())  # type: ignore[arg-type]
    plain = score(answers, RULES, without_backends())  # type: ignore[arg-type]
    assert (rec.keras_bridge is not None) == (keras_relevant(answers) is not None)
    assert rec.recommendation == plain.recommendation in ("tensorflow", "pytorch", "either")
    assert rec.scores == plain.scores and rec.confidence == plain.confidence


@pytest.mark.parametrize("answers", [
    {"existing_code": "keras"}, {"existing_code": "tensorflow"},
    {"team_experience": "tensorflow", "existing_code": "pytorch"},
])  # fmt: skip
def test_where_keras_is_relevant(answers: dict) -> None:
    assert keras_relevant(normalise_answers(answers, Q)) is not None


@pytest.mark.parametrize("answers", [
    {"existing_code": "pytorch"}, {"existing_code": "none", "team_experience": "both"},
    {"team_experience": "pytorch"},
])  # fmt: skip
def test_where_it_is_not(answers: dict) -> None:
    assert score(normalise_answers(answers, Q), RULES, with_backends()).keras_bridge is None  # type: ignore[arg-type]


def test_the_measured_cost_of_each_backend_in_words() -> None:
    bridge = score(KERAS, RULES, with_backends()).keras_bridge  # type: ignore[arg-type]
    assert bridge is not None and bridge.workload == "cnn"
    assert [b.backend for b in bridge.backends] == ["tensorflow", "torch", "jax"]
    text = "\n".join(bridge.lines)
    assert ("Keras 3 on the torch backend trains the cnn workload at 0.65× native PyTorch "
            "(95 % CI 0.55–0.77) and 0.86× Keras on TensorFlow (95 % CI 0.71–1.04) here; "
            "with jit_compile=True 0.90× native PyTorch (95 % CI 0.76–1.06), after 42 s "
            "compiling.") in text  # fmt: skip
    assert "Keras 3 on the JAX backend (XLA, its default there) trains the cnn workload at " \
           "0.94× native PyTorch" in text
    # Keras on TensorFlow against native PyTorch is the inverse of the file's PyTorch ÷ TF.
    assert "on the TensorFlow backend trains the cnn workload at 0.76× native PyTorch " \
           "(95 % CI 0.73–0.79)" in text
    # The best way to run the Keras code elsewhere decides what it means: JAX, a tie.
    assert "So on the JAX backend Keras code trains as fast as native PyTorch within " \
           "noise (0.94×)" in text


def test_a_slower_bridge_everywhere_says_what_a_rewrite_saves() -> None:
    data = copy.deepcopy(BACKENDS)
    backends = data["workloads"]["cnn"]["keras_backends"]
    del backends["jax"]
    backends["torch"]["sensitivity"][0]["ratios"]["pytorch"].update(estimate=0.8, ci95=[0.7, 0.9])
    bridge = score(KERAS, RULES, parse_measurements(data)).keras_bridge
    assert bridge is not None
    assert ("Keras code trains slower here than native PyTorch on every backend measured: at "
            "best 0.80×, on the torch backend with jit_compile=True") \
        in bridge.lines[-1]  # fmt: skip


def test_a_backend_not_proven_equivalent_is_not_compared() -> None:
    rec = score(KERAS, RULES, with_backends(  # type: ignore[arg-type]
        equivalence={"ok": False, "max_abs_logit_diff": {"pytorch": 0.3}, "reason": "logits"}))
    assert rec.keras_bridge is not None
    torch = next(b for b in rec.keras_bridge.backends if b.backend == "torch")
    assert torch.equivalent is False and torch.against == {}
    assert any("torch backend was measured, but its model was not proven the same" in line
               for line in rec.keras_bridge.lines)  # fmt: skip


def test_a_backend_that_could_not_run_says_why() -> None:
    rec = score(KERAS, RULES, with_backends(  # type: ignore[arg-type]
        status="not_installed", message="jax is not installed", train_samples_per_s=None,
        ratios={}, sensitivity=[]))  # fmt: skip
    assert rec.keras_bridge is not None
    assert "Keras 3 on the torch backend was not measured (not installed: jax is not " \
           "installed)." in rec.keras_bridge.lines


def test_without_figures_the_section_says_how_to_measure_them() -> None:
    for measurements in (None, without_backends()):
        bridge = score(KERAS, RULES, measurements).keras_bridge  # type: ignore[arg-type]
        assert bridge is not None
        assert bridge.lines[-1].endswith(
            "`advisor probe --keras-backends tensorflow,torch` measures it for this workload "
            "(add jax with the [jax] extra installed).")


NOTES_PACK = """\
pack: keras-notes-test
rules:
  - id: keras-export-paths
    kind: note
    when: {existing_code: [keras, tensorflow]}
    because: Export paths differ by backend (a test note standing in for the real one).
    sources:
      - {url: "https://example.org/keras-export", checked: 2026-12-04}
  - id: kerashub-hf-checkpoints
    kind: note
    when: {existing_code: [keras, tensorflow]}
    because: KerasHub loads some checkpoints (a test note standing in for the real one).
    sources:
      - {url: "https://example.org/kerashub", checked: 2026-12-04}
"""


def test_the_section_cites_the_rule_notes_by_id_and_they_are_not_repeated(tmp_path) -> None:
    pack = tmp_path / "keras-notes.yaml"
    pack.write_text(NOTES_PACK, encoding="utf-8")
    rules = load_ruleset([pack])
    rec = score(KERAS, rules, with_backends())  # type: ignore[arg-type]
    assert rec.keras_bridge is not None
    assert [n.id for n in rec.keras_bridge.notes] == list(BRIDGE_NOTES)
    assert rec.keras_bridge.notes[0].sources[0].url == "https://example.org/keras-export"
    assert not {n.id for n in rec.notes} & set(BRIDGE_NOTES)  # shown once, in the section
    # The measured part stays: the notes add to it.
    assert any("0.65× native PyTorch" in line for line in rec.keras_bridge.lines)


def test_the_advisor_names_the_backends_the_probes_measure() -> None:
    from advisor.knowledge.bridge import KERAS_BACKENDS
    from probes.settings import KERAS_BACKENDS as PROBED

    assert tuple(KERAS_BACKENDS) == PROBED
