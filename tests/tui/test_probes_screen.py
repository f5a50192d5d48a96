"""The probes screen says what is happening: a title per state, local times, the rate now
against the median, windows per code path; quitting while it runs asks first."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from tui_fakes import MEASUREMENTS, PATHS, Event, FakeRunner, keras_measurements
from tui_pilots import (
    KERAS_TEAM,
    SIZE,
    app_with,
    backend_runner,
    holding_runner,
    settle,
    through_questions,
    to_probes,
    to_probes_running,
)
from tui_text import footer_keys, plain, shown

from advisor.tui.dialogs import ConfirmModal
from advisor.tui.screens import ProbesScreen
from advisor.tui.widgets import FrameworkProgress
from probes.settings import WORDS


def _title(app: object) -> str:
    return plain(app.screen.query_one("#probe-title"))  # type: ignore[attr-defined]


def _row(app: object, fw: str) -> FrameworkProgress:
    return app.screen.query_one(f"#fw-{fw}", FrameworkProgress)  # type: ignore[attr-defined]


async def test_titles_follow_the_state() -> None:
    runner = FakeRunner(cache=MEASUREMENTS, hold_after=3)
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        assert _title(app) == "Earlier measurements found"
        assert "27 Nov 2026, 14:05" in plain(app.screen.query_one("#probe-status"))
        await pilot.press("r")
        while not runner.held.is_set():
            await pilot.pause(0.01)
        assert _title(app) == "Measuring both frameworks on this machine"
        await pilot.press("c")
        await settle(pilot)
        assert _title(app) == "Measuring cancelled"
        runner.hold_after = None
        await pilot.press("r")
        await settle(pilot)
        assert _title(app) == "Both frameworks measured"
        assert footer_keys(app)["Enter"] == "Show result"


async def test_windows_are_counted_from_the_plan_and_the_rate_is_labelled() -> None:
    """The counts are the plan's, not the messages': the workers' own warm-up messages
    ("eager-loop: first step 0.14 s") once counted as paths of their own."""
    app = app_with(holding_runner())
    async with app.run_test(size=SIZE) as pilot:
        await to_probes_running(pilot)
        pt, tf = _row(app, "pytorch").state, _row(app, "tensorflow").state
        assert pt.windows == "round 3 of 6 · process 1 of 2 · 3/6 windows on 1 path"
        assert tf.paths == ("keras-fit", "tf-function")
        assert tf.windows == "round 2 of 6 · process 1 of 2 · 4/12 windows on 2 paths"
        head = shown(_row(app, "tensorflow")).splitlines()[0]
        assert "now 5,420 samples/s" in head


async def test_done_rows_show_the_median_over_the_windows() -> None:
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await through_questions(pilot)
        await settle(pilot)
        row = _row(app, "tensorflow")
        assert row.state.phase == "done"
        assert "median 3,948 samples/s, 7 windows (keras-fit)" in row.state.message
        assert "now" not in shown(row)


async def test_quitting_while_the_probes_run_asks_first() -> None:
    runner = holding_runner()
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        await to_probes_running(pilot)
        await pilot.press("q")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        assert "The probes are still running" in modal.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ProbesScreen) and app.screen.state == "running"
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value == 0
    for _ in range(200):  # the worker thread notices the cancel event within 10 ms
        if runner.cancelled:
            break
        time.sleep(0.01)
    assert runner.cancelled, "quitting stops the workers"


async def test_the_workload_follows_the_domain_and_w_chooses_another() -> None:
    runner = FakeRunner(cache=MEASUREMENTS, real_sources=True)  # a cached CNN run
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        app.session.values["domain"] = "llm"
        await through_questions(pilot)
        await settle(pilot)
        line = plain(app.screen.query_one("#probe-workload"))
        assert "the transformer workload (a small transformer encoder), which matches your domain" \
               in line
        assert runner.workloads == ["transformer"], "nothing cached for it: it was measured"
        assert footer_keys(app)["w"] == "Workload"
        await pilot.press("w")  # rnn, not cached: ready, waiting for r
        await settle(pilot)
        assert _title(app) == "Ready to measure"
        line = plain(app.screen.query_one("#probe-workload"))
        assert "the rnn workload" in line
        assert "your choice (transformer matches your domain)" in line
        assert app.session.measurements is None
        await pilot.press("w", "w")  # mlp, then cnn, which the cache has
        await settle(pilot)
        assert _title(app) == "Earlier measurements found"
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("5")
        await pilot.pause()
        titles = [plain(w) for w in app.screen.query(".code-title")]
        assert titles == ["PyTorch – the cnn workload", "TensorFlow – the cnn workload"]
        assert runner.workloads == ["transformer"]


async def test_the_code_tab_shows_the_measured_workloads_model() -> None:
    runner = FakeRunner(real_sources=True)
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        app.session.values["domain"] = "tabular"
        await through_questions(pilot)
        await settle(pilot)
        assert runner.workloads == ["mlp"]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        code = [plain(w) for w in app.screen.query(".code")]
        assert "class TabularMLP(nn.Module):" in code[0]
        assert "def build_tabular_mlp(" in code[1]
        assert "❱" not in code[0] + code[1]  # only the CNN is compared with the article


# --- a recorded real run: the counts are the plan's, and nothing is cut at 80x24 -------------

DATA = Path(__file__).with_name("data")


def _recorded(name: str, hold_after: int | None = None) -> tuple[FakeRunner, dict]:
    """A real run's events and result (tests/tui/record_probe_run.py wrote them)."""
    data = json.loads((DATA / name).read_text())
    events = [Event(**{**e, "paths": tuple(e["paths"])}) for e in data["events"]]
    return FakeRunner(events=events, result=data["result"], hold_after=hold_after), data


