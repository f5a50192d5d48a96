"""How wide a text report is drawn, and whether in colour: decided here for every command that
prints one, from the stream it goes to and the environment.

Width: ``COLUMNS`` when set (on a terminal or not, as ``shutil.get_terminal_size`` reads it),
else the terminal's own width, else ``PIPED_WIDTH``; a terminal that reports no size (a 0×0 pty,
as under ``script`` or some CI runners) gets ``UNSIZED_WIDTH``. Whatever the source, a report is
at most ``READABLE_WIDTH`` wide and at least ``NARROWEST``.

Colour: only on a terminal, and not when ``NO_COLOR`` is set (https://no-color.org) or ``TERM``
names a terminal without colour (``dumb``, or a ``-mono``/``-m`` variant such as xterm-mono).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

from advisor.system.streams import is_terminal

READABLE_WIDTH = 100
"""Prose past about 100 columns is hard to follow, so no report is drawn wider."""
NARROWEST = 40
"""Below this the report's tables and panels no longer hold their text."""
PIPED_WIDTH = 100
"""A report piped or saved without ``COLUMNS``: the readable width."""
UNSIZED_WIDTH = 80
"""A terminal that says it is 0 columns wide is a terminal of unknown size: the classic 80."""


def report_width(stream: TextIO | None, environ: Mapping[str, str] = os.environ) -> int:
    """The width of a report written to ``stream`` (None: to a file of the user's)."""
    columns = _positive(environ.get("COLUMNS"))
    if columns is None:
        on_terminal = stream is not None and is_terminal(stream)
        columns = _terminal_columns(stream) if on_terminal and stream else PIPED_WIDTH
    return max(NARROWEST, min(columns, READABLE_WIDTH))


def wants_colour(stream: TextIO | None, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether a report written to ``stream`` (None: to a file) is drawn in colour."""
    if stream is None or not is_terminal(stream) or environ.get("NO_COLOR"):
        return False
    term = environ.get("TERM", "")
    return term != "dumb" and not term.endswith(("-mono", "-m"))


def _positive(text: str | None) -> int | None:
    try:
        value = int(text or "")
    except ValueError:
        return None
    return value if value > 0 else None



def _terminal_columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or UNSIZED_WIDTH
    except (OSError, ValueError):
        return UNSIZED_WIDTH
