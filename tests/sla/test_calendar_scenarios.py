"""Named calendar scenarios: the regulation's production calendar, lunch breaks, DST, 24x7."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla import BusinessCalendar, CalendarSpec, ConfigError, NaiveDatetimeError
from sla.calendar import NINE_TO_SIX
from tests.helpers import HOUR, msk

CAL = BusinessCalendar()
BERLIN = ZoneInfo("Europe/Berlin")


def test_friday_afternoon_plus_six_hours_lands_on_monday_13_00():
    assert CAL.add_business_seconds(msk(2024, 11, 22, 16), 6 * HOUR) == msk(2024, 11, 25, 13)


def test_deadline_ending_at_closing_time_is_18_00_not_next_morning():
    assert CAL.add_business_seconds(msk(2024, 11, 22, 12), 6 * HOUR) == msk(2024, 11, 22, 18)
    assert CAL.add_business_seconds(msk(2024, 11, 22, 9), 9 * HOUR) == msk(2024, 11, 22, 18)


def test_working_saturday_2024_04_27_counts_and_29_30_april_do_not():
    assert CAL.is_working_day(date(2024, 4, 27))
    assert not CAL.is_working_day(date(2024, 4, 29))
    assert not CAL.is_working_day(date(2024, 4, 30))
    assert CAL.business_seconds(msk(2024, 4, 26, 9), msk(2024, 5, 3, 9)) == 27 * HOUR


def test_new_year_holidays_2025_01_01_to_08_are_not_counted():
    for day in range(1, 9):
        assert not CAL.is_working_day(date(2025, 1, day))
    assert CAL.business_seconds(msk(2024, 12, 31, 9), msk(2025, 1, 9, 10)) == 1 * HOUR
    assert CAL.add_business_seconds(msk(2025, 1, 3, 10), 6 * HOUR) == msk(2025, 1, 9, 15)


def test_working_saturday_2024_12_28_counts():
    assert CAL.business_seconds(msk(2024, 12, 28, 0), msk(2024, 12, 29, 0)) == 9 * HOUR


def test_requests_from_2015_and_2030_use_the_holidays_of_their_years():
    # 2015-03-09 was a substituted day off; 2030-01-01..08 are New Year holidays.
    assert CAL.add_business_seconds(msk(2015, 3, 6, 12), 10 * HOUR) == msk(2015, 3, 10, 13)
    assert CAL.add_business_seconds(msk(2030, 12, 31, 12), 10 * HOUR) == msk(2031, 1, 9, 13)
    assert CAL.business_seconds(msk(2015, 1, 1), msk(2031, 1, 1)) > 0


def test_naive_datetime_is_rejected_with_a_clear_error():
    with pytest.raises(NaiveDatetimeError, match="time-zone-aware"):
        CAL.business_seconds(datetime(2024, 1, 10, 9), msk(2024, 1, 10, 10))
    with pytest.raises(NaiveDatetimeError):
        CAL.add_business_seconds(datetime(2024, 1, 10, 9), 60)


def test_instants_in_other_offsets_are_the_same_instants():
    utc_start = datetime(2024, 11, 22, 6, 0, tzinfo=UTC)  # 09:00 Moscow
    ny_end = datetime(2024, 11, 22, 4, 0, tzinfo=ZoneInfo("America/New_York"))  # 12:00 Moscow
    assert CAL.business_seconds(utc_start, ny_end) == 3 * HOUR


def test_lunch_break_windows_are_not_counted():
    lunch = ((9 * 60, 13 * 60), (14 * 60, 18 * 60))
    cal = BusinessCalendar(CalendarSpec(week=(lunch,) * 5 + ((), ())))
    assert cal.business_seconds(msk(2024, 11, 20, 12), msk(2024, 11, 20, 15)) == 2 * HOUR
    assert cal.add_business_seconds(msk(2024, 11, 20, 12), 1 * HOUR) == msk(2024, 11, 20, 13)
    assert cal.add_business_seconds(msk(2024, 11, 20, 12), 1.5 * HOUR) == msk(2024, 11, 20, 14, 30)


def test_dst_in_berlin_custom_calendar_counts_wall_clock_hours():
    cal = BusinessCalendar(CalendarSpec(timezone="Europe/Berlin", country=None))
    # Spring forward on Sunday 2024-03-31: Friday 16:00 CET -> Monday 11:00 CEST = 2 + 2 h.
    fri = datetime(2024, 3, 29, 16, tzinfo=BERLIN)
    mon = datetime(2024, 4, 1, 11, tzinfo=BERLIN)
    assert cal.business_seconds(fri, mon) == 4 * HOUR
    assert cal.add_business_seconds(fri, 4 * HOUR) == mon
    assert cal.add_business_seconds(fri, 4 * HOUR).utcoffset() == timedelta(hours=2)
    # Fall back on Sunday 2024-10-27.
    fri = datetime(2024, 10, 25, 17, tzinfo=BERLIN)
    assert cal.business_seconds(fri, datetime(2024, 10, 28, 10, tzinfo=BERLIN)) == 2 * HOUR


def test_german_holidays_for_a_berlin_calendar_with_country_and_subdivision():
    cal = BusinessCalendar(CalendarSpec(timezone="Europe/Berlin", country="DE", subdivision="BE"))
    assert not cal.is_working_day(date(2024, 3, 29))  # Good Friday
    assert not cal.is_working_day(date(2024, 3, 8))  # International Women's Day, Berlin only


def test_24x7_calendar_counts_every_second():
    cal = BusinessCalendar(CalendarSpec(always_open=True))
    start = msk(2024, 12, 31, 23)
    assert cal.business_seconds(start, msk(2025, 1, 2, 1)) == 26 * HOUR
    assert cal.add_business_seconds(start, 50 * HOUR) == msk(2025, 1, 3, 1)


def test_extra_holidays_working_days_and_shortened_days_from_config():
    spec = CalendarSpec(
        extra_holidays=frozenset({date(2024, 11, 20)}),
        extra_working_days=frozenset({date(2024, 11, 23)}),
        shortened_days={date(2024, 11, 21): ((9 * 60, 17 * 60),)},
    )
    cal = BusinessCalendar(spec)
    assert not cal.is_working_day(date(2024, 11, 20))
    assert cal.windows_on(date(2024, 11, 23)) == NINE_TO_SIX
    assert cal.business_seconds(msk(2024, 11, 20), msk(2024, 11, 24)) == (8 + 9 + 9) * HOUR


def test_sub_second_instants_are_exact():
    start = msk(2024, 11, 22, 17, 59, 59) + timedelta(microseconds=250_000)
    assert CAL.business_seconds(start, msk(2024, 11, 22, 18)) == 0.75
    assert CAL.add_business_seconds(start, 0.75) == msk(2024, 11, 22, 18)


def test_unknown_time_zone_and_country_are_config_errors():
    with pytest.raises(ConfigError, match="timezone"):
        BusinessCalendar(CalendarSpec(timezone="Europe/Moskva"))
    with pytest.raises(ConfigError, match="country"):
        BusinessCalendar(CalendarSpec(country="XX"))


def test_a_calendar_with_no_working_time_fails_instead_of_looping():
    cal = BusinessCalendar(CalendarSpec(week=((),) * 7, country=None))
    with pytest.raises(Exception, match="no working time"):
        cal.add_business_seconds(msk(2024, 1, 1), 1)
