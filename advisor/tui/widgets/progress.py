"""One framework's probe progress: phase, bar, where the run stands, what it says now.

Every count comes from the probe's own plan (the events carry it): rounds, worker processes,
windows and paths, in the words ``probes.settings.WORDS`` defines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rich.console import Group, RenderableType
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from advisor.frameworks import NAMES
from advisor.report.text import COLORS
from probes.settings import ProbeProgressState

# Where each phase of the first process puts the bar; the training windows fill the rest,
# window by window, across every process.
_PHASE_AT = {"waiting": 0.0, "importing": 0.02, "building": 0.05, "warm-up": 0.08}
_TRAINING_FROM, _TRAINING_SPAN = 0.1, 0.85
STOPPED = ("failed", "skipped", "cancelled", "busy")


@dataclass(frozen=True)
class FrameworkState(ProbeProgressState):
    """The probe's own progress state plus where the bar stands."""

    fraction: float = 0.0

    def advanced(self, event: Any) -> FrameworkState:
        """The state after ``event`` (a ``ProbeEvent``); the bar never moves backwards."""
        state = super().advanced(event)
        assert isinstance(state, FrameworkState)  # the probe's state advances by replace()
        if state.phase in STOPPED:
            return replace(state, fraction=self.fraction)
        fraction = 1.0 if state.phase == "done" else _PHASE_AT.get(state.phase, 0.0)
        if state.windows_planned and state.windows_done:
            fraction = max(fraction, _TRAINING_FROM + _TRAINING_SPAN
                           * min(state.windows_done / state.windows_planned, 1.0))  # fmt: skip
        return replace(state, fraction=max(fraction, self.fraction))

    @property
    def windows(self) -> str:
        """Where the run stands, counted from the plan (see ProbeProgressState.counts)."""
        return self.counts


class FrameworkProgress(Widget):
    """A few lines for one framework, each wrapped to the width; set ``state`` to update."""

    DEFAULT_CSS = """
    FrameworkProgress {
        height: auto;
        margin-bottom: 1;
    }
    """

    # layout=True: a message that needs another line must make the widget taller, or its
    # end is cut off (the inference figure of a finished row was).
    state: reactive[FrameworkState] = reactive(FrameworkState, layout=True)

    def __init__(self, framework: str, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.framework = framework
        # A Keras backend's worker ("keras-torch") is titled as a sentence names it.
        self.heading = label or NAMES.get(framework, framework)

    def update_from(self, event: Any) -> None:
        self.state = self.state.advanced(event)

    def mark(self, phase: str, message: str = "") -> None:
        """Set the phase (``cancelled``, ``done``, ...) without an event from the probe."""
        fraction = 1.0 if phase == "done" else self.state.fraction
        self.state = replace(self.state, phase=phase, message=message, fraction=fraction)

    def render(self) -> RenderableType:
        s = self.state
        color = COLORS.get(self.framework, "cyan")
        head = Table.grid(expand=True)
        head.add_column(ratio=1)
        head.add_column(justify="right", no_wrap=True)
        title = Text(self.heading, style=f"bold {color}")
        stopped = s.phase in STOPPED
        title.append(f"  {s.phase}", style="bold red" if s.phase in ("failed", "busy") else "")
        rate = (f"now {s.samples_per_s:,.0f} samples/s"
                if s.samples_per_s is not None and s.phase == "training" else "")  # fmt: skip
        head.add_row(title, Text(rate, style="dim"))
        bar = Table.grid(expand=True)
        bar.add_column(ratio=1, no_wrap=True)
        bar.add_column(justify="right", width=5, no_wrap=True)
        bar.add_row(
            ProgressBar(total=1.0, completed=s.fraction,
                        complete_style="grey50" if stopped else color,
                        finished_style="grey50" if stopped else color),
            Text(f"{s.fraction:.0%}", style="dim"),
        )
        lines: list[RenderableType] = [head, bar]
        if s.counts:
            lines.append(Text(s.counts, style="dim"))
        said = s.message
        if s.phase in ("warm-up", "training") and said:
            said = f"{s.phase} {said}"
        if said:
            lines.append(Text(said, style="red" if s.phase in ("failed", "busy") else "dim"))
        return Group(*lines)
