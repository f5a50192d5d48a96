"""Proposed answers from what the scan found, each with its confidence, evidence and a reason
a reviewer can check.

- ``existing_code`` weighs the code each framework binds (files, then lines), Keras 3 apart
  from TensorFlow; a mixed repository says how mixed, and what its deployment is bound to.
- ``domain``, ``deployment``, ``pretrained``, ``hardware`` and ``scale_out`` add up the
  support of the table entries that propose a value: an entry's weight times the files it was
  found in (at most ``FILES_CAP`` of them, so one library used everywhere does not drown the
  rest). A value needs ``MIN_SUPPORT`` to be proposed: where little is found, nothing is.
- ``team_experience`` is only ever a hint, from who committed to which framework's files.

Every proposal is checked against the questionnaire before it is returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import msgspec

from advisor.inputs.questions import Questionnaire
from advisor.scan.collect import Collector
from advisor.scan.cost import bound_files, rebinds
from advisor.scan.history import FINDING_ID, Team
from advisor.scan.model import Evidence, Finding, Proposal, SwitchingCost
from advisor.scan.tablefile import PROPOSABLE, CodeEntry, IndexEntry, ModuleEntry, PackageEntry
from advisor.scan.tables import Tables

NAMES = {"tensorflow": "TensorFlow", "pytorch": "PyTorch", "keras": "Keras 3", "jax": "JAX"}
FILES_CAP = 10
MIN_SUPPORT = 0.8
"""A value needs at least this support: one decisive file (weight 1), or a few faint ones."""
MIN_SHARE = {"hardware": 0.6}
"""How much of a question's support its value must hold: code that names cuda, mps and xpu
alike is portable, and proposing one of them would be a coin flip."""
DEFAULT_SHARE = 0.4
CODE_DEPLOYMENT_SHARE = 0.02
"""A deployment target seen only in code needs to be in this share of the bound files."""
HINT_BELOW = 0.5
"""A proposal less sure than this is shown as a hint, never used as an answer."""
EVIDENCE = 5
KERAS_OVER_TF = 2.0
"""Keras 3 is proposed over TensorFlow when Keras-bound files outnumber TensorFlow-bound ones
by this factor: Keras 3 code that also feeds tf.data is still Keras 3 code."""


def propose(found: Collector, findings: list[Finding], cost: SwitchingCost, tables: Tables,
            q: Questionnaire, team: Team | None) -> list[Proposal]:  # fmt: skip
    by_id = {f.id: f for f in findings}
    out: list[Proposal] = []
    code = _existing_code(found, by_id, cost, tables)
    if code is not None:
        out.append(code)
    support = _support(found, by_id)
    n_bound = len(found.bound)
    for question in PROPOSABLE:
        made = _from_support(question, support.get(question, {}), n_bound,
                             found.dependency_files)
        if made is not None:
            out.append(made)
    if team is not None:
        hint = _team_hint(team)
        if hint is not None:
            out.append(hint)
    out = [p if p.confidence >= HINT_BELOW else msgspec.structs.replace(p, kind="hint")
           for p in out]
    return [p for p in out if _valid(p, q)]


def _valid(p: Proposal, q: Questionnaire) -> bool:
    question = q.by_id.get(p.question)
    if question is None:
        return False
    values = p.value if isinstance(p.value, list) else [p.value]
    if question.type == "one" and isinstance(p.value, list):
        return False
    return bool(values) and all(v in question.values for v in values)


def _confidence(share: float, strength: float) -> float:
    return round(min(0.95, share * (0.5 + 0.5 * min(1.0, strength))), 2)


def _percent(x: float) -> str:
    return f"{x * 100:.0f} %"


def _files(n: int) -> str:
    return f"{n:,} file" if n == 1 else f"{n:,} files"


# --- existing code -------------------------------------------------------------------------------

def _existing_code(found: Collector, by_id: dict[str, Finding], cost: SwitchingCost,
                   tables: Tables) -> Proposal | None:  # fmt: skip
    files = bound_files(found, tables)
    if not files:
        return None
    per: dict[str, int] = {fw: 0 for fw in NAMES}
    lines: dict[str, int] = {fw: 0 for fw in NAMES}
    tf_side = 0
    for bound in files.values():
        for fw, n in bound.items():
            per[fw] += 1
            lines[fw] += n
        if "tensorflow" in bound or "keras" in bound:
            tf_side += 1
    sides = {"pytorch": per["pytorch"], "tensorflow": tf_side, "jax": per["jax"]}
    total = sum(sides.values())
    ranked = sorted(sides, key=lambda s: (sides[s], lines[s] if s != "tensorflow" else
                                          lines["tensorflow"] + lines["keras"]), reverse=True)
    side = ranked[0]
    if side == "jax" or total == 0:
        return None  # neither framework's code: no answer fits, the finding says what it is
    if side == "tensorflow":
        value = "keras" if per["keras"] >= KERAS_OVER_TF * max(per["tensorflow"], 0.5) else \
            "tensorflow"
    else:
        value = "pytorch"
    share = sides[side] / total
    sentences = [_share_sentence(side, value, sides, per, lines, total)]
    moved = rebinds(found, tables)
    if moved.get("keras") == "tensorflow" and any(
            by_id[i].bound_to == "keras" for i in by_id if i.startswith("import")):  # fmt: skip
        why = [f.label for f in by_id.values() if tables.by_id.get(f.id) and
               tables.by_id[f.id].entry.rebinds.get("keras") == "tensorflow"]
        sentences.append(f"`import keras` counts as TensorFlow here: {'; '.join(why)}.")
    if value == "keras" and per["tensorflow"]:
        sentences.append(
            "TensorFlow beside Keras 3 is often only tf.data, which Keras 3 feeds with any "
            "backend; check those files before relying on a switch of backend.")
    contrast = _deployment_contrast(value, cost, _format_labels(tables))
    if contrast:
        sentences.append(contrast)
    bound_fws = {"pytorch"} if value == "pytorch" else {"tensorflow", "keras"}
    evidence, ids = _evidence_of(by_id, lambda f: f.bound_to in bound_fws and f.category in (
        "import", "call"))
    strength = sides[side] / 10
    # Four Python scripts in a tree of twelve thousand C files are not the project's code.
    part = len(files) / max(found.source_files, 1)
    share *= min(1.0, 0.3 + 70 * part)
    if part < 0.01:
        sentences.append(f"They are {_files(len(files))} of {found.source_files:,} source files.")
    return Proposal(question="existing_code", value=value, confidence=_confidence(share, strength),
                    because=" ".join(sentences), findings=ids, evidence=evidence)


def _share_sentence(side: str, value: str, sides: dict[str, int], per: dict[str, int],
                    lines: dict[str, int], total: int) -> str:  # fmt: skip
    n = sides[side]
    if side == "tensorflow" and per["keras"] and per["tensorflow"]:
        name = "TensorFlow or Keras"
        detail = (f"Keras 3 in {_files(per['keras'])}, {lines['keras']:,} lines; TensorFlow in "
                  f"{_files(per['tensorflow'])}, {lines['tensorflow']:,} lines")
    else:
        name = NAMES[value]
        side_lines = lines["tensorflow"] + lines["keras"] if side == "tensorflow" else lines[side]
        detail = f"{side_lines:,} lines that import or call it"
    if n == total:
        return f"All {_files(n)} of framework-bound code are {name} ({detail})."
    others = [f"{'TensorFlow/Keras' if s == 'tensorflow' else NAMES[s]} {_files(sides[s])}"
              for s in sides if s != side and sides[s]]
    return (f"{_percent(n / total)} of the framework-bound files are {name} ({n:,} of "
            f"{total:,} files; {detail}); " + ", ".join(others) + ".")


def _format_labels(tables: Tables) -> dict[str, str]:
    """Each model format's name in words: the label of the first entry that counts it."""
    out: dict[str, str] = {}
    for loaded in tables.entries:
        fmt = getattr(loaded.entry, "format", None)
        if isinstance(fmt, str):
            out.setdefault(fmt, loaded.entry.label)
    return out


