"""SIGTERM and SIGHUP mid-probe are handled like Ctrl-C (issue 10, item 7): the workers are
stopped and reaped, the probe's temporary folder is removed, and the exit status is 128 + the
signal's number. Each case runs the real command line in a subprocess whose probe workers are
the fake ones (they hang in their first timed window, so the signal always lands mid-probe)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from probe_fakes import FAKE_WORKER

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "android-app.yaml"

DRIVER = """
import functools, sys
sys.path.insert(0, {fakes!r})
from probe_fakes import fake_launcher
import probes.runner
from probes.runner import Runner

def run_probes(settings, *, on_event=None, cancel=None):
    launcher = fake_launcher({{"pytorch": "hang-window", "tensorflow": "hang-window"}},
                             {pidfile!r})
    return Runner(settings, on_event=on_event, cancel=cancel, launcher=launcher).run()

probes.runner.run_probes = run_probes
{setup}
from advisor.cli import main
sys.exit(main({argv!r}))
"""

# The app, headless (no terminal needed, so the command line's check for one is lifted); a
# complete answers file sends it straight to its probe screen.
APP_SETUP = """
from advisor.system import streams
from advisor.tui import app as tui_app
streams.terminal_problem = lambda: None
from probes import ProbeSettings
tui_app.AdvisorApp.run = functools.partialmethod(tui_app.AdvisorApp.run, headless=True)
make_app = tui_app.make_app
tui_app.make_app = lambda **kw: make_app(**kw, probe_settings=ProbeSettings(quick=True))
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead, only not yet reaped by its new parent
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _pids(pidfile: Path) -> list[int]:
    return [int(p) for p in pidfile.read_text().split()] if pidfile.exists() else []


