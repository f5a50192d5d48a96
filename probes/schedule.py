"""The order of timed windows.

Rounds alternate between a slot order and its mirror image (A B C, C B A, A B C, ...). Over
any even number of rounds every slot then has the same mean position in time, so a drift
that is linear in time (thermal, turbo, a background job ramping up) cancels out of every
paired ratio; with two slots this is the classic A B B A design.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def first_order(slots: Sequence[T], seed: int) -> list[T]:
    """Which slot opens the run is drawn (seeded), so no framework is always first."""
    order = list(slots)
    random.Random(seed).shuffle(order)
    return order


def round_order(order: Sequence[T], round_index: int) -> list[T]:
    """Even rounds run the order forwards, odd rounds backwards."""
    return list(order) if round_index % 2 == 0 else list(reversed(order))


def window_sequence(order: Sequence[T], rounds: int) -> list[T]:
    """Every window of `rounds` rounds, in the order they run."""
    return [slot for r in range(rounds) for slot in round_order(order, r)]
