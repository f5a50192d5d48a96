"""The order of timed windows: who goes first, and mirrored rounds (A B B A)."""

from __future__ import annotations

from probes.schedule import first_order, window_sequence


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
