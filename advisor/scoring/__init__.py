"""Answers + rules + measurements → ``Recommendation``: pure, no I/O, no UI, no framework."""
