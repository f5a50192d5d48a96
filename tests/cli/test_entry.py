"""The command line as a user meets it: through a subprocess (exit codes, stdout/stderr,
files written) where the process boundary matters, in-process elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.cli.entry import main
from advisor.errors import OutputError

TESTS = Path(__file__).resolve().parents[1]
DATA = TESTS / "data"
EXAMPLE = TESTS.parent / "examples" / "android-app.yaml"
CONTRACT_4 = {"recommendation", "confidence", "scores", "criteria", "reasons", "notes", "myths",
              "flips", "robustness", "answers", "defaulted", "measurements", "provenance",
              "version"}


def one_line_error(stderr: str, *needles: str) -> str:
    """The stderr of a bad-input run: one 'advisor: error:' line, no traceback."""
    assert "Traceback" not in stderr
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("advisor: error: ")
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def override_pack(path: Path, rule_id: str, criterion: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "pack: acme-policy\ntitle: ACME's own rules\nrules:\n"
        f"  - id: {rule_id}\n    kind: rule\n    when: {{domain: vision}}\n"
        f"    favors: pytorch\n    criterion: {criterion}\n    points: 1\n"
        "    because: ACME serves every model through its own PyTorch gateway.\n"
        "    sources:\n      - {title: 'ACME platform handbook', checked: 2026-10-01}\n",
        encoding="utf-8",
    )
    return path


# --- the --answers mode, through a subprocess ------------------------------------------------

def test_json_report_from_outside_the_checkout(run_advisor):
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert CONTRACT_4 <= set(data)
    assert data["recommendation"] in {"tensorflow", "pytorch", "either"}
    assert 0 <= data["confidence"] <= 1
    assert data["answers"]["deployment"] == ["mobile"]
    assert data["defaulted"] == []
    assert data["measurements"] is None
    assert data["provenance"]["overrides"] == []
    assert all(p["bundled"] for p in data["provenance"]["packs"])
    assert r.stderr == ""


@pytest.mark.parametrize("fmt, marker", [("text", "Provenance"), ("markdown", "## Provenance")])
def test_text_and_markdown_reports(run_advisor, fmt, marker):
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--format", fmt)
    assert r.returncode == 0, r.stderr
    assert marker in r.stdout
    assert "\x1b[" not in r.stdout, "no colour codes when stdout is not a terminal"
    first = r.stdout.lstrip().splitlines()[0]
    assert any(w in first for w in ("TensorFlow", "PyTorch", "Either")), first
    if fmt == "markdown":
        assert first.startswith("# ")


def test_stdout_stays_json_while_the_probe_reports_progress(capsys, monkeypatch):
    """Without --no-probe the advisor measures; its progress goes to stderr, the report to
    stdout. (The probe itself is replaced by the fixture here: running it is the probes' job.)"""
    import sys

    import advisor.cli.probe

    def fake_probe(answers: object, *, refresh: bool = False) -> dict:
        print("probing tensorflow ... pytorch ... done", file=sys.stderr)
        return json.loads((DATA / "measurements-ok.json").read_text(encoding="utf-8"))

    monkeypatch.setattr(advisor.cli.probe, "measure_for_answers", fake_probe)
    assert main(["--answers", str(EXAMPLE), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["measurements"]["created"] == "2026-11-27T14:05:31+00:00"
    assert "probing" in err


def test_measurements_file_is_used(run_advisor):
    r = run_advisor("--answers", EXAMPLE, "--measurements", DATA / "measurements-ok.json",
                    "--format", "json")
    assert r.returncode == 0, r.stderr
    m = json.loads(r.stdout)["measurements"]
    assert m is not None and m["used"] is True
    assert m["created"] == "2026-11-27T14:05:31+00:00"
    assert {c["criterion"] for c in m["criteria"]} >= {"training_speed", "inference_latency"}


def test_missing_framework_still_succeeds_and_says_so(run_advisor):
    r = run_advisor("--answers", EXAMPLE, "--measurements", DATA / "measurements-tf-missing.json",
                    "--format", "json")
    assert r.returncode == 0, r.stderr
    m = json.loads(r.stdout)["measurements"]
    assert m["used"] is False
    assert any("TensorFlow" in x and "not installed" in x for x in m["missing"])


def test_output_file_is_written_and_stdout_is_empty(run_advisor, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("an older report\n")
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--format", "json", "--output", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert CONTRACT_4 <= set(json.loads(out.read_text(encoding="utf-8")))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == [], \
        "no temporary file is left behind"


def test_write_atomic_never_leaves_half_a_file(tmp_path, monkeypatch):
    import advisor.system.output

    target = tmp_path / "report.md"
    target.write_text("the previous report\n")

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(advisor.system.output.os, "replace", crash)
    with pytest.raises(OutputError, match="cannot be written: No space left on device"):
        advisor.system.output.write_atomic(target, "x" * 100_000)
    assert target.read_text() == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"], "the temporary file is removed"


@pytest.mark.parametrize("bad", ["answers", "measurements", "rules"])
def test_invalid_input_leaves_the_output_file_alone(run_advisor, tmp_path, bad):
    broken = tmp_path / "broken.yaml"
    broken.write_text("domain: [llm\n")
    args = {"answers": EXAMPLE, "measurements": None, "rules": None}
    extra: list = ["--no-probe"]
    if bad == "answers":
        args["answers"] = broken
    elif bad == "measurements":
        extra = ["--measurements", broken]
    else:
        extra += ["--rules", broken]
    existing = tmp_path / "existing.md"
    existing.write_text("keep me\n")
    fresh = tmp_path / "fresh.md"
    for out in (existing, fresh):
        r = run_advisor("--answers", args["answers"], *extra, "--output", out)
        assert r.returncode == 2
        one_line_error(r.stderr, str(broken))
        assert r.stdout == ""
    assert existing.read_text() == "keep me\n"
    assert not fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml", "existing.md"]


@pytest.mark.parametrize("name, needles", [
    ("syntax-error.yaml", ["line 4, column"]),
    ("unknown-key.yaml", ["hardwere", "did you mean 'hardware'?"]),
    ("bad-value.yaml", ["line 4", "allowed: cpu, nvidia, amd, apple, tpu, intel"]),
    ("python-tag.yaml", ["tag"]),
])
def test_bad_answers_exit_2_with_one_line(run_advisor, name, needles):
    r = run_advisor("--answers", DATA / "answers" / name, "--no-probe", "--format", "json")
    assert r.returncode == 2
    assert r.stdout == ""
    one_line_error(r.stderr, str(DATA / "answers" / name), *needles)


@pytest.mark.parametrize("answer, meant", [
    # A synonym suggests what it stands for, not the nearest spelling ('gpu' was told 'tpu').
    ("hardware: gpu", "did you mean 'nvidia', 'amd' or 'apple'?"),
    ("hardware: GPUs", "did you mean 'nvidia', 'amd' or 'apple'?"),
    ("existing_code: keras2", "did you mean 'tensorflow'?"),  # Keras 2 code is tf.keras
    ("existing_code: Keras-3", "did you mean 'keras'?"),
    ("team_experience: torch", "did you mean 'pytorch'?"),
    ("domain: vison", "did you mean 'vision'?"),  # and a misspelling its nearest value
])
def test_did_you_mean_knows_the_words_people_use(run_advisor, tmp_path, answer, meant):
    answers = tmp_path / "answers.yaml"
    answers.write_text(answer + "\n")
    r = run_advisor("--answers", answers, "--no-probe")
    assert r.returncode == 2
    one_line_error(r.stderr, f"line 1: {answer.split(':')[0]}: ", meant)


def test_every_answers_problem_gets_its_own_line(run_advisor, tmp_path):
    bad = tmp_path / "two.yaml"
    bad.write_text("domain: visoin\nhorizon: decades\n")
    r = run_advisor("--answers", bad, "--no-probe")
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 2
    assert "line 1: domain: 'visoin'" in lines[0] and "line 2: horizon: 'decades'" in lines[1]


@pytest.mark.parametrize("kind", ["missing", "directory", "empty", "binary", "huge"])
def test_unusable_answers_files_exit_2(run_advisor, tmp_path, kind):
    p = {"missing": tmp_path / "nope.yaml", "directory": tmp_path}.get(
        kind, tmp_path / f"{kind}.yaml")
    if kind == "empty":
        p.write_text("")
    elif kind == "binary":
        p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    elif kind == "huge":
        p.write_text("domain: llm\n" + "# pad\n" * 200_000)
    r = run_advisor("--answers", p, "--no-probe")
    assert r.returncode == 2
    one_line_error(r.stderr, str(p))


def test_bad_measurements_exit_2(run_advisor, tmp_path):
    m = json.loads((DATA / "measurements-ok.json").read_text())
    m["schema"] = 2
    p = tmp_path / "m.json"
    p.write_text(json.dumps(m))
    r = run_advisor("--answers", EXAMPLE, "--measurements", p)
    assert r.returncode == 2
    one_line_error(r.stderr, str(p), "schema")


@pytest.mark.parametrize("args", [
    ["--no-probe", "--measurements", "m.json"],
    ["--bogus"],
    ["--format", "yaml"],
    ["rules"],
])
def test_usage_errors_exit_2(run_advisor, args):
    r = run_advisor("--answers", EXAMPLE, *args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "usage:" in r.stderr and "error:" in r.stderr
    assert r.stdout == ""


def test_output_into_a_missing_folder_is_a_usage_error(run_advisor, tmp_path):
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--output", tmp_path / "no" / "r.txt")
    assert r.returncode == 2
    one_line_error(r.stderr, "does not exist")


def test_output_onto_a_directory_is_a_usage_error(run_advisor, tmp_path):
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--output", tmp_path)
    assert r.returncode == 2
    one_line_error(r.stderr, "is a directory")


def test_output_below_a_file_is_a_usage_error(run_advisor, tmp_path):
    (tmp_path / "afile").write_text("x")
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--output", tmp_path / "afile" / "r.txt")
    assert r.returncode == 2
    one_line_error(r.stderr, "afile")


def test_rules_override_is_reported_in_provenance(run_advisor, tmp_path):
    from advisor.knowledge.formats import PointsRule
    from advisor.knowledge.loader import load_ruleset

    target = next(r for r in load_ruleset().rules if isinstance(r.rule, PointsRule))
    pack = override_pack(tmp_path / "org" / "acme.yaml", target.id, target.rule.criterion)
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--format", "json", "--rules", pack.parent)
    assert r.returncode == 0, r.stderr
    prov = json.loads(r.stdout)["provenance"]
    assert prov["overrides"] == [{"rule_id": target.id, "replaced_pack": target.pack,
                                  "by_pack": "acme-policy", "by_path": str(pack)}]
    assert [p["pack"] for p in prov["packs"] if not p["bundled"]] == ["acme-policy"]
    md = run_advisor("--answers", EXAMPLE, "--no-probe", "--format", "markdown",
                     "--rules", pack.parent)
    assert f"Rule '{target.id}'" in md.stdout and "replaced" in md.stdout


# --- rules check -----------------------------------------------------------------------------

def test_rules_check_bundled_is_clean(run_advisor):
    r = run_advisor("rules", "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "error:" not in r.stdout


def test_rules_check_lists_every_problem_and_exits_1(run_advisor):
    structure = DATA / "rules" / "bad-structure.yaml"
    semantics = DATA / "rules" / "bad-semantics.yaml"
    r = run_advisor("rules", "check", structure, semantics)
    assert r.returncode == 1
    assert "Traceback" not in r.stdout + r.stderr
    errors = [x for x in r.stdout.splitlines() if x.startswith("error: ")]
    expected = [(structure, "unknown-kind", 6), (structure, "no-sources", 12),
                (structure, "four-points", 25), (semantics, "bad-criterion", 9),
                (semantics, "measured-criterion", 19), (semantics, "twice", 31),
                (semantics, "bad-when", 41)]
    assert len(errors) == len(expected)
    for path, rule_id, line in expected:
        assert any(f"{path}, line {line}: rule '{rule_id}'" in e for e in errors), rule_id
    assert f"{len(expected)} problems" in r.stdout


def test_rules_check_warnings_exit_0_unless_strict(run_advisor):
    stale = DATA / "rules" / "stale.yaml"
    r = run_advisor("rules", "check", stale)
    assert r.returncode == 0
    assert any(x.startswith("warning: ") and "stale-source" in x for x in r.stdout.splitlines())
    assert run_advisor("rules", "check", "--strict", stale).returncode == 1


def test_rules_check_missing_path_is_a_problem(run_advisor, tmp_path):
    r = run_advisor("rules", "check", tmp_path / "nope.yaml")
    assert r.returncode == 1
    assert str(tmp_path / "nope.yaml") in r.stdout and "no such file" in r.stdout


# --- questions -------------------------------------------------------------------------------

def test_questions_lists_every_question(capsys):
    from advisor.knowledge.loader import bundled_questionnaire

    assert main(["questions"]) == 0
    out = capsys.readouterr().out
    for q in bundled_questionnaire().questions:
        assert q.id in out and q.prompt in out
        for c in q.choices:
            assert c.value in out


def test_template_saved_unchanged_is_valid_and_all_defaults(run_advisor, tmp_path):
    from advisor import load_answers
    from advisor.knowledge.loader import bundled_questionnaire

    r = run_advisor("questions", "--template")
    assert r.returncode == 0
    saved = tmp_path / "answers.yaml"
    saved.write_text(r.stdout, encoding="utf-8")
    a = load_answers(saved)
    q = bundled_questionnaire()
    assert dict(a) == {x.id: tuple(x.default) if x.type == "many" else x.default
                       for x in q.questions}
    assert all(f"# {x.prompt}" in r.stdout for x in q.questions)
    run = run_advisor("--answers", saved, "--no-probe", "--format", "json")
    assert run.returncode == 0, run.stderr


# --- in-process: exit codes of main() --------------------------------------------------------

def test_main_returns_codes_instead_of_raising(capsys, write):
    assert main(["--answers", str(EXAMPLE), "--no-probe", "--format", "json"]) == 0
    json.loads(capsys.readouterr().out)
    bad = write("a.yaml", "os: plan9\n")
    assert main(["--answers", str(bad), "--no-probe"]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "allowed: linux, macos, windows" in err


def test_usage_error_is_systemexit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--no-probe", "--measurements", "x.json"])
    assert info.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_interrupt_exits_130(monkeypatch, capsys):
    import advisor.inputs.answers

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(advisor.inputs.answers, "load_answers", interrupted)
    assert main(["--answers", str(EXAMPLE), "--no-probe"]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_version(capsys):
    from advisor import __version__

    assert main(["--version"]) == 0  # flushed and checked before it returns
    assert __version__ in capsys.readouterr().out


def test_markup_in_a_rule_pack_is_printed_as_text(run_advisor, write):
    """A pack's strings may hold anything: rich markup and emoji codes are shown as written."""
    hostile = "[/] [red]r[/red] :smile: [probes]"
    pack = write("hostile.yaml", (
        f'pack: hostile\ntitle: "{hostile}"\nrules:\n'
        "  - id: hostile-rule\n    kind: rule\n    when: {domain: vision}\n    favors: pytorch\n"
        f'    criterion: ecosystem\n    points: 1\n    because: "{hostile} because"\n'
        f'    sources:\n      - {{title: "{hostile}", checked: 2026-10-01}}\n'))  # fmt: skip
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--rules", pack)
    assert r.returncode == 0, r.stderr
    assert f"{hostile} because" in r.stdout and f"source: {hostile}" in r.stdout


def test_the_exit_codes_are_listed_in_the_help(run_advisor):
    from advisor.errors import ExitCode

    text = " ".join(run_advisor("--help").stdout.split())
    for code in ExitCode:
        assert f"{int(code)} " in text.split("Exit codes:")[1], code
    assert "143 terminated (SIGTERM)" in text and "129 hung up (SIGHUP)" in text


# --- advisor probe: its errors become exit codes here, in main ----------------------------------

@pytest.fixture
def probe_returns(monkeypatch: pytest.MonkeyPatch):
    """Make ``probes.measure`` return ``result`` (or raise it), without running a worker."""
    import probes

    def set_outcome(outcome: object) -> None:
        def fake_measure(settings, **kw):
            if isinstance(outcome, BaseException):
                raise outcome
            return probes.Measured(outcome, False)

        monkeypatch.setattr(probes, "measure", fake_measure)

    return set_outcome


def _probe_result(**frameworks: dict) -> dict:
    """A complete probe result in which ``frameworks`` replace the measured ones."""
    data = json.loads((DATA / "measurements-ok.json").read_text(encoding="utf-8"))
    data["frameworks"] = {name: entry or data["frameworks"][name]
                          for name, entry in frameworks.items()}  # fmt: skip
    data["ratios"] = {"train": {"estimate": None, "reason": "a framework was not measured"}}
    data["equivalence"] = {"ok": False, "reason": "needs both frameworks built"}
    return data


def test_a_framework_the_probe_could_not_measure_exits_3_after_the_result(probe_returns,
                                                                           capsys) -> None:
    result = _probe_result(pytorch={},
                           tensorflow={"status": "timeout", "message": "no answer in 1 s"})
    probe_returns(result)
    assert main(["probe", "--format", "json"]) == 3
    out = capsys.readouterr()
    assert json.loads(out.out) == result  # the result is written all the same
    assert out.err.splitlines() == ["advisor: tensorflow not measured (timeout): no answer in 1 s"]


def test_every_unmeasured_framework_gets_its_line(probe_returns, capsys) -> None:
    probe_returns(_probe_result())
    assert main(["probe", "--format", "json"]) == 3
    assert capsys.readouterr().err.splitlines() == [
        "advisor: pytorch not measured (None): None",
        "advisor: tensorflow not measured (None): None",
    ]


def test_missing_probe_frameworks_exit_3_in_one_line(probe_returns, capsys) -> None:
    import probes

    probe_returns(probes.ProbesNotInstalled("the probe frameworks are not installed"))
    assert main(["probe"]) == 3
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == "advisor: the probe frameworks are not installed\n"


def test_an_interrupted_probe_says_its_workers_were_stopped(probe_returns, capsys) -> None:
    probe_returns(KeyboardInterrupt())
    assert main(["probe"]) == 130
    assert capsys.readouterr().err == "advisor: interrupted; every probe worker was stopped\n"


def test_a_probe_usage_error_exits_2_with_the_did_you_mean(probe_returns, capsys) -> None:
    assert main(["probe", "--frameworks", "pytorh"]) == 2
    assert capsys.readouterr().err == (
        "advisor: error: --frameworks: unknown framework 'pytorh' (choose from pytorch, "
        "tensorflow); did you mean 'pytorch'?\n"
    )
