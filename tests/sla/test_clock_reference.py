"""`compute` against the minute-walking reference clock, over every policy switch.

The reference (tests/sla/reference_clock.py) shares no code with `sla.clock` or
`sla.calendar`: each calendar here is a hand-written minute predicate. Numbers, instants (same
zone, same wall time and offset) and every segment must agree exactly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.regulation import load_regulation
from sla import (
    BusinessCalendar,
    CalendarSpec,
    Change,
    Line,
    LineRule,
    Metric,
    Policy,
    Priority,
    PriorityRule,
    ReopenRule,
    Status,
    Targets,
    Timeline,
    compute,
    resolution_metric,
)
from tests.helpers import MSK
from tests.sla import reference_calendar as ref_ru
from tests.sla import reference_clock as ref

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
_BE = holidays.country_holidays("DE", subdiv="BE", years=range(2023, 2028))


def berlin_lunch(t: datetime) -> bool:
    """Mon-Fri 08-12 and 13-17 Berlin wall time, Berlin's public holidays off."""
    local = t.astimezone(BERLIN)
    if local.date() in _BE or local.weekday() >= 5:
        return False
    return 8 <= local.hour < 12 or 13 <= local.hour < 17


def always(t: datetime) -> bool:
    return True


# The regulation's calendar: the official production calendar the product ships (the reference
# walks the independently typed official table, shortened days included).
RU = load_regulation().policies.default.calendar
OPEN = BusinessCalendar(CalendarSpec(always_open=True))
LUNCH = BusinessCalendar(
    CalendarSpec(
        timezone="Europe/Berlin",
        country="DE",
        subdivision="BE",
        week=(((8 * 60, 12 * 60), (13 * 60, 17 * 60)),) * 5 + ((), ()),
    )
)
# Short targets so that breaches, risks and priority changes around them are frequent.
SHORT = Targets.from_hours(
    {
        Priority.CRITICAL: {Line.L1_2: 1, Line.L3: 2},
        Priority.HIGH: {Line.L1_2: 2, Line.L3: 5},
        Priority.MEDIUM: {Line.L1_2: 4, Line.L3: 9},
        Priority.LOW: {Line.L1_2: 8, Line.L3: 16},
    }
)
FIRST_RESPONSE = Metric(
    "first_response",
    frozenset({Status.CREATED}),
    frozenset(),
    frozenset({Status.IN_PROGRESS, Status.CLARIFICATION, Status.DONE}),
    SHORT,
    reopen=ReopenRule.STOP_IS_FINAL,
)
REOPEN_FINAL = Metric(
    "resolution",
    frozenset({Status.CREATED, Status.IN_PROGRESS}),
    frozenset({Status.CLARIFICATION}),
    frozenset({Status.DONE}),
    SHORT,
    reopen=ReopenRule.STOP_IS_FINAL,
)
short = resolution_metric(SHORT)

# name: (policy, metric name or None, minute predicate of the policy's calendar)
CASES = {
    "regulation": (
        Policy("regulation", RU, (resolution_metric(),)),
        None,
        ref_ru.is_working_minute,
    ),
    "breach-final": (Policy("p", RU, (short,), breach_final=True), None, ref_ru.is_working_minute),
    "highest-final": (
        Policy("p", RU, (short,), priority_rule=PriorityRule.HIGHEST, breach_final=True),
        None,
        ref_ru.is_working_minute,
    ),
    "initial-line-current": (
        Policy(
            "p",
            RU,
            (short,),
            priority_rule=PriorityRule.INITIAL,
            line_rule=LineRule.CURRENT,
            at_risk_ratio=0.5,
            breach_final=True,
        ),
        None,
        ref_ru.is_working_minute,
    ),
    "first-response": (
        Policy("p", RU, (short, FIRST_RESPONSE)),
        "first_response",
        ref_ru.is_working_minute,
    ),
    "reopen-stop-is-final": (
        Policy("p", RU, (REOPEN_FINAL,), at_risk_ratio=0.7),
        None,
        ref_ru.is_working_minute,
    ),
    "customer-24x7": (
        Policy(
            "c",
            OPEN,
            (short,),
            priority_rule=PriorityRule.HIGHEST,
            line_rule=LineRule.CURRENT,
            breach_final=True,
            at_risk_ratio=0.75,
        ),
        None,
        always,
    ),
    "customer-berlin-lunch": (
        Policy("c", LUNCH, (short,), breach_final=True, at_risk_ratio=1.0),
        None,
        berlin_lunch,
    ),
}

