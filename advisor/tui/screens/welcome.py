"""The first screen: what the advisor does, what it measures and for how long, and how to begin.

Its words follow the session: measuring on, measuring off (``--no-probe`` or the box), or the
measurements of an earlier run (``--measurements``), in which case there is nothing to switch.
A project folder can be scanned from here (``p``, or ``--project`` before the screen opens):
its proposals then fill the questions not yet answered, and the screen says so.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Footer, Static

from advisor.errors import AdvisorError
from advisor.frameworks import capitalised
from advisor.knowledge.workloads import describe
from advisor.report.project import scan_summary
from advisor.times import local_minute
from advisor.tui.dialogs import ErrorModal, PathModal, ScanModal, problems_text
from advisor.tui.messages import QuestionsAnswered, QuestionsRequested
from advisor.tui.scanner import ProjectScanner
from advisor.tui.screens.base import QUIT, AdvisorScreen
from advisor.tui.session import Session
from advisor.tui.widgets.choices import TickBox
from advisor.tui.widgets.keys import KeyButton, ScreenBody


class WelcomeScreen(AdvisorScreen):
    """Start, load an answers file, and choose whether to measure."""

    AUTO_FOCUS = ""  # focus is chosen once laid out (_open_at_the_top), without scrolling
    BINDINGS = [
        Binding("s", "start", "Start"),
        Binding("l", "load", "Load"),
        Binding("p", "scan", "Scan"),
        Binding("m", "toggle_measure", "Measure"),
        QUIT,
    ]

    def __init__(
        self,
        session: Session,
        estimate_s: float | None,
        scanner: ProjectScanner,
        *,
        scan_first: Path | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.estimate_s = estimate_s
        self.scanner = scanner
        self.scan_first = scan_first
        """A folder to scan as soon as the screen shows (``--project``)."""

    @property
    def about(self) -> str:
        return f" (about {self.estimate_s:.0f} s)" if self.estimate_s else ""

    def compose(self) -> ComposeResult:
        session = self.session
        yield from self.compose_top()
        with ScreenBody(id="welcome"):
            yield Static("TensorFlow or PyTorch?", classes="title")
            yield Static(id="lead", classes="lead", markup=False)
            yield Static(id="measure-heading", classes="heading")
            yield Static(id="measure-text", markup=False)
            if session.measurements is None:
                yield TickBox(f"Measure both frameworks{self.about}", value=session.measure,
                              id="measure-toggle")
            if session.answers_origin:
                yield Static(f"Answers pre-filled from {session.answers_origin}.",
                             classes="hint", markup=False)
            yield Static(id="scan-text", classes="hint", markup=False)
            with Horizontal(id="welcome-buttons"):
                yield KeyButton("Start (s)", id="start", variant="primary")
                yield KeyButton("Load… (l)", id="load")
                yield KeyButton("Scan a project… (p)", id="scan")
                yield KeyButton("Quit (q)", id="quit")
        yield Footer()

    def on_mount(self) -> None:
        self._describe()
        self.call_after_refresh(self._open_at_the_top)
        if self.scan_first is not None:
            self.scan(self.scan_first, go_on=self.session.complete)

    def _open_at_the_top(self) -> None:
        """Focus Start; but in a terminal too small for the screen, begin with its title in
        view and the body focused (↑↓ scroll it, Tab reaches the buttons), not with Start
        focused out of sight."""
        body = self.query_one("#welcome", ScreenBody)
        if body.max_scroll_y > 0:
            body.focus(scroll_visible=False)
            body.scroll_home(animate=False, immediate=True)
        else:
            self.query_one("#start", Button).focus(scroll_visible=False)

    def _describe(self) -> None:
        """Say what will happen, as the session stands now."""
        session = self.session
        n_questions, n_rules = len(session.questions), len(session.ruleset.rules)
        m = session.measurements
        if m is not None:
            does = "weighs {r} sourced rules together with the measurements you gave"
            heading = "Measurements"
            text = (f"Uses the measurements in {session.measurements_origin} (a probe run of "
                    f"{local_minute(m.created)} on {m.machine.cpu or 'an unnamed machine'}) "
                    "instead of measuring; the recommendation combines them with the rules.")
        elif session.measure:
            does = "weighs {r} sourced rules, measures both frameworks on this machine,"
            heading = "What it measures"
            text = (f"{capitalised(describe(session.workload))} is trained in PyTorch and in "
                    f"TensorFlow, each in its own worker process ({self._why_workload()}): "
                    "training throughput, inference latency, import time and peak memory"
                    f"{self.about}. Measured criteria never outweigh the project's own facts.")
        else:
            does = "weighs {r} sourced rules"
            heading = "What it measures"
            text = ("Nothing: measuring is switched off, so the recommendation rests on the rules "
                    f"alone. Tick the box (m) to train {describe(session.workload)} in both "
                    f"frameworks on this machine{self.about}.")
        self.query_one("#lead", Static).update(
            f"Answer {n_questions} short questions about your project. The advisor "
            + does.format(r=n_rules)
            + " and shows which framework fits better, how sure it is, why, and what would "
            "change it.")
        self.query_one("#measure-heading", Static).update(heading)
        self.query_one("#measure-text", Static).update(text)
        scan_text = self.query_one("#scan-text", Static)
        scan_text.display = session.scan is not None
        if session.scan is not None:
            first, *rest = scan_summary(session.scan)
            scan_text.update(" ".join([first[0].upper() + first[1:] + ".", *rest])
                             + " Each proposed answer is marked on its question (e: why).")

    def _why_workload(self) -> str:
        domain = self.session.values.get("domain")
        if self.session.workload_choice is not None:
            return "your choice"
        return f"it matches the domain {domain}; another domain picks its own"

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._describe()  # the answers, and so the workload, may have changed meanwhile

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_measure":
            return self.session.measurements is None  # nothing to switch: a file was given
        return True

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        self.post_message(QuestionsRequested())

    @on(Button.Pressed, "#load")
    def _load_pressed(self) -> None:
        self.action_load()

    @on(Button.Pressed, "#scan")
    def _scan_pressed(self) -> None:
        self.action_scan()

    @on(Button.Pressed, "#quit")
    async def _quit_pressed(self) -> None:
        await self.run_action("app.request_quit")

    @on(Checkbox.Changed, "#measure-toggle")
    def _measure_changed(self, event: Checkbox.Changed) -> None:
        self.session.measure = event.value
        self._describe()

    def action_toggle_measure(self) -> None:
        self.query_one("#measure-toggle", Checkbox).toggle()

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_load(self) -> None:
        session = self.session
        path = await self.app.push_screen_wait(PathModal(
            "Load an answers file (YAML)", "advisor-answers.yaml", base=session.workdir,
            hint="The questions will be pre-filled from it."))
        if path is None:
            return
        from advisor.inputs.answers import load_answers

        try:
            answers = load_answers(path, session.questionnaire)
        except AdvisorError as exc:
            await self.app.push_screen_wait(ErrorModal(problems_text(exc),
                                                       title="Cannot load the answers"))
            return
        session.load(answers, str(path))
        self.notify(f"Loaded {path.name}; check the answers, then go on.", title="Answers loaded",
                    markup=False)
        self.post_message(QuestionsRequested(step=0))

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_scan(self) -> None:
        path = await self.app.push_screen_wait(PathModal(
            "Scan a project folder", ".", base=self.session.workdir,
            hint="Its files are read, never run. The answers it proposes fill the questions "
                 "you have not answered; your own answers always stay."))
        if path is not None:
            self.scan(path)

    @work(exclusive=True, group="scan", exit_on_error=False)
    async def scan(self, folder: Path, *, go_on: bool = False) -> None:
        """Scan ``folder`` (off the event loop, in the scan dialog) and take its proposals;
        ``go_on``: the answers file answered every question, so go on to probes or result."""
        outcome = await self.app.push_screen_wait(ScanModal(folder, self.scanner))
        if outcome is None:
            self.notify("Scan cancelled: the answers are as they were.", title="Scan cancelled")
            return
        if outcome.error:
            await self.app.push_screen_wait(ErrorModal(outcome.error,
                                                       title="Cannot scan the project"))
            return
        self.session.apply_scan(outcome.scan)
        self._describe()
        if go_on:
            self.post_message(QuestionsAnswered())
