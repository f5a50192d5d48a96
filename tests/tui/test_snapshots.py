"""One picture per screen at 80×24 (pytest-textual-snapshot). Each was looked at before it was
accepted; update with ``pytest tests/tui --snapshot-update`` and look again.

Among them: the code tab, the deployment question with two targets, a result whose
measurements were flagged, and the answer marks under NO_COLOR."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input
from tui_fakes import FakeRunner, measurements_without
from tui_pilots import (
    SCREENS,
    SIZE,
    app_with,
    settle,
    through_questions,
    to_question,
    to_result,
    to_two_targets,
)


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, snap_compare: Any) -> None:
    factory, before = SCREENS[name]
    assert snap_compare(factory(), terminal_size=SIZE, run_before=before)


class TestResultTabs:
    @pytest.mark.parametrize("tab", ["2", "3", "4"])
    def test_tab(self, tab: str, snap_compare: Any) -> None:
        async def before(pilot: Any) -> None:
            await to_result(pilot, tab)

        assert snap_compare(app_with(), terminal_size=SIZE, run_before=before)


class TestKerasBridge:
    """A TensorFlow team's measured tab: Keras on torch and JAX as further columns, then the
    bridge section (scrolled to it)."""

    @pytest.mark.parametrize("then", [(), ("end",)])
    def test_measured_tab(self, then: tuple[str, ...], snap_compare: Any) -> None:
        from pathlib import Path

        from tui_fakes import keras_measurements

        team = Path(__file__).resolve().parent / "tensorflow-team.yaml"

        async def before(pilot: Any) -> None:
            await to_result(pilot, "2", then=then)

        app = app_with(FakeRunner(result=keras_measurements()), answers_path=team)
        assert snap_compare(app, terminal_size=SIZE, run_before=before)


class TestNoColor:
    """On and off differ in the marks themselves, not only in colour."""

    @pytest.mark.parametrize("step", ["radio", "ticks"])
    def test_answer_marks(self, step: str, snap_compare: Any,
                          monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("NO_COLOR", "1")

        async def before(pilot: Any) -> None:
            if step == "radio":
                await to_question(pilot, 1)
                await pilot.press("down")
            else:
                await to_two_targets(pilot)
            await pilot.pause()

        assert snap_compare(app_with(), terminal_size=SIZE, run_before=before)


class TestSmallTerminal:
    def test_the_result_at_60x20(self, snap_compare: Any) -> None:
        from tui_pilots import EXAMPLES

        app = app_with(answers_path=EXAMPLES / "android-app.yaml", no_probe=True)
        assert snap_compare(app, terminal_size=(60, 20))


class TestProbeOutcomes:
    def test_a_framework_not_installed(self, snap_compare: Any) -> None:
        runner = FakeRunner(result=measurements_without(
            "tensorflow", "not_installed", "No module named 'tensorflow'"))

        async def before(pilot: Any) -> None:
            await through_questions(pilot)
            await settle(pilot)

        assert snap_compare(app_with(runner), terminal_size=SIZE, run_before=before)

    def test_cached_run_offered(self, snap_compare: Any) -> None:
        from tui_fakes import MEASUREMENTS

        assert snap_compare(app_with(FakeRunner(cache=MEASUREMENTS)), terminal_size=SIZE,
                            run_before=through_questions)


class TestDialogs:
    def test_export_asks_for_a_file_name(self, snap_compare: Any) -> None:
        async def before(pilot: Any) -> None:
            await to_result(pilot)
            await pilot.press("m")
            await pilot.pause()
            pilot.app.screen.query_one(Input).cursor_blink = False

        assert snap_compare(app_with(), terminal_size=SIZE, run_before=before)

    def test_an_unreadable_answers_file(self, snap_compare: Any) -> None:
        # A relative name, so that the message is the same on every machine.
        app = app_with(answers_path="does-not-exist.yaml")
        assert snap_compare(app, terminal_size=SIZE)
