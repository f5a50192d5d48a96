"""JSON Schemas of the file formats, generated from the models that validate them.

``python -m advisor.cli.schemas DIR`` (``make schemas``) writes them; a test checks that the
committed copies under schemas/ are current, and validates every example and output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from advisor.inputs.measurements import Measurements
from advisor.inputs.questions import Questionnaire
from advisor.knowledge.formats import CriteriaFile, RulePack
from advisor.scan.model import ProjectScan
from advisor.scan.tablefile import ScanTable
from advisor.scoring.recommendation import Recommendation

BASE_ID = "https://framework-advisor.invalid/schemas/"
"""Schema ids are names, not addresses: nothing is fetched from them."""


def answers_schema(questionnaire: Questionnaire) -> dict[str, Any]:
    """The answers file, derived from the questionnaire so the two can never disagree."""
    props: dict[str, Any] = {"version": {"const": 1, "description": "answers file version"}}
    for q in questionnaire.questions:
        enum = {"enum": q.values}
        description = f"{q.prompt} {q.help}"
        if q.type == "many":
            props[q.id] = {
                "description": description,
                "anyOf": [
                    {"type": "array", "items": enum, "uniqueItems": True},
                    enum,
                    {"type": "null"},
                ],
                "default": q.default,
            }
        else:
            props[q.id] = {
                "description": description,
                "anyOf": [enum, {"type": "null"}],
                "default": q.default,
            }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "framework-advisor answers file",
        "type": "object",
        "properties": props,
        "additionalProperties": False,
    }


def all_schemas(questionnaire: Questionnaire) -> dict[str, dict[str, Any]]:
    schemas = {
        "answers": answers_schema(questionnaire),
        "rule-pack": msgspec.json.schema(RulePack),
        "criteria": msgspec.json.schema(CriteriaFile),
        "questions": msgspec.json.schema(Questionnaire),
        "measurements": msgspec.json.schema(Measurements),
        "recommendation": msgspec.json.schema(Recommendation),
        "scan-table": msgspec.json.schema(ScanTable),
        "project-scan": msgspec.json.schema(ProjectScan),
    }
    for name, schema in schemas.items():
        schema.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
        schema["$id"] = f"{BASE_ID}{name}.schema.json"
    return schemas


def write_schemas(directory: Path) -> list[Path]:
    from advisor.knowledge.loader import bundled_questionnaire

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas(bundled_questionnaire()).items():
        path = directory / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - exercised through `make schemas`
    for p in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")):
        print(p)
