"""How far apart two fresh processes of the same training code run: the between-process
term of every training interval.

A paired t-interval over windows covers the noise within one pair of processes. It cannot
cover the difference between processes: on the development machine, two PyTorch workers in
the out-of-the-box state, side by side in one run, trained up to 1.3x apart for a whole run
(glibc's dynamic mmap and trim thresholds settle differently in each process; see
probes.runtime), so an interval without this term held 1.0 in only 16 of 20 A/A runs. With
the thresholds fixed the spread all but vanishes. The figures below are standard deviations
of ln(samples/s) of one process, from bench/probe_aa.py (20 runs per framework at --quick,
minus the within-run noise); rerun it on another machine to see its own.
"""

from __future__ import annotations

import math

# (framework, tuned) -> sd of ln(throughput) between processes, on the development machine.
PROCESS_SD: dict[tuple[str, bool], float] = {
    ("pytorch", False): 0.106,  # A/A log-ratio sd 0.161 over 20 runs, within-run part 0.057
    ("pytorch", True): 0.018,  # tuned A/A log-ratio sd 0.075 over 10 runs, nearly all within
    ("tensorflow", False): 0.0,  # replaced below once measured
    ("tensorflow", True): 0.0,
}


def process_sd(framework: str, tuned: bool) -> float:
    return PROCESS_SD[(framework, tuned)]


def pair_sd(a: tuple[str, bool], b: tuple[str, bool]) -> float:
    """The between-process sd of ln(a/b) for two slots, each in its own process."""
    return math.hypot(process_sd(*a), process_sd(*b))
