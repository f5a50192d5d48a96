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
    """This machine's figure for a kind of worker; one not measured here (a path that joined
    later) takes the largest out-of-the-box figure: too wide rather than too sure."""
    known = PROCESS_SD.get((framework, tuned))
    return known if known is not None else max(v for (_, t), v in PROCESS_SD.items() if not t)


def pair_sd(a: tuple[str, bool], b: tuple[str, bool]) -> float:
    """The between-process sd of ln(a/b) for two slots, each in its own process."""
    return math.hypot(process_sd(*a), process_sd(*b))


def spread_over_processes(
    logs_by_process: dict[int, list[float]], known_sd: float
) -> tuple[float, float | None]:
    """The between-process term of a mean over windows from several processes, and the
    spread between the processes this run saw.

    ``logs_by_process`` maps each process to the log values it contributed (log throughputs,
    or log ratios of paired windows). A mean over n processes, each weighing its share of the
    values, carries sd * sqrt(sum of squared shares): 1/sqrt(2) of one process's for two
    halves. The sd is the larger of ``known_sd`` (this machine's, above) and the one this run
    saw between its processes' means, so a run whose processes clearly disagree says so in
    its interval. Returns (term, seen sd or None with fewer than two processes)."""
    groups = [v for v in logs_by_process.values() if v]
    n = sum(len(v) for v in groups)
    if n == 0:
        return known_sd, None
    shares = math.sqrt(sum((len(v) / n) ** 2 for v in groups))
    seen = None
    if len(groups) >= 2:
        means = [sum(v) / len(v) for v in groups]
        centre = sum(means) / len(means)
        seen = math.sqrt(sum((m - centre) ** 2 for m in means) / (len(means) - 1))
    return max(known_sd, seen or 0.0) * shares, seen
