"""What a calendar can tell about an interval: official-data coverage and per-day notes.

These are for the outside to print (`check`, the pass log, `explain`); the clock never reads
them. `BusinessCalendar.coverage_warning` and `.day_notes` delegate here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sla.official import DayKind, format_years
from sla.workdays import EXTRA_HOLIDAY, default_working_windows, resolve

if TYPE_CHECKING:
    from sla.calendar import BusinessCalendar
    from sla.calendar_spec import DayWindows

MAX_NOTE_DAYS = 3660  # notes for ten years at most: explain is for one request


@dataclass(frozen=True, slots=True)
class DayNote:
    """One local date that is not an ordinary day of the week, and why."""

    day: date
    text: str

    def __str__(self) -> str:
        return f"{self.day.isoformat()}: {self.text}"


def official_years(cal: BusinessCalendar) -> tuple[int, ...]:
    """The calendar years the official data of the calendar covers (empty: none attached)."""
    official = cal.spec.official
    return tuple(official.years) if official is not None else ()


def coverage_warning(cal: BusinessCalendar, start: datetime, end: datetime) -> str | None:
    """One line when [start, end] runs into a year the official data does not cover."""
    spec = cal.spec
    official = spec.official
    if official is None or spec.always_open:
        return None
    lo, hi = sorted((cal.local_date(start).year, cal.local_date(end).year))
    missing = [y for y in range(lo, hi + 1) if not official.covers(y)]
    if not missing:
        return None
    return (
        f"the official {official.country} production calendar shipped covers "
        f"{official.coverage()}; {format_years(missing)} counted from the holidays package "
        "(no shortened pre-holiday days, no transfers or decrees published later): "
        "business hours there may be off"
    )


def day_notes(cal: BusinessCalendar, start: datetime, end: datetime) -> tuple[DayNote, ...]:
    """Notes for each local date in [start, end] that the calendar treats specially."""
    first, last = sorted((cal.local_date(start), cal.local_date(end)))
    last = min(last, first + timedelta(days=MAX_NOTE_DAYS))
    hols = cal._holidays_for(first.year, last.year + 1)  # a sibling module of the calendar
    notes: list[DayNote] = []
    day = first
    while day <= last:
        windows, reason = resolve(cal.spec, day, hols)
        text = _note(cal, day, windows, reason) if reason is not None else None
        if text:
            notes.append(DayNote(day, text))
        day += timedelta(days=1)
    return tuple(notes)


def _note(cal: BusinessCalendar, day: date, windows: DayWindows, reason: str) -> str | None:
    spec = cal.spec
    own = spec.week[day.weekday()]
    if not windows:
        # A holiday on a day the week does not work anyway changes nothing worth saying.
        return reason if own or reason == EXTRA_HOLIDAY else None
    official = spec.official
    entry = official.day(day) if official is not None and official.covers(day.year) else None
    base = own if own or day.weekday() < 5 else default_working_windows(spec)
    if entry is not None and entry.kind is DayKind.SHORTENED:
        if windows == base:
            return f"{reason}, counted in full: calendar.shorten_pre_holidays is off"
        return (
            f"{reason}: working window ends {_hhmm(windows[-1][1])} instead of {_hhmm(base[-1][1])}"
        )
    if windows != base:
        return f"{reason}: working windows {_windows(windows)} instead of {_windows(base)}"
    if own:
        return None  # e.g. an extra working day on a day that works anyway
    return f"{reason}: {_windows(windows)}"


def _windows(windows: DayWindows) -> str:
    return ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in windows) or "none"


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
