"""Errors say where a problem is, in one line, and keep the location as fields."""

from __future__ import annotations

from advisor.errors import AnswersError, ExitCode, ProbeError, RuleFileError


def test_a_rule_file_error_names_the_rule_and_keeps_the_key_within_it() -> None:
    e = RuleFileError("p.yaml", "is not a date", rule_id="r-1", key="sources[0].checked",
                      line=7, at=("rules", 0, "sources", 0, "checked"))  # fmt: skip
    assert str(e) == "p.yaml, line 7: rule 'r-1' → sources[0].checked: is not a date"
    assert (e.path, e.rule_id, e.key, e.line, e.detail) == (
        "p.yaml", "r-1", "sources[0].checked", 7, "is not a date")
    assert e.at == ("rules", 0, "sources", 0, "checked")
    assert str(RuleFileError("p.yaml", "x", rule_id="r-1")) == "p.yaml: rule 'r-1': x"


def test_an_input_error_is_one_line_whatever_the_file_holds() -> None:
    e = AnswersError("a.yaml", "'a\nb' is not allowed", key="domain", line=2, column=9)
    assert str(e) == "a.yaml, line 2, column 9: domain: 'a\\nb' is not allowed"
    assert e.key == "domain" and e.more == ()


def test_a_probe_error_exits_3_and_is_said_without_error_prefix() -> None:
    e = ProbeError("tensorflow not measured (timeout): no answer")
    assert e.exit_code == ExitCode.PROBE_FAILED == 3
    assert e.prefix == "" and RuleFileError(None, "x").prefix == "error: "
