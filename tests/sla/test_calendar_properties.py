"""Property tests: the calendar against a minute-walking reference, and its invariants."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.regulation import load_regulation
from sla import BusinessCalendar, CalendarSpec
from tests.helpers import MSK
from tests.sla import reference_calendar as ref

# The regulation's calendar as shipped: the official production calendar, shortened days too.
DEFAULT = load_regulation().policies.default.calendar

# Whole-minute instants in 2024-2026 (the reference walks minutes).
minutes = st.integers(min_value=0, max_value=3 * 365 * 24 * 60).map(
    lambda m: datetime(2024, 1, 1, tzinfo=MSK) + timedelta(minutes=m)
)
spans = st.integers(min_value=0, max_value=12 * 24 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=150, deadline=None)
@given(start=minutes, length=spans)
def test_business_seconds_matches_the_minute_walk(start, length):
    assert DEFAULT.business_seconds(start, start + length) == ref.business_seconds(
        start, start + length
    )


@settings(max_examples=150, deadline=None)
@given(start=minutes, work_minutes=st.integers(min_value=0, max_value=60 * 60))
def test_add_business_seconds_matches_the_minute_walk(start, work_minutes):
    assert DEFAULT.add_business_seconds(start, work_minutes * 60) == ref.add_business_seconds(
        start, work_minutes * 60
    )


CALENDARS = {
    "ru-default": DEFAULT,
    "24x7": BusinessCalendar(CalendarSpec(always_open=True)),
    "berlin-lunch-dst": BusinessCalendar(
        CalendarSpec(
            timezone="Europe/Berlin",
            country="DE",
            subdivision="BE",
            week=(((8 * 60, 12 * 60), (13 * 60, 17 * 60)),) * 5 + ((), ()),
        )
    ),
    "ru-overrides": BusinessCalendar(
        CalendarSpec(
            extra_holidays=frozenset({date(2025, 3, 3)}),
            extra_working_days=frozenset({date(2025, 3, 1)}),
            shortened_days={date(2025, 3, 7): ((9 * 60, 17 * 60),)},
        )
    ),
}

# Arbitrary instants (microseconds) from 2015 to 2031, any zone: the invariants hold anywhere.
instants = st.builds(
    lambda us, zone: (
        datetime(2015, 1, 1, tzinfo=ZoneInfo("UTC")) + timedelta(microseconds=us)
    ).astimezone(ZoneInfo(zone)),
    st.integers(min_value=0, max_value=16 * 365 * 86_400 * 10**6),
    st.sampled_from(["UTC", "Europe/Moscow", "America/New_York", "Asia/Kolkata"]),
)


@pytest.mark.parametrize("name", sorted(CALENDARS))
@settings(max_examples=120, deadline=None)
@given(a=instants, b=instants, c=instants)
def test_additivity_and_non_negativity(name, a, b, c):
    cal = CALENDARS[name]
    a, b, c = sorted((a, b, c))
    ab, bc, ac = cal.business_seconds(a, b), cal.business_seconds(b, c), cal.business_seconds(a, c)
    assert ab >= 0 and bc >= 0
    assert ab + bc == pytest.approx(ac, abs=1e-6)
    assert cal.business_seconds(a, a) == 0


@pytest.mark.parametrize("name", sorted(CALENDARS))
@settings(max_examples=120, deadline=None)
@given(start=instants, seconds=st.integers(min_value=0, max_value=400 * 3600 * 10**6))
def test_add_then_measure_round_trip(name, start, seconds):
    cal = CALENDARS[name]
    amount = seconds / 1e6
    end = cal.add_business_seconds(start, amount)
    assert end >= start
    assert cal.business_seconds(start, end) == pytest.approx(amount, abs=1e-6)
    # Earliest instant: one microsecond earlier there was not enough working time yet.
    if amount > 0:
        assert cal.business_seconds(start, end - timedelta(microseconds=1)) < amount
