"""Messages, as past-tense facts.

Screens never call the app: they post one of the navigation facts below, which bubble from the
screen to ``AdvisorApp``, and the app decides which screen comes next. The probe messages go
from the probe worker (a thread) to the probes screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

# --- navigation: screen -> app -------------------------------------------------------------


@dataclass
class WelcomeRequested(Message):
    """The user went back from the first question."""


@dataclass
class QuestionsRequested(Message):
    """The user asked for the questions: at ``step`` (0-based) if given, else where they were.
    With ``review``, answering that one question leads back to the result."""

    step: int | None = None
    review: bool = False


@dataclass
class QuestionsAnswered(Message):
    """The last question (or the one under review) was answered."""


@dataclass
class ResultRequested(Message):
    """The probes are done with (measured, taken from an earlier run, or skipped)."""


@dataclass
class AnswerChangeRequested(Message):
    """On the result, the user asked to change an answer (the app offers the list of them)."""


@dataclass
class AnswersSaved(Message):
    """The answers were saved to a file: quitting no longer loses them."""


@dataclass
class StartOverRequested(Message):
    """The user confirmed starting over: answers and measurements are to be forgotten."""


# --- probes: worker thread -> probes screen ---------------------------------------------------


@dataclass
class ProbeProgressed(Message):
    """A framework reached a new phase or finished another window."""

    event: Any
    """A ``probes.ProbeEvent`` (or a test's stand-in with the same fields)."""

    def can_replace(self, message: Message) -> bool:
        # A burst of updates for one framework, phase and code path collapses to the latest
        # (the path is in the message; the screen counts the paths it has seen).
        return (
            isinstance(message, ProbeProgressed)
            and message.event.framework == self.event.framework
            and message.event.phase == self.event.phase
            and message.event.message == self.event.message
        )


@dataclass
class ProbesFinished(Message):
    """The run ended with a measurements dict (contract 3)."""

    data: dict[str, Any]


@dataclass
class ProbesFailed(Message):
    """The run raised; ``error`` says why."""

    error: BaseException


@dataclass
class ProbesCancelled(Message):
    """The run stopped because the user cancelled or skipped it."""


# --- the project scan: worker thread -> scan dialog ------------------------------------------


@dataclass
class ProjectScanned(Message):
    """The scan ended: with ``scan``, or with ``error`` saying why there is none."""

    scan: Any = None
    """A ``ProjectScan``, or None when ``error`` is set."""
    error: str = ""
