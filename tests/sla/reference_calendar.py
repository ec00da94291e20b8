"""A deliberately naive reference calendar: walks minute by minute.

It shares no code with `sla.calendar`: the production calendar comes straight from the
`holidays` package and the working window is hard-coded (Mon-Fri 09:00-18:00 Moscow).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import holidays

from tests.helpers import MSK

_RU = holidays.country_holidays("RU", years=range(2023, 2028))
_MINUTE = timedelta(minutes=1)


def is_working_minute(t: datetime) -> bool:
    """Is the minute starting at `t` (Moscow time) a working minute?"""
    local = t.astimezone(MSK)
    day = local.date()
    if day in _RU:
        return False
    if local.weekday() >= 5 and day not in _RU.weekend_workdays:
        return False
    return 9 <= local.hour < 18


def business_seconds(start: datetime, end: datetime) -> float:
    """Working seconds between two whole-minute instants, counted one minute at a time."""
    total = 0
    t = start
    while t < end:
        if is_working_minute(t):
            total += 60
        t += _MINUTE
    return float(total)


def add_business_seconds(start: datetime, seconds: float) -> datetime:
    """Earliest whole-minute instant after `seconds` (a multiple of 60) of working time."""
    remaining = seconds
    t = start
    while remaining > 0:
        if is_working_minute(t):
            remaining -= 60
        t += _MINUTE
    return t
