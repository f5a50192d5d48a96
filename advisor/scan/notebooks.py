"""Jupyter notebooks: the code cells as Python, with IPython's magics and shell lines taken out
(and read for what they install: ``%pip install``, ``!pip install``, ``%conda install``).

A notebook is JSON; one nested too deeply, not valid JSON, or without a cell list is a problem,
never an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass


class NotNotebook(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Cell:
    number: int
    """1-based, counting every cell, as a reader counts them in the notebook."""
    code: str
    """The cell's Python, magics and shell lines blanked (line numbers are kept)."""
    shell: list[tuple[int, str]]
    """(line, command) of the magics and shell lines: ``pip install torch``."""


_MAGIC = re.compile(r"^\s*(?:%%?|!)")
_SHELL_CELLS = {"bash", "sh", "script", "system"}


def cells(data: bytes) -> Iterator[Cell]:
    """The code cells of a notebook file's bytes; ``NotNotebook`` when it is not one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotNotebook("notebooks that are not UTF-8 text") from None
    try:  # the C decoder stops deep nesting with a RecursionError, not a crash
        notebook = json.loads(text)
    except RecursionError:
        raise NotNotebook("notebooks nested too deeply") from None
    except ValueError:
        raise NotNotebook("notebooks that are not valid JSON") from None
    raw_cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if raw_cells is None and isinstance(notebook, dict):  # nbformat 3 kept cells in worksheets
        sheets = notebook.get("worksheets")
        if isinstance(sheets, list) and sheets and isinstance(sheets[0], dict):
            raw_cells = sheets[0].get("cells")
    if not isinstance(raw_cells, list):
        raise NotNotebook("notebooks without a list of cells")
    for number, cell in enumerate(raw_cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str) or not source.strip():
            continue
        yield _split(number, source)


def _split(number: int, source: str) -> Cell:
    lines = source.splitlines()
    shell: list[tuple[int, str]] = []
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        if magic in _SHELL_CELLS:  # the whole cell is a shell script
            shell = [(i, line) for i, line in enumerate(lines[1:], 2) if line.strip()]
            return Cell(number, "", shell)
        lines[0] = ""  # %%time, %%capture: the rest is Python
    for i, line in enumerate(lines):
        if _MAGIC.match(line):
            shell.append((i + 1, _MAGIC.sub("", line, count=1).strip()))
            lines[i] = ""
        elif line.rstrip().endswith("?") and not line.lstrip().startswith("#"):
            lines[i] = ""  # `torch.nn?` asks IPython for help
    return Cell(number, "\n".join(lines), shell)
