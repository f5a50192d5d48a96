"""How far apart two fresh processes of the same training code run: the between-process
term of every training interval.

A paired t-interval over windows covers the noise within one pair of processes. It cannot
cover the difference between processes: on the development machine, two PyTorch workers in
the out-of-the-box state, side by side in one run, trained up to 1.3x apart for a whole run
(glibc's dynamic mmap and trim thresholds settle differently in each process; see
probes.runtime), so an interval without this term held 1.0 in only 16 of 20 A/A runs. With
the thresholds fixed the spread all but vanishes. The figures below are standard deviations
of ln(samples/s) of one process on the development machine (2 vCPUs, AMD EPYC), for the CNN:
PyTorch's from bench/probe_aa.py (paired A/A runs, minus their within-run noise);
TensorFlow's, whose short keras-fit windows are too noisy for that, from the plain scripts of
bench/probe_accuracy.py (each 25 s window a fresh process, so minutes of machine drift are
in it too: an upper bound). Rerun them on another machine to see its own.
"""

from __future__ import annotations

import math

# (framework, tuned) -> sd of ln(throughput) between processes, on the development machine.
PROCESS_SD: dict[tuple[str, bool], float] = {
    ("pytorch", False): 0.106,  # A/A log-ratio sd 0.161 over 20 runs, within-run part 0.057
    ("pytorch", True): 0.018,  # tuned A/A log-ratio sd 0.075 over 10 runs, nearly all within
    ("tensorflow", False): 0.135,  # 8 plain-script processes, sd of ln(samples/s)
    ("tensorflow", True): 0.085,  # 6 plain-script processes with the glibc thresholds fixed
}


def process_sd(framework: str, tuned: bool) -> float:
    return PROCESS_SD[(framework, tuned)]


def pair_sd(a: tuple[str, bool], b: tuple[str, bool]) -> float:
    """The between-process sd of ln(a/b) for two slots, each in its own process."""
    return math.hypot(process_sd(*a), process_sd(*b))
