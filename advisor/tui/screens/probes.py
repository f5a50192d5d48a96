"""The probes: both frameworks measured in worker processes, with live progress per framework."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from advisor.errors import AdvisorError
from advisor.measurements import parse_measurements
from advisor.report.common import NAMES
from advisor.tui.dialogs import ErrorModal
from advisor.tui.messages import ProbeProgressed, ProbesCancelled, ProbesFailed, ProbesFinished
from advisor.tui.runner import FRAMEWORKS, ProbeRunCancelled
from advisor.tui.widgets import FrameworkProgress, FrameworkState

if TYPE_CHECKING:
    from advisor.tui.app import AdvisorApp

State = Literal["offer", "running", "cancelling", "finished", "failed", "cancelled"]

# Which actions make sense in which state; the footer shows only those.
_ACTIONS: dict[str, tuple[str, ...]] = {
    "use_cached": ("offer",),
    "measure": ("offer", "finished", "failed", "cancelled"),
    "cancel": ("running",),
    "skip": ("offer", "running", "failed", "cancelled"),
    "continue": ("finished",),
    "back": ("offer", "finished", "failed", "cancelled"),
}

_STATUS_FAILED = {"not_installed": "skipped", "failed": "failed", "timeout": "failed"}


class ProbesScreen(Screen[None]):
    """Runs the probes in a worker thread; never blocks the UI."""

    BINDINGS = [
        Binding("u", "use_cached", "Use earlier run"),
        Binding("r", "measure", "Measure (again)"),
        Binding("c,escape", "cancel", "Cancel"),
        Binding("s", "skip", "Skip probes"),
        Binding("enter", "continue", "Show result", priority=False),
        Binding("b", "back", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    app: AdvisorApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.state: State = "offer"
        self._cancel = threading.Event()
        self._skip_after_cancel = False
        self._cached: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        estimate = self.app.runner_estimate_s()
        about = f" It takes about {estimate:.0f} s." if estimate else ""
        yield Header()
        with Vertical(id="probes"):
            yield Static("Measuring both frameworks on this machine", classes="title")
            yield Static(
                "The same small CNN is trained in PyTorch and TensorFlow, each in its own worker "
                f"process; the app stays responsive.{about}",
                classes="lead",
            )
            for fw in FRAMEWORKS:
                yield FrameworkProgress(fw, id=f"fw-{fw}")
            yield Static("", id="probe-status", markup=False)  # may quote a cached file
            with Horizontal(id="probe-buttons"):
                yield Button("Use earlier run (u)", id="use-cached", variant="primary")
                yield Button("Measure again (r)", id="measure")
                yield Button("Show result (Enter)", id="continue", variant="primary")
                yield Button("Cancel (c)", id="cancel")
                yield Button("Skip (s)", id="skip")
        yield Footer()

    def on_mount(self) -> None:
        try:
            self._cached = self.app.runner.cached(self.app.session.probe_settings)
        except Exception as exc:  # a broken cache is not worth stopping for; say so and measure
            self.notify(f"The cached measurements could not be read: {exc}", severity="warning",
                        markup=False)
            self._cached = None
        if self._cached is None:
            self.action_measure()
            return
        created = self._cached.get("created", "an earlier run")
        self._status(f"Measurements from {created} on this machine, with the same settings, are "
                     "available. Use them (u), or measure again (r)?")
        self._set_state("offer")

    # --- state ------------------------------------------------------------------------------

    def _set_state(self, state: State) -> None:
        self.state = state
        shown = {
            "use-cached": state == "offer",
            "measure": state in ("offer", "failed", "cancelled"),
            "continue": state == "finished",
            "cancel": state == "running",
            "skip": state in ("offer", "running", "failed", "cancelled"),
        }
        for button_id, visible in shown.items():
            self.query_one(f"#{button_id}", Button).display = visible
        for button_id, visible in shown.items():
            if visible:
                self.query_one(f"#{button_id}", Button).focus()
                break
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        states = _ACTIONS.get(action)
        return True if states is None else self.state in states

    def _status(self, text: str) -> None:
        self.query_one("#probe-status", Static).update(text)

    def _rows(self) -> list[FrameworkProgress]:
        return list(self.query(FrameworkProgress))

    # --- actions ----------------------------------------------------------------------------

    @on(Button.Pressed, "#use-cached")
    def action_use_cached(self) -> None:
        if self._cached is not None:
            self._finish(self._cached, from_cache=True)

    @on(Button.Pressed, "#measure")
    def action_measure(self) -> None:
        self._cancel = threading.Event()
        self._skip_after_cancel = False
        for row in self._rows():
            row.state = FrameworkState()
        self._status("Running… c cancels, s skips the measurements.")
        self._set_state("running")
        self._run(self._cancel)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self._cancel.set()
        self._status("Cancelling: stopping the workers…")
        self._set_state("cancelling")

    @on(Button.Pressed, "#skip")
    def action_skip(self) -> None:
        if self.state == "running":
            self._skip_after_cancel = True
            self.action_cancel()
            return
        self.app.show_result()

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        self.app.show_result()

    def action_back(self) -> None:
        self.app.start_questions()

    def on_unmount(self) -> None:
        # Leaving (or quitting) while probes run stops their workers.
        self._cancel.set()

    # --- the worker -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="probes")
    def _run(self, cancel: threading.Event) -> None:
        def on_event(event: Any) -> None:
            if not cancel.is_set():
                self.post_message(ProbeProgressed(event))

        try:
            data = self.app.runner.run(self.app.session.probe_settings, on_event, cancel)
        except ProbeRunCancelled:
            self.post_message(ProbesCancelled())
        except Exception as exc:  # shown to the user in an error dialog
            self.post_message(ProbesFailed(exc))
        else:
            if cancel.is_set():
                self.post_message(ProbesCancelled())
            else:
                self.post_message(ProbesFinished(data))

    def on_probe_progressed(self, message: ProbeProgressed) -> None:
        if self.state != "running":
            return
        event = message.event
        try:
            row = self.query_one(f"#fw-{event.framework}", FrameworkProgress)
        except Exception:  # an event for a framework we do not show
            return
        row.update_from(event)

    def on_probes_cancelled(self, _: ProbesCancelled) -> None:
        for row in self._rows():
            if row.state.phase not in ("done", "failed", "skipped"):
                row.mark("cancelled", "stopped before it finished")
        if self._skip_after_cancel:
            self.app.show_result()
            return
        self._status("Cancelled. Measure again (r), skip the measurements (s), or go back (b).")
        self._set_state("cancelled")

    def on_probes_failed(self, message: ProbesFailed) -> None:
        reason = str(message.error) or type(message.error).__name__
        for row in self._rows():
            if row.state.phase not in ("done", "skipped"):
                row.mark("failed", reason)
        self._status("The probes failed. Measure again (r), or skip the measurements (s).")
        self._set_state("failed")
        self.app.push_screen(ErrorModal(reason, title="The probes could not run"))

    def on_probes_finished(self, message: ProbesFinished) -> None:
        self._finish(message.data, from_cache=message.from_cache)

    def _finish(self, data: dict[str, Any], *, from_cache: bool) -> None:
        try:
            measurements = parse_measurements(data, "the probe results")
        except AdvisorError as exc:
            self._status("The probe results could not be read. Measure again (r) or skip (s).")
            self._set_state("failed")
            self.app.push_screen(ErrorModal(str(exc), title="Unusable probe results"))
            return
        session = self.app.session
        session.measurements = measurements
        session.measurements_origin = (f"a cached run of {measurements.created}" if from_cache
                                       else f"this run ({measurements.created})")
        problems = []
        for fw in FRAMEWORKS:
            row = self.query_one(f"#fw-{fw}", FrameworkProgress)
            result = measurements.frameworks.get(fw)  # type: ignore[call-overload]
            if result is None:
                row.mark("skipped", "not measured")
                problems.append(f"{NAMES[fw]} was not measured")
            elif result.ok:
                row.mark("done", self._summary(result))
            else:
                row.mark(_STATUS_FAILED.get(result.status, "failed"),
                         f"{result.status.replace('_', ' ')}: {result.message}")
                problems.append(f"{NAMES[fw]}: {result.status.replace('_', ' ')}")
        text = "Done." if not problems else "Done; " + "; ".join(problems) + "."
        self._status(text + " Enter shows the result.")
        self._set_state("finished")

    @staticmethod
    def _summary(result: Any) -> str:
        parts = []
        if result.version:
            parts.append(f"version {result.version}")
        if result.device:
            parts.append(result.device)
        if result.train_samples_per_s is not None:
            parts.append(f"training {result.train_samples_per_s.median:,.0f} samples/s")
        if result.infer_latency_ms is not None:
            parts.append(f"inference p50 {result.infer_latency_ms.p50:.1f} ms")
        return " · ".join(parts)
