"""The command line: ``advisor`` (the app, ``--answers``, ``questions``, ``rules check``,
``probe``). ``main`` is the console script's entry point."""

from advisor.cli.entry import main

__all__ = ["main"]
