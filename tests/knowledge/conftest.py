"""The bundled rule base, loaded once per module."""

from __future__ import annotations

import pytest

from advisor.knowledge.formats import PointsRule
from advisor.knowledge.loader import load_ruleset


@pytest.fixture(scope="module")
def bundled():
    return load_ruleset()


@pytest.fixture(scope="module")
def bundled_point_rule(bundled):
    return next(r for r in bundled.rules if isinstance(r.rule, PointsRule))
