"""The real probe runner through the TUI, with the smallest budget the probes accept.

The frameworks run in the probes' worker subprocesses; this pytest process must never import
them. Run with ``pytest -m probe tests/tui``.
"""

from __future__ import annotations

import sys
import time

import pytest
from tui_pilots import SIZE, app_with, through_questions

from advisor.tui import ProbesAdapter
from advisor.tui.screens import ProbesScreen, ResultScreen
from advisor.tui.widgets import FrameworkProgress

pytestmark = [pytest.mark.probe, pytest.mark.timeout(240)]


async def test_both_frameworks_measured_live_through_the_app() -> None:
    from probes import BUDGET_FLOOR_S, ProbeSettings

    # One process each: the app's lifecycle is the point here, and the test stays short.
    settings = ProbeSettings(budget_s=BUDGET_FLOOR_S, quick=True, processes=1)
    app = app_with(ProbesAdapter(), probe_settings=settings)  # type: ignore[arg-type]
    phases: dict[str, set[str]] = {"pytorch": set(), "tensorflow": set()}
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        screen = app.screen
        assert isinstance(screen, ProbesScreen)
        deadline = time.monotonic() + 200
        while screen.state == "running" and time.monotonic() < deadline:
            for row in screen.query(FrameworkProgress):
                phases[row.framework].add(row.state.phase)
            await pilot.pause(0.1)
        assert screen.state == "finished", screen.query_one("#probe-status").content
        for fw in ("pytorch", "tensorflow"):
            row = screen.query_one(f"#fw-{fw}", FrameworkProgress)
            # busy: not measured because other jobs used the CPUs, as on a shared machine
            assert row.state.phase in ("done", "skipped", "busy"), (fw, row.state)
            assert len(phases[fw]) >= 2, f"{fw}: the progress never moved ({phases[fw]})"
        await pilot.press("enter")
        await pilot.pause()
        result = app.screen
        assert isinstance(result, ResultScreen)
        assert result.rec.measurements is not None
    assert "torch" not in sys.modules and "tensorflow" not in sys.modules
