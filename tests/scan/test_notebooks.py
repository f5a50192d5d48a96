"""Notebooks: code cells as Python, magics and shell lines read for what they install, and
notebooks that are not notebooks counted as problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scan_trees import write_tree

from advisor.scan import scan_project
from advisor.scan.notebooks import NotNotebook, cells


def notebook(*sources: str, markdown: str = "# Title") -> str:
    cell_list = [{"cell_type": "markdown", "source": [markdown]}]
    cell_list += [{"cell_type": "code", "source": s.splitlines(keepends=True), "outputs": []}
                  for s in sources]
    return json.dumps({"cells": cell_list, "nbformat": 4, "nbformat_minor": 5, "metadata": {}})


def test_magics_are_taken_out_and_kept_as_commands() -> None:
    found = list(cells(notebook("%pip install torch==2.3.0+cu121\nimport torch\nx = torch.ones(1)",
                                "!nvidia-smi\nprint(1)").encode()))
    assert [c.number for c in found] == [2, 3]  # the markdown cell counts, as a reader counts
    first = found[0]
    assert first.shell == [(1, "pip install torch==2.3.0+cu121")]
    assert first.code.splitlines()[1] == "import torch"  # line numbers kept


def test_a_shell_cell_is_all_commands() -> None:
    (cell,) = cells(notebook("%%bash\npip install tensorflow\ntorchrun train.py").encode())
    assert cell.code == "" and [c for _, c in cell.shell] == ["pip install tensorflow",
                                                              "torchrun train.py"]


@pytest.mark.parametrize(("data", "reason"), [
    (b"\xff\xfe not utf-8", "not UTF-8"),
    (b"{not json", "not valid JSON"),
    (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    (b'{"cells": 3}', "without a list of cells"),
])
def test_what_is_not_a_notebook_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(NotNotebook) as caught:
        list(cells(data))
    assert reason in caught.value.reason


def test_a_notebook_scan_finds_code_installs_and_cells(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "nb/train.ipynb": notebook("!pip install -q torch --index-url https://example.invalid/whl/cu124",
                                   "import torch\nmodel = torch.nn.Linear(2, 2).cuda()",
                                   "import torch\nthis is not python("),
        "nb/broken.ipynb": "{",
    })
    scan = scan_project(tmp_path)
    by_id = {f.id: f for f in scan.findings}
    assert "cuda-wheel-index" in by_id
    (evidence,) = by_id["import-pytorch"].evidence
    assert (evidence.path, evidence.cell, evidence.line) == ("nb/train.ipynb", 3, 1)
    assert scan.switching_cost.pytorch.files == 1
    problems = {t.reason: t.examples for t in scan.problems}
    assert problems["notebook cells that do not parse as Python 3"] == ["nb/train.ipynb (cell 4)"]
    assert problems["notebooks that are not valid JSON"] == ["nb/broken.ipynb"]
