"""Property-based tests: random and mutated answers files, rule packs and measurements fed to
every loader. Each either returns a valid result or raises the project's own error type, whose
message names the file (and the line, for syntax errors). Nothing else may escape.

The examples are derandomised (a fixed seed per test) so that the suite is reproducible; set
FUZZ_EXAMPLES to a larger number to explore more widely on demand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import load_answers
from advisor.errors import AdvisorError, AnswersError, MeasurementsError, RuleFileError
from advisor.inputs.answers import Answers
from advisor.inputs.measurements import Measurements, load_measurements
from advisor.knowledge.checks import check_rules
from advisor.knowledge.loader import bundled_questionnaire, bundled_rules_dir, load_ruleset
from advisor.knowledge.ruleset import RuleSet

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
EXAMPLE = HERE.parent / "examples" / "android-app.yaml"
SCALE = int(os.environ.get("FUZZ_EXAMPLES", "0")) or 1


def fuzz(n: int):
    return settings(
        max_examples=n * SCALE,
        deadline=None,
        derandomize=SCALE == 1,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


QUESTIONNAIRE = bundled_questionnaire()


def expect_own_error(error: AdvisorError, path: Path, expected: type[AdvisorError]) -> None:
    assert isinstance(error, expected), f"{type(error).__name__}: {error}"
    message = str(error)
    assert str(path) in message, message
    if "syntax error" in message:
        assert f"{path}, line " in message, message
    if "YAML error:" not in message:  # reader errors span two lines (inputs/test_files.py)
        assert "\n" not in message.strip(), "one line, so it reads as one diagnostic on stderr"


def outcome(load, path: Path, expected: type[AdvisorError]) -> Any:
    """Call ``load(path)``; return its result, or None after checking the project's error."""
    try:
        return load(path)
    except AdvisorError as exc:
        expect_own_error(exc, path, expected)
        return None


# --- mutation strategies ---------------------------------------------------------------------

SPICY = list(":-[]{},#&*!|>'\"\n\t %@`?~=") + ["yes", "null", "1e9", "0x1F", "-", "  "]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["none", "mobile", "llm", "pytorch", "tensorflow", "", "~", "2026-01-01"]),
)
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def text_mutation(draw, source: str) -> str:
    """A few edits of ``source``: flip characters, delete, duplicate or indent lines, or
    replace a value with a random scalar."""
    text = source
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        op = draw(st.sampled_from(["flip", "delete", "duplicate", "indent", "value", "insert"]))
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "flip" and text:
            at = draw(st.integers(0, len(text) - 1))
            text = text[:at] + draw(st.sampled_from(SPICY) | st.characters()) + text[at + 1:]
            continue
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = " " * draw(st.integers(1, 4)) + lines[i]
        elif op == "value" and ":" in lines[i]:
            head = lines[i].split(":", 1)[0]
            scalar = draw(SCALARS)
            raw = draw(st.booleans())
            value = str(scalar) if raw else json.dumps(scalar)
            lines[i] = f"{head}: {value}"
        elif op == "insert":
            lines.insert(i, draw(st.text(max_size=20)))
        text = "\n".join(lines)
    return text


# --- answers ---------------------------------------------------------------------------------

ANSWER_KEYS = st.sampled_from([*QUESTIONNAIRE.ids, "version", "domian", "Domain", "", "none"])
ANSWER_VALUES = st.one_of(
    SCALARS,
    st.sampled_from([v for q in QUESTIONNAIRE.questions for v in q.values]),
    st.lists(st.sampled_from(QUESTIONNAIRE["deployment"].values) | SCALARS, max_size=4),
    st.dictionaries(st.text(max_size=5), SCALARS, max_size=2),
)


def check_answers(result: Answers | None) -> None:
    if result is None:
        return
    assert list(result) == QUESTIONNAIRE.ids
    for q in QUESTIONNAIRE.questions:
        value = result[q.id]
        if q.type == "many":
            assert isinstance(value, tuple) and "none" not in value
            assert list(value) == [v for v in q.values if v in value]
        else:
            assert value in q.values
    assert set(result.defaulted) <= set(QUESTIONNAIRE.ids)


@fuzz(120)
@given(data=st.dictionaries(ANSWER_KEYS, ANSWER_VALUES, max_size=8))
def test_random_answer_mappings(scratch, data):
    p = scratch / "random-answers.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check_answers(outcome(load_answers, p, AnswersError))


@fuzz(150)
@given(text=st.one_of(text_mutation(EXAMPLE.read_text(encoding="utf-8")),
                      text_mutation((DATA / "answers" / "partial-with-nulls.yaml").read_text())))
def test_mutated_answers_files(scratch, text):
    p = scratch / "mutated-answers.yaml"
    p.write_text(text, encoding="utf-8")
    check_answers(outcome(load_answers, p, AnswersError))


@fuzz(60)
@given(raw=st.binary(max_size=200))
def test_random_bytes_as_answers(scratch, raw):
    p = scratch / "bytes-answers.yaml"
    p.write_bytes(raw)
    check_answers(outcome(load_answers, p, AnswersError))


@fuzz(40)
@given(data=JSONISH)
def test_nested_structures_as_answers(scratch, data):
    p = scratch / "nested-answers.yaml"
    p.write_text(yaml.safe_dump({"deployment": data, "domain": data}), encoding="utf-8")
    check_answers(outcome(load_answers, p, AnswersError))


# --- rule packs ------------------------------------------------------------------------------

SMALL_PACKS = sorted(bundled_rules_dir().glob("packs/*.yaml"), key=lambda f: f.stat().st_size)[:2]
PACK_SOURCES = [f.read_text(encoding="utf-8") for f in SMALL_PACKS] + [
    (DATA / "rules" / n).read_text(encoding="utf-8") for n in ("bad-semantics.yaml", "stale.yaml")]

