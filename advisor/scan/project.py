"""A project the user points at: a folder to scan, or a scan already made.

The three ways in (``--project``, the app, ``recommend(project=...)``) reach the scan engine
through ``scan_folder`` alone, so that what they scan and how is decided in one place; how the
proposals become answers is ``advisor.scan.answers``.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from advisor.errors import ProjectError
from advisor.inputs.files import brief
from advisor.scan.model import ProjectScan

ProjectLike = str | os.PathLike[str] | ProjectScan
"""What ``recommend(project=...)`` takes: a folder, scanned with the default limits, or a scan."""


def project_scan(project: object, *, cancel: threading.Event | None = None) -> ProjectScan:
    """``project`` as a scan: a ``ProjectScan`` as it is, a folder scanned now.

    Raises ``ProjectError`` for anything else (a number, bytes, a list: never ``TypeError``)
    and for a folder that cannot be scanned."""
    if isinstance(project, ProjectScan):
        return project
    if isinstance(project, str | os.PathLike) and not isinstance(project, bytes):
        return scan_folder(project, cancel=cancel)
    raise ProjectError(
        None, f"project: expected a folder (a str or Path) or a ProjectScan, got {brief(project)}"
    )


def scan_folder(
    path: str | os.PathLike[str], *, cancel: threading.Event | None = None
) -> ProjectScan:
    """Scan the folder ``path`` with the default limits; ``cancel``, once set, stops the scan
    (the engine raises). Raise ``ProjectError`` when ``path`` is not a readable folder."""
    folder = check_folder(path)
    from advisor.scan import scan_project

    scan: ProjectScan = scan_project(folder, cancel=cancel)
    return scan


def check_folder(path: str | os.PathLike[str]) -> Path:
    """``path`` if it names a folder this process can list; else ``ProjectError`` saying why,
    before anything is scanned (a typo is exit 2 with one line, never a traceback)."""
    text = os.fspath(path)
    if not isinstance(text, str):
        raise ProjectError(None, f"project: expected a folder name, got {brief(path)}")
    if not text:
        raise ProjectError(None, "project: the folder name is empty")
    if "\0" in text:
        raise ProjectError(brief(text), "not a usable folder name (it holds a NUL character)")
    try:
        mode = os.stat(text).st_mode
    except FileNotFoundError:
        raise ProjectError(text, "no such project folder") from None
    except NotADirectoryError:
        raise ProjectError(text, "no such project folder (a part of the path is a file)") from None
    except OSError as exc:
        raise ProjectError(text, f"cannot use it as a project folder: {exc.strerror}") from None
    if not stat.S_ISDIR(mode):
        raise ProjectError(text, "not a folder: --project takes the project's root folder")
    try:
        with os.scandir(text) as entries:
            next(entries, None)
    except OSError as exc:
        raise ProjectError(text, f"cannot list the project folder: {exc.strerror}") from None
    return Path(text)
