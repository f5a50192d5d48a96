"""Parsing in worker processes gives the very scan that parsing here gives, in the same order,
and a scan that ends early leaves no worker behind."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import msgspec
import pytest
from test_notebooks import notebook

from advisor.scan import Limits, scan_project, workers


def _tree(root: Path) -> Path:
    for i in range(60):
        (root / f"pkg{i % 4}").mkdir(parents=True, exist_ok=True)
        (root / f"pkg{i % 4}" / f"m{i:02}.py").write_text(
            "import torch\nfrom torch import nn\n" + "x = nn.Linear(2, 2)\n" * (i % 5))
    (root / "nb.ipynb").write_text(notebook("import tensorflow as tf", "tf.constant(1)"))
    (root / "bad.py").write_text("import torch\nprint 'py2'\n")
    return root


def _same(a: object, b: object) -> bool:
    strip = {"seconds": 0}
    return msgspec.json.encode(msgspec.structs.replace(a, **strip)) == msgspec.json.encode(
        msgspec.structs.replace(b, **strip))  # type: ignore[type-var]


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork")
def test_workers_and_one_process_give_the_same_scan(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path)
    monkeypatch.setattr(workers, "INLINE_FIRST", 0)
    monkeypatch.setattr(workers, "worker_count", lambda: 2)
    parallel = scan_project(root)
    monkeypatch.setattr(workers, "worker_count", lambda: 0)
    alone = scan_project(root)
    assert _same(parallel, alone)
    assert parallel.switching_cost.pytorch.files == 60  # bad.py does not parse
    assert parallel.switching_cost.tensorflow.lines == 2  # the second cell uses the first's tf
    assert multiprocessing.active_children() == []


def test_no_workers_while_other_threads_run() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert workers.worker_count() == 0
    finally:
        stop.set()
        thread.join()


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork")
def test_a_scan_stopped_by_a_limit_stops_its_workers(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "INLINE_FIRST", 0)
    monkeypatch.setattr(workers, "worker_count", lambda: 2)
    scan = scan_project(_tree(tmp_path), limits=Limits(max_files=30, max_file_bytes=10**6,
                                                       max_seconds=60))
    assert not scan.complete and scan.files_seen == 30
    assert multiprocessing.active_children() == []