def _run_until_probing_then(
    sig: int, argv: list[str], tmp_path: Path, *, workers: int, setup: str = ""
) -> tuple[subprocess.CompletedProcess, list[int]]:
    pidfile = tmp_path / "pids"
    driver = tmp_path / "driver.py"
    driver.write_text(textwrap.dedent(DRIVER).format(
        fakes=str(FAKE_WORKER.parent), pidfile=str(pidfile), argv=argv, setup=setup))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}  # where the probe makes its folder
    env.pop("PYTHONPATH", None)
    proc = subprocess.Popen([sys.executable, str(driver)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)  # fmt: skip
    deadline = time.monotonic() + 60
    while len(_pids(pidfile)) < workers and time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the run ended before probing: {proc.communicate()}")
        time.sleep(0.05)
    time.sleep(1.0)  # into the first window, where the fake workers hang
    pids = _pids(pidfile)
    assert len(pids) >= workers and all(_alive(p) for p in pids), "workers are running"
    assert [p.name for p in scratch.iterdir() if p.name.startswith("advisor-probe-")], \
        "the probe's temporary folder exists while it runs"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    assert "Traceback" not in err, err
    time.sleep(0.2)
    assert not [p for p in pids if _alive(p)], "a worker outlived the signal"
    left = [p.name for p in scratch.iterdir() if p.name.startswith("advisor-probe-")]
    assert left == [], f"temporary folders left behind: {left}"
    return result, pids


@pytest.mark.parametrize(("sig", "code", "words"), [
    (signal.SIGTERM, 143, "terminated (SIGTERM)"),
    (signal.SIGHUP, 129, "hung up (SIGHUP)"),
])  # fmt: skip
def test_advisor_probe(tmp_path, sig, code, words) -> None:
    out = tmp_path / "m.json"
    r, _ = _run_until_probing_then(
        sig, ["probe", "--quick", "--format", "json", "--output", str(out)], tmp_path, workers=2)
    assert r.returncode == code
    assert words in r.stderr and "every probe worker was stopped" in r.stderr
    assert not out.exists(), "no result file from an interrupted probe"


def test_advisor_answers_probes_by_default(tmp_path) -> None:
    out = tmp_path / "report.json"
    r, _ = _run_until_probing_then(
        signal.SIGTERM, ["--answers", str(EXAMPLE), "--format", "json", "--output", str(out)],
        tmp_path, workers=2)
    assert r.returncode == 143, r.stderr
    assert r.stderr.strip().splitlines()[-1] == "advisor: terminated (SIGTERM)"
    assert r.stdout == "" and not out.exists()


def test_the_app(tmp_path) -> None:
    r, _ = _run_until_probing_then(
        signal.SIGTERM, ["--tui", "--answers", str(EXAMPLE)], tmp_path, workers=2,
        setup=APP_SETUP)
    assert r.returncode == 143, r.stderr
    assert "advisor: terminated (SIGTERM)" in r.stderr


def test_a_second_ctrl_c_does_not_cut_the_clean_up_short(tmp_path) -> None:
    # Ctrl-C pressed again and again while the first one's clean-up runs (issue 22): every
    # worker is ended before the advisor exits, and it says so in one line.
    pidfile = tmp_path / "pids"
    driver = tmp_path / "driver.py"
    out = tmp_path / "m.json"
    argv = ["probe", "--quick", "--format", "json", "--output", str(out)]
    driver.write_text(textwrap.dedent(DRIVER).format(
        fakes=str(FAKE_WORKER.parent), pidfile=str(pidfile), argv=argv, setup=""))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen([sys.executable, str(driver)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)  # fmt: skip
    deadline = time.monotonic() + 60
    while len(_pids(pidfile)) < 2 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    time.sleep(1.0)  # into the first window, where the fake workers hang
    pids = _pids(pidfile)
    assert len(pids) == 2 and all(_alive(p) for p in pids)
    for _ in range(300):  # a storm of Ctrl-C, one every millisecond, until it has exited
        if proc.poll() is not None:
            break
        try:
            proc.send_signal(signal.SIGINT)
        except ProcessLookupError:
            break
        time.sleep(0.001)
    _, err = proc.communicate(timeout=30)
    alive = [p for p in pids if _alive(p)]
    for p in alive:  # leave nothing behind, whatever the outcome
        os.kill(p, signal.SIGKILL)
    assert not alive, "a worker outlived the advisor"
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    assert err.strip().splitlines()[-1] == "advisor: interrupted; every probe worker was stopped"
    assert err.count("interrupted") == 1, err
    assert not out.exists()


PROBES_ALONE = """
import signal
import sys
# Python raises KeyboardInterrupt only where SIGINT was not ignored when it started; a test
# run started in the background by a script (`cmd &`) passes it on ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path.insert(0, {fakes!r})
from probe_fakes import fake_launcher
from probes import ProbeSettings
from probes.runner import Runner

launcher = fake_launcher({{"pytorch": "hang-window", "tensorflow": "hang-window"}}, {pidfile!r})
Runner(ProbeSettings(quick=True), launcher=launcher).run()
"""


def test_the_probes_alone_end_every_worker_under_a_storm_of_ctrl_c(tmp_path) -> None:
    # An embedding program keeps Python's own Ctrl-C handler: the probes' clean-up itself
    # must not be cut short by the next one.
    pidfile = tmp_path / "pids"
    driver = tmp_path / "driver.py"
    driver.write_text(textwrap.dedent(PROBES_ALONE).format(
        fakes=str(FAKE_WORKER.parent), pidfile=str(pidfile)))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(EXAMPLE.parents[1])
    proc = subprocess.Popen([sys.executable, str(driver)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)  # fmt: skip
    deadline = time.monotonic() + 60
    while len(_pids(pidfile)) < 2 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    time.sleep(1.0)
    pids = _pids(pidfile)
    for _ in range(300):
        if proc.poll() is not None:
            break
        try:
            proc.send_signal(signal.SIGINT)
        except ProcessLookupError:
            break
        time.sleep(0.001)
    proc.communicate(timeout=30)
    alive = [p for p in pids if _alive(p)]
    for p in alive:
        os.kill(p, signal.SIGKILL)
    assert not alive, "a worker outlived the program that started it"
