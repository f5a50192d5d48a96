"""``advisor rules check`` (advisor/knowledge/checks.py): stale sources, answer values no rule
mentions, and constraints that contradict each other; each problem with file, rule and line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from rule_files import RULES, TODAY, find, pack, rule

from advisor.knowledge.checks import STALE_AFTER, check_rules
from advisor.knowledge.conditions import mentions


def test_bundled_rules_check_clean():
    problems = check_rules(today=TODAY)
    assert problems.errors == []
    assert problems.warnings == [], [str(w) for w in problems.warnings]


def test_every_question_is_used_by_some_rule(bundled):
    asked = {k for r in bundled.rules if r.condition is not None for k, _ in mentions(r.condition)}
    assert asked == set(bundled.questionnaire.ids)


def test_stale_sources_are_warnings_not_errors():
    problems = check_rules([RULES / "stale.yaml"], today=TODAY)
    assert problems.errors == []
    w = find(problems, "stale-source")
    assert w.warning and w.key == "sources" and w.line == 4
    assert w.path == str(RULES / "stale.yaml")
    assert "2020-03-01" in w.message and "18 months" in w.message


def test_staleness_boundary(write):
    fresh = (TODAY - STALE_AFTER).isoformat()
    stale = (TODAY - STALE_AFTER - timedelta(days=1)).isoformat()
    p = write("edge.yaml",
              pack(rule("just-fresh", checked=fresh) + rule("just-stale", checked=stale)))
    problems = check_rules([p], today=TODAY)
    stale_ids = {w.rule_id for w in problems.warnings}
    assert "just-stale" in stale_ids and "just-fresh" not in stale_ids
    assert STALE_AFTER >= timedelta(days=540)  # "about 18 months"


def constraint(rule_id: str, *, when: str, requires: str) -> str:
    return (
        f"  - id: {rule_id}\n"
        f"    kind: constraint\n"
        f"    when: {when}\n"
        f"    requires: {requires}\n"
        f"    because: An organisation policy, for the test.\n"
        f"    sources:\n"
        f"      - {{title: 'Policy handbook', checked: 2026-01-15}}\n"
    )


def test_rules_check_reports_constraints_that_can_fire_together(write):
    a = write("a.yaml", pack(constraint("serve-on-tf", when="{deployment: {has: server}}",
                                        requires="tensorflow"), "serving"))
    b = write("b.yaml", pack(constraint("llm-on-torch", when="{domain: llm}",
                                        requires="pytorch"), "research"))
    problems = check_rules([a, b], today=TODAY)
    f = find(problems, "llm-on-torch")
    assert not f.warning and f.path == str(b) and f.line == 4 and f.key == "requires"
    assert f"contradicts constraint 'serve-on-tf' ({a}, line 4)" in f.message
    assert "deployment: [server], domain: llm" in f.message, "an example of the answers"


@pytest.mark.parametrize("first, second", [
    ("{domain: llm}", "{domain: vision}"),  # one answer cannot be both
    ("{deployment: [none]}", "{deployment: {has: mobile}}"),  # nothing deployed vs mobile
    ("{all: [{os: linux}, {not: {hardware: cpu}}]}", "{any: [{os: windows}, {hardware: cpu}]}"),
])  # fmt: skip
def test_constraints_that_cannot_fire_together_are_fine(write, first, second):
    p = write("c.yaml", pack(constraint("one", when=first, requires="tensorflow")
                             + constraint("two", when=second, requires="pytorch")))
    assert check_rules([p], today=TODAY).errors == []


def test_constraints_requiring_the_same_framework_never_contradict(write):
    p = write("c.yaml", pack(constraint("one", when="{domain: llm}", requires="pytorch")
                             + constraint("two", when="{domain: llm}", requires="pytorch")))
    assert check_rules([p], today=TODAY).errors == []


def test_a_run_that_hits_the_contradiction_names_both_files_and_lines(write, run_advisor):
    a = write("a.yaml", pack(constraint("serve-on-tf", when="{deployment: {has: server}}",
                                        requires="tensorflow"), "serving"))
    b = write("b.yaml", pack(constraint("llm-on-torch", when="{domain: llm}",
                                        requires="pytorch"), "research"))
    answers = write("llm.yaml", "domain: llm\ndeployment: [server]\n")
    r = run_advisor("--answers", answers, "--no-probe", "--rules", a, "--rules", b)
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert f"serve-on-tf ({a}, line 4) requires tensorflow" in r.stderr
    assert f"llm-on-torch ({b}, line 4) requires pytorch" in r.stderr
    check = run_advisor("rules", "check", a, b)
    assert check.returncode == 1 and f"error: {b}, line 4: rule 'llm-on-torch'" in check.stdout


def test_the_bundled_and_example_constraints_do_not_contradict():
    examples = Path(__file__).resolve().parents[2] / "examples" / "policies"
    assert check_rules([examples], today=TODAY).errors == []


def test_constraints_too_broad_to_search_get_a_warning_not_silence(write, bundled):
    every = "{all: [" + ", ".join(
        f"{{{q.id}: [{', '.join(q.values)}]}}" for q in bundled.questionnaire.questions) + "]}"
    p = write("c.yaml", pack(constraint("one", when=every, requires="tensorflow")
                             + constraint("two", when="{domain: llm}", requires="pytorch")))
    problems = check_rules([p], today=TODAY)
    w = find(problems, "two")
    assert w.warning and "could not check whether it contradicts constraint 'one'" in w.message
