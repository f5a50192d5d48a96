"""The project scan: what a repository's own files say about the answers, read statically.

Never imports or executes anything from the scanned tree and never deserialises a model file.
``scan_project`` is the entry point; the records it returns are in ``advisor.scan.model``.
Names are imported lazily, so that the scoring, which reads the records, does not load the
readers.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "ProjectScan",
    "ScanCancelled",
    "Tables",
    "load_tables",
    "scan_project",
]

_WHERE = {
    "DEFAULT_LIMITS": "advisor.scan.walk",
    "Limits": "advisor.scan.model",
    "ProjectScan": "advisor.scan.model",
    "ScanCancelled": "advisor.scan.walk",
    "Tables": "advisor.scan.tables",
    "load_tables": "advisor.scan.tables",
    "scan_project": "advisor.scan.engine",
}

if TYPE_CHECKING:  # pragma: no cover
    from advisor.scan.engine import scan_project
    from advisor.scan.model import Limits, ProjectScan
    from advisor.scan.tables import Tables, load_tables
    from advisor.scan.walk import DEFAULT_LIMITS, ScanCancelled


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'advisor.scan' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
