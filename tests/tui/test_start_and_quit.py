"""How the app starts and stops: the welcome text says what will happen, a complete answers
file goes straight on, bad files say what was done, quitting asks before losing work, and a
small terminal is told it is small."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_fakes import MEASUREMENTS, FakeRunner
from tui_pilots import EXAMPLES, SIZE, app_with, settle, to_question, to_result
from tui_text import footer_keys, plain

from advisor.tui.dialogs import ConfirmModal, ErrorModal
from advisor.tui.screens import ProbesScreen, QuestionsScreen, ResultScreen, WelcomeScreen
from advisor.tui.widgets import SizeNotice, TickBox
from probes.settings import ProbeSettings

ANDROID = EXAMPLES / "android-app.yaml"


def _welcome_text(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return " ".join(plain(screen.query_one(f"#{i}")) for i in ("lead", "measure-text"))


async def test_the_welcome_screen_says_what_will_happen() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        text = _welcome_text(app)
        assert "measures both frameworks on this machine" in text
        assert f"(about {ProbeSettings().expected_wall_s:.0f} s)" in text
        await pilot.press("m")
        await pilot.pause()
        text = _welcome_text(app)
        assert "measures both frameworks" not in text
        assert "measuring is switched off, so the recommendation rests on the rules alone" in text
        assert not app.session.measure


@pytest.mark.parametrize(("domain", "workload"), [(None, "the cnn workload"),
                                                   ("nlp", "the transformer workload"),
                                                   ("tabular", "the mlp workload")])
async def test_the_welcome_screen_names_the_workload_the_domain_will_probe(
        tmp_path: Path, domain: str | None, workload: str) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"domain: {domain}\n" if domain else "{}\n")
    app = app_with(answers_path=answers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = _welcome_text(app)
        assert text.lower().count(workload) == 1
        assert f"matches the domain {domain or 'vision'}" in text
        assert ("CNN" in text) == (domain is None)
        await pilot.press("m")  # measuring off: the box still says what it would train
        await pilot.pause()
        assert f"to train {workload}" in _welcome_text(app)


async def test_no_probe_starts_with_measuring_off_and_says_so() -> None:
    app = app_with(no_probe=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "measuring is switched off" in _welcome_text(app)
        assert not app.screen.query_one(TickBox).value


async def test_a_measurements_file_is_named_and_there_is_nothing_to_switch(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(MEASUREMENTS))
    app = app_with(measurements_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = _welcome_text(app)
        assert f"Uses the measurements in {path}" in text and "27 Nov 2026, 14:05" in text
        assert "measures both frameworks" not in text
        assert not app.screen.query(TickBox)
        assert "m" not in footer_keys(app)


async def test_a_missing_measurements_file_keeps_the_choice_not_to_measure(tmp_path: Path) -> None:
    runner = FakeRunner()
    app = app_with(runner, measurements_path=tmp_path / "missing.json")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ErrorModal)
        assert "missing.json" in modal.message
        assert "goes on without measurements" in modal.message
        await pilot.press("enter")
        await pilot.pause()
        assert not app.session.measure
        assert "measuring is switched off" in _welcome_text(app)
        await to_result(pilot)
        assert runner.runs == 0


async def test_every_problem_of_an_answers_file_is_shown_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("domain: visoin\nhorizon: decades\n")
    app = app_with(answers_path=bad)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ErrorModal)
        assert "line 1: domain: 'visoin'" in modal.message
        assert "line 2: horizon: 'decades'" in modal.message


async def test_a_complete_answers_file_goes_straight_to_the_probes() -> None:
    app = app_with(answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProbesScreen) and app.screen.state == "finished"
        await pilot.press("b")  # the questions, one key away
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        assert app.session.values["deployment"] == ("mobile",)


async def test_a_complete_answers_file_without_probing_goes_straight_to_the_result() -> None:
    runner = FakeRunner()
    app = app_with(runner, answers_path=ANDROID, no_probe=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen) and runner.runs == 0
        assert app.screen.rec.answers["team_experience"] == "tensorflow"


async def test_q_asks_first_when_answers_are_unsaved_and_ctrl_q_does_not() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await to_question(pilot, 1)
        await pilot.press("down", "enter")  # dataset_scale: medium, not saved anywhere
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConfirmModal) and "not saved" in modal.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_value == 0


async def test_saved_answers_quit_without_asking(tmp_path: Path) -> None:
    app = app_with(workdir=tmp_path, no_probe=True)
    async with app.run_test(size=SIZE) as pilot:
        await to_question(pilot, 1)
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("g", "end", "enter")  # on to the last question
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen) and app.session.unsaved
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")  # the suggested name
        await settle(pilot)
        assert (tmp_path / "advisor-answers.yaml").exists()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0


async def test_ctrl_c_names_the_keys_that_quit() -> None:
    app = app_with(answers_path=ANDROID, no_probe=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said and "Ctrl+Q quits at once" in said[-1]
        assert "Press q to quit" not in said[-1]


async def test_a_small_terminal_is_told_its_size_and_every_tab_stays_reachable() -> None:
    app = app_with(answers_path=ANDROID, no_probe=True)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        notice = app.screen.query_one(SizeNotice)
        assert notice.display and "Needs 80×24; this terminal is 60×20" in plain(notice)
        code_tab = app.screen.query_one("#--content-tab-code")
        assert code_tab.region.right <= 60, "the 5 Code tab is on screen"
        await pilot.press("5")
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "code"
    async with app_with().run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not pilot.app.screen.query_one(SizeNotice).display


async def test_the_welcome_screen_is_first_without_a_complete_answers_file() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
