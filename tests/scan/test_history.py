"""The team hint from git history: who committed to which framework's files, only ever a hint,
and git asked in a way that runs nothing the repository configures."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from scan_trees import write_tree

from advisor.scan import scan_project
from advisor.scan.history import git_env

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(root: Path, *args: str, author: str = "Ada <ada@example.invalid>") -> None:
    name, _, email = author.partition(" <")
    env = {**git_env(), "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email.rstrip(">"),
           "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email.rstrip(">")}
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def _repository(root: Path) -> Path:
    write_tree(root, {"torch_model.py": "import torch\n", "tf_model.py": "import tensorflow\n"})
    _git(root, "init", "-q")
    _git(root, "add", "torch_model.py")
    _git(root, "commit", "-q", "-m", "torch", author="Ada <ada@example.invalid>")
    _git(root, "add", "tf_model.py")
    _git(root, "commit", "-q", "-m", "tf", author="Bo <bo@example.invalid>")
    for i in range(3):
        (root / "torch_model.py").write_text(f"import torch\nx = {i}\n")
        _git(root, "commit", "-q", "-am", f"more {i}", author="Cy <cy@example.invalid>")
    return root


def test_the_history_gives_a_team_hint_never_an_answer(tmp_path: Path) -> None:
    scan = scan_project(_repository(tmp_path / "repo"))
    hint = scan.proposal("team_experience")
    assert hint is not None and hint.kind == "hint"
    assert hint.value == "pytorch"  # 4 of 5 commits touched the PyTorch file
    assert "2 people committed to PyTorch-bound files (4 commits)" in hint.because
    history = next(f for f in scan.findings if f.category == "history")
    assert history.occurrences == 5


def test_no_repository_no_git(tmp_path: Path) -> None:
    scan = scan_project(write_tree(tmp_path, {"a.py": "import torch\n"}))
    assert scan.proposal("team_experience") is None


def test_git_runs_nothing_the_repository_configures(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo")
    marker = tmp_path / "RAN"
    command = f"touch {marker}"
    for key in ("core.pager", "core.fsmonitor", "diff.external", "gpg.program",
                "core.sshCommand", "diff.evil.textconv"):
        _git(root, "config", key, command)
    _git(root, "config", "log.showSignature", "true")
    (root / ".gitattributes").write_text("*.py diff=evil\n")
    hooks = root / ".git" / "hooks"
    for hook in ("post-checkout", "pre-commit", "post-index-change"):
        (hooks / hook).write_text(f"#!/bin/sh\n{command}\n")
        (hooks / hook).chmod(0o755)
    scan = scan_project(root)
    assert not marker.exists()
    assert scan.proposal("team_experience") is not None


def test_a_repository_git_refuses_is_skipped_with_the_reason(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"a.py": "import torch\n"})
    (root / ".git").mkdir()  # not a repository: git fails, the scan goes on
    scan = scan_project(root)
    assert any(t.reason.startswith("git history not read") for t in scan.skipped)
    assert scan.proposal("existing_code") is not None
    assert os.path.isdir(root / ".git")
