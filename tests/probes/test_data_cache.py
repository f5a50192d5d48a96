"""The data cache (issue 22, item 3): a digits file that does not load whole (truncated, not
a zip, arrays of another shape) is rebuilt, not fatal to every CNN probe; files are written
durably. The bundle runs as the runner runs it, in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from probes.workloads import data


def _digits_file(cache_dir: Path) -> Path:
    return cache_dir / "data" / f"digits28-sklearn{metadata.version('scikit-learn')}.npz"


def _damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    if how == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "not a zip":
        path.write_bytes(b"PK\x03\x04 garbage")
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "wrong shape":
        np.savez(path, x=np.zeros((3, 8, 8, 1), np.float32), y=np.zeros(3, np.int64))


@pytest.mark.parametrize("how", ["truncated", "empty", "not a zip", "wrong shape"])
def test_a_damaged_digits_file_is_rebuilt(cache_dir: Path, tmp_path: Path, how: str) -> None:
    cached = _digits_file(cache_dir)
    assert cached.is_file()
    good = np.load(cached)["x"].copy()
    _damage(cached, how)
    env = {**os.environ, "PYTHONPATH": str(Path(data.__file__).parents[2])}
    argv = [sys.executable, "-m", "probes.bundle", "--dir", str(tmp_path), "--workload", "cnn",
            "--seed", "0", "--cache-dir", str(cached.parent)]  # fmt: skip
    r = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert Path(json.loads(r.stdout)["path"]).is_file()
    with np.load(cached) as rebuilt:
        assert np.array_equal(rebuilt["x"], good), "the cache file was rebuilt whole"


def test_the_data_cache_writer_syncs_the_file_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
    data._atomic_savez(tmp_path / "a.npz", x=np.zeros(3))
    assert calls == ["fsync file", "rename", "fsync folder"]
