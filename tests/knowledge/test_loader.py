"""Loading rule files (contract 2, advisor/knowledge/loader.py): the bundled base loads; every
problem is reported with file, rule id, key and line (all at once by `check_rules`, the first
by `load_ruleset`); extra packs override bundled rules by id and the RuleSet says so."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rule_files import EXAMPLE, RULES, TODAY, find, pack, rule

from advisor.errors import RuleFileError
from advisor.knowledge.checks import check_rules
from advisor.knowledge.formats import CRITERION_IDS, MEASURED_CRITERIA, PointsRule
from advisor.knowledge.loader import bundled_rules_dir, load_ruleset

# --- the bundled base ------------------------------------------------------------------------

def test_bundled_rules_load(bundled):
    assert [c.id for c in bundled.criteria] == list(CRITERION_IDS)
    assert {c.id for c in bundled.criteria if c.criterion.measured} == set(MEASURED_CRITERIA)
    points = [r for r in bundled.rules if isinstance(r.rule, PointsRule)]
    assert len(points) >= 15
    assert all(r.rule.sources for r in bundled.rules)
    assert all(p.bundled for p in bundled.packs)
    assert bundled.overrides == ()
    ids = [r.id for r in bundled.rules]
    assert len(ids) == len(set(ids))


def test_rules_carry_their_file_and_line(bundled):
    for r in bundled.rules:
        lines = Path(r.path).read_text(encoding="utf-8").splitlines()
        assert r.line is not None
        assert f"id: {r.id}" in lines[r.line - 1]


def test_digest_is_stable_and_advice_date_is_the_newest(bundled):
    again = load_ruleset(base=bundled_rules_dir())
    assert again.digest == bundled.digest
    assert bundled.digest.startswith("sha256:")
    newest = max(s.checked for r in bundled.rules for s in r.rule.sources)
    assert bundled.advice_as_of == newest


# --- check_rules collects every problem ------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_problems():
    return check_rules([RULES / "bad-structure.yaml", RULES / "bad-semantics.yaml"], today=TODAY)


@pytest.mark.parametrize("name, rule_id, key, line, needle", [
    ("bad-semantics.yaml", "bad-criterion", "criterion", 9, "unknown criterion 'ecosystm'"),
    ("bad-semantics.yaml", "measured-criterion", "criterion", 19, "fed by measurements"),
    ("bad-semantics.yaml", "twice", "id", 31, "used twice in this pack"),
    ("bad-semantics.yaml", "bad-when", "when.all.domian", 41, "did you mean 'domain'?"),
    ("bad-structure.yaml", "four-points", "points", 25, "4"),
])
def test_each_problem_has_file_rule_key_and_line(fixture_problems, name, rule_id, key, line,
                                                 needle):
    p = find(fixture_problems, rule_id)
    assert not p.warning
    assert p.path == str(RULES / name)
    assert (p.key, p.line) == (key, line)
    assert needle in p.message
    assert str(p).startswith(f"{RULES / name}, line {line}: rule '{rule_id}' → {key}: ")


def test_bad_points_lists_the_scale(fixture_problems):
    assert re.search(r"1, 2, 3(,| or) 5", find(fixture_problems, "four-points").message)


def test_missing_key_is_named(fixture_problems):
    p = find(fixture_problems, "no-sources")
    assert p.line == 12 and p.path == str(RULES / "bad-structure.yaml")
    assert "sources" in str(p) and "missing" in str(p)


def test_unknown_kind_is_reported_with_its_key(fixture_problems):
    p = find(fixture_problems, "unknown-kind")
    assert p.line in (5, 6), "the line of the rule or of its kind"
    assert "'hint'" in p.message
    assert p.key == "kind"


def test_unknown_kind_lists_the_kinds(fixture_problems):
    message = find(fixture_problems, "unknown-kind").message
    assert all(k in message for k in ("rule", "note", "myth", "constraint")), message


def test_all_problems_come_at_once(fixture_problems):
    assert len(fixture_problems.errors) == 7
    assert fixture_problems.warnings == []


def test_structural_problems_do_not_hide_others_in_the_same_pack(write):
    p = write("mixed.yaml", pack(rule("four-points", points=4) + rule("bad-crit", criterion="speed")
                                 + rule("bad-when", when="{domian: llm}")))
    problems = check_rules([p], today=TODAY)
    assert {x.rule_id for x in problems.errors} == {"four-points", "bad-crit", "bad-when"}


def test_future_checked_date_is_an_error(write):
    p = write("future.yaml", pack(rule("from-the-future", checked="2099-01-01")))
    problems = check_rules([p], today=TODAY)
    f = find(problems, "from-the-future")
    # The line of the source that carries the date, not just the rule's.
    assert not f.warning and f.key == "sources[0].checked" and f.line == 12
    assert "in the future (2099-01-01)" in f.message
    assert "rules check" not in f.message
    assert len(problems.items) == 1, "reported once, not again by the quality checks"


def test_a_run_refuses_a_future_date_as_rules_check_does(write, run_advisor):
    """A date `rules check` calls an error is an error for a run too, with file, id and line."""
    p = write("future.yaml", pack(rule("from-the-future", checked="2099-01-01")))
    with pytest.raises(RuleFileError) as info:
        load_ruleset([p])
    assert str(info.value).startswith(f"{p}, line 12: rule 'from-the-future' → sources[0]")
    r = run_advisor("--answers", EXAMPLE, "--no-probe", "--rules", p)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "in the future (2099-01-01)" in r.stderr
    check = run_advisor("rules", "check", p)
    assert check.returncode == 1 and f"{p}, line 12: rule 'from-the-future'" in check.stdout


def test_future_fixture_file():
    f = find(check_rules([RULES / "future-date.yaml"], today=TODAY), "checked-in-the-future")
    assert f.path == str(RULES / "future-date.yaml") and not f.warning


def test_future_date_is_listed_with_other_errors():
    problems = check_rules([RULES / "bad-semantics.yaml", RULES / "future-date.yaml"], today=TODAY)
    find(problems, "checked-in-the-future")


@pytest.mark.parametrize("when, key, needle", [
    ("{domain: {has: llm}}", "when.domain", "'has' applies to list questions"),
    ("{deployment: [mobile, phone]}", "when.deployment", "'phone' is not a value"),
    ("{all: {domain: llm}}", "when.all", "'all' takes a non-empty list"),
    ("{not: [{domain: llm}]}", "when.not", "a condition is a non-empty mapping"),
    ("{any: [{os: linux}, {hardwre: amd}]}", "when.any.hardwre", "did you mean 'hardware'?"),
    ("'domain == llm'", "when", ""),
    ("{}", "when", "a condition is a non-empty mapping"),
])
def test_malformed_when(write, when, key, needle):
    p = write("when.yaml", pack(rule("odd-condition", when=when)))
    problems = check_rules([p], today=TODAY)
    f = find(problems, "odd-condition")
    assert f.key == key and needle in f.message
    assert f.line == 6, "the line of the rule's 'when'"


def test_points_and_favors_scale(write):
    text = pack(rule("zero-points", points=0) + rule("six-points", points=6)
                + rule("favors-jax", favors="jax"))
    problems = check_rules([write("scale.yaml", text)], today=TODAY)
    assert find(problems, "zero-points").key == "points"
    assert find(problems, "six-points").key == "points"
    assert find(problems, "favors-jax").key == "favors"


def test_missing_sources_and_bad_sources(write):
    text = (pack(
        "  - id: empty-sources\n    kind: note\n    because: A note with an empty sources list.\n"
        "    sources: []\n"
        "  - id: bare-source\n    kind: note\n    because: A note whose source has only a date.\n"
        "    sources: [{checked: 2026-01-01}]\n"
        "  - id: bad-date\n    kind: note\n    because: A note whose source date is not a date.\n"
        "    sources: [{url: 'https://example.org', checked: last week}]\n"
        "  - id: bad-url\n    kind: note\n    because: A note whose source url is not a link.\n"
        "    sources: [{url: 'example dot org', checked: 2026-01-01}]\n"))
    problems = check_rules([write("sources.yaml", text)], today=TODAY)
    for rid in ("empty-sources", "bare-source", "bad-date", "bad-url"):
        assert find(problems, rid).key.startswith("sources"), rid
    assert "url, or a title" in find(problems, "bare-source").message


def test_unknown_rule_key_is_named_with_a_suggestion(write):
    text = pack(rule("typo-key").replace("    because:", "    becuase: x\n    because:"))
    f = find(check_rules([write("typo.yaml", text)], today=TODAY), "typo-key")
    assert "unknown key 'becuase'" in f.message and "did you mean 'because'?" in f.message


@pytest.mark.parametrize("text, needle", [
    ("pack: x\nrules: [\n", "YAML syntax error"),
    ("- just\n- a list\n", "line 1"),
    ("pack: Not Kebab\nrules: []\n", "pack"),
    ("pack: dup-key\npack: again\nrules: []\n", "duplicate key 'pack'"),
    ("pack: tagged\nrules: !!python/object:os.system {}\n", "unsupported YAML tag"),
])
def test_broken_pack_files(write, text, needle):
    p = write("broken.yaml", text)
    problems = check_rules([p], today=TODAY)
    assert problems.errors, "a broken pack is an error"
    assert any(needle in str(x) and x.path == str(p) for x in problems.errors), [
        str(x) for x in problems.errors]


def test_missing_path_and_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    problems = check_rules([tmp_path / "nope.yaml", tmp_path / "empty"], today=TODAY)
    messages = [str(p) for p in problems.errors]
    assert any(str(tmp_path / "nope.yaml") in m and "no such file" in m for m in messages)
    assert any(str(tmp_path / "empty") in m and "contains no rule packs" in m for m in messages)


# --- ids across packs: collisions and overrides ----------------------------------------------

def test_duplicate_ids_across_extra_packs(write):
    a = write("a/one.yaml", pack(rule("shared-id"), "one"))
    b = write("b/two.yaml", pack(rule("shared-id"), "two"))
    problems = check_rules([a, b], today=TODAY)
    f = find(problems, "shared-id")
    assert f.path == str(b) and f.key == "id" and f.line == 4
    assert str(a) in f.message and "line 4" in f.message


def test_duplicate_ids_between_bundled_packs(tmp_path):
    base = tmp_path / "base"
    (base / "packs").mkdir(parents=True)
    for name in ("questions.yaml", "criteria.yaml"):
        shutil.copy(bundled_rules_dir() / name, base / name)
    (base / "packs" / "a.yaml").write_text(pack(rule("same-id"), "a"))
    (base / "packs" / "b.yaml").write_text(pack(rule("same-id"), "b"))
    with pytest.raises(RuleFileError) as info:
        load_ruleset(base=base)
    assert str(base / "packs" / "b.yaml") in str(info.value)
    assert "rule 'same-id'" in str(info.value) and "ids must be unique" in str(info.value)


def test_extra_pack_overrides_a_bundled_rule(write, bundled, bundled_point_rule):
    target = bundled_point_rule
    p = write("org/policy.yaml", pack(rule(target.id, favors="tensorflow", points=1,
                                           criterion=target.rule.criterion) + rule("org-own"),
                                      "org-policy"))
    assert check_rules([p.parent], today=TODAY).errors == []
    rs = load_ruleset([p.parent])
    assert len(rs.overrides) == 1
    o = rs.overrides[0]
    assert (o.rule_id, o.replaced_pack, o.by_pack, o.by_path) == (
        target.id, target.pack, "org-policy", str(p))
    replaced = next(r for r in rs.rules if r.id == target.id)
    assert replaced.pack == "org-policy" and replaced.rule.favors == "tensorflow"
    assert len(rs.rules) == len(bundled.rules) + 1
    assert [x.bundled for x in rs.packs].count(False) == 1
    assert rs.digest != bundled.digest


def test_two_extra_packs_overriding_the_same_rule_collide(write, bundled_point_rule):
    rid = bundled_point_rule.id
    a = write("a.yaml", pack(rule(rid, criterion=bundled_point_rule.rule.criterion), "one"))
    b = write("b.yaml", pack(rule(rid, criterion=bundled_point_rule.rule.criterion), "two"))
    f = find(check_rules([a, b], today=TODAY), rid)
    assert f.path == str(b) and "ids must be unique" in f.message


def test_load_ruleset_fails_fast_with_a_located_error(write):
    p = write("bad.yaml", pack(rule("fine") + rule("bad-points", points=4)))
    with pytest.raises(RuleFileError) as info:
        load_ruleset([p])
    assert str(info.value).startswith(f"{p}, line ")
    assert "rule 'bad-points' → points" in str(info.value)


# --- staleness -------------------------------------------------------------------------------


# --- what the sources are worth -----------------------------------------------------------------


# --- contradicting constraints (issue 10, item 9) ----------------------------------------------
