"""The terminal report, drawn with rich."""

from __future__ import annotations

from io import StringIO

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from advisor.frameworks import NAMES
from advisor.report import common, printable_recommendation, project
from advisor.scoring.recommendation import Recommendation

COLORS = {"tensorflow": "dark_orange", "pytorch": "red3", "either": "cyan"}
BAR = 24


def render_text(rec: Recommendation, *, width: int = 100, color: bool = False) -> str:
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
    )
    for part in report_parts(rec):
        console.print(part)
    # rich pads padded blocks to the full width; a saved or piped report needs no trailing blanks.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def report_parts(rec: Recommendation) -> list[object]:
    """The report as rich renderables, in reading order (the TUI reuses some of them)."""
    rec = printable_recommendation(rec)
    parts: list[object] = [headline_panel(rec)]
    if versions := common.version_lines(rec):
        parts.append(_section("Newer versions than the advice knows", versions))
    if rec.constraint:
        c = rec.constraint
        parts.append(
            _section(
                "Policy",
                [
                    f"{c.id}: {c.because}",
                    *[f"  source: {common.source_text(s)}" for s in c.sources],
                ],
            )
        )
    parts.append(criteria_table(rec))
    parts.append(_reasons(rec))
    if rec.notes:
        parts.append(
            _section(
                "Notes",
                [
                    line
                    for n in rec.notes
                    for line in (
                        f"• {n.text}",
                        *[f"    source: {common.source_text(s)}" for s in n.sources],
                    )
                ],
            )
        )
    if rec.myths:
        parts.append(
            _section(
                "Myths this answer touches",
                [
                    line
                    for m in rec.myths
                    for line in (
                        f"✗ “{m.claim}”",
                        f"  ✓ {m.truth}",
                        *[f"    source: {common.source_text(s)}" for s in m.sources],
                    )
                ],
            )
        )
    parts.append(_section("Measurements", common.measurement_lines(rec)))
    if faster := common.faster_setting_lines(rec):
        parts.append(_section("Make it faster on this machine", faster))
    if rec.project is not None:
        parts.append(_section("From the project scan", project.project_lines(rec)))
    if bridge := common.bridge_lines(rec):
        parts.append(_section(common.BRIDGE_TITLE, bridge))
    parts.append(_section("What would change it", flip_lines(rec)))
    parts.append(_section("Your answers", common.answers_lines(rec)))
    parts.append(_section("Provenance", common.provenance_lines(rec)))
    return parts


def headline_panel(rec: Recommendation) -> Panel:
    body = Text()
    body.append(rec.meaning + "\n")
    body.append(common.points_line(rec) + "\n", style="dim")
    for line in rec.explanation:
        body.append(line + "\n")
    if d := common.defaulted_line(rec):
        body.append(d + ("\n" if rec.project else ""), style="italic")
    if s := project.used_line(rec):
        body.append(s, style="italic")
    return Panel(
        body,
        title=Text(common.headline(rec), style=f"bold {COLORS[rec.recommendation]}"),
        title_align="left",
        border_style=COLORS[rec.recommendation],
    )


def criteria_table(rec: Recommendation) -> Table:
    table = Table(title="Per criterion (weighted points)", title_justify="left", expand=False)
    table.add_column("Criterion")
    table.add_column("Weight", justify="right")
    table.add_column("TensorFlow", justify="right")
    table.add_column("PyTorch", justify="right")
    table.add_column("TF ◀ ▶ PT", no_wrap=True)
    scale = (
        max(
            (max(c.weighted.tensorflow, c.weighted.pytorch) for c in rec.criteria.values()),
            default=0,
        )
        or 1
    )
    for c in rec.criteria.values():
        tf, pt = c.weighted.tensorflow, c.weighted.pytorch
        left = "█" * round(BAR / 2 * tf / scale)
        right = "█" * round(BAR / 2 * pt / scale)
        bar = Text(left.rjust(BAR // 2), style=COLORS["tensorflow"])
        bar.append("│")
        bar.append(right.ljust(BAR // 2), style=COLORS["pytorch"])
        table.add_row(
            c.title + (" (measured)" if c.measured else ""),
            f"{c.weight:.2f}",
            f"{tf:.1f}" if tf else "·",
            f"{pt:.1f}" if pt else "·",
            bar,
        )
    return table


def _reasons(rec: Recommendation) -> Group:
    lines: list[RenderableType] = [Text("Reasons", style="bold underline")]
    if not rec.reasons:
        lines.append(Text("No rule gave points for these answers."))
    for i, r in enumerate(rec.reasons, 1):
        head = Text(f"{i:>2}. ")
        head.append(NAMES[r.favors], style=f"bold {COLORS[r.favors]}")
        head.append(
            f" +{r.points:g} × {r.weight:.2f} = {r.weighted_points:.2f}  [{r.criterion}]  {r.id}",
            style="dim",
        )
        lines.append(head)
        lines.append(Padding(Text(r.because), (0, 0, 0, 4)))
        for s in r.sources:
            lines.append(
                Padding(Text("source: " + common.source_text(s), style="dim"), (0, 0, 0, 4))
            )
    return Group(*lines, Text(""))


def flip_lines(rec: Recommendation) -> list[str]:
    return [*common.flip_texts(rec), common.robustness_line(rec)]


def _section(title: str, lines: list[str]) -> Group:
    # Continuation lines of a wrapped item line up under its text, not under its bullet.
    body = [Padding(Text(x.lstrip()), (0, 0, 0, len(x) - len(x.lstrip()))) for x in lines]
    return Group(Text(title, style="bold underline"), *body, Text(""))
