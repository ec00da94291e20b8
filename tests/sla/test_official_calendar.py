"""The shipped calendar against the independently typed official one, day by day and by year."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from config.official_calendars import official_calendar
from config.regulation import load_regulation
from sla import BusinessCalendar, CalendarSpec
from tests.helpers import HOUR, msk
from tests.sla import official_ru_calendar as official

REGULATION = load_regulation().policies.default.calendar
# The same official data on an 8-hour day (09:00-17:00): the 40-hour week of the norms.
FORTY_HOURS = BusinessCalendar(
    CalendarSpec(week=(((9 * 60, 17 * 60),),) * 5 + ((), ()), official=official_calendar("RU"))
)


def _days(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def test_the_data_covers_every_year_of_the_table():
    assert REGULATION.official_years() == tuple(official.YEARS)


@pytest.mark.parametrize("year", sorted(official.YEARS))
def test_shipped_calendar_matches_the_official_table_day_by_day(year):
    wrong = []
    for day in _days(year):
        hours = sum(end - start for start, end in REGULATION.windows_on(day)) / 60
        if hours != official.working_hours(day, day_hours=9):
            wrong.append(f"{day} ({day:%a}): {hours:g} h, official {official.kind(day)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("year", sorted(official.YEARS))
def test_yearly_working_days_and_hours_of_a_40_hour_week_match_the_published_norm(year):
    expected = official.YEARS[year]
    days = sum(FORTY_HOURS.is_working_day(d) for d in _days(year))
    hours = FORTY_HOURS.business_seconds(msk(year, 1, 1), msk(year + 1, 1, 1)) / HOUR
    # The published norms of 2020 and 2021 predate the decrees: count their days back in.
    days += len(expected.decree)
    hours += sum(8 - (d in expected.shortened) for d in expected.decree)
    assert (days, hours) == (expected.days, expected.hours), (
        "published" if expected.published else "computed from the resolution"
    )
