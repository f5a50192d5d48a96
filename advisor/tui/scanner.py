"""How the app scans a project: a small protocol, and the adapter to the scan engine.

The welcome screen only talks to a ``ProjectScanner``; tests inject fakes that hold until
cancelled or fail on purpose. The scan runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

from advisor.scan.model import ProjectScan


@runtime_checkable
class ProjectScanner(Protocol):
    def scan(self, folder: Path, cancel: threading.Event) -> ProjectScan:
        """Scan ``folder`` (blocking; called in a worker thread). Raise ``ProjectError`` when
        it cannot be scanned; once ``cancel`` is set the result is not wanted."""


class EngineScanner:
    """The real scanner: the scan engine with its default limits, as ``--project`` uses it."""

    def scan(self, folder: Path, cancel: threading.Event) -> ProjectScan:
        from advisor.scan.project import scan_folder

        return scan_folder(folder, cancel=cancel)
