"""Times as a person reads them, to the minute: in UTC for reports (read on other machines),
in this machine's zone for the app. Naive times are taken as UTC, which the probes write."""

from __future__ import annotations

from datetime import datetime, timezone


def _parse(moment: datetime | str) -> datetime:
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def utc_minute(moment: datetime | str) -> str:
    """``27 Nov 2026, 14:05 UTC``."""
    when = _parse(moment).astimezone(timezone.utc)
    return f"{when.day} {when:%b %Y, %H:%M} UTC"


def local_minute(moment: datetime | str) -> str:
    """``27 Nov 2026, 15:05`` in this machine's time zone."""
    when = _parse(moment).astimezone()
    return f"{when.day} {when:%b %Y, %H:%M}"
