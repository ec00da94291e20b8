"""The business-hours libraries the calendar is timed against, set up as their docs show.

Each answers a simpler question than `sla.BusinessCalendar`, which has several windows a
day, the Russian production calendar from `holidays` including transferred working
Saturdays, any IANA zone with DST, and exact microseconds. All get the regulation's hours
(Mon-Fri 09:00-18:00 Moscow) and the same RU public holidays:

- businesstime 0.3.0: one window a day, weekends by weekday, holidays as a list (it keeps
  them in a list itself when given its documented generator), naive datetimes only (it gets
  Moscow wall time). No working Saturdays, no zones. Whole business days come back as
  timedelta days. From after closing one day to after closing the next it answers 0 h.
- businesstimedelta 1.0.1: weekday windows (a lunch rule exists), holidays as any container
  of dates (it gets a frozenset, its fastest), pytz zones (it gets the same aware instants
  as ours). No working Saturdays; drops sub-second parts. It walks holiday by holiday and
  day by day, about 300 queries/s, so it is timed on every 20th interval only.

The ratio is the honest cost of the same queries, not of the same semantics; `agreement`
counts where the answers differ and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import businesstimedelta as btd
import pytz
from businesstime import BusinessTime

OPEN_HOURS = 9


@dataclass(frozen=True)
class Peer:
    """A library under the same queries: how to feed it, ask it and read its answer."""

    name: str
    prepare: Callable[[datetime], object]  # our aware instant -> its input (not timed)
    query: Callable[[object, object], object]
    seconds: Callable[[object], float]  # its answer -> business seconds
    every: int = 1  # timed on every n-th interval


def _businesstime_seconds(td: timedelta) -> float:
    return td.days * OPEN_HOURS * 3600 + td.seconds + td.microseconds / 1e6


def peers(holidays: Iterable[date], zone: str = "Europe/Moscow") -> list[Peer]:
    """businesstime (documented list, and a frozenset) and businesstimedelta."""
    days = sorted(holidays)
    hours = (time(9), time(9 + OPEN_HOURS))
    as_list = BusinessTime(business_hours=hours, holidays=days)
    # Undocumented but accepted (it only tests `in`): twice as fast, shown for fairness.
    as_set = BusinessTime(business_hours=hours, holidays=frozenset(days))
    tz = pytz.timezone(zone)
    rules = btd.Rules(
        [
            btd.WorkDayRule(start_time=hours[0], end_time=hours[1], working_days=range(5), tz=tz),
            btd.HolidayRule(frozenset(days), tz=tz),
        ]
    )
    naive = _naive_in(zone)
    return [
        Peer("businesstime 0.3.0", naive, as_list.businesstimedelta, _businesstime_seconds),
        Peer(
            "businesstime, frozenset",
            naive,
            as_set.businesstimedelta,
            _businesstime_seconds,
        ),
        Peer(
            "businesstimedelta 1.0.1",
            lambda dt: dt,
            rules.difference,
            lambda d: d.timedelta.total_seconds(),
            every=20,
        ),
    ]


def _naive_in(zone: str) -> Callable[[datetime], datetime]:
    tz = pytz.timezone(zone)
    return lambda dt: dt.astimezone(tz).replace(tzinfo=None)


def agreement(
    ours: list[float],
    theirs: list[float],
    intervals: list[tuple[datetime, datetime]],
    working_weekend_days: frozenset[date],
) -> tuple[int, int, int]:
    """(equal, differing over a transferred working weekend day, differing otherwise)."""
    equal = weekend = other = 0
    for mine, peer, (a, b) in zip(ours, theirs, intervals, strict=True):
        if mine == peer:
            equal += 1
        elif _spans(a, b, working_weekend_days):
            weekend += 1
        else:
            other += 1
    return equal, weekend, other


def _spans(a: datetime, b: datetime, days: frozenset[date]) -> bool:
    day, last = a.date(), b.date()
    while day <= last:
        if day in days:
            return True
        day += timedelta(days=1)
    return False
