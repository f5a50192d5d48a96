"""Hardware probes: train the reference CNN in PyTorch and TensorFlow on this machine, fairly.

Cheap to import: no framework, no numpy until a probe actually runs.

    from probes import ProbeSettings, measure
    result, from_cache = measure(ProbeSettings(quick=True), on_event=print)

`result` is contract 3's measurements dict (see docs/probes.md).
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable
from pathlib import Path

from probes.settings import (
    BUDGET_FLOOR_S,
    DEFAULT_BUDGET_S,
    FRAMEWORKS,
    QUICK_BUDGET_S,
    ProbeCancelled,
    ProbeEvent,
    ProbeProgressState,
    ProbeSettings,
    ProbeSettingsError,
)

__all__ = [
    "BUDGET_FLOOR_S",
    "DEFAULT_BUDGET_S",
    "FRAMEWORKS",
    "QUICK_BUDGET_S",
    "ProbeCancelled",
    "ProbeEvent",
    "ProbeProgressState",
    "ProbeSettings",
    "ProbeSettingsError",
    "load_cached",
    "measure",
    "model_source",
    "run_probes",
]

EventHandler = Callable[[ProbeEvent], None]

_MODEL_DEFINITIONS = {
    "pytorch": ("cnn_torch.py", "ReferenceCNN"),
    "tensorflow": ("cnn_keras.py", "build_reference_cnn"),
}


def run_probes(
    settings: ProbeSettings,
    *,
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
) -> dict:
    """Measure now; returns contract 3's dict. `on_event` may be called from this thread
    while it runs; setting `cancel` kills the workers and raises ProbeCancelled."""
    from probes.runner import run_probes as _run

    return _run(settings, on_event=on_event, cancel=cancel)


def load_cached(settings: ProbeSettings) -> dict | None:
    from probes.cache import load_cached as _load

    return _load(settings)


def measure(
    settings: ProbeSettings,
    *,
    refresh: bool = False,
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
) -> tuple[dict, bool]:
    """A cached result for this machine and these settings (second item True), or a fresh
    one, cached when every framework was measured or is simply not installed."""
    from probes import cache

    if not refresh:
        cached = cache.load_cached(settings)
        if cached is not None:
            return cached, True
    result = run_probes(settings, on_event=on_event, cancel=cancel)
    if cache.is_cacheable(result):
        cache.store(settings, result)
    return result, False


def model_source(framework: str) -> str:
    """The exact source of the reference CNN definition the probe trains, for display."""
    if framework not in _MODEL_DEFINITIONS:
        raise ValueError(f"unknown framework {framework!r}: choose from {', '.join(FRAMEWORKS)}")
    filename, name = _MODEL_DEFINITIONS[framework]
    source = (Path(__file__).parent / filename).read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name:
            segment = ast.get_source_segment(source, node)
            if segment is not None:
                return segment
    raise LookupError(f"{name} not found in probes/{filename}")
