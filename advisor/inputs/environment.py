"""The package versions installed in the Python environment the advisor runs in.

Read from the packages' metadata (``importlib.metadata``), never by importing them: asking
which TensorFlow is installed must not cost TensorFlow's import time, or load it at all. The
scoring receives the result as plain data and compares it with the versions the rule packs
were checked against (``advisor.knowledge.versions``).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata

ALSO_SOLD_AS: dict[str, tuple[str, ...]] = {
    "tensorflow": ("tensorflow-cpu", "tensorflow-macos", "tf-nightly"),
    "torch": ("torch-nightly",),
    "keras": ("keras-nightly",),
}
"""Other distribution names that install the same import package: a machine with only
``tensorflow-cpu`` has TensorFlow all the same."""


def installed_versions(packages: Iterable[str]) -> dict[str, str]:
    """Each of ``packages`` (distribution names) that is installed here, with its version."""
    found: dict[str, str] = {}
    for package in packages:
        for name in (package, *ALSO_SOLD_AS.get(package, ())):
            try:
                version = metadata.version(name)
            except (metadata.PackageNotFoundError, ValueError, OSError):
                continue  # not installed, or metadata nobody can read: nothing to compare
            if isinstance(version, str) and version:
                found[package] = version
                break
    return found
