"""The questionnaire, one question per step, rendered from questions.yaml."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Region
from textual.widgets import Footer, ProgressBar, RadioSet, SelectionList, Static

from advisor.inputs.questions import NO_TARGET, Question
from advisor.report.project import percent
from advisor.scan.answers import usable_value
from advisor.scan.model import Proposal
from advisor.tui.dialogs import EvidenceModal, QuestionListModal, RulesModal
from advisor.tui.dialogs.evidence import proposed_label
from advisor.tui.messages import QuestionsAnswered, WelcomeRequested
from advisor.tui.screens.base import QUIT, AdvisorScreen
from advisor.tui.session import Session, answer_label
from advisor.tui.widgets.choices import ChoiceRadioSet, ChoiceSelectionList, Chosen, Highlighted
from advisor.tui.widgets.keys import ScreenBody
from advisor.tui.widgets.preview import RulePreview, rules_list


class QuestionsScreen(AdvisorScreen):
    """Step through the questions; answers are kept in the session as soon as they change.

    With ``review`` (a question picked from the result's list), answering it, or Escape, goes
    back to the result."""

    BINDINGS = [
        Binding("n", "next", "Next", show=False),
        Binding("b,escape", "back", "Back", key_display="b/Esc"),
        Binding("p", "all_rules", "Rules"),
        Binding("e", "evidence", "Evidence"),
        Binding("g", "go_to", "Go to"),
        QUIT,
    ]

    def __init__(self, session: Session, *, review: bool = False) -> None:
        super().__init__()
        self.session = session
        self.review = review
        self.titles = {c.id: c.criterion.title for c in session.ruleset.criteria}

    @property
    def question(self) -> Question:
        return self.session.questions[self.session.step]

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with ScreenBody(id="questions"):
            with Horizontal(id="progress-row"):
                yield Static(id="step")
                yield ProgressBar(total=len(self.session.questions), show_eta=False,
                                  show_percentage=False, id="progress")
            yield Static(id="prompt", markup=False)
            yield Static(id="help", markup=False)
            yield Static(id="how")
            yield Static(id="scan-note", markup=False)
            yield self._choices()
            yield RulePreview(self.titles, id="preview")
        yield Footer()

    def _choices(self) -> ChoiceRadioSet | ChoiceSelectionList:
        q = self.question
        value = self.session.values[q.id]
        marks = self._marks(q)
        if q.type == "many":
            assert isinstance(value, tuple)
            return ChoiceSelectionList(q, value, marks=marks, id="choices")
        assert isinstance(value, str)
        return ChoiceRadioSet(q, value, marks=marks, id="choices")

    # --- what the project scan says about this question ---------------------------------------

    def _marks(self, q: Question) -> dict[str, str]:
        """Beside each choice the scan proposes (or hints at): how sure it is."""
        marks: dict[str, str] = {}
        for kind, word in (("default", "scan"), ("hint", "scan hint")):
            proposal = self.session.proposal(q.id, kind)
            value = usable_value(proposal, self.session.questionnaire) if proposal else None
            if proposal is None or value is None:
                continue
            for v in (value,) if isinstance(value, str) else value or (NO_TARGET,):
                marks[v] = marks.get(v, "") + f"  ← {word} {percent(proposal.confidence)}"
        return marks

    def _scan_note(self, q: Question) -> str:
        session = self.session
        proposal, hint = session.proposal(q.id), session.proposal(q.id, "hint")
        lines = []
        if proposal is not None:
            what, sure = proposed_label(q, proposal.value), percent(proposal.confidence)
            lines.append(f"Proposed by the scan ({sure}): {what}." if session.from_scan(q.id)
                         else f"The scan proposes {what} ({sure}); your answer is kept.")
        if hint is not None:
            lines.append(f"Hint from the scan ({percent(hint.confidence)}): "
                         f"{proposed_label(q, hint.value)}, not chosen for you.")
        return " ".join(lines) + " e: why." if lines else ""

    def _how(self, q: Question) -> str:
        then = "back to the result" if self.review else "on"
        if q.type == "many":
            return (f"Pick all that apply: ↑↓ move, Space ticks, Enter goes {then}. "
                    "Tab: rules below.")
        return f"Pick one: ↑↓ move, Enter chooses and goes {then}. Tab: rules below."

    def on_mount(self) -> None:
        self._after_step()

    def _after_step(self) -> None:
        session = self.session
        q = self.question
        self.query_one("#step", Static).update(
            f"Question {session.step + 1} / {len(session.questions)}")
        self.query_one("#progress", ProgressBar).update(progress=session.step + 1)
        self.query_one("#prompt", Static).update(q.prompt)
        self.query_one("#help", Static).update(q.help)
        self.query_one("#how", Static).update(self._how(q))
        note = self.query_one("#scan-note", Static)
        note.update(text := self._scan_note(q))
        note.display = bool(text)
        self.refresh_bindings()
        # Open at the top, the question's title in view; the highlighted choice is brought into
        # view when it is announced (``_reveal``), scrolling no further than that needs.
        self.query_one("#choices").focus(scroll_visible=False)
        self.query_one("#questions", ScreenBody).scroll_home(animate=False, immediate=True)
        self._preview(session.values[q.id])

    def _reveal(self, value: str) -> None:
        """Scroll the body, in a terminal too small for it, just enough to show the choice
        under the cursor (the answer widgets scroll only themselves, and they never need to)."""
        choices = self.query_one("#choices")
        row = choices.virtual_region.y + self.question.values.index(value)
        self.query_one("#questions", ScreenBody).scroll_to_region(
            Region(0, row, 1, 1), animate=False, immediate=True)

    # --- the preview follows the highlight ---------------------------------------------------

    def _preview(self, value: str | tuple[str, ...]) -> None:
        q = self.question
        label = answer_label(q, value, short=True)
        self.query_one(RulePreview).show(label, self.session.rules_in_play(q, value),
                                         self.session.switching.scale)

    @on(Highlighted)
    def _highlighted(self, event: Highlighted) -> None:
        event.stop()
        q = self.question
        if event.question_id != q.id:
            return  # a late message from the previous question's widget
        self._reveal(event.value)
        if q.type != "many":
            self._preview(event.value)
            return
        # For several targets: what the answer would be with the highlighted one ticked.
        ticked = self.session.values[q.id]
        assert isinstance(ticked, tuple)
        if event.value == NO_TARGET:
            self._preview(())
        else:
            self._preview(tuple(v for v in q.values if v in ticked or v == event.value))

    @on(RadioSet.Changed)
    def _chosen_one(self, event: RadioSet.Changed) -> None:
        widget = event.radio_set
        assert isinstance(widget, ChoiceRadioSet)
        self.session.choose(widget.question.id, widget.value)

    @on(SelectionList.SelectedChanged)
    def _chosen_many(self, event: SelectionList.SelectedChanged[str]) -> None:
        widget = event.selection_list
        assert isinstance(widget, ChoiceSelectionList)
        self.session.choose(widget.question.id, widget.value)
        highlighted = widget.highlighted
        if highlighted is not None:
            self._highlighted(Highlighted(widget.question.id,
                                          widget.get_option_at_index(highlighted).value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "evidence":  # only where the scan said something about this question
            return bool(self._proposals())
        return True

    def _proposals(self) -> list[Proposal]:
        session, q = self.session, self.question
        return [p for kind in ("default", "hint") if (p := session.proposal(q.id, kind))]

    def action_evidence(self) -> None:
        if (proposals := self._proposals()) and self.session.scan is not None:
            self.app.push_screen(EvidenceModal(self.question, proposals, self.session.scan))

    def action_all_rules(self) -> None:
        preview = self.query_one(RulePreview)
        self.app.push_screen(RulesModal(preview.heading,
                                        rules_list(preview.rules, self.titles, preview.scale)))

    # --- moving between questions -----------------------------------------------------------

    @on(Chosen)
    async def _go_on(self, event: Chosen) -> None:
        event.stop()
        if self.review:
            self.post_message(QuestionsAnswered())
            return
        await self.action_next()

    async def action_next(self) -> None:
        session = self.session
        if session.step + 1 >= len(session.questions):
            self.post_message(QuestionsAnswered())
            return
        session.step += 1
        await self._recompose_step()

    async def action_back(self) -> None:
        session = self.session
        if self.review:
            self.post_message(QuestionsAnswered())
            return
        if session.step == 0:
            self.post_message(WelcomeRequested())
            return
        session.step -= 1
        await self._recompose_step()

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_go_to(self) -> None:
        step = await self.app.push_screen_wait(QuestionListModal(self.session))
        if step is not None and step != self.session.step:
            self.session.step = step
            await self._recompose_step()

    async def _recompose_step(self) -> None:
        # Only the choices are rebuilt; the rest of the screen is updated in place (fast).
        await self.query_one("#choices").remove()
        await self.query_one("#questions").mount(self._choices(), before="#preview")
        self._after_step()
