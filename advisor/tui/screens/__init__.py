"""One screen per step: welcome, questions, probes, result."""

from advisor.tui.screens.probes import ProbesScreen
from advisor.tui.screens.questions import QuestionsScreen
from advisor.tui.screens.result import ResultScreen
from advisor.tui.screens.welcome import WelcomeScreen

__all__ = ["ProbesScreen", "QuestionsScreen", "ResultScreen", "WelcomeScreen"]
