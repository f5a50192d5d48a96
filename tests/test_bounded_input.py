"""Bounded input (issue 10, item 5): nesting depth, odd file names and out-of-range numbers are
one located line and exit 2, through the CLI and through the API, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import load_answers, load_measurements, load_ruleset, recommend
from advisor.errors import AdvisorError, AnswersError, MeasurementsError, RuleFileError
from advisor.inputs.files import MAX_DEPTH
from advisor.knowledge.checks import check_rules

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "android-app.yaml"
MEASUREMENTS = json.loads((HERE / "data" / "measurements-ok.json").read_text())
LONG = "x" * 300


def one_error_line(r, *needles: str) -> str:
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == "" and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("advisor: error: "), r.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def deep_block_mapping(levels: int) -> str:
    """domain: at the bottom of ``levels`` nested block mappings (k0: / k1: / ...)."""
    return "".join(" " * i + f"k{i}:\n" for i in range(levels)) + " " * levels + "x: 1\n"


def pack_with_when(when: str) -> str:
    return (
        "pack: deep\nrules:\n  - id: deep-rule\n    kind: rule\n"
        f"    when: {when}\n    favors: pytorch\n    criterion: ecosystem\n    points: 1\n"
        "    because: A deeply nested condition, for the test.\n"
        "    sources:\n      - {title: 'a test source', checked: 2026-10-01}\n"
    )


def deep_measurements(levels: int) -> str:
    """A valid measurements file with a deep array where a list of strings belongs."""
    data = json.loads(json.dumps(MEASUREMENTS))
    data["machine"]["accelerators"] = "DEEP"
    return json.dumps(data, indent=1).replace('"DEEP"', "[" * levels + "]" * levels)


TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"
DEEP_WHEN = {
    "all-300": "{all: [" * 300 + "{domain: llm}" + "]}" * 300,
    "not-400": "{not: " * 400 + "{domain: llm}" + "}" * 400,
}


# --- nesting, through the CLI -----------------------------------------------------------------

def test_a_400_level_answers_file(run_advisor, write):
    p = write("deep.yaml", deep_block_mapping(400))
    one_error_line(run_advisor("--answers", p, "--no-probe"), str(p), "line 52", TOO_DEEP)


@pytest.mark.parametrize("name", sorted(DEEP_WHEN))
def test_a_deeply_nested_when_in_a_run_and_in_rules_check(run_advisor, write, name):
    p = write(f"{name}.yaml", pack_with_when(DEEP_WHEN[name]))
    one_error_line(run_advisor("--answers", EXAMPLE, "--no-probe", "--rules", p),
                   str(p), "line 5", TOO_DEEP)
    r = run_advisor("rules", "check", p)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert f"error: {p}, line 5" in r.stdout and TOO_DEEP in r.stdout


def test_a_400_level_measurements_file(run_advisor, write):
    p = write("m.json", deep_measurements(400))
    one_error_line(run_advisor("--answers", EXAMPLE, "--measurements", p), str(p), TOO_DEEP)


def test_libyamls_own_limit_reads_the_same(run_advisor, write):
    p = write("flow.yaml", "domain: " + "[" * 5000 + "]" * 5000 + "\n")
    one_error_line(run_advisor("--answers", p, "--no-probe"), str(p), "line 1", TOO_DEEP)


# --- nesting, through the API -----------------------------------------------------------------

def test_the_loaders_and_recommend_stop_at_the_limit(write):
    with pytest.raises(AnswersError, match=TOO_DEEP):
        load_answers(write("deep.yaml", deep_block_mapping(400)))
    with pytest.raises(MeasurementsError, match=TOO_DEEP):
        load_measurements(write("m.json", deep_measurements(400)))
    for name, when in DEEP_WHEN.items():
        with pytest.raises(RuleFileError, match=TOO_DEEP):
            load_ruleset([write(f"{name}.yaml", pack_with_when(when))])
    deep: object = "llm"
    for _ in range(2000):
        deep = [deep]
    with pytest.raises(AnswersError, match="not an allowed value"):  # quoted briefly, no repr
        recommend({"deployment": [deep]})
    nested = {"a": None}
    for _ in range(2000):
        nested = {"a": nested}
    data = json.loads(json.dumps(MEASUREMENTS))
    data["machine"]["probe"] = nested
    with pytest.raises(MeasurementsError, match=TOO_DEEP):
        recommend({}, measurements=data)


def test_the_limit_leaves_room_for_real_files(write):
    """Everything the advisor ships is far shallower than the limit, and a condition nested a
    reasonable 20 levels still loads."""
    assert check_rules().errors == []
    when = "{all: [" * 10 + "{not: {domain: llm}}" + "]}" * 10
    load_ruleset([write("ok.yaml", pack_with_when(when))])


NESTERS = {
    "yaml-flow": lambda n: "domain: " + "[" * n + "]" * n + "\n",
    "yaml-block": deep_block_mapping,  # grows with the square of the depth: hits 1 MB first
    "yaml-block-sequences": lambda n: "deployment:\n" + "- " * n + "mobile\n",
    "yaml-flow-mappings": lambda n: "domain: " + "{a: " * n + "1" + "}" * n + "\n",
    "json": lambda n: '{"schema": 1, "x": ' + "[" * n + "]" * n + "}",
}


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(kind=st.sampled_from(sorted(NESTERS)), levels=st.integers(1, 3000))
def test_any_nesting_depth_is_an_advisor_error_never_a_recursion_error(tmp_path_factory, kind,
                                                                       levels):  # fmt: skip
    path = tmp_path_factory.mktemp("deep") / ("m.json" if kind == "json" else "a.yaml")
    path.write_text(NESTERS[kind](levels))
    load = load_measurements if kind == "json" else load_answers
    try:
        load(path)
    except AdvisorError as exc:
        assert str(path) in str(exc)
        if levels > MAX_DEPTH + 1 and "larger than 1,000,000 bytes" not in str(exc):
            assert TOO_DEEP in str(exc)
    # Anything else (RecursionError included) fails the test.


# --- odd file names ---------------------------------------------------------------------------

@pytest.mark.parametrize("option", ["--answers", "--measurements", "--rules", "--output"])
def test_a_name_too_long_for_any_path_option(run_advisor, tmp_path, option):
    long = str(tmp_path / LONG)
    answers = long if option == "--answers" else str(EXAMPLE)
    probe = ["--measurements", long] if option == "--measurements" else ["--no-probe"]
    extra = [option, long] if option in ("--rules", "--output") else []
    one_error_line(run_advisor("--answers", answers, *probe, *extra), "too long")


def test_a_name_too_long_for_rules_check_and_probe(run_advisor, tmp_path):
    r = run_advisor("rules", "check", tmp_path / LONG)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert "too long" in r.stdout
    one_error_line(run_advisor("probe", "--output", tmp_path / LONG), "too long")


@pytest.mark.parametrize("argv", [
    ["--answers", ""],
    ["--answers", "", "--format", "json"],
    ["--answers", str(EXAMPLE), "--measurements", ""],
    ["--answers", str(EXAMPLE), "--no-probe", "--rules", ""],
    ["rules", "check", ""],
    ["probe", "--output", ""],
])  # fmt: skip
def test_an_empty_file_name_is_a_usage_error_not_the_app(run_advisor, argv):
    r = run_advisor(*argv)
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert "usage:" in r.stderr and "the file name is empty" in r.stderr


# --- --budget ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("budget", "words"), [
    ("inf", "not a finite number"),
    ("-inf", "not a finite number"),
    ("nan", "not a finite number"),
    ("abc", "not a number"),
    ("1e9", "above the ceiling of 3600 s"),
    ("3", "below the floor of 6 s"),
])  # fmt: skip
def test_budget_takes_finite_seconds_in_its_range(run_advisor, budget, words):
    r = run_advisor("probe", f"--budget={budget}")
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert words in r.stderr


def test_probe_settings_refuse_what_the_cli_refuses():
    from probes import ProbeSettings, ProbeSettingsError

    for budget in (float("inf"), float("nan"), 1e9, 1.0):
        with pytest.raises(ProbeSettingsError):
            ProbeSettings(budget_s=budget)
    assert ProbeSettings(budget_s=3600).effective_budget_s == 3600


def test_a_rule_pack_whose_name_is_not_utf8(run_advisor, tmp_path):
    """Python keeps such a name as surrogates, which JSON cannot encode: the report shows
    U+FFFD in their place instead of ending in a UnicodeEncodeError."""
    policy = HERE.parent / "examples" / "policies" / "serve-on-tf-serving.yaml"
    odd = tmp_path / "p\udcff.yaml"
    odd.write_bytes(policy.read_bytes())
    for fmt in ("json", "text", "markdown"):
        r = run_advisor("--answers", EXAMPLE, "--no-probe", "--rules", odd, "--format", fmt)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--rules", odd, "--format", "json")
    assert [p["path"] for p in json.loads(r.stdout)["provenance"]["packs"]][-1].endswith(
        "p\ufffd.yaml")
