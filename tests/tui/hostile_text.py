"""Files as an attacker writes them: every string that reaches a report carries terminal
escapes (shared by the command-line tests in tests/system and the app's)."""

from __future__ import annotations

import json
from pathlib import Path

MEASUREMENTS = Path(__file__).resolve().parents[1] / "data" / "measurements-ok.json"

# What an attacker writes: clear the screen, a link whose text hides its target, a carriage
# return that overwrites the line, CSI and a string sequence as single C1 characters, NEL.
HOSTILE = ("\x1b[2J\x1b[H\x1b]8;;https://evil.example/\x07innocent\x1b]8;;\x07\rOVERWRITTEN"
           "\x9b2J\x90dcs\x9c\x85")  # fmt: skip
IN_A_URL = "\x1b[2J\x1b]8;;https://evil.example/\x07innocent\x1b]8;;\x07\x9b2J"
"""The same, less what a URL cannot hold anyway (white space: a carriage return, NEL)."""
NO_SLASH = "\x1b[2J\x1b]0;title\x07\x9b2J"
"""Escapes a file name can hold."""


def yaml_escaped(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (YAML text itself may not hold controls)."""
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\x{ord(c):02x}"
                         if ord(c) < 0x100 else c for c in text) + '"'  # fmt: skip


def escapes_in(text: str) -> list[str]:
    """The escape and C1 characters (and carriage returns) in ``text``."""
    return sorted({repr(c) for c in text if c in "\x1b\r" or "\x80" <= c <= "\x9f"})


def hostile_pack(path: Path) -> Path:
    path.write_text(
        "pack: hostile\nrules:\n  - id: hostile-rule\n    kind: rule\n"
        "    when: {domain: vision}\n    favors: pytorch\n    criterion: ecosystem\n    points: 5\n"
        f"    because: {yaml_escaped('A rule from somebody else ' + HOSTILE)}\n"
        f"    sources:\n      - url: {yaml_escaped('https://example.org/' + IN_A_URL)}\n"
        "        checked: 2026-11-01\n"
        f"      - title: {yaml_escaped('A title ' + HOSTILE)}\n        checked: 2026-11-01\n",
        encoding="utf-8",
    )
    return path


def hostile_measurements(path: Path) -> Path:
    data = json.loads(MEASUREMENTS.read_text(encoding="utf-8"))
    data["machine"]["cpu"] = "Some CPU " + HOSTILE
    data["frameworks"]["pytorch"]["flags"] = ["window CV 14 % " + HOSTILE]
    data["frameworks"]["pytorch"]["message"] = "note " + HOSTILE
    data["frameworks"]["tensorflow"]["message"] = "note " + HOSTILE
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
