"""Switching cost: how much a project's own code weighs in the existing-code criterion.

Without a scan, a rule of the ``codebase`` criterion gives its points as written (5 for "you
have working TensorFlow code"): a 30-line script and a code base with a serving stack weigh the
same. With a scan, those points are scaled by how much code a change away from the favoured
framework would touch (docs/scan.md, "How the switching cost scales the existing-code
criterion")::

    effort(b) = lines + 20 × files + 50 × model files + 200 × deployment pieces
    factor(b) = clamp(1 + 0.2 × log2(effort(b) / 400), 0.5, 1.6), rounded to 0.01
              = 1 when the scan found nothing bound to that framework

One line that calls the framework is the unit of effort. A file costs more than its lines
(imports, tests, review); a model file must be retrained or converted and validated again; a
deployment piece (a serving image, a mobile runtime) is a stack to replace. 400 is a typical
small project (150 lines in 10 files, one model file): 1×. Each doubling of the effort adds
0.2, so the scale grows with the size of the rewrite but slowly (a code base ten times as large
is not ten times as decisive), and the bounds keep it one criterion among many: at most 1.6 ×
its points, at least half of them. Nothing found means the scan cannot say how large the code
is (it may live elsewhere), so the user's answer keeps its points.

Pure: it reads the scan's records, never the tree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from advisor.frameworks import FRAMEWORKS, NAMES, Framework
from advisor.knowledge.formats import PointsRule
from advisor.knowledge.ruleset import LoadedRule
from advisor.printable import printable
from advisor.scan.model import BoundCode, ProjectScan

CODEBASE = "codebase"
"""The criterion whose rules the switching cost scales (existing-code-tensorflow and -pytorch
in the bundled rules, and any rule of an organisation's pack under it)."""

FILE_WEIGHT = 20
MODEL_FILE_WEIGHT = 50
DEPLOYMENT_WEIGHT = 200
TYPICAL_EFFORT = 400
"""The effort of a typical small project (150 lines in 10 files, one model file): scale 1."""
PER_DOUBLING = 0.2
LOWEST, HIGHEST = 0.5, 1.6


def effort(bound: BoundCode) -> int:
    """The size of a rewrite away from the framework, in lines that call it (negative counts,
    which no scan makes, count as none)."""
    return (
        max(bound.lines, 0)
        + FILE_WEIGHT * max(bound.files, 0)
        + MODEL_FILE_WEIGHT * sum(max(n, 0) for n in bound.model_files.values())
        + DEPLOYMENT_WEIGHT * len(bound.deployment)
    )


def factor(bound: BoundCode) -> float:
    """The scale of the existing-code points for code bound as ``bound`` says: non-decreasing
    in every count, within [LOWEST, HIGHEST]; 1 when nothing was found."""
    e = effort(bound)
    if e <= 0:
        return 1.0
    raw = 1 + PER_DOUBLING * math.log2(e / TYPICAL_EFFORT)
    return round(min(HIGHEST, max(LOWEST, raw)), 2)


@dataclass(frozen=True)
class Switching:
    """The scale of each framework's existing-code points, and the sentence that says why."""

    factors: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(FRAMEWORKS, 1.0))
    evidence: Mapping[str, str] = field(default_factory=dict)
    """Per framework, what the scan found, in words; empty without a scan."""

    def scale(self, rule: LoadedRule) -> float:
        """The factor for this rule's points: its framework's for an existing-code rule, else 1."""
        r = rule.rule
        if isinstance(r, PointsRule) and r.criterion == CODEBASE:
            return self.factors.get(r.favors, 1.0)
        return 1.0

    def because(self, rule: LoadedRule) -> str:
        """What a scaled rule's reason adds: the scan's evidence; empty for any other rule."""
        r = rule.rule
        if isinstance(r, PointsRule) and r.criterion == CODEBASE:
            return self.evidence.get(r.favors, "")
        return ""


NO_SCAN = Switching()


def switching(scan: ProjectScan | None) -> Switching:
    if scan is None:
        return NO_SCAN
    cost = scan.switching_cost
    bound: dict[Framework, BoundCode] = {"tensorflow": cost.tensorflow, "pytorch": cost.pytorch}
    factors: dict[str, float] = {fw: factor(b) for fw, b in bound.items()}
    return Switching(
        factors=factors,
        evidence={fw: scaled_text(fw, b, factors[fw], root=scan.root, complete=scan.complete)
                  for fw, b in bound.items()},
    )  # fmt: skip


def found_text(name: str, bound: BoundCode, *, complete: bool = True) -> str:
    """What the scan found bound to the framework called ``name``, in words; empty if nothing:
    "412 lines in 37 files call TensorFlow, 3 model files (savedmodel 3), a TF Serving
    Dockerfile"."""
    parts = []
    if bound.lines or bound.files:
        parts.append(f"{_count(bound.lines, 'line')} in {_count(bound.files, 'file')} "
                     f"{'calls' if bound.lines == 1 else 'call'} {name}")  # fmt: skip
    models = sum(bound.model_files.values())
    if models:
        kinds = ", ".join(f"{printable(fmt)} {n}" for fmt, n in sorted(bound.model_files.items())
                          if n)
        parts.append(f"{_count(models, 'model file')} ({kinds})")
    parts += [printable(piece) for piece in bound.deployment]
    if not parts:
        return ""
    return ("at least " if not complete else "") + ", ".join(parts)


def scaled_text(
    framework: Framework, bound: BoundCode, scale: float, *, root: str, complete: bool
) -> str:
    """The sentence an existing-code reason gains from a scan."""
    name, root = NAMES[framework], printable(root)
    found = found_text(name, bound, complete=complete)
    if not found:
        return (f"The scan of {root} found no code bound to {name}, so it cannot size a "
                "rewrite: the points stay as the rule gives them.")  # fmt: skip
    return (f"The scan of {root} found {found}: a rewrite touches all of them, so these "
            f"points are scaled by {scale:g} (1 for a typical small project; from "
            f"{LOWEST:g} to {HIGHEST:g}).")  # fmt: skip


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}" + ("" if n == 1 else "s")
