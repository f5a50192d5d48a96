"""The app's UI-free helpers: which rules an answer brings in, answers in the core's form."""

from __future__ import annotations

from advisor.inputs.answers import normalise_answers
from advisor.knowledge.conditions import mentions
from advisor.knowledge.loader import load_ruleset
from advisor.tui.session import (
    Session,
    answer_label,
    default_values,
    rules_fired_by,
    with_answer,
)


def test_session_starts_from_the_questionnaire_defaults() -> None:
    rs = load_ruleset()
    session = Session(rs)
    assert session.values == dict(normalise_answers({}, rs.questionnaire).values)
    assert session.answers().defaulted == ()


def test_rules_fired_by_mention_the_question_and_hold() -> None:
    rs = load_ruleset()
    values = with_answer(default_values(rs.questionnaire), rs.questionnaire["domain"], "llm")
    fired = rules_fired_by(rs, "domain", values)
    assert fired, "an LLM project should bring in domain rules"
    for rule in fired:
        assert rule.condition is not None
        assert "domain" in {q for q, _ in mentions(rule.condition)}
        assert rule.condition.holds(values)
    vision = with_answer(values, rs.questionnaire["domain"], "vision")
    assert {r.id for r in rules_fired_by(rs, "domain", vision)} != {r.id for r in fired}


def test_with_answer_keeps_list_answers_in_questionnaire_order_and_none_as_empty() -> None:
    rs = load_ruleset()
    q = rs.questionnaire["deployment"]
    values = default_values(rs.questionnaire)
    assert with_answer(values, q, ("mobile", "server"))["deployment"] == ("server", "mobile")
    assert with_answer(values, q, "none")["deployment"] == ()
    assert with_answer(values, q, ("none",))["deployment"] == ()


def test_reset_forgets_answers_and_measurements() -> None:
    rs = load_ruleset()
    session = Session(rs)
    session.values["domain"] = "llm"
    session.step = 5
    session.measurements_origin = "x"
    session.reset()
    assert session.values == default_values(rs.questionnaire)
    assert session.step == 0 and session.measurements is None and not session.measurements_origin


def test_a_complete_file_is_known_and_changes_are_unsaved_until_saved() -> None:
    rs = load_ruleset()
    session = Session(rs)
    assert not session.unsaved
    full = normalise_answers({q.id: q.default for q in rs.questionnaire.questions},
                             rs.questionnaire)
    session.load(full, "full.yaml")
    assert session.complete and session.answers_origin == "full.yaml" and not session.unsaved
    session.values["domain"] = "llm"
    assert session.unsaved
    session.mark_saved()
    assert not session.unsaved
    session.load(normalise_answers({"domain": "llm"}, rs.questionnaire), "partial.yaml")
    assert not session.complete


def test_answer_labels_are_the_questionnaires_words() -> None:
    q = load_ruleset().questionnaire["deployment"]
    assert answer_label(q, ("server", "mobile"), short=True) == "Server, Mobile"
    assert answer_label(q, ()) == q.label("none")
