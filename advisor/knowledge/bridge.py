"""Keras 3 as a bridge: when the answers make it worth a section of its own, which backends
the probe can measure it on, and the notes that section cites.

Keras 3 runs one model's code on TensorFlow, JAX or PyTorch, so a team with Keras (or
TensorFlow) code and people can keep the code and switch the backend. It is never a third
winner: the recommendation stays TensorFlow, PyTorch or either; the section says what the
bridge costs on this machine and where it leads. The probes define the backends
(``probes.settings.KERAS_BACKENDS``); the core may not import them, so they are repeated here,
and a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping

KERAS_BACKENDS: dict[str, str] = {
    "tensorflow": "TensorFlow",
    "torch": "torch",
    "jax": "JAX",
}
"""The backends a probe can run the workload's Keras model on, and how a sentence names each."""

NATIVE: dict[str, str] = {"tensorflow": "tensorflow", "torch": "pytorch"}
"""The native framework a backend runs on, where the advisor compares one (JAX it does not)."""

BRIDGE_NOTES: tuple[str, ...] = ("keras-export-paths", "kerashub-hf-checkpoints")
"""The rule notes the section cites by id: which export paths each backend has, and the
Hugging Face checkpoints KerasHub loads on every backend. A rule base without them still gets
the measured part of the section."""


def keras_relevant(answers: Mapping[str, object]) -> str | None:
    """Why a Keras bridge concerns this team, as a sentence, or None when it does not: model
    code in Keras or TensorFlow to keep, or a team that knows TensorFlow / Keras."""
    code = answers.get("existing_code")
    if code == "keras":
        return "Your model code is Keras 3 only, so it runs on every Keras backend as it is."
    if code == "tensorflow":
        return ("Your model code is TensorFlow: its Keras parts can move to another backend "
                "once they use no tf.* calls.")  # fmt: skip
    if answers.get("team_experience") == "tensorflow":
        return "Your team knows TensorFlow and Keras."
    return None