T0 = datetime(2024, 1, 1, tzinfo=MSK)
zones = st.sampled_from([MSK, UTC, NEW_YORK, BERLIN])
# Whole minutes (the reference walks minutes); ties and changes before registration included.
offsets = st.one_of(
    st.integers(min_value=-120, max_value=8 * 24 * 60),
    st.sampled_from([0, 60, 9 * 60, 24 * 60]),
)


@st.composite
def cases(draw):
    reg = T0 + timedelta(minutes=draw(st.integers(min_value=0, max_value=(3 * 365 - 60) * 1440)))
    raw = draw(
        st.lists(
            st.tuples(
                offsets,
                zones,
                st.none() | st.sampled_from(list(Status)),
                st.none() | st.sampled_from(list(Priority)),
                st.none() | st.sampled_from(list(Line)),
            ),
            min_size=2,
            max_size=12,
        )
    )
    changes = tuple(
        Change((reg + timedelta(minutes=off)).astimezone(z), status=s, priority=p, line=ln)
        for off, z, s, p, ln in raw
    )
    tl = Timeline(
        "SUP-1",
        reg.astimezone(draw(zones)),
        draw(st.sampled_from(list(Status))),
        draw(st.sampled_from(list(Priority))),
        draw(st.sampled_from(list(Line))),
        changes,
    )
    now = reg + timedelta(minutes=draw(st.integers(min_value=0, max_value=10 * 24 * 60)))
    return tl, now.astimezone(draw(zones))


def same_instant(got: datetime | None, want: datetime | None, zone: ZoneInfo) -> bool:
    """Same instant, expressed in the calendar's zone with the same wall time and offset."""
    if want is None or got is None:
        return got is want
    local = want.astimezone(zone)
    return (
        got.tzinfo is zone
        # astimezone(UTC): `==` across zones is always False for a fold-dependent time (PEP 495)
        and got.astimezone(UTC) == want.astimezone(UTC)
        and got.replace(tzinfo=None) == local.replace(tzinfo=None)
        and got.utcoffset() == local.utcoffset()
    )


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_compute_matches_the_minute_walk(name, case):
    policy, metric_name, working = CASES[name]
    tl, now = case
    metric = policy.metric(metric_name) if metric_name else policy.primary
    zone = policy.calendar.zone
    r = compute(tl, policy, now, metric_name)
    want = ref.compute(tl, policy, metric, now, working)

    assert (r.priority, r.line, r.status, r.state) == (
        want.priority,
        want.line,
        want.status,
        want.state,
    )
    assert r.target_seconds == want.target_us / 1e6
    assert r.elapsed_seconds == want.counted_us / 1e6
    assert r.paused_seconds == want.paused_us / 1e6
    assert r.remaining_seconds == max(want.target_us - want.counted_us, 0) / 1e6
    assert (r.breached, r.at_risk) == (want.breached, want.at_risk)
    assert same_instant(r.breached_at, want.breached_at, zone), (r.breached_at, want.breached_at)
    assert same_instant(r.due_at, want.due_at, zone), (r.due_at, want.due_at)
    assert same_instant(r.at_risk_at, want.at_risk_at, zone), (r.at_risk_at, want.at_risk_at)
    assert r.now is now and r.key == tl.key and r.metric == metric.name
    assert len(r.segments) == len(want.segments)
    for seg, (a, b, status, counted, paused, business, prio, ln, clock) in zip(
        r.segments, want.segments, strict=True
    ):
        assert same_instant(seg.start, a, zone) and same_instant(seg.end, b, zone)
        assert (seg.status, seg.priority, seg.line, seg.clock, seg.paused) == (
            status,
            prio,
            ln,
            clock,
            paused,
        )
        assert seg.counted_seconds == counted / 1e6
        assert seg.business_seconds == business / 1e6
