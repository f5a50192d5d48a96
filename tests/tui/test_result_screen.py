"""The result at 80×24, by keyboard: every tab scrolls at once, the code is whole, the reasons
read as prose with whole links, flags say why a measurement weighs less."""

from __future__ import annotations

import re
from pathlib import Path

from textual.geometry import Region
from textual.widgets import Static, TabbedContent
from tui_fakes import FakeRunner, keras_measurements
from tui_pilots import EXAMPLES, SIZE, app_with, flagged_runner, settle, to_result
from tui_text import footer_keys, plain, shown

import probes
from advisor.tui.article import CORRECTIONS, corrections
from advisor.tui.dialogs import ConfirmModal, QuestionListModal
from advisor.tui.screens import QuestionsScreen, ResultScreen
from advisor.tui.widgets import ScrollPane

ANDROID = EXAMPLES / "android-app.yaml"


def _pane(app: object, tab: str) -> ScrollPane:
    return app.screen.query_one(f"#{tab}").query_one(ScrollPane)  # type: ignore[attr-defined]


async def test_every_tab_opens_with_its_content_focused_and_scrolls_at_once() -> None:
    app = app_with(answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        assert app.screen.focused is _pane(app, "overview")
        for key, tab in (("3", "reasons"), ("4", "change"), ("2", "measured")):
            await pilot.press(key)
            await pilot.pause()
            pane = _pane(app, tab)
            assert app.screen.query_one(TabbedContent).active == tab
            assert app.screen.focused is pane
            if pane.max_scroll_y:
                await pilot.press("pagedown")
                await pilot.pause()
                assert pane.scroll_y > 0, tab
                await pilot.press("home")
                await pilot.pause()
                assert pane.scroll_y == 0, tab
        keys = footer_keys(app)
        assert keys["↑↓ PgDn"] == "Scroll" and keys["q"] == "Quit"


async def test_the_overview_shows_every_criterion_at_80x24() -> None:
    app = app_with(answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        bars = app.screen.query_one("#bars")
        pane = _pane(app, "overview")
        assert bars.region.bottom <= pane.region.bottom, "the last criterion is below the fold"


async def test_the_code_tab_shows_every_character_of_both_models_at_80x24() -> None:
    app = app_with(FakeRunner(real_sources=True), answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot, "5")
        pane = _pane(app, "code")
        assert pane.max_scroll_x == 0, "nothing to scroll sideways"
        for widget, fw in zip(app.screen.query(".code"), ("pytorch", "tensorflow"), strict=True):
            text = shown(widget)
            source = probes.model_source(fw, "cnn")
            for token in source.split():
                assert token in text, f"{fw}: {token!r} is not shown"
            marked = corrections(fw, source)
            assert marked and text.count("❱") == len(marked) + 1  # each line, and the legend
            for number, note in marked:
                assert f"line {number:>2}: {note.split()[0]}" in text


def test_every_correction_finds_its_line_in_the_probes_model() -> None:
    for c in CORRECTIONS:
        assert corrections(c.framework, probes.model_source(c.framework, "cnn")), c.needle


async def test_reasons_read_as_prose_with_whole_links_and_no_raw_keys() -> None:
    app = app_with(answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot, "3")
        rec = app.screen.rec
        text = shown(app.screen.query_one("#reasons").query_one(Static))
        lines = text.splitlines()
        width = _pane(app, "reasons").content_region.width
        for r in rec.reasons:
            # The rule id on a line of its own, indented under the number, not at column 1.
            assert any(line.strip() == f"id: {r.id}" and line.startswith("    ")
                       for line in lines), r.id
            for s in r.sources:
                if s.url and len(s.url) <= width - 5:
                    assert any(s.url in line for line in lines), s.url
        flush_left = {line for line in lines if re.match(r"\S", line)}
        assert flush_left <= {"Notes", "Myths this answer touches"}, "hanging indents"
        for key in rec.criteria:
            if "_" in key:
                assert key not in text
        becauses = [r.because for r in rec.reasons]
        assert len(becauses) == len(set(becauses))
        # Each URL is a terminal link (Textual writes a link style as OSC 8).
        static = app.screen.query_one("#reasons").query_one(Static)
        region = Region(0, 0, static.size.width, static.size.height)
        links = {seg.style.link for strip in static.render_lines(region) for seg in strip
                 if seg.style is not None and seg.style.link}
        assert links == {s.url for r in rec.reasons for s in r.sources if s.url} | {
            s.url for n in rec.notes for s in n.sources if s.url} | {
            s.url for m in rec.myths for s in m.sources if s.url}


async def test_measured_reasons_name_frameworks_not_keys() -> None:
    app = app_with(answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot, "3")
        text = shown(app.screen.query_one("#reasons").query_one(Static))
        assert "TensorFlow lower by" in text or "PyTorch lower by" in text
        assert "pytorch lower" not in text and "tensorflow lower" not in text


async def test_the_measured_tab_says_why_a_measurement_weighs_less() -> None:
    app = app_with(flagged_runner(), answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot, "2")
        text = " ".join(shown(app.screen.query_one("#measured").query_one(Static)).split())
        assert "stability scale 0.5, because the probe flagged:" in text
        assert "TensorFlow: keras-fit: window CV 36% > 10% (noisy machine?)" in text
        assert "TensorFlow: keras-fit: throughput falling across windows" in text


async def test_what_would_change_it_is_in_the_questionnaires_words() -> None:
    app = app_with(answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot, "4")
        rec = app.screen.rec
        text = " ".join(shown(app.screen.query_one("#change").query_one(Static)).split())
        assert text.startswith(f"Robustness: the result holds in {rec.robustness.share:.0%}")
        assert rec.flips
        for flip in rec.flips:
            prompt = app.session.questionnaire[flip.question].prompt
            assert prompt in text
        assert "dataset_scale" not in text


async def test_b_lists_the_answers_and_one_changed_answer_leads_back_to_the_result() -> None:
    app = app_with(answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        await pilot.press("b")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, QuestionListModal)
        assert "Mobile: Android or iOS apps" in shown(modal.query_one("#answer-list"))
        await pilot.press("home", "down", "down", "enter")  # question 3, deployment
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionsScreen) and screen.review
        assert screen.question.id == "deployment"
        assert "back to the result" in plain(screen.query_one("#how"))
        await pilot.press("home", "space", "enter")  # tick server as well
        await settle(pilot)
        result = app.screen
        assert isinstance(result, ResultScreen)
        assert result.rec.answers["deployment"] == ["server", "mobile"]
        assert result.rec.measurements is not None  # no second probe run


async def test_start_over_and_dialogs_show_their_own_keys() -> None:
    app = app_with(answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        keys = footer_keys(app)
        assert keys == {"y": "Yes", "n/Esc": "No"}, "the result's keys are not listed"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)


async def test_the_headline_says_what_confidence_and_robustness_mean() -> None:
    app = app_with(answers_path=ANDROID)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        rec = app.screen.rec
        said = " ".join(shown(app.screen.query_one("#confidence", Static)).split())
        assert said == rec.meaning
        assert said.startswith(f"Confidence {rec.confidence:.0%}")
        await pilot.press("4")
        await pilot.pause()
        text = " ".join(shown(app.screen.query_one("#change").query_one(Static)).split())
        assert "a reweighting scales each criterion's weight by a random 0.75–1.25" in text
KERAS_TEAM = Path(__file__).resolve().parent / "tensorflow-team.yaml"


def _text(app: object, tab: str) -> str:
    """Every line of a tab's content at its width, below the fold too."""
    return "\n".join(shown(w) for w in _pane(app, tab).query(Static))


async def test_keras_backends_are_further_columns_and_the_bridge_follows_at_80x24() -> None:
    """A team with TensorFlow code: the measured tab has Keras on torch and JAX beside the native
    frameworks, all four columns whole at 80 columns, then 'Keras 3 as a bridge'; the
    overview points there."""
    app = app_with(FakeRunner(result=keras_measurements()), answers_path=KERAS_TEAM)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot)
        overview = " ".join(_text(app, "overview").split())
        assert "Keras 3 as a bridge, what changing its backend costs here: tab 2." in overview
        await pilot.press("2")
        await pilot.pause()
        assert _pane(app, "measured").max_scroll_x == 0, "nothing to scroll sideways"
        text = _text(app, "measured")
        head = next(line for line in text.splitlines() if "PyTorch" in line)
        assert re.search(r"PyTorch\s+TensorFlow\s+Keras·torch\s+Keras·JAX", head), head
        row = next(line for line in text.splitlines() if "95% interval" in line)
        assert "3,241–3,530" in row and "4,650–5,170" in row  # torch's and JAX's, unbroken
        words = " ".join(text.split())
        assert "Keras 3 as a bridge" in words
        assert "Keras 3 on the torch backend trains the cnn workload at 0.65× native PyTorch" \
               in words


async def test_no_bridge_for_a_pytorch_team_though_its_columns_stay(tmp_path: Path) -> None:
    answers = tmp_path / "pytorch-team.yaml"
    answers.write_text(KERAS_TEAM.read_text().replace("team_experience: tensorflow",
                       "team_experience: pytorch").replace("existing_code: tensorflow",
                       "existing_code: pytorch"))  # fmt: skip
    app = app_with(FakeRunner(result=keras_measurements()), answers_path=answers)
    async with app.run_test(size=SIZE) as pilot:
        await to_result(pilot, "2")
        text = _text(app, "measured")
        assert "Keras 3 as a bridge" not in text and "native PyTorch" not in text
        assert "Keras·torch" in text  # measured all the same: the figures are shown
