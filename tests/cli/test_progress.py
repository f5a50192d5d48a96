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


