"""The condition language (`when`): data parsed against the questionnaire, never evaluated
as code."""

from __future__ import annotations

import builtins

import pytest

from advisor.inputs.answers import normalise_answers
from advisor.knowledge.conditions import (
    All,
    AnyOf,
    ConditionError,
    Match,
    Not,
    mentions,
    parse_condition,
)
from advisor.knowledge.loader import bundled_questionnaire


@pytest.fixture(scope="module")
def q():
    return bundled_questionnaire()


def holds(q, when, **answers) -> bool:
    return parse_condition(when, q).holds(normalise_answers(answers, q))


def error(q, when) -> ConditionError:
    with pytest.raises(ConditionError) as info:
        parse_condition(when, q)
    return info.value


# --- each form -------------------------------------------------------------------------------

def test_equals_on_a_single_choice(q):
    assert holds(q, {"domain": "llm"}, domain="llm")
    assert not holds(q, {"domain": "llm"}, domain="nlp")


def test_any_of_on_a_single_choice(q):
    when = {"hardware": ["amd", "intel"]}
    assert holds(q, when, hardware="amd")
    assert holds(q, when, hardware="intel")
    assert not holds(q, when, hardware="nvidia")


def test_equals_on_a_list_means_exactly_that_list(q):
    when = {"deployment": "mobile"}
    assert holds(q, when, deployment=["mobile"])
    assert not holds(q, when, deployment=["mobile", "server"])
    assert not holds(q, when, deployment=[])


def test_any_of_on_a_list_means_contains_any(q):
    when = {"deployment": ["mobile", "embedded"]}
    assert holds(q, when, deployment=["server", "embedded"])
    assert holds(q, when, deployment=["mobile"])
    assert not holds(q, when, deployment=["server", "browser"])
    assert not holds(q, when, deployment=[])


def test_has(q):
    when = {"deployment": {"has": "browser"}}
    assert holds(q, when, deployment=["server", "browser"])
    assert holds(q, when, deployment="browser")
    assert not holds(q, when, deployment=["server"])


@pytest.mark.parametrize("when", [
    {"deployment": "none"},
    {"deployment": {"has": "none"}},
    {"deployment": ["none"]},
])
def test_none_means_no_target(q, when):
    assert holds(q, when, deployment=[])
    assert holds(q, when, deployment=["none"])
    assert not holds(q, when, deployment=["batch"])


def test_none_in_an_any_of_list(q):
    when = {"deployment": ["none", "batch"]}
    assert holds(q, when, deployment=[])
    assert holds(q, when, deployment=["batch", "server"])
    assert not holds(q, when, deployment=["server"])


def test_all_any_not(q):
    when = {"all": [{"os": "windows"}, {"any": [{"hardware": "nvidia"}, {"hardware": "amd"}]},
                    {"not": {"domain": "llm"}}]}
    assert holds(q, when, os="windows", hardware="amd", domain="vision")
    assert not holds(q, when, os="windows", hardware="amd", domain="llm")
    assert not holds(q, when, os="linux", hardware="amd", domain="vision")
    assert not holds(q, when, os="windows", hardware="apple", domain="vision")


def test_multi_key_mapping_means_all(q):
    multi = parse_condition({"hardware": "nvidia", "os": "windows"}, q)
    assert isinstance(multi, All) and len(multi.items) == 2
    for hw in ("nvidia", "cpu"):
        for os_ in ("windows", "linux"):
            a = normalise_answers({"hardware": hw, "os": os_}, q)
            assert multi.holds(a) == (hw == "nvidia" and os_ == "windows")


def test_combinator_next_to_a_key(q):
    when = {"domain": "llm", "not": {"deployment": {"has": "mobile"}}}
    assert holds(q, when, domain="llm", deployment=["server"])
    assert not holds(q, when, domain="llm", deployment=["server", "mobile"])


def test_parsed_shapes(q):
    assert parse_condition({"domain": "llm"}, q) == Match("domain", ("llm",), "eq", False)
    assert parse_condition({"deployment": {"has": "mobile"}}, q) == Match(
        "deployment", ("mobile",), "has", True)
    assert isinstance(parse_condition({"any": [{"os": "linux"}]}, q), AnyOf)
    assert isinstance(parse_condition({"not": {"os": "linux"}}, q), Not)


def test_mentions_lists_every_question_value_pair(q):
    c = parse_condition(
        {"all": [{"os": ["linux", "macos"]}, {"not": {"deployment": {"has": "mobile"}}}]}, q)
    assert sorted(mentions(c)) == [("deployment", "mobile"), ("os", "linux"), ("os", "macos")]


# --- errors ----------------------------------------------------------------------------------

