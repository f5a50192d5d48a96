"""Rule files written for the knowledge tests: a pack, a scoring rule, and finding a problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from advisor.knowledge.problems import Problem

RULES = Path(__file__).resolve().parents[1] / "data" / "rules"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "android-app.yaml"
TODAY = date(2027, 6, 1)  # after every bundled 'checked' date, so none is in the future


def pack(rules: str, name: str = "extra") -> str:
    return f"pack: {name}\ntitle: Test pack {name}\nrules:\n{rules}"


def rule(rule_id: str, *, when: str = "{domain: llm}", points: int = 2,
         criterion: str = "ecosystem", checked: str = "2026-01-15", favors: str = "pytorch") -> str:
    return (
        f"  - id: {rule_id}\n"
        f"    kind: rule\n"
        f"    when: {when}\n"
        f"    favors: {favors}\n"
        f"    criterion: {criterion}\n"
        f"    points: {points}\n"
        f"    because: A sentence long enough to explain the rule.\n"
        f"    sources:\n"
        f"      - {{url: 'https://example.org/{rule_id}', checked: {checked}}}\n"
    )


def find(problems, rule_id: str) -> Problem:
    found = [p for p in problems.items if p.rule_id == rule_id]
    assert found, f"no problem reported for {rule_id}: {[str(p) for p in problems.items]}"
    return found[0]
