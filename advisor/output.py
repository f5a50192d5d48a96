"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from advisor.errors import UsageError


def check_output_path(output: str | None) -> None:
    """Refuse an ``--output`` that cannot be written, before any work is done."""
    if output is None:
        return
    p = Path(output)
    if p.is_dir():
        raise UsageError(f"--output {output}: is a directory; give a file name")
    if not p.parent.exists():
        raise UsageError(f"--output {output}: the folder {p.parent} does not exist")
    if not p.parent.is_dir():
        raise UsageError(f"--output {output}: {p.parent} is a file, not a folder")


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
