"""Per-criterion weighted points as diverging horizontal bars: TensorFlow left, PyTorch right."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from advisor.report.text import COLORS

if TYPE_CHECKING:
    from advisor.scoring.recommendation import Recommendation

_TITLE = 24
_NET = 9


def half_blocks(value: float, scale: float, width: int, *, leftward: bool) -> str:
    """A bar of ``width`` cells at most, in half-cell steps, anchored at the centre line."""
    halves = round(2 * width * value / scale) if scale else 0
    full, half = divmod(halves, 2)
    if leftward:
        return ("▐" if half else "") + "█" * full
    return "█" * full + ("▌" if half else "")


class CriterionBars(Widget):
    """One row per criterion; the longer bar says which framework the criterion favours."""

    DEFAULT_CSS = """
    CriterionBars {
        height: auto;
    }
    """

    def __init__(self, rec: Recommendation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rec = rec

    def render(self) -> RenderableType:
        criteria = self.rec.criteria
        half = max((self.size.width - _TITLE - _NET - 3) // 2, 4)
        scale = max((max(c.weighted.tensorflow, c.weighted.pytorch) for c in criteria.values()),
                    default=0.0) or 1.0
        table = Table.grid(padding=(0, 0))
        table.add_column(width=_TITLE, no_wrap=True, overflow="ellipsis")
        table.add_column(width=half, justify="right", no_wrap=True)
        table.add_column(width=1)
        table.add_column(width=half, no_wrap=True)
        table.add_column(width=_NET + 1, justify="right", no_wrap=True)
        table.add_row(Text("* measured", style="dim"),
                      Text("TensorFlow ◀ ", style=f"bold {COLORS['tensorflow']}"), "│",
                      Text(" ▶ PyTorch", style=f"bold {COLORS['pytorch']}"),
                      Text("net", style="dim"))
        for c in criteria.values():
            tf, pt = c.weighted.tensorflow, c.weighted.pytorch
            title = Text(c.title)
            if c.measured:
                title.append(" *", style="dim")
            net = pt - tf
            if abs(net) < 0.05:
                net_text = Text("·", style="dim")
            else:
                who = "pytorch" if net > 0 else "tensorflow"
                net_text = Text(f"{'PT' if net > 0 else 'TF'} +{abs(net):.1f}", style=COLORS[who])
            table.add_row(
                title,
                Text(half_blocks(tf, scale, half, leftward=True), style=COLORS["tensorflow"]),
                Text("│", style="dim"),
                Text(half_blocks(pt, scale, half, leftward=False), style=COLORS["pytorch"]),
                net_text,
            )
        return table
