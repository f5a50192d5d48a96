"""The answers file (contract 1): every key optional, defaults listed, values checked with
messages that name the file, the key, the line and the allowed values."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import load_answers
from advisor.errors import AnswersError
from advisor.inputs.answers import Answers, normalise_answers
from advisor.knowledge.loader import bundled_questionnaire

TESTS = Path(__file__).resolve().parents[1]
ANSWERS = TESTS / "data" / "answers"
EXAMPLE = TESTS.parent / "examples" / "android-app.yaml"


@pytest.fixture(scope="module")
def q():
    return bundled_questionnaire()


def defaults(q) -> dict:
    return {x.id: tuple(x.default) if isinstance(x.default, list) else x.default
            for x in q.questions}


def load_text(write, text: str) -> Answers:
    return load_answers(write("answers.yaml", text))


def error_for(write, text: str) -> AnswersError:
    p = write("answers.yaml", text)
    with pytest.raises(AnswersError) as info:
        load_answers(p)
    assert str(info.value).startswith(f"{p}"), "the message starts with the file name"
    return info.value


# --- defaults --------------------------------------------------------------------------------

def test_the_questionnaire_is_contract_1(q):
    assert q.ids == ["dataset_scale", "iteration_speed", "deployment", "domain", "pretrained",
                     "hardware", "inference_hardware", "os", "team_experience", "existing_code",
                     "scale_out", "horizon"]
    assert q["deployment"].type == "many"
    assert q["deployment"].values == [
        "server", "batch", "mobile", "browser", "edge_linux", "embedded", "none"]
    assert q["existing_code"].values == ["tensorflow", "keras", "pytorch", "none"]
    assert all(x.type == "one" for x in q.questions if x.id != "deployment")


def test_values_added_in_december_2026_leave_older_answers_unchanged(q):
    """edge_linux and keras were added as new values: answers written before them load as they
    did, in the same order, and the new values load like any other."""
    old = normalise_answers(
        {"deployment": ["embedded", "server", "browser"], "existing_code": "tensorflow"}, q)
    assert old["deployment"] == ("server", "browser", "embedded")
    assert old["existing_code"] == "tensorflow"
    new = normalise_answers({"deployment": ["embedded", "edge_linux"], "existing_code": "keras"}, q)
    assert new["deployment"] == ("edge_linux", "embedded")
    assert new["existing_code"] == "keras"


def test_the_inference_question_defaults_to_what_older_answers_meant(q):
    """inference_hardware came later: a file without it means inference on the training
    hardware, which is what the advisor assumed before the question existed."""
    old = normalise_answers({"hardware": "nvidia", "domain": "graph"}, q)
    assert old["inference_hardware"] == "same" and "inference_hardware" in old.defaulted
    assert q["inference_hardware"].values == ["same", "cpu", "nvidia"]
    assert "graph" in q["domain"].values


def test_empty_mapping_means_all_defaults(q):
    a = load_answers(ANSWERS / "all-defaults.yaml")
    assert dict(a) == defaults(q)
    assert a.defaulted == tuple(q.ids)


def test_every_key_is_optional(q):
    for qid in q.ids:
        a = normalise_answers({k: v for k, v in defaults(q).items() if k != qid}, q)
        assert a.defaulted == (qid,)
        assert dict(a) == defaults(q)


def test_null_takes_the_default_and_is_listed(q):
    a = load_answers(ANSWERS / "partial-with-nulls.yaml")
    assert a["domain"] == "llm"
    assert a["hardware"] == q["hardware"].default
    assert a["os"] == q["os"].default
    assert "hardware" in a.defaulted and "os" in a.defaulted
    assert "domain" not in a.defaulted and "deployment" not in a.defaulted


def test_full_example_has_nothing_defaulted():
    a = load_answers(EXAMPLE)
    assert a.defaulted == ()
    assert a["deployment"] == ("mobile",)
    assert a.to_dict()["deployment"] == ["mobile"]


def test_version_1_is_accepted_and_not_an_answer(write):
    a = load_text(write, "version: 1\ndomain: audio\n")
    assert "version" not in a
    assert a["domain"] == "audio"


@pytest.mark.parametrize("value", ["2", "0", "'1'", "v1"])
def test_other_versions_are_rejected(write, value):
    err = error_for(write, f"domain: llm\nversion: {value}\n")
    assert err.line == 2
    assert "version" in str(err) and "version 1" in str(err)


def test_version_2_fixture_file():
    with pytest.raises(AnswersError, match="unsupported answers version 2"):
        load_answers(ANSWERS / "version-2.yaml")


@pytest.mark.parametrize("value", ["true", "1.0"])
def test_version_must_be_the_integer_1(write, value):
    error_for(write, f"version: {value}\n")


# --- unknown keys and bad values -------------------------------------------------------------

def test_unknown_key_names_it_and_suggests(write):
    err = error_for(write, "version: 1\ndomain: llm\nhardwere: nvidia\n")
    assert err.line == 3
    assert "hardwere" in str(err)
    assert "did you mean 'hardware'?" in str(err)


def test_unknown_key_fixture_file():
    with pytest.raises(AnswersError) as info:
        load_answers(ANSWERS / "unknown-key.yaml")
    assert str(ANSWERS / "unknown-key.yaml") in str(info.value)
    assert "line 3" in str(info.value) and "'hardware'" in str(info.value)


def test_unknown_key_far_from_any_lists_the_questions(write):
    err = error_for(write, "colour: blue\n")
    assert "did you mean" not in str(err)
    assert "dataset_scale" in str(err) and "horizon" in str(err)


def test_every_problem_in_a_file_is_reported_at_once_in_file_order(write):
    err = error_for(write, "domain: visoin\ndeploymnet: [mobile]\nhorizon: decades\n")
    found = [err, *err.more]
    assert [e.line for e in found] == [1, 2, 3]
    assert [e.key for e in found] == ["domain", "deploymnet", "horizon"]


def test_bad_value_lists_allowed_values_and_line():
    p = ANSWERS / "bad-value.yaml"
    with pytest.raises(AnswersError) as info:
        load_answers(p)
    msg = str(info.value)
    assert msg.startswith(f"{p}, line 4: hardware: 'gpu'")
    assert "allowed: cpu, nvidia, amd, apple, tpu, intel" in msg


def test_bad_value_suggests_the_nearest(write):
    err = error_for(write, "domain: visoin\n")
    assert "did you mean 'vision'?" in str(err)


@pytest.mark.parametrize("text, kind", [
    ("os: 3\n", "3"),
    ("os: 2.5\n", "2.5"),
    ("os: true\n", "True"),
    ("os: 2024-01-01\n", "2024"),
])
def test_wrong_scalar_types(write, text, kind):
    err = error_for(write, text)
    assert err.key == "os" and err.line == 1
    assert kind in str(err)
    assert "allowed: linux, macos, windows" in str(err)


@pytest.mark.parametrize("text, kind", [
    ("os: [linux]\n", "a list"),
    ("os: {name: linux}\n", "a mapping"),
])
def test_containers_for_a_single_choice(write, text, kind):
    err = error_for(write, text)
    assert f"expected one value, got {kind}" in str(err)
    assert "allowed: linux, macos, windows" in str(err)


def test_mapping_for_a_list_question(write):
    err = error_for(write, "deployment: {mobile: true}\n")
    assert "got a mapping" in str(err)
    assert err.key == "deployment"


@pytest.mark.parametrize("text, kind", [
    ("- domain: llm\n", "a list"),
    ("just words\n", "'just words'"),
    ("42\n", "a number (42)"),
    ("---\n", "None"),
])
def test_the_file_must_be_a_mapping(write, text, kind):
    err = error_for(write, text)
    assert f"expected a mapping of question ids to answers, got {kind}" in str(err)


def test_not_a_mapping_fixture_file():
    with pytest.raises(AnswersError, match="got a list"):
        load_answers(ANSWERS / "not-a-mapping.yaml")


def test_non_string_key(write):
    err = error_for(write, "domain: llm\n7: x\n")
    assert "keys must be question ids, got 7" in str(err)


@pytest.mark.parametrize("name, needle", [
    ("syntax-error.yaml", "line 4, column"),
    ("duplicate-key.yaml", "duplicate key 'domain' (first given on line 1)"),
    ("python-tag.yaml", "unsupported YAML tag"),
])
def test_syntax_fixture_files(name, needle):
    with pytest.raises(AnswersError) as info:
        load_answers(ANSWERS / name)
    assert str(ANSWERS / name) in str(info.value)
    assert needle in str(info.value)


# --- the list question -----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("deployment: mobile\n", ("mobile",)),
    ("deployment: [mobile]\n", ("mobile",)),
    ("deployment: []\n", ()),
    ("deployment: [none]\n", ()),
    ("deployment: none\n", ()),
    ("deployment: [browser, server, mobile]\n", ("server", "mobile", "browser")),
    ("deployment: [embedded, batch, embedded]\n", ("batch", "embedded")),
    ("deployment:\n  - mobile\n  - server\n", ("server", "mobile")),
])
def test_deployment_normalisation(write, text, expected):
    a = load_text(write, text)
    assert a["deployment"] == expected
    assert "deployment" not in a.defaulted


@pytest.mark.parametrize("text", ["deployment: [mobile, none]\n",
                                  "deployment: [none, server, batch]\n"])
def test_none_with_a_target_is_an_error(write, text):
    err = error_for(write, text)
    assert "'none' cannot be combined" in str(err)
    assert err.key == "deployment"


def test_none_with_target_fixture_file():
    with pytest.raises(AnswersError, match=r"none-with-target\.yaml, line 1: deployment: 'none'"):
        load_answers(ANSWERS / "none-with-target.yaml")


@pytest.mark.parametrize("text, needle", [
    ("deployment: [mobile, phone]\n", "'phone' is not an allowed value"),
    ("deployment: [[mobile]]\n", "['mobile'] is not an allowed value"),
    ("deployment: 5\n", "5 is not an allowed value"),
    ("deployment: [mobile, {a: 1}]\n", "{'a': 1} is not an allowed value"),
])
def test_bad_deployment_items(write, text, needle):
    err = error_for(write, text)
    assert needle in str(err)
    assert "allowed: server, batch, mobile, browser, edge_linux, embedded, none" in str(err)


# --- the in-memory API -----------------------------------------------------------------------

def test_normalise_accepts_its_own_output(q):
    a = normalise_answers({"deployment": ["browser", "server"], "domain": "llm"}, q)
    again = normalise_answers(a, q)
    assert dict(again) == dict(a)
    assert again.defaulted == ()  # every value is now explicit


def test_normalise_without_a_path_still_says_where(q):
    with pytest.raises(AnswersError) as info:
        normalise_answers({"domain": "llama"}, q)
    assert str(info.value).startswith("<input>: domain: 'llama'")
    assert info.value.path is None


def test_replace_drops_the_key_from_defaulted(q):
    a = normalise_answers({}, q)
    b = a.replace("os", "windows")
    assert b["os"] == "windows" and "os" not in b.defaulted
    assert a["os"] == q["os"].default  # the original is unchanged


def test_answers_is_a_read_only_mapping(q):
    a = normalise_answers({"domain": "llm"}, q)
    assert len(a) == len(q.ids) and list(a) == q.ids
    with pytest.raises(TypeError):
        a["domain"] = "vision"  # type: ignore[index]


def test_a_synonym_that_is_itself_a_choice_is_refused(tmp_path: Path) -> None:
    from advisor.errors import RuleFileError
    from advisor.inputs.questions import load_questionnaire

    path = tmp_path / "questions.yaml"
    path.write_text(
        "questions:\n  - id: hardware\n    prompt: Hardware?\n    help: Which.\n    type: one\n"
        "    default: cpu\n    choices:\n      - {value: cpu, label: CPU}\n"
        "      - {value: nvidia, label: NVIDIA, synonyms: [gpu, CPU]}\n")
    with pytest.raises(RuleFileError, match="synonym 'CPU' is itself a choice of 'hardware'"):
        load_questionnaire(path)


def test_every_bundled_synonym_suggests_its_own_choice(q) -> None:
    for question in q.questions:
        for choice in question.choices:
            for word in choice.synonyms:
                assert choice.value in question.meant(word), (question.id, word)
