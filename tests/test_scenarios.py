"""Realistic projects with the answer an expert would give today (tests/scenarios/*.yaml).

The scenarios were written from the fact base before any points were tuned, so they test
the knowledge rather than echo it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from advisor import recommend
from advisor.knowledge.loader import load_ruleset

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))
RULES = load_ruleset()

def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIOS) >= 15


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario(path: Path) -> None:
    spec = yaml.safe_load(path.read_text())
    assert spec["why"] and spec["source"], "every scenario carries its justification and source"
    rec = recommend(spec["answers"], ruleset=RULES)
    assert rec.recommendation == spec["expect"], (
        f"{spec['title']}: expected {spec['expect']} because {spec['why']}; got "
        f"{rec.recommendation} ({rec.scores.tensorflow:.1f} TF vs {rec.scores.pytorch:.1f} PT): "
        + " | ".join(rec.explanation)
    )
