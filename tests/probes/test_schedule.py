"""The order of timed windows: who goes first, and mirrored rounds (A B B A)."""

from __future__ import annotations

import pytest

from probes.schedule import first_order, resized_window_s, stop_reason, window_sequence


def test_first_slot_is_drawn_from_the_seed() -> None:
    firsts = {first_order(["pytorch", "tensorflow"], seed)[0] for seed in range(20)}
    assert firsts == {"pytorch", "tensorflow"}
    assert first_order([1, 2, 3], 5) == first_order([1, 2, 3], 5)


def test_window_sequence_is_abba() -> None:
    assert "".join(window_sequence("AB", 4)) == "ABBAABBA"
    assert "".join(window_sequence("ABC", 2)) == "ABCCBA"
    # Over an even number of rounds every slot has the same mean position.
    seq = window_sequence("ABC", 4)
    means = {s: sum(i for i, x in enumerate(seq) if x == s) / 4 for s in "ABC"}
    assert len(set(means.values())) == 1


def test_windows_shrink_to_fit_what_is_left_of_the_budget() -> None:
    """A first block that overran its plan by 6 % (4.24 s rounds of five 0.5 s windows and
    five 0.3 s gaps, a 16 s training share: what a 2-core machine did) no longer ends the run
    a block early: the last two rounds get shorter windows and still fit."""
    planned, elapsed, between = 0.5, 8.49, 1.45
    sized = resized_window_s(planned_s=planned, left_s=16.0 - elapsed, rounds_left=2, slots=5,
                             between_s=between)  # fmt: skip
    assert 0.25 < sized < planned
    assert 2 * (5 * sized + between) == pytest.approx(16.0 - elapsed)

    def stop(next_round_s: float) -> str:
        return stop_reason(rounds_done=2, planned=4, elapsed_s=elapsed, train_s=16.0,
                           next_round_s=next_round_s, precise_enough=lambda: False)  # fmt: skip

    assert stop(5 * sized + between) == ""
    assert stop(4.24) == "budget spent"  # rounds as long as the first two would overrun
    # Never under half the planned length: then the budget check decides.
    assert resized_window_s(planned_s=planned, left_s=1.0, rounds_left=2, slots=5,
                            between_s=1.5) == 0.25  # fmt: skip


def test_the_run_ends_at_a_block_boundary_when_planned_or_precise() -> None:
    common = {"elapsed_s": 1.0, "train_s": 100.0, "next_round_s": 1.0}
    assert stop_reason(rounds_done=4, planned=4, precise_enough=lambda: False,
                       **common) == "planned rounds done"  # fmt: skip
    assert stop_reason(rounds_done=3, planned=4, precise_enough=lambda: True, **common) == ""
    assert stop_reason(rounds_done=4, planned=8, precise_enough=lambda: True,
                       **common).startswith("interval within")  # fmt: skip
