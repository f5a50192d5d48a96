"""Hostile trees: links that lead out or round, FIFOs, unreadable folders, huge sparse files,
binary junk, escape sequences in names, and the folders a scan must not enter. Each is counted
and reported; none stops the scan or raises."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest
from scan_trees import write_tree

from advisor.scan import Limits, scan_project
from advisor.scan.walk import MAX_DEPTH, SPECIAL

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file types")


def _skipped(scan) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {t.reason: t.examples for t in scan.skipped}


@posix_only
def test_links_are_never_followed_out_of_the_tree_or_round_a_loop(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.py": "import torch\n"})
    root = write_tree(tmp_path / "repo", {"src/model.py": "import tensorflow as tf\n"})
    (root / "src" / "loop").symlink_to(root)               # round a loop
    (root / "everything").symlink_to("/")                   # out to the root of the disk
    (root / "elsewhere.py").symlink_to(outside / "secret.py")  # out to a file
    (root / "dangling").symlink_to(tmp_path / "nowhere")
    scan = scan_project(root)
    assert scan.complete and scan.files_seen == 1
    assert sorted(_skipped(scan)["symbolic links (not followed)"]) == [
        "dangling", "elsewhere.py", "everything", "src/loop"]
    assert scan.switching_cost.pytorch.files == 0 and scan.switching_cost.tensorflow.files == 1


@posix_only
def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"ok.py": "import torch\n"})
    os.mkfifo(root / "requirements.txt")  # a name the scan would read: it must not block on it
    os.mkfifo(root / "model.pt")
    scan = scan_project(root)
    assert sorted(_skipped(scan)[SPECIAL]) == ["model.pt", "requirements.txt"]


@posix_only
def test_an_unreadable_folder_and_file_are_skipped_with_the_reason(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"locked/model.py": "import torch\n", "secret.py": "import torch\n",
                                 "open.py": "import torch\n"})
    (root / "locked").chmod(0)
    (root / "secret.py").chmod(0)
    try:
        if os.access(root / "secret.py", os.R_OK):
            pytest.skip("running as a user who can read anything (root)")
        scan = scan_project(root)
    finally:
        (root / "locked").chmod(0o755)
        (root / "secret.py").chmod(0o644)
    skipped = _skipped(scan)
    assert skipped["folders unreadable (permission denied)"] == ["locked"]
    assert skipped["unreadable (permission denied)"] == ["secret.py"]
    assert scan.switching_cost.pytorch.files == 1


def test_an_unreadable_folder_is_skipped_even_for_root(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, with the kernel's refusal simulated (root reads every folder)."""
    root = write_tree(tmp_path, {"locked/model.py": "import torch\n", "open.py": "import torch\n"})
    real = os.open

    def refuse(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path == "locked":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    scan = scan_project(root)
    assert _skipped(scan)["folders unreadable (permission denied)"] == ["locked"]
    assert scan.switching_cost.pytorch.files == 1


def test_a_huge_sparse_file_is_not_read(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"ok.py": "import torch\n"})
    for name in ("huge.py", "huge.pt", "huge.safetensors", "huge.ipynb"):
        with open(root / name, "wb") as fh:
            fh.truncate(1024**3)  # 1 GB of nothing, taking no disk space
    scan = scan_project(root)
    assert scan.bytes_read < 1024**2
    assert sorted(_skipped(scan)["larger than the file size limit"]) == ["huge.ipynb", "huge.py"]
    problems = {t.reason: sorted(t.examples) for t in scan.problems}
    assert problems["model files whose header does not match their name"] == ["huge.pt"]


def test_binary_junk_and_bad_encodings_are_problems(tmp_path: Path) -> None:
    scan = scan_project(write_tree(tmp_path, {
        "junk.py": b"import torch\x00\xff\xfe" + os.urandom(64),
        "latin.py": 'import torch\nname = "caf\xe9"\n'.encode("latin-1"),
        "py2.py": "import torch\nprint 'hello'\n",
        "package.json": b"\xff\xfe{",
        "fine.py": "import torch\n",
    }))
    reasons = {t.reason: sorted(t.examples) for t in scan.problems}
    assert reasons["Python files that do not parse as Python 3"] == ["latin.py", "py2.py"]
    assert reasons["Python files that are not text (NUL bytes or an unknown encoding)"] == [
        "junk.py"]
    assert reasons["package.json files that are not valid JSON"] == ["package.json"]
    assert scan.switching_cost.pytorch.files == 1


def test_escape_sequences_in_names_never_reach_the_report(tmp_path: Path) -> None:
    name = "evil\x1b[2J\x1b]8;;http://x\x07name.py"
    root = write_tree(tmp_path, {name: "import torch\n"})
    scan = scan_project(root)
    (finding,) = [f for f in scan.findings if f.id == "import-pytorch"]
    assert finding.evidence[0].path == "evilname.py"


def test_folders_a_scan_must_not_enter(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        ".git/hooks/x.py": "import torch\n",
        "node_modules/@tensorflow/tfjs/package.json": '{"dependencies": {"onnxruntime-web": "1"}}',
        "lib/python3.12/site-packages/torch/__init__.py": "import torch\n",
        "myenv/pyvenv.cfg": "home = /usr\n", "myenv/lib/a.py": "import torch\n",
        "env/bin/activate": "", "env/lib/b.py": "import torch\n",
        "src/__pycache__/m.py": "import torch\n",
        "src/model.py": "import tensorflow\n",
    })
    scan = scan_project(root)
    assert scan.switching_cost.pytorch.files == 0 and scan.files_seen == 1
    skipped = _skipped(scan)
    assert skipped["version-control folders (.git, .hg, .svn)"] == [".git"]
    assert sorted(skipped["virtual environments"]) == ["env", "myenv"]
    assert sorted(skipped["installed packages (node_modules, site-packages, Pods)"]) == [
        "lib/python3.12/site-packages", "node_modules"]


def test_folders_nested_too_deep_are_not_entered(tmp_path: Path) -> None:
    deep = Path(*["d"] * (MAX_DEPTH + 2))
    write_tree(tmp_path, {str(deep / "x.py"): "import torch\n"})
    scan = scan_project(tmp_path)
    assert scan.files_seen == 0
    assert any("nested more than" in t.reason for t in scan.skipped)


def test_the_time_limit_stops_the_walk(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"f{i:04}.py": "import torch\n" for i in range(300)})
    scan = scan_project(tmp_path, limits=Limits(max_files=10_000, max_file_bytes=1000,
                                                max_seconds=1e-9))
    assert not scan.complete
    assert any("time limit" in t.reason for t in scan.skipped)
