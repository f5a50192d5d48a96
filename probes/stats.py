"""Statistics of timed windows: summaries, paired log-ratios and instability flags.

Pure stdlib so the runner stays framework-free and these are unit-testable in microseconds.
Throughputs are positive and their noise is multiplicative, so intervals are computed on
logarithms and mapped back (a 95 % t-interval of the geometric mean).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

# Two-sided 95 % Student t quantiles t(0.975, df) for df = 1..30.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
_Z975 = 1.959964

CV_LIMIT = 0.10  # window coefficient of variation above this is flagged (pyperf, torch Timer)
OUTLIER_LIMIT = 0.25  # a window this far from the median is flagged
TREND_RHO = 0.6  # |Spearman rho| between window index and throughput
TREND_MIN_WINDOWS = 5  # fewer windows than this cannot tell a trend from noise


def t975(df: int) -> float:
    """Student t quantile for a two-sided 95 % interval (Cornish-Fisher beyond the table)."""
    if df < 1:
        raise ValueError("a t-interval needs at least two values")
    if df <= len(_T975):
        return _T975[df - 1]
    z = _Z975
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def quantile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation quantile (numpy's default) at a whole percent, 0 < q < 1."""
    if not values:
        raise ValueError("quantile of no values")
    if not 0 < q < 1:
        raise ValueError(f"quantile {q} is not strictly between 0 and 1")
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _mean_sd(xs: Sequence[float]) -> tuple[float, float]:
    return statistics.fmean(xs), (statistics.stdev(xs) if len(xs) >= 2 else 0.0)


def geometric_ci95(values: Sequence[float]) -> tuple[float, float] | None:
    """95 % t-interval of the geometric mean; None with fewer than two values."""
    if len(values) < 2:
        return None
    logs = [math.log(v) for v in values]
    mean, sd = _mean_sd(logs)
    half = t975(len(logs) - 1) * sd / math.sqrt(len(logs))
    return math.exp(mean - half), math.exp(mean + half)


def balanced_ci95(groups: Sequence[Sequence[float]]) -> tuple[float, float] | None:
    """95 % t-interval of the mean over groups of each group's mean log: every group (a
    worker process's windows) weighs the same, whatever its count. The within-group sd is
    pooled; with one value per group, the groups' own spread is all there is to go on."""
    logs = [[math.log(v) for v in g] for g in groups if g]
    n, k = sum(len(g) for g in logs), len(logs)
    if n - k < 1:
        return geometric_ci95([math.exp(g[0]) for g in logs])
    means = [statistics.fmean(g) for g in logs]
    within = sum((x - m) ** 2 for g, m in zip(logs, means, strict=True) for x in g) / (n - k)
    se = math.sqrt(within * sum(1 / len(g) for g in logs)) / k
    centre, half = statistics.fmean(means), t975(n - k) * se
    return math.exp(centre - half), math.exp(centre + half)


def cv(values: Sequence[float]) -> float:
    mean, sd = _mean_sd(values)
    return sd / mean if mean else 0.0


@dataclass(frozen=True)
class Summary:
    median: float
    q1: float
    q3: float
    ci95: tuple[float, float] | None
    n: int
    cv: float

    def to_dict(self) -> dict:
        return {
            "median": self.median,
            "iqr": [self.q1, self.q3],
            "ci95": list(self.ci95) if self.ci95 else None,
            "windows": self.n,
        }


def summarize(values: Sequence[float], groups: Sequence[Sequence[float]] = ()) -> Summary:
    """``groups``: the same values split by the worker process that timed them. With two or
    more, every process weighs the same, however many windows it ran: each window counts
    1 / (processes x its process's windows) in the median and the IQR, and the interval is
    around the mean of the processes' mean logs. So the median lies between the processes'
    own medians, and a process in a slow allocator state cannot set it alone, as the first
    (whose leg pays no restart and is never cut short) could when windows were pooled
    (docs/probes.md, "Statistics"). The CV stays over all windows: it describes them."""
    groups = [g for g in groups if g]
    if len(groups) < 2:
        q1, mid, q3 = (quantile(values, q) for q in (0.25, 0.5, 0.75))
        ci95 = geometric_ci95(values)
    else:
        q1, mid, q3 = weighted_quantiles(groups, (0.25, 0.5, 0.75))
        ci95 = balanced_ci95(groups)
    return Summary(median=mid, q1=q1, q3=q3, ci95=ci95, n=len(values), cv=cv(values))


