"""The runner against fake workers: the happy path and every fault, in milliseconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psutil
import pytest
from probe_fakes import FAKE_WORKER, FakeSampler

from advisor.inputs.measurements import parse_measurements
from probes import ProbeCancelled, ProbeSettings, ProbeSettingsError
from probes.runner import Runner
from probes.schedule import plan_rounds


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but still listed until its parent reaps it.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def test_a_clean_run_is_a_valid_measurements_file(run_fake) -> None:
    events = []
    result = run_fake(events=events)
    parse_measurements(result)  # contract 3, as the scoring reads it
    torch, tf = result["frameworks"]["pytorch"], result["frameworks"]["tensorflow"]
    assert torch["status"] == tf["status"] == "ok"
    assert (torch["path"], tf["path"]) == ("eager-loop", "keras-fit")
    assert set(tf["variants"]) == {"tf-function"}
    assert result["equivalence"]["ok"] and result["equivalence"]["max_abs_logit_diff"] == 0
    train = result["ratios"]["train"]
    assert train["estimate"] == pytest.approx(1.2, rel=0.03)  # fake steps: tf 1.2x slower
    assert train["ci95"][0] <= 1.2 <= train["ci95"][1] and train["pairs"] >= 4
    assert result["ratios"]["infer_latency"]["estimate"] < 1  # fake torch latency is lower
    assert torch["first_step_s"] == 0.5  # warm-up reported apart, not in the throughput
    assert torch["train_samples_per_s"]["windows"] >= 2
    phases = {e.phase for e in events}
    assert {"importing", "building", "equivalence", "warm-up", "training", "inference",
            "quality", "done"} <= phases  # fmt: skip
    assert any(e.message == "first step" for e in events)  # forwarded from the worker
    assert all(e.windows_done <= e.windows_planned for e in events if e.windows_planned)
    # The plan is made once: "planned" never changes after the first window is counted.
    planned = {e.framework: set() for e in events}
    for e in events:
        if e.windows_planned:
            planned[e.framework].add(e.windows_planned)
    assert all(len(v) == 1 for v in planned.values()), planned


def test_the_primary_figures_are_out_of_the_box_and_the_tuned_state_a_finding(run_fake) -> None:
    result = run_fake()
    parse_measurements(result)
    for entry in result["frameworks"].values():
        runtime = entry["runtime"]
        assert runtime["state"] == "out-of-the-box" and runtime["setting"] == ""
        assert runtime["untouched"] is True
        assert runtime["mmap_threshold"] == runtime["trim_threshold"] == "dynamic"
        assert not any(k.startswith("MALLOC_") or k == "LD_PRELOAD" for k in runtime["env"])
        (tuned,) = [s for s in entry["sensitivity"] if s["applies"] == "training"]
        assert tuned["setting"] == (
            "MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=268435456"
        )
        assert tuned["path"] == entry["path"] and tuned["status"] == "ok"
        assert tuned["speedup"]["estimate"] == pytest.approx(1.5, rel=0.03)  # the fake's gain
        assert tuned["speedup"]["ci95"][0] > 1.0
    # Both frameworks gain 1.5x when tuned, so their best states keep the 1.2 ratio.
    tuned_ratio = result["ratios"]["train_tuned"]
    assert tuned_ratio["estimate"] == pytest.approx(1.2, rel=0.03)
    assert set(tuned_ratio["settings"]) == {"pytorch", "tensorflow"}
    assert all("MALLOC_MMAP_THRESHOLD_" in v for v in tuned_ratio["settings"].values())


def _oplog(path: Path) -> list[tuple[float, str, str, int, str]]:
    """(time, framework, state, pid, what) for each line the fake workers logged."""
    rows = []
    for line in path.read_text().splitlines():
        t, fw, state, pid, what = line.split()
        rows.append((float(t), fw, state, int(pid), what))
    return rows


def test_nothing_but_loading_and_training_runs_before_a_timed_window(run_fake, tmp_path) -> None:
    """The state check compares what ran in each process, not speeds: it cannot flake."""
    oplog = tmp_path / "ops"
    run_fake(oplog=oplog)
    ops: dict[tuple[str, str, int], list[str]] = {}
    for _, fw, state, pid, what in _oplog(oplog):
        if what not in ("start", "hello"):
            ops.setdefault((fw, state, pid), []).append(what)
    kinds = [(fw, state) for fw, state, _ in ops]
    # Every framework and state ran in two processes, one after the other.
    assert sorted(kinds) == sorted((fw, s) for fw in ("pytorch", "tensorflow")
                                   for s in ("default", "tuned") for _ in (1, 2))  # fmt: skip
    for key, sequence in ops.items():
        last_window = max(i for i, op in enumerate(sequence) if op == "window")
        assert set(sequence[:last_window]) <= {"load", "warmup", "window"}, (key, sequence)
    # ... and what does move the state runs only afterwards, in the first default processes.
    first = {}
    for _, fw, state, pid, _what in _oplog(oplog):
        first.setdefault((fw, state), pid)
    for (fw, state), pid in first.items():
        sequence = ops[(fw, state, pid)]
        last_window = max(i for i, op in enumerate(sequence) if op == "window")
        if state == "default":
            assert {"latency", "throughput", "logits", "matmul", "quality"} <= set(
                sequence[last_window:]
            ), (fw, sequence)


def test_no_window_is_timed_while_a_worker_imports(run_fake, tmp_path) -> None:
    """Imports compete for the CPUs: every timed command (a training, latency or throughput
    window) runs while no worker process is between its start and its hello, the later
    processes' imports included (they overlap only the first processes' checks)."""
    oplog = tmp_path / "ops"
    run_fake({"tensorflow": "slow-import", "pytorch": "slow-import"}, oplog=oplog)
    rows = _oplog(oplog)
    importing: list[tuple[float, float]] = []
    started = {pid: t for t, _, _, pid, what in rows if what == "start"}
    for t, _, _, pid, what in rows:
        if what == "hello":
            importing.append((started[pid], t))
    assert len(importing) == 8  # two processes for each framework and state
    timed = [t for t, *_, what in rows if what in ("window", "latency", "throughput")]
    assert timed
    for t in timed:
        assert not any(a < t < b for a, b in importing), t


def test_a_probe_that_moves_the_state_before_timing_is_caught(run_fake) -> None:
    """The old warm-up traced inference (a batch-256 forward) before the timed windows."""

    class Careless(Runner):
        def _warm_up(self, max_s: float) -> None:
            super()._warm_up(max_s)
            for wr in self.fleet.alive():
                self.fleet.call(wr, "throughput", path=wr.paths[0].path, batches=1)

    result = run_fake(runner_class=Careless)
    for entry in result["frameworks"].values():
        assert entry["runtime"]["untouched"] is False
        assert any("ran throughput before a timed window" in f for f in entry["flags"])


def test_quick_measures_out_of_the_box_only(run_fake) -> None:
    result = run_fake(quick=True)
    parse_measurements(result)
    assert all(e["sensitivity"] == [] for e in result["frameworks"].values())
    assert result["machine"]["probe"]["tuning"] == "none"
    tuned = result["ratios"]["train_tuned"]
    assert tuned["estimate"] is None and "not measured" in tuned["reason"]
    assert result["ratios"]["train"]["estimate"] is not None


def test_a_crashed_tuned_worker_costs_only_its_finding(run_fake) -> None:
    result = run_fake({"pytorch": "crash-tuned"})
    parse_measurements(result)
    torch = result["frameworks"]["pytorch"]
    assert torch["status"] == "ok"
    (tuned,) = torch["sensitivity"]
    assert tuned["status"] == "failed" and tuned["speedup"] is None
    assert "Segmentation fault" in tuned["message"]
    assert result["ratios"]["train"]["estimate"] is not None
    assert result["ratios"]["train_tuned"]["estimate"] is None


def test_log_noise_on_stdout_and_stderr_cannot_corrupt_the_channel(run_fake) -> None:
    result = run_fake({"pytorch": "noisy", "tensorflow": "noisy"})
    assert {f["status"] for f in result["frameworks"].values()} == {"ok"}


def test_missing_framework_says_how_to_install_it(run_fake) -> None:
    result = run_fake({"tensorflow": "not-installed"})
    parse_measurements(result)
    tf = result["frameworks"]["tensorflow"]
    assert tf["status"] == "not_installed" and "pip install" in tf["message"]
    assert result["frameworks"]["pytorch"]["status"] == "ok"
    assert result["ratios"]["train"]["estimate"] is None
    assert "tensorflow not installed" in result["ratios"]["train"]["reason"]
    assert result["equivalence"]["ok"] is False


@pytest.mark.parametrize("quick", [False, True], ids=["default", "quick"])
@pytest.mark.parametrize(
    ("mode", "status", "words"),
    [
        ("crash-import", "failed", "simulated broken wheel"),
        ("crash-warmup", "failed", "Killed (simulated)"),
        ("crash-window", "failed", "Segmentation fault"),
        ("garbage", "failed", "garbage on the protocol channel"),
        ("hang-window", "timeout", "no answer to 'window'"),
        ("hang-import", "timeout", "no answer to 'start-up'"),
    ],
)
def test_a_broken_worker_fails_alone_and_promptly(run_fake, mode, status, words, quick) -> None:
    t = time.monotonic()
    result = run_fake({"tensorflow": mode}, command_timeout_s=1.0, quick=quick)
    assert time.monotonic() - t < 15
    parse_measurements(result)
    tf = result["frameworks"]["tensorflow"]
    assert tf["status"] == status
    assert words in tf["message"]
    assert "\n" not in tf["message"]  # one line for the terminal ...
    if status == "failed" and mode != "garbage":
        assert any(words in line for line in tf["log_tail"])  # ... the log kept in the file
    torch = result["frameworks"]["pytorch"]
    assert torch["status"] == "ok" and torch["train_samples_per_s"]["windows"] >= 2
    assert all(result["ratios"][k]["estimate"] is None for k in result["ratios"])


def test_low_accuracy_fails_the_framework(run_fake) -> None:
    result = run_fake({"pytorch": "low-accuracy"})
    torch = result["frameworks"]["pytorch"]
    assert torch["status"] == "failed"
    assert "held-out accuracy 0.42 is below 0.80" in torch["message"]
    assert result["ratios"]["train"]["estimate"] is None


def test_different_logits_block_the_ratios(run_fake) -> None:
    result = run_fake({"tensorflow": "wrong-logits"})
    eq = result["equivalence"]
    assert eq["ok"] is False and eq["max_abs_logit_diff"] == pytest.approx(0.01)
    assert "logits differ" in eq["reason"]
    assert result["ratios"]["train"]["estimate"] is None
    assert any("equivalence" in f for f in result["frameworks"]["pytorch"]["flags"])


def test_a_failing_variant_leaves_the_framework_ok(run_fake) -> None:
    result = run_fake({"tensorflow": "variant-error"})
    tf = result["frameworks"]["tensorflow"]
    assert tf["status"] == "ok"
    assert tf["variants"]["tf-function"]["status"] == "failed"
    assert "simulated trace error" in tf["variants"]["tf-function"]["message"]
    assert result["ratios"]["train"]["estimate"] is not None
    assert result["ratios"]["train_lean"]["estimate"] is None


def test_compiled_mode_without_a_compiler_is_skipped_not_crashed(run_fake) -> None:
    result = run_fake({"pytorch": "no-cxx"}, compiled=True)
    parse_measurements(result)
    torch = result["frameworks"]["pytorch"]
    assert torch["status"] == "ok"
    skipped = torch["variants"]["torch-compile"]
    assert skipped["status"] == "not_installed" and "compiler" in skipped["message"]
    jit = result["frameworks"]["tensorflow"]["variants"]["keras-jit"]
    assert jit["status"] == "ok" and jit["compile_s"] == 0.5


def test_one_framework_alone_has_no_ratio(run_fake) -> None:
    result = run_fake(frameworks=("pytorch",))
    assert set(result["frameworks"]) == {"pytorch"}
    assert result["ratios"]["train"] == {"estimate": None,
                                         "reason": "only one framework was probed"}  # fmt: skip


def test_cancel_kills_the_workers_and_raises(run_fake, tmp_path) -> None:
    pidfile = tmp_path / "pids"
    cancel = threading.Event()

    class CancelOnceTraining(list):
        """Cancels half a second after the first warm-up: every worker has started by then,
        and the first window hangs, however loaded the machine is."""

        def append(self, event) -> None:
            if event.phase == "warm-up" and not any(e.phase == "warm-up" for e in self):
                threading.Timer(0.5, cancel.set).start()
            super().append(event)

    t = time.monotonic()
    with pytest.raises(ProbeCancelled):
        run_fake({"pytorch": "hang-window", "tensorflow": "hang-window"}, cancel=cancel,
                 pidfile=pidfile, events=CancelOnceTraining())  # fmt: skip
    assert time.monotonic() - t < 15
    pids = [int(p) for p in pidfile.read_text().split()]
    # Two frameworks, each out of the box and in the glibc-threshold state.
    assert len(pids) == 4 and not any(_alive(p) for p in pids)


def test_ctrl_c_leaves_no_worker_behind(tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"
    driver = tmp_path / "driver.py"
    driver.write_text(
        textwrap.dedent(f"""
        import signal
        import sys
        # Python raises KeyboardInterrupt only where SIGINT was not ignored when it started;
        # a test run started in the background by a script (`cmd &`) passes it on ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.path.insert(0, {str(FAKE_WORKER.parent)!r})
        from probe_fakes import fake_launcher
        from probes import ProbeSettings
        from probes.runner import Runner
        print("started", flush=True)
        Runner(ProbeSettings(budget_s=6), launcher=fake_launcher(
            {{"pytorch": "hang-window", "tensorflow": "hang-window"}},
            {str(pidfile)!r})).run()
    """)
    )
    proc = subprocess.Popen([sys.executable, str(driver)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if pidfile.exists() and len(pidfile.read_text().split()) == 4:
            break
        time.sleep(0.05)
    time.sleep(0.5)  # both are now inside their first window, hanging
    pids = [int(p) for p in pidfile.read_text().split()]
    assert all(_alive(p) for p in pids)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert "KeyboardInterrupt" in err
    time.sleep(0.2)
    assert not any(_alive(p) for p in pids), "a worker outlived Ctrl-C"


def test_settings_are_checked_before_anything_runs() -> None:
    with pytest.raises(ProbeSettingsError, match="floor"):
        ProbeSettings(budget_s=1)
    with pytest.raises(ProbeSettingsError, match="unknown framework"):
        ProbeSettings(frameworks=("jax",))
    with pytest.raises(ProbeSettingsError):
        ProbeSettings(frameworks=())
    assert ProbeSettings(quick=True).effective_budget_s < ProbeSettings().effective_budget_s


def test_quick_runs_one_process_per_framework_unless_told_otherwise() -> None:
    # --quick promises 30 s; a second process pays another import and warm-up.
    assert ProbeSettings().processes == 2
    assert ProbeSettings(quick=True).processes == 1
    assert ProbeSettings(quick=True, processes=2).processes == 2
    two = ProbeSettings(quick=True, processes=2)
    assert ProbeSettings(quick=True).key_fields() != two.key_fields()


def test_rounds_fill_the_budget_within_bounds() -> None:
    assert plan_rounds(36.0, 3, quick=False) == 8
    assert plan_rounds(8.0, 3, quick=True) == 4
    assert plan_rounds(4.0, 3, quick=False) == 4  # never fewer than two mirrored blocks
    assert plan_rounds(16.0, 3, quick=False) == 6


@pytest.mark.parametrize(("mode", "words"), [
    ("oom-spin", "reached its 0.4 GB address-space limit (ulimit -v) and made no progress"),
    ("oom-crash", "last log line: MemoryError; this process may use 0.4 GB of address space"),
])  # fmt: skip
def test_a_worker_out_of_memory_is_said_to_be_and_promptly(no_gaps, mode, words) -> None:
    # Under `ulimit -v` a framework's import may fail, or spin at full speed without ever
    # answering (TensorFlow's does): either way the run says "out of memory" within seconds,
    # not "timeout" after the 180 s a cold import may take.
    from probe_fakes import fake_launcher

    launcher = fake_launcher({"tensorflow": mode}, address_space={"tensorflow": 400 * 2**20})
    t = time.monotonic()
    result = Runner(ProbeSettings(budget_s=6.0, quick=True), launcher=launcher).run()
    assert time.monotonic() - t < 25
    tf = result["frameworks"]["tensorflow"]
    assert tf["status"] == "failed"
    assert tf["message"].startswith("out of memory during 'start-up'"), tf["message"]
    assert words in tf["message"], tf["message"]
    assert result["frameworks"]["pytorch"]["status"] == "ok"
    # Shared by two processes in turn, each running whole mirrored blocks.
    assert plan_rounds(16.0, 3, quick=False, legs=2) == 4
    assert plan_rounds(36.0, 3, quick=False, legs=2) == 8
    assert plan_rounds(8.0, 3, quick=True, legs=2) == 4
    assert plan_rounds(36.0, 3, quick=False, legs=3) == 6


def test_a_busy_machine_leaves_no_figure_to_score(run_fake) -> None:
    """Other processes used a core during every window: neither framework is measured (the
    status is failed, so that older readers do not score it either), the result says how
    busy the machine was, and nothing advises a setting."""
    events: list = []
    result = run_fake(sampler=FakeSampler(cores=1.0), events=events)
    m = parse_measurements(result)
    for fw, entry in result["frameworks"].items():
        assert entry["status"] == "failed", fw
        assert entry["message"].startswith("not measured: the machine was busy (other "
                                           "processes used 100% of a core during ")  # fmt: skip
        assert entry["disturbance"]["busy"] is True
        assert entry["disturbance"]["disturbed"] == entry["disturbance"]["windows"] >= 4
        assert m.frameworks[fw].busy and m.frameworks[fw].worth_adding() == []  # type: ignore[index]
        assert all(s["status"] == "failed" for s in entry["sensitivity"])
    assert all(r["estimate"] is None for r in result["ratios"].values())
    assert result["machine"]["probe"]["busy_limit_cores"] > 0
    said = [e.message for e in events if e.phase == "training"]
    assert said and all("disturbed: others used 100% of a core; left out" in x for x in said)
    assert events[-1].disturbed == events[-1].windows_done
    assert [e.phase for e in events[-2:]] == ["busy", "busy"]  # what the displays show


def test_a_disturbed_window_is_left_out_with_its_pair(run_fake) -> None:
    """Others used a core during the first window only: that window's path keeps the rest,
    says it left one out, and every ratio with that path drops that round's pair."""
    result = run_fake(sampler=FakeSampler(disturbed={0}, cores=1.0))
    parse_measurements(result)
    entries = {fw: [e, *(e.get("variants") or {}).values()]
               for fw, e in result["frameworks"].items()}  # fmt: skip
    hit = [(fw, e) for fw, es in entries.items() for e in es if e["disturbance"]["disturbed"]]
    assert len(hit) == 1
    fw, entry = hit[0]
    assert entry["disturbance"]["windows"] - 1 == entry["train_samples_per_s"]["windows"]
    assert any("1 of" in f and "windows left out" in f for f in entry["flags"])
    assert all(e["status"] == "ok" for e in result["frameworks"].values())
    dropped = {k: r.get("dropped_pairs", 0) for k, r in result["ratios"].items()
               if r.get("estimate") is not None}  # fmt: skip
    assert sum(dropped.values()) >= 1, dropped


