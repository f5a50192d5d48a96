"""The answer widgets: a radio set for one choice, a selection list for several, and the
welcome screen's checkbox.

Every mark reads without colour: ``(•)``/``( )`` for one choice, ``[x]``/``[ ]`` for several
(Textual's own draw the same glyph in both states and tell them apart by colour alone).
Both answer widgets go on with Enter (the radio set choosing the highlighted option first),
choose with Space, and say which option is under the cursor, so the screen can preview it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Checkbox, OptionList, RadioButton, RadioSet, SelectionList
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import Selection

from advisor.inputs.questions import NO_TARGET, Question

TICKED, UNTICKED = "[x]", "[ ]"
PRESSED, UNPRESSED = "(•)", "( )"


@dataclass
class Chosen(Message):
    """The user confirmed the answer and wants the next question."""

    question_id: str


@dataclass
class Highlighted(Message):
    """The cursor moved onto ``value`` in the answer widget for ``question_id``."""

    question_id: str
    value: str


def _mark(text: str, on: bool) -> Content:
    return Content.styled(text, "bold" if on else "")


class TickBox(Checkbox):
    """A checkbox whose state shows as ``[x]`` or ``[ ]``."""

    @property
    def _button(self) -> Content:
        return _mark(TICKED if self.value else UNTICKED, self.value)


class ChoiceButton(RadioButton):
    """A radio button whose state shows as ``(•)`` or ``( )``."""

    @property
    def _button(self) -> Content:
        return _mark(PRESSED if self.value else UNPRESSED, self.value)


class ChoiceRadioSet(RadioSet):
    """A single-choice question; the pressed button is its answer."""

    BINDINGS = [
        Binding("down,right", "next_button", "Move", show=False),
        Binding("up,left", "previous_button", "Move", show=False),
        Binding("space", "toggle_button", "Choose", key_display="Space"),
        Binding("enter", "choose", "Next", key_display="Enter"),
    ]

    def __init__(
        self, question: Question, value: str, *, marks: Mapping[str, str] = {}, **kwargs: Any
    ) -> None:
        self.question = question
        buttons = [ChoiceButton(c.label + marks.get(c.value, ""), value=c.value == value,
                                name=c.value)
                   for c in question.choices]  # fmt: skip
        super().__init__(*buttons, **kwargs)

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
            self.post_message(Highlighted(self.question.id, value))

    def action_choose(self) -> None:
        if self._selected is not None:
            button = self._nodes[self._selected]
            assert isinstance(button, RadioButton)
            button.value = True
        self.post_message(Chosen(self.question.id))


class ChoiceSelectionList(SelectionList[str]):
    """A multiple-choice question; ``none`` excludes the other values (and stands for no value)."""

    BINDINGS = [
        Binding("space", "select", "Tick", key_display="Space"),
        Binding("enter", "choose", "Next", key_display="Enter"),
    ]

    def __init__(
        self,
        question: Question,
        values: tuple[str, ...],
        *,
        marks: Mapping[str, str] = {},
        **kwargs: Any,
    ) -> None:
        self.question = question
        chosen = set(values) or {NO_TARGET}
        super().__init__(
            *[Selection(c.label + marks.get(c.value, ""), c.value, c.value in chosen)
              for c in question.choices],
            **kwargs,
        )

    @property
    def value(self) -> tuple[str, ...]:
        chosen = set(self.selected)
        return tuple(v for v in self.question.values if v in chosen and v != NO_TARGET)

    def on_mount(self) -> None:
        self.highlighted = 0

    def _get_left_gutter_width(self) -> int:
        return len(TICKED) + 1

    def render_line(self, y: int) -> Strip:
        # The option's prompt as an OptionList draws it, after a mark that reads without colour.
        line = OptionList.render_line(self, y)
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        ticked = selection.value in self._selected
        base = next(iter(line)).style or self.rich_style
        mark = base + Style(bold=ticked, meta={"option": index})
        return Strip([Segment(TICKED if ticked else UNTICKED, mark), Segment(" ", base), *line])

    def on_selection_list_selection_highlighted(
        self, event: SelectionList.SelectionHighlighted[str]
    ) -> None:
        event.stop()
        self.post_message(Highlighted(self.question.id, event.selection.value))

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
