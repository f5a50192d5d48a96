"""The app at the sizes where it was seen to fail: 80×24 (what it is laid out for) and 60×20.
A question opens with its title in view, every focus stop shows that it has focus, and every
button and footer key of every screen fits."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from textual.widgets import Button, Footer
from tui_fakes import MEASUREMENTS, FakeRunner
from tui_pilots import (
    EXAMPLES,
    app_with,
    holding_runner,
    through_questions,
    to_probes_done,
    to_probes_running,
    to_question,
    to_result,
)
from tui_text import footer_keys

from advisor.tui.dialogs import PathModal
from advisor.tui.screens import ResultScreen
from advisor.tui.widgets import ScreenBody

SIZES = [(80, 24), (60, 20)]


def _visible_rows(widget: Any) -> int:
    """How many of ``widget``'s rows are on the screen, not scrolled out of its container."""
    return widget.screen.find_widget(widget).region.height if widget.region else 0


@pytest.mark.parametrize("size", SIZES)
async def test_every_question_opens_with_its_title_in_view(size: tuple[int, int]) -> None:
    app = app_with()
    async with app.run_test(size=size) as pilot:
        for number in (1, 3, 4):
            if number == 1:
                await to_question(pilot, 1)
            else:
                while app.session.step + 1 < number:
                    await pilot.press("enter")
                    await pilot.pause()
            body = app.screen.query_one("#questions", ScreenBody)
            assert body.scroll_y == 0, f"question {number} opened scrolled"
            for part in ("#step", "#prompt"):
                assert _visible_rows(app.screen.query_one(part)) >= 1, (number, part)


async def test_moving_to_the_last_choice_brings_it_into_view_at_60x20() -> None:
    app = app_with()
    async with app.run_test(size=(60, 20)) as pilot:
        await to_question(pilot, 3)  # six targets: the last is below the fold at 60×20
        choices = app.screen.query_one("#choices")
        body = app.screen.query_one("#questions", ScreenBody)
        for _ in range(len(app.session.questions[2].values) - 1):
            await pilot.press("down")
            await pilot.pause()
        last_row = choices.region.y + choices.highlighted
        assert body.region.y <= last_row < body.region.bottom


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("where", ["welcome", "question"])
async def test_every_focus_stop_shows_that_it_has_focus(size: tuple[int, int], where: str) -> None:
    app = app_with()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if where == "question":
            await to_question(pilot, 3)
        screen = app.screen
        body = screen.query_one(ScreenBody)
        chain = screen.focus_chain
        # The body is a stop only where it scrolls: at 80×24 nothing needs to, at 60×20 it does.
        assert (body in chain) == (body.max_scroll_y > 0) == (size == (60, 20))
        tints = set()
        for _ in chain:
            await pilot.press("tab")
            await pilot.pause()
            focused = screen.focused
            assert focused is not None and focused in chain
            tints.add((focused is body, body.styles.background_tint))
            if focused is body:
                assert footer_keys(app)["↑↓ PgDn"] == "Scroll"
        if body in chain:
            assert len(tints) == 2, "the body looks the same with focus and without"
        else:  # nothing to scroll: the footer does not offer to
            assert "↑↓ PgDn" not in footer_keys(app)


async def test_the_welcome_screen_opens_at_its_top_at_60x20() -> None:
    app = app_with()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.pause()
        body = app.screen.query_one("#welcome", ScreenBody)
        assert body.scroll_y == 0 and app.screen.focused is body
        assert _visible_rows(app.screen.query_one(".title")) == 1
        await pilot.press("tab", "tab")  # past the measuring box, onto Start
        await pilot.pause()
        start = app.screen.query_one("#start", Button)
        assert app.screen.focused is start and _visible_rows(start) == 3


def _cached() -> FakeRunner:
    return FakeRunner(cache={**copy.deepcopy(MEASUREMENTS), "workload": "cnn"})


STATES: dict[str, tuple[Any, Any]] = {
    "welcome": (FakeRunner, None),
    "question": (FakeRunner, lambda pilot: to_question(pilot, 3)),
    "probes offered a cached run": (_cached, through_questions),
    "probes running": (holding_runner, to_probes_running),
    "probes done": (FakeRunner, to_probes_done),
    "result": (FakeRunner, to_result),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(STATES))
async def test_every_button_and_footer_key_fits(size: tuple[int, int], state: str) -> None:
    make_runner, before = STATES[state]
    app = app_with(make_runner())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if before is not None:
            await before(pilot)
        await pilot.pause()
        for button in app.screen.query(Button):
            if button.display:
                row = button.parent
                assert button.region.right <= row.content_region.right, (state, button.label)
        footer = app.screen.query_one(Footer)
        assert footer.virtual_size.width <= footer.size.width, (state, footer_keys(app))
        assert "q" in footer_keys(app)


async def test_a_narrow_result_groups_the_save_keys_and_each_still_works() -> None:
    app = app_with(answers_path=EXAMPLES / "android-app.yaml", no_probe=True)
    async with app.run_test(size=(60, 20)) as pilot:
        await to_result(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert [k for k in footer_keys(app) if k in "amj"] == ["a", "m", "j"]
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PathModal)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert footer_keys(app)["m"] == "Markdown"
