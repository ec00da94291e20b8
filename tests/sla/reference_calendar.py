"""A deliberately naive reference calendar: walks minute by minute.

It shares no code with `sla.calendar` nor with the shipped data file: the production calendar
is the independently typed table of `tests/sla/official_ru_calendar.py` and the working
window is hard-coded (09:00-18:00 Moscow, 09:00-17:00 on a shortened day).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.helpers import MSK
from tests.sla.official_ru_calendar import kind

_MINUTE = timedelta(minutes=1)


def is_working_minute(t: datetime) -> bool:
    """Is the minute starting at `t` (Moscow time) a working minute?"""
    local = t.astimezone(MSK)
    day_kind = kind(local.date())
    if day_kind == "off":
        return False
    return 9 <= local.hour < (17 if day_kind == "shortened" else 18)


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
