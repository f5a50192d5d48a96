"""The questions at 80×24: the rules in play in full, following the highlight, scrollable by
keyboard; marks that read without colour; every key listed where it acts."""

from __future__ import annotations

from textual.widgets import RadioButton, Static
from tui_pilots import SIZE, app_with, to_question, to_two_targets
from tui_text import footer_keys, plain, shown

from advisor.knowledge.loader import load_ruleset
from advisor.tui.dialogs import QuestionListModal, RulesModal
from advisor.tui.screens import QuestionsScreen
from advisor.tui.widgets import ChoiceRadioSet, ChoiceSelectionList, RulePreview


def _preview(app: object) -> RulePreview:
    return app.screen.query_one(RulePreview)  # type: ignore[attr-defined]


async def test_the_preview_lists_every_rule_in_play_in_full() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await to_two_targets(pilot)
        preview = _preview(app)
        q = app.session.questionnaire["deployment"]
        expected = app.session.rules_in_play(q, ("server", "mobile"))
        assert preview.heading == f"With “Server, Mobile”, {len(expected)} rules come into play"
        assert [r.id for r in preview.rules] == [r.id for r in expected]
        text = " ".join(shown(preview.query_one(Static)).split())
        for rule in expected:
            assert " ".join(rule.rule.because.split()) in text, rule.id  # whole, not cut


async def test_the_preview_follows_the_highlight_on_a_multiple_choice_question() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await to_question(pilot, 3)  # deployment: server ticked, the cursor on it
        assert _preview(app).heading.startswith("With “Server”,")
        await pilot.press("down")  # Batch highlighted, not ticked
        await pilot.pause()
        assert _preview(app).heading.startswith("With “Server, Batch”,")
        assert app.session.values["deployment"] == ("server",)
        await pilot.press("end")  # None: nothing deployed
        await pilot.pause()
        assert _preview(app).heading.startswith("With “None”,")


async def test_the_preview_is_reached_and_scrolled_by_keyboard_and_p_shows_it_all() -> None:
    app = app_with(ruleset=load_ruleset())  # the bundled rules: more than fits
    async with app.run_test(size=SIZE) as pilot:
        await to_two_targets(pilot)
        preview = _preview(app)
        assert preview.max_scroll_y > 0
        assert preview.border_title.endswith("· p shows all")
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.focused is preview
        assert footer_keys(app)["↑↓ PgDn"] == "Scroll"
        await pilot.press("pagedown")
        await pilot.pause()
        assert preview.scroll_y > 0
        await pilot.press("p")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, RulesModal) and modal.heading == preview.heading
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)


async def test_a_note_for_close_results_is_previewed_only_when_the_result_would_be_close() -> None:
    rules = load_ruleset()
    app = app_with(ruleset=rules)
    async with app.run_test(size=SIZE) as pilot:
        session = app.session
        horizon = session.questionnaire["horizon"]
        one_sided = {"domain": "llm", "pretrained": "central", "team_experience": "pytorch",
                     "existing_code": "pytorch"}
        session.values.update(one_sided)
        assert "keras3-when-close" not in {r.id for r in session.rules_in_play(horizon, "years")}
        session.values.update(domain="vision", pretrained="some", team_experience="neither",
                              existing_code="none", deployment=("mobile",))
        assert "keras3-when-close" in {r.id for r in session.rules_in_play(horizon, "years")}
        await pilot.pause()


async def test_marks_read_without_colour() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await to_question(pilot, 1)
        radio = [shown(b) for b in app.screen.query_one(ChoiceRadioSet).query(RadioButton)]
        assert radio[0].startswith("(•) Small") and radio[1].startswith("( ) Medium")
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "space")
        await pilot.pause()
        ticks = shown(app.screen.query_one(ChoiceSelectionList)).splitlines()
        assert ticks[0].startswith("[x] Server") and ticks[1].startswith("[ ] Batch")
        assert ticks[2].startswith("[x] Mobile")


async def test_the_footer_lists_enter_space_and_escape_where_they_act() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await to_question(pilot, 1)
        keys = footer_keys(app)
        assert keys["Enter"] == "Next" and keys["Space"] == "Choose"
        assert keys["b/Esc"] == "Back" and keys["q"] == "Quit"
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert footer_keys(app)["Space"] == "Tick"


async def test_g_jumps_to_any_question_from_the_list_of_answers() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await to_question(pilot, 1)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, QuestionListModal)
        await pilot.press("end", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionsScreen) and screen.question.id == "horizon"
        last = len(app.session.questions)
        assert plain(screen.query_one("#step")) == f"Question {last} / {last}"
