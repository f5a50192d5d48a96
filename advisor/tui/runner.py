"""How the app runs the hardware probes: a small protocol, and the adapter to ``probes``.

The screens only talk to a ``ProbeRunner``; tests inject fakes that emit scripted events. The
default ``ProbesAdapter`` imports ``probes`` lazily, so the app paints its first screen without
paying for it, and never imports a framework itself (the probes run them in worker processes).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from advisor.frameworks import FRAMEWORKS, Framework

if TYPE_CHECKING:  # the probes are imported when a screen first needs them
    from probes.settings import ProbeSettings

ProbeEventHandler = Callable[[Any], None]
"""Called with each progress event (``probes.ProbeEvent`` or alike); possibly from a thread."""

FRAMEWORKS_SHOWN: tuple[Framework, ...] = tuple(reversed(FRAMEWORKS))
"""The order in which the app shows the frameworks: PyTorch first, as the probes measure them."""


class ProbeRunCancelled(Exception):
    """The run was cancelled through its cancel event; every worker has been stopped."""


class ProbesUnavailable(Exception):
    """The probes cannot run here at all (the ``probes`` package is missing)."""


@runtime_checkable
class ProbeRunner(Protocol):
    """What the probes screen needs. The session's settings (None: the default) become a run's
    through ``settings_for``, which the other methods then take; ``workload`` names what to
    train (see ``advisor.knowledge.workloads``)."""

    def settings_for(self, settings: Any, answers: Mapping[str, object]) -> ProbeSettings:
        """The settings a run for these answers uses: ``settings`` as the session gave them,
        or without any the default, with the Keras backends the answers make relevant (the
        rule the command line follows, ``default_keras_backends``). Their worker names and
        Keras wall time are what the screen shows rows and an estimate for."""

    def estimate_s(self, settings: Any) -> float | None:
        """Roughly how long a run takes, for the welcome screen; None if unknown."""

    def cached(self, settings: Any, workload: str) -> dict[str, Any] | None:
        """Measurements from an earlier run with these settings and workload, or None."""

    def run(
        self, settings: Any, workload: str, on_event: ProbeEventHandler, cancel: threading.Event
    ) -> dict[str, Any]:
        """Measure (blocking; called in a worker thread); raise ``ProbeRunCancelled`` on cancel."""

    def model_source(self, framework: str, workload: str) -> str:
        """The exact source of the model that the probe trains in ``framework``."""


class ProbesAdapter:
    """The real runner: ``probes.measure`` in this process's worker thread, frameworks in
    worker subprocesses. Results are cached by the probes for the next run."""

    def _probes(self) -> Any:
        try:
            import probes
        except ImportError as exc:  # the package ships with the advisor; a broken install
            raise ProbesUnavailable(f"the probes package cannot be imported: {exc}") from exc
        return probes

    def settings_for(self, settings: Any, answers: Mapping[str, object]) -> ProbeSettings:
        if settings is not None:  # the session's own settings say which backends, if any
            return settings
        from advisor.knowledge.bridge import default_keras_backends
        from probes.settings import FRAMEWORKS, ProbeSettings

        return ProbeSettings(keras_backends=default_keras_backends(answers, FRAMEWORKS))

    def settings(self, settings: Any, workload: str | None = None) -> Any:
        from dataclasses import replace

        from probes.settings import ProbeSettings

        chosen = settings if settings is not None else ProbeSettings()
        return chosen if workload is None else replace(chosen, workloads=(workload,))

    def estimate_s(self, settings: Any) -> float | None:
        try:
            return float(self.settings(settings).expected_wall_s)  # what the CLI says too
        except ImportError:
            return None

    def cached(self, settings: Any, workload: str) -> dict[str, Any] | None:
        from advisor.inputs.measurements import measurements_problem

        probes = self._probes()
        # Checked as a user's file is: a bad entry is set aside and this machine measured.
        return probes.load_cached(self.settings(settings, workload), measurements_problem)

    def run(
        self, settings: Any, workload: str, on_event: ProbeEventHandler, cancel: threading.Event
    ) -> dict[str, Any]:
        probes = self._probes()
        try:
            measured = probes.measure(
                self.settings(settings, workload), refresh=True, on_event=on_event, cancel=cancel
            )
        except probes.ProbeCancelled:
            raise ProbeRunCancelled() from None
        return measured.result

    def model_source(self, framework: str, workload: str) -> str:
        return self._probes().model_source(framework, workload)
