"""--output as a careless or hostile user gives it: nothing but the report's own file is ever
created, replaced or destroyed, and every refusal is one line and exit 2 (issue 10, item 1).

Through a subprocess where the process boundary matters (exit codes, what is left on disk),
in-process for the writer's own guarantees."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import advisor.system.output
from advisor.errors import OutputError
from advisor.system.output import check_output_path, write_atomic

TESTS = Path(__file__).resolve().parents[1]
EXAMPLE = TESTS.parent / "examples" / "android-app.yaml"
MEASUREMENTS = TESTS / "data" / "measurements-ok.json"
POLICIES = TESTS.parent / "examples" / "policies"


def refused(r: subprocess.CompletedProcess[str], *needles: str) -> str:
    """A refused run: exit 2, nothing on stdout, one 'advisor: error:' line naming why."""
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("advisor: error: --output "), r.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def report(run_advisor, output: Path | str, *extra: str | Path):
    return run_advisor("--answers", EXAMPLE, "--no-probe", "--format", "json", *extra,
                       "--output", output)


# --- what is not a regular file is never replaced ---------------------------------------------

@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_a_device_is_refused_and_left_a_device(run_advisor, device):
    if not os.path.exists(device):
        pytest.skip(f"{device} is missing here")
    refused(report(run_advisor, device), device, "is a device")
    assert stat.S_ISCHR(os.stat(device).st_mode), "the device node is still a device"


def test_a_fifo_is_refused_and_left_a_fifo(run_advisor, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused(report(run_advisor, fifo), "named pipe")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_socket_is_refused(run_advisor, tmp_path):
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        refused(report(run_advisor, path), "socket")
        assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_a_directory_is_refused(run_advisor, tmp_path):
    refused(report(run_advisor, tmp_path), "is a directory")


# --- the run's inputs are never overwritten ---------------------------------------------------

def test_the_answers_file_is_not_overwritten(run_advisor, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text(EXAMPLE.read_text())
    r = run_advisor("--answers", answers, "--no-probe", "--output", answers)
    refused(r, "same file as the input", str(answers))
    assert answers.read_text() == EXAMPLE.read_text()


@pytest.mark.parametrize("how", ["hard link", "symlink"])
def test_another_name_for_an_input_is_not_overwritten(run_advisor, tmp_path, how):
    answers = tmp_path / "a.yaml"
    answers.write_text(EXAMPLE.read_text())
    other = tmp_path / "report.txt"
    (os.link if how == "hard link" else os.symlink)(answers, other)
    refused(run_advisor("--answers", answers, "--no-probe", "--output", other),
            "same file as the input")
    assert answers.read_text() == EXAMPLE.read_text()


def test_the_measurements_and_rule_files_are_not_overwritten(run_advisor, tmp_path):
    m = tmp_path / "m.json"
    m.write_bytes(MEASUREMENTS.read_bytes())
    r = run_advisor("--answers", EXAMPLE, "--measurements", m, "--output", m)
    refused(r, "same file as the input")
    assert m.read_bytes() == MEASUREMENTS.read_bytes()
    packs = tmp_path / "packs"
    packs.mkdir()
    pack = packs / "policy.yaml"
    pack.write_text((POLICIES / "serve-on-tf-serving.yaml").read_text())
    for rules in (pack, packs):  # a pack given alone, or inside a --rules folder
        r = run_advisor("--answers", EXAMPLE, "--no-probe", "--rules", rules, "--output", pack)
        refused(r, "same file as the input", str(pack))
    assert pack.read_text() == (POLICIES / "serve-on-tf-serving.yaml").read_text()


def test_a_bundled_rule_file_is_not_overwritten(run_advisor):
    from advisor.knowledge.loader import bundled_rules_dir

    for rule_file in (bundled_rules_dir() / "questions.yaml",
                      next((bundled_rules_dir() / "packs").glob("*.yaml"))):  # fmt: skip
        before = rule_file.read_bytes()
        refused(report(run_advisor, rule_file), "same file as the input")
        assert rule_file.read_bytes() == before


# --- symlinks are written through; hard links are not split -----------------------------------

def test_a_symlink_is_written_through_to_its_target(run_advisor, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(target.name)
    r = report(run_advisor, link)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and os.readlink(link) == target.name, "the link stays a link"
    assert '"recommendation"' in target.read_text()
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to("created.json")
    assert report(run_advisor, dangling).returncode == 0
    assert dangling.is_symlink() and '"recommendation"' in (tmp_path / "created.json").read_text()


def test_a_symlink_loop_is_refused(run_advisor, tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    refused(report(run_advisor, tmp_path / "a"), "symbolic links")


def test_a_file_with_other_hard_links_is_refused(run_advisor, tmp_path):
    first = tmp_path / "first.json"
    first.write_text("shared\n")
    second = tmp_path / "second.json"
    os.link(first, second)
    refused(report(run_advisor, second), "hard link")
    assert first.read_text() == second.read_text() == "shared\n"
    assert os.stat(first).st_ino == os.stat(second).st_ino


# --- modes --------------------------------------------------------------------------------------

def test_a_new_file_gets_the_umask_mode_and_a_replaced_one_keeps_its_mode(tmp_path):
    old = os.umask(0o027)
    try:
        fresh = write_atomic(tmp_path / "new.txt", "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o640, "0666 less the umask, as `>` does"
    kept = tmp_path / "kept.txt"
    kept.write_text("old\n")
    kept.chmod(0o604)
    write_atomic(kept, "new\n")
    assert kept.read_text() == "new\n"
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o604


def test_the_cli_writes_with_the_umask_mode(run_advisor, tmp_path):
    out = tmp_path / "r.json"
    r = subprocess.run(["sh", "-c", 'umask 022 && exec "$0" -m advisor --answers "$1" '
                        '--no-probe --format json --output "$2"', sys.executable,
                        str(EXAMPLE), str(out)], capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o644


# --- names and places that cannot be written ------------------------------------------------

def test_a_name_too_long_is_one_line(run_advisor, tmp_path):
    refused(report(run_advisor, tmp_path / ("x" * 300)), "too long")


def test_an_empty_name_is_a_usage_error(run_advisor):
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--output", "")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "argument --output: the file name is empty" in r.stderr


def test_a_read_only_folder_is_refused_up_front(tmp_path, monkeypatch, capsys):
    from advisor.cli.entry import main

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:  # root may write anywhere: answer for the kernel as it would a user
        real = os.access
        monkeypatch.setattr(advisor.system.output.os, "access", lambda p, mode: (
            False if Path(p) == folder and mode & os.W_OK else real(p, mode)))
    try:
        code = main(["--answers", str(EXAMPLE), "--no-probe", "--output", str(folder / "r.txt")])
    finally:
        folder.chmod(0o755)
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "cannot create files in the folder" in err
    assert list(folder.iterdir()) == []


def test_a_place_that_becomes_unwritable_fails_at_write_time_with_one_line(tmp_path):
    """Checked up front, and again when writing: a long probe leaves time for the folder to
    go away. Nothing is left behind either way."""
    folder = tmp_path / "out"
    folder.mkdir()
    check_output_path(folder / "r.txt")
    folder.rmdir()
    with pytest.raises(OutputError, match="the folder .* does not exist"):
        write_atomic(folder / "r.txt", "report\n")


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "r.txt"
    target.write_text("old\n")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(advisor.system.output.os, "fsync", full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]


def test_a_long_name_gets_a_temporary_name_that_fits(tmp_path):
    target = tmp_path / ("n" * 250)
    write_atomic(target, "x\n")
    assert target.read_text() == "x\n"


def test_a_name_ending_in_a_slash_is_not_made_a_file(run_advisor, tmp_path):
    refused(report(run_advisor, f"{tmp_path / 'newdir'}/"), "names a folder")
    assert not (tmp_path / "newdir").exists()


def test_a_relative_output_in_a_deleted_working_folder_is_one_line(tmp_path):
    # The folder a CI step started in was removed by an earlier step (issue 22).
    gone = tmp_path / "gone"
    gone.mkdir()
    script = 'cd "$1" && rmdir "$1" && shift && exec "$@"'
    r = subprocess.run(["bash", "-c", script, "sh", str(gone), sys.executable, "-m", "advisor",
                        "--answers", str(EXAMPLE), "--no-probe", "--output", "r.md"],
                       capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    line = refused(r, "r.md", "the current folder no longer exists", "absolute path")
    assert "Traceback" not in line
