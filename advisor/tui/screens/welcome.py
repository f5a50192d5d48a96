"""The first screen: what the advisor does, what it measures and for how long, and how to begin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Static

from advisor.errors import AdvisorError
from advisor.tui.dialogs import ErrorModal, PathModal

if TYPE_CHECKING:
    from advisor.tui.app import AdvisorApp


class WelcomeScreen(Screen[None]):
    """Start, load an answers file, and choose whether to measure."""

    BINDINGS = [
        Binding("s", "start", "Start"),
        Binding("l", "load", "Load answers"),
        Binding("m", "toggle_measure", "Measure on/off"),
        Binding("q", "app.quit", "Quit"),
    ]

    app: AdvisorApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        session = self.app.session
        n_questions = len(session.questions)
        n_rules = len(session.ruleset.rules)
        yield Header()
        with VerticalScroll(id="welcome"):
            yield Static("TensorFlow or PyTorch?", classes="title")
            yield Static(
                f"Answer {n_questions} short questions about your project. The advisor weighs "
                f"{n_rules} sourced rules, measures both frameworks on this machine, and shows "
                "which one fits better, how sure it is, why, and what would change it.",
                classes="lead",
            )
            yield Static("What it measures", classes="heading")
            yield Static(self._measure_text(), id="measure-text")
            yield Checkbox(self._measure_label(), value=session.measure, id="measure-toggle",
                           disabled=session.measurements is not None)
            if self.app.prefilled_from:
                yield Static(f"Answers pre-filled from {self.app.prefilled_from}.",
                             classes="hint", markup=False)
            with Horizontal(id="welcome-buttons"):
                yield Button("Start (s)", id="start", variant="primary")
                yield Button("Load answers… (l)", id="load")
                yield Button("Quit (q)", id="quit")
        yield Footer()

    def _measure_text(self) -> str:
        session = self.app.session
        if session.measurements is not None:
            return (f"Nothing: using the measurements in {session.measurements_origin}. The "
                    "recommendation combines them with the rules.")
        return (
            "The same small CNN is trained in PyTorch and in TensorFlow, each in its own worker "
            "process: training throughput, inference latency, import time and peak memory. "
            "Measured criteria never outweigh the project's own facts."
        )

    def _measure_label(self) -> str:
        estimate = self.app.runner_estimate_s()
        about = f" (about {estimate:.0f} s)" if estimate else ""
        return f"Measure both frameworks on this machine{about}"

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        self.app.start_questions()

    @on(Button.Pressed, "#load")
    def _load_pressed(self) -> None:
        self.action_load()

    @on(Button.Pressed, "#quit")
    def _quit_pressed(self) -> None:
        self.app.exit(0)

    @on(Checkbox.Changed, "#measure-toggle")
    def _measure_changed(self, event: Checkbox.Changed) -> None:
        self.app.session.measure = event.value

    def action_toggle_measure(self) -> None:
        box = self.query_one("#measure-toggle", Checkbox)
        if not box.disabled:
            box.toggle()

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_load(self) -> None:
        session = self.app.session
        path = await self.app.push_screen_wait(PathModal(
            "Load an answers file (YAML)", "advisor-answers.yaml", base=session.workdir,
            hint="The questions will be pre-filled from it. Enter to load, Escape to cancel."))
        if path is None:
            return
        from advisor.answers import load_answers

        try:
            answers = load_answers(path, session.questionnaire)
        except AdvisorError as exc:
            await self.app.push_screen_wait(ErrorModal(str(exc), title="Cannot load the answers"))
            return
        session.load(answers)
        self.app.prefilled_from = str(path)
        self.notify(f"Loaded {path.name}; check the answers, then go on.", title="Answers loaded",
                    markup=False)
        self.app.start_questions()
