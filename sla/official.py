"""Official production calendars as data: the days off, working weekend days and shortened
days of each year a country publishes, each with the act it comes from.

The data itself lives outside `sla` (a file loaded by `config`); this module only holds it,
so the domain stays pure. A date the calendar does not list follows the standard five-day
week (Monday to Friday working, Saturday and Sunday off).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from sla.errors import ConfigError


class DayKind(StrEnum):
    """What the official calendar says about a date it lists."""

    DAY_OFF = "day_off"  # a non-working day: holiday, moved day off, day off by decree
    WORKING = "working"  # a Saturday or Sunday made a working day
    SHORTENED = "shortened"  # a working day one hour shorter (pre-holiday, ТК РФ ст. 95)


@dataclass(frozen=True, slots=True)
class OfficialDay:
    """One listed date: its kind and why, citing the law or act (shown by `explain`)."""

    kind: DayKind
    reason: str


@dataclass(frozen=True, eq=False)
class OfficialCalendar:
    """A country's official calendar for the years it covers (years -> provenance)."""

    country: str
    years: Mapping[int, str]
    days: Mapping[date, OfficialDay] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        if not self.years:
            raise ConfigError(f"official calendar {self.country}", "years", "at least one year")
        stray = sorted(d for d in self.days if d.year not in self.years)
        if stray:
            raise ConfigError(
                f"official calendar {self.country}", "days", "dates of covered years", stray[0]
            )
        object.__setattr__(self, "years", MappingProxyType(dict(sorted(self.years.items()))))
        object.__setattr__(self, "days", MappingProxyType(dict(sorted(self.days.items()))))
        # Calendars are shared per spec (dict key), so equality is by content, hashed once.
        key = (self.country, tuple(self.years.items()), tuple(self.days.items()))
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_hash", hash(key))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OfficialCalendar):
            return NotImplemented
        return self._key == other._key  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    def covers(self, year: int) -> bool:
        """True when the data holds this calendar year."""
        return year in self.years

    def day(self, day: date) -> OfficialDay | None:
        """The listed entry of a date (None: an ordinary day of the five-day week)."""
        return self.days.get(day)

    def coverage(self) -> str:
        """The covered years as text, e.g. '2013–2027' (gaps shown: '2013–2019, 2021')."""
        return format_years(self.years)


def format_years(years: Iterable[int]) -> str:
    """Years as compact ranges: [2013, 2014, 2015, 2017] -> '2013–2015, 2017'."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)
