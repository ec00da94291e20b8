"""Small helpers shared by the tests (time literals, the default policy)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

MSK = ZoneInfo("Europe/Moscow")
HOUR = 3600.0


def msk(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    """A Moscow-time instant."""
    return datetime(year, month, day, hour, minute, second, tzinfo=MSK)
