"""Edge cases of span building: DST gaps, datetimes as days, year limits, empty country."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla import BusinessCalendar, CalendarError, CalendarSpec, ConfigError, NaiveDatetimeError
from tests.helpers import HOUR, msk

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def _every_day(zone: str, window: tuple[int, int]) -> BusinessCalendar:
    return BusinessCalendar(CalendarSpec(timezone=zone, country=None, week=((window,),) * 7))


def _day_total(cal: BusinessCalendar, zone: ZoneInfo, day: date) -> float:
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    return cal.business_seconds(start, start + timedelta(days=1)) / HOUR


def test_berlin_window_ending_in_the_dst_gap_ends_at_the_transition():
    # 2025-03-30: 02:00 CET jumps to 03:00 CEST. 01:00-02:30 is 01:00-02:00 of real time.
    cal = _every_day("Europe/Berlin", (60, 150))
    assert _day_total(cal, BERLIN, date(2025, 3, 30)) == 1.0
    assert _day_total(cal, BERLIN, date(2025, 3, 29)) == 1.5


def test_berlin_window_starting_in_the_dst_gap_starts_at_the_transition():
    # 02:30-03:30 used to count 0 (start read as 03:30 CEST); it is 03:00-03:30 CEST.
    cal = _every_day("Europe/Berlin", (150, 210))
    assert _day_total(cal, BERLIN, date(2025, 3, 30)) == 0.5
    start = cal.add_business_seconds(datetime(2025, 3, 30, 0, tzinfo=BERLIN), 1)
    assert start == datetime(2025, 3, 30, 3, 0, 1, tzinfo=BERLIN)
    assert start.utcoffset() == timedelta(hours=2)


def test_window_wholly_inside_the_dst_gap_counts_nothing():
    cal = _every_day("Europe/Berlin", (125, 170))
    assert _day_total(cal, BERLIN, date(2025, 3, 30)) == 0.0
    assert _day_total(cal, BERLIN, date(2025, 3, 31)) == 0.75


def test_new_york_gap_and_autumn_overlap_keep_their_real_lengths():
    cal = _every_day("America/New_York", (60, 180))  # 01:00-03:00
    assert _day_total(cal, NEW_YORK, date(2025, 3, 9)) == 1.0  # 02:00-03:00 does not exist
    # 2025-11-02: 01:00-02:00 happens twice; the window spans both plus 02:00-03:00.
    assert _day_total(cal, NEW_YORK, date(2025, 11, 2)) == 3.0


def test_windows_on_an_aware_datetime_answers_for_its_local_date():
    cal = BusinessCalendar()
    assert not cal.is_working_day(datetime(2024, 1, 1, 12, tzinfo=UTC))  # a holiday
    # 22:00 UTC on 8 January is 01:00 on 9 January in Moscow: a working day.
    assert cal.is_working_day(datetime(2024, 1, 8, 22, tzinfo=UTC))
    assert cal.windows_on(datetime(2024, 1, 8, 20, tzinfo=UTC)) == ()


def test_windows_on_a_naive_datetime_is_refused():
    with pytest.raises(NaiveDatetimeError):
        BusinessCalendar().windows_on(datetime(2024, 1, 1, 12))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(9998, 6, 1, tzinfo=UTC), datetime(9998, 6, 2, tzinfo=UTC)),
        (datetime(9999, 12, 31, 22, tzinfo=UTC), datetime(9999, 12, 31, 23, tzinfo=UTC)),
        (datetime(2, 6, 1, tzinfo=UTC), datetime(2, 6, 2, tzinfo=UTC)),
    ],
)
def test_dates_beyond_what_the_calendar_can_build_are_a_calendar_error(start, end):
    with pytest.raises(CalendarError, match="years 3-9997"):
        BusinessCalendar(CalendarSpec(country=None)).business_seconds(start, end)


def test_year_9997_still_counts():
    cal = BusinessCalendar(CalendarSpec(country=None))
    assert cal.business_seconds(msk(9997, 6, 2, 9), msk(9997, 6, 2, 18)) == 9 * HOUR


@pytest.mark.parametrize("country", ["", "  "])
def test_an_empty_country_code_is_a_config_error_not_no_holidays(country):
    with pytest.raises(ConfigError, match=r"country.*null for no holidays"):
        CalendarSpec(country=country)
