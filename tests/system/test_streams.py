"""Every command without a terminal (issue 22, item 1): the app says at once that it needs one,
a report reaches a pipe, a file or a 0×0 pty whole, a reader that goes away ends the run
quietly, a full or closed stdout is one line and exit 2, and progress on stderr never stops
``--output`` from being written. Real processes, with their streams wired as a CI job, a
container or a shell pipeline wires them."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "android-app.yaml"

ADVISOR = [sys.executable, "-m", "advisor"]
TEMPLATE = ["questions", "--template"]
REPORT = ["--answers", str(EXAMPLE), "--no-probe"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COLUMNS"}}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _pty(columns: int, rows: int) -> tuple[int, int]:
    """A pseudo-terminal of the given size: (our end, the process's end)."""
    ours, theirs = os.openpty()
    fcntl.ioctl(theirs, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    return ours, theirs


def _read_all(fd: int) -> bytes:
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the process's end is closed
            return out
        if not chunk:
            return out
        out += chunk


def _one_error_line(stderr: str, *needles: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1, stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


# --- the app needs a terminal ------------------------------------------------------------------

def _app_without_terminal(tmp_path: Path, wiring: str) -> tuple[int, str, float]:
    err = tmp_path / "err"
    ours = theirs = None
    stdin: int | None = subprocess.DEVNULL
    stdout: int = subprocess.DEVNULL
    argv = ADVISOR
    if wiring == "stdin closed":
        argv = ["bash", "-c", 'exec "$@" <&-', "advisor", *ADVISOR]
    elif wiring in ("stdin a terminal", "stdout a terminal"):
        ours, theirs = _pty(80, 24)
        if wiring == "stdin a terminal":
            stdin = theirs
        else:
            stdout = theirs
    start = time.monotonic()
    try:
        with err.open("w") as e:
            # CI jobs, `docker run` without -t, cron and `setsid` start it like this.
            r = subprocess.run(argv, stdin=stdin, stdout=stdout, stderr=e, env=_env(),
                               cwd=tmp_path, timeout=15, check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"`advisor` with {wiring} did not end within 15 s")
    finally:
        for fd in (ours, theirs):
            if fd is not None:
                os.close(fd)
    return r.returncode, err.read_text(), time.monotonic() - start


@pytest.mark.parametrize("wiring", ["stdin and stdout not terminals", "stdin closed",
                                    "stdin a terminal", "stdout a terminal"])  # fmt: skip
def test_the_app_without_a_terminal_says_what_to_run_instead(tmp_path, wiring) -> None:
    code, err, took = _app_without_terminal(tmp_path, wiring)
    assert code == 2, err
    _one_error_line(err, "advisor: error: ", "needs a terminal", "advisor --answers FILE",
                    "advisor questions --template")
    assert took < 10, f"took {took:.1f} s: it must say so at once, not after a time-out"


# --- a report reaches whatever stdout is --------------------------------------------------------

def test_a_zero_by_zero_pty_gets_the_whole_text_report(tmp_path) -> None:
    # `script`, and `docker run -t` from a CI runner, give a terminal that reports 0×0.
    ours, theirs = _pty(0, 0)
    proc = subprocess.Popen([*ADVISOR, *REPORT], stdin=theirs, stdout=theirs, stderr=theirs,
                            env=_env(), cwd=tmp_path, start_new_session=True)  # fmt: skip
    os.close(theirs)
    try:
        out = _read_all(ours).decode("utf-8", "replace")
    finally:
        os.close(ours)
    assert proc.wait(timeout=60) == 0, out
    for heading in ("Recommendation: ", "Reasons", "Measurements", "Your answers", "Provenance"):
        assert heading in out, (heading, out[:400])


def _closed_stdout(argv: list[str]) -> list[str]:
    return ["bash", "-c", 'exec "$@" >&-', "advisor", *argv]


COMMANDS = {
    "--answers": REPORT,
    "questions --template": TEMPLATE,
    "rules check": ["rules", "check"],
    "probe": ["probe", "--format", "json"],
}


@pytest.mark.parametrize("stdout", ["/dev/full", "closed"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_full_or_closed_stdout_is_one_line_and_exit_2(
    advisor_argv, advisor_env, tmp_path, command, stdout
) -> None:
    if stdout == "/dev/full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    argv = advisor_argv(*COMMANDS[command])
    if stdout == "closed":
        r = subprocess.run(_closed_stdout(argv), stderr=subprocess.PIPE, text=True,
                           env=advisor_env, cwd=tmp_path, timeout=120, check=False)  # fmt: skip
    else:
        with open(stdout, "w") as full:
            r = subprocess.run(argv, stdout=full, stderr=subprocess.PIPE, text=True,
                               env=advisor_env, cwd=tmp_path, timeout=120, check=False)  # fmt: skip
    assert r.returncode == 2, r.stderr
    why = "stdout is closed" if stdout == "closed" else "No space left on device"
    _one_error_line(r.stderr.splitlines()[-1] if command == "probe" else r.stderr,
                    "advisor: error: ", why)
    if command == "probe":  # progress and the cache notice come first; nothing after the error
        assert "Traceback" not in r.stderr


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_fail_on_a_full_stdout_and_go_to_stderr_when_it_is_closed(
    advisor_argv, advisor_env, tmp_path, flag
) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        r = subprocess.run(advisor_argv(flag), stdout=full, stderr=subprocess.PIPE, text=True,
                           env=advisor_env, cwd=tmp_path, timeout=60, check=False)  # fmt: skip
    assert r.returncode == 2, r.stderr
    _one_error_line(r.stderr, "advisor: error: ", "No space left on device")
    r = subprocess.run(_closed_stdout(advisor_argv(flag)), stderr=subprocess.PIPE, text=True,
                       env=advisor_env, cwd=tmp_path, timeout=60, check=False)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert ("usage: advisor" if flag == "--help" else "advisor ") in r.stderr  # argparse's fallback


@pytest.mark.parametrize("argv", [REPORT, TEMPLATE], ids=["--answers", "questions --template"])
def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path, argv) -> None:
    # `advisor ... | head -1` when head has read its line: as `yes | head -1` ends, silently.
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the first byte
    try:
        r = subprocess.run([*ADVISOR, *argv], stdout=writer, stderr=subprocess.PIPE, text=True,
                           env=_env(), cwd=tmp_path, timeout=60, check=False)  # fmt: skip
    finally:
        os.close(writer)
    assert r.returncode == 141, r.stderr  # 128 + SIGPIPE, what a shell shows for `yes | head`
    assert r.stderr == ""


# --- progress on stderr never stops the report --------------------------------------------------

def test_output_is_written_when_the_reader_of_stderr_goes_away(
    advisor_argv, advisor_env, tmp_path
) -> None:
    # `advisor --answers a.yaml --output r.md 2>&1 | true`: progress after `true` has ended.
    report = tmp_path / "r.md"
    reader, writer = os.pipe()
    os.close(reader)
    env = {**advisor_env, "EVENTS": "12", "PAUSE_S": "0.01"}
    try:
        r = subprocess.run(advisor_argv("--answers", EXAMPLE, "--format", "markdown",
                                        "--output", report),
                           stdout=writer, stderr=writer, env=env, cwd=tmp_path, timeout=60,
                           check=False)  # fmt: skip
    finally:
        os.close(writer)
    assert r.returncode == 0
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# ") and "## Provenance" in text and "## Measurements" in text


def test_output_is_written_with_stderr_closed(advisor_argv, advisor_env, tmp_path) -> None:
    report = tmp_path / "r.json"
    env = {**advisor_env, "EVENTS": "5"}
    r = subprocess.run(["bash", "-c", 'exec "$@" 2>&-', "advisor",
                        *advisor_argv("--answers", EXAMPLE, "--format", "json",
                                      "--output", report)],
                       stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path, timeout=60,
                       check=False)  # fmt: skip
    assert r.returncode == 0 and r.stdout == ""
    assert '"recommendation"' in report.read_text(encoding="utf-8")
