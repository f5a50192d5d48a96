"""One screen per step: welcome, questions, probes, result.

Imported lazily (PEP 562): the first paint needs only the welcome screen, and the others pull in
the scoring, the reports and the measurements model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = ["ProbesScreen", "QuestionsScreen", "ResultScreen", "WelcomeScreen"]

_WHERE = {
    "ProbesScreen": "advisor.tui.screens.probes",
    "QuestionsScreen": "advisor.tui.screens.questions",
    "ResultScreen": "advisor.tui.screens.result",
    "WelcomeScreen": "advisor.tui.screens.welcome",
}

if TYPE_CHECKING:  # pragma: no cover
    from advisor.tui.screens.probes import ProbesScreen
    from advisor.tui.screens.questions import QuestionsScreen
    from advisor.tui.screens.result import ResultScreen
    from advisor.tui.screens.welcome import WelcomeScreen


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
