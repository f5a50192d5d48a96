"""`advisor probe` (advisor/cli/probe.py): options, the workload it measures, exit codes,
output files. The probes are replaced by a real runner pass over fake workers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import probes
from advisor.cli.entry import main
from advisor.inputs.measurements import parse_measurements
from probes import ProbeEvent

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _probe(*argv: str) -> int:
    return main(["probe", *argv])


@pytest.fixture(scope="module")
def fake_result() -> dict:
    """One real runner pass over fake workers, reused by the rendering tests."""
    from probe_fakes import fake_launcher

    import probes.runner

    saved = probes.runner.GAP_S, probes.runner.INFER_GAP_S
    probes.runner.GAP_S = probes.runner.INFER_GAP_S = 0.0
    try:
        runner = probes.runner.Runner(probes.ProbeSettings(budget_s=6, compiled=True),
                                      launcher=fake_launcher({"pytorch": "no-cxx"}))  # fmt: skip
        return runner.run()
    finally:
        probes.runner.GAP_S, probes.runner.INFER_GAP_S = saved


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch, fake_result: dict) -> list:
    calls = []

    def fake_measure(settings, *, refresh=False, on_event=None, cancel=None, check=None):
        calls.append(settings)
        on_event(ProbeEvent("pytorch", "training", 1, 8, 1234.0, "eager-loop"))
        return probes.Measured(fake_result, False)

    monkeypatch.setattr(probes, "measure", fake_measure)
    return calls


def test_json_output_is_contract_3(measured, capsys) -> None:
    code = _probe("--format", "json", "--frameworks", "torch,tf", "--budget", "20")
    out = capsys.readouterr()
    assert code == 0
    parse_measurements(json.loads(out.out))
    assert measured[0].frameworks == ("pytorch", "tensorflow") and measured[0].budget_s == 20
    assert "probe pytorch: training" in out.err  # progress on stderr, not stdout


def test_text_output_is_a_table_with_ratios_and_efficiency(measured, capsys) -> None:
    assert _probe() == 0
    out = capsys.readouterr().out
    for words in ("eager-loop", "keras-fit", "tf-function", "torch-compile", "train samples/s",
                  "efficiency vs matmul peak", "Equivalence: ok", "train (eager-loop / keras-fit)",
                  "compiler", "PyTorch primary figures: out of the box; glibc",
                  "nothing but loading and training ran before a timed window",
                  "train_tuned (eager-loop (glibc-thresholds) / keras-fit (glibc-thresholds))",
                  "Tuned states", "1.50×", "Make it faster on this machine",
                  "PyTorch trains the cnn workload 1.5× faster here",
                  "MALLOC_MMAP_THRESHOLD_=268435456",
                  "jemalloc or tcmalloc"):  # fmt: skip
        assert words in out, words


def test_output_file_is_written_whole(measured, tmp_path: Path, capsys) -> None:
    target = tmp_path / "m.json"
    assert _probe("--format", "json", "--output", str(target)) == 0
    assert capsys.readouterr().out == ""
    parse_measurements(json.loads(target.read_text()))
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--budget", "2"), "below the floor"),
        (("--frameworks", "pytorh"), "did you mean 'pytorch'"),
        (("--frameworks", ","), "give pytorch, tensorflow or both"),
        (("--output", "/nonexistent/dir/m.json"), "does not exist"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(measured, capsys, argv, words) -> None:
    assert _probe(*argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert measured == []  # nothing was measured


def test_an_unmeasured_framework_exits_3_but_still_reports(monkeypatch, fake_result, capsys):
    broken = json.loads(json.dumps(fake_result))
    broken["frameworks"]["tensorflow"].update(status="timeout", message="no answer in 1 s")
    monkeypatch.setattr(probes, "measure", lambda s, **kw: probes.Measured(broken, False))
    assert _probe("--format", "json") == 3
    out = capsys.readouterr()
    assert json.loads(out.out)["frameworks"]["tensorflow"]["status"] == "timeout"
    assert "tensorflow not measured (timeout)" in out.err


def test_interrupted_run_writes_nothing(monkeypatch, tmp_path: Path, capsys) -> None:
    def interrupted(settings, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(probes, "measure", interrupted)
    target = tmp_path / "m.json"
    assert _probe("--output", str(target)) == 130
    assert not target.exists()
    assert "interrupted" in capsys.readouterr().err


def test_a_cached_result_is_used_and_said_so(fake_result, monkeypatch, capsys) -> None:
    monkeypatch.setattr(probes.cache, "lookup", lambda s, check: probes.cache.Lookup(fake_result))
    monkeypatch.setattr(probes, "run_probes", lambda *a, **k: pytest.fail("must not measure"))
    assert _probe("--format", "json") == 0
    err = capsys.readouterr().err
    assert "cached result" in err
    assert "Probing" not in err  # no progress table for a result that was not measured


def test_cache_warnings_and_a_missing_extra_are_one_line_each(monkeypatch, fake_result, capsys):
    monkeypatch.setattr(probes, "measure", lambda s, **kw: probes.Measured(
        fake_result, False, ("the cache folder cannot be used (/x: Read-only file system)",)))
    assert _probe("--format", "json") == 0
    assert "advisor: warning: the cache folder cannot be used" in capsys.readouterr().err

    def not_installed(settings, **kw):
        raise probes.ProbesNotInstalled("the probe frameworks are not installed (torch missing); "
                                        "add them with: python -m pip install "
                                        "'framework-advisor[probes]'")

    monkeypatch.setattr(probes, "measure", not_installed)
    assert _probe() == 3
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.count("\n") == 1 and "framework-advisor[probes]" in out.err


def test_the_advisor_command_rejects_a_bad_budget_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "advisor", "probe", "--budget", "1"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)  # fmt: skip
    assert proc.returncode == 2
    assert "floor" in proc.stderr and "Traceback" not in proc.stderr


# --- --output and the result's own text (issue 10, items 1 and 9) -----------------------------

@pytest.mark.parametrize(("target", "words"), [
    ("/dev/null", "is a device"),
    ("LONG", "File name too long"),
    ("DIR", "is a directory"),
])  # fmt: skip
def test_an_unusable_output_is_refused_before_measuring(measured, capsys, tmp_path, target,
                                                        words) -> None:  # fmt: skip
    path = {"LONG": str(tmp_path / ("x" * 300)), "DIR": str(tmp_path)}.get(target, target)
    assert _probe("--output", path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err
    assert measured == [], "nothing was measured"


def test_an_output_that_goes_away_during_the_run_is_one_line(
    monkeypatch, fake_result, tmp_path, capsys
) -> None:
    folder = tmp_path / "results"
    folder.mkdir()

    def measure_then_lose_the_folder(settings, **kw):
        folder.rmdir()  # say, an unmounted drive, after minutes of measuring
        return probes.Measured(fake_result, False)

    monkeypatch.setattr(probes, "measure", measure_then_lose_the_folder)
    assert _probe("--format", "json", "--output", str(folder / "m.json")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err and "Traceback" not in err


def test_text_from_the_measurements_is_printed_as_it_is(fake_result) -> None:
    """Rich markup and emoji codes in a measured string are text, never markup: "[probes]"
    must not vanish, and "[/]" must not crash the rendering."""
    from advisor.report.measured import render_measurements

    hostile = "[/] [red]r[/red] :smile: [probes]"
    data = json.loads(json.dumps(fake_result))
    data["machine"].update(python=hostile, cpu=hostile, os=hostile)
    data["frameworks"]["tensorflow"].update(status="not_installed", message=hostile)
    text = render_measurements(parse_measurements(data), width=400)
    assert text.count(hostile) >= 3, text


# --- which workload is measured (the domain-matched workloads issue) -----------------------------

@pytest.fixture
def llm_answers(tmp_path: Path) -> Path:
    path = tmp_path / "llm.yaml"
    text = (EXAMPLES / "android-app.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("domain: vision", "domain: llm"), encoding="utf-8")
    return path


@pytest.mark.parametrize(("argv", "workloads", "said"), [
    ((), ("cnn",), "the cnn workload (the article's small CNN), because no answers file"),
    (("--workload", "rnn"), ("rnn",), "the rnn workload (a GRU forecaster), as asked"),
    (("--workload", "auto", "--answers", "LLM"), ("transformer",),
     "the transformer workload (a small transformer encoder), because it matches the domain"),
    (("--workload", "all", "--answers", "LLM"), ("transformer", "cnn", "rnn", "mlp"),
     "all 4 workloads, one after another, transformer first"),
])  # fmt: skip
def test_the_workload_follows_the_answers_or_the_choice(measured, capsys, llm_answers, argv,
                                                        workloads, said) -> None:  # fmt: skip
    argv = tuple(str(llm_answers) if a == "LLM" else a for a in argv)
    assert _probe(*argv, "--format", "json") == 0
    assert measured[0].workloads == workloads
    err = capsys.readouterr().err
    assert said in err, err
    if len(workloads) > 1:  # a longer run says so before it starts
        assert "minutes in all" in err.splitlines()[0]


def test_the_top_level_answers_option_picks_the_workload_too(measured, llm_answers) -> None:
    assert main(["--answers", str(llm_answers), "probe", "--format", "json"]) == 0
    assert measured[0].workloads == ("transformer",)


def test_a_bad_answers_file_for_the_workload_is_one_line_and_measures_nothing(
    measured, capsys, tmp_path: Path
) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("domain: astrology\n", encoding="utf-8")
    assert _probe("--answers", str(bad)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "domain" in err and str(bad) in err
    assert measured == []


def test_answers_mode_probes_the_workload_of_its_domain_and_says_so(
    monkeypatch, fake_result, capsys, llm_answers
) -> None:
    asked = []

    def fake_measure(settings, *, refresh=False, on_event=None, cancel=None, check=None):
        asked.append(settings)
        on_event(ProbeEvent("pytorch", "training", 1, 8, 1234.0, "eager-loop", "",
                            settings.workloads[0]))  # fmt: skip
        return probes.Measured({**fake_result, "workload": settings.workloads[0]}, False)

    monkeypatch.setattr(probes, "measure", fake_measure)
    assert main(["--answers", str(llm_answers), "--format", "json"]) == 0
    out = capsys.readouterr()
    assert asked[0].workloads == ("transformer",)
    assert "Probing the transformer workload (a small transformer encoder), which matches your " \
           "domain (llm)" in out.err
    used = json.loads(out.out)["measurements"]
    assert used["workload"] == used["matching_workload"] == "transformer"
    assert used["workload_scale"] == 1


def test_the_answers_file_is_never_the_output(measured, capsys, llm_answers) -> None:
    before = llm_answers.read_bytes()
    assert _probe("--answers", str(llm_answers), "--output", str(llm_answers)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert llm_answers.read_bytes() == before
    assert measured == [], "nothing was measured"


# --- Keras 3 on other backends (--keras-backends) ---------------------------------------------

@pytest.fixture
def pytorch_answers(tmp_path: Path) -> Path:
    path = tmp_path / "pytorch-team.yaml"
    text = (EXAMPLES / "android-app.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("team_experience: tensorflow", "team_experience: pytorch"),
                    encoding="utf-8")  # fmt: skip
    return path


def _jax() -> tuple[str, ...]:
    import importlib.util

    return ("jax",) if importlib.util.find_spec("jax") else ()


@pytest.mark.parametrize(("argv", "backends"), [
    (("--keras-backends", "torch,tf"), ("torch", "tensorflow")),
    (("--keras-backends", "pytorch, jax ,torch"), ("torch", "jax")),
    (("--keras-backends", "none", "--answers", "KERAS"), ()),
    ((), ()),  # no answers: the default probe, its wall time unchanged
    (("--answers", "PYTORCH"), ()),
    (("--answers", "KERAS"), ("tensorflow", "torch", *_jax())),
    (("--answers", "KERAS", "--frameworks", "pytorch"), ("torch", *_jax())),
])  # fmt: skip
def test_which_keras_backends_run(measured, llm_answers, pytorch_answers, argv,
                                  backends) -> None:  # fmt: skip
    files = {"KERAS": str(llm_answers), "PYTORCH": str(pytorch_answers)}
    assert _probe(*(files.get(a, a) for a in argv), "--format", "json") == 0
    assert measured[0].keras_backends == backends


def test_the_wall_time_says_up_front_what_the_backends_add_and_why(measured, capsys,
                                                                   llm_answers) -> None:
    assert _probe("--answers", str(llm_answers), "--format", "json") == 0
    first = capsys.readouterr().err.splitlines()[0]
    seconds = measured[0].keras_wall_s
    assert seconds > 0
    assert f"of which about {seconds:.0f} s for Keras 3 on torch" in first
    assert "because of your answers (Your team knows TensorFlow and Keras; " \
           "--keras-backends none skips them)" in first


@pytest.mark.parametrize(("argv", "words"), [
    (("--keras-backends", "mxnet"), "unknown Keras backend 'mxnet'"),
    (("--keras-backends", "jaxx"), "did you mean 'jax'?"),
    (("--keras-backends", ","), "give backends"),
    (("--keras-backends", "tensorflow", "--frameworks", "pytorch"),
     "add tensorflow to the frameworks"),
])  # fmt: skip
def test_bad_keras_backends_exit_2_with_a_message(measured, capsys, argv, words) -> None:
    assert _probe(*argv) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1
    assert measured == []


def test_the_advisor_probes_the_keras_backends_where_keras_is_relevant(
    monkeypatch, fake_result, capsys, llm_answers, pytorch_answers
) -> None:
    asked = []

    def fake_measure(settings, *, refresh=False, on_event=None, cancel=None, check=None):
        asked.append(settings)
        on_event(ProbeEvent("pytorch", "training", 1, 8, 1234.0, "eager-loop", "",
                            settings.workloads[0]))  # fmt: skip
        return probes.Measured({**fake_result, "workload": settings.workloads[0]}, False)

    monkeypatch.setattr(probes, "measure", fake_measure)
    assert main(["--answers", str(llm_answers), "--format", "json"]) == 0
    assert main(["--answers", str(pytorch_answers), "--format", "json"]) == 0
    assert asked[0].keras_backends == ("tensorflow", "torch", *_jax())
    assert asked[1].keras_backends == ()
    assert "for Keras 3 on torch" in capsys.readouterr().err