def _deployment_contrast(value: str, cost: SwitchingCost, labels: dict[str, str]) -> str:
    """A sentence when the models or their deployment are bound to the framework the code is
    not: the half of a mixed repository the share alone would hide."""
    other = "tensorflow" if value == "pytorch" else "pytorch"
    bound = getattr(cost, other)
    pieces = [f"the {piece}" for piece in bound.deployment]
    models = [f"{n:,} × {labels.get(fmt, fmt)}" for fmt, n in
              sorted(bound.model_files.items(), key=lambda kv: -kv[1])]
    said = [*pieces, *models]
    if not said:
        return ""
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return f"Yet {listed} point{'s' if len(said) == 1 else ''} to a {NAMES[other]} deployment."


def _evidence_of(by_id: dict[str, Finding],
                 wanted: Callable[[Finding], bool]) -> tuple[list[Evidence], list[str]]:
    chosen = sorted((f for f in by_id.values() if wanted(f)), key=lambda f: -f.files)
    evidence: list[Evidence] = []
    for f in chosen:
        for e in f.evidence:
            if len(evidence) < EVIDENCE and all(e.path != x.path for x in evidence):
                evidence.append(e)
    return evidence, [f.id for f in chosen]


# --- table-driven questions -------------------------------------------------------------------

@dataclass
class _Support:
    total: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    in_code_only: bool = True
    """All of it is imports and names in code (no dependency, image, manifest or script):
    evidence that counts in proportion to the code it is found in."""
    in_dependencies_only: bool = True
    """All of it outside code is in dependency files (no image, manifest or script)."""


