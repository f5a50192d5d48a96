"""Inputs for the scoring tests: the bundled rules, random answer sets (hypothesis) and
measurements files made to order."""

from __future__ import annotations

from hypothesis import strategies as st

from advisor.inputs.answers import Answers, normalise_answers
from advisor.inputs.measurements import parse_measurements
from advisor.knowledge.loader import load_ruleset
from advisor.scoring import score

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
    workload: str = "cnn",
    others: dict[str, tuple[float, float, float]] | None = None,
) -> object:
    """A measurements file of ``workload``; ``tuned`` is train_tuned, ``speedups`` each
    framework's glibc threshold speedup (estimate, low, high); ``others`` gives more
    workloads their own training ratio (their latency ratio is a tie)."""

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
    equivalence = {"params": {"pytorch": 1000, "tensorflow": 1000}, "ok": True}
    both = {"pytorch": fw("pytorch", "2.13.0"), "tensorflow": fw("tensorflow", "2.21.0")}
    more = {
        name: {"equivalence": equivalence, "frameworks": both,
               "ratios": {"train": {"estimate": r[0], "ci95": list(r[1:]), "pairs": 6},
                          "infer_latency": {"estimate": 1.0, "ci95": [0.9, 1.1]}}}
        for name, r in (others or {}).items()
    }  # fmt: skip
    return parse_measurements(
        {
            "schema": 1,
            "created": "2026-11-28T12:00:00+00:00",
            "workload": workload,
            "workloads": more,
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
