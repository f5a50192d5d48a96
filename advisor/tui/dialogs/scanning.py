"""The scan of a project folder while it runs: what is read, for how long so far, and a way
out. The scan itself runs in a worker thread; the dialog dismisses with its outcome."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static

from advisor.errors import AdvisorError
from advisor.tui.dialogs.error import problems_text
from advisor.tui.messages import ProjectScanned
from advisor.tui.scanner import ProjectScanner


class ScanModal(ModalScreen[ProjectScanned | None]):
    """Dismisses with the ``ProjectScanned`` outcome, or None when the user cancelled."""

    BINDINGS = [Binding("escape,c", "cancel", "Cancel", key_display="c/Esc")]

    def __init__(self, folder: Path, scanner: ProjectScanner) -> None:
        super().__init__()
        self.folder = folder
        self.scanner = scanner
        self.cancel = threading.Event()
        self.started = time.monotonic()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Scanning a project folder", classes="dialog-title")
            yield Static(str(self.folder), markup=False, id="scan-folder")
            yield Static("Its code, dependency, model and deployment files are read, never run "
                         "or loaded.", classes="dialog-hint")
            yield Static("Scanning…", id="scan-state", classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel (c)", id="cancel-scan")
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self._scan()

    def _tick(self) -> None:
        seconds = time.monotonic() - self.started
        self.query_one("#scan-state", Static).update(f"Scanning… {seconds:.0f} s")

    @work(thread=True, exclusive=True, exit_on_error=False, group="scan")
    def _scan(self) -> None:
        try:
            outcome = ProjectScanned(scan=self.scanner.scan(self.folder, self.cancel))
        except AdvisorError as exc:
            outcome = ProjectScanned(error=problems_text(exc))
        except Exception as exc:  # an engine failure is shown, never a crash of the app
            outcome = ProjectScanned(error=f"The scan failed: {exc or type(exc).__name__}")
        if not self.cancel.is_set():
            self.post_message(outcome)  # thread-safe, and harmless once the app has gone

    def on_project_scanned(self, outcome: ProjectScanned) -> None:
        outcome.stop()
        if not self.cancel.is_set():
            self.dismiss(outcome)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        self.cancel.set()
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.cancel.set()  # quitting while it scans: the engine may stop early
