"""Invariants of `sla.compute` over random histories."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import (
    BusinessCalendar,
    Change,
    ClockState,
    Line,
    Policy,
    Priority,
    Status,
    Timeline,
    compute,
    resolution_metric,
)
from tests.helpers import MSK

POLICY = Policy("regulation", BusinessCalendar(), (resolution_metric(),))
T0 = datetime(2024, 1, 1, tzinfo=MSK)

offsets = st.integers(min_value=0, max_value=60 * 86_400).map(lambda s: timedelta(seconds=s))
changes = st.lists(
    st.builds(
        lambda off, status, priority, line: (off, status, priority, line),
        offsets,
        st.none() | st.sampled_from(list(Status)),
        st.none() | st.sampled_from(list(Priority)),
        st.none() | st.sampled_from(list(Line)),
    ),
    max_size=12,
)


@st.composite
def timelines(draw):
    start = T0 + draw(
        st.integers(min_value=0, max_value=700 * 86_400).map(lambda s: timedelta(seconds=s))
    )
    raw = draw(changes)
    evs = tuple(Change(start + off, status=s, priority=p, line=ln) for off, s, p, ln in raw)
    tl = Timeline(
        "SUP-1",
        start,
        draw(st.sampled_from(list(Status))),
        draw(st.sampled_from(list(Priority))),
        draw(st.sampled_from(list(Line))),
        evs,
    )
    now = start + draw(
        st.integers(min_value=0, max_value=90 * 86_400).map(lambda s: timedelta(seconds=s))
    )
    return tl, now


@settings(max_examples=200, deadline=None)
@given(case=timelines())
def test_result_is_a_pure_function_and_explained_by_its_segments(case):
    tl, now = case
    r = compute(tl, POLICY, now)
    assert compute(tl, POLICY, now) == r
    assert r.elapsed_seconds == pytest.approx(sum(s.counted_seconds for s in r.segments))
    assert r.paused_seconds == pytest.approx(
        sum(s.business_seconds for s in r.segments if s.paused)
    )
    assert r.elapsed_seconds >= 0 and r.remaining_seconds >= 0
    if not r.breached:
        assert r.elapsed_seconds + r.remaining_seconds == pytest.approx(r.target_seconds)
    assert r.breached == (r.elapsed_seconds > r.target_seconds)
    assert (r.due_at is None) == (r.state is not ClockState.RUNNING)
    if r.breached:
        assert r.breached_at <= now
        assert r.at_risk is False


@settings(max_examples=150, deadline=None)
@given(case=timelines(), seed=st.integers())
def test_order_of_events_does_not_matter_when_instants_differ(case, seed):
    tl, now = case
    if len({c.at for c in tl.changes}) < len(tl.changes):
        return  # ties keep tracker order by design; distinct instants must not care
    shuffled = list(tl.changes)
    random.Random(seed).shuffle(shuffled)
    other = Timeline(tl.key, tl.registered_at, tl.status, tl.priority, tl.line, tuple(shuffled))
    assert compute(other, POLICY, now) == compute(tl, POLICY, now)


@settings(max_examples=150, deadline=None)
@given(case=timelines(), later=offsets)
def test_elapsed_never_decreases_as_now_advances(case, later):
    tl, now = case
    assert (
        compute(tl, POLICY, now + later).elapsed_seconds >= compute(tl, POLICY, now).elapsed_seconds
    )


@settings(max_examples=150, deadline=None)
@given(case=timelines())
def test_due_at_is_when_counted_time_reaches_the_target(case):
    tl, now = case
    past = tuple(c for c in tl.changes if c.at <= now)  # the future is unknown at `now`
    tl = Timeline(tl.key, tl.registered_at, tl.status, tl.priority, tl.line, past)
    r = compute(tl, POLICY, now)
    if r.state is not ClockState.RUNNING or r.breached:
        return
    at_due = compute(tl, POLICY, r.due_at)
    assert at_due.elapsed_seconds == pytest.approx(r.target_seconds, abs=1e-6)
    assert not at_due.breached
