"""Somebody else's files in the app (issue 22, item 2): no terminal escape from a rule's
because and sources, a measurement's machine, flags and messages, or an answers file reaches
the screens, read as the user sees them; a measurements file no probe could have written is
refused in a dialog, and one from another machine is said to be."""

from __future__ import annotations

import json
from pathlib import Path

from hostile_text import (
    HOSTILE,
    MEASUREMENTS,
    escapes_in,
    hostile_measurements,
    hostile_pack,
    yaml_escaped,
)
from textual.widget import Widget
from tui_fakes import FakeRunner
from tui_pilots import EXAMPLES, SIZE, settle
from tui_text import shown

from advisor.tui import make_app
from advisor.tui.screens import ResultScreen


def _screen_text(app: object) -> str:
    """Every line every widget of the current screen draws."""
    screen = app.screen  # type: ignore[attr-defined]
    return "\n".join(shown(w) for w in screen.query(Widget) if w.size.area)


async def test_no_escape_reaches_the_result_screen(tmp_path: Path) -> None:
    app = make_app(answers_path=EXAMPLES / "android-app.yaml",
                   rule_paths=[hostile_pack(tmp_path / "hostile.yaml")],
                   measurements_path=hostile_measurements(tmp_path / "m.json"),
                   runner=FakeRunner())  # fmt: skip
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        seen = []
        for tab in "1234":
            await pilot.press(tab)
            await pilot.pause()
            seen.append(_screen_text(app))
        text = "\n".join(seen)
        assert "A rule from somebody else" in text and "window CV 14 %" in text
        assert escapes_in(text) == []


async def test_no_escape_reaches_the_dialog_for_an_answers_file(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f"domain: {yaml_escaped('vision' + HOSTILE)}\n"
                       f"{yaml_escaped('deploy' + HOSTILE)}: [mobile]\n", encoding="utf-8")
    app = make_app(answers_path=answers, runner=FakeRunner())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = _screen_text(app)
        assert "unknown question" in text
        assert escapes_in(text) == []


async def test_a_measurements_file_no_probe_could_have_written_is_refused_in_a_dialog(
    tmp_path: Path,
) -> None:
    data = json.loads(MEASUREMENTS.read_text(encoding="utf-8"))
    data["created"] = "2999-01-01T00:00:00+00:00"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    app = make_app(answers_path=EXAMPLES / "android-app.yaml", measurements_path=path,
                   runner=FakeRunner())  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = " ".join(_screen_text(app).split())
        assert "created: 2999-01-01" in text and "in the future" in text
        assert app.session.measurements is None


async def test_the_result_says_when_the_measurements_come_from_another_machine(
    tmp_path: Path,
) -> None:
    data = json.loads(MEASUREMENTS.read_text(encoding="utf-8"))
    data["machine"].update(cpu="Apple M3 Max", logical_cores=16)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    app = make_app(answers_path=EXAMPLES / "android-app.yaml", measurements_path=path,
                   runner=FakeRunner())  # fmt: skip
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert "Measured on Apple M3 Max, not this machine" in _screen_text(app)
        await pilot.press("2")
        await pilot.pause()
        text = " ".join(_screen_text(app).split())
        assert "not this machine (" in text and "machine scale 0.25" in text
