"""framework-advisor: TensorFlow or PyTorch for your project, measured and explained.

Embedding::

    from advisor import recommend
    rec = recommend({"deployment": ["mobile"], "team_experience": "pytorch"})
    print(rec.recommendation, rec.confidence)

Names are imported lazily (PEP 562) so that ``import advisor`` stays cheap and never loads a
UI toolkit or a deep-learning framework.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AdvisorError",
    "AnswersError",
    "Answers",
    "ExitCode",
    "InputError",
    "Measurements",
    "MeasurementsError",
    "ProjectError",
    "ProjectScan",
    "Recommendation",
    "RuleConflictError",
    "RuleFileError",
    "RuleSet",
    "__version__",
    "load_answers",
    "load_measurements",
    "load_ruleset",
    "recommend",
    "scan_project",
]

_WHERE = {
    "AdvisorError": "advisor.errors",
    "AnswersError": "advisor.errors",
    "ExitCode": "advisor.errors",
    "InputError": "advisor.errors",
    "MeasurementsError": "advisor.errors",
    "ProjectError": "advisor.errors",
    "RuleConflictError": "advisor.errors",
    "RuleFileError": "advisor.errors",
    "Answers": "advisor.inputs.answers",
    "load_answers": "advisor.api",
    "Measurements": "advisor.inputs.measurements",
    "load_measurements": "advisor.inputs.measurements",
    "ProjectScan": "advisor.scan.model",
    "Recommendation": "advisor.scoring.recommendation",
    "RuleSet": "advisor.knowledge.ruleset",
    "load_ruleset": "advisor.knowledge.loader",
    "recommend": "advisor.api",
    "scan_project": "advisor.scan.engine",
}

if TYPE_CHECKING:  # pragma: no cover
    from advisor.api import load_answers, recommend
    from advisor.errors import (
        AdvisorError,
        AnswersError,
        ExitCode,
        InputError,
        MeasurementsError,
        ProjectError,
        RuleConflictError,
        RuleFileError,
    )
    from advisor.inputs.answers import Answers
    from advisor.inputs.measurements import Measurements, load_measurements
    from advisor.knowledge.loader import load_ruleset
    from advisor.knowledge.ruleset import RuleSet
    from advisor.scan.engine import scan_project
    from advisor.scan.model import ProjectScan
    from advisor.scoring.recommendation import Recommendation


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'advisor' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
