"""Every rule in play for an answer, on a screen of its own, when the preview pane is short."""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from advisor.tui.widgets.keys import ScrollPane


class RulesModal(ModalScreen[None]):
    """Shows ``rules`` (already rendered) under ``heading``; Escape, Enter or p closes it."""

    BINDINGS = [Binding("escape,enter,p", "close", "Close", key_display="Esc")]

    def __init__(self, heading: str, rules: RenderableType) -> None:
        super().__init__()
        self.heading = heading
        self.rules = rules

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.heading, classes="dialog-title")
            with ScrollPane(id="all-rules"):
                yield Static(self.rules)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ScrollPane).focus()

    def action_close(self) -> None:
        self.dismiss(None)