RULE_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["a-rule", "Bad Id", "server-tf-serving", ""]) | SCALARS,
        "kind": st.sampled_from(["rule", "note", "myth", "constraint", "hint"]) | SCALARS,
        "when": st.sampled_from([{"domain": "llm"}, {"deployment": {"has": "mobile"}},
                                 {"all": []}, {"not": {"os": "plan9"}}, "domain == llm"]) | JSONISH,
        "favors": st.sampled_from(["pytorch", "tensorflow", "jax"]) | SCALARS,
        "criterion": st.sampled_from(["ecosystem", "training_speed", "nope"]) | SCALARS,
        "points": st.sampled_from([1, 2, 3, 4, 5]) | SCALARS,
        "because": st.text(max_size=30) | SCALARS,
        "claim": st.text(max_size=10),
        "requires": st.sampled_from(["pytorch", "tensorflow"]) | SCALARS,
        "sources": st.lists(st.fixed_dictionaries(
            {}, optional={"url": st.sampled_from(["https://example.org", "nope"]) | SCALARS,
                          "title": st.text(max_size=12),
                          "checked": st.sampled_from(["2026-01-01", "2099-01-01", "2019-01-01",
                                                      "yesterday"]) | SCALARS}), max_size=2)
        | SCALARS,
    },
)


def check_pack(p: Path) -> None:
    problems = check_rules([p])
    for problem in problems.errors:
        assert problem.path == str(p), str(problem)
        assert str(problem).startswith(str(p))
    ruleset = outcome(lambda x: load_ruleset([x]), p, RuleFileError)
    if ruleset is not None:
        assert isinstance(ruleset, RuleSet)
        assert not problems.errors, "load_ruleset accepted what check_rules rejects"
    elif not problems.errors:
        pytest.fail("load_ruleset rejected a pack that check_rules accepts")


@fuzz(30)
@given(rules=st.lists(RULE_FIELDS, max_size=3),
       head=st.fixed_dictionaries({"pack": st.sampled_from(["fuzz-pack", "Fuzz Pack"]) | SCALARS}))
def test_random_rule_packs(scratch, rules, head):
    p = scratch / "random-pack.yaml"
    p.write_text(yaml.safe_dump({**head, "rules": rules}, allow_unicode=True), encoding="utf-8")
    check_pack(p)


@fuzz(30)
@given(text=st.one_of(*[text_mutation(s) for s in PACK_SOURCES]))
def test_mutated_rule_packs(scratch, text):
    p = scratch / "mutated-pack.yaml"
    p.write_text(text, encoding="utf-8")
    check_pack(p)


# --- measurements ----------------------------------------------------------------------------

GOOD_MEASUREMENTS = json.loads((DATA / "measurements-ok.json").read_text(encoding="utf-8"))
MISSING_MEASUREMENTS = json.loads(
    (DATA / "measurements-tf-missing.json").read_text(encoding="utf-8"))


def paths_of(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths_of(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths_of(v, (*prefix, i))
    return out


@st.composite
def structural_mutation(draw, source: dict) -> Any:
    doc = json.loads(json.dumps(source))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in paths_of(doc) if p]
        if not paths:
            return draw(JSONISH)
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        op = draw(st.sampled_from(["replace", "delete", "nest", "add"]))
        if op == "replace":
            parent[key] = draw(JSONISH | SCALARS.filter(lambda v: v == v))
        elif op == "delete":
            del parent[key]
        elif op == "nest":
            parent[key] = draw(st.sampled_from([[parent[key]], {"value": parent[key]}]))
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(JSONISH)
    return doc


def check_measurements(result: Measurements | None) -> None:
    if result is not None:
        assert isinstance(result, Measurements)
        assert set(result.frameworks) <= {"pytorch", "tensorflow"}
        for ratio in result.ratios.values():
            assert ratio.estimate is not None or ratio.reason


@fuzz(150)
@given(doc=st.one_of(structural_mutation(GOOD_MEASUREMENTS),
                     structural_mutation(MISSING_MEASUREMENTS)))
def test_mutated_measurements(scratch, doc):
    p = scratch / "mutated-measurements.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    check_measurements(outcome(load_measurements, p, MeasurementsError))


@fuzz(80)
@given(text=text_mutation(json.dumps(GOOD_MEASUREMENTS, indent=2)))
def test_mutated_measurements_text(scratch, text):
    p = scratch / "mutated-measurements-text.json"
    p.write_text(text, encoding="utf-8")
    check_measurements(outcome(load_measurements, p, MeasurementsError))


@fuzz(50)
@given(doc=JSONISH)
def test_random_json_as_measurements(scratch, doc):
    p = scratch / "random-measurements.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    check_measurements(outcome(load_measurements, p, MeasurementsError))


# --- YAML's own features: explicit tags, anchors and aliases ---------------------------------

YAML_FEATURES = ["!!float ", "!!int ", "!!timestamp ", "!!binary ", "!!str ", "!!set ",
                 "&a ", "*a", "&a [*a]", "<<: ", "? ", "--- ", "... "]


@st.composite
def yaml_feature_mutation(draw, source: str) -> str:
    lines = source.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        if ":" in lines[i]:
            head, value = lines[i].split(":", 1)
            lines[i] = f"{head}: {draw(st.sampled_from(YAML_FEATURES))}{value.strip()}"
    return "\n".join(lines)


@fuzz(60)
@given(text=yaml_feature_mutation(EXAMPLE.read_text(encoding="utf-8")))
def test_answers_with_tags_and_aliases(scratch, text):
    p = scratch / "tagged-answers.yaml"
    p.write_text(text, encoding="utf-8")
    check_answers(outcome(load_answers, p, AnswersError))
