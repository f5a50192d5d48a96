"""Fixtures for the probe tests: a private cache, fake workers, and the no-framework rule."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from probe_fakes import fake_launcher

import probes.runner
from probes import ProbeSettings
from probes.runner import Runner
from probes.workloads.data import digits_28


@pytest.fixture(autouse=True, scope="session")
def _no_framework_in_pytest() -> Iterator[None]:
    """The pytest process itself never imports a framework: only workers do."""
    yield
    leaked = {"torch", "tensorflow", "keras"} & set(sys.modules)
    assert not leaked, f"the test process imported {sorted(leaked)}"


@pytest.fixture(scope="session")
def _digits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The resized digits, made once: scikit-learn's import costs a second per bundle."""
    d = tmp_path_factory.mktemp("data")
    digits_28(d)
    return d


@pytest.fixture(autouse=True)
def cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, _digits: Path
) -> Path:
    """Every test gets an empty result cache, so no stale result can make it pass; only the
    input data, which no test is about, is shared."""
    d = tmp_path_factory.mktemp("cache")
    shutil.copytree(_digits, d / "data")
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(d))
    return d


@pytest.fixture
def no_gaps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake workers have no thread pools to cool down; skip the gaps so tests take ms."""
    monkeypatch.setattr(probes.runner, "GAP_S", 0.0)
    monkeypatch.setattr(probes.runner, "INFER_GAP_S", 0.0)


@pytest.fixture
def run_fake(no_gaps: None) -> Callable[..., dict]:
    """run_fake({"tensorflow": "crash-window"}, budget_s=6, ...) -> contract-3 dict.

    Not --quick unless asked, so the glibc-threshold state is measured too (on glibc)."""

    def _run(modes: dict[str, str] | None = None, *, events: list | None = None,
             cancel=None, pidfile: Path | None = None, oplog: Path | None = None,
             runner_class: type[Runner] = Runner, sampler=None,
             **settings: object) -> dict:  # fmt: skip
        settings.setdefault("budget_s", 6.0)
        runner = runner_class(
            ProbeSettings(**settings),  # type: ignore[arg-type]
            launcher=fake_launcher(modes or {}, pidfile, oplog),
            on_event=events.append if events is not None else None,
            cancel=cancel,
            sampler=sampler,
        )
        return runner.run()

    return _run
