"""Asks for a file name, prefilled with a sensible one."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static


class PathInput(Input):
    """An input that lists Enter in the footer."""

    BINDINGS = [Binding("enter", "submit", "Accept", key_display="Enter")]


class PathModal(ModalScreen[Path | None]):
    """Dismisses with the path typed (relative paths are under ``base``), or None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", key_display="Esc")]

    def __init__(self, title: str, suggestion: str, *, base: Path, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.suggestion = suggestion
        self.base = base
        self.hint = hint or "A relative name is saved in the folder the app started in."

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield PathInput(self.suggestion, id="path", select_on_focus=False)
            yield Static(self.hint, classes="dialog-hint", markup=False)
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            return
        path = Path(text).expanduser()
        self.dismiss(path if path.is_absolute() else self.base / path)

    def action_cancel(self) -> None:
        self.dismiss(None)
