"""The two frameworks and their names, defined once (advisor/frameworks.py)."""

from __future__ import annotations

import typing

from advisor.frameworks import FRAMEWORKS, NAMES, Framework, Winner, capitalised, other


def test_every_framework_and_the_either_verdict_has_a_name() -> None:
    assert set(FRAMEWORKS) == set(typing.get_args(Framework))
    assert set(NAMES) == set(typing.get_args(Winner)) == {*FRAMEWORKS, "either"}
    assert NAMES["either"] == "either framework"  # mid-sentence; capitalised() starts one
    assert capitalised(NAMES["either"]) == "Either framework"
    assert capitalised(NAMES["pytorch"]) == "PyTorch"  # only the first letter changes


def test_other_names_the_framework_that_is_not_this_one() -> None:
    for framework in FRAMEWORKS:
        assert other(framework) != framework
        assert other(other(framework)) == framework