def test_each_framework_trains_in_two_processes_and_says_how_far_apart(run_fake) -> None:
    result = run_fake()
    probe = result["machine"]["probe"]
    assert probe["processes"] == probe["processes_planned"] == 2
    assert probe["rounds"] == probe["rounds_planned"] and probe["rounds"] % 4 == 0
    assert probe["paths"] == {
        "pytorch": ["eager-loop", "eager-loop (glibc-thresholds)"],
        "tensorflow": ["keras-fit", "tf-function", "keras-fit (glibc-thresholds)"],
    }
    assert len(probe["restart_s"]) == 1
    for entry in result["frameworks"].values():
        assert [p["process"] for p in entry["processes"]] == [1, 2]
        assert entry["process_spread"] >= 1.0
    train = result["ratios"]["train"]
    assert len(train["by_process"]) == 2
    # the between-process term of two processes: 1/sqrt(2) of one's, at least
    one = run_fake(processes=1)["ratios"]["train"]
    assert train["process_sd"] <= one["process_sd"]


def test_more_processes_each_train_their_share_of_the_rounds(run_fake) -> None:
    """Every process asked for runs a leg of its own, each started after the one before:
    a third process once never started, and its rounds went untrained."""
    result = run_fake(processes=3)
    probe = result["machine"]["probe"]
    assert probe["processes"] == probe["processes_planned"] == 3
    assert probe["rounds"] == probe["rounds_planned"] and probe["rounds"] % 6 == 0
    assert len(probe["restart_s"]) == 2
    for entry in result["frameworks"].values():
        assert [p["process"] for p in entry["processes"]] == [1, 2, 3]
    assert len(result["ratios"]["train"]["by_process"]) == 3


def test_a_cancel_while_the_second_processes_start_leaves_no_worker_behind(run_fake,
                                                                           tmp_path) -> None:
    pidfile = tmp_path / "pids"
    cancel = threading.Event()

    class CancelAtTheSecondProcesses(list):
        def append(self, event) -> None:
            if event.phase == "importing" and event.process == 2:
                cancel.set()
            super().append(event)

    with pytest.raises(ProbeCancelled):
        run_fake({"pytorch": "slow-import", "tensorflow": "slow-import"}, cancel=cancel,
                 pidfile=pidfile, events=CancelAtTheSecondProcesses())  # fmt: skip
    pids = [int(p) for p in pidfile.read_text().split()]
    assert len(pids) >= 4 and not any(_alive(p) for p in pids)
    # The second processes may be killed before they could write their pid: none is left.
    assert psutil.Process().children(recursive=True) == []
