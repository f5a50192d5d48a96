"""The scan tests' helpers (scan_trees.py) sit beside them; this folder joins the import path
the way pyproject's ``pythonpath`` adds the other test folders."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
