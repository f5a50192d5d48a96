"""The live progress display of a probe run on stderr (advisor/cli/progress.py)."""

from __future__ import annotations

import io

from rich.console import Console

from advisor.cli.progress import ProbeProgress
from probes import ProbeEvent


def test_progress_redraws_on_a_terminal_and_logs_phases_elsewhere() -> None:
    plain = Console(file=io.StringIO(), force_terminal=False, width=100)
    with ProbeProgress(plain, ("pytorch",)) as progress:
        progress(ProbeEvent("pytorch", "training", 1, 8, 2500.0, "eager-loop"))
        progress(ProbeEvent("pytorch", "training", 2, 8, 2600.0, "eager-loop"))
        progress(ProbeEvent("pytorch", "done", 8, 8, None))
    lines = plain.file.getvalue().splitlines()
    assert lines == ["probe pytorch: training (eager-loop)", "probe pytorch: done"]
    tty = Console(file=io.StringIO(), force_terminal=True, width=100)
    with ProbeProgress(tty) as progress:
        progress(ProbeEvent("tensorflow", "training", 3, 16, 2500.0, "keras-fit"))
    assert "3/16" in tty.file.getvalue() and "2,500" in tty.file.getvalue()


def test_the_table_counts_from_the_plan_and_says_its_words_first() -> None:
    """Rounds, processes, windows and paths come from the events' plan, named as the app and
    the JSON name them, and each word is explained once before the first event."""
    tty = Console(file=io.StringIO(), force_terminal=True, width=140)
    event = ProbeEvent("tensorflow", "training", 5, 12, 2500.0, "keras-fit", "keras-fit", "cnn",
                       paths=("keras-fit", "tf-function", "keras-fit (glibc-thresholds)"),
                       round=2, rounds_planned=4, process=1, processes=2, disturbed=1)
    with ProbeProgress(tty, ("tensorflow",), ("cnn",), intro="Probing the cnn workload") as p:
        p(event)
    out = tty.file.getvalue()
    assert "path: one way to train with a framework" in out
    assert "process: a fresh worker process" in out
    header = next(line for line in out.splitlines() if "round" in line and "process" in line)
    for column in ("round", "process", "windows", "paths", "samples/s"):
        assert column in header
    row = next(line for line in out.splitlines() if "tensorflow" in line and "2,500" in line)
    assert "2/4" in row and "1/2" in row and "5/12 (1 disturbed)" in row


def test_a_keras_backend_worker_has_a_row_of_its_own_and_its_word_is_said() -> None:
    out = io.StringIO()
    tty = Console(file=out, force_terminal=True, width=140)
    with ProbeProgress(tty, ("pytorch", "tensorflow", "keras-torch"), ("cnn",),
                       intro="Probing") as progress:  # fmt: skip
        progress(ProbeEvent("keras-torch", "training", 3, 8, 900.0, "keras-fit",
                            workload="cnn", paths=("keras-fit",), round=2, rounds_planned=8))
    text = out.getvalue()
    assert "Keras backend: the workload's Keras model" in text
    assert "keras-torch" in text and "3/8" in text and "900" in text
