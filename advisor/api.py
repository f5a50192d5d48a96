"""The embedding API: one call from answers to a Recommendation, and the answers loader with
the bundled questionnaire as its default."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from advisor.errors import MeasurementsError, RuleFileError, UsageError
from advisor.inputs import answers as answers_file
from advisor.inputs.answers import Answers, normalise_answers
from advisor.inputs.environment import installed_versions
from advisor.inputs.files import brief
from advisor.inputs.measurements import Measurements, check_measurements, parse_measurements
from advisor.inputs.questions import Questionnaire
from advisor.knowledge.loader import bundled_questionnaire, load_ruleset
from advisor.knowledge.ruleset import RuleSet
from advisor.machine import this_machine
from advisor.scan.project import ProjectLike, project_scan
from advisor.scoring import score
from advisor.scoring.recommendation import Recommendation


def recommend(
    answers: Mapping[str, Any] | Answers,
    *,
    measurements: Measurements | Mapping[str, Any] | None = None,
    rule_paths: str | Path | Iterable[str | Path] = (),
    ruleset: RuleSet | None = None,
    project: ProjectLike | None = None,
    installed: Mapping[str, str] | None = None,
) -> Recommendation:
    """Recommend TensorFlow, PyTorch or either for ``answers``.

    Args:
        answers: a mapping of question ids to answers (missing ones take their defaults), or
            an ``Answers`` from ``load_answers``.
        measurements: probe results (a ``Measurements`` from ``load_measurements``, or a
            contract-3 dict), or None. A file name is not read here: use ``load_measurements``.
        rule_paths: extra rule packs on top of the bundled rules: one file or folder (a str or
            Path), or a list of them.
        ruleset: an already loaded ``RuleSet`` (overrides ``rule_paths``), for callers that
            score many answer sets.
        project: the project's folder (a str or Path), scanned now with the default limits,
            or a ``ProjectScan`` made earlier. Its proposals answer the questions ``answers``
            leaves open (never one it answers), its switching cost scales the existing-code
            points, and ``Recommendation.project`` says which answers came from it and why.
        installed: package name -> installed version, compared with the versions the rule
            packs were checked against (``Recommendation.versions``). None reads the versions
            installed in this Python environment from package metadata (nothing is imported);
            pass ``{}`` to compare none.

    Raises:
        AnswersError (``answers``), MeasurementsError (``measurements``), RuleFileError
        (``rule_paths`` or ``ruleset``), ProjectError (``project``), RuleConflictError,
        UsageError (``installed``): for a
        wrong value and for a wrong type alike.
    """
    if ruleset is not None and not isinstance(ruleset, RuleSet):
        raise RuleFileError(
            None, f"ruleset: expected a RuleSet from load_ruleset, got {brief(ruleset)}"
        )
    rules = ruleset or load_ruleset(rule_paths)
    normalised = normalise_answers(answers, rules.questionnaire)
    if measurements is not None and not isinstance(measurements, Measurements):
        if not isinstance(measurements, Mapping):
            raise MeasurementsError(
                None, "measurements: expected a Measurements (see load_measurements) or a "
                f"contract-3 dict, got {brief(measurements)}",
            )  # fmt: skip
        measurements = parse_measurements(measurements)
    elif measurements is not None:  # built by the caller: checked as a file's would be
        check_measurements(measurements)
    if installed is None:
        installed = installed_versions(rules.recorded_packages)
    elif not isinstance(installed, Mapping):
        raise UsageError(
            f"installed: expected a mapping of package names to versions, got {brief(installed)}"
        )
    scan = project_scan(project) if project is not None else None
    return score(normalised, rules, measurements, scan=scan, here=this_machine(),
                 installed={str(k): str(v) for k, v in installed.items()})


def load_answers(path: str | Path, questionnaire: Questionnaire | None = None) -> Answers:
    """Read an answers YAML file, checked against ``questionnaire`` (the bundled one when
    None); raise ``AnswersError`` naming file, key and line."""
    return answers_file.load_answers(path, questionnaire or bundled_questionnaire())
