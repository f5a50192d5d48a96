"""Every file format has a JSON Schema; the committed schemas are current, and every example
and every output validates against them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from advisor import recommend
from advisor.cli.schemas import all_schemas
from advisor.knowledge.loader import bundled_questionnaire
from advisor.report import render

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


def _plain(data: object) -> object:
    # YAML gives dates as date objects; JSON Schema sees the strings a JSON document would hold.
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize("name", sorted(all_schemas(bundled_questionnaire())))
def test_committed_schema_is_current(name: str) -> None:
    generated = all_schemas(bundled_questionnaire())[name]
    committed = _schema(name)
    assert committed == json.loads(json.dumps(generated)), "run `make schemas` and commit"


def test_example_answers_and_scenarios_validate() -> None:
    schema = _schema("answers")
    files = [*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/scenarios/*.yaml")]
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text())
        jsonschema.validate(data.get("answers", data) if "expect" in data else data, schema)


def test_rule_files_validate() -> None:
    packs = [*ROOT.glob("rules/packs/*.yaml"), *ROOT.glob("examples/policies/*.yaml")]
    assert packs
    for path in packs:
        jsonschema.validate(_plain(yaml.safe_load(path.read_text())), _schema("rule-pack"))
    jsonschema.validate(_plain(yaml.safe_load((ROOT / "rules/criteria.yaml").read_text())),
                        _schema("criteria"))
    jsonschema.validate(_plain(yaml.safe_load((ROOT / "rules/questions.yaml").read_text())),
                        _schema("questions"))


def test_example_measurements_validate() -> None:
    files = list(ROOT.glob("examples/*measurements*.json"))
    assert files, "ship an example measurements file"
    for path in files:
        jsonschema.validate(json.loads(path.read_text()), _schema("measurements"))


def test_json_report_and_example_recommendation_validate() -> None:
    schema = _schema("recommendation")
    rec = recommend({"deployment": ["browser"], "existing_code": "pytorch"})
    jsonschema.validate(json.loads(render(rec, "json")), schema)
    example = ROOT / "examples" / "recommendation.json"
    jsonschema.validate(json.loads(example.read_text()), schema)
