"""``advisor scan`` as a user meets it, through a subprocess: formats, --output, limits and
tables from the command line, and bad input as one line with exit 2, never a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "scan"))
from scan_trees import write_tree  # noqa: E402

SHOP = {
    "requirements.txt": "torch==2.3.0+cu121\n",
    "train.py": "import torch\nfrom torch.nn.parallel import DistributedDataParallel as DDP\n"
                "model = DDP(torch.nn.Linear(2, 2).cuda())\n",
    "serving/Dockerfile": "FROM tensorflow/serving:2.20.0\n",
    "models/m/1/saved_model.pb": b"\x08\x01",
}


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "shop", SHOP)


def _one_error(stderr: str, *needles: str) -> None:
    assert "Traceback" not in stderr
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("advisor: error: "), stderr
    for n in needles:
        assert n in lines[0]


def test_text_report_shows_proposals_evidence_limits_and_tallies(run_advisor, shop: Path):
    r = run_advisor("scan", shop)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    out = r.stdout
    assert f"Project scan of {shop}" in out
    assert "Limits: at most 100,000 files (default), 10 MB per file read (default), 60 s " \
           "(default)." in out
    assert "existing_code = pytorch" in out and "train.py:1  import torch" in out
    assert "deployment = server" in out and "serving/Dockerfile:1" in out
    assert "hardware = nvidia" in out and "requirements.txt:1" in out
    assert "TensorFlow: 0 files, 0 lines that import or call it; model files: savedmodel 1; " \
           "deployment: TensorFlow Serving image (1 file)" in out
    assert "Skipped (not read)\n  None." in out


def test_json_is_the_project_scan_and_validates(run_advisor, shop: Path):
    r = run_advisor("scan", shop, "--format", "json", "--max-files", "50",
                    "--max-file-mb", "0.5", "--max-seconds", "20")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    schema = json.loads((ROOT / "schemas" / "project-scan.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["limits"] == {"max_files": 50, "max_file_bytes": 524288, "max_seconds": 20.0}
    assert {p["question"] for p in data["proposals"]} >= {"existing_code", "deployment"}


def test_markdown_to_a_file(run_advisor, shop: Path, tmp_path: Path):
    target = tmp_path / "scan.md"
    r = run_advisor("scan", shop, "--format", "markdown", "--output", target)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    text = target.read_text()
    assert text.startswith("# Project scan of") and "## Proposed answers" in text
    assert "| Category | Finding |" in text


def test_tables_from_the_command_line(run_advisor, shop: Path, tmp_path: Path):
    table = tmp_path / "ours.yaml"
    table.write_text("version: 1\ntable: ours\nentries:\n  - id: image-tf-serving\n"
                     "    kind: image\n    label: Not ours any more\n    images: [nothing*]\n")
    r = run_advisor("scan", shop, "--tables", table, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert "image-tf-serving" not in {f["id"] for f in json.loads(r.stdout)["findings"]}
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ntable: bad\nentries:\n  - id: x\n    kind: image\n")
    r = run_advisor("scan", shop, "--tables", bad)
    assert r.returncode == 2
    _one_error(r.stderr, str(bad), "line 4", "entry 'x'")


@pytest.mark.parametrize("args", [
    ["scan", "/nonexistent/project"],
    ["scan", str(ROOT / "README.md")],
    ["scan", ""],
])
def test_a_path_that_is_no_readable_folder_is_exit_2(run_advisor, args: list[str]):
    r = run_advisor(*args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert "error" in r.stderr


@pytest.mark.parametrize("flag", [["--max-files", "0"], ["--max-file-mb", "-1"],
                                  ["--max-seconds", "nan"], ["--format", "yaml"]])
def test_bad_limits_are_usage_errors(run_advisor, shop: Path, flag: list[str]):
    r = run_advisor("scan", shop, *flag)
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stdout == ""


def test_an_output_that_is_an_input_or_a_device_is_refused(run_advisor, shop: Path):
    r = run_advisor("scan", shop, "--output", "/dev/null")
    assert r.returncode == 2
    _one_error(r.stderr, "--output /dev/null")
