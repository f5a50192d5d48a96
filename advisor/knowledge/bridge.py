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

import importlib.util
from collections.abc import Mapping, Sequence

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


def default_keras_backends(answers: Mapping[str, object] | None,
                           frameworks: Sequence[str]) -> tuple[str, ...]:  # fmt: skip
    """The backends a probe measures unless told otherwise (the CLI's ``--keras-backends
    auto``, ``advisor --answers`` and the app): where the answers make Keras relevant, Keras
    on TensorFlow (when TensorFlow is probed) and on torch, and on JAX where the [jax] extra
    is installed; none otherwise, so the default probe keeps its wall time."""
    if answers is None or keras_relevant(answers) is None:
        return ()
    chosen = ["tensorflow"] if "tensorflow" in frameworks else []
    chosen.append("torch")
    if importlib.util.find_spec("jax") is not None:  # looked for, never imported here
        chosen.append("jax")
    return tuple(chosen)


def backend_label(backend: str) -> str:
    """How a row or a sentence names a Keras backend's worker: "Keras on torch"."""
    return f"Keras on {KERAS_BACKENDS.get(backend, backend)}"


def backends_added(backends: Sequence[str], wall_s: float,
                   answers: Mapping[str, object] | None, skip: str = "") -> str:  # fmt: skip
    """What the Keras backend workers add to a probe's wall time and why they run, said after
    the total by the CLI and the app alike: ", of which about 20 s for Keras 3 on torch,
    because of your answers (Your team knows TensorFlow and Keras)"; ``skip`` says how to
    leave them out, where the front end has a way. Empty without backend workers."""
    if not backends:
        return ""
    names = " and ".join(KERAS_BACKENDS.get(b, b) for b in backends)
    why = keras_relevant(answers) if answers is not None else None
    because = ""
    if why:
        because = f", because of your answers ({why.rstrip('.')}{f'; {skip}' if skip else ''})"
    return f", of which about {wall_s:.0f} s for Keras 3 on {names}{because}"
