"""The order of timed windows, how many rounds to plan, and when to stop.

Rounds alternate between a slot order and its mirror image (A B C, C B A, A B C, ...). Over
any even number of rounds every slot then has the same mean position in time, so a drift
that is linear in time (thermal, turbo, a background job ramping up) cancels out of every
paired ratio; with two slots this is the classic A B B A design.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
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


# Planned training rounds: as many as fit with windows of at least MIN_WINDOW_S, between
# MIN_ROUNDS and MAX_ROUNDS (an even number, so the mirrored order completes).
MIN_ROUNDS = 4  # early stop is considered only from here on, and only at even rounds
MAX_ROUNDS = 8
QUICK_MAX_ROUNDS = 4
MIN_WINDOW_S = 0.5
GAP_S = 0.3  # after every training window: lets the last worker's thread pool go idle
TARGET_HALF_WIDTH = 0.05
# A block may start if it is predicted to end within 5 % past the training share: stopping
# a block early on a rounding error would waste a third of a short budget.
BUDGET_SLACK = 1.05


def plan_rounds(train_s: float, slots: int, quick: bool, legs: int = 1) -> int:
    """More pairs narrow the t-interval faster than longer windows do (t(0.975, 1) is 12.7,
    t(0.975, 3) is 3.2), so the budget buys rounds first, down to MIN_WINDOW_S windows.
    The rounds are shared by ``legs`` worker processes in turn, each running whole mirrored
    blocks, so the count is a multiple of 2 * legs."""
    most = QUICK_MAX_ROUNDS if quick else MAX_ROUNDS
    block = 2 * legs
    fitting = int(train_s / (slots * (MIN_WINDOW_S + GAP_S)))
    least = -(-MIN_ROUNDS // block) * block  # MIN_ROUNDS, rounded up to whole blocks
    return max(least, min(most, fitting) // block * block)


def stop_reason(
    *,
    rounds_done: int,
    planned: int,
    elapsed_s: float,
    next_round_s: float,
    train_s: float,
    precise_enough: Callable[[], bool],
) -> str:
    """Why training stops before round ``rounds_done`` starts, or "" to go on.

    Blocks are two mirrored rounds: the planned rounds, the precision target and a spent
    budget end the run at a block boundary, so every paired ratio keeps its drift
    cancellation. Only a budget about to be overrun by more than the slack cuts a block.
    ``next_round_s`` is how long the next rounds will take as sized (see ``resized_window_s``).
    """
    at_block_end = rounds_done % 2 == 0
    if at_block_end and rounds_done >= planned:
        return "planned rounds done"
    if at_block_end and rounds_done >= MIN_ROUNDS and precise_enough():
        return f"interval within ±{TARGET_HALF_WIDTH:.0%}"
    if rounds_done >= 2:
        ahead = (2 - rounds_done % 2) * next_round_s
        if elapsed_s + ahead > train_s * BUDGET_SLACK:
            # At a block end, stop unless a whole block fits; inside one, finish it unless
            # even that would overrun (a slowed machine must not blow the budget).
            return "budget spent"
    return ""


def resized_window_s(*, planned_s: float, left_s: float, rounds_left: int, slots: int,
             between_s: float) -> float:  # fmt: skip
    """Each window's length for the rounds still to run: their share of the training budget
    that is left, less the time a round spends outside its windows (the gaps, the commands).
    Windows are sized from each path's latest step time, so a machine that slows down makes
    a round overrun its plan; re-sizing the rest absorbs that, where a fixed length would end
    the run a block early for an overrun of a few per cent. Never under half the planned
    length: below that the budget check stops the run instead."""
    share = (left_s / max(rounds_left, 1) - between_s) / slots
    return max(planned_s / 2, share)
