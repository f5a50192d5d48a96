"""Writing a file so that it survives a crash or a power cut: the data reach the disk before
the rename that publishes them, and the rename reaches it after (the folder's entry is data
too). Shared by the result cache (``probes.cache``) and the data cache
(``probes.workloads.data``); stdlib only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO


def publish(handle: IO[bytes] | IO[str], tmp: str | Path, path: Path) -> None:
    """Flush and fsync ``handle`` (the open temporary file ``tmp``), close it, rename it over
    ``path`` and fsync the folder."""
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()
    os.replace(tmp, path)
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """fsync a folder, so that a rename inside it is on disk; where the system cannot (some
    file systems refuse a folder's fsync), the rename stands as the system keeps it."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
