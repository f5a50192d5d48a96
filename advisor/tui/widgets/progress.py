"""One framework's probe progress: phase, bar, windows done, samples/s, why it stopped."""

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

# Where each phase puts the bar; training fills the stretch up to inference window by window.
_PHASE_AT = {
    "waiting": 0.0, "importing": 0.02, "building": 0.06, "equivalence": 0.08, "warm-up": 0.1,
    "training": 0.12, "inference": 0.85, "accuracy": 0.93, "done": 1.0,
}
_TRAINING_SPAN = _PHASE_AT["inference"] - _PHASE_AT["training"]
STOPPED = ("failed", "skipped", "cancelled")


@dataclass(frozen=True)
class FrameworkState(ProbeProgressState):
    """The probe's own progress state plus where the bar stands and which code paths are timed
    (the probe names the path in the message of its warm-up and training events)."""

    fraction: float = 0.0
    paths: tuple[str, ...] = ()

    def advanced(self, event: Any) -> FrameworkState:
        """The state after ``event`` (a ``ProbeEvent``); the bar never moves backwards."""
        state = super().advanced(event)
        assert isinstance(state, FrameworkState)  # the probe's state advances by replace()
        paths = self.paths
        if event.phase in ("warm-up", "training") and event.message and event.message not in paths:
            paths = (*paths, event.message)
        if state.phase in STOPPED:
            return replace(state, fraction=self.fraction, paths=paths)
        fraction = _PHASE_AT.get(state.phase, self.fraction)
        if state.phase == "training" and state.windows_planned:
            fraction += _TRAINING_SPAN * min(event.windows_done / state.windows_planned, 1.0)
        return replace(state, fraction=max(fraction, self.fraction), paths=paths)

    @property
    def windows(self) -> str:
        """Windows done, per code path: the probe times every path once per round, so a
        framework with two paths has twice the windows of one with one."""
        if not self.windows_planned:
            return ""
        n = max(len(self.paths), 1)
        if n == 1:
            return f"{self.windows_done}/{self.windows_planned} windows"
        return f"{self.windows_done // n}/{self.windows_planned // n} windows per path ({n} paths)"


class FrameworkProgress(Widget):
    """Three lines for one framework; set ``state`` to update it."""

    DEFAULT_CSS = """
    FrameworkProgress {
        height: auto;
        margin-bottom: 1;
    }
    """

    state: reactive[FrameworkState] = reactive(FrameworkState, layout=False)

    def __init__(self, framework: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.framework = framework

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
        head.add_column(justify="right")
        title = Text(NAMES.get(self.framework, self.framework), style=f"bold {color}")
        failed = s.phase in STOPPED
        title.append(f"  {s.phase}", style="bold red" if s.phase == "failed" else "")
        detail = []
        if s.windows:
            detail.append(s.windows)
        if s.samples_per_s is not None and s.phase == "training":
            detail.append(f"now {s.samples_per_s:,.0f} samples/s")
        head.add_row(title, Text(" · ".join(detail), style="dim"))
        bar = Table.grid(expand=True)
        bar.add_column(ratio=1, no_wrap=True)
        bar.add_column(justify="right", width=5, no_wrap=True)
        bar.add_row(
            ProgressBar(total=1.0, completed=s.fraction,
                        complete_style="grey50" if failed else color,
                        finished_style="grey50" if failed else color),
            Text(f"{s.fraction:.0%}", style="dim"),
        )
        said = s.message
        if s.phase in ("warm-up", "training") and said:
            said = f"{s.phase} {said}" + (f" (paths: {', '.join(s.paths)})"
                                          if len(s.paths) > 1 else "")
        message = Text(said, style="red" if s.phase == "failed" else "dim")
        return Group(head, bar, message)
