"""Hanging indents, which rich does not have: a marker, and text that wraps under its start."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text


def hanging(marker: str, body: RenderableType, *, style: str = "") -> Table:
    """``marker`` then ``body``, whose wrapped lines stay indented under its first."""
    grid = Table.grid(expand=True)
    grid.add_column(width=len(marker) + 1, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(marker, style=style), body)
    return grid
