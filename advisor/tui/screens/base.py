"""What every main screen has: the header, a notice when the terminal is too small, and a
quit key that the app may ask about first."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Footer, Header

from advisor.tui.widgets.keys import MIN_SIZE, SizeNotice

QUIT = Binding("q", "app.request_quit", "Quit")
"""Every main screen's last key: the app asks first when quitting would lose something."""


class AdvisorScreen(Screen[None]):

    def compose_top(self) -> ComposeResult:
        yield Header()
        yield SizeNotice()

    def quit_warning(self) -> str | None:
        """What quitting now would lose, in words; None if nothing."""
        return None

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def on_screen_resume(self) -> None:
        # The terminal may have been resized while another screen was on top.
        self._fit(self.app.size)

    def _fit(self, size: Size) -> None:
        self.query_one(SizeNotice).fit(size)
        # Narrow: the footer drops its padding, so that more of its keys fit.
        narrow = size.width < MIN_SIZE.width
        for footer in self.query(Footer):
            footer.compact = narrow
        self.refresh_bindings()  # a screen may show fewer words for its keys when narrow
