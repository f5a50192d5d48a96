"""Realistic projects with the answer an expert would give today (tests/scenarios/*.yaml).

The scenarios were written from the fact base before any points were tuned, so they test
the knowledge rather than echo it. Besides ``expect``, a scenario may say which rules, notes or
myths the report must show (``shows``) or must not (``hides``), and what a single change of
answer would make of it (``otherwise``): that is how a new question or answer value proves
that it changes some answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import recommend
from advisor.knowledge.loader import load_ruleset
from advisor.scoring.recommendation import Recommendation

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))
RULES = load_ruleset()
KEYS = {"title", "description", "answers", "expect", "why", "source", "shows", "hides",
        "otherwise"}  # fmt: skip
RULE_IDS = {r.id for r in RULES.rules}


def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIOS) >= 45


def _explained(spec: dict[str, Any], rec: Recommendation, expected: str, why: str) -> str:
    return (
        f"{spec['title']}: expected {expected} because {why}; got {rec.recommendation} "
        f"({rec.scores.tensorflow:.1f} TF vs {rec.scores.pytorch:.1f} PT): "
        + " | ".join(rec.explanation)
        + " | reasons: "
        + ", ".join(f"{r.id} {r.favors} {r.weighted_points:g}" for r in rec.reasons)
    )


def _said(rec: Recommendation) -> set[str]:
    """Every rule, note, myth and policy the report shows (the notes 'Keras 3 as a bridge'
    cites are shown there, not again among the notes)."""
    ids = {r.id for r in rec.reasons} | {n.id for n in rec.notes} | {m.id for m in rec.myths}
    ids |= {n.id for n in rec.keras_bridge.notes} if rec.keras_bridge else set()
    return ids | ({rec.constraint.id} if rec.constraint else set())


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario(path: Path) -> None:
    spec = yaml.safe_load(path.read_text())
    assert set(spec) <= KEYS, f"unknown keys {set(spec) - KEYS}"
    assert spec["why"] and spec["source"], "every scenario carries its justification and source"
    rec = recommend(spec["answers"], ruleset=RULES)
    assert rec.recommendation == spec["expect"], _explained(spec, rec, spec["expect"], spec["why"])
    named = [*spec.get("shows", []), *spec.get("hides", [])]
    assert set(named) <= RULE_IDS, f"no such rule: {set(named) - RULE_IDS}"
    said = _said(rec)
    assert not set(spec.get("shows", [])) - said, f"not shown: {set(spec['shows']) - said}"
    assert not set(spec.get("hides", [])) & said, f"shown: {set(spec['hides']) & said}"
    for other in spec.get("otherwise", []):
        assert set(other) == {"answers", "expect", "why"}, other
        changed = {**spec["answers"], **other["answers"]}
        assert changed != spec["answers"], "an 'otherwise' entry must change an answer"
        alt = recommend(changed, ruleset=RULES)
        assert alt.recommendation == other["expect"], _explained(
            spec, alt, other["expect"], f"{other['answers']}: {other['why']}"
        )
