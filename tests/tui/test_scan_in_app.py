"""The project scan in the app, by keyboard: scanning from the welcome screen or with
--project, off the event loop and cancellable; proposed answers marked on their questions with
the evidence one key away; hints never chosen; the user's answers always winning; the result
citing the scan."""

from __future__ import annotations

from pathlib import Path

from project_trees import write_shop
from scan_fakes import SCAN, FakeScanner
from textual.widgets import Input, OptionList, Static
from tui_pilots import SIZE, app_with, number, settle, to_question, to_result
from tui_text import plain

from advisor.errors import ProjectError
from advisor.tui import AdvisorApp
from advisor.tui.dialogs import ErrorModal, EvidenceModal, PathModal, QuestionListModal, ScanModal
from advisor.tui.screens import QuestionsScreen, ResultScreen, WelcomeScreen
from advisor.tui.widgets import ChoiceRadioSet

EXISTING_CODE, TEAM, DOMAIN = number("existing_code"), number("team_experience"), number("domain")


def plain_renderable(renderable: object) -> str:
    return plain(Static(renderable))  # type: ignore[arg-type]


def _text(app: AdvisorApp, selector: str = "Static") -> str:
    return " ".join(" ".join(plain(w).split()) for w in app.screen.query(selector))


async def _scan_from_welcome(pilot, folder: Path, *, until: type | None = None) -> None:
    """Scan ``folder`` from the welcome screen, until the app settles or, with ``until``, a
    screen of that type shows (a dialog the scan worker awaits)."""
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PathModal)
    pilot.app.screen.query_one(Input).value = str(folder)
    await pilot.press("enter")
    if until is None:
        await settle(pilot)
        return
    for _ in range(500):
        if isinstance(pilot.app.screen, until):
            return
        await pilot.pause(0.01)
    raise AssertionError(f"no {until.__name__}: {pilot.app.screen}")


async def test_the_welcome_screen_scans_a_folder(tmp_path: Path) -> None:
    scanner = FakeScanner()
    app = app_with(scanner=scanner)
    async with app.run_test(size=SIZE) as pilot:
        assert "Scan a project… (p)" in [str(b.label) for b in app.screen.query("Button")]
        await _scan_from_welcome(pilot, tmp_path / "shop")
        assert scanner.folders == [tmp_path / "shop"]
        assert isinstance(app.screen, WelcomeScreen)
        values = app.session.values
        assert (values["existing_code"], values["domain"]) == ("tensorflow", "nlp")
        assert values["team_experience"] == "neither", "a hint is never applied"
        assert ("Scanned shop: 100 files read in 0.2 s; proposes existing_code, domain."
                in _text(app))


async def test_project_scans_before_the_questions_and_says_so(tmp_path: Path) -> None:
    scanner = FakeScanner()
    app = app_with(scanner=scanner, project_path=tmp_path / "shop")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert scanner.folders == [tmp_path / "shop"]
        assert isinstance(app.screen, WelcomeScreen)
        assert "Scanned shop" in _text(app)
        assert app.session.from_scan("existing_code")


async def test_the_scan_runs_off_the_loop_and_can_be_cancelled(tmp_path: Path) -> None:
    scanner = FakeScanner(hold=True)
    app = app_with(scanner=scanner)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path)
        await pilot.press("enter")
        while not scanner.held.is_set():
            await pilot.pause(0.01)
        await pilot.pause(1.2)  # the loop runs on: the dialog counts the seconds
        assert isinstance(app.screen, ScanModal)
        assert plain(app.screen.query_one("#scan-state", Static)).startswith("Scanning… ")
        assert str(tmp_path) in _text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert scanner.cancelled.wait(2), "the scanner was told to stop"
        await settle(pilot)
        assert app.session.scan is None and app.session.values["existing_code"] == "none"
        assert not app.screen.query_one("#scan-text").display


async def test_a_folder_that_cannot_be_scanned_is_shown_and_the_app_goes_on(tmp_path) -> None:
    missing = tmp_path / "nope"
    for error, words in ((ProjectError(str(missing), "no such project folder"),
                          f"{missing}: no such project folder"),
                         (RuntimeError("engine bug"), "The scan failed: engine bug")):
        app = app_with(scanner=FakeScanner(error=error))
        async with app.run_test(size=SIZE) as pilot:
            await _scan_from_welcome(pilot, missing, until=ErrorModal)
            assert words in app.screen.message
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen) and app.session.scan is None


async def test_a_proposed_answer_is_marked_with_its_evidence_one_key_away(tmp_path) -> None:
    app = app_with(scanner=FakeScanner(), project_path=tmp_path / "shop")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_question(pilot, 1)
        assert not app.screen.query_one("#scan-note").display
        assert app.screen.check_action("evidence", ()) is False, "nothing to show here"
        await pilot.press("b")  # back to the welcome screen, and in again at that question
        await pilot.pause()
        app.session.step = EXISTING_CODE - 1
        await pilot.press("s")
        await pilot.pause()
        radio = app.screen.query_one(ChoiceRadioSet)
        assert radio.value == "tensorflow"
        assert "Proposed by the scan (91 %): Yes, in TensorFlow / Keras. e: why." in _text(app)
        assert "Yes, in TensorFlow / Keras  ← scan 91 %" in [str(b.label) for b in
                                                            radio.query("ChoiceButton")]
        preview = _text(app, "#preview-body")
        assert "TensorFlow +6.9 (5 × 1.38, the scan's switching cost) Existing code" in preview
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceModal)
        shown = _text(app)
        for words in ("Proposed: Yes, in TensorFlow / Keras (91 % sure)",
                      "3 SavedModels and a TF Serving Dockerfile",
                      "TensorFlow imports: 54 in 31 files",
                      "src/model.py:3 import tensorflow as tf",
                      "serving/Dockerfile:1 FROM tensorflow/serving:2.20.0"):
            assert words in shown, words
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)


