"""Measurements from somebody else (issue 22, item 2): a file from another machine weighs
less and every report names where it was measured; a file that no probe could have written
(ratios that contradict its own figures, a date in the future, ratios beside a failed
equivalence check) is refused with the reason, on every path that reads one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
EXAMPLE = TESTS.parent / "examples" / "android-app.yaml"
MEASUREMENTS = TESTS / "data" / "measurements-ok.json"


def _run(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COLUMNS"}}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "advisor", *map(str, args)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=60, check=False)  # fmt: skip


def _here() -> dict:
    from advisor.machine import this_machine

    here = this_machine()
    data = json.loads(MEASUREMENTS.read_text(encoding="utf-8"))
    data["machine"].update(cpu=here.cpu, logical_cores=here.logical_cores)
    return data


def _file(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def cpu_answers(tmp_path: Path) -> Path:
    """The example's answers, training on the CPU (so only the machine scale differs)."""
    path = tmp_path / "a.yaml"
    path.write_text(EXAMPLE.read_text().replace("hardware: nvidia", "hardware: cpu"))
    return path


def test_a_file_from_another_machine_weighs_less_and_every_report_says_so(
    tmp_path, cpu_answers
) -> None:
    here = _here()
    there = json.loads(json.dumps(here))
    there["machine"].update(cpu="Apple M3 Max", logical_cores=16)
    reports = {}
    for name, data in (("here", here), ("there", there)):
        path = _file(tmp_path, f"{name}.json", data)
        r = _run(tmp_path, "--answers", cpu_answers, "--measurements", path, "--format", "json")
        assert r.returncode == 0, r.stderr
        reports[name] = json.loads(r.stdout)
    use_here, use_there = reports["here"]["measurements"], reports["there"]["measurements"]
    assert (use_here["this_machine"], use_here["machine_scale"]) == (True, 1.0)
    assert (use_there["this_machine"], use_there["machine_scale"]) == (False, 0.25)
    measured = {name: {x["id"]: x for x in rep["reasons"] if x["kind"] == "measurement"}
                for name, rep in reports.items()}  # fmt: skip
    assert measured["here"], "the figures here give points"
    for rid, reason in measured["here"].items():
        assert measured["there"][rid]["points"] == pytest.approx(0.25 * reason["points"], abs=1e-3)
        assert measured["there"][rid]["because"].startswith(
            "Measured on Apple M3 Max, not this machine")
    for fmt in ("text", "markdown"):
        r = _run(tmp_path, "--answers", cpu_answers, "--measurements", tmp_path / "there.json",
                 "--format", fmt)  # fmt: skip
        flat = " ".join(r.stdout.split())
        assert "on Apple M3 Max, not this machine (" in flat and "machine scale 0.25" in flat


def _refused(r: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert r.returncode == 2, r.stderr
    assert r.stdout == "" and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("advisor: error: "), r.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def tampered(case: str) -> dict:
    data = _here()
    if case == "ratio":
        data["ratios"]["train"].update(estimate=1e9, ci95=[9e8, 1.1e9])
    elif case == "future":
        data["created"] = "2999-01-01T00:00:00+00:00"
    elif case == "equivalence":
        data["equivalence"].update(ok=False, reason="logits differ by 3.1e-01")
    return data


CASES = {
    "ratio": ("ratios.train", "PyTorch ÷ TensorFlow = 1e+09", "contradicts itself"),
    "future": ("created", "2999-01-01", "in the future"),
    "equivalence": ("equivalence.ok", "is false (logits differ", "ratios.train has an estimate"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_file_no_probe_could_have_written_is_refused_with_the_reason(tmp_path, case) -> None:
    path = _file(tmp_path, "m.json", tampered(case))
    line = _refused(_run(tmp_path, "--answers", EXAMPLE, "--measurements", path), *CASES[case])
    assert f"{path}, line " in line


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_embedding_api_refuses_it_too(case) -> None:
    import msgspec

    from advisor import MeasurementsError, recommend
    from advisor.inputs.measurements import Measurements

    data = tampered(case)
    with pytest.raises(MeasurementsError, match=CASES[case][0].replace(".", r"\.")):
        recommend({"hardware": "cpu"}, measurements=data)
    with pytest.raises(MeasurementsError):  # a model the caller built, not loaded
        recommend({"hardware": "cpu"}, measurements=msgspec.convert(data, Measurements))
