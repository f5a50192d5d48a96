"""Hardware probes: train the reference CNN in PyTorch and TensorFlow on this machine, fairly.

Cheap to import: no framework and no numpy, here or in the runner; they live in the worker
and bundle processes.

    from probes import ProbeSettings, measure
    measured = measure(ProbeSettings(quick=True), on_event=print)
    measured.result, measured.cached, measured.warnings

`result` is contract 3's measurements dict (see docs/probes.md).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
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
    "ProbesNotInstalled",
    "Measured",
    "load_cached",
    "measure",
    "model_source",
    "run_probes",
]

EventHandler = Callable[[ProbeEvent], None]
Check = Callable[[dict], "str | None"]
"""A caller's check of a cached result: why it cannot be used, or None."""

# What the runner's own processes need besides a framework (the [probes] extra).
NEEDED = {"numpy": "numpy", "sklearn": "scikit-learn"}
FRAMEWORK_MODULES = {"pytorch": "torch", "tensorflow": "tensorflow"}
INSTALL_HINT = f"{Path(sys.executable).name} -m pip install 'framework-advisor[probes]'"


class ProbesNotInstalled(Exception):
    """Nothing can be measured here: the [probes] extra is not installed."""


@dataclass(frozen=True)
class Measured:
    result: dict
    cached: bool
    warnings: tuple[str, ...] = ()



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


def load_cached(settings: ProbeSettings, check: Check | None = None) -> dict | None:
    """The cached result for ``settings``, checked by the probes and by ``check`` (a caller's
    own: why a result cannot be used, or None); a bad one is set aside and None returned."""
    from probes.cache import load_cached as _load

    return _load(settings, check)


def check_installed(settings: ProbeSettings) -> None:
    """Raise ProbesNotInstalled, with the command that fixes it, when nothing could be
    measured: a core install without the [probes] extra. Looks, never imports."""
    missing = [pip for module, pip in NEEDED.items() if importlib.util.find_spec(module) is None]
    frameworks = [FRAMEWORK_MODULES[f] for f in settings.frameworks]
    absent = [m for m in frameworks if importlib.util.find_spec(m) is None]
    if missing or len(absent) == len(frameworks):
        names = ", ".join(missing + absent)
        raise ProbesNotInstalled(
            f"the probe frameworks are not installed ({names} missing); add them with: "
            f"{INSTALL_HINT}"
        )


def measure(
    settings: ProbeSettings,
    *,
    refresh: bool = False,
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
    check: Check | None = None,
) -> Measured:
    """The one place that decides between a cached result for this machine and these
    settings and a fresh run; a fresh one is cached when every framework was measured or is
    simply not installed, and ``check`` finds nothing wrong with it. The cache is optional:
    when its folder cannot be used the probe still runs and its result is returned, with a
    warning saying why it was not kept. A cached result that fails the probes' checks or
    ``check`` is set aside, with a warning, and measured again.

    Raises ProbesNotInstalled (nothing to measure with) or ProbeCancelled."""
    from probes import cache

    check_installed(settings)
    warnings: list[str] = []
    problem = cache.unusable(cache.cache_root())
    if problem is None and not refresh:
        found = cache.lookup(settings, check)
        if found.result is not None:
            return Measured(found.result, True)
        if found.warning is not None:
            warnings.append(found.warning)
    if problem is not None:
        warnings.append(f"the cache folder cannot be used ({problem}); measuring without it")
    result = run_probes(settings, on_event=on_event, cancel=cancel)
    # A result the caller's check refuses is returned for it to report, never cached: the
    # next run would only set it aside again.
    refused = check is not None and check(result) is not None
    if problem is None and cache.is_cacheable(result) and not refused:
        try:
            cache.store(settings, result)
        except OSError as exc:
            warnings.append(f"the result could not be cached ({exc.strerror or exc})")
    return Measured(result, False, tuple(warnings))


def model_source(framework: str, workload: str = "cnn") -> str:
    """The exact source of the model definition the probe trains, for display."""
    from probes.workloads import get

    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}: choose from {', '.join(FRAMEWORKS)}")
    spec = get(workload)
    suffix, name = ("torch", spec.model[0]) if framework == "pytorch" else ("keras", spec.model[1])
    filename = f"{workload}_{suffix}.py"
    source = (Path(__file__).parent / "workloads" / filename).read_text(encoding="utf-8")
    tree = ast.parse(source)
    # The model and the classes it is built from, in file order (a transformer's block too).
    wanted = [n for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))
              and (n.name == name or _used_by(n.name, tree, name))]  # fmt: skip
    if not any(n.name == name for n in wanted):
        raise LookupError(f"{name} not found in probes/workloads/{filename}")
    return "\n\n\n".join(ast.get_source_segment(source, n) or "" for n in wanted)


def _used_by(helper: str, tree: ast.Module, name: str) -> bool:
    """Whether the model ``name`` refers to ``helper`` (a class defined in the same file)."""
    target = next(n for n in tree.body if getattr(n, "name", None) == name)
    helper_node = next(n for n in tree.body if getattr(n, "name", None) == helper)
    if not isinstance(helper_node, ast.ClassDef) or helper == name:
        return False
    return any(isinstance(n, ast.Name) and n.id == helper for n in ast.walk(target))