def test_unknown_question_suggests(q):
    err = error(q, {"hardwre": "nvidia"})
    assert "unknown question 'hardwre'" in str(err)
    assert "did you mean 'hardware'?" in str(err)
    assert err.at == ("hardwre",)


def test_unknown_combinator_suggests(q):
    err = error(q, {"alll": [{"os": "linux"}]})
    assert "did you mean 'all'?" in str(err)


def test_unknown_value_suggests_and_lists(q):
    err = error(q, {"os": "window"})
    assert "'window' is not a value of os" in str(err)
    assert "did you mean 'windows'?" in str(err)
    assert "allowed: linux, macos, windows" in str(err)


def test_error_path_points_into_nested_conditions(q):
    err = error(q, {"all": [{"os": "linux"},
                            {"not": {"any": [{"domain": "llm"}, {"domain": "lmm"}]}}]})
    assert err.at == ("all", 1, "not", "any", 1, "domain")
    assert "did you mean 'llm'?" in str(err)


def test_has_on_a_single_choice_is_rejected(q):
    err = error(q, {"domain": {"has": "llm"}})
    assert "'has' applies to list questions" in str(err)


@pytest.mark.parametrize("when, needle", [
    ({"deployment": {"contains": "mobile"}}, "the only operator is 'has'"),
    ({"deployment": {"has": "mobile", "extra": 1}}, "the only operator is 'has'"),
    ({"deployment": {"has": "phone"}}, "'phone' is not a value of deployment"),
    ({"deployment": {"has": ["mobile"]}}, "is not a value of deployment"),
    ({"domain": []}, "at least one value"),
    ({"domain": ["llm", 3]}, "3 is not a value of domain"),
    ({"domain": None}, "None is not a value of domain"),
    ({"domain": True}, "True is not a value of domain"),
    ({"all": []}, "'all' takes a non-empty list"),
    ({"any": {"os": "linux"}}, "'any' takes a non-empty list"),
    ({"not": [{"os": "linux"}]}, "a condition is a non-empty mapping"),
    ({"not": {}}, "a condition is a non-empty mapping"),
    ({}, "a condition is a non-empty mapping"),
    ("domain == 'llm'", "a condition is a non-empty mapping"),
    (["domain", "llm"], "a condition is a non-empty mapping"),
    (None, "a condition is a non-empty mapping"),
    ({3: "llm"}, "unknown question 3"),
])
def test_malformed_conditions(q, when, needle):
    assert needle in str(error(q, when))


# --- no eval ---------------------------------------------------------------------------------

@pytest.mark.parametrize("when", [
    {"domain": "__import__('os').system('echo pwned')"},
    {"domain": ["llm", "__import__('os')"]},
    {"__import__('os')": "llm"},
    {"deployment": {"has": "lambda: 1"}},
])
def test_code_in_a_condition_is_just_an_unknown_word(q, when, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("conditions must never evaluate code")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", forbidden)
    err = error(q, when)
    assert "unknown question" in str(err) or "is not a value of" in str(err)


def test_evaluation_is_a_lookup_not_code(q, monkeypatch):
    c = parse_condition({"any": [{"domain": "llm"}, {"deployment": {"has": "browser"}}]}, q)
    a = normalise_answers({"domain": "vision", "deployment": ["browser"]}, q)
    monkeypatch.setattr(builtins, "eval", lambda *a, **k: pytest.fail("eval called"))
    monkeypatch.setattr(builtins, "exec", lambda *a, **k: pytest.fail("exec called"))
    assert c.holds(a)


def test_conditions_module_has_no_eval():
    import inspect

    import advisor.knowledge.conditions as mod

    source = inspect.getsource(mod)
    for word in ("eval(", "exec(", "compile(", "__import__"):
        assert word not in source


# --- witness: answers under which conditions hold together ------------------------------------

def test_witness_finds_answers_or_proves_there_are_none(q):
    from advisor.knowledge.conditions import witness

    c = [parse_condition({"deployment": {"has": "mobile"}}, q),
         parse_condition({"not": {"deployment": "mobile"}}, q)]
    found = witness(c, q)
    assert found is not None and "mobile" in found["deployment"] and len(found["deployment"]) > 1
    assert all(x.holds({**found}) for x in c)
    assert witness([parse_condition({"domain": "llm"}, q),
                    parse_condition({"domain": ["vision", "nlp"]}, q)], q) is None


def test_witness_refuses_a_search_too_large(q):
    from advisor.knowledge.conditions import TooManyCombinations, witness

    everything = {"all": [{question.id: list(question.values)} for question in q.questions]}
    with pytest.raises(TooManyCombinations):
        witness([parse_condition(everything, q)], q)
