"""What defines a business calendar: zone, weekly windows, country, overrides (`CalendarSpec`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from sla.errors import ConfigError
from sla.official import OfficialCalendar

Window = tuple[int, int]
"""A working window as (start, end) minutes after local midnight; end may be 1440."""

DayWindows = tuple[Window, ...]

NINE_TO_SIX: DayWindows = ((9 * 60, 18 * 60),)


@dataclass(frozen=True)
class CalendarSpec:
    """Everything that defines a calendar; hashable, so calendars can be shared per spec.

    `official` is the country's official production calendar (days off, working weekend
    days, shortened days) for the years it covers; other years, and specs without it, take
    the `holidays` package. `shorten_pre_holidays` applies its shortened days (the day's
    last working window ends an hour earlier); `shortened_days` sets a date's windows
    explicitly and wins over both.
    """

    timezone: str = "Europe/Moscow"
    week: tuple[DayWindows, ...] = (NINE_TO_SIX,) * 5 + ((), ())
    country: str | None = "RU"
    subdivision: str | None = None
    extra_holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    shortened_days: Mapping[date, DayWindows] = field(default_factory=dict)
    always_open: bool = False
    official: OfficialCalendar | None = None
    shorten_pre_holidays: bool = True

    def __post_init__(self) -> None:
        if self.country is not None and not self.country.strip():
            # An empty code used to mean "no holidays" silently; null says that on purpose.
            raise ConfigError(
                "calendar", "country", "a country code such as RU, or null for no holidays", ""
            )
        if self.official is not None and self.official.country != (self.country or "").upper():
            raise ConfigError(
                "calendar",
                "official",
                f"the official calendar of {self.country}",
                self.official.country,
            )
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
                self.official,
                self.shorten_pre_holidays,
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
