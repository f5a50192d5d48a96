"""Release numbers compared (advisor/knowledge/versions.py), and the versions each rule pack
records (checked_against) and each rule names (packages)."""

from __future__ import annotations

import pytest
from rule_files import TODAY, find, pack, rule

from advisor.knowledge.checks import check_rules, pack_ages
from advisor.knowledge.loader import load_ruleset
from advisor.knowledge.versions import is_newer, version_key

ORDERED = ["2.20.0", "2.21.0.dev20260101", "2.21.0a1", "2.21.0b2", "2.21.0rc0", "2.21.0rc1",
           "2.21", "2.21.0.post1", "2.21.1", "2.22.0rc0", "2.22.0", "10.0"]  # fmt: skip


@pytest.mark.parametrize("i", range(len(ORDERED) - 1))
def test_versions_sort_as_the_package_index_sorts_them(i: int) -> None:
    lower, higher = ORDERED[i], ORDERED[i + 1]
    assert is_newer(higher, lower) and not is_newer(lower, higher)


def test_trailing_zeros_and_local_labels_do_not_make_a_newer_version() -> None:
    assert version_key("2.21") == version_key("2.21.0") == version_key("2.21.0+cpu")
    assert not is_newer("2.13.0+cu121", "2.13.0")


@pytest.mark.parametrize("text", ["", "latest", "2.x", "1.0\x1b[31m", "2.21.0 ; rm"])
def test_an_unreadable_version_is_never_newer_nor_older(text: str) -> None:
    assert version_key(text) is None
    assert not is_newer(text, "1.0") and not is_newer("99.0", text)


def test_every_bundled_pack_records_its_versions_and_every_package_named_is_recorded() -> None:
    rs = load_ruleset()
    for p in rs.packs:
        assert dict(p.checked_against), f"{p.pack} records no versions"
    recorded = {p.pack: dict(p.checked_against) for p in rs.packs}
    named = [(r.id, name) for r in rs.rules for name in r.rule.packages]
    assert named, "some rules name the packages their facts are about"
    for rule_id, name in named:
        owner = next(r for r in rs.rules if r.id == rule_id).pack
        assert name in recorded[owner], (rule_id, name)
    assert {"tensorflow", "torch", "keras", "transformers", "executorch"} <= set(
        rs.recorded_packages
    )


def test_a_rule_naming_a_package_its_pack_does_not_record_is_an_error(tmp_path) -> None:
    text = pack(rule("names-jax").replace("    sources:", "    packages: [jax]\n    sources:"))
    text = text.replace("rules:\n", 'checked_against: {tensorflow: "2.21.0"}\nrules:\n')
    (tmp_path / "p.yaml").write_text(text)
    problem = find(check_rules(tmp_path / "p.yaml", today=TODAY), "names-jax")
    assert "'jax'" in problem.message and "checked_against" in problem.message
    assert problem.key == "packages[0]" and problem.line is not None and not problem.warning


@pytest.mark.parametrize("versions", ['{tensorflow: "latest"}', '{"TensorFlow": "2.21.0"}',
                                      "[tensorflow]"])  # fmt: skip
def test_a_malformed_checked_against_is_an_error_naming_the_key(tmp_path, versions) -> None:
    text = pack(rule("fine")).replace("rules:\n", f"checked_against: {versions}\nrules:\n")
    (tmp_path / "p.yaml").write_text(text)
    problems = check_rules(tmp_path / "p.yaml", today=TODAY)
    errors = [p for p in problems.errors if "checked_against" in (p.key or "")]
    assert errors, [str(p) for p in problems.items]


def test_rules_check_lists_packs_oldest_checks_first(tmp_path) -> None:
    old = pack(rule("old-fact", checked="2025-01-02"), name="old").replace(
        "rules:\n", 'checked_against: {tensorflow: "2.16.1"}\nrules:\n')
    (tmp_path / "old.yaml").write_text(old)
    ages = pack_ages(load_ruleset(tmp_path / "old.yaml"))
    assert ages[0].pack == "old" and str(ages[0].oldest) == "2025-01-02"
    assert ages[0].versions == (("tensorflow", "2.16.1"),)
    assert [a.oldest for a in ages] == sorted(a.oldest for a in ages)
