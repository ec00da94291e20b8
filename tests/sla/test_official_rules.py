"""The rules of an official calendar in the domain, on small hand-made calendars."""

from __future__ import annotations

from datetime import date

import pytest

from sla import BusinessCalendar, CalendarSpec, ConfigError
from sla.official import DayKind, OfficialCalendar, OfficialDay
from sla.workdays import shorten
from tests.helpers import HOUR, msk

OFF = OfficialDay(DayKind.DAY_OFF, "public holiday X (law)")
WORK = OfficialDay(DayKind.WORKING, "working Saturday (act)")
SHORT = OfficialDay(DayKind.SHORTENED, "shortened pre-holiday day (ТК РФ ст. 95)")

# 2025: Saturday 1 November shortened and working, Monday 3 November off, Friday 7 March short.
RU_2025 = OfficialCalendar(
    "RU",
    {2025: "act of 2025"},
    {date(2025, 11, 1): SHORT, date(2025, 11, 3): OFF, date(2025, 3, 7): SHORT},
)
LUNCH = ((9 * 60, 13 * 60), (14 * 60, 18 * 60))


def _cal(**kw) -> BusinessCalendar:
    kw.setdefault("official", RU_2025)
    return BusinessCalendar(CalendarSpec(**kw))


def test_shortened_saturday_2025_11_01_ends_at_17_00():
    cal = _cal()
    assert cal.windows_on(date(2025, 11, 1)) == ((9 * 60, 17 * 60),)
    assert cal.business_seconds(msk(2025, 11, 1), msk(2025, 11, 2)) == 8 * HOUR


def test_shortened_day_on_a_lunch_break_calendar_ends_the_last_window_an_hour_early():
    cal = _cal(week=(LUNCH,) * 5 + ((), ()))
    assert cal.windows_on(date(2025, 3, 7)) == ((540, 780), (840, 1020))


def test_shortened_day_on_an_evening_shift_ends_at_22_00():
    cal = _cal(week=(((14 * 60, 23 * 60),),) * 5 + ((), ()))
    assert cal.windows_on(date(2025, 3, 7)) == ((840, 1320),)


def test_a_last_window_shorter_than_an_hour_goes_and_the_rest_comes_off_the_one_before():
    assert shorten(((540, 780), (1050, 1080)), 60) == ((540, 750),)
    assert shorten(((540, 570),), 60) == ()


def test_switching_pre_holiday_shortening_off_counts_the_day_in_full():
    cal = _cal(shorten_pre_holidays=False)
    assert cal.business_seconds(msk(2025, 11, 1), msk(2025, 11, 2)) == 9 * HOUR


def test_explicit_configuration_of_a_date_wins_over_the_official_calendar():
    cal = _cal(
        shortened_days={date(2025, 11, 1): ((10 * 60, 14 * 60),)},
        extra_working_days=frozenset({date(2025, 11, 3)}),
        extra_holidays=frozenset({date(2025, 3, 7)}),
    )
    assert cal.windows_on(date(2025, 11, 1)) == ((600, 840),)
    assert cal.windows_on(date(2025, 11, 3)) == ((540, 1080),)
    assert cal.windows_on(date(2025, 3, 7)) == ()


def test_a_covered_year_takes_the_data_and_other_years_the_holidays_package():
    cal = _cal()
    # 2025-01-01 is not in the hand-made data: an ordinary Wednesday for this calendar.
    assert cal.is_working_day(date(2025, 1, 1))
    # 2026 is not covered: the holidays package says 1 January is a holiday.
    assert not cal.is_working_day(date(2026, 1, 1))


def test_an_official_calendar_of_another_country_is_a_config_error():
    with pytest.raises(ConfigError, match="official calendar of DE"):
        CalendarSpec(country="DE", official=RU_2025)


def test_official_calendars_compare_and_hash_by_content():
    twin = OfficialCalendar("RU", {2025: "act of 2025"}, dict(RU_2025.days))
    assert twin == RU_2025 and hash(twin) == hash(RU_2025)
    assert CalendarSpec(official=twin) == CalendarSpec(official=RU_2025)
    assert twin != OfficialCalendar("RU", {2025: "another act"}, dict(RU_2025.days))


def test_an_official_calendar_refuses_dates_outside_its_years():
    with pytest.raises(ConfigError, match="dates of covered years"):
        OfficialCalendar("RU", {2025: "act"}, {date(2024, 1, 1): OFF})


def test_coverage_warning_names_the_covered_years_and_the_uncovered_ones():
    cal = _cal()
    assert cal.official_years() == (2025,)
    assert cal.coverage_warning(msk(2025, 3, 1), msk(2025, 12, 31)) is None
    warning = cal.coverage_warning(msk(2025, 12, 1), msk(2027, 1, 10))
    assert warning is not None and "\n" not in warning
    assert "covers 2025" in warning and "2026–2027 counted from the holidays package" in warning
    assert BusinessCalendar().coverage_warning(msk(2040, 1, 1), msk(2040, 2, 1)) is None


def test_day_notes_say_why_a_day_is_special_and_skip_ordinary_days():
    notes = [str(n) for n in _cal().day_notes(msk(2025, 10, 31, 12), msk(2025, 11, 4, 9))]
    assert notes == [
        "2025-11-01: shortened pre-holiday day (ТК РФ ст. 95): working window ends 17:00 "
        "instead of 18:00",
        "2025-11-03: public holiday X (law)",
    ]
    off = _cal(shorten_pre_holidays=False).day_notes(msk(2025, 11, 1), msk(2025, 11, 1, 23))
    assert [n.text for n in off] == [
        "shortened pre-holiday day (ТК РФ ст. 95), counted in full: "
        "calendar.shorten_pre_holidays is off"
    ]
