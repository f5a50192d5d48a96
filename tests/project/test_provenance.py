"""Who decides an answer (advisor/scan/answers.py, Answers.propose): the user first, then the
scan's default proposals, then the questionnaire's defaults; a hint never decides."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from project_scans import proposal, proposals, scan

from advisor import load_answers, recommend
from advisor.inputs.answers import normalise_answers
from advisor.knowledge.loader import load_ruleset
from advisor.scan.answers import with_proposals

RULES = load_ruleset()
Q = RULES.questionnaire


@st.composite
def answers_files(draw: st.DrawFn) -> dict[str, object]:
    """What an answers file may hold: any subset of the questions, each with an allowed value,
    a one-item shorthand for a list, or null (which leaves the question open)."""
    out: dict[str, object] = {}
    for q in draw(st.lists(st.sampled_from(Q.questions), unique_by=lambda q: q.id)):
        if draw(st.integers(0, 5)) == 0:
            out[q.id] = None
        elif q.type == "many":
            out[q.id] = draw(st.one_of(
                st.lists(st.sampled_from([v for v in q.values if v != "none"]), unique=True),
                st.sampled_from(q.values)))
        else:
            out[q.id] = draw(st.sampled_from(q.values))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers_files(), proposals(Q))
def test_every_answer_the_file_gives_is_the_answer_used(raw, made) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.yaml"
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
        answers = load_answers(path)
    project = scan(*made)
    given_ = {k: v for k, v in answers.items() if k not in answers.defaulted}
    rec = recommend(answers, project=project, ruleset=RULES)
    for key, value in given_.items():
        used = rec.answers[key]
        assert (tuple(used) if isinstance(used, list) else used) == value, key
    used_from_scan = {p.question for p in rec.project.proposals if p.status == "used"}
    assert not used_from_scan & set(given_), "a proposal replaced an answer the file gave"


@settings(max_examples=60, deadline=None)
@given(answers_files(), proposals(Q))
def test_proposals_fill_only_open_questions_and_hints_fill_none(raw, made) -> None:
    answers = normalise_answers(raw, Q)
    merged = with_proposals(answers, scan(*made), Q)
    assert set(merged.proposed) <= set(answers.defaulted)
    assert not set(merged.proposed) & set(merged.defaulted)
    defaults = {p.question for p in made if p.kind == "default"}
    assert set(merged.proposed) <= defaults
    for key in answers:
        if key not in merged.proposed:
            assert merged[key] == answers[key], key  # the file's answer, or the default
    assert with_proposals(merged, scan(*made), Q) == merged, "applying twice changes nothing"


def test_a_hint_is_shown_but_never_applied() -> None:
    project = scan(proposal("team_experience", "pytorch", kind="hint", confidence=0.7))
    rec = recommend({}, project=project, ruleset=RULES)
    assert rec.answers["team_experience"] == "neither"
    assert "team_experience" in rec.defaulted
    (hint,) = rec.project.proposals
    assert (hint.status, hint.proposed, hint.answer) == ("hint", "pytorch", "neither")


def test_each_proposal_says_what_became_of_it() -> None:
    project = scan(
        proposal("existing_code", "pytorch", confidence=0.91),
        proposal("domain", "nlp"),
        proposal("deployment", ["server", "mobile"]),
        proposal("hardware", "nvidia"),
        proposal("scale_out", "warp_drive"),
    )
    rec = recommend({"domain": "vision", "deployment": ["mobile", "server"], "hardware": None},
                    project=project, ruleset=RULES)
    status = {p.question: (p.status, p.answer) for p in rec.project.proposals}
    assert status == {
        "existing_code": ("used", "pytorch"),
        "domain": ("overridden", "vision"),
        "deployment": ("confirmed", ["server", "mobile"]),
        "hardware": ("used", "nvidia"),  # null in a file leaves a question open
        "scale_out": ("unusable", "single_device"),
    }
    assert rec.defaulted == [q for q in rec.answers if q not in
                             {"existing_code", "domain", "deployment", "hardware"}]


def test_a_replaced_answer_is_no_longer_the_scans() -> None:
    merged = with_proposals(normalise_answers({}, Q), scan(proposal("domain", "nlp")), Q)
    assert merged.proposed == ("domain",)
    assert merged.replace("domain", "audio").proposed == ()
