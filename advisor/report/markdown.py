"""The report as a Markdown document, for design reviews."""

from __future__ import annotations

from advisor.frameworks import NAMES
from advisor.report import common, project
from advisor.scoring.recommendation import Recommendation


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _item(line: str) -> str:
    """A list item; a line indented by the wording in ``common`` is an item of the one above."""
    return f"  - {line.strip()}" if line.startswith("  ") else f"- {line}"


def render_markdown(rec: Recommendation) -> str:
    out: list[str] = [f"# {common.headline(rec)}", "", rec.meaning, "",
                      f"*{common.points_line(rec)}*", ""]  # fmt: skip
    out += [f"- {line}" for line in rec.explanation]
    if d := common.defaulted_line(rec):
        out += ["", f"_{d}_"]
    if s := project.used_line(rec):
        out += ["", f"_{s}_"]
    if versions := common.version_lines(rec):
        out += ["", "## Newer versions than the advice knows", "", *[f"- {x}" for x in versions]]
    if rec.constraint:
        c = rec.constraint
        out += [
            "",
            "## Policy",
            "",
            f"**{c.id}** requires {NAMES[c.requires]}: {c.because}",
            *[f"- Source: {common.source_text(s)}" for s in c.sources],
        ]
    out += [
        "",
        "## Per criterion",
        "",
        "| Criterion | Weight | TensorFlow | PyTorch | Contributions |",
        "|---|---:|---:|---:|---|",
    ]
    for score in rec.criteria.values():
        out.append(
            f"| {score.title}{' (measured)' if score.measured else ''} | {score.weight:.2f} | "
            f"{score.weighted.tensorflow:.2f} | {score.weighted.pytorch:.2f} | "
            f"{', '.join(score.rules) or '—'} |"
        )
    out += ["", "## Reasons", ""]
    if not rec.reasons:
        out.append("No rule gave points for these answers.")
    for i, r in enumerate(rec.reasons, 1):
        out.append(
            f"{i}. **{NAMES[r.favors]}** +{r.points:g} × {r.weight:.2f} = "
            f"{r.weighted_points:.2f} ({r.criterion}, `{r.id}`): {r.because}"
        )
        out += [f"   - Source: {common.source_text(s)}" for s in r.sources]
    if rec.notes:
        out += ["", "## Notes", ""]
        for n in rec.notes:
            out.append(f"- {n.text}")
            out += [f"  - Source: {common.source_text(s)}" for s in n.sources]
    if rec.myths:
        out += ["", "## Myths this answer touches", ""]
        for m in rec.myths:
            out.append(f"- **Myth:** “{m.claim}”  \n  **Today:** {m.truth}")
            out += [f"  - Source: {common.source_text(s)}" for s in m.sources]
    out += ["", "## Measurements", "", *[_item(x) for x in common.measurement_lines(rec)]]
    if faster := common.faster_setting_lines(rec):
        out += ["", "## Make it faster on this machine", "", *[f"- {x}" for x in faster]]
    if rec.project is not None:
        out += ["", "## From the project scan", "",
                *[_item(x) for x in project.project_lines(rec)]]
    if bridge := common.bridge_lines(rec):
        out += ["", f"## {common.BRIDGE_TITLE}", "", *[_item(x) for x in bridge]]
    out += ["", "## What would change it", ""]
    out += [f"- {f.text}" for f in rec.flips] or ["- No single change of answer would change it."]
    out.append(f"- {common.robustness_line(rec)}")
    out += ["", "## Answers", "", *[f"- {_cell(x)}" for x in common.answers_lines(rec)]]
    out += ["", "## Provenance", "", *[f"- {x}" for x in common.provenance_lines(rec)], ""]
    return "\n".join(out)
