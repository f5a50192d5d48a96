"""Pilot walk-throughs: the keyboard alone gets a user from the welcome screen to a saved report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static
from tui_fakes import MEASUREMENTS, FakeRunner, measurements_without, script
from tui_pilots import EXAMPLES, SIZE, app_with, settle, through_questions, to_question, to_result
from tui_text import plain

from advisor import load_answers
from advisor.errors import ProbeError
from advisor.report import render
from advisor.tui import AdvisorApp
from advisor.tui.dialogs import ConfirmModal, ErrorModal, PathModal
from advisor.tui.messages import ProbeProgressed, ProbesCancelled, ProbesFinished
from advisor.tui.screens import ProbesScreen, QuestionsScreen, ResultScreen, WelcomeScreen
from advisor.tui.widgets import (
    ChoiceRadioSet,
    ChoiceSelectionList,
    FrameworkProgress,
    RulePreview,
)


def _row(app: AdvisorApp, framework: str) -> FrameworkProgress:
    return app.screen.query_one(f"#fw-{framework}", FrameworkProgress)


async def test_every_question_answered_by_keyboard_reaches_a_result() -> None:
    runner = FakeRunner()
    seen: list[Any] = []
    app = app_with(runner)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("s")
        await pilot.pause()
        chosen: dict[str, Any] = {}
        total = len(app.session.questions)
        for n, q in enumerate(app.session.questions, 1):
            screen = app.screen
            assert isinstance(screen, QuestionsScreen)
            assert screen.query_one("#step").content == f"Question {n} / {total}"
            if q.type == "many":
                # Tick the second target as well as the default one, then go on.
                await pilot.press("down", "space", "enter")
                chosen[q.id] = tuple(v for v in q.values if v in (q.default[0], q.values[1]))
            else:
                # The last choice: Up from the preselected default wraps round unless it is first.
                index = q.values.index(q.default)
                await pilot.press("up", "enter")
                chosen[q.id] = q.values[index - 1]
            await pilot.pause()
        assert app.session.values == chosen
        await settle(pilot)
        assert isinstance(app.screen, ProbesScreen)
        assert runner.runs == 1
        assert any(isinstance(m, ProbeProgressed) for m in seen)
        assert any(isinstance(m, ProbesFinished) for m in seen)
        assert _row(app, "pytorch").state.phase == "done"
        assert _row(app, "tensorflow").state.fraction == 1.0
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResultScreen)
        assert dict(screen.rec.answers) == {k: list(v) if isinstance(v, tuple) else v
                                            for k, v in chosen.items()}
        assert screen.rec.measurements is not None and screen.rec.measurements.used


async def test_back_navigation_keeps_answers() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "down", "enter")  # dataset_scale: small -> medium
        await pilot.pause()
        await pilot.press("down", "enter")  # iteration_speed: important -> minor
        await pilot.pause()
        await pilot.press("space", "enter")  # deployment: untick server -> none
        await pilot.pause()
        assert app.session.step == 3
        await pilot.press("b")
        await pilot.pause()
        deployment = app.screen.query_one(ChoiceSelectionList)
        assert deployment.value == ()
        assert deployment.selected == ["none"]
        await pilot.press("b")
        await pilot.pause()
        radio = app.screen.query_one(ChoiceRadioSet)
        assert radio.question.id == "iteration_speed" and radio.value == "minor"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(ChoiceRadioSet).value == "medium"
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.query_one(ChoiceRadioSet).value == "medium"
        assert app.session.values["deployment"] == ()


async def test_none_excludes_the_deployment_targets() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await to_question(pilot, 3)
        targets = app.screen.query_one(ChoiceSelectionList)
        await pilot.press("down", "down", "space")  # tick mobile
        await pilot.pause()
        assert targets.value == ("server", "mobile")
        await pilot.press("end", "space")  # tick none
        await pilot.pause()
        assert targets.selected == ["none"] and targets.value == ()
        await pilot.press("home", "space")  # tick server again
        await pilot.pause()
        assert targets.selected == ["server"]
        assert app.session.values["deployment"] == ("server",)


async def test_the_preview_names_the_rules_the_highlighted_choice_would_fire() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await to_question(pilot, 4)  # domain, default vision
        await pilot.press("down", "down")  # highlight llm, not chosen yet
        await pilot.pause()
        preview = app.screen.query_one(RulePreview)
        assert preview.heading.startswith("With “Large language models and generative AI”")
        text = preview.heading + " " + plain(preview.query_one(Static))
        assert app.session.values["domain"] == "vision"
        from advisor.tui.session import rules_fired_by, with_answer

        q = app.session.questionnaire["domain"]
        expected = rules_fired_by(app.session.ruleset, "domain",
                                  with_answer(app.session.values, q, "llm"))
        assert expected and f"{len(expected)} rule" in text
        assert expected[0].rule.because[:30] in text.replace("\n", " ")


async def test_cancel_stops_the_run_and_keeps_the_app_responsive() -> None:
    runner = FakeRunner(hold_after=5)
    seen: list[Any] = []
    app = app_with(runner)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await through_questions(pilot)
        while not runner.held.is_set():
            await pilot.pause(0.01)
        await pilot.pause(0.05)
        screen = app.screen
        assert isinstance(screen, ProbesScreen) and screen.state == "running"
        assert _row(app, "pytorch").state.phase == "warm-up"
        await pilot.press("c")
        await settle(pilot)
        assert runner.cancelled
        assert any(isinstance(m, ProbesCancelled) for m in seen)
        assert screen.state == "cancelled"
        assert _row(app, "tensorflow").state.phase == "cancelled"
        await pilot.press("b")  # back to the questions, answers kept
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)


async def test_skip_while_running_goes_to_a_rules_only_result() -> None:
    runner = FakeRunner(hold_after=3)
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        while not runner.held.is_set():
            await pilot.pause(0.01)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResultScreen)
        assert screen.rec.measurements is None
        assert runner.cancelled


async def test_a_failing_runner_is_reported_and_the_user_can_go_on() -> None:
    runner = FakeRunner(events=script()[:8],
                        error=ProbeError("pytorch worker exited with code 1: out of memory"))
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert "out of memory" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProbesScreen) and screen.state == "failed"
        assert "out of memory" in _row(app, "pytorch").state.message
        await pilot.press("r")  # measuring again is offered; it fails the same way
        await settle(pilot)
        assert runner.runs == 2
        await pilot.press("escape", "s")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.rec.measurements is None


async def test_a_framework_that_could_not_run_is_shown_with_its_reason() -> None:
    runner = FakeRunner(result=measurements_without(
        "tensorflow", "not_installed", "No module named 'tensorflow'"))
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        await settle(pilot)
        row = _row(app, "tensorflow")
        assert row.state.phase == "skipped"
        assert "No module named 'tensorflow'" in row.state.message
        assert "TensorFlow: not installed" in plain(app.screen.query_one("#probe-status"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        measured = app.screen.query_one("#measured")
        text = " ".join(plain(w) for w in measured.query("Static"))
        assert "No module named 'tensorflow'" in text


async def test_cached_results_are_offered_instead_of_running_again() -> None:
    runner = FakeRunner(cache=MEASUREMENTS)
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        screen = app.screen
        assert isinstance(screen, ProbesScreen) and screen.state == "offer"
        assert "27 Nov 2026, 14:05" in plain(screen.query_one("#probe-status"))
        await pilot.press("r")  # measure again after all
        await settle(pilot)
        assert runner.runs == 1 and screen.state == "finished"


async def test_using_the_earlier_run_shows_the_result_at_once() -> None:
    runner = FakeRunner(cache=MEASUREMENTS)
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        await pilot.press("u")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResultScreen) and runner.runs == 0
        assert screen.rec.measurements is not None and screen.rec.measurements.used
        assert "earlier run" in app.session.measurements_origin


async def _export(pilot: Any, key: str, path: Path) -> None:
    await pilot.press(key)
    await pilot.pause()
    modal = pilot.app.screen
    assert isinstance(modal, PathModal)
    modal.query_one(Input).value = str(path)
    await pilot.press("enter")
    await pilot.pause()


async def test_export_writes_markdown_json_and_answers(tmp_path: Path) -> None:
    app = app_with(answers_path=EXAMPLES / "android-app.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        screen = app.screen
        assert isinstance(screen, ResultScreen)
        await _export(pilot, "m", tmp_path / "report.md")
        await _export(pilot, "j", tmp_path / "report.json")
        await _export(pilot, "a", tmp_path / "answers.yaml")
        await settle(pilot)
        assert (tmp_path / "report.md").read_text() == render(screen.rec, "markdown")
        data = json.loads((tmp_path / "report.json").read_text())
        assert data["recommendation"] == screen.rec.recommendation
        reloaded = load_answers(tmp_path / "answers.yaml", app.session.questionnaire)
        assert dict(reloaded.values) == app.session.values
        assert reloaded.values == load_answers(EXAMPLES / "android-app.yaml").values
        assert not list(tmp_path.glob(".report*"))  # no temporary files left behind


async def test_export_asks_before_overwriting(tmp_path: Path) -> None:
    target = tmp_path / "advisor-report.json"
    target.write_text("keep me")
    app = app_with(workdir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("enter")  # accept the suggested name, which exists
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(pilot)
        assert target.read_text() == "keep me"
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert json.loads(target.read_text())["version"] == 1


async def test_export_into_a_missing_folder_is_an_error_not_a_crash(tmp_path: Path) -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        await _export(pilot, "m", tmp_path / "nowhere" / "report.md")
        assert isinstance(app.screen, ErrorModal)
        assert "does not exist" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)


@pytest.mark.parametrize("what", ["device", "answers file", "rule pack", "long name"])
async def test_export_refuses_what_the_cli_refuses(tmp_path: Path, what: str) -> None:
    """The app saves through the same check as --output: never onto a device, the answers
    file a report did not come from, or a rule pack; a bad name is a dialog, not a crash."""
    answers = tmp_path / "answers.yaml"
    answers.write_text((EXAMPLES / "android-app.yaml").read_text())
    pack = EXAMPLES / "policies" / "serve-on-tf-serving.yaml"
    target, words = {
        "device": (Path("/dev/null"), "is a device"),
        "answers file": (answers, "same file as the input"),
        "rule pack": (pack, "same file as the input"),
        "long name": (tmp_path / ("x" * 300), "too long"),
    }[what]
    before = pack.read_text()
    from advisor.knowledge.loader import load_ruleset

    app = app_with(answers_path=answers, ruleset=load_ruleset([pack.parent]))
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        await _export(pilot, "m", target)
        assert isinstance(app.screen, ErrorModal), what
        assert words in app.screen.message
    assert answers.read_text() == (EXAMPLES / "android-app.yaml").read_text()
    assert pack.read_text() == before


async def test_answers_file_prefills_the_questions(tmp_path: Path) -> None:
    partial = tmp_path / "partial.yaml"
    partial.write_text("deployment: [mobile]\n")
    app = app_with(answers_path=partial)
    async with app.run_test(size=SIZE) as pilot:
        welcome = " ".join(plain(s) for s in app.screen.query("Static"))
        assert "pre-filled from" in welcome
        await to_question(pilot, 3)
        assert app.screen.query_one(ChoiceSelectionList).value == ("mobile",)


async def test_a_bad_answers_file_is_shown_and_the_app_keeps_running(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ndomain: visoin\n")
    app = app_with(answers_path=bad)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorModal)
        assert "visoin" in app.screen.message and "bad.yaml" in app.screen.message
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert app.session.values["domain"] == "vision"


async def test_load_answers_from_the_welcome_screen(tmp_path: Path) -> None:
    app = app_with(workdir=EXAMPLES)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, PathModal)
        modal.query_one(Input).value = "android-app.yaml"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        assert app.session.values["team_experience"] == "tensorflow"
        await pilot.press("l")  # no binding on this screen: nothing happens
        await pilot.press("b", "l")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "missing.yaml")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ErrorModal)


async def test_without_probing_the_questions_lead_straight_to_the_result() -> None:
    runner = FakeRunner()
    app = app_with(runner, no_probe=True)
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert runner.runs == 0


async def test_measuring_can_be_switched_off_on_the_welcome_screen() -> None:
    runner = FakeRunner()
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await through_questions(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert runner.runs == 0


async def test_a_measurements_file_is_used_without_probing(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(MEASUREMENTS))
    runner = FakeRunner()
    app = app_with(runner, measurements_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        screen = app.screen
        assert isinstance(screen, ResultScreen)
        assert screen.rec.measurements is not None and runner.runs == 0


async def test_start_over_resets_the_answers() -> None:
    app = app_with(answers_path=EXAMPLES / "android-app.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert app.session.values["team_experience"] == "neither"
        assert app.session.measurements is None


async def test_the_code_tab_shows_the_probes_model_sources() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot, "5")
        code = [plain(w) for w in app.screen.query(".code")]
        assert "class ReferenceCNN(torch.nn.Module):" in code[0]
        assert "keras.Sequential" in code[1]


async def test_quit_exits_with_0() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0


def test_no_color_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert app_with().no_color


@pytest.mark.parametrize(("installed", "said"), [({"tensorflow": "99.0.0"}, True),
                                                 ({"tensorflow": "2.21.0"}, False)])
async def test_the_result_says_when_tensorflow_is_newer_than_the_advice(installed, said) -> None:
    from advisor.knowledge.loader import load_ruleset

    app = app_with(no_probe=True, ruleset=load_ruleset(), installed=installed)
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        assert isinstance(app.screen, ResultScreen)
        overview = " ".join(plain(app.screen.query_one(".explanation", Static)).split())
        assert ("tensorflow 99.0.0 (installed here) is newer than 2.21.0" in overview) is said
        assert [v.package for v in app.screen.rec.versions] == (["tensorflow"] if said else [])
