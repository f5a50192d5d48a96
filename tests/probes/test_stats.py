"""Statistics of windows: summaries, paired ratios, intervals and instability flags."""

from __future__ import annotations

import math
import random
import statistics

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from probes.schedule import window_sequence
from probes.stats import (
    geometric_ci95,
    paired_log_ratio,
    quantile,
    spearman,
    summarize,
    t975,
    window_flags,
)

rates = st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=2, max_size=20)


def test_t_quantiles_match_the_table_and_approach_the_normal() -> None:
    assert t975(1) == pytest.approx(12.706)
    assert t975(4) == pytest.approx(2.776)
    assert t975(30) == pytest.approx(2.042)
    assert t975(60) == pytest.approx(2.000, abs=2e-3)  # Cornish-Fisher beyond the table
    assert t975(10_000) == pytest.approx(1.960, abs=1e-3)
    with pytest.raises(ValueError):
        t975(0)


@given(rates, st.integers(min_value=1, max_value=99))
def test_quantile_agrees_with_numpy(values: list[float], percent: int) -> None:
    q = percent / 100
    assert quantile(values, q) == pytest.approx(float(np.quantile(values, q)), rel=1e-9)


def test_summary_reports_median_iqr_and_an_interval_around_the_centre() -> None:
    s = summarize([100.0, 110.0, 90.0, 105.0, 95.0])
    assert s.median == 100.0
    assert (s.q1, s.q3) == (95.0, 105.0)
    assert s.ci95 is not None and s.ci95[0] < 100.0 < s.ci95[1]
    d = s.to_dict()
    assert d["windows"] == 5 and d["iqr"] == [95.0, 105.0]


def test_two_processes_weigh_the_same_however_many_windows_each_ran() -> None:
    # Six windows of a fast process and two of a slow one: pooled, the fast one set the
    # median alone; balanced, the figure sits between the two processes.
    fast, slow = [4000.0, 3950.0, 4050.0, 3980.0, 4020.0, 4000.0], [3000.0, 3010.0]
    assert summarize(fast + slow).median == pytest.approx(3990.0)
    s = summarize(fast + slow, [fast, slow])
    assert s.median == pytest.approx((3010.0 + 3950.0) / 2)  # where the slow half ends
    assert (s.q1, s.q3) == (3005.0, 4000.0)
    assert s.ci95 is not None and s.ci95[0] < s.median < s.ci95[1]
    assert s.n == 8


@given(st.lists(rates, min_size=2, max_size=4), st.floats(min_value=0.01, max_value=100))
def test_a_balanced_figure_scales_and_stays_between_the_processes(
    groups: list[list[float]], k: float
) -> None:
    values = [v for g in groups for v in g]
    s = summarize(values, groups)
    assert s.q1 <= s.median <= s.q3  # what the measurements file requires of it
    medians = [statistics.median(g) for g in groups]
    assert min(medians) * (1 - 1e-9) <= s.median <= max(medians) * (1 + 1e-9)
    scaled = summarize([v * k for v in values], [[v * k for v in g] for g in groups])
    assert scaled.median == pytest.approx(s.median * k, rel=1e-9)
    assert s.ci95 is not None and scaled.ci95 is not None
    assert scaled.ci95[0] == pytest.approx(s.ci95[0] * k, rel=1e-6)


def test_one_process_or_one_window_each_keeps_to_what_there_is() -> None:
    values = [100.0, 110.0, 90.0]
    assert summarize(values, [values]) == summarize(values)
    one_each = summarize([100.0, 121.0], [[100.0], [121.0]])
    assert one_each.median == pytest.approx(110.5)
    assert one_each.ci95 == geometric_ci95([100.0, 121.0])


def test_one_window_has_no_interval() -> None:
    assert geometric_ci95([5.0]) is None
    assert paired_log_ratio([2.0], [1.0]).ci95 is None
    assert math.isinf(paired_log_ratio([2.0], [1.0]).half_width)


