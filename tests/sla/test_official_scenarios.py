"""Trap days of the official calendar, on the regulation's 09:00-18:00 Moscow calendar."""

from __future__ import annotations

from datetime import date

from config.regulation import load_regulation
from sla import BusinessCalendar, CalendarSpec
from tests.helpers import HOUR, msk

CAL = load_regulation().policies.default.calendar


def test_working_saturday_2024_04_27_counts_nine_hours_and_29_30_april_are_off():
    assert CAL.business_seconds(msk(2024, 4, 27), msk(2024, 4, 28)) == 9 * HOUR
    assert not CAL.is_working_day(date(2024, 4, 29))
    assert not CAL.is_working_day(date(2024, 4, 30))
    # Friday 15:00 + 6 h: Friday 3 h, then Saturday 09:00-12:00, not Thursday 2 May.
    assert CAL.add_business_seconds(msk(2024, 4, 26, 15), 6 * HOUR) == msk(2024, 4, 27, 12)


def test_working_saturday_2024_12_28_before_new_year_is_a_full_day():
    assert CAL.windows_on(date(2024, 12, 28)) == ((9 * 60, 18 * 60),)
    assert not CAL.is_working_day(date(2024, 12, 30))
    assert not CAL.is_working_day(date(2024, 12, 31))
    # Saturday 17:00 + 2 h runs over the holidays to Thursday 9 January 2025, 10:00.
    assert CAL.add_business_seconds(msk(2024, 12, 28, 17), 2 * HOUR) == msk(2025, 1, 9, 10)


def test_shortened_saturday_2025_11_01_counts_eight_hours_and_ends_at_17_00():
    assert CAL.business_seconds(msk(2025, 11, 1), msk(2025, 11, 2)) == 8 * HOUR
    assert CAL.add_business_seconds(msk(2025, 11, 1, 9), 8 * HOUR) == msk(2025, 11, 1, 17)
    # One more hour: Sunday, Monday 3 (moved from 1 November) and Tuesday 4 are off.
    assert CAL.add_business_seconds(msk(2025, 11, 1, 9), 9 * HOUR) == msk(2025, 11, 5, 10)


def test_pre_holiday_thursday_2024_02_22_ends_at_17_00():
    assert CAL.windows_on(date(2024, 2, 22)) == ((9 * 60, 17 * 60),)
    assert CAL.add_business_seconds(msk(2024, 2, 22, 12), 6 * HOUR) == msk(2024, 2, 26, 10)


def test_2020_decree_weeks_count_nothing_from_30_march_to_11_may():
    assert CAL.business_seconds(msk(2020, 3, 27, 18), msk(2020, 5, 12, 9)) == 0
    assert CAL.business_seconds(msk(2020, 3, 27, 9), msk(2020, 5, 12, 18)) == 18 * HOUR
    assert not CAL.is_working_day(date(2020, 6, 24))  # the Victory parade
    assert not CAL.is_working_day(date(2020, 7, 1))  # the constitutional vote
    # 23 June precedes a decree day, not a holiday: a full day.
    assert CAL.windows_on(date(2020, 6, 23)) == ((9 * 60, 18 * 60),)


def test_2021_decree_days_4_7_may_and_1_3_november_are_off():
    assert CAL.business_seconds(msk(2021, 4, 30, 9), msk(2021, 5, 11, 18)) == (8 + 9) * HOUR
    assert CAL.business_seconds(msk(2021, 10, 29, 18), msk(2021, 11, 8, 9)) == 0


def test_2014_03_10_is_off_for_8_march_on_a_saturday():
    assert not CAL.is_working_day(date(2014, 3, 10))


def test_explain_notes_show_the_17_00_end_and_cite_the_acts():
    notes = {n.day: n.text for n in CAL.day_notes(msk(2025, 10, 31), msk(2025, 11, 5))}
    assert notes[date(2025, 11, 1)] == (
        "shortened pre-holiday day (ТК РФ ст. 95): working window ends 17:00 instead of 18:00"
    )
    assert "№ 1335" in notes[date(2025, 11, 3)]
    assert date(2025, 11, 2) not in notes  # an ordinary Sunday
    april = {n.day: n.text for n in CAL.day_notes(msk(2024, 4, 27), msk(2024, 4, 27, 23))}
    assert april[date(2024, 4, 27)].startswith(
        "working Saturday (Постановление Правительства РФ от 10.08.2023 № 1314)"
    )
    covid = CAL.day_notes(msk(2020, 4, 6), msk(2020, 4, 6, 12))
    assert [str(n) for n in covid] == [
        "2020-04-06: non-working day (Указ Президента РФ от 02.04.2020 № 239)"
    ]


def test_a_request_running_into_2028_gets_a_coverage_warning():
    assert CAL.coverage_warning(msk(2027, 1, 10), msk(2027, 12, 30)) is None
    warning = CAL.coverage_warning(msk(2027, 12, 20), msk(2028, 1, 15))
    assert warning is not None
    assert "covers 2013–2027" in warning and "2028 counted from the holidays package" in warning


def test_a_calendar_built_without_official_data_still_works_on_the_holidays_package():
    cal = BusinessCalendar(CalendarSpec())
    assert cal.official_years() == ()
    assert cal.windows_on(date(2025, 11, 1)) == ((9 * 60, 18 * 60),)  # not shortened there
    assert not cal.is_working_day(date(2025, 11, 3))
    assert cal.coverage_warning(msk(2040, 1, 1), msk(2040, 2, 1)) is None
