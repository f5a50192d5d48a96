"""The result cache: keyed by machine and settings, atomic, never trusting a bad file."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

import probes
from probes import ProbeSettings, cache

RESULT = {"schema": 1, "created": "now", "frameworks": {"pytorch": {"status": "ok"}}}


@pytest.fixture
def fake_runs(monkeypatch: pytest.MonkeyPatch) -> list[ProbeSettings]:
    calls: list[ProbeSettings] = []

    def fake_run(settings, *, on_event=None, cancel=None):
        calls.append(settings)
        return {**RESULT, "created": f"run {len(calls)}"}

    monkeypatch.setattr(probes, "run_probes", fake_run)
    return calls


def test_second_measure_comes_from_the_cache(fake_runs, cache_dir: Path) -> None:
    s = ProbeSettings(frameworks=("pytorch",))
    assert probes.load_cached(s) is None
    first = probes.measure(s)
    assert (first.result["created"], first.cached) == ("run 1", False)
    again = probes.measure(s)
    assert (again.result["created"], again.cached) == ("run 1", True)
    assert probes.load_cached(s) == first.result
    fresh = probes.measure(s, refresh=True)
    assert (fresh.result["created"], fresh.cached) == ("run 2", False)
    files = list((cache_dir / "probes").iterdir())
    assert len(files) == 1 and files[0].suffix == ".json"  # no temporary file left behind


def test_different_settings_do_not_share_a_result(fake_runs) -> None:
    probes.measure(ProbeSettings(frameworks=("pytorch",)))
    assert probes.load_cached(ProbeSettings(frameworks=("pytorch",), quick=True)) is None
    assert probes.load_cached(ProbeSettings(frameworks=("pytorch",), budget_s=20)) is None
    assert cache.cache_key(ProbeSettings(frameworks=("pytorch", "tensorflow"))) == cache.cache_key(
        ProbeSettings(frameworks=("tensorflow", "pytorch"))
    )


def test_a_failed_run_is_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    failed = {"schema": 1, "frameworks": {"pytorch": {"status": "failed"}}}
    monkeypatch.setattr(probes, "run_probes", lambda s, **kw: failed)
    s = ProbeSettings(frameworks=("pytorch",))
    assert probes.measure(s) == probes.Measured(failed, False)
    assert probes.load_cached(s) is None


@pytest.mark.parametrize("how", ["a file", "read-only", "uncreatable"])
def test_an_unusable_cache_folder_costs_a_warning_not_the_result(
    fake_runs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "a file":
        root = tmp_path / "cache"
        root.write_text("not a folder")
    elif how == "read-only":
        root = tmp_path / "ro"
        root.mkdir()
        root.chmod(0o500)
        if os.access(root, os.W_OK):  # root ignores permissions; a file in the way does not
            root.chmod(0o700)
            (root / "probes").write_text("in the way")
    else:
        root = Path("/proc/advisor-cache")  # nothing can be created under /proc
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(root))
    s = ProbeSettings(frameworks=("pytorch",))
    first = probes.measure(s)
    assert first.result["created"] == "run 1" and not first.cached
    assert len(first.warnings) in (1, 2) and "cache" in first.warnings[0]
    assert "\n" not in " ".join(first.warnings)
    assert probes.measure(s).result["created"] == "run 2"  # measured again, never crashed


def test_a_core_install_is_told_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    absent = {"numpy", "sklearn", "torch", "tensorflow"}
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in absent else real(name, *a))  # fmt: skip
    hint = r"pip install 'framework-advisor\[probes\]'"
    with pytest.raises(probes.ProbesNotInstalled, match=hint):
        probes.measure(ProbeSettings())


@pytest.mark.parametrize("content", ["{not json", "[1]", '{"schema": 2}', "\udcff"])
def test_a_damaged_cache_file_counts_as_absent(content: str) -> None:
    s = ProbeSettings()
    path = cache.cache_path(s)
    path.parent.mkdir(parents=True)
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    assert probes.load_cached(s) is None


def test_store_writes_sorted_json(cache_dir: Path) -> None:
    path = cache.store(ProbeSettings(), RESULT)
    assert path.parent == cache_dir / "probes"
    assert json.loads(path.read_text()) == RESULT


def test_the_keras_backends_that_ran_are_part_of_the_key(fake_runs) -> None:
    """A probe with Keras on other backends is another result than one without; a probe
    that asked for none keeps the key it had before the backends existed."""
    plain = ProbeSettings()
    torch = ProbeSettings(keras_backends=("tensorflow", "torch"))
    both = ProbeSettings(keras_backends=("tensorflow", "torch", "jax"))
    assert len({cache.cache_key(s) for s in (plain, torch, both)}) == 3
    assert cache.cache_key(torch) == cache.cache_key(
        ProbeSettings(keras_backends=("torch", "tensorflow"))
    )
    assert "keras_backends" not in plain.key_fields()
    probes.measure(torch)
    assert probes.load_cached(plain) is None and probes.load_cached(both) is None


def test_a_failed_keras_backend_is_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    failed = {**RESULT, "workloads": {"cnn": {"keras_backends": {"jax": {"status": "timeout"}}}}}
    monkeypatch.setattr(probes, "run_probes", lambda s, **kw: failed)
    s = ProbeSettings(keras_backends=("jax",))
    assert probes.measure(s) == probes.Measured(failed, False)
    assert probes.load_cached(s) is None