@given(rates, st.floats(min_value=0.01, max_value=100))
def test_a_constant_factor_is_recovered_exactly(base: list[float], factor: float) -> None:
    est = paired_log_ratio([b * factor for b in base], base)
    assert est.estimate == pytest.approx(factor, rel=1e-9)
    assert est.ci95 is not None
    assert est.ci95[0] == pytest.approx(factor, rel=1e-6)
    assert est.ci95[1] == pytest.approx(factor, rel=1e-6)


@given(rates, rates)
def test_swapping_the_sides_inverts_the_ratio(a: list[float], b: list[float]) -> None:
    n = min(len(a), len(b))
    ab, ba = paired_log_ratio(a[:n], b[:n]), paired_log_ratio(b[:n], a[:n])
    assert ab.estimate * ba.estimate == pytest.approx(1.0, rel=1e-9)
    assert ab.ci95[0] * ba.ci95[1] == pytest.approx(1.0, rel=1e-9)


def test_mirrored_order_cancels_linear_drift_exactly() -> None:
    """A machine that slows 3 % per window biases a plain A-B-A-B order, not A B B A."""
    true_ratio, drift = 1.25, 0.97
    sequence = window_sequence(["A", "B"], rounds=6)
    by_round: dict[str, list[float]] = {"A": [], "B": []}
    for position, slot in enumerate(sequence):
        base = true_ratio if slot == "A" else 1.0
        by_round[slot].append(base * drift**position)
    mirrored = paired_log_ratio(by_round["A"], by_round["B"])
    assert mirrored.estimate == pytest.approx(true_ratio, rel=1e-12)

    naive = {"A": [], "B": []}
    for position, slot in enumerate(["A", "B"] * 6):
        naive[slot].append((true_ratio if slot == "A" else 1.0) * drift**position)
    assert paired_log_ratio(naive["A"], naive["B"]).estimate == pytest.approx(
        true_ratio / drift, rel=1e-12
    )


def test_aa_intervals_cover_one_about_95_percent_of_the_time() -> None:
    rng = random.Random(7)
    covered = 0
    trials = 2000
    for _ in range(trials):
        a = [1000 * math.exp(rng.gauss(0, 0.05)) for _ in range(6)]
        b = [1000 * math.exp(rng.gauss(0, 0.05)) for _ in range(6)]
        lo, hi = paired_log_ratio(a, b).ci95
        covered += lo <= 1.0 <= hi
    assert 0.93 <= covered / trials <= 0.97


def test_spearman_sees_monotone_series_and_handles_ties() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 3], [5, 5, 5]) == 0.0


def test_flags_name_noise_outliers_and_trends() -> None:
    assert window_flags([100, 101, 99, 100, 100.5], "eager-loop") == []
    noisy = window_flags([100, 130, 80, 120, 70], "keras-fit")
    assert any("CV" in f and f.startswith("keras-fit") for f in noisy)
    outlier = window_flags([100, 100, 100, 100, 100, 100, 100, 40], "p")
    assert any("from the median" in f for f in outlier)
    trend = window_flags([100, 98, 96, 94, 92, 90], "p")
    assert any("falling" in f for f in trend)
    assert not any("falling" in f for f in window_flags([100, 98, 96, 94], "p"))  # too few


def test_the_between_process_term_widens_the_interval_but_not_its_windows_part() -> None:
    a, b = [110.0, 121.0, 99.0, 104.0], [100.0, 110.0, 92.0, 95.0]
    plain = paired_log_ratio(a, b)
    widened = paired_log_ratio(a, b, process_sd=0.1)
    assert widened.estimate == plain.estimate and widened.within == plain.within
    assert plain.within == pytest.approx(plain.half_width, rel=1e-9)
    lo, hi = widened.ci95
    assert lo < plain.ci95[0] and hi > plain.ci95[1]
    # Even infinitely many windows cannot narrow it below the process term alone.
    assert math.log(hi / widened.estimate) > 1.959 * 0.1
    assert widened.to_dict()["process_sd"] == 0.1 and "process_sd" not in plain.to_dict()
