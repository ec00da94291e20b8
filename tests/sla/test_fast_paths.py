"""The engine's fast paths give exactly what their plain versions give.

Each is checked against an independent slow expression: timedelta arithmetic for instants,
the minute walk for a lunch-break calendar, the dataclass constructors for results.
"""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import (
    BusinessCalendar,
    CalendarSpec,
    ClockState,
    Line,
    NaiveDatetimeError,
    Priority,
    Segment,
    SlaResult,
    Status,
)
from sla.calendar import _FLOAT_EXACT_US
from sla.instant import to_us
from sla.result import new_result, new_segment
from tests.sla.test_clock_reference import LUNCH, berlin_lunch

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
ZONES = [
    UTC,
    ZoneInfo("Europe/Moscow"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("Australia/Lord_Howe"),  # half-hour DST
    timezone(timedelta(hours=5, minutes=30)),
    timezone(-timedelta(hours=3, seconds=7, microseconds=250)),  # sub-second offset
]
# 1900-2100 in microseconds, around the float fast path's bounds as well.
micros = st.one_of(
    st.integers(min_value=-(70 * 365 * 86_400 * 10**6), max_value=130 * 365 * 86_400 * 10**6),
    st.integers(min_value=-1000, max_value=1000).map(lambda d: _FLOAT_EXACT_US + d),
    st.integers(min_value=-1000, max_value=1000).map(lambda d: -_FLOAT_EXACT_US + d),
)


@settings(max_examples=500, deadline=None)
@given(us=micros, zone=st.sampled_from(ZONES), fold=st.sampled_from([0, 1]))
def test_to_us_is_exact_in_any_zone_and_fold(us, zone, fold):
    dt = (EPOCH + us * ONE_US).astimezone(zone).replace(fold=fold)
    assert to_us(dt) == (dt - EPOCH) // ONE_US


def test_to_us_rejects_naive_datetimes_and_dates():
    for value in (datetime(2024, 1, 1), date(2024, 1, 1), "2024-01-01"):
        with pytest.raises(NaiveDatetimeError):
            to_us(value, "start")


@settings(max_examples=500, deadline=None)
@given(us=micros, name=st.sampled_from(["UTC", "Europe/Moscow", "America/New_York"]))
def test_from_us_is_the_exact_instant_in_the_calendar_zone(us, name):
    cal = BusinessCalendar(CalendarSpec(timezone=name, country=None))
    got = cal.from_us(us)
    want = (EPOCH + us * ONE_US).astimezone(cal.zone)
    assert got.tzinfo is cal.zone
    assert (got.replace(tzinfo=None), got.fold, got.utcoffset()) == (
        want.replace(tzinfo=None),
        want.fold,
        want.utcoffset(),
    )


whole_minutes = st.integers(min_value=0, max_value=3 * 365 * 24 * 60).map(
    lambda m: datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=m)
)


@settings(max_examples=120, deadline=None)
@given(start=whole_minutes, minutes=st.integers(min_value=0, max_value=12 * 24 * 60))
def test_two_windows_a_day_and_dst_match_the_minute_walk(start, minutes):
    end = start + timedelta(minutes=minutes)
    walked = sum(60 for m in range(minutes) if berlin_lunch(start + timedelta(minutes=m)))
    assert LUNCH.business_seconds(start, end) == walked
    assert LUNCH.business_seconds(end, start) == -walked


def test_cumulative_many_is_cumulative_of_each():
    cal = BusinessCalendar()
    ts = sorted(
        to_us(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=7 * k)) for k in range(900)
    )
    assert cal.cumulative_us_many(ts) == [cal.cumulative_us(t) for t in ts]
    fresh = BusinessCalendar()  # nothing built yet: the span grows on the way
    assert fresh.cumulative_us_many(ts) == [cal.cumulative_us(t) for t in ts]


def _fields(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


@pytest.mark.parametrize(("build", "cls"), [(new_segment, Segment), (new_result, SlaResult)])
def test_fast_builders_take_the_fields_in_order(build, cls):
    assert list(inspect.signature(build).parameters) == _fields(cls)


def test_fast_builders_make_the_same_frozen_objects():
    at = datetime(2024, 11, 20, 9, tzinfo=UTC)
    args = (at, at, Status.CREATED, 1.5, False, 1.5, Priority.HIGH, Line.L3, ClockState.RUNNING)
    seg = new_segment(*args)
    assert type(seg) is Segment and seg == Segment(*args) and hash(seg) == hash(Segment(*args))
    assert repr(seg) == repr(Segment(*args))
    with pytest.raises(dataclasses.FrozenInstanceError):
        seg.start = at
    values = ["K-1", "resolution", "p", at, Priority.LOW, Line.L1_2, Status.DONE]
    values += [ClockState.STOPPED, 1.0, 2.0, 3.0, 0.0, True, at, None, False, None, False]
    values.append((seg,))
    r = new_result(*values)
    assert type(r) is SlaResult and r == SlaResult(*values)
    assert dataclasses.replace(r, breached=False) == SlaResult(*values[:12], False, *values[13:])
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.breached = False
