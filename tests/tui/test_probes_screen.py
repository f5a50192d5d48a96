"""The probes screen says what is happening: a title per state, local times, the rate now
against the median, windows per code path; quitting while it runs asks first."""

from __future__ import annotations

import time

from tui_fakes import MEASUREMENTS, FakeRunner
from tui_pilots import SIZE, app_with, holding_runner, settle, through_questions, to_probes_running
from tui_text import footer_keys, plain, shown

from advisor.tui.dialogs import ConfirmModal
from advisor.tui.screens import ProbesScreen
from advisor.tui.widgets import FrameworkProgress


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


async def test_windows_are_counted_per_path_and_the_rate_is_labelled() -> None:
    app = app_with(holding_runner())
    async with app.run_test(size=SIZE) as pilot:
        await to_probes_running(pilot)
        pt, tf = _row(app, "pytorch").state, _row(app, "tensorflow").state
        assert pt.windows == "3/6 windows"
        assert tf.paths == ("keras-fit", "tf-function")
        assert tf.windows == "2/6 windows per path (2 paths)"
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
