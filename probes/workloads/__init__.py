"""The workloads the probes can train: the article's CNN and one model per kind of project.

Each workload is written once per framework (``<name>_torch.py``, ``<name>_keras.py``: the
model a user would write, plus how it takes the shared initial weights) and once as data
(``probes.workloads.data``: the generated or bundled data set and the initial weights, in
one canonical layout). This module is stdlib only: the runner, the CLI and the app read it
without importing a framework.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["WORKLOADS", "Workload", "get"]


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    """What is trained, in a few words."""
    task: str
    """The data and what the model must learn from it."""
    batch_size: int
    infer_batch: int
    """The batch of the inference-throughput windows (latency is always one sample)."""
    metric: str
    """"accuracy" (held-out share right, at least ``bar``) or "error ratio" (held-out mean
    squared error over a seasonal-naive forecast's, at most ``bar``)."""
    bar: float
    min_steps: int
    """Training steps the quality check needs: a short probe trains up to this many (untimed,
    after everything is measured) before the held-out check."""
    params: int
    """Parameters of the model; both frameworks' models must have exactly this many."""
    model: tuple[str, str]
    """(PyTorch object, Keras object) defining the model in ``<name>_torch.py`` / ``_keras.py``."""

    @property
    def higher_is_better(self) -> bool:
        return self.metric == "accuracy"

    def passes(self, value: float) -> bool:
        return value >= self.bar if self.higher_is_better else value <= self.bar


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload(
            name="cnn",
            title="the article's small CNN",
            task="scikit-learn's handwritten digits, resized to 28×28; 10 classes",
            batch_size=64,
            infer_batch=256,
            metric="accuracy",
            bar=0.80,
            min_steps=40,
            params=693_962,
            model=("ReferenceCNN", "build_reference_cnn"),
        ),
        Workload(
            name="transformer",
            title="a 2-block transformer encoder classifier (d_model 128, 4 heads)",
            task="generated token sequences of length 64 (vocabulary 1,000) with three copies "
            "of one marker token, A or B, at random places; the class is the marker, and the "
            "classifier reads only the first position, so it must gather them by attention",
            batch_size=32,
            infer_batch=64,  # 64 sequences of 64 tokens: already 4,096 tokens a call
            metric="accuracy",
            bar=0.90,
            min_steps=20,  # both frameworks are at 1.00 by step 10
            params=533_250,
            model=("TransformerClassifier", "build_transformer"),
        ),
        Workload(
            name="rnn",
            title="a one-layer GRU forecaster (hidden 128)",
            task="generated multi-seasonal series (periods 12 and 30, trend and noise): the next "
            "value from the last 48; it must beat a seasonal-naive forecast",
            batch_size=64,
            infer_batch=256,
            metric="error ratio",
            bar=0.80,
            min_steps=60,
            params=50_433,
            model=("GRUForecaster", "build_gru_forecaster"),
        ),
        Workload(
            name="mlp",
            title="a 3-layer tabular network",
            task="scikit-learn's breast-cancer data (569 tumours, 30 measurements), "
            "standardised; malignant or benign",
            batch_size=64,
            infer_batch=256,
            metric="accuracy",
            bar=0.90,
            min_steps=60,
            params=6_274,
            model=("TabularMLP", "build_tabular_mlp"),
        ),
    )
}


def get(name: str) -> Workload:
    try:
        return WORKLOADS[name]
    except KeyError:
        raise ValueError(
            f"unknown workload {name!r}: choose from {', '.join(WORKLOADS)}"
        ) from None
