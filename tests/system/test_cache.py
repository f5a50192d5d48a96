"""The probe cache is somebody else's file too (issue 22, item 3): an entry that is valid JSON
but not a result a probe writes is set aside with one line naming it, and measured again, on
every command that reads the cache; `advisor --answers --refresh` measures again on request.
Real processes; the probe is the fake one of tests/system/conftest.py."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "android-app.yaml"


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=60, check=False)  # fmt: skip


def _entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "probes").glob("*.json"))


@pytest.fixture
def counted(advisor_env: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], Path]:
    runs = tmp_path / "runs"
    return {**advisor_env, "RUNS": str(runs)}, runs


def _measured(runs: Path) -> int:
    return len(runs.read_text().splitlines()) if runs.exists() else 0


def _tamper(entry: Path, how: str) -> None:
    data = json.loads(entry.read_text())
    if how == "a median of 'NaN'":
        data["frameworks"]["pytorch"]["train_samples_per_s"]["median"] = "NaN"
    elif how == "a NaN":
        text, n = re.subn(r'"median": [0-9.]+', '"median": NaN', entry.read_text(), count=1)
        assert n == 1
        entry.write_text(text)
        return
    elif how == "a date in the future":
        data["created"] = "2999-01-01T00:00:00+00:00"
    elif how == "a contradicting ratio":
        data["ratios"]["train"].update(estimate=1e9, ci95=[9e8, 1.1e9])
    entry.write_text(json.dumps(data))


HOW = ["a median of 'NaN'", "a NaN", "a date in the future", "a contradicting ratio"]


@pytest.mark.parametrize("how", HOW)
def test_a_bad_cache_entry_is_set_aside_named_and_measured_again(
    advisor_argv, counted, cache_dir, tmp_path, how
) -> None:
    env, runs = counted
    argv = advisor_argv("--answers", EXAMPLE, "--format", "json")
    first = _run(argv, env, tmp_path)
    assert first.returncode == 0, first.stderr
    [entry] = _entries(cache_dir)
    _tamper(entry, how)
    assert _measured(runs) == 1
    r = _run(argv, env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert _measured(runs) == 2, "measured again"
    assert json.loads(r.stdout)["measurements"]["used"]
    warnings = [x for x in r.stderr.splitlines() if "warning" in x]
    assert len(warnings) == 1, r.stderr
    assert str(entry) in warnings[0] and f"{entry.name}.bad" in warnings[0], warnings[0]
    assert (entry.parent / f"{entry.name}.bad").exists(), "set aside, for a look"
    assert entry.exists() and json.loads(entry.read_text())["frameworks"]["pytorch"][
        "train_samples_per_s"]["median"] != "NaN"  # fmt: skip
    again = _run(argv, env, tmp_path)
    assert _measured(runs) == 2 and "Using the cached probe result" in again.stderr


def test_advisor_probe_never_prints_a_bad_entry(advisor_argv, counted, cache_dir, tmp_path) -> None:
    env, runs = counted
    argv = advisor_argv("probe", "--format", "json")
    assert _run(argv, env, tmp_path).returncode == 0
    [entry] = _entries(cache_dir)
    _tamper(entry, "a median of 'NaN'")
    r = _run(argv, env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert _measured(runs) == 2
    assert json.loads(r.stdout)["frameworks"]["pytorch"]["train_samples_per_s"]["median"] != "NaN"
    assert f"{entry.name}.bad" in r.stderr


def test_refresh_measures_again_with_a_good_cache(advisor_argv, counted, tmp_path) -> None:
    env, runs = counted
    argv = advisor_argv("--answers", EXAMPLE, "--format", "json")
    for _ in range(2):
        assert _run(argv, env, tmp_path).returncode == 0
    assert _measured(runs) == 1, "the second run used the cache"
    r = _run(advisor_argv("--answers", EXAMPLE, "--format", "json", "--refresh"), env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert _measured(runs) == 2 and "cached" not in r.stderr
    both = _run(advisor_argv("--answers", EXAMPLE, "--refresh", "--no-probe"), env, tmp_path)
    assert both.returncode == 2 and "not allowed with" in both.stderr
