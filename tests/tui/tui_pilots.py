"""Pilot scripts shared by the snapshot tests and ``make screenshots``: each drives the app from
its first screen to one state worth a picture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from tui_fakes import FakeRunner, flagged_measurements, keras_measurements, script

from advisor.knowledge.loader import load_ruleset
from advisor.knowledge.ruleset import RuleSet
from advisor.tui import AdvisorApp, make_app
from advisor.tui.screens import ProbesScreen, ResultScreen, WelcomeScreen

SIZE = (80, 24)
HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parents[1] / "examples"
SAMPLE_RULES = HERE / "rules"
KERAS_TEAM = HERE / "tensorflow-team.yaml"  # TensorFlow code: Keras 3 is relevant

use_bundled_rules = False
"""False: a small fixed rule base (tests/tui/rules), so the snapshots do not change whenever the
live rules do. ``make screenshots`` sets it to True to show the real rule base."""


def ruleset() -> RuleSet:
    return load_ruleset() if use_bundled_rules else load_ruleset(base=SAMPLE_RULES)


def number(question: str) -> int:
    """The question's number (1-based) in the sample questionnaire, so that a question added
    before it does not move a test to another question."""
    return ruleset().questionnaire.ids.index(question) + 1


def app_with(runner: FakeRunner | None = None, **kwargs: Any) -> AdvisorApp:
    kwargs.setdefault("ruleset", ruleset())
    return make_app(runner=runner or FakeRunner(), **kwargs)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def to_question(pilot: Pilot[Any], number: int) -> None:
    """Start, then accept defaults with Enter up to question ``number`` (1-based)."""
    await pilot.press("s")
    await pilot.pause()
    for _ in range(number - 1):
        await pilot.press("enter")
        await pilot.pause()


async def to_two_targets(pilot: Pilot[Any]) -> None:
    """The deployment question with Mobile ticked beside the default Server."""
    await to_question(pilot, 3)
    await pilot.press("down", "down", "space")
    await pilot.pause()


async def through_questions(pilot: Pilot[Any], *, every: bool = False) -> None:
    """Accept the answers as they stand; ``every`` steps through all questions (slower),
    otherwise the app starts at the last one, as it does when a user comes back to it."""
    app = pilot.app
    assert isinstance(app, AdvisorApp)
    last = len(app.session.questions)
    if not every:
        app.session.step = last - 1
    await to_question(pilot, last if every else 1)
    await pilot.press("enter")
    await pilot.pause()


async def to_probes(pilot: Pilot[Any]) -> None:
    """From the first screen to the probes: through the questions, unless a complete answers
    file started the app at the probes."""
    await pilot.pause()
    if isinstance(pilot.app.screen, WelcomeScreen):
        await through_questions(pilot)


async def to_probes_running(pilot: Pilot[Any]) -> None:
    """Questions answered; the fake runner holds mid-training (make it with hold_after)."""
    await to_probes(pilot)
    app = pilot.app
    assert isinstance(app, AdvisorApp)
    runner = app.runner
    assert isinstance(runner, FakeRunner)
    while not runner.held.is_set():
        await pilot.pause(0.01)
    await pilot.pause(0.05)


async def to_probes_done(pilot: Pilot[Any]) -> None:
    await to_probes(pilot)
    await settle(pilot)


async def to_result(pilot: Pilot[Any], tab: str = "1", then: tuple[str, ...] = ()) -> None:
    """From the first screen to the result, then to ``tab``. An app started with a complete
    answers file begins at the probes; one without goes through the questions first."""
    await pilot.pause()
    if isinstance(pilot.app.screen, WelcomeScreen):
        await through_questions(pilot)
    await settle(pilot)
    if isinstance(pilot.app.screen, ProbesScreen):
        await pilot.press("enter")
        await pilot.pause()
    assert isinstance(pilot.app.screen, ResultScreen)
    await pilot.press(tab, *then)
    await pilot.pause()
    if then:
        await pilot.pause(0.5)  # let the scroll animation end


def holding_runner() -> FakeRunner:
    """Stops mid-training, in round 3 of 6: PyTorch at window 3 of 6, TensorFlow at window 4
    of 12 on its two paths (imports and builds, three warm-ups of two events each, two
    rounds, PyTorch's third window)."""
    return FakeRunner(events=script(6), hold_after=4 + 3 * 2 + 2 * 3 + 1)


def backend_runner(**fields: Any) -> FakeRunner:
    """A TensorFlow team's run: the runner adds Keras on torch and JAX, whose workers import
    after the natives and time their paths in the same rounds (torch one, JAX two), and stops
    mid-training, in round 3 of 6: Keras on torch at window 3 of 6, Keras on JAX at 4 of 12
    (four imports and builds, six warm-ups of two events each, two rounds of six windows, the
    third round's PyTorch, TensorFlow and Keras on torch windows). ``fields`` replace the
    runner's (``hold_after=None`` runs to the end)."""
    return FakeRunner(**{"events": script(6, ("torch", "jax")), "hold_after": 8 + 12 + 12 + 4,
                         "keras_backends": ("tensorflow", "torch", "jax"),
                         "result": keras_measurements(), **fields})


async def to_backend_rows(pilot: Pilot[Any]) -> None:
    """The probes running (``backend_runner``), scrolled to the Keras backends' rows."""
    await to_probes_running(pilot)
    screen = pilot.app.screen
    screen.query_one("#probes").scroll_to_widget(screen.query_one("#fw-keras-torch"),
                                                 animate=False, top=True)
    await pilot.pause()


def flagged_runner() -> FakeRunner:
    """Measurements whose TensorFlow run was flagged unstable, with the probe's own reasons."""
    return FakeRunner(result=flagged_measurements())


# name -> (app factory, pilot script); the docs' screenshots and the snapshot tests use these.
SCREENS: dict[str, tuple[Any, Any]] = {
    "welcome": (lambda: app_with(), None),
    "question": (lambda: app_with(), to_two_targets),
    "probes": (lambda: app_with(holding_runner()), to_probes_running),
    "probes-keras": (lambda: app_with(backend_runner(), answers_path=KERAS_TEAM), to_backend_rows),
    "result": (lambda: app_with(answers_path=EXAMPLES / "android-app.yaml"), to_result),
    "result-code": (lambda: app_with(FakeRunner(real_sources=True),
                                     answers_path=EXAMPLES / "android-app.yaml"),
                    lambda pilot: to_result(pilot, "5")),
    "result-flagged": (lambda: app_with(flagged_runner(),
                                        answers_path=EXAMPLES / "android-app.yaml"),
                       lambda pilot: to_result(pilot, "2", then=("end",))),
}
