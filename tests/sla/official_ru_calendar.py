"""The official Russian production calendar 2013-2027, typed for the tests from the acts.

Kept apart from `config/calendars/ru.yaml` on purpose, and shaped differently: the data file
lists causes (moved, observed, decreed), this table lists the outcome a published calendar
shows, so a typo in one is caught by the other. Per year: the Monday-Friday dates that are
days off (`off`), those of them made non-working by decree (`decree`, 2020 and 2021), the
Saturdays that are working days (`working`), the shortened pre-holiday days as the year's
calendar published them before any decree (`shortened`), and the published yearly totals
for a 40-hour week (`days`, `hours`), which are counted without the decree days.

Sources: the Government resolutions on transfers of days off and the presidential decrees
(named in ru.yaml), the КонсультантПлюс production calendars as scraped into the
webmasterskaya/production-calendar and carono/production-calendar data sets, and the
xmlcalendar.ru data set. Totals: КонсультантПлюс / Минтруд published norms; the 2027 totals
were computed (no published figure was found when this was written).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Year:
    off: frozenset[date]
    decree: frozenset[date]
    working: frozenset[date]
    shortened: frozenset[date]
    days: int
    hours: int
    published: bool = True


def _dates(year: int, text: str) -> frozenset[date]:
    """'01-01 01-04..01-08' -> the dates, ranges inclusive, weekends inside ranges skipped."""
    out: set[date] = set()
    for item in text.split():
        first, _, last = item.partition("..")
        day = date.fromisoformat(f"{year}-{first}")
        end = date.fromisoformat(f"{year}-{last or first}")
        while day <= end:
            if day.weekday() < 5 or not last:
                out.add(day)
            day += timedelta(days=1)
    return frozenset(out)


def _year(y, off, shortened, days, hours, working="", decree="", published=True) -> Year:
    dec = _dates(y, decree)
    return Year(
        _dates(y, off) | dec, dec, _dates(y, working), _dates(y, shortened), days, hours, published
    )


# fmt: off
YEARS: dict[int, Year] = {
    2013: _year(2013, "01-01..01-04 01-07 01-08 03-08 05-01..05-03 05-09 05-10 06-12 11-04",
                "02-22 03-07 04-30 05-08 06-11 12-31", 247, 1970),
    2014: _year(2014, "01-01..01-03 01-06..01-08 03-10 05-01 05-02 05-09 06-12 06-13 11-03 11-04",
                "02-24 03-07 04-30 05-08 06-11 12-31", 247, 1970),
    2015: _year(2015, "01-01 01-02 01-05..01-09 02-23 03-09 05-01 05-04 05-11 06-12 11-04",
                "04-30 05-08 06-11 11-03 12-31", 247, 1971),
    2016: _year(2016, "01-01 01-04..01-08 02-22 02-23 03-07 03-08 05-02 05-03 05-09 06-13 11-04",
                "02-20 11-03", 247, 1974, working="02-20"),
    2017: _year(2017, "01-02..01-06 02-23 02-24 03-08 05-01 05-08 05-09 06-12 11-06",
                "02-22 03-07 11-03", 247, 1973),
    2018: _year(2018, "01-01..01-05 01-08 02-23 03-08 03-09 04-30 05-01 05-02 05-09 06-11 06-12 "
                "11-05 12-31", "02-22 03-07 04-28 05-08 06-09 12-29", 247, 1970,
                working="04-28 06-09 12-29"),
    2019: _year(2019, "01-01..01-04 01-07 01-08 03-08 05-01..05-03 05-09 05-10 06-12 11-04",
                "02-22 03-07 04-30 05-08 06-11 12-31", 247, 1970),
    2020: _year(2020, "01-01..01-03 01-06..01-08 02-24 03-09 05-01 05-04 05-05 05-11 06-12 11-04",
                "04-30 05-08 06-11 11-03 12-31", 248, 1979,
                decree="03-30..04-30 05-06..05-08 06-24 07-01"),
    2021: _year(2021, "01-01 01-04..01-08 02-22 02-23 03-08 05-03 05-10 06-14 11-04 11-05 12-31",
                "02-20 04-30 06-11 11-03", 247, 1972, working="02-20",
                decree="05-04..05-07 11-01..11-03"),
    2022: _year(2022, "01-03..01-07 02-23 03-07 03-08 05-02 05-03 05-09 05-10 06-13 11-04",
                "02-22 03-05 11-03", 247, 1973, working="03-05"),
    2023: _year(2023, "01-02..01-06 02-23 02-24 03-08 05-01 05-08 05-09 06-12 11-06",
                "02-22 03-07 11-03", 247, 1973),
    2024: _year(2024, "01-01..01-05 01-08 02-23 03-08 04-29 04-30 05-01 05-09 05-10 06-12 11-04 "
                "12-30 12-31", "02-22 03-07 05-08 06-11 11-02", 248, 1979,
                working="04-27 11-02 12-28"),
    2025: _year(2025, "01-01..01-03 01-06..01-08 05-01 05-02 05-08 05-09 06-12 06-13 11-03 11-04 "
                "12-31", "03-07 04-30 06-11 11-01", 247, 1972, working="11-01"),
    2026: _year(2026, "01-01 01-02 01-05..01-09 02-23 03-09 05-01 05-11 06-12 11-04 12-31",
                "04-30 05-08 06-11 11-03", 247, 1972),
    2027: _year(2027, "01-01 01-04..01-08 02-22 02-23 03-08 05-03 05-10 06-14 11-04 11-05 12-31",
                "02-20 04-30 06-11 11-03", 247, 1972, working="02-20", published=False),
}
# fmt: on


def kind(day: date) -> str:
    """'off', 'working' or 'shortened' for a date of a covered year (five-day week)."""
    year = YEARS[day.year]
    if day in year.off or (day.weekday() >= 5 and day not in year.working):
        return "off"
    return "shortened" if day in year.shortened else "working"


def working_hours(day: date, day_hours: int = 8) -> int:
    """Hours of a day on a `day_hours` working day (8 = the 40-hour week's norm)."""
    k = kind(day)
    return 0 if k == "off" else day_hours - (k == "shortened")
