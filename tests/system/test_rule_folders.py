"""Rule folders as editors and operating systems leave them, and files that repeat one mistake
many times (issue 22, item 4): leftovers are skipped and named in `rules check`, anything that
is not a regular file is refused without being opened, and a thousand repeats of one problem
are a few lines. Real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "android-app.yaml"
PACK = """pack: acme-policy
title: ACME's own rules
rules:
  - id: acme-gateway
    kind: rule
    when: {domain: vision}
    favors: pytorch
    criterion: ecosystem
    points: 1
    because: ACME serves every model through its own PyTorch gateway.
    sources:
      - {title: 'ACME platform handbook', checked: 2026-10-01}
"""
LEFTOVERS = {
    ".#policy.yaml": "an Emacs lock file",
    "._policy.yaml": "macOS resource data (AppleDouble)",
    "policy.yaml~": "an editor's backup",
    "#policy.yaml#": "an Emacs auto-save file",
    ".policy.yaml.swp": "a Vim swap file",
    ".DS_Store": "macOS folder data",
    ".hidden.yaml": "a hidden file",
}


def _run(tmp_path: Path, *args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COLUMNS"}}
    env["PYTHONIOENCODING"] = "utf-8"
    try:
        return subprocess.run([sys.executable, "-m", "advisor", *map(str, args)], cwd=tmp_path,
                              env=env, capture_output=True, text=True, encoding="utf-8",
                              timeout=timeout, check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"advisor {' '.join(map(str, args))} did not end within {timeout} s")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A rule folder with one pack and what editors and macOS leave beside it."""
    d = tmp_path / "policies"
    d.mkdir()
    (d / "policy.yaml").write_text(PACK)
    os.symlink("someone@host.12345:1700000000", d / ".#policy.yaml")  # dangling, as Emacs does
    (d / "._policy.yaml").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")
    (d / "policy.yaml~").write_text(PACK.replace("acme-gateway", "old id"))
    (d / "#policy.yaml#").write_text("pack: [half-saved")
    (d / ".policy.yaml.swp").write_bytes(b"b0VIM 9.0\x00\x00")
    (d / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (d / ".hidden.yaml").write_text("pack: [not, a, pack]")
    return d


def test_leftovers_in_a_rule_folder_are_skipped(tmp_path, folder) -> None:
    r = _run(tmp_path, "--answers", EXAMPLE, "--no-probe", "--rules", folder, "--format", "json")
    assert r.returncode == 0, r.stderr
    packs = json.loads(r.stdout)["provenance"]["packs"]
    assert [p["pack"] for p in packs if not p["bundled"]] == ["acme-policy"]


def test_rules_check_names_each_leftover_it_skipped(tmp_path, folder) -> None:
    r = _run(tmp_path, "rules", "check", folder)
    assert r.returncode == 0, r.stdout + r.stderr
    notes = [x for x in r.stdout.splitlines() if x.startswith("note: ")]
    assert len(notes) == len(LEFTOVERS), r.stdout
    for name, what in LEFTOVERS.items():
        assert any(f"{folder / name}: skipped, {what}" in n for n in notes), (name, notes)


@pytest.mark.parametrize("kind", ["a named pipe", "a folder"])
def test_what_is_not_a_regular_file_is_refused_unopened(tmp_path, kind) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "policy.yaml").write_text(PACK)
    odd = folder / "f.yaml"
    if kind == "a named pipe":
        os.mkfifo(odd)  # nobody writes to it: opening it for reading would wait for ever
    else:
        odd.mkdir()
    r = _run(tmp_path, "--answers", EXAMPLE, "--no-probe", "--rules", folder, timeout=20)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"advisor: error: {odd}: is {kind}, not a rule pack; only regular files are read"]
    check = _run(tmp_path, "rules", "check", folder, timeout=20)
    assert check.returncode == 1 and f"{odd}: is {kind}, not a rule pack" in check.stdout


def test_many_unknown_questions_are_a_few_lines(tmp_path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("".join(f"k{i}: 1\n" for i in range(5000)))
    r = _run(tmp_path, "--answers", answers, "--no-probe")
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert len(lines) <= 12, len(lines)
    assert lines[-1] == f"advisor: error: {answers}: … and 4,990 more unknown questions"


def test_many_unknown_keys_are_a_few_lines_in_rules_check(tmp_path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text("pack: p\nrules:\n" + "".join(
        f"  - {{id: r{i}, kind: note, zz: 1}}\n" for i in range(2000)))  # fmt: skip
    r = _run(tmp_path, "rules", "check", pack)
    assert r.returncode == 1
    errors = [x for x in r.stdout.splitlines() if x.startswith("error: ")]
    assert len(errors) <= 11, len(errors)
    assert errors[-1] == f"error: {pack}: … and 1,990 more unknown keys", errors[-1]
    assert r.stdout.splitlines()[-1].startswith("2,000 problems")


def test_a_plain_long_list_is_blamed_on_its_size(tmp_path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("[" + ",".join(["1"] * 110_000) + "]\n")
    r = _run(tmp_path, "--answers", answers, "--no-probe")
    assert r.returncode == 2
    assert "more than 100,000 values" in r.stderr and "alias" not in r.stderr, r.stderr