def _support(found: Collector, by_id: dict[str, Finding]) -> dict[str, dict[str, _Support]]:
    out: dict[str, dict[str, _Support]] = {}
    for entry_id, count in found.counts.items():
        loaded = count.loaded
        for question, value in loaded.proposes.items():
            s = out.setdefault(question, {}).setdefault(value, _Support())
            s.total += loaded.entry.weight * min(count.files, FILES_CAP)
            s.findings.append(by_id[entry_id])
            s.in_code_only &= isinstance(loaded.entry, ModuleEntry | CodeEntry)
            s.in_dependencies_only &= isinstance(
                loaded.entry, ModuleEntry | CodeEntry | PackageEntry | IndexEntry)
    return out


def _from_support(question: str, support: dict[str, _Support], n_bound: int,
                  n_dependency: int) -> Proposal | None:  # fmt: skip
    if question == "domain" and support.get("llm", _Support()).total >= MIN_SUPPORT:
        # An LLM project imports transformers as every NLP project does: that is LLM evidence.
        nlp = support.pop("nlp", None)
        if nlp is not None:
            support["llm"].total += nlp.total
            support["llm"].findings += nlp.findings
    strong = {v: s for v, s in support.items() if s.total >= MIN_SUPPORT}
    if question == "deployment":
        # A runtime imported in a handful of a large code base's files (a test, an export
        # script) says little about where the project's models run; a manifest says more.
        strong = {v: s for v, s in strong.items() if not s.in_code_only
                  or _most_files(s) >= CODE_DEPLOYMENT_SHARE * n_bound}
    if question == "hardware" and any(not s.in_code_only for s in strong.values()):
        # What the project installs or runs on (a CUDA build, a GPU base image) outweighs the
        # devices its code can also address: code-only values step aside.
        support = {v: s for v, s in support.items() if not s.in_code_only}
        strong = {v: s for v, s in strong.items() if v in support}
    if not strong:
        return None
    total = sum(s.total for s in support.values())
    if question == "deployment":
        return _deployment(strong, total)
    if question == "scale_out" and "multi_node" in strong:
        value = "multi_node"
    elif question == "pretrained":
        value = "central" if _central(strong, n_bound) else "some"
        if value not in strong:
            return None
    else:
        value = max(strong, key=lambda v: strong[v].total)
    chosen = strong[value]
    coverage = min(1.0, 0.4 + 4 * _most_files(chosen) / max(n_bound, 1))
    if question in ("scale_out", "pretrained"):
        # Whether the project does this at all: judged by how much of its code does it.
        share = coverage
    else:
        share = chosen.total / total
        if share < MIN_SHARE.get(question, DEFAULT_SHARE):
            return None
        if question == "hardware" and chosen.in_code_only:
            share *= coverage  # a device named in a few files of many is a weak sign
        elif question == "hardware" and chosen.in_dependencies_only:
            # One requirements file of forty (an example among many) speaks for itself only.
            share *= min(1.0, 0.4 + 2 * _most_files(chosen) / max(n_dependency, 1))
    because = _because(question, value, chosen, support, total)
    evidence, ids = _evidence_of({f.id: f for f in chosen.findings}, lambda f: True)
    return Proposal(question=question, value=value,
                    confidence=_confidence(share, chosen.total / 3), because=because,
                    findings=ids, evidence=evidence)


