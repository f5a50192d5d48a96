"""Installed package versions, read from metadata (advisor/inputs/environment.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from advisor.inputs.environment import ALSO_SOLD_AS, installed_versions


def fake_distribution(site: Path, name: str, version: str) -> None:
    """A package's metadata and nothing else: enough for importlib.metadata, nothing to import."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def test_versions_come_from_metadata_first_on_the_path(tmp_path, monkeypatch) -> None:
    fake_distribution(tmp_path, "tensorflow", "99.0.0")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = installed_versions(["tensorflow", "no-such-package-here"])
    assert found == {"tensorflow": "99.0.0"}


def test_a_package_sold_under_another_name_counts(tmp_path, monkeypatch) -> None:
    fake_distribution(tmp_path, "advisor-test-framework-cpu", "1.2.3")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(ALSO_SOLD_AS, "advisor-test-framework", ("advisor-test-framework-cpu",))
    assert installed_versions(["advisor-test-framework"]) == {"advisor-test-framework": "1.2.3"}


def test_reading_versions_imports_no_framework(tmp_path) -> None:
    code = ("import sys; from advisor.inputs.environment import ALSO_SOLD_AS, installed_versions; "
            "installed_versions(['tensorflow', 'torch', 'keras', 'jax']); "
            "print(sorted(m for m in ('tensorflow', 'torch', 'keras', 'jax') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout  # fmt: skip
    assert out.strip() == "[]"


@pytest.mark.parametrize("broken", ["", "Version: \n"])
def test_metadata_without_a_version_counts_as_not_installed(tmp_path, monkeypatch, broken) -> None:
    info = tmp_path / "mlx-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: mlx\n{broken}")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "mlx" not in installed_versions(["mlx"])
