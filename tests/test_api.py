"""The embedding API given the wrong type or shape (issue 10, item 8): ``recommend()`` and the
loaders raise only the documented errors, each for its own argument, whatever they are fed:
the same hostile values the CLI tests use, and Python values a command line cannot carry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor import (
    AnswersError,
    MeasurementsError,
    Recommendation,
    RuleFileError,
    load_answers,
    load_measurements,
    load_ruleset,
    recommend,
)
from advisor.errors import AdvisorError
from advisor.inputs.files import brief

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "android-app.yaml"
POLICY = HERE.parent / "examples" / "policies" / "serve-on-tf-serving.yaml"
MEASUREMENTS = json.loads((HERE / "data" / "measurements-ok.json").read_text())


class Evil:
    def __repr__(self) -> str:
        raise RuntimeError("repr bomb")

    def __iter__(self):
        raise RuntimeError("iter bomb")


def _deep(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


def _with_inf() -> dict:
    data = json.loads(json.dumps(MEASUREMENTS))
    data["ratios"]["train"]["estimate"] = float("inf")
    return data


# Not a path, or a path to nothing usable: every path-taking function sees all of these.
HOSTILE_PATHS = [
    "", "x" * 300, "/dev/null", "/nonexistent/file", ".", "a\0b", 3, 1.5, None, True, b"bytes",
    ["a.yaml"], {"a": 1}, object(), Evil(), _deep(2000),
]  # fmt: skip
HOSTILE_VALUES = [*HOSTILE_PATHS, str(EXAMPLE), Path(EXAMPLE), [], {}, _with_inf(), _deep(5)]


@pytest.mark.parametrize("value", HOSTILE_PATHS, ids=brief)
def test_load_answers(value):
    with pytest.raises(AnswersError):
        load_answers(value)


@pytest.mark.parametrize("value", HOSTILE_PATHS, ids=brief)
def test_load_measurements(value):
    with pytest.raises(MeasurementsError):
        load_measurements(value)


@pytest.mark.parametrize("value", [v for v in HOSTILE_PATHS if v not in (None, "")], ids=brief)
def test_load_ruleset(value):
    with pytest.raises(RuleFileError):
        load_ruleset(value)
    with pytest.raises(RuleFileError):
        load_ruleset([value])


def test_load_answers_questionnaire_argument():
    with pytest.raises(AnswersError, match="questionnaire"):
        load_answers(EXAMPLE, "not a questionnaire")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [v for v in HOSTILE_VALUES if v != {}], ids=brief)
def test_recommend_answers(value):
    with pytest.raises(AnswersError):
        recommend(value)


ANSWER_VALUES = (
    [{"domain": v} for v in HOSTILE_VALUES if v is not None]
    + [{"deployment": [v]} for v in HOSTILE_VALUES]
    + [{v: "llm"} for v in (3, None, ("a",), "x" * 300)]
)


@pytest.mark.parametrize("value", ANSWER_VALUES, ids=brief)
def test_recommend_answer_values(value):
    with pytest.raises(AnswersError):
        recommend(value)


@pytest.mark.parametrize("value", [v for v in HOSTILE_VALUES if v is not None], ids=brief)
def test_recommend_measurements(value):
    """A str, list, int or Path is a MeasurementsError (a file name is read by
    load_measurements, not here), and so is a dict that is not contract 3."""
    with pytest.raises(MeasurementsError):
        recommend({}, measurements=value)


@pytest.mark.parametrize("value", [v for v in HOSTILE_PATHS if v not in (None,)], ids=brief)
def test_recommend_rule_paths(value):
    with pytest.raises(RuleFileError):
        recommend({}, rule_paths=value)


@pytest.mark.parametrize("value", [3, "rules/", {}, [], object(), Evil()], ids=brief)
def test_recommend_ruleset(value):
    with pytest.raises(RuleFileError, match="ruleset"):
        recommend({}, ruleset=value)


def test_a_single_rule_path_is_one_path_not_its_characters():
    for one in (str(POLICY), POLICY):
        rec = recommend({"deployment": ["server"], "domain": "llm"}, rule_paths=one)
        assert rec.decided_by == "constraint"
    with pytest.raises(RuleFileError) as info:
        recommend({}, rule_paths="missing-pack.yaml")
    assert str(info.value).startswith("missing-pack.yaml: no such file")


def test_every_error_is_one_of_the_documented_ones():
    """Whatever the mix of arguments, only AdvisorError subclasses come out."""
    for answers in HOSTILE_VALUES[:6]:
        for measurements in HOSTILE_VALUES[:6]:
            try:
                result = recommend(answers, measurements=measurements)  # type: ignore[arg-type]
            except AdvisorError:
                continue
            assert isinstance(result, Recommendation)


@pytest.mark.parametrize("call", [
    lambda: recommend({}, rule_paths=["our-policies/"]),  # the README's example once named it
    lambda: load_ruleset(["missing-pack.yaml"]),
    lambda: load_answers("missing.yaml"),
    lambda: load_measurements("missing.json"),
], ids=["recommend", "load_ruleset", "load_answers", "load_measurements"])
def test_an_error_is_one_traceback_not_two(call):
    # Raised inside an `except` without `from`, an error once printed twice, joined by
    # "During handling of the above exception, another exception occurred".
    with pytest.raises(AdvisorError) as info:
        call()
    error = info.value
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
