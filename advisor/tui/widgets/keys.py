"""Widgets whose keys show in the footer while they have focus: a scrolling pane, a screen's
scrolling body, a button, a notice for terminals smaller than the app is laid out for."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widgets import Button, Static

MIN_SIZE = Size(80, 24)
"""The terminal the app is laid out for; below it, every screen says so."""


class ScrollPane(VerticalScroll, can_focus=True):
    """A focusable pane that scrolls with ↑↓, PgUp/PgDn, Home and End, and says so."""

    BINDINGS = [Binding("down", "scroll_down", "Scroll", key_display="↑↓ PgDn")]


class ScreenBody(ScrollPane):
    """A screen's body: it scrolls only in a terminal too small for it, so it is a focus stop
    only then (elsewhere Tab would land on something that shows no sign of having focus), and
    a visible one (see app.tcss)."""

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Its "Scroll" key shows in the footer (for a focused child too) only where it scrolls.
        return self.max_scroll_y > 0 if action == "scroll_down" else True


class KeyButton(Button):
    """A button that lists Enter in the footer while it has focus."""

    BINDINGS = [Binding("enter", "press", "Press", key_display="Enter")]


class SizeNotice(Static):
    """One line, shown only while the terminal is smaller than ``MIN_SIZE``."""

    DEFAULT_CSS = """
    SizeNotice {
        display: none;
        height: auto;
        padding: 0 1;
        background: $warning 30%;
        text-style: bold;
    }
    """

    def fit(self, size: Size) -> None:
        small = size.width < MIN_SIZE.width or size.height < MIN_SIZE.height
        self.display = small
        if small:
            self.update(f"Needs {MIN_SIZE.width}×{MIN_SIZE.height}; this terminal is "
                        f"{size.width}×{size.height}: scroll where needed.")
