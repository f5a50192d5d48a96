"""Shared fixtures: paths into the checkout, a scratch-file writer, and the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the probe cache of the user running the tests."""
    d = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(d))
    return d


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(name, text_or_bytes) -> path of a new file under tmp_path."""

    def _write(name: str, content: str | bytes) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return p

    return _write


@pytest.fixture
def run_advisor(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m advisor ARGS`` in a fresh process whose working directory is tmp_path.

    The cwd is outside the checkout on purpose: the advisor must find its bundled rules by
    itself. stdout is a pipe, not a terminal, so text reports come without colour codes.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COLUMNS"}}
    env["PYTHONIOENCODING"] = "utf-8"

    def _run(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "advisor", *map(str, args)],
            cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8",
            timeout=timeout, check=False,
        )

    return _run
