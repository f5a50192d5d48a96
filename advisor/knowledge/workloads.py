"""Which probe workload matches which kind of project: the measurement closest to a team's own
model. The probes define the workloads (``probes.workloads``); the core may not import them, so
their names are repeated here, and a test keeps the two lists equal."""

from __future__ import annotations

from collections.abc import Mapping

WORKLOADS: dict[str, str] = {
    "cnn": "the article's small CNN",
    "transformer": "a small transformer encoder",
    "rnn": "a GRU forecaster",
    "mlp": "a tabular MLP",
}
"""Each workload the probes can train, and how a sentence names it."""

DEFAULT_WORKLOAD = "cnn"

FOR_DOMAIN: dict[str, str] = {
    "vision": "cnn",
    "nlp": "transformer",
    "llm": "transformer",
    "audio": "rnn",
    "tabular": "mlp",
    "timeseries": "rnn",
    "recommender": "mlp",
    "reinforcement": "cnn",
    "scientific": "cnn",
    "graph": "mlp",
    "other": "cnn",
}
"""The workload whose operators are closest to each domain's models: attention and layer norm
for language, recurrent cells for sequences over time, dense layers for tables and for graph
networks (a graph convolution is a dense layer over aggregated neighbour features); the CNN
where no workload is closer. Every domain of the questionnaire is listed (a test keeps the two
equal), so a new domain cannot fall back to the CNN unnoticed."""


def workload_for(answers: Mapping[str, object]) -> str:
    """The workload that matches the answers' domain (the CNN for an unknown one)."""
    return FOR_DOMAIN.get(str(answers.get("domain")), DEFAULT_WORKLOAD)


def describe(workload: str) -> str:
    """``workload`` in a sentence: "the transformer workload (a small transformer encoder)"."""
    what = WORKLOADS.get(workload)
    return f"the {workload} workload" + (f" ({what})" if what else "")
