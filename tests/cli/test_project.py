"""``advisor --project DIR``: a report with the scan's proposals (with or without an answers
file), the app with them, and a bad folder as exit 2. The scan engine itself is stood in for
here (tests/project/project_scans.py); what it reads is the scan's own tests' business."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from project_scans import bound, proposal, scan, use_engine

from advisor.cli.entry import main
from advisor.scan.model import Tally

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "android-app.yaml"

SCAN = scan(
    proposal("existing_code", "tensorflow", confidence=0.91,
             because="82 % of framework imports are TensorFlow."),
    proposal("domain", "nlp", confidence=0.8, because="transformers is imported in 9 files."),
    proposal("team_experience", "pytorch", kind="hint", confidence=0.6,
             because="Most commits to model files touch PyTorch files."),
    tensorflow=bound(files=37, lines=412, model_files={"savedmodel": 3},
                     deployment=["a TF Serving Dockerfile"]),
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "train.py").write_text("import tensorflow as tf\n", encoding="utf-8")
    return folder


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(stderr: str, *needles: str) -> str:
    """The stderr of a bad-input run: one 'advisor: error:' line, no traceback."""
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert lines[0].startswith("advisor: error: ")
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


# --- a bad folder: exit 2, one line, before anything is done ---------------------------------

@pytest.mark.parametrize("mode", [("--format", "json"), ()], ids=["report", "app"])
@pytest.mark.parametrize("what", ["missing", "a file", "under a file"])
def test_a_bad_project_folder_is_exit_2_with_one_line(run_advisor, tmp_path, what, mode):
    target = {"missing": tmp_path / "nope", "a file": EXAMPLE,
              "under a file": EXAMPLE / "src"}[what]
    r = run_advisor("--project", target, "--no-probe", *mode)
    assert r.returncode == 2
    line = one_line_error(r.stderr, str(target))
    assert ("not a folder" if what == "a file" else "no such project folder") in line
    assert r.stdout == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder")
def test_an_unreadable_project_folder_is_exit_2(run_advisor, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0)
    try:
        r = run_advisor("--project", locked, "--no-probe", "--format", "json")
    finally:
        locked.chmod(0o700)
    assert r.returncode == 2
    one_line_error(r.stderr, "cannot list the project folder", "ermission denied")


def test_an_empty_project_name_is_a_usage_error(run_advisor):
    r = run_advisor("--project", "", "--format", "json")
    assert r.returncode == 2
    assert "the file name is empty" in r.stderr and "Traceback" not in r.stderr


def test_help_says_how_to_report_without_an_answers_file(run_advisor):
    r = run_advisor("--help")
    flat = " ".join(r.stdout.split())
    assert "--project DIR" in flat
    assert "without --answers, --format or --output asks for the report" in flat


# --- the report ----------------------------------------------------------------------------

def test_a_report_without_an_answers_file(capsys, monkeypatch, repo):
    """The CI case: a repository, no answers file, --format: the scan and the defaults answer."""
    engine = use_engine(monkeypatch, SCAN)
    code, out, err = _run(capsys, "--project", repo, "--no-probe", "--format", "json")
    assert code == 0, err
    assert engine.calls == [str(repo)]
    data = json.loads(out)
    assert data["answers"]["existing_code"] == "tensorflow"
    assert data["answers"]["domain"] == "nlp"
    assert data["answers"]["team_experience"] == "neither", "a hint is never applied"
    assert "existing_code" not in data["defaulted"] and "team_experience" in data["defaulted"]
    project = data["project"]
    assert project["root"] == str(repo)
    status = {p["question"]: p["status"] for p in project["proposals"]}
    assert status == {"existing_code": "used", "domain": "used", "team_experience": "hint"}
    tf = next(c for c in project["switching_cost"] if c["framework"] == "tensorflow")
    assert (tf["factor"], tf["applied"]) == (1.38, True)
    reason = next(r for r in data["reasons"] if r["id"] == "existing-code-tensorflow")
    assert "412 lines in 37 files call TensorFlow" in reason["because"]
    assert err.splitlines() == [
        f"advisor: scanned {repo}: 100 files read in 0.2 s; proposes existing_code, domain"]


def test_the_answers_file_overrides_every_proposal(capsys, monkeypatch, repo, write):
    use_engine(monkeypatch, SCAN)
    answers = write("answers.yaml", "domain: vision\nexisting_code: pytorch\n")
    code, out, _ = _run(capsys, "--answers", answers, "--project", repo, "--no-probe",
                        "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["answers"]["domain"], data["answers"]["existing_code"]) == ("vision", "pytorch")
    by_question = {p["question"]: p for p in data["project"]["proposals"]}
    assert by_question["domain"]["status"] == "overridden"
    assert (by_question["domain"]["proposed"], by_question["domain"]["answer"]) == ("nlp",
                                                                                    "vision")
    codebase = data["criteria"]["codebase"]["points"]
    assert codebase["tensorflow"] == 0, "TensorFlow code found, but the answer says PyTorch"


@pytest.mark.parametrize("fmt, heading", [("text", "From the project scan"),
                                          ("markdown", "## From the project scan")])
def test_text_and_markdown_say_which_answers_came_from_the_scan(capsys, monkeypatch, repo,
                                                                fmt, heading):
    use_engine(monkeypatch, SCAN)
    code, out, _ = _run(capsys, "--project", repo, "--no-probe", "--format", fmt)
    assert code == 0
    flat = " ".join(out.replace("│", " ").split())  # the text report's headline is boxed
    assert heading in out
    assert f"From the scan of {repo}: existing_code = tensorflow, domain = nlp" in flat
    assert "existing_code: tensorflow (from the scan, 91 %)" in flat
    assert "Hints, never applied:" in out and "team_experience = pytorch (60 %)" in flat
    assert "existing-code points × 1.38" in flat


def test_output_alone_asks_for_the_report(capsys, monkeypatch, repo, tmp_path):
    use_engine(monkeypatch, SCAN)
    target = tmp_path / "report.txt"
    code, out, _ = _run(capsys, "--project", repo, "--no-probe", "--output", target)
    assert code == 0 and out == ""
    assert "From the project scan" in target.read_text(encoding="utf-8")


def test_what_the_scan_could_not_read_is_said_on_stderr(capsys, monkeypatch, repo):
    import msgspec

    partial = msgspec.structs.replace(
        SCAN, complete=False,
        skipped=[Tally(reason="larger than 5 MB", count=12), Tally(reason="unreadable", count=2)])
    use_engine(monkeypatch, partial)
    code, _, err = _run(capsys, "--project", repo, "--no-probe", "--format", "json")
    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 2 and "Traceback" not in err
    assert lines[1].startswith("advisor: scan: 14 files skipped (12 larger than 5 MB, "
                               "2 unreadable); stopped at a limit (20,000 files, 30 s)")


def test_the_scans_domain_decides_the_workload_probed(capsys, monkeypatch, repo):
    import advisor.cli.probe

    seen = []

    def measure(answers, refresh=False):
        seen.append(dict(answers))
        return None  # as when no framework could be measured

    monkeypatch.setattr(advisor.cli.probe, "measure_for_answers", measure)
    use_engine(monkeypatch, SCAN)
    code, _, _ = _run(capsys, "--project", repo, "--format", "json")
    assert code == 0
    assert seen[0]["domain"] == "nlp"


# --- the app --------------------------------------------------------------------------------

def test_without_a_report_asked_for_the_app_opens_with_the_project(capsys, monkeypatch, repo):
    import advisor.tui
    from advisor.system import streams

    opened = {}
    monkeypatch.setattr(advisor.tui, "run_app", lambda **kw: opened.update(kw) or 0)
    monkeypatch.setattr(streams, "terminal_problem", lambda: None)  # as if in a terminal
    assert main(["--project", str(repo), "--no-probe"]) == 0
    assert opened["project_path"] == str(repo)
    opened.clear()
    assert main(["--project", str(repo), "--answers", str(EXAMPLE), "--tui"]) == 0
    assert (opened["project_path"], opened["answers_path"]) == (str(repo), str(EXAMPLE))
