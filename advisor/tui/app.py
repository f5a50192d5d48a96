"""The app: holds the session and decides which screen comes next. ``make_app`` builds it for
the CLI (``run_app``) and for the tests alike.

Screens do not call the app: they post the navigation facts of ``advisor.tui.messages``, which
bubble up to the handlers below. Screens are imported where they are first needed, so that the
first paint pays only for the welcome screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App
from textual.binding import Binding

from advisor.errors import AdvisorError, ExitCode
from advisor.tui.dialogs import ConfirmModal, ErrorModal, QuestionListModal, problems_text
from advisor.tui.messages import (
    AnswerChangeRequested,
    AnswersSaved,
    QuestionsAnswered,
    QuestionsRequested,
    ResultRequested,
    StartOverRequested,
    WelcomeRequested,
)
from advisor.tui.runner import ProbeRunner, ProbesAdapter
from advisor.tui.scanner import EngineScanner, ProjectScanner
from advisor.tui.screens.base import AdvisorScreen
from advisor.tui.session import Session

if TYPE_CHECKING:
    from advisor.knowledge.ruleset import RuleSet


class AdvisorApp(App[int]):
    """TensorFlow or PyTorch: questions, probes, an explained result."""

    CSS_PATH = "app.tcss"
    TITLE = "framework-advisor"
    SUB_TITLE = "TensorFlow or PyTorch?"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]
    ENABLE_COMMAND_PALETTE = False
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-normal"), (120, "-wide")]
    """Below 80 columns every screen says the terminal is small; from 120 the code tab shows
    both models side by side."""

    def __init__(
        self,
        session: Session,
        runner: ProbeRunner,
        *,
        startup_errors: Sequence[tuple[str, str]] = (),
        scanner: ProjectScanner | None = None,
        project: Path | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.runner = runner
        self.scanner = scanner or EngineScanner()
        self.startup_errors = list(startup_errors)
        """(title, message) for each file given on the command line that could not be used."""
        self.project = project
        """The folder given with ``--project``: scanned on the welcome screen first."""

    def on_mount(self) -> None:
        session = self.session
        if self.project is not None:
            # The scan comes first; the welcome screen goes on after it if nothing is left.
            self.push_screen(self._welcome(scan_first=self.project))
        elif session.complete and not self.startup_errors:
            # Every question is answered in the file: straight on, the questions one key away.
            self._after_questions(push=True)
        else:
            self.push_screen(self._welcome())
        for title, message in self.startup_errors:
            self.push_screen(ErrorModal(message, title=title))

    # --- screens ------------------------------------------------------------------------------

    def _welcome(self, *, scan_first: Path | None = None) -> AdvisorScreen:
        from advisor.tui.screens.welcome import WelcomeScreen

        try:
            session = self.session  # the answers loaded may add Keras backends, and their time
            estimate = self.runner.estimate_s(
                self.runner.settings_for(session.probe_settings, session.values))
        except Exception:  # an estimate is a nicety; without one the screen says less
            estimate = None
        return WelcomeScreen(self.session, estimate, self.scanner, scan_first=scan_first)

    def _show(self, screen: AdvisorScreen, *, push: bool = False) -> None:
        if push:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def _after_questions(self, *, push: bool = False) -> None:
        session = self.session
        if session.measure and session.measurements is None:
            from advisor.tui.screens.probes import ProbesScreen

            self._show(ProbesScreen(session, self.runner), push=push)
        else:
            self._show_result(push=push)

    def _show_result(self, *, push: bool = False) -> None:
        from advisor.tui.screens.result import ResultScreen

        session = self.session
        try:
            rec = session.recommendation()
        except AdvisorError as exc:
            if push:
                self.push_screen(self._welcome())
            self.push_screen(ErrorModal(str(exc), title="No recommendation for these answers"))
            return
        self._show(ResultScreen(rec, questionnaire=session.questionnaire,
                                workdir=session.workdir, model_source=self.runner.model_source,
                                inputs=session.read_files()),
                   push=push)  # fmt: skip

    # --- what the screens say happened ------------------------------------------------------

    @on(WelcomeRequested)
    def _to_welcome(self) -> None:
        self.switch_screen(self._welcome())

    @on(QuestionsRequested)
    def _to_questions(self, message: QuestionsRequested) -> None:
        from advisor.tui.screens.questions import QuestionsScreen

        session = self.session
        last = len(session.questions) - 1
        session.step = min(message.step if message.step is not None else session.step, last)
        self.switch_screen(QuestionsScreen(session, review=message.review))

    @on(QuestionsAnswered)
    def _questions_answered(self) -> None:
        self._after_questions()

    @on(ResultRequested)
    def _result_requested(self) -> None:
        self._show_result()

    @on(AnswerChangeRequested)
    def _change_requested(self) -> None:
        self._change_an_answer()

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def _change_an_answer(self) -> None:
        step = await self.push_screen_wait(QuestionListModal(self.session))
        if step is not None:
            self.post_message(QuestionsRequested(step=step, review=True))

    @on(AnswersSaved)
    def _answers_saved(self) -> None:
        self.session.mark_saved()

    @on(StartOverRequested)
    def _start_over(self) -> None:
        self.session.reset()
        self.switch_screen(self._welcome())

    # --- quitting -----------------------------------------------------------------------------

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_request_quit(self) -> None:
        """``q``: quit, asking first when that would lose unsaved answers or stop the probes
        (Ctrl+Q quits at once)."""
        losses = [w for s in self.screen_stack if isinstance(s, AdvisorScreen)
                  if (w := s.quit_warning())]
        if self.session.unsaved:
            losses.append("Your answers are not saved (a on the result screen saves them).")
        if losses and not await self.push_screen_wait(ConfirmModal(
                " ".join(losses) + " Quit anyway?", title="Quit?", yes="Quit")):
            return
        self.exit(int(ExitCode.OK))

    def action_help_quit(self) -> None:
        # Ctrl+C: Textual's own hint names whichever key is bound to quit on this screen.
        self.notify("Ctrl+Q quits at once; q asks first if answers are unsaved or probes run.",
                    title="Do you want to quit?")

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
    project_path: str | Path | None = None,
    scanner: ProjectScanner | None = None,
    installed: Mapping[str, str] | None = None,
) -> AdvisorApp:
    """Build the app. Rule files must load (their errors propagate, before any screen); a bad
    answers or measurements file is shown in an error dialog and the app starts without it.

    ``runner`` defaults to the real probes and ``scanner`` to the scan engine; ``workdir`` is
    where files are saved by default; ``ruleset`` replaces the bundled rule base (tests pin a
    small one); ``project_path`` is scanned first, its proposals filling what the answers file
    leaves open; ``installed`` gives the package versions to compare with the rules' checked
    versions (None: read this environment's package metadata)."""
    if ruleset is None:
        from advisor.knowledge.loader import load_ruleset

        ruleset = load_ruleset(list(rule_paths))
    if installed is None:
        from advisor.inputs.environment import installed_versions

        installed = installed_versions(ruleset.recorded_packages)
    session = Session(ruleset, measure=not no_probe, probe_settings=probe_settings,
                      workdir=Path(workdir) if workdir is not None else Path.cwd(),
                      installed=dict(installed))
    errors: list[tuple[str, str]] = []
    if answers_path is not None:
        from advisor.inputs.answers import load_answers

        try:
            session.load(load_answers(answers_path, ruleset.questionnaire), str(answers_path))
        except AdvisorError as exc:
            errors.append((exc.title or "Cannot use the answers file",
                           problems_text(exc) + "\n\nThe questions start from their defaults."))
    if measurements_path is not None:
        from advisor.inputs.measurements import load_measurements

        # Asked for measurements from a file, the user chose not to measure: keep that choice
        # even when the file cannot be used, and say so.
        session.measure = False
        try:
            session.measurements = load_measurements(measurements_path)
            session.measurements_origin = str(measurements_path)
            session.measurements_file = str(measurements_path)
        except AdvisorError as exc:
            errors.append((exc.title or "Cannot use the measurements file",
                           f"{exc}\n\nThe app goes on without measurements: the result will rest "
                           "on the rules alone. To measure this machine instead, tick "
                           "“Measure both frameworks” (m) on the welcome screen."))
    return AdvisorApp(session, runner or ProbesAdapter(), startup_errors=errors, scanner=scanner,
                      project=Path(project_path) if project_path is not None else None)


def run_app(
    *,
    answers_path: str | Path | None = None,
    rule_paths: Sequence[str | Path] = (),
    no_probe: bool = False,
    measurements_path: str | Path | None = None,
    project_path: str | Path | None = None,
) -> int:
    """Run the app in this terminal; the exit code for ``advisor``."""
    from advisor.system.interrupts import app_exits_on_signals

    app = make_app(answers_path=answers_path, rule_paths=rule_paths, no_probe=no_probe,
                   measurements_path=measurements_path, project_path=project_path)
    with app_exits_on_signals(app):  # SIGTERM/SIGHUP: exit (stopping any probe), then raise
        code = app.run()
    return int(code if code is not None else ExitCode.OK)
