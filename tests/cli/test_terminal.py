"""How a text report is drawn where it lands: the width from COLUMNS or the terminal, never
wider than is readable, a sane width on a terminal that reports none, and no colour where the
terminal or the user says so. Each case runs the command as a user does, on a real
pseudo-terminal where a terminal matters."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "android-app.yaml"
REPORT = ("--answers", str(EXAMPLE), "--no-probe")
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
BASE = {k: v for k, v in os.environ.items()
        if k not in {"COLUMNS", "LINES", "NO_COLOR", "TERM", "PYTHONPATH"}}


def _on_a_terminal(columns: int, rows: int = 24, **env: str) -> str:
    """The report as a terminal of ``columns`` × ``rows`` receives it (0 × 0: one that says
    nothing of its size, as under ``script``)."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    with subprocess.Popen([sys.executable, "-m", "advisor", *REPORT], stdout=child,
                          stderr=subprocess.PIPE,
                          env={**BASE, "TERM": "xterm-256color", **env}) as proc:
        os.close(child)
        out = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            out += chunk
        os.close(main)
        assert proc.stderr is not None
        errors = proc.stderr.read()
        assert proc.wait(timeout=60) == 0, errors
    return out.decode("utf-8").replace("\r\n", "\n")


def _piped(**env: str) -> str:
    r = subprocess.run([sys.executable, "-m", "advisor", *REPORT], capture_output=True,
                       text=True, encoding="utf-8", env={**BASE, **env}, timeout=60, check=True)
    return r.stdout


def _widest(text: str) -> int:
    return max(len(ESCAPE.sub("", line)) for line in text.splitlines())


@pytest.mark.parametrize("columns", [60, 80])
def test_a_piped_report_honours_columns(columns: int) -> None:
    assert _widest(_piped(COLUMNS=str(columns))) == columns


def test_a_piped_report_without_columns_is_drawn_at_the_readable_width() -> None:
    assert _widest(_piped()) == 100


def test_prose_never_runs_past_the_readable_width_on_a_wide_terminal() -> None:
    assert _widest(_on_a_terminal(200)) == 100
    assert _widest(_piped(COLUMNS="200")) == 100


def test_a_terminal_is_filled_to_its_width() -> None:
    assert _widest(_on_a_terminal(72)) == 72


def test_a_terminal_that_reports_no_size_gets_the_classic_80() -> None:
    # Under `script` (a 0×0 pty) the report once came out empty.
    text = _on_a_terminal(0, rows=0)
    assert "Recommendation: TensorFlow" in text
    assert _widest(text) == 80


def test_colour_on_a_colour_terminal_only() -> None:
    assert ESCAPE.search(_on_a_terminal(80))
    for env in ({"TERM": "xterm-mono"}, {"TERM": "dumb"}, {"NO_COLOR": "1"}):
        text = _on_a_terminal(80, **env)
        assert "Recommendation: TensorFlow" in text and not ESCAPE.search(text), env
    assert not ESCAPE.search(_piped(TERM="xterm-256color"))
