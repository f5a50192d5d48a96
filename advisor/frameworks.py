"""The two frameworks the advisor compares, and the names the reports give them: defined once."""

from __future__ import annotations

from typing import Literal

Framework = Literal["tensorflow", "pytorch"]
Winner = Literal["tensorflow", "pytorch", "either"]

FRAMEWORKS: tuple[Framework, Framework] = ("tensorflow", "pytorch")
"""Both frameworks, in the order the reports list them (TensorFlow's points left of the line).
Code picks a framework by name, never by its position here."""

NAMES: dict[str, str] = {
    "tensorflow": "TensorFlow",
    "pytorch": "PyTorch",
    "either": "either framework",
}
"""How a sentence names each framework, and the ``either`` verdict (see ``capitalised``)."""


def capitalised(name: str) -> str:
    """``name`` at the start of a sentence or a label: "Either framework"."""
    return name[:1].upper() + name[1:]


def other(framework: Framework) -> Framework:
    """The framework that is not ``framework``."""
    return "pytorch" if framework == "tensorflow" else "tensorflow"
