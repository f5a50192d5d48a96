"""scan_project end to end on small trees: what it proposes, with what evidence, and that a
root it cannot scan is one ProjectError."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from scan_trees import proposal_values, torch_zip, write_tree

from advisor import ProjectError, ProjectScan, scan_project
from advisor.scan import Limits, ScanCancelled
from advisor.scan.walk import DEFAULT_LIMITS

TF_SHOP = {
    "requirements.txt": "tensorflow==2.21.0\nnumpy\n",
    "src/model.py": (
        "import tensorflow as tf\n\n\ndef build():\n"
        "    return tf.keras.Sequential([tf.keras.layers.Dense(10)])\n"
    ),
    "src/train.py": (
        "import tensorflow as tf\nfrom model import build\n\n"
        "strategy = tf.distribute.MirroredStrategy()\n"
        "with strategy.scope():\n    model = build()\n"
        "tf.saved_model.save(model, 'models/classifier/1')\n"
    ),
    "serving/Dockerfile": "FROM tensorflow/serving:2.20.0\nCOPY models /models\n",
    "models/classifier/1/saved_model.pb": b"\x08\x01\x12\x00",
}


def test_a_tensorflow_shop_is_proposed_as_one_with_its_evidence(tmp_path: Path) -> None:
    scan = scan_project(write_tree(tmp_path, TF_SHOP))
    assert isinstance(scan, ProjectScan) and scan.complete
    values = proposal_values(scan)
    assert values["existing_code"] == "tensorflow"
    assert values["deployment"] == ["server"]
    assert values["scale_out"] == "multi_gpu"
    code = scan.proposal("existing_code")
    assert code is not None and code.kind == "default"
    assert {e.path for e in code.evidence} <= {"src/model.py", "src/train.py"}
    assert all(e.line for e in code.evidence)
    cost = scan.switching_cost.tensorflow
    assert (cost.files, cost.lines) == (2, 5)  # imports, the return, the strategy, the save
    assert cost.model_files == {"savedmodel": 1}
    assert any("TensorFlow Serving" in piece for piece in cost.deployment)
    assert scan.switching_cost.pytorch.files == 0


def test_a_mixed_repository_says_how_mixed_and_where_it_deploys(tmp_path: Path) -> None:
    tree = dict(TF_SHOP)
    for i in range(9):
        tree[f"research/exp{i}.py"] = (
            "import torch\nfrom torch import nn\n\nmodel = nn.Linear(2, 2)\n"
            "loss = torch.nn.functional.mse_loss(model(torch.ones(2)), torch.zeros(2))\n")
    scan = scan_project(write_tree(tmp_path, tree))
    code = scan.proposal("existing_code")
    assert code is not None and code.value == "pytorch"
    assert "82 %" in code.because  # 9 of 11 framework-bound files
    assert "Yet the TensorFlow Serving image (1 file) and 1 × TensorFlow SavedModel point to a " \
        "TensorFlow deployment." in code.because
    assert code.confidence < 0.95


def test_nothing_found_proposes_nothing(tmp_path: Path) -> None:
    scan = scan_project(write_tree(tmp_path, {"README.md": "hello\n", "app.py": "print(1)\n"}))
    assert scan.proposals == [] and scan.findings == []
    assert scan.files_seen == 2


def test_a_pytorch_checkpoint_counts_for_pytorch(tmp_path: Path) -> None:
    scan = scan_project(write_tree(tmp_path, {"weights/model.pt": torch_zip()}))
    assert scan.switching_cost.pytorch.model_files == {"pytorch": 1}


@pytest.mark.parametrize("bad", ["", "a\0b", 3, None, b"bytes"])
def test_a_root_that_is_no_folder_name_is_a_project_error(bad: object) -> None:
    with pytest.raises(ProjectError):
        scan_project(bad)  # type: ignore[arg-type]


def test_a_missing_root_or_a_file_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such folder"):
        scan_project(tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ProjectError, match="not a folder"):
        scan_project(tmp_path / "file")


@pytest.mark.parametrize("limits", [
    Limits(max_files=0, max_file_bytes=1, max_seconds=1),
    Limits(max_files=1, max_file_bytes=0, max_seconds=1),
    Limits(max_files=1, max_file_bytes=1, max_seconds=0),
    Limits(max_files=1, max_file_bytes=1, max_seconds=float("nan")),
    "fast",
])
def test_limits_that_are_not_limits_are_a_project_error(tmp_path: Path, limits: object) -> None:
    with pytest.raises(ProjectError, match="limits"):
        scan_project(tmp_path, limits=limits)  # type: ignore[arg-type]


def test_the_file_limit_stops_the_walk_and_says_so(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"f{i}.py": "import torch\n" for i in range(20)})
    scan = scan_project(tmp_path, limits=Limits(max_files=5, max_file_bytes=1000,
                                                max_seconds=30))
    assert not scan.complete and scan.files_seen == 5
    assert any("file limit (5)" in t.reason for t in scan.skipped)


def test_a_cancelled_scan_raises(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"f{i}.py": "import torch\n" for i in range(200)})
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ScanCancelled):
        scan_project(tmp_path, cancel=cancel)


def test_the_defaults_are_in_the_result(tmp_path: Path) -> None:
    assert scan_project(tmp_path).limits == DEFAULT_LIMITS


def test_the_public_names_resolve_and_the_records_load_without_the_readers() -> None:
    import subprocess
    import sys

    import advisor
    import advisor.scan

    assert {"scan_project", "ProjectScan", "ProjectError"} <= set(advisor.__all__)
    for name in advisor.scan.__all__:
        assert getattr(advisor.scan, name) is not None
    probe = ("import sys, advisor.scan.model\n"
             "print([m for m in sys.modules if m.startswith('advisor.scan.')])")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout
    assert "engine" not in loaded and "python" not in loaded  # the scoring reads records only