async def test_a_hint_is_shown_beside_its_question_and_never_chosen(tmp_path: Path) -> None:
    app = app_with(scanner=FakeScanner(), project_path=tmp_path / "shop")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.session.step = TEAM - 1
        await pilot.press("s")
        await pilot.pause()
        radio = app.screen.query_one(ChoiceRadioSet)
        assert radio.value == "neither"
        assert "PyTorch  ← scan hint 60 %" in [str(b.label) for b in radio.query("ChoiceButton")]
        assert "Hint from the scan (60 %): PyTorch, not chosen for you." in _text(app)
        await pilot.press("e")
        await pilot.pause()
        assert "Hint, never chosen for you: PyTorch (60 % sure)" in _text(app)


async def test_the_users_choice_always_wins(tmp_path: Path) -> None:
    scanner = FakeScanner()
    app = app_with(scanner=scanner, project_path=tmp_path / "shop", no_probe=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.session.step = DOMAIN - 1
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("up", "enter")  # nlp -> vision, the first choice
        await pilot.pause()
        assert app.session.values["domain"] == "vision"
        assert not app.session.from_scan("domain")
        await pilot.press("b")
        await pilot.pause()
        assert "The scan proposes Natural language processing" in _text(app)
        assert "your answer is kept" in _text(app)
        # Scanning again changes no answer the user gave.
        app.session.step = 0
        await pilot.press("escape")
        await pilot.pause()
        await _scan_from_welcome(pilot, tmp_path / "shop")
        assert len(scanner.folders) == 2
        assert app.session.values["domain"] == "vision"
        assert app.session.values["existing_code"] == "tensorflow"
        await to_result(pilot)
        rec = app.screen.rec
        status = {p.question: (p.status, p.answer) for p in rec.project.proposals}
        assert status["domain"] == ("overridden", "vision")
        assert status["existing_code"] == ("used", "tensorflow")


async def test_an_answers_file_wins_over_the_scan(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("existing_code: pytorch\n")
    app = app_with(scanner=FakeScanner(), answers_path=answers, project_path=tmp_path / "shop")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        values = app.session.values
        assert (values["existing_code"], values["domain"]) == ("pytorch", "nlp")


async def test_a_complete_answers_file_goes_on_after_the_scan(tmp_path: Path) -> None:
    from tui_pilots import EXAMPLES

    app = app_with(scanner=FakeScanner(), answers_path=EXAMPLES / "android-app.yaml",
                   project_path=tmp_path / "shop", no_probe=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        rec = app.screen.rec
        assert rec.project is not None and not rec.project.with_status("used")
        assert rec.answers["existing_code"] == "none", "the file's answer"


async def test_the_result_cites_the_scan(tmp_path: Path) -> None:
    app = app_with(scanner=FakeScanner(), project_path=tmp_path / "shop", no_probe=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_result(pilot, "3")
        assert isinstance(app.screen, ResultScreen)
        reasons = " ".join(_text(app, "#reasons Static").split())
        assert ("The scan of shop found 412 lines in 37 files call TensorFlow, 3 model files "
                "(savedmodel 3), a TF Serving Dockerfile" in reasons)
        assert "From the project scan" in reasons
        assert "existing_code = tensorflow (91 %)" in reasons
        overview = _text(app, "#overview Static")
        assert "From the scan of shop: existing_code = tensorflow, domain = nlp" in overview
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, QuestionListModal)
        listed = app.screen.query_one("#answer-list", OptionList)
        answers = " ".join(plain_renderable(listed.get_option_at_index(i).prompt)
                           for i in range(listed.option_count))
        assert "from the scan, 91 %" in answers and "from the scan, 74 %" in answers


async def test_start_over_forgets_the_scan(tmp_path: Path) -> None:
    app = app_with(scanner=FakeScanner(), project_path=tmp_path / "shop", no_probe=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_result(pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert app.session.scan is None and app.session.values["existing_code"] == "none"
        assert not app.screen.query_one("#scan-text").display


def test_the_fake_scan_is_the_scan_the_tests_describe() -> None:
    assert [p.question for p in SCAN.proposals] == ["existing_code", "domain", "team_experience"]


def test_an_answer_changed_and_changed_back_is_the_users() -> None:
    from tui_pilots import ruleset

    from advisor.tui.session import Session

    session = Session(ruleset())
    session.apply_scan(SCAN)
    session.choose("existing_code", "tensorflow")  # Enter on the preselected proposal
    assert session.from_scan("existing_code")
    session.choose("domain", "vision")
    session.choose("domain", "nlp")
    assert not session.from_scan("domain") and session.values["domain"] == "nlp"
    status = {p.question: p.status for p in session.recommendation().project.proposals}
    assert status == {"existing_code": "used", "domain": "confirmed", "team_experience": "hint"}


async def test_the_real_scan_of_a_small_tree(tmp_path: Path) -> None:
    app = app_with(project_path=write_shop(tmp_path / "shop"), no_probe=True)  # the engine
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert app.session.from_scan("existing_code")
        assert app.session.values["existing_code"] == "tensorflow"
