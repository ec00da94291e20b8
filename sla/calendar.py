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
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

from sla import calendar_notes
from sla.calendar_spec import NINE_TO_SIX, CalendarSpec, DayWindows, Window
from sla.errors import CalendarError, ConfigError
from sla.instant import EPOCH as _EPOCH
from sla.instant import require_aware, to_us
from sla.span import DAY_US, Span, assemble, cumulative, extend
from sla.workdays import Holidays, local_us, resolve

_MAX_SPAN_YEARS = 400  # a calendar with no working time must fail, not loop forever
# The span keeps a year either side of a date and needs the midnights at both ends, which
# datetime cannot express before year 2 or after 9999 (a raw ValueError/OverflowError).
_LO_YEAR, _HI_YEAR = MINYEAR + 1, MAXYEAR
_FLOAT_EXACT_US = 2**31 * 1_000_000  # 1901-2038: where us / 1e6 round-trips to the microsecond

__all__ = ["NINE_TO_SIX", "BusinessCalendar", "CalendarSpec", "DayWindows", "Window"]


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
        self._span: Span | None = None

    # -- public API ---------------------------------------------------------------------

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Working seconds between two aware instants (negative when end < start)."""
        b = to_us(end, "end")
        a = to_us(start, "start")
        span = self._span
        if span is None or not (span.lo_us <= a < span.hi_us and span.lo_us <= b < span.hi_us):
            return (self.cumulative_us(b) - self.cumulative_us(a)) / 1e6
        return (cumulative(span, b) - cumulative(span, a)) / 1e6

    def add_business_seconds(self, start: datetime, seconds: float) -> datetime:
        """The earliest instant at which `seconds` of working time have passed since `start`."""
        us = round(seconds * 1e6)
        return self.from_us(self.add_business_us(to_us(start, "start"), us))

    def is_working_day(self, day: date) -> bool:
        """True when the local date (or an aware datetime's local date) has working time."""
        return bool(self.windows_on(day))

    def windows_on(self, day: date) -> DayWindows:
        """The working windows of one local date after holidays and overrides.

        An aware datetime stands for its date in the calendar's zone; a naive one is refused
        (a datetime never equals a date, so it used to match no holiday at all).
        """
        day = self.local_date(day)
        return self._windows_for(day, self._holidays_for(day.year, day.year + 1))

    def local_date(self, when: date) -> date:
        """The calendar's local date of an aware datetime; a plain date unchanged."""
        if isinstance(when, datetime):
            return require_aware("day", when).astimezone(self.zone).date()
        return when

    def official_years(self) -> tuple[int, ...]:
        """The calendar years the official production calendar data covers (empty if none)."""
        return calendar_notes.official_years(self)

    def coverage_warning(self, start: datetime, end: datetime) -> str | None:
        """One line when [start, end] runs into a year the official data does not cover."""
        return calendar_notes.coverage_warning(self, start, end)

    def day_notes(self, start: datetime, end: datetime) -> tuple[calendar_notes.DayNote, ...]:
        """Why each local date in [start, end] is not an ordinary day of the week."""
        return calendar_notes.day_notes(self, start, end)

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
        # `span.cumulative` inline: a call per boundary was a tenth of this.
        lo, day_first, probe, ends, cum_starts = (
            span.lo_us,
            span.day_first,
            span.probe,
            span.ends,
            span.cum_starts,
        )
        out = []
        for t in ts:
            k = day_first[(t - lo) // DAY_US]
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
        return cumulative(span, t)

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

    def _cover(self, t: int) -> Span:
        try:
            year = self.from_us(t).year
        except (OverflowError, ValueError):
            year = MAXYEAR if t > 0 else MINYEAR  # beyond datetime in the local zone
        span = self._span
        if span is None:
            return self._grow(year - 1, year + 2)
        return self._grow(min(span.lo_year, year - 1), max(span.hi_year, year + 2))

    def _grow(self, lo_year: int, hi_year: int) -> Span:
        if lo_year < _LO_YEAR or hi_year > _HI_YEAR:
            raise CalendarError(
                f"business time can be counted for the years {_LO_YEAR + 1}-{_HI_YEAR - 2} "
                "only: a date outside them was asked for"
            )
        with self._lock:
            old = self._span
            if old is not None and old.lo_year <= lo_year and hi_year <= old.hi_year:
                return old
            if old is None:
                s, e = self._intervals(lo_year, hi_year)
                span = assemble(s, e, lo_year, hi_year, self._midnight_us, base=0)
            else:
                lo_year, hi_year = min(lo_year, old.lo_year), max(hi_year, old.hi_year)
                before = self._intervals(lo_year, old.lo_year)
                after = self._intervals(old.hi_year, hi_year)
                span = extend(old, before, after, lo_year, hi_year, self._midnight_us)
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
        # Wall-clock time to an instant, with window edges in a DST gap at the transition.
        return local_us(self.zone, day, minute)

    def _holidays_for(self, lo_year: int, hi_year: int) -> Holidays:
        spec = self.spec
        if not spec.country or spec.always_open:
            return frozenset(), frozenset()
        official = spec.official
        # Years the official data covers need nothing from the package.
        years = [y for y in range(lo_year, hi_year) if official is None or not official.covers(y)]
        if not years:
            return frozenset(), frozenset()
        table = holidays_lib.country_holidays(spec.country, subdiv=spec.subdivision, years=years)
        return frozenset(table.keys()), frozenset(getattr(table, "weekend_workdays", ()))

    def _windows_for(self, day: date, hols: Holidays) -> DayWindows:
        return resolve(self.spec, day, hols)[0]