def _whole(widget: Any, text: str) -> bool:
    """Whether every word of ``text`` shows, in order, in what ``widget`` draws at its size:
    a line wrapped is still whole; a line cut (or a widget too short for it) is not."""
    drawn = " ".join(shown(widget).split())
    return " ".join(text.split()) in drawn and drawn.count("…") == text.count("…")


def _check_nothing_cut(app: Any) -> None:
    screen = app.screen
    for row in screen.query(FrameworkProgress):
        s = row.state
        for text in (s.counts, s.message):
            assert _whole(row, text), (row.framework, text, shown(row))
    for static in screen.query("#probes Static"):
        text = plain(static)
        if text.strip():
            assert _whole(static, text), (static.id, text, shown(static))


@pytest.mark.parametrize("name", ["probe-run-measured.json", "probe-run-busy.json"])
async def test_a_recorded_runs_counts_are_its_plans_and_nothing_is_cut(name: str) -> None:
    runner, data = _recorded(name)
    plan = data["result"]["machine"]["probe"]
    # Mid-run: hold at the first window of the second process.
    second = next(i for i, e in enumerate(runner.events)
                  if e.phase == "training" and e.process == 2)  # fmt: skip
    runner.hold_after = second + 1
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        await to_probes_running(pilot)
        for fw, paths in plan["paths"].items():
            s = _row(app, fw).state
            assert s.paths == tuple(paths)
            assert s.rounds_planned == plan["rounds_planned"]
            assert s.windows_planned == plan["rounds_planned"] * len(paths)
            assert s.processes == plan["processes_planned"]
            words = "paths" if len(paths) > 1 else "path"
            assert f"/{s.windows_planned} windows on {len(paths)} {words}" in s.windows
        assert _row(app, runner.events[second].framework).state.process == 2
        _check_nothing_cut(app)
        runner.hold_after = None
        runner.held.clear()
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("r")  # the whole run, from the start
        await settle(pilot)
        for fw, entry in data["result"]["frameworks"].items():
            s = _row(app, fw).state
            n = len(plan["paths"][fw])
            assert s.windows == (f"round {plan['rounds']} of {plan['rounds_planned']} · process "
                                 f"{plan['processes']} of {plan['processes_planned']} · "
                                 f"{plan['rounds'] * n}/{plan['rounds_planned'] * n} windows on "
                                 f"{n} path{'s' if n > 1 else ''}"
                                 + (f" · {s.disturbed} disturbed" if s.disturbed else ""))
            if (entry.get("disturbance") or {}).get("busy"):
                assert s.phase == "busy" and s.message == entry["message"]
        _check_nothing_cut(app)
        status = plain(app.screen.query_one("#probe-status"))
        if any((e.get("disturbance") or {}).get("busy")
               for e in data["result"]["frameworks"].values()):  # fmt: skip
            assert "the machine was busy" in status and "Measure again (r)" in status


