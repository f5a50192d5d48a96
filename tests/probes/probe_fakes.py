"""Launching the fake worker in place of a real one (shared by fixtures and drivers)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

FAKE_WORKER = Path(__file__).with_name("fake_worker.py")


def fake_launcher(
    modes: dict[str, str], pidfile: Path | None = None, oplog: Path | None = None
) -> Callable[[str, int], list[str]]:
    """A launcher that starts fake_worker.py in `modes[framework]` (default "ok"); each
    worker appends its pid to `pidfile` and the commands it runs to `oplog` (workers get
    an allow-listed environment only, so files are passed as arguments)."""

    def launch(framework: str, threads: int) -> list[str]:
        extra = ["--pidfile", str(pidfile)] if pidfile else []
        extra += ["--oplog", str(oplog)] if oplog else []
        return [sys.executable, str(FAKE_WORKER), "--mode", modes.get(framework, "ok"),
                "--framework", framework, "--threads", str(threads), *extra]  # fmt: skip

    return launch
