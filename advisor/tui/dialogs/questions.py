"""Every question with its answer; picking one goes to that question."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from advisor.report.project import percent
from advisor.tui.hanging import hanging
from advisor.tui.session import Session, answer_label


class AnswerList(OptionList):
    """The questions, one option each, that list their keys in the footer."""

    BINDINGS = [
        Binding("down", "cursor_down", "Move", key_display="↑↓"),
        Binding("enter", "select", "Change it", key_display="Enter"),
    ]


class QuestionListModal(ModalScreen[int | None]):
    """Dismisses with the index of the question picked, or None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Back", key_display="Esc")]

    def __init__(self, session: Session, *, title: str = "Your answers") -> None:
        super().__init__()
        self.session = session
        self.title_text = title

    def compose(self) -> ComposeResult:
        options = []
        session = self.session
        for i, q in enumerate(session.questions, 1):
            answer = Text(answer_label(q, session.values[q.id]), style="dim")
            if session.from_scan(q.id) and (proposal := session.proposal(q.id)) is not None:
                answer.append(f"  ← from the scan, {percent(proposal.confidence)}", style="italic")
            options.append(Option(hanging(f"{i:>2}.", Group(Text(q.prompt), answer)), id=q.id))
        with Vertical(classes="dialog wide"):
            yield Label(f"{self.title_text}: pick one to change it", classes="dialog-title")
            yield AnswerList(*options, id="answer-list")
        yield Footer()

    def on_mount(self) -> None:
        answers = self.query_one(AnswerList)
        answers.highlighted = min(self.session.step, len(self.session.questions) - 1)
        answers.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)
