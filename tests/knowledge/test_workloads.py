"""Which probe workload matches which domain (advisor/knowledge/workloads.py)."""

from __future__ import annotations

from advisor.knowledge.loader import bundled_questionnaire
from advisor.knowledge.workloads import DEFAULT_WORKLOAD, FOR_DOMAIN, WORKLOADS, workload_for
from probes.workloads import WORKLOADS as PROBE_WORKLOADS


def test_the_advisor_knows_exactly_the_workloads_the_probes_train() -> None:
    assert list(WORKLOADS) == list(PROBE_WORKLOADS)


def test_every_domain_of_the_questionnaire_has_its_own_workload_entry() -> None:
    """A domain added to rules/questions.yaml must say which probe workload measures it."""
    assert list(FOR_DOMAIN) == bundled_questionnaire()["domain"].values
    assert set(FOR_DOMAIN.values()) <= set(WORKLOADS)


def test_every_domain_maps_to_a_workload_as_documented() -> None:
    domains = bundled_questionnaire()["domain"].values
    assert {d: workload_for({"domain": d}) for d in domains} == {
        "vision": "cnn", "nlp": "transformer", "llm": "transformer", "audio": "rnn",
        "tabular": "mlp", "timeseries": "rnn", "recommender": "mlp", "reinforcement": "cnn",
        "scientific": "cnn", "graph": "mlp", "other": "cnn",
    }  # fmt: skip
    assert workload_for({}) == DEFAULT_WORKLOAD == "cnn"
