"""The questionnaire, one question per step, rendered from questions.yaml."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, RadioSet, SelectionList, Static

from advisor.answers import NO_TARGET
from advisor.questions import Question
from advisor.tui.session import rules_fired_by, with_answer
from advisor.tui.widgets import ChoiceRadioSet, ChoiceSelectionList, Chosen, FiredRules

if TYPE_CHECKING:
    from advisor.tui.app import AdvisorApp


class QuestionsScreen(Screen[None]):
    """Step through the questions; answers are kept in the session as soon as they change."""

    BINDINGS = [
        Binding("n", "next", "Next"),
        Binding("b,escape", "back", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    app: AdvisorApp  # type: ignore[assignment]

    @property
    def question(self) -> Question:
        session = self.app.session
        return session.questions[session.step]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="questions"):
            with Horizontal(id="progress-row"):
                yield Static(id="step")
                yield ProgressBar(total=len(self.app.session.questions), show_eta=False,
                                  show_percentage=False, id="progress")
            yield Static(id="prompt", markup=False)
            yield Static(id="help", markup=False)
            yield Static(id="how")
            yield self._choices()
            with VerticalScroll(id="fired-box"):
                yield FiredRules(id="fired")
        yield Footer()

    def _choices(self) -> ChoiceRadioSet | ChoiceSelectionList:
        q = self.question
        value = self.app.session.values[q.id]
        if q.type == "many":
            assert isinstance(value, tuple)
            return ChoiceSelectionList(q, value, id="choices")
        assert isinstance(value, str)
        return ChoiceRadioSet(q, value, id="choices")

    @staticmethod
    def _how(q: Question) -> str:
        if q.type == "many":
            return "Pick all that apply: ↑↓ move, Space ticks, Enter goes on."
        return "Pick one: ↑↓ move, Enter chooses and goes on."

    def on_mount(self) -> None:
        self._after_step()

    def _after_step(self) -> None:
        session = self.app.session
        q = self.question
        self.query_one("#step", Static).update(
            f"Question {session.step + 1} / {len(session.questions)}")
        self.query_one("#progress", ProgressBar).update(progress=session.step + 1)
        self.query_one("#prompt", Static).update(q.prompt)
        self.query_one("#help", Static).update(q.help)
        self.query_one("#how", Static).update(self._how(q))
        self.query_one("#choices").focus()
        self._preview(session.values[self.question.id])

    def _preview(self, value: str | tuple[str, ...]) -> None:
        q = self.question
        session = self.app.session
        values = with_answer(session.values, q, value)
        if isinstance(value, tuple):
            label = ", ".join(q.label(v).split(":")[0] for v in value) or q.label(NO_TARGET)
        else:
            label = q.label(value)
        self.query_one(FiredRules).show(label, rules_fired_by(session.ruleset, q.id, values))

    @on(ChoiceRadioSet.Highlighted)
    def _highlighted(self, event: ChoiceRadioSet.Highlighted) -> None:
        self._preview(event.value)

    @on(RadioSet.Changed)
    def _chosen_one(self, event: RadioSet.Changed) -> None:
        widget = event.radio_set
        assert isinstance(widget, ChoiceRadioSet)
        self.app.session.values[widget.question.id] = widget.value

    @on(SelectionList.SelectedChanged)
    def _chosen_many(self, event: SelectionList.SelectedChanged[str]) -> None:
        widget = event.selection_list
        assert isinstance(widget, ChoiceSelectionList)
        self.app.session.values[widget.question.id] = widget.value
        self._preview(widget.value)

    @on(Chosen)
    async def _go_on(self, event: Chosen) -> None:
        event.stop()
        await self.action_next()

    async def action_next(self) -> None:
        session = self.app.session
        if session.step + 1 >= len(session.questions):
            self.app.questions_done()
            return
        session.step += 1
        await self._recompose_step()

    async def action_back(self) -> None:
        session = self.app.session
        if session.step == 0:
            self.app.show_welcome()
            return
        session.step -= 1
        await self._recompose_step()

    async def _recompose_step(self) -> None:
        # Only the choices are rebuilt; the rest of the screen is updated in place (fast).
        old = self.query_one("#choices")
        await old.remove()
        await self.query_one("#questions").mount(self._choices(), before="#fired-box")
        self._after_step()