def weighted_quantiles(groups: Sequence[Sequence[float]], qs: Sequence[float]) -> list[float]:
    """Quantiles of the values with each group weighing the same: the first value whose
    cumulative weight reaches q, the mean of it and the next where it meets q exactly (as
    a median of an even count). Weights are exact fractions, so two groups of any sizes
    meet one half exactly where the lower one ends."""
    weighted = sorted((v, Fraction(1, len(groups) * len(g))) for g in groups for v in g)
    out = []
    for q in qs:
        target, total = Fraction(q).limit_denominator(1000), Fraction(0)
        for i, (v, w) in enumerate(weighted):
            total += w
            if total >= target:
                exact = total == target and i + 1 < len(weighted)
                out.append((v + weighted[i + 1][0]) / 2 if exact else v)
                break
    return out


@dataclass(frozen=True)
class RatioEstimate:
    """exp(mean log(a_k / b_k)) over paired windows, with its 95 % interval.

    The interval has two parts: the paired t-interval over the windows (``within``, which
    more windows narrow) and a between-process term (``process_sd``): two fresh processes of
    the same code do not train at the same speed, and no number of windows inside one pair
    of processes can show how far apart they may be (see ``process_sd``)."""

    estimate: float
    ci95: tuple[float, float] | None
    pairs: int
    within: float = math.inf  # relative half-width of the t-interval alone
    process_sd: float = 0.0  # the between-process standard deviation added, on log scale
    dropped: int = 0  # pairs left out because another process disturbed one of the windows
    by_process: tuple[float, ...] = ()  # the estimate from each worker process's pairs alone

    @property
    def half_width(self) -> float:
        """Relative half-width of the interval (0.05 = within ±5 %); inf without one."""
        if self.ci95 is None:
            return math.inf
        lo, hi = self.ci95
        return max(hi / self.estimate - 1.0, 1.0 - lo / self.estimate)

    def to_dict(self) -> dict:
        out = {
            "estimate": self.estimate,
            "ci95": list(self.ci95) if self.ci95 else None,
            "pairs": self.pairs,
        }
        if self.process_sd:
            out["process_sd"] = self.process_sd
        if self.dropped:
            out["dropped_pairs"] = self.dropped
        if len(self.by_process) > 1:
            out["by_process"] = list(self.by_process)
        return out


def paired_by_round(
    a: Mapping[int, float], b: Mapping[int, float], process_sd: float = 0.0
) -> RatioEstimate | None:
    """a/b over the rounds both have a window in; None when they share none."""
    rounds = sorted(set(a) & set(b))
    if not rounds:
        return None
    return paired_log_ratio([a[k] for k in rounds], [b[k] for k in rounds], process_sd)


def paired_log_ratio(
    a: Sequence[float], b: Sequence[float], process_sd: float = 0.0
) -> RatioEstimate:
    """Ratio a/b from windows paired by round; the pairing removes shared machine drift.
    ``process_sd`` (log scale) widens the interval by the spread between processes."""
    if len(a) != len(b) or not a:
        raise ValueError("paired ratio needs two equally long, non-empty series")
    logs = [math.log(x / y) for x, y in zip(a, b, strict=True)]
    mean, sd = _mean_sd(logs)
    if len(logs) < 2:
        return RatioEstimate(math.exp(mean), None, len(logs), process_sd=process_sd)
    within = t975(len(logs) - 1) * sd / math.sqrt(len(logs))
    half = math.hypot(within, _Z975 * process_sd)
    return RatioEstimate(
        math.exp(mean), (math.exp(mean - half), math.exp(mean + half)), len(logs),
        within=math.exp(within) - 1.0, process_sd=process_sd,
    )  # fmt: skip


def _ranks(xs: Sequence[float]) -> list[float]:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):  # ties share their mean rank
            ranks[order[k]] = (i + j) / 2.0
        i = j + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = math.sqrt(sum((a - mx) ** 2 for a in rx))
    vy = math.sqrt(sum((b - my) ** 2 for b in ry))
    return cov / (vx * vy) if vx and vy else 0.0


def window_flags(values: Sequence[float], what: str) -> list[str]:
    """Instability warnings for one path's window throughputs, in words a user can act on."""
    flags: list[str] = []
    if len(values) < 2:
        return flags
    c = cv(values)
    if c > CV_LIMIT:
        flags.append(f"{what}: window CV {c:.0%} > {CV_LIMIT:.0%} (noisy machine?)")
    med = median(values)
    worst = max(values, key=lambda v: abs(v / med - 1.0))
    if abs(worst / med - 1.0) > OUTLIER_LIMIT:
        flags.append(
            f"{what}: a window {worst / med - 1.0:+.0%} from the median "
            f"(> {OUTLIER_LIMIT:.0%}; something else ran?)"
        )
    if len(values) >= TREND_MIN_WINDOWS:
        rho = spearman(list(range(len(values))), values)
        if abs(rho) > TREND_RHO:
            direction = "falling" if rho < 0 else "rising"
            flags.append(
                f"{what}: throughput {direction} across windows (Spearman rho {rho:+.2f}; "
                "throttling or warm-up not over?)"
            )
    return flags
