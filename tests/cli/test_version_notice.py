"""The version notice: every report says when an installed framework is newer than the versions
the rule packs were checked against, naming the rules whose facts may have changed; and says
nothing when it is not. Run as a user would, in a fresh process whose PYTHONPATH puts a fake
package's metadata first (a dist-info folder and nothing to import)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TPU = "hardware: tpu\nhorizon: years\ndeployment: [server]\n"


def advisor(tmp_path: Path, tensorflow: str | None, *args: str) -> subprocess.CompletedProcess:
    """``advisor --answers`` (TPU answers, no probe) in ``tmp_path``; with ``tensorflow``, a
    fake tensorflow of that version comes first on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COLUMNS"}}
    env["PYTHONIOENCODING"] = "utf-8"
    if tensorflow is not None:
        site = tmp_path / "site"
        info = site / f"tensorflow-{tensorflow}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: tensorflow\nVersion: {tensorflow}\n")
        env["PYTHONPATH"] = str(site)
    tmp_path.mkdir(exist_ok=True)
    answers = tmp_path / "answers.yaml"
    answers.write_text(TPU)
    return subprocess.run(
        [sys.executable, "-m", "advisor", "--answers", str(answers), "--no-probe", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
        check=False,
    )


def test_a_newer_tensorflow_is_named_in_every_format(tmp_path) -> None:
    data = json.loads(advisor(tmp_path, "99.0.0", "--format", "json").stdout)
    notice = next(v for v in data["versions"] if v["package"] == "tensorflow")
    assert notice["version"] == "99.0.0" and notice["seen_in"] == "environment"
    assert notice["checked_against"]["hardware"] == "2.21.0"
    # the TPU rules rest on TensorFlow facts and are in this report; they must be named
    assert {"tpu-tensorflow-runtime", "tpu-tensorflow-path-ends"} <= set(notice["rules"])
    shown = {r["id"] for r in data["reasons"]} | {n["id"] for n in data["notes"]} | {
        m["id"] for m in data["myths"]}
    assert set(notice["rules"]) <= shown, "only rules of this report are named"
    text = advisor(tmp_path / "text", "99.0.0").stdout
    assert "tensorflow 99.0.0 (installed here) is newer than 2.21.0" in " ".join(text.split())
    assert "tpu-tensorflow-path-ends" in text
    markdown = advisor(tmp_path / "markdown", "99.0.0", "--format", "markdown").stdout
    assert "## Newer versions than the advice knows" in markdown
    assert "tpu-tensorflow-runtime" in markdown


@pytest.mark.parametrize("tensorflow", ["1.0.0", "2.21.0"])
def test_an_older_or_equal_tensorflow_gets_no_notice(tmp_path, tensorflow) -> None:
    result = advisor(tmp_path, tensorflow, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [v for v in data["versions"] if v["package"] == "tensorflow"] == []
    text = advisor(tmp_path / "text", tensorflow).stdout
    assert "tensorflow" not in " ".join(
        line for line in text.splitlines() if "newer than" in line)


def test_a_newer_framework_in_the_measurements_file_is_named_too(tmp_path) -> None:
    measurements = json.loads((ROOT / "examples" / "measurements.json").read_text())
    measurements["frameworks"]["pytorch"]["version"] = "9.1.0+cpu"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(measurements))
    answers = tmp_path / "answers.yaml"
    answers.write_text(TPU)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-m", "advisor", "--answers", str(answers), "--measurements",
         str(path), "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    notice = next(v for v in json.loads(out)["versions"] if v["package"] == "torch")
    assert notice["version"] == "9.1.0+cpu" and notice["seen_in"] == "measurements"
