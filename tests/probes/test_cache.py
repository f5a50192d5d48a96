"""The result cache: keyed by machine and settings, atomic, never trusting a bad file."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

import probes
from probes import ProbeSettings, cache

RESULT = {"schema": 1, "created": "2026-11-27T14:05:31+00:00", "run": 0,
          "frameworks": {"pytorch": {"status": "ok"}}}


@pytest.fixture
def fake_runs(monkeypatch: pytest.MonkeyPatch) -> list[ProbeSettings]:
    calls: list[ProbeSettings] = []

    def fake_run(settings, *, on_event=None, cancel=None):
        calls.append(settings)
        return {**RESULT, "run": len(calls)}

    monkeypatch.setattr(probes, "run_probes", fake_run)
    return calls


def test_second_measure_comes_from_the_cache(fake_runs, cache_dir: Path) -> None:
    s = ProbeSettings(frameworks=("pytorch",))
    assert probes.load_cached(s) is None
    first = probes.measure(s)
    assert (first.result["run"], first.cached) == (1, False)
    again = probes.measure(s)
    assert (again.result["run"], again.cached) == (1, True)
    assert probes.load_cached(s) == first.result
    fresh = probes.measure(s, refresh=True)
    assert (fresh.result["run"], fresh.cached) == (2, False)
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


def test_a_fresh_result_the_callers_check_refuses_is_returned_but_not_cached(fake_runs) -> None:
    s = ProbeSettings(frameworks=("pytorch",))
    refused = probes.measure(s, check=lambda data: "iqr does not contain the median")
    assert (refused.result["run"], refused.cached) == (1, False)
    assert probes.load_cached(s) is None
    assert probes.measure(s, check=lambda data: None).result["run"] == 2
    assert probes.load_cached(s) is not None


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
    assert first.result["run"] == 1 and not first.cached
    assert len(first.warnings) in (1, 2) and "cache" in first.warnings[0]
    assert "\n" not in " ".join(first.warnings)
    assert probes.measure(s).result["run"] == 2  # measured again, never crashed


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


GOOD = {**RESULT, "frameworks": {"pytorch": {
    "status": "ok", "import_s": 1.5,
    "train_samples_per_s": {"median": 5210.4, "iqr": [5102.0, 5301.7], "ci95": [5088.2, 5322.9],
                            "windows": 7}}}}  # fmt: skip


@pytest.mark.parametrize(("text", "why"), [
    (json.dumps(GOOD).replace("5210.4", '"NaN"'), "train_samples_per_s.median: 'NaN' is not"),
    (json.dumps(GOOD).replace("5210.4", "NaN"), "NaN is not a number JSON allows"),
    (json.dumps(GOOD).replace("1.5", "true"), "import_s: True is not a number"),
    (json.dumps(GOOD).replace('"ok"', '"great"'), "frameworks.pytorch.status: not one of"),
    (json.dumps(GOOD).replace("2026-11-27", "2999-11-27"), "is in the future"),
    (json.dumps(GOOD).replace("2026-11-27T14:05:31+00:00", "yesterday"), "is not a time"),
], ids=["a string median", "NaN", "a boolean", "a status", "the future", "no time"])  # fmt: skip
def test_a_bad_entry_is_set_aside_with_a_warning_naming_it(
    fake_runs, text: str, why: str
) -> None:
    s = ProbeSettings(frameworks=("pytorch",))
    path = cache.cache_path(s)
    path.parent.mkdir(parents=True)
    path.write_text(text)
    measured = probes.measure(s)
    assert not measured.cached and measured.result["run"] == 1, "measured again"
    [warning] = measured.warnings
    assert str(path) in warning and f"{path.name}.bad" in warning and why in warning, warning
    assert path.with_name(path.name + ".bad").read_text() == text, "kept for a look"
    assert probes.load_cached(s) == measured.result  # the fresh result replaced it


def test_a_callers_check_sets_an_entry_aside_too(fake_runs) -> None:
    s = ProbeSettings(frameworks=("pytorch",))
    cache.store(s, GOOD)
    assert probes.load_cached(s) == GOOD
    found = cache.lookup(s, check=lambda data: "ratios.train: contradicts the medians")
    assert found.result is None and "contradicts the medians" in (found.warning or "")
    assert probes.load_cached(s) is None


def test_the_cache_writer_syncs_the_file_before_the_rename_and_the_folder_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync folder" if os.path.isdir(f"/proc/self/fd/{fd}") else "fsync file")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        calls.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    cache.store(ProbeSettings(), GOOD)
    assert calls == ["fsync file", "rename", "fsync folder"]
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
