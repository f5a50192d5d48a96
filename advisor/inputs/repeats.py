"""One mistake repeated many times in one file (60,000 unknown keys) is a few lines, not
megabytes: the first ``SHOWN`` problems of each kind, then how many more there are."""

from __future__ import annotations

import re

SHOWN = 10
"""Problems of one kind shown per file; the rest are counted."""

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def kind(message: str) -> str:
    """What a problem is, without the names and values it quotes: 'unknown key' for
    "unknown key 'zz' (did you mean 'id'?)"."""
    text = re.split(r"[(;:]", _QUOTED.sub("", message), maxsplit=1)[0]
    return " ".join(text.split()) or message


def more(count: int, what: str) -> str:
    """The line that stands for ``count`` further problems of the kind ``what``."""
    if what.startswith("unknown "):  # "unknown key", "unknown question": a noun, pluralised
        return f"… and {count:,} more {what}s"
    return f"… and {count:,} more like these ({what})"
