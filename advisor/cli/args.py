"""Argument types the commands share."""

from __future__ import annotations

import argparse


def path_arg(text: str) -> str:
    """A file or folder option's value: any name but the empty one (which would mean the
    current folder, or nothing at all)."""
    if not text:
        raise argparse.ArgumentTypeError("the file name is empty")
    return text
