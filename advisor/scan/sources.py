"""Python files and notebooks turned into small, picklable results: what the engine records, and
what a worker process sends back (parsing is most of a large scan's time, so it may run in
several processes; see ``advisor.scan.workers``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.scan import notebooks
from advisor.scan.model import BoundTo
from advisor.scan.python import NotPython, analyse, mentions
from advisor.scan.tables import Tables

CELL_PROBLEM = "notebook cells that do not parse as Python 3"


@dataclass(frozen=True)
class Hit:
    entry_id: str
    line: int
    """The first line the entry is on."""
    lines: int
    """How many distinct lines it is on."""
    text: str
    """The first line's text (the example a report shows)."""


@dataclass(frozen=True)
class Unit:
    """One piece of Python: a file, or a notebook's cell (``cell``)."""

    cell: int | None
    hits: list[Hit] = field(default_factory=list)
    bound: dict[BoundTo, int] = field(default_factory=dict)
    problem: str | None = None
    """Why it was not understood (it is then counted under the problems)."""
    shell: list[tuple[int, str]] = field(default_factory=list)
    """A cell's magics and shell lines: (line, command)."""


@dataclass(frozen=True)
class SourceResult:
    rel: str
    units: list[Unit] = field(default_factory=list)
    problem: str | None = None
    """Why the whole file was not understood (a notebook that is not JSON)."""
    notebook: bool = False


def read_source(kind: str, rel: str, data: bytes, tables: Tables) -> SourceResult:
    """What a Python file (``kind`` python) or a notebook says."""
    if kind == "notebook":
        return _notebook(rel, data, tables)
    if not mentions(data, tables):
        return SourceResult(rel)
    return SourceResult(rel, [_unit(data, tables, None)])


def _unit(source: bytes | str, tables: Tables, cell: int | None,
          names: dict[str, str] | None = None) -> Unit:  # fmt: skip
    try:
        facts = analyse(source, tables, names)
    except NotPython as exc:
        return Unit(cell, problem=exc.reason if cell is None else CELL_PROBLEM)
    if names is not None:
        names.update(facts.names)
    lines: dict[str, set[int]] = {}
    for entry, line in facts.hits:
        lines.setdefault(entry.id, set()).add(line)
    split: list[bytes] | list[str] | None = None
    hits = []
    for entry_id, numbers in lines.items():
        first = min(numbers)
        if split is None:
            split = source.split(b"\n") if isinstance(source, bytes) else source.split("\n")
        text = split[first - 1] if 0 < first <= len(split) else ""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        hits.append(Hit(entry_id, first, len(numbers), text[:400]))
    bound = {fw: len(ls) for fw, ls in facts.bound.items()}
    return Unit(cell, hits, bound)


def _notebook(rel: str, data: bytes, tables: Tables) -> SourceResult:
    try:  # every notebook is parsed, so that a broken one is reported
        cells = list(notebooks.cells(data))
    except notebooks.NotNotebook as exc:
        return SourceResult(rel, problem=exc.reason, notebook=True)
    units = []
    names: dict[str, str] = {}  # a cell uses what the cells before it imported
    for cell in cells:
        if cell.code.strip() and (names or mentions(cell.code, tables)):
            unit = _unit(cell.code, tables, cell.number, names)
        else:
            unit = Unit(cell.number)
        if cell.shell:
            unit = Unit(unit.cell, unit.hits, unit.bound, unit.problem, list(cell.shell))
        if unit.hits or unit.bound or unit.problem or unit.shell:
            units.append(unit)
    return SourceResult(rel, units, notebook=True)