def _most_files(s: _Support) -> int:
    return max((f.files for f in s.findings), default=0)


def _central(strong: dict[str, _Support], n_bound: int) -> bool:
    """Fine-tuning published models is the project: LLM fine-tuning libraries in a fair part of
    the code, or checkpoints loaded in a third of it."""
    central, some = strong.get("central"), strong.get("some")
    if central is not None and _most_files(central) >= 0.2 * n_bound:
        return True
    return some is not None and _most_files(some) >= max(5, 0.3 * n_bound)


def _found_in(s: _Support) -> str:
    parts = [f"{f.label} in {_files(f.files)}" for f in sorted(s.findings, key=lambda f: -f.files)]
    return "; ".join(parts[:4]) + ("; …" if len(parts) > 4 else "")


def _because(question: str, value: str, chosen: _Support, support: dict[str, _Support],
             total: float) -> str:  # fmt: skip
    text = f"{_found_in(chosen)}."
    others = [(v, s) for v, s in support.items() if v != value and s.total > 0]
    if others and question not in ("scale_out", "pretrained"):
        mix = ", ".join(f"{v} {_percent(s.total / total)}" for v, s in
                        sorted(others, key=lambda vs: -vs[1].total))
        text += f" Evidence for {value} outweighs the rest ({_percent(chosen.total / total)}; " \
                f"{mix})."
    return text


def _deployment(strong: dict[str, _Support], total: float) -> Proposal:
    values = sorted(strong, key=lambda v: -strong[v].total)
    findings = [f for v in values for f in strong[v].findings]
    evidence, ids = _evidence_of({f.id: f for f in findings}, lambda f: True)
    because = " ".join(f"{v}: {_found_in(strong[v])}." for v in values)
    share = sum(strong[v].total for v in values) / total
    strength = min(strong[v].total for v in values) / 3
    return Proposal(question="deployment", value=values, confidence=_confidence(share, strength),
                    because=because, findings=ids, evidence=evidence)


# --- team experience (a hint) ------------------------------------------------------------------

def _team_hint(team: Team) -> Proposal | None:
    commits: dict[str, int] = {}
    authors: dict[str, set[str]] = {}
    for fw, n in team.commits.items():
        side = "pytorch" if fw == "pytorch" else "tensorflow" if fw in ("tensorflow", "keras") \
            else None
        if side is None:
            continue
        commits[side] = commits.get(side, 0) + n
        authors.setdefault(side, set()).update(team.authors.get(fw, set()))
    total = sum(commits.values())
    if not total:
        return None
    shares = {side: n / total for side, n in commits.items()}
    if len(shares) == 2 and min(shares.values()) >= 0.25:
        value = "both"
        share = 1.0 - abs(shares["pytorch"] - shares["tensorflow"])
    else:
        value = max(shares, key=lambda s: shares[s])
        share = shares[value]
    said = ", ".join(f"{len(authors[s]):,} people committed to {NAMES[s]}-bound files "
                     f"({commits[s]:,} commits)" for s in sorted(commits, key=lambda s:
                                                                 -commits[s]))
    because = (f"In the repository's recent history, {said}. Who committed is not who knows a "
               "framework well, so this is a hint, never an answer.")
    evidence = team.finding.evidence if team.finding is not None else []
    return Proposal(question="team_experience", value=value, kind="hint",
                    confidence=_confidence(share, total / 50), because=because,
                    findings=[FINDING_ID], evidence=evidence)

