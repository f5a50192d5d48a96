"""An error the user can read and dismiss; the app keeps running."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static

from advisor.errors import AdvisorError


def problems_text(error: AdvisorError) -> str:
    """An error and, for a file with several problems, every other one, one per line."""
    return "\n".join(str(p) for p in (error, *getattr(error, "more", ())))


class ErrorModal(ModalScreen[None]):
    """Shows ``message`` (an ``AdvisorError``'s text, say) under ``title``; several problems
    (one per line) scroll when they do not fit."""

    BINDINGS = [
        Binding("escape,enter", "dismiss_error", "Close", key_display="Enter/Esc"),
    ]

    def __init__(self, message: str, *, title: str = "Something went wrong") -> None:
        super().__init__()
        self.message = message
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(self.message, classes="dialog-body", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close", variant="error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_dismiss_error(self) -> None:
        self.dismiss(None)
