"""The app: holds the session and moves between the screens. ``make_app`` builds it for the CLI
(``run_app``) and for the tests alike."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding

from advisor.errors import AdvisorError, ExitCode
from advisor.tui.dialogs import ErrorModal
from advisor.tui.runner import ProbeRunner, ProbesAdapter
from advisor.tui.screens.welcome import WelcomeScreen
from advisor.tui.session import Session

if TYPE_CHECKING:
    from advisor.rulebook import RuleSet


class AdvisorApp(App[int]):
    """TensorFlow or PyTorch: questions, probes, an explained result."""

    CSS_PATH = "app.tcss"
    TITLE = "framework-advisor"
    SUB_TITLE = "TensorFlow or PyTorch?"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        session: Session,
        runner: ProbeRunner,
        *,
        startup_errors: Sequence[AdvisorError] = (),
        prefilled_from: str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.runner = runner
        self.startup_errors = list(startup_errors)
        self.prefilled_from = prefilled_from

    def on_mount(self) -> None:
        self.push_screen(WelcomeScreen())
        for error in self.startup_errors:
            self.push_screen(ErrorModal(str(error), title=error.title or "Cannot use that file"))

    def runner_estimate_s(self) -> float | None:
        try:
            return self.runner.estimate_s(self.session.probe_settings)
        except Exception:  # an estimate is a nicety; without one the screen says less
            return None

    # --- navigation -------------------------------------------------------------------------

    def show_welcome(self) -> None:
        self.switch_screen(WelcomeScreen())

    def start_questions(self) -> None:
        from advisor.tui.screens.questions import QuestionsScreen

        self.session.step = min(self.session.step, len(self.session.questions) - 1)
        self.switch_screen(QuestionsScreen())

    def questions_done(self) -> None:
        if self.session.measure and self.session.measurements is None:
            from advisor.tui.screens.probes import ProbesScreen

            self.switch_screen(ProbesScreen())
        else:
            self.show_result()

    def show_result(self) -> None:
        from advisor.tui.screens.result import ResultScreen

        try:
            rec = self.session.recommendation()
        except AdvisorError as exc:
            self.push_screen(ErrorModal(str(exc), title="No recommendation for these answers"))
            return
        self.switch_screen(ResultScreen(rec))

    def start_over(self) -> None:
        self.session.reset()
        self.prefilled_from = None
        self.show_welcome()

    async def action_quit(self) -> None:
        self.exit(int(ExitCode.OK))


def make_app(
    *,
    answers_path: str | Path | None = None,
    rule_paths: Sequence[str | Path] = (),
    no_probe: bool = False,
    measurements_path: str | Path | None = None,
    runner: ProbeRunner | None = None,
    probe_settings: Any = None,
    workdir: str | Path | None = None,
    ruleset: RuleSet | None = None,
) -> AdvisorApp:
    """Build the app. Rule files must load (their errors propagate, before any screen); a bad
    answers or measurements file is shown in an error dialog and the app starts without it.

    ``runner`` defaults to the real probes; ``workdir`` is where files are saved by default;
    ``ruleset`` replaces the bundled rule base (tests pin a small one)."""
    if ruleset is None:
        from advisor.rulebook import load_ruleset

        ruleset = load_ruleset(list(rule_paths))
    session = Session(ruleset, measure=not no_probe, probe_settings=probe_settings,
                      workdir=Path(workdir) if workdir is not None else Path.cwd())
    errors: list[AdvisorError] = []
    prefilled_from = None
    if answers_path is not None:
        from advisor.answers import load_answers

        try:
            session.load(load_answers(answers_path, ruleset.questionnaire))
            prefilled_from = str(answers_path)
        except AdvisorError as exc:
            errors.append(exc)
    if measurements_path is not None:
        from advisor.measurements import load_measurements

        try:
            session.measurements = load_measurements(measurements_path)
            session.measurements_origin = str(measurements_path)
            session.measure = False
        except AdvisorError as exc:
            errors.append(exc)
    return AdvisorApp(session, runner or ProbesAdapter(), startup_errors=errors,
                      prefilled_from=prefilled_from)


def run_app(
    *,
    answers_path: str | Path | None = None,
    rule_paths: Sequence[str | Path] = (),
    no_probe: bool = False,
    measurements_path: str | Path | None = None,
) -> int:
    """Run the app in this terminal; the exit code for ``advisor``."""
    from advisor.interrupts import app_exits_on_signals

    app = make_app(answers_path=answers_path, rule_paths=rule_paths, no_probe=no_probe,
                   measurements_path=measurements_path)
    with app_exits_on_signals(app):  # SIGTERM/SIGHUP: exit (stopping any probe), then raise
        code = app.run()
    return int(code if code is not None else ExitCode.OK)
