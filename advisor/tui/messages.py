"""Messages the probe worker posts to the probes screen (from its thread), as past-tense facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class ProbeProgressed(Message):
    """A framework reached a new phase or finished another window."""

    event: Any
    """A ``probes.ProbeEvent`` (or a test's stand-in with the same fields)."""

    def can_replace(self, message: Message) -> bool:
        # A burst of window updates for one framework and phase collapses to the latest.
        return (
            isinstance(message, ProbeProgressed)
            and message.event.framework == self.event.framework
            and message.event.phase == self.event.phase
        )


@dataclass
class ProbesFinished(Message):
    """The run ended with a measurements dict (contract 3)."""

    data: dict[str, Any]
    from_cache: bool = False


@dataclass
class ProbesFailed(Message):
    """The run raised; ``error`` says why."""

    error: BaseException


@dataclass
class ProbesCancelled(Message):
    """The run stopped because the user cancelled or skipped it."""
