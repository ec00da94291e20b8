"""The working windows of one local date, and where a wall-clock time falls in real time.

Precedence, highest first (explicit configuration of a date wins over any calendar):
24x7 > `extra_holidays` > `shortened_days` > `extra_working_days` > the official calendar
(for the years it covers) > the `holidays` package (other countries and years) > the week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sla.calendar_spec import NINE_TO_SIX
from sla.instant import to_us
from sla.official import DayKind

if TYPE_CHECKING:
    from sla.calendar_spec import CalendarSpec, DayWindows

Holidays = tuple[frozenset[date], frozenset[date]]
"""Public holidays and weekend working days from the `holidays` package."""

FULL_DAY = ((0, 1440),)
PRE_HOLIDAY_MINUTES = 60  # ТК РФ ст. 95: the day before a holiday is one hour shorter

# Why a day is not an ordinary day of the week (None: it is).
EXTRA_HOLIDAY = "day off (calendar.extra_holidays)"
EXTRA_WORKING = "working day (calendar.extra_working_days)"
CONFIGURED_SHORT = "shortened day (calendar.shortened_days)"
FALLBACK_HOLIDAY = "public holiday (holidays package)"
FALLBACK_WORKING = "working weekend day (holidays package)"


def resolve(spec: CalendarSpec, day: date, hols: Holidays) -> tuple[DayWindows, str | None]:
    """The day's working windows and why they differ from the plain week (None if not)."""
    if spec.always_open:
        return FULL_DAY, None
    if day in spec.extra_holidays:
        return (), EXTRA_HOLIDAY
    if day in spec.shortened_days:
        return spec.shortened_days[day], CONFIGURED_SHORT
    own = spec.week[day.weekday()]
    if day in spec.extra_working_days:
        return own or default_working_windows(spec), EXTRA_WORKING
    official = spec.official
    if official is not None and official.covers(day.year):
        entry = official.day(day)
        if entry is None:
            return own, None
        if entry.kind is DayKind.DAY_OFF:
            return (), entry.reason
        # A weekend day made working works the hours of an ordinary working day.
        base = own if day.weekday() < 5 else own or default_working_windows(spec)
        if entry.kind is DayKind.SHORTENED and spec.shorten_pre_holidays:
            return shorten(base, PRE_HOLIDAY_MINUTES), entry.reason
        return base, entry.reason
    public, weekend_workdays = hols
    if day in weekend_workdays and day not in public:
        return own or default_working_windows(spec), FALLBACK_WORKING
    if day in public:
        return (), FALLBACK_HOLIDAY
    return own, None


def default_working_windows(spec: CalendarSpec) -> DayWindows:
    """The windows a weekend day gets when it is made working: the first working weekday's."""
    return next((w for w in spec.week if w), NINE_TO_SIX)


def shorten(windows: DayWindows, minutes: int) -> DayWindows:
    """The same windows with the last `minutes` of working time cut from the day's end.

    The last window ends that much earlier; a last window shorter than that is dropped and
    the rest comes off the window before it, so the day is always `minutes` shorter.
    """
    out = list(windows)
    left = minutes
    while out and left > 0:
        start, end = out.pop()
        if end - start > left:
            out.append((start, end - left))
            break
        left -= end - start
    return tuple(out)


def local_us(zone: ZoneInfo, day: date, minute: int) -> int:
    """Epoch microseconds of wall-clock `minute` after local midnight of `day`.

    A wall time inside a DST gap (Berlin 2025-03-30 02:30) does not exist; zoneinfo reads it
    with the offset from before the gap, which puts it an hour late. A window edge there
    belongs at the transition itself, the first instant after the gap.
    """
    local = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minute)
    before, after = local.utcoffset(), local.replace(fold=1).utcoffset()
    if before is not None and after is not None and before < after:
        return _transition_us(zone, to_us(local.replace(fold=1)), to_us(local))
    # Outside gaps fold=0 applies: in a repeated hour (autumn) the first occurrence.
    return to_us(local)


def _transition_us(zone: ZoneInfo, lo: int, hi: int) -> int:
    # The UTC offset changes somewhere in (lo, hi]; bisect on whole seconds (rare: gap days).
    lo_s, hi_s = lo // 1_000_000, -(-hi // 1_000_000)
    first = datetime.fromtimestamp(lo_s, zone).utcoffset()
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == first:
            lo_s = mid
        else:
            hi_s = mid
    return hi_s * 1_000_000
