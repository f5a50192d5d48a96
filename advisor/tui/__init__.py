"""The interactive app (Textual). ``advisor`` with no arguments runs it via ``run_app``.

Nothing outside this package imports Textual; the core stays usable without it.
"""

from advisor.tui.app import AdvisorApp, make_app, run_app
from advisor.tui.runner import ProbeRunCancelled, ProbeRunner, ProbesAdapter

__all__ = ["AdvisorApp", "ProbeRunCancelled", "ProbeRunner", "ProbesAdapter", "make_app",
           "run_app"]
