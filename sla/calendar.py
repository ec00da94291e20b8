"""Business calendar: working windows, time zone and production calendar, O(log n) queries.

The calendar keeps the working intervals of its span as four flat, sorted lists (interval
start and end as epoch microseconds, and the cumulative business microseconds at each) and a
per-day index into them, so `business_seconds` is two index reads, each followed by a scan
past at most one day's windows, and `add_business_seconds` one binary search. Times are integer
microseconds inside, so a deadline that lands exactly on a boundary is exact, not 1e-7 off.
The span grows lazily, in whole years, in either direction, to whatever dates are asked for.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

from sla.errors import CalendarError, ConfigError
from sla.instant import EPOCH as _EPOCH
from sla.instant import to_us

Window = tuple[int, int]
"""A working window as (start, end) minutes after local midnight; end may be 1440."""

DayWindows = tuple[Window, ...]

NINE_TO_SIX: DayWindows = ((9 * 60, 18 * 60),)
_MAX_SPAN_YEARS = 400  # a calendar with no working time must fail, not loop forever
_DAY_US = 86_400_000_000
_FLOAT_EXACT_US = 2**31 * 1_000_000  # 1901-2038: where us / 1e6 round-trips to the microsecond


@dataclass(frozen=True)
class CalendarSpec:
    """Everything that defines a calendar; hashable, so calendars can be shared per spec."""

    timezone: str = "Europe/Moscow"
    week: tuple[DayWindows, ...] = (NINE_TO_SIX,) * 5 + ((), ())
    country: str | None = "RU"
    subdivision: str | None = None
    extra_holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    shortened_days: Mapping[date, DayWindows] = field(default_factory=dict)
    always_open: bool = False

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ConfigError("calendar", "week", "windows for 7 weekdays (Monday first)")
        for wd, windows in enumerate(self.week):
            _check_windows(f"week[{wd}]", windows)
        for day, windows in self.shortened_days.items():
            _check_windows(f"shortened_days[{day}]", windows)
        object.__setattr__(self, "shortened_days", MappingProxyType(dict(self.shortened_days)))

    def __hash__(self) -> int:
        return hash(
            (
                self.timezone,
                self.week,
                self.country,
                self.subdivision,
                self.extra_holidays,
                self.extra_working_days,
                tuple(sorted(self.shortened_days.items())),
                self.always_open,
            )
        )


def _check_windows(key: str, windows: DayWindows) -> None:
    last_end = -1
    for start, end in windows:
        if not 0 <= start < end <= 1440 or start < last_end:
            raise ConfigError(
                "calendar",
                key,
                "sorted, non-overlapping HH:MM-HH:MM windows within one day",
                windows,
            )
        last_end = end


@dataclass(frozen=True, slots=True)
class _Span:
    """An immutable snapshot of the precomputed intervals (swapped whole on growth)."""

    starts: list[int]
    ends: list[int]
    cum_starts: list[int]
    cum_ends: list[int]
    lo_year: int
    hi_year: int  # exclusive
    lo_us: int
    hi_us: int
    cum_lo: int
    cum_hi: int
    # `starts` plus a sentinel at hi_us (every start and every instant looked up is below it),
    # so the scan in `_cumulative` needs no bounds check.
    probe: list[int]
    # Per 24 h from lo_us: the last interval starting at or before that instant (-1: none).
    # A lookup scans forward from there past at most a day's windows instead of bisecting
    # the whole span.
    day_first: list[int]


class BusinessCalendar:
    """Answers business-time questions for one `CalendarSpec`."""

    def __init__(self, spec: CalendarSpec | None = None) -> None:
        self.spec = spec or CalendarSpec()
        try:
            self.zone = ZoneInfo(self.spec.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                "calendar",
                "timezone",
                "an IANA time zone such as Europe/Moscow",
                self.spec.timezone,
            ) from None
        if self.spec.country and not self.spec.always_open:
            try:
                holidays_lib.country_holidays(
                    self.spec.country, subdiv=self.spec.subdivision, years=2000
                )
            except NotImplementedError as exc:
                raise ConfigError(
                    "calendar",
                    "country/subdivision",
                    "a country (and subdivision) the holidays package knows",
                    f"{self.spec.country}/{self.spec.subdivision}: {exc}",
                ) from None
        self._lock = threading.Lock()
        self._span: _Span | None = None

    # -- public API ---------------------------------------------------------------------

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Working seconds between two aware instants (negative when end < start)."""
        b = to_us(end, "end")
        a = to_us(start, "start")
        span = self._span
        if span is None or not (span.lo_us <= a < span.hi_us and span.lo_us <= b < span.hi_us):
            return (self.cumulative_us(b) - self.cumulative_us(a)) / 1e6
        return (_cumulative(span, b) - _cumulative(span, a)) / 1e6

    def add_business_seconds(self, start: datetime, seconds: float) -> datetime:
        """The earliest instant at which `seconds` of working time have passed since `start`."""
        us = round(seconds * 1e6)
        return self.from_us(self.add_business_us(to_us(start, "start"), us))

    def is_working_day(self, day: date) -> bool:
        """True when the local date has at least one working window."""
        return bool(self.windows_on(day))

    def windows_on(self, day: date) -> DayWindows:
        """The working windows of one local date after holidays and overrides."""
        return self._windows_for(day, self._holidays_for(day.year, day.year + 1))

    # -- microsecond API used by the clock ----------------------------------------------

    def from_us(self, us: int) -> datetime:
        """An aware datetime in the calendar's zone for epoch microseconds."""
        if -_FLOAT_EXACT_US < us < _FLOAT_EXACT_US:
            # A third of the cost of the timedelta path, and exact here: us / 1e6 is within
            # half a float ulp (<= 0.24 µs below 2**31 s) of the true value, and
            # fromtimestamp rounds to the nearest microsecond.
            return datetime.fromtimestamp(us / 1e6, self.zone)
        return (_EPOCH + timedelta(microseconds=us)).astimezone(self.zone)

    def cumulative_us_many(self, ts: list[int]) -> list[int]:
        """`cumulative_us` of each instant of an ascending list, with one span check."""
        span = self._span
        if not ts or span is None or not (span.lo_us <= ts[0] and ts[-1] < span.hi_us):
            return [self.cumulative_us(t) for t in ts]
        # `_cumulative` inline: a call per boundary was a tenth of this.
        lo, day_first, probe, ends, cum_starts = (
            span.lo_us,
            span.day_first,
            span.probe,
            span.ends,
            span.cum_starts,
        )
        out = []
        for t in ts:
            k = day_first[(t - lo) // _DAY_US]
            while probe[k + 1] <= t:
                k += 1
            if k < 0:
                out.append(span.cum_lo)
            else:
                end = ends[k]
                out.append(cum_starts[k] + ((t if t < end else end) - probe[k]))
        return out

    def cumulative_us(self, t: int) -> int:
        """Business microseconds from an arbitrary origin up to instant `t`."""
        span = self._span
        if span is None or not span.lo_us <= t < span.hi_us:
            span = self._cover(t)
        return _cumulative(span, t)

    def business_us(self, start: int, end: int) -> int:
        """Working microseconds between two epoch-microsecond instants."""
        return self.cumulative_us(end) - self.cumulative_us(start)

    def add_business_us(self, start: int, amount: int) -> int:
        """Earliest instant (epoch µs) with `amount` working µs after `start`."""
        if amount <= 0:
            if amount < 0:
                raise ValueError("cannot add a negative amount of business time")
            return start
        target = self.cumulative_us(start) + amount
        span = self._span
        assert span is not None
        while True:
            k = bisect_left(span.cum_ends, target)
            if k < len(span.cum_ends):
                return span.starts[k] + (target - span.cum_starts[k])
            if span.hi_year - span.lo_year > _MAX_SPAN_YEARS:
                raise CalendarError(
                    f"no working time in {_MAX_SPAN_YEARS} years after "
                    f"{self.from_us(start).isoformat()}: check the calendar"
                )
            span = self._grow(span.lo_year, span.hi_year + 2)

    # -- span construction ---------------------------------------------------------------

    def _cover(self, t: int) -> _Span:
        year = self.from_us(t).year
        span = self._span
        if span is None:
            return self._grow(year - 1, year + 2)
        return self._grow(min(span.lo_year, year - 1), max(span.hi_year, year + 2))

    def _grow(self, lo_year: int, hi_year: int) -> _Span:
        with self._lock:
            old = self._span
            if old is not None and old.lo_year <= lo_year and hi_year <= old.hi_year:
                return old
            if old is None:
                s, e = self._intervals(lo_year, hi_year)
                span = _assemble(s, e, lo_year, hi_year, self._midnight_us, base=0)
            else:
                lo_year, hi_year = min(lo_year, old.lo_year), max(hi_year, old.hi_year)
                before = self._intervals(lo_year, old.lo_year)
                after = self._intervals(old.hi_year, hi_year)
                span = _extend(old, before, after, lo_year, hi_year, self._midnight_us)
            self._span = span
            return span

    def _midnight_us(self, year: int) -> int:
        return to_us(datetime(year, 1, 1, tzinfo=self.zone))

    def _intervals(self, lo_year: int, hi_year: int) -> tuple[list[int], list[int]]:
        starts: list[int] = []
        ends: list[int] = []
        if lo_year >= hi_year:
            return starts, ends
        hols = self._holidays_for(lo_year, hi_year)
        day = date(lo_year, 1, 1)
        stop = date(hi_year, 1, 1)
        one = timedelta(days=1)
        while day < stop:
            for start_min, end_min in self._windows_for(day, hols):
                s = self._local_us(day, start_min)
                e = self._local_us(day, end_min)
                if e <= s:  # a window swallowed by a DST gap
                    continue
                if ends and s <= ends[-1]:  # adjacent (24x7) or DST-overlapping windows merge
                    ends[-1] = max(ends[-1], e)
                else:
                    starts.append(s)
                    ends.append(e)
            day += one
        return starts, ends

    def _local_us(self, day: date, minute: int) -> int:
        # Wall-clock arithmetic then conversion: correct across DST changes (zoneinfo).
        local = datetime(day.year, day.month, day.day, tzinfo=self.zone) + timedelta(minutes=minute)
        return to_us(local)

    def _holidays_for(self, lo_year: int, hi_year: int) -> tuple[frozenset[date], frozenset[date]]:
        spec = self.spec
        if not spec.country or spec.always_open:
            return frozenset(), frozenset()
        table = holidays_lib.country_holidays(
            spec.country, subdiv=spec.subdivision, years=range(lo_year, hi_year)
        )
        return frozenset(table.keys()), frozenset(getattr(table, "weekend_workdays", ()))

    def _windows_for(self, day: date, hols: tuple[frozenset[date], frozenset[date]]) -> DayWindows:
        spec = self.spec
        if spec.always_open:
            return ((0, 1440),)
        if day in spec.extra_holidays:
            return ()
        if day in spec.shortened_days:
            return spec.shortened_days[day]
        own = spec.week[day.weekday()]
        public, weekend_workdays = hols
        if day in spec.extra_working_days or (day in weekend_workdays and day not in public):
            return own or self._default_working_windows()
        if day in public:
            return ()
        return own

    def _default_working_windows(self) -> DayWindows:
        # A working Saturday works the hours of an ordinary working day (the first one).
        return next((w for w in self.spec.week if w), NINE_TO_SIX)


def _cumulative(span: _Span, t: int) -> int:
    """Business µs up to `t`, which must lie in [span.lo_us, span.hi_us)."""
    k = span.day_first[(t - span.lo_us) // _DAY_US]
    probe = span.probe
    while probe[k + 1] <= t:
        k += 1
    if k < 0:
        return span.cum_lo
    end = span.ends[k]
    # Inside interval k: the part of it before t; past it: all of it (the gap adds nothing).
    return span.cum_starts[k] + ((t if t < end else end) - probe[k])


def _cumulate(starts: list[int], ends: list[int], base: int) -> tuple[list[int], list[int], int]:
    """Cumulative business µs at each interval's start and end, counted from `base`."""
    cum_starts: list[int] = []
    cum_ends: list[int] = []
    total = base
    for s, e in zip(starts, ends, strict=True):
        cum_starts.append(total)
        total += e - s
        cum_ends.append(total)
    return cum_starts, cum_ends, total


def _assemble(
    starts: list[int], ends: list[int], lo_year: int, hi_year: int, midnight, base: int
) -> _Span:
    cum_starts, cum_ends, total = _cumulate(starts, ends, base)
    return _indexed(starts, ends, cum_starts, cum_ends, lo_year, hi_year, midnight, base, total)


def _extend(
    old: _Span,
    before: tuple[list[int], list[int]],
    after: tuple[list[int], list[int]],
    lo_year: int,
    hi_year: int,
    midnight,
) -> _Span:
    b_starts, b_ends = before
    a_starts, a_ends = after
    base = old.cum_lo - sum(e - s for s, e in zip(b_starts, b_ends, strict=True))
    b_cum_starts, b_cum_ends, _ = _cumulate(b_starts, b_ends, base)
    a_cum_starts, a_cum_ends, total = _cumulate(a_starts, a_ends, old.cum_hi)
    return _indexed(
        b_starts + old.starts + a_starts,
        b_ends + old.ends + a_ends,
        b_cum_starts + old.cum_starts + a_cum_starts,
        b_cum_ends + old.cum_ends + a_cum_ends,
        lo_year,
        hi_year,
        midnight,
        base,
        total,
    )


def _indexed(
    starts: list[int],
    ends: list[int],
    cum_starts: list[int],
    cum_ends: list[int],
    lo_year: int,
    hi_year: int,
    midnight,
    cum_lo: int,
    cum_hi: int,
) -> _Span:
    lo_us, hi_us = midnight(lo_year), midnight(hi_year)
    day_first: list[int] = []
    k, n = -1, len(starts)
    for day in range(lo_us, hi_us, _DAY_US):
        while k + 1 < n and starts[k + 1] <= day:
            k += 1
        day_first.append(k)
    return _Span(
        starts,
        ends,
        cum_starts,
        cum_ends,
        lo_year,
        hi_year,
        lo_us,
        hi_us,
        cum_lo,
        cum_hi,
        [*starts, hi_us],
        day_first,
    )
