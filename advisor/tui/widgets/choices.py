"""The two answer widgets: a radio set for one choice, a selection list for several.

Both go on with Enter (choosing the highlighted option first in the radio set) and choose with
Space, and both say which option is under the cursor, so the screen can preview its rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import RadioButton, RadioSet, SelectionList
from textual.widgets.selection_list import Selection

from advisor.answers import NO_TARGET
from advisor.questions import Question


@dataclass
class Chosen(Message):
    """The user confirmed the answer and wants the next question."""

    question_id: str


class ChoiceRadioSet(RadioSet):
    """A single-choice question; the pressed button is its answer."""

    BINDINGS = [
        Binding("enter", "choose", "Choose", show=False),
        Binding("space", "toggle_button", "Choose", show=False),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor moved onto ``value``."""

        radio_set: ChoiceRadioSet
        value: str

        @property
        def control(self) -> ChoiceRadioSet:
            return self.radio_set

    def __init__(self, question: Question, value: str, **kwargs: object) -> None:
        self.question = question
        buttons = [RadioButton(c.label, value=c.value == value, name=c.value)
                   for c in question.choices]
        super().__init__(*buttons, **kwargs)  # type: ignore[arg-type]

    @property
    def value(self) -> str:
        button = self.pressed_button
        return button.name if button is not None and button.name else self.question.values[0]

    @property
    def highlighted_value(self) -> str | None:
        if self._selected is None:
            return None
        return self.question.values[self._selected]

    def on_mount(self) -> None:
        # RadioSet's own mount handler (which runs after this one) puts the cursor on the first
        # option; put it on the answer instead, once that has run.
        self.call_later(self._cursor_to_answer)

    def _cursor_to_answer(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index

    def watch__selected(self) -> None:
        super().watch__selected()
        if (value := self.highlighted_value) is not None:
            self.post_message(self.Highlighted(self, value))

    def action_choose(self) -> None:
        if self._selected is not None:
            button = self._nodes[self._selected]
            assert isinstance(button, RadioButton)
            button.value = True
        self.post_message(Chosen(self.question.id))


class ChoiceSelectionList(SelectionList[str]):
    """A multiple-choice question; ``none`` excludes the other values (and stands for no value)."""

    BINDINGS = [Binding("enter", "choose", "Next", show=False)]

    def __init__(self, question: Question, values: tuple[str, ...], **kwargs: object) -> None:
        self.question = question
        chosen = set(values) or {NO_TARGET}
        super().__init__(
            *[Selection(c.label, c.value, c.value in chosen) for c in question.choices],
            **kwargs,  # type: ignore[arg-type]
        )

    @property
    def value(self) -> tuple[str, ...]:
        chosen = set(self.selected)
        return tuple(v for v in self.question.values if v in chosen and v != NO_TARGET)

    def on_selection_list_selection_toggled(
        self, event: SelectionList.SelectionToggled[str]
    ) -> None:
        toggled = event.selection.value
        if toggled not in self.selected:
            if not self.selected and NO_TARGET in self.question.values:
                self.select(NO_TARGET)
            return
        with self.prevent(SelectionList.SelectionToggled):
            if toggled == NO_TARGET:
                for v in self.question.values:
                    if v != NO_TARGET:
                        self.deselect(v)
            elif NO_TARGET in self.selected:
                self.deselect(NO_TARGET)

    def action_choose(self) -> None:
        self.post_message(Chosen(self.question.id))
