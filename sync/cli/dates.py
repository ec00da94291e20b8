"""The one parser of every date and time option (`--since`, `--until`, `--now`).

Accepted: a day (`2026-11-01`, also `01.11.2026`), a local time in the regulation's zone
(`2026-11-01 10:00`, `2026-11-01T10:00`), or an instant with an offset
(`2026-11-01T10:00+03:00`, `…Z`). A wrong value gets one line listing these forms.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo

from sync.errors import UsageError

__all__ = ["accepted_forms", "parse_when"]

_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def accepted_forms(zone: tzinfo) -> str:
    """The forms a date option accepts, for messages and help."""
    return (
        f"YYYY-MM-DD (a whole day), YYYY-MM-DD HH:MM (in {zone}) or "
        "an ISO-8601 instant with an offset, e.g. 2026-11-01T10:00+03:00"
    )


def parse_when(text: str, option: str, zone: tzinfo, *, end: bool = False) -> datetime:
    """An aware instant; a day is its first instant in `zone` (the next day's with `end`)."""
    value = str(text).strip()
    day = _day(value)
    if day is not None:
        start = datetime(day.year, day.month, day.day, tzinfo=zone)
        return start + timedelta(days=1) if end else start
    try:
        instant = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise UsageError(
            option, f"{value!r} is not a date or a time; use {accepted_forms(zone)}"
        ) from None
    if instant.utcoffset() is None:
        instant = instant.replace(tzinfo=zone)
    return instant


def _day(value: str) -> date | None:
    if m := _DOTTED.match(value):
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    if len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