# --- Keras 3 on other backends: a row per backend worker, counted from the plan --------------

async def test_each_keras_backend_worker_has_a_row_counted_from_the_plan() -> None:
    """A TensorFlow team: the runner adds Keras on torch and JAX; each worker's row has its
    phase, bar and counts from the plan, as the natives' rows do, in the same rounds."""
    runner = backend_runner()
    app = app_with(runner, answers_path=KERAS_TEAM)
    async with app.run_test(size=SIZE) as pilot:
        await to_probes_running(pilot)
        assert runner.answers[-1]["existing_code"] == "tensorflow", "the session's answers"
        torch, jax = _row(app, "keras-torch"), _row(app, "keras-jax")
        assert shown(torch).splitlines()[0].startswith("Keras on torch  training")
        assert "now 3,410 samples/s" in shown(torch).splitlines()[0]
        assert shown(jax).splitlines()[0].startswith("Keras on JAX  training")
        assert torch.state.windows == "round 3 of 6 · process 1 of 2 · 3/6 windows on 1 path"
        assert jax.state.windows == "round 2 of 6 · process 1 of 2 · 4/12 windows on 2 paths"
        native = _row(app, "pytorch").state
        for row in (torch, jax):  # the plan's counts: the natives' rounds, a window per path
            s = row.state
            assert s.rounds_planned == native.rounds_planned == 6
            assert s.windows_planned == s.rounds_planned * len(PATHS[row.framework])
            assert s.paths == PATHS[row.framework]
            assert 0 < s.fraction < 1
        _check_nothing_cut(app)


async def test_backend_rows_end_with_their_figures_and_the_estimate_says_what_they_add() -> None:
    runner = backend_runner(hold_after=None)
    app = app_with(runner, answers_path=KERAS_TEAM)
    async with app.run_test(size=SIZE) as pilot:
        await to_probes(pilot)
        await settle(pilot)
        lead = " ".join(plain(app.screen.query_one(".lead")).split())
        assert ("It takes about 105 s, of which about 40 s for Keras 3 on torch and JAX, because "
                "of your answers (Your model code is TensorFlow: its Keras parts can move to "
                "another backend once they use no tf.* calls).") in lead
        words = plain(app.screen.query_one("#probe-words"))
        assert f"Keras backend: {WORDS['Keras backend']}" in words
        torch, jax = _row(app, "keras-torch").state, _row(app, "keras-jax").state
        assert torch.phase == jax.phase == "done"
        assert "median 3,386 samples/s, 8 windows (keras-fit)" in torch.message
        assert "median 4,902 samples/s, 8 windows (keras-fit)" in jax.message
        assert torch.windows == "round 6 of 6 · process 2 of 2 · 6/6 windows on 1 path"
        assert plain(app.screen.query_one("#probe-status")) == "Done. Enter shows the result."
        _check_nothing_cut(app)


async def test_a_failed_backend_is_named_and_the_natives_stand() -> None:
    result = keras_measurements()
    result["workloads"]["cnn"]["keras_backends"]["jax"] = {
        "status": "not_installed", "message": "No module named 'jax'"}
    runner = backend_runner(hold_after=None, result=result)
    app = app_with(runner, answers_path=KERAS_TEAM)
    async with app.run_test(size=SIZE) as pilot:
        await to_probes(pilot)
        await settle(pilot)
        assert _row(app, "pytorch").state.phase == _row(app, "tensorflow").state.phase == "done"
        assert _row(app, "keras-torch").state.phase == "done"
        jax = _row(app, "keras-jax").state
        assert (jax.phase, jax.message) == ("skipped", "not installed: No module named 'jax'")
        assert plain(app.screen.query_one("#probe-status")) == \
               "Done; Keras on JAX: not installed. Enter shows the result."
        assert _title(app) == "Both frameworks measured"


async def test_no_backend_rows_where_keras_is_not_relevant() -> None:
    runner = FakeRunner()  # the runner adds no backend for these answers
    app = app_with(runner)
    async with app.run_test(size=SIZE) as pilot:
        await to_probes(pilot)
        await settle(pilot)
        assert [r.framework for r in app.screen.query(FrameworkProgress)] == \
               ["pytorch", "tensorflow"]
        assert "Keras" not in plain(app.screen.query_one(".lead"))
        assert "Keras backend" not in plain(app.screen.query_one("#probe-words"))
