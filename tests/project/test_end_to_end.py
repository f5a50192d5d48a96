"""--project end to end, with the real scan engine on a small tree written here (a TensorFlow
shop: Keras model code, a SavedModel, a TF Serving image): the report mode in a subprocess, an
answers file over the scan, the embedding API and the app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from project_trees import write_shop


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return write_shop(tmp_path / "shop")


def test_the_report_without_an_answers_file(run_advisor, shop: Path) -> None:
    r = run_advisor("--project", shop, "--no-probe", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["answers"]["existing_code"] == "tensorflow"
    used = {p["question"] for p in data["project"]["proposals"] if p["status"] == "used"}
    assert "existing_code" in used
    tf = next(c for c in data["project"]["switching_cost"] if c["framework"] == "tensorflow")
    assert tf["files"] >= 2 and tf["applied"] and 0.5 <= tf["factor"] <= 1.6
    reason = next(x for x in data["reasons"] if x["id"] == "existing-code-tensorflow")
    assert "The scan of" in reason["because"]
    assert r.stderr.startswith(f"advisor: scanned {shop}: ")
    assert "Traceback" not in r.stderr and len(r.stderr.splitlines()) <= 2


def test_an_answers_file_overrides_the_scan(run_advisor, shop: Path, write) -> None:
    answers = write("answers.yaml", "existing_code: pytorch\n")
    r = run_advisor("--answers", answers, "--project", shop, "--no-probe", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["answers"]["existing_code"] == "pytorch"
    assert data["criteria"]["codebase"]["points"]["tensorflow"] == 0
    code = next(p for p in data["project"]["proposals"] if p["question"] == "existing_code")
    assert (code["status"], code["proposed"]) == ("overridden", "tensorflow")


def test_embedded(shop: Path) -> None:
    from advisor import recommend

    rec = recommend({"deployment": ["server"]}, project=shop)
    assert rec.answers["existing_code"] == "tensorflow"
    assert rec.answers["deployment"] == ["server"]
    assert rec.project is not None and rec.project.root.endswith("shop")
