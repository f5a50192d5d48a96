"""The probes: both frameworks measured in worker processes, with live progress per framework."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Static

from advisor.errors import AdvisorError
from advisor.frameworks import NAMES
from advisor.inputs.measurements import FrameworkResult, Measurements, parse_measurements
from advisor.knowledge.bridge import backend_label, backends_added
from advisor.knowledge.workloads import WORKLOADS, describe, workload_for
from advisor.times import local_minute
from advisor.tui.dialogs import ErrorModal
from advisor.tui.messages import (
    ProbeProgressed,
    ProbesCancelled,
    ProbesFailed,
    ProbesFinished,
    QuestionsRequested,
    ResultRequested,
)
from advisor.tui.runner import FRAMEWORKS_SHOWN, ProbeRunCancelled, ProbeRunner
from advisor.tui.screens.base import QUIT, AdvisorScreen
from advisor.tui.session import Session
from advisor.tui.widgets.progress import FrameworkProgress, FrameworkState
from probes.settings import BACKEND_WORD, WORDS, backend_worker

State = Literal["offer", "ready", "running", "cancelling", "finished", "failed", "cancelled"]


@dataclass(frozen=True)
class _View:
    title: str
    actions: tuple[str, ...]
    """The actions that make sense in this state: their keys work, their buttons show."""


# The one table of what each state says and allows; the footer and the buttons both follow it.
_STATES: dict[State, _View] = {
    "offer": _View("Earlier measurements found",
                   ("use_cached", "measure", "workload", "skip", "back")),
    "ready": _View("Ready to measure", ("measure", "workload", "skip", "back")),
    "running": _View("Measuring both frameworks on this machine", ("cancel", "skip")),
    "cancelling": _View("Stopping the measurements", ()),
    "finished": _View("Both frameworks measured", ("continue", "measure", "workload", "back")),
    "failed": _View("The measurements failed", ("measure", "workload", "skip", "back")),
    "cancelled": _View("Measuring cancelled", ("measure", "workload", "skip", "back")),
}
_GATED = {action for view in _STATES.values() for action in view.actions}

_STATUS_FAILED = {"not_installed": "skipped", "failed": "failed", "timeout": "failed"}
GLOSSARY = ("path", "tuned state", "window", "round", "process")


class ProbesScreen(AdvisorScreen):
    """Runs the probes in a worker thread; never blocks the UI."""

    BINDINGS = [
        # Short words: at 60 columns the footer must still hold every key of a state.
        Binding("u", "use_cached", "Use earlier"),
        Binding("r", "measure", "Measure"),
        Binding("c,escape", "cancel", "Cancel", key_display="c/Esc"),
        Binding("w", "workload", "Workload"),
        Binding("s", "skip", "Skip"),
        Binding("enter", "continue", "Show result", key_display="Enter"),
        Binding("b", "back", "Back"),
        QUIT,
    ]

    def __init__(self, session: Session, runner: ProbeRunner) -> None:
        super().__init__()
        self.session = session
        self.runner = runner
        self.state: State = "offer"
        self._cancel = threading.Event()
        self._skip_after_cancel = False
        self._cached: dict[str, Any] | None = None
        self.settings: Any = self._plan()
        """What every run and cache lookup of this screen asks for (``settings_for``)."""
        self.backends: tuple[str, ...] = tuple(getattr(self.settings, "backend_workers", ()))
        """The Keras backends with a worker of their own (torch, jax): a row each."""

    def _plan(self) -> Any:
        """The session's settings as a run takes them, with the Keras backends its answers
        make relevant; the session's own where the runner cannot say (a run then says why)."""
        session = self.session
        try:
            return self.runner.settings_for(session.probe_settings, session.values)
        except Exception:
            return session.probe_settings

    def compose(self) -> ComposeResult:
        try:
            estimate = self.runner.estimate_s(self.settings)
        except Exception:  # an estimate is a nicety; without one the screen says less
            estimate = None
        # What the backend workers add, and why they run, as the command line says it.
        added = backends_added(self.backends, getattr(self.settings, "keras_wall_s", 0.0),
                               self.session.values)  # fmt: skip
        about = f" It takes about {estimate:.0f} s{added}." if estimate else ""
        yield from self.compose_top()
        with VerticalScroll(id="probes"):
            yield Static(_STATES["offer"].title, id="probe-title", classes="title")
            yield Static(
                "The same model is trained in PyTorch and TensorFlow, each in fresh worker "
                f"processes of its own; the app stays responsive.{about}",
                classes="lead", markup=False,
            )
            yield Static(self._workload_line(), id="probe-workload", markup=False)
            for fw in FRAMEWORKS_SHOWN:
                yield FrameworkProgress(fw, id=f"fw-{fw}")
            for backend in self.backends:  # after the natives, in the order they import
                worker = backend_worker(backend)
                yield FrameworkProgress(worker, backend_label(backend), id=f"fw-{worker}")
            yield Static("", id="probe-status", markup=False)  # may quote a cached file
            # The words the rows use, each in one line, right below where they first show.
            words = (*GLOSSARY, *((BACKEND_WORD,) if self.backends else ()))
            yield Static("\n".join(f"{word}: {WORDS[word]}" for word in words),
                         id="probe-words", classes="words", markup=False)  # fmt: skip
            # For the mouse: the keys on each button work anyway, so the buttons take no focus
            # (which leaves Enter to "Show result").
            with Horizontal(id="probe-buttons"):
                yield _button("Use earlier run (u)", "use_cached", "primary")
                yield _button("Show result (Enter)", "continue", "primary")
                yield _button("Measure again (r)", "measure")
                yield _button("Workload (w)", "workload")
                yield _button("Cancel (c)", "cancel")
                yield _button("Skip (s)", "skip")
                yield _button("Back (b)", "back")
        yield Footer()

    def on_mount(self) -> None:
        self._offer(start=True)

    def _offer(self, *, start: bool) -> None:
        """Offer earlier measurements of the chosen workload when there are some; else measure
        (``start``) or wait for the user to."""
        try:
            self._cached = self.runner.cached(self.settings, self.session.workload)
        except Exception as exc:  # a broken cache is not worth stopping for; say so and measure
            self.notify(f"The cached measurements could not be read: {exc}", severity="warning",
                        markup=False)
            self._cached = None
        if self._cached is None:
            if start:
                self.action_measure()
            else:
                self._status("Measure (r) when ready, or choose another workload (w).")
                self._set_state("ready")
            return
        created = self._cached.get("created")
        when = _readable(created) if isinstance(created, str) else "an earlier run"
        self._status(f"Measurements of the {self.session.workload} workload from {when} on this "
                     "machine, with the same settings, are available. Use them (u), or measure "
                     "again (r)?")
        self._set_state("offer")

    # --- state ------------------------------------------------------------------------------

    def _set_state(self, state: State) -> None:
        self.state = state
        view = _STATES[state]
        self.query_one("#probe-title", Static).update(view.title)
        self.query_one("#probe-workload", Static).update(self._workload_line())
        buttons = {b.id: b for b in self.query_one("#probe-buttons").query(Button)}
        for action, button in buttons.items():
            button.display = action in view.actions
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _GATED:
            return action in _STATES[self.state].actions
        return True

    def quit_warning(self) -> str | None:
        if self.state in ("running", "cancelling"):
            return "The probes are still running; quitting stops them."
        return None

    def _status(self, text: str) -> None:
        self.query_one("#probe-status", Static).update(text)

    def _rows(self) -> list[FrameworkProgress]:
        return list(self.query(FrameworkProgress))

    # --- actions ----------------------------------------------------------------------------

    @on(Button.Pressed, "#probe-buttons Button")
    async def _pressed(self, event: Button.Pressed) -> None:
        await self.run_action(str(event.button.id))

    def action_use_cached(self) -> None:
        if self._cached is not None and self._take(self._cached, cached=True):
            self.post_message(ResultRequested())

    def action_measure(self) -> None:
        self._cancel = threading.Event()
        self._skip_after_cancel = False
        for row in self._rows():
            row.state = FrameworkState()
        self._status("Running… c cancels, s skips the measurements.")
        self._set_state("running")
        self._run(self._cancel)

    def action_workload(self) -> None:
        """The next workload: each trains a different kind of model in both frameworks."""
        names = list(WORKLOADS)
        session = self.session
        following = names[(names.index(session.workload) + 1) % len(names)]
        session.workload_choice = None if following == workload_for(session.values) else following
        session.measurements = None  # those were of the workload left behind
        session.measurements_origin = ""
        self.query_one("#probe-workload", Static).update(self._workload_line())
        for row in self._rows():
            row.state = FrameworkState()
        self._offer(start=False)

    def _workload_line(self) -> str:
        session = self.session
        matching = workload_for(session.values)
        why = ("which matches your domain" if session.workload == matching
               else f"your choice ({matching} matches your domain)")
        hint = " w chooses another." if "workload" in _STATES[self.state].actions else ""
        return f"Workload: {describe(session.workload)}, {why}.{hint}"

    def action_cancel(self) -> None:
        self._cancel.set()
        self._status("Cancelling: stopping the workers…")
        self._set_state("cancelling")

    def action_skip(self) -> None:
        if self.state == "running":
            self._skip_after_cancel = True
            self.action_cancel()
            return
        self._skipped()

    def _skipped(self) -> None:
        # Skipping is a choice for this session: changing an answer later does not measure.
        self.session.measure = False
        self.post_message(ResultRequested())

    def action_continue(self) -> None:
        self.post_message(ResultRequested())

    def action_back(self) -> None:
        self.post_message(QuestionsRequested())

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
            data = self.runner.run(self.settings, self.session.workload, on_event, cancel)
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
            self._skipped()
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
        if self._take(message.data, cached=False):
            self._set_state("finished")

    def _take(self, data: dict[str, Any], *, cached: bool) -> bool:
        """Keep ``data`` as the session's measurements and show them; False if unusable."""
        try:
            measurements = parse_measurements(data, "the probe results")
        except AdvisorError as exc:
            self._status("The probe results could not be read. Measure again (r) or skip (s).")
            self._set_state("failed")
            self.app.push_screen(ErrorModal(str(exc), title="Unusable probe results"))
            return False
        session = self.session
        session.measurements = measurements
        when = _readable(measurements.created)
        session.measurements_origin = (f"an earlier run on this machine ({when})" if cached
                                       else f"this run ({when})")
        self._show(measurements)
        return True

    def _show(self, measurements: Measurements) -> None:
        problems, busy = [], []
        for fw in FRAMEWORKS_SHOWN:
            row = self.query_one(f"#fw-{fw}", FrameworkProgress)
            result = measurements.frameworks.get(fw)
            if result is None:
                row.mark("skipped", "not measured")
                problems.append(f"{NAMES[fw]} was not measured")
            elif result.busy:
                row.mark("busy", result.message)
                busy.append(NAMES[fw])
            elif result.ok:
                row.mark("done", _summary(result))
            else:
                status = result.status.replace("_", " ")
                row.mark(_STATUS_FAILED.get(result.status, "failed"),
                         f"{status}: {result.message}")
                problems.append(f"{NAMES[fw]}: {status}")
        problems += self._show_backends(measurements)
        if busy:
            self._status(f"{' and '.join(busy)} not measured: the machine was busy, so the "
                         "figures would have measured the other processes. Measure again (r) "
                         "when it is quieter, or go on (Enter) without them.")  # fmt: skip
            return
        text = "Done." if not problems else "Done; " + "; ".join(problems) + "."
        self._status(text + " Enter shows the result.")

    def _show_backends(self, measurements: Measurements) -> list[str]:
        """Each backend row as its entry says; what went wrong, for the status line. A backend
        that failed or found the machine busy leaves the native figures as they were, so it
        asks for no new run."""
        problems = []
        found = {str(b): r for b, r in measurements.keras_backends(measurements.workload).items()}
        for backend in self.backends:
            label = backend_label(backend)
            row = self.query_one(f"#fw-{backend_worker(backend)}", FrameworkProgress)
            result = found.get(backend)
            if result is None:
                row.mark("skipped", "not measured")
                problems.append(f"{label} was not measured")
            elif result.busy:
                row.mark("busy", result.message)
                problems.append(f"{label}: the machine was busy")
            elif result.ok:
                proven = result.equivalence is None or result.equivalence.ok
                row.mark("done", _summary(result)
                         + ("" if proven else " · not proven the same model: no ratios"))
            else:
                status = result.status.replace("_", " ")
                row.mark(_STATUS_FAILED.get(result.status, "failed"),
                         f"{status}: {result.message}")
                problems.append(f"{label}: {status}")
        return problems


def _button(label: str, action: str, variant: Any = "default") -> Button:
    button = Button(label, id=action, variant=variant)
    button.can_focus = False
    return button


def _readable(created: Any) -> str:
    try:
        return local_minute(created)
    except (TypeError, ValueError):  # an odd time in a cache file is shown as it is
        return str(created)


def _summary(result: FrameworkResult) -> str:
    """One line per framework once it is done; the rate is the median over its windows."""
    parts = []
    if result.version:
        parts.append(result.version + (f" on {result.device}" if result.device else ""))
    train = result.train_samples_per_s
    if train is not None:
        parts.append(f"median {train.median:,.0f} samples/s, {train.windows} windows"
                     + (f" ({result.path})" if result.path else ""))
    if result.infer_latency_ms is not None:
        parts.append(f"inference p50 {result.infer_latency_ms.p50:.1f} ms")
    if result.process_spread is not None and len(result.processes) > 1:
        parts.append(f"its {len(result.processes)} processes {result.process_spread:.2f}× apart")
    return " · ".join(parts)
