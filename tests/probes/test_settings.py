"""Folding probe events into the state both the terminal display and the TUI show."""

from probes import ProbeEvent, ProbeProgressState


def test_a_phase_change_keeps_the_last_known_windows_and_rate() -> None:
    state = ProbeProgressState().advanced(ProbeEvent("pytorch", "training", 3, 8, 4100.0))
    state = state.advanced(ProbeEvent("pytorch", "inference", 0, 0, None, "eager-loop: latency"))
    assert (state.phase, state.windows_done, state.windows_planned) == ("inference", 3, 8)
    assert state.samples_per_s == 4100.0
    assert state.message == "eager-loop: latency"


def test_a_new_plan_and_rate_replace_the_old_ones() -> None:
    state = ProbeProgressState().advanced(ProbeEvent("tensorflow", "training", 2, 8, 3000.0))
    state = state.advanced(ProbeEvent("tensorflow", "training", 6, 6, 3200.0))
    assert (state.windows_done, state.windows_planned, state.samples_per_s) == (6, 6, 3200.0)
