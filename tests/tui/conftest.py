"""TUI test fixtures: a private HOME and cache, no colour settings leaking in, a fake runner."""

from __future__ import annotations

import asyncio
import inspect
import time
from pathlib import Path
from typing import Any

import pytest
from tui_fakes import MEASUREMENTS, FakeRunner


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)
    # Times are shown in the local zone; pin it, so that pictures and texts do not depend on it.
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture(autouse=True)
def _the_fake_runners_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake runner measures "this machine": the app must take its results as such, on
    whatever machine the tests run (a file from another machine weighs less)."""
    from advisor import machine

    fake = MEASUREMENTS["machine"]
    monkeypatch.setattr(machine, "this_machine",
                        lambda: machine.MachineId(fake["cpu"], fake["logical_cores"]))


@pytest.fixture
def runner() -> FakeRunner:
    return FakeRunner()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Any:
    """Run ``async def`` tests in a fresh event loop (Pilot needs one; no plugin required)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True
