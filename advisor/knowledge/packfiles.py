"""The rule packs in a folder: its ``*.yaml`` and ``*.yml`` files, without what editors and
operating systems leave beside them.

A folder a person edits holds more than packs: an Emacs lock (``.#policy.yaml``, a link to
nowhere), macOS resource data (``._policy.yaml``, binary), backups and swap files. Those are
skipped, and ``advisor rules check`` names each one it skipped. Everything else that ends in
``.yaml`` or ``.yml`` is read, as a regular file only (see ``advisor.inputs.files``): a named
pipe or a folder with such a name is refused without being opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LEFTOVERS: tuple[tuple[Callable[[str], bool], str], ...] = (
    (lambda name: name.startswith(".#"), "an Emacs lock file"),
    (lambda name: name.startswith("._"), "macOS resource data (AppleDouble)"),
    (lambda name: name == ".DS_Store", "macOS folder data"),
    (lambda name: name.startswith(".") and name.endswith((".swp", ".swo", ".swn", ".swx")),
     "a Vim swap file"),
    (lambda name: name.startswith("#") and name.endswith("#"), "an Emacs auto-save file"),
    (lambda name: name.endswith("~"), "an editor's backup"),
    (lambda name: name.startswith("~$"), "an Office lock file"),
    (lambda name: name in ("Thumbs.db", "desktop.ini"), "Windows folder data"),
    (lambda name: name.startswith("."), "a hidden file"),
)  # fmt: skip
"""(test on a file name, what such a file is), the first that matches deciding."""
PACK_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Skipped:
    path: Path
    why: str
    """What the file is, in words ("an Emacs lock file")."""


def leftover(name: str) -> str | None:
    """What a file of this name is, when editors or operating systems leave such files; None
    for any other name."""
    return next((why for test, why in LEFTOVERS if test(name)), None)


def pack_files(folder: Path) -> tuple[list[Path], list[Skipped]]:
    """The packs in ``folder``, sorted by name, and the leftovers skipped. Raises OSError when
    the folder cannot be listed."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    with os.scandir(folder) as entries:
        names = sorted(entry.name for entry in entries)
    for name in names:
        why = leftover(name)
        if why is not None:
            skipped.append(Skipped(folder / name, why))
        elif name.endswith(PACK_SUFFIXES):
            files.append(folder / name)
    return files, skipped
