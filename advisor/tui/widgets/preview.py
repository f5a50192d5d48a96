"""The rules an answer brings into play, each in full: why the question matters.

Shown under the choices in a pane that takes focus (Tab) and scrolls by keyboard; ``p`` opens
the same list on a screen of its own when the pane is too small for all of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from advisor.frameworks import NAMES
from advisor.knowledge.formats import Constraint, Myth, PointsRule
from advisor.knowledge.ruleset import LoadedRule
from advisor.report.text import COLORS
from advisor.tui.hanging import hanging
from advisor.tui.widgets.keys import ScrollPane


def rule_text(rule: LoadedRule, titles: Mapping[str, str], scale: float = 1.0) -> Text:
    """One rule in words: who it favours (or what kind it is), then its whole text. ``scale``:
    the project scan's factor on its points (the existing-code rules), shown when not 1."""
    r = rule.rule
    text = Text()
    if isinstance(r, PointsRule):
        text.append(f"{NAMES[r.favors]} +{round(r.points * scale, 2):g}",
                    style=f"bold {COLORS[r.favors]}")
        if scale != 1.0:
            text.append(f" ({r.points} × {scale:g}, the scan's switching cost)", style="dim")
        text.append(f" {titles.get(r.criterion, r.criterion)}: ", style="dim")
    elif isinstance(r, Constraint):
        text.append(f"Policy: requires {NAMES[r.requires]}", style=f"bold {COLORS[r.requires]}")
        text.append(": ", style="dim")
    elif isinstance(r, Myth):
        text.append("Myth", style="bold")
        text.append(": ", style="dim")
        text.append(f"“{r.claim}” ", style="italic")
        text.append("Today: ", style="bold")
    else:
        text.append("Note", style="bold")
        text.append(": ", style="dim")
    text.append(r.because.strip())
    return text


def unscaled(rule: LoadedRule) -> float:
    """Every rule's points as written (no project scan)."""
    return 1.0


def rules_list(
    rules: list[LoadedRule],
    titles: Mapping[str, str],
    scale: Callable[[LoadedRule], float] = unscaled,
) -> RenderableType:
    return Group(*[hanging("•", rule_text(rule, titles, scale(rule))) for rule in rules])


def heading(answer_label: str, count: int) -> str:
    if not count:
        return f"With “{answer_label}”, no rule depends on this answer"
    rules = "1 rule comes" if count == 1 else f"{count} rules come"
    return f"With “{answer_label}”, {rules} into play"


class RulePreview(ScrollPane):
    """The rules in play for the highlighted answer; its border title counts them and, when
    they do not all fit, says that ``p`` shows them all."""

    def __init__(self, titles: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.titles = titles
        self.heading = ""
        self.rules: list[LoadedRule] = []
        self.scale: Callable[[LoadedRule], float] = unscaled

    def compose(self) -> ComposeResult:
        yield Static(id="preview-body")

    def show(
        self,
        answer_label: str,
        rules: list[LoadedRule],
        scale: Callable[[LoadedRule], float] = unscaled,
    ) -> None:
        self.heading = heading(answer_label, len(rules))
        self.rules = rules
        self.scale = scale
        self.query_one("#preview-body", Static).update(rules_list(rules, self.titles, scale))
        self.scroll_home(animate=False)
        self.border_title = self.heading
        self.call_after_refresh(self._say_if_cut)

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_if_cut)

    def _say_if_cut(self) -> None:
        cut = self.max_scroll_y > 0 or self.size.height < 1
        self.border_title = self.heading + (" · p shows all" if cut and self.rules else "")
