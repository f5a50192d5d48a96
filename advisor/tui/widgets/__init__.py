"""Widgets the screens are built from.

Imported lazily (PEP 562), like the screens: the welcome screen needs only a few, and the rest
pull in the reports' rendering and the rule model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {
    "ChoiceRadioSet": "choices",
    "ChoiceSelectionList": "choices",
    "Chosen": "choices",
    "Highlighted": "choices",
    "TickBox": "choices",
    "CriterionBars": "bars",
    "FrameworkProgress": "progress",
    "FrameworkState": "progress",
    "KeyButton": "keys",
    "ScreenBody": "keys",
    "ScrollPane": "keys",
    "SizeNotice": "keys",
    "RulePreview": "preview",
}
__all__ = [
    "ChoiceRadioSet",
    "ChoiceSelectionList",
    "Chosen",
    "CriterionBars",
    "FrameworkProgress",
    "FrameworkState",
    "Highlighted",
    "KeyButton",
    "RulePreview",
    "ScreenBody",
    "ScrollPane",
    "SizeNotice",
    "TickBox",
]

if TYPE_CHECKING:  # pragma: no cover
    from advisor.tui.widgets.bars import CriterionBars
    from advisor.tui.widgets.choices import (
        ChoiceRadioSet,
        ChoiceSelectionList,
        Chosen,
        Highlighted,
        TickBox,
    )
    from advisor.tui.widgets.keys import KeyButton, ScreenBody, ScrollPane, SizeNotice
    from advisor.tui.widgets.preview import RulePreview
    from advisor.tui.widgets.progress import FrameworkProgress, FrameworkState


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
