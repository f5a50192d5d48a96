"""Widgets the screens are built from."""

from advisor.tui.widgets.bars import CriterionBars
from advisor.tui.widgets.choices import ChoiceRadioSet, ChoiceSelectionList, Chosen
from advisor.tui.widgets.fired import FiredRules
from advisor.tui.widgets.progress import FrameworkProgress, FrameworkState

__all__ = [
    "ChoiceRadioSet",
    "ChoiceSelectionList",
    "Chosen",
    "CriterionBars",
    "FiredRules",
    "FrameworkProgress",
    "FrameworkState",
]
