"""Text from files other people made, made safe to show: no terminal escape sequences, no
control characters.

Rule files, measurements, answers, the probe cache and scanned repositories are written by
somebody else. A string from one of them reaches a terminal, a Markdown file or the app, where
``ESC [ 2 J`` clears the screen, an OSC 8 sequence hides a link and a bare carriage return
overwrites what was printed before it. ``printable`` removes every such sequence whole (not
just its ESC byte, which would leave ``[2J`` behind) and every other control character, and
keeps tabs and line breaks, which a renderer wraps or folds itself.
"""

from __future__ import annotations

import re
from typing import Any

_ESCAPES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]                 # CSI: ESC [ parameters, intermediates, final byte
    | \x9b[0-?]*[ -/]*[@-~]                   # CSI as one C1 character
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) # OSC, DCS, SOS, PM, APC: a string ...
      .*?(?:\x07|\x1b\\|\x9c|$)               # ... up to BEL or ST (or the end of the text)
    | \x1b[ -/]*[0-~]                         # any other escape: ESC, intermediates, final
    | \x1b                                    # a lone ESC at the end
    """,
    re.VERBOSE | re.DOTALL,
)
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and line feed, DEL, C1
    "\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional overrides ("Trojan Source")
    "]"
)


def printable(text: str) -> str:
    """``text`` without escape sequences and control characters (tab and line feed kept;
    a carriage return ends a line, as it does on screen)."""
    if text.isprintable():  # the common case, checked in C
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def printable_data(value: Any) -> Any:
    """``value`` (parsed JSON or YAML: dicts, lists, strings, numbers) with ``printable``
    applied to every string in it, keys included; anything else is returned as it is."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printable_data(v) for v in value]
    if isinstance(value, tuple):
        return tuple(printable_data(v) for v in value)
    return value
