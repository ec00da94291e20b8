"""The clock's named scenarios (DESIGN.md, "The clock" is normative)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sla import (
    BusinessCalendar,
    CalendarSpec,
    Change,
    ClockState,
    Line,
    Metric,
    Policy,
    PriorityRule,
    ReopenRule,
    Status,
    Timeline,
    UnknownStatusError,
    UnknownValueError,
    compute,
    resolution_metric,
)
from tests.helpers import HOUR, msk

CAL = BusinessCalendar()
POLICY = Policy("regulation", CAL, (resolution_metric(),))


def tl(created, priority="critical", status="created", line=Line.L1_2, changes=(), **kw):
    return Timeline("SUP-1", created, status, priority, line, tuple(changes), **kw)


def test_friday_16_00_critical_is_due_monday_13_00():
    r = compute(tl(msk(2024, 11, 22, 16)), POLICY, msk(2024, 11, 22, 17))
    assert r.state is ClockState.RUNNING
    assert r.target_seconds == 6 * HOUR
    assert r.elapsed_seconds == 1 * HOUR
    assert r.due_at == msk(2024, 11, 25, 13)
    assert not r.breached and r.breached_at is None


def test_clarification_over_weekend_is_not_counted():
    changes = [
        Change(msk(2024, 11, 22, 17), status="clarification"),
        Change(msk(2024, 11, 26, 10), status="in_progress"),
    ]
    r = compute(tl(msk(2024, 11, 22, 15), "high", changes=changes), POLICY, msk(2024, 11, 26, 12))
    assert r.elapsed_seconds == (2 + 2) * HOUR
    assert r.paused_seconds == (1 + 9 + 1) * HOUR  # Fri 17-18, Mon, Tue 09-10
    assert [s.paused for s in r.segments] == [False, True, False]
    assert r.due_at == CAL.add_business_seconds(msk(2024, 11, 26, 12), 11 * HOUR)


def test_working_saturday_counts_while_29_and_30_april_do_not():
    r = compute(tl(msk(2024, 4, 26, 16), "high"), POLICY, msk(2024, 5, 2, 12))
    assert r.elapsed_seconds == (2 + 9 + 3) * HOUR
    assert r.due_at == msk(2024, 5, 2, 13)


def test_new_year_holidays_push_the_deadline_past_8_january():
    r = compute(tl(msk(2024, 12, 28, 14), "critical"), POLICY, msk(2024, 12, 28, 15))
    # Saturday 2024-12-28 is a working day: 14-18 = 4 h, then nothing until 2025-01-09.
    assert r.due_at == msk(2025, 1, 9, 11)


def test_reopen_after_done_continues_the_same_clock_without_the_done_time():
    changes = [
        Change(msk(2024, 11, 20, 11), status="done", resolution="resolved"),
        Change(msk(2024, 11, 21, 10), status="in_progress"),
        Change(msk(2024, 11, 21, 12), status="done"),
    ]
    r = compute(tl(msk(2024, 11, 20, 9), "critical", changes=changes), POLICY, msk(2024, 11, 25))
    assert r.elapsed_seconds == 4 * HOUR
    assert r.state is ClockState.STOPPED and r.due_at is None
    assert [s.status for s in r.segments] == [
        Status.CREATED,
        Status.DONE,
        Status.IN_PROGRESS,
        Status.DONE,
    ]


def test_reopen_resumes_running_with_a_due_time():
    changes = [
        Change(msk(2024, 11, 20, 11), status="done"),
        Change(msk(2024, 11, 21, 10), status="in_progress"),
    ]
    r = compute(
        tl(msk(2024, 11, 20, 9), "critical", changes=changes), POLICY, msk(2024, 11, 21, 11)
    )
    assert r.state is ClockState.RUNNING
    assert r.elapsed_seconds == 3 * HOUR
    assert r.due_at == msk(2024, 11, 21, 14)


def test_priority_raised_after_target_exceeded_breaches_before_the_change():
    changes = [Change(msk(2024, 11, 21, 12), priority="critical")]
    r = compute(tl(msk(2024, 11, 20, 9), "low", changes=changes), POLICY, msk(2024, 11, 21, 13))
    assert r.priority.value == "critical" and r.target_seconds == 6 * HOUR
    assert r.breached
    assert r.breached_at == msk(2024, 11, 20, 15)
    assert r.breached_at < msk(2024, 11, 21, 12)
    assert r.due_at == r.breached_at


def test_escalation_to_line_3_doubles_the_target_even_after_returning_to_line_2():
    changes = [
        Change(msk(2024, 11, 20, 10), line="3"),
        Change(msk(2024, 11, 20, 12), line="2"),
    ]
    r = compute(
        tl(msk(2024, 11, 20, 9), "critical", changes=changes), POLICY, msk(2024, 11, 20, 17)
    )
    assert r.line is Line.L3
    assert r.target_seconds == 12 * HOUR
    assert not r.breached
    assert r.due_at == msk(2024, 11, 21, 12)


def test_request_created_directly_in_clarification_is_paused_from_the_start():
    changes = [Change(msk(2024, 11, 21, 9), status="in_progress")]
    r = compute(
        tl(msk(2024, 11, 20, 9), "critical", status="clarification", changes=changes),
        POLICY,
        msk(2024, 11, 21, 11),
    )
    assert r.elapsed_seconds == 2 * HOUR
    assert r.paused_seconds == 9 * HOUR
    paused_only = compute(
        tl(msk(2024, 11, 20, 9), "critical", status="clarification"), POLICY, msk(2024, 11, 21, 11)
    )
    assert paused_only.state is ClockState.PAUSED
    assert paused_only.elapsed_seconds == 0 and paused_only.due_at is None


def test_timestamps_with_mixed_utc_offsets_are_one_timeline():
    created = datetime(2024, 11, 20, 6, 0, tzinfo=UTC)  # 09:00 Moscow
    new_york = timezone(timedelta(hours=-5))
    changes = [
        Change(datetime(2024, 11, 20, 5, 0, tzinfo=new_york), status="clarification"),  # 13:00
        Change(
            datetime(2024, 11, 20, 15, 0, tzinfo=ZoneInfo("Europe/Moscow")), status="in_progress"
        ),
    ]
    r = compute(tl(created, "critical", changes=changes), POLICY, msk(2024, 11, 20, 17))
    assert [s.start for s in r.segments] == [
        msk(2024, 11, 20, 9),
        msk(2024, 11, 20, 13),
        msk(2024, 11, 20, 15),
    ]
    assert r.elapsed_seconds == 6 * HOUR and r.paused_seconds == 2 * HOUR


def test_counted_time_equal_to_the_target_is_not_a_breach():
    r = compute(tl(msk(2024, 11, 20, 9), "critical"), POLICY, msk(2024, 11, 20, 15))
    assert r.elapsed_seconds == r.target_seconds
    assert not r.breached and r.breached_at is None
    assert r.due_at == msk(2024, 11, 20, 15)
    assert r.remaining_seconds == 0
    later = compute(tl(msk(2024, 11, 20, 9), "critical"), POLICY, msk(2024, 11, 20, 15, 0, 1))
    assert later.breached and later.breached_at == msk(2024, 11, 20, 15)


def test_deadline_at_closing_time_stays_unbreached_over_the_weekend():
    # Due Friday 18:00: over the weekend counted == target, so not (yet) breached.
    r = compute(tl(msk(2024, 11, 22, 12), "critical"), POLICY, msk(2024, 11, 23, 12))
    assert r.due_at == msk(2024, 11, 22, 18)
    assert not r.breached
    assert compute(tl(msk(2024, 11, 22, 12), "critical"), POLICY, msk(2024, 11, 25, 9, 1)).breached


def test_at_risk_from_80_percent_of_the_target():
    r = compute(tl(msk(2024, 11, 20, 9), "critical"), POLICY, msk(2024, 11, 20, 13, 48))
    assert r.at_risk and not r.breached
    assert r.at_risk_at == msk(2024, 11, 20, 13, 48)
    before = compute(tl(msk(2024, 11, 20, 9), "critical"), POLICY, msk(2024, 11, 20, 13, 47))
    assert not before.at_risk and before.at_risk_at == msk(2024, 11, 20, 13, 48)


def test_events_out_of_order_are_sorted():
    changes = [
        Change(msk(2024, 11, 20, 12), status="in_progress"),
        Change(msk(2024, 11, 20, 10), status="clarification"),
    ]
    r = compute(tl(msk(2024, 11, 20, 9), "high", changes=changes), POLICY, msk(2024, 11, 20, 14))
    assert [s.status for s in r.segments] == [
        Status.CREATED,
        Status.CLARIFICATION,
        Status.IN_PROGRESS,
    ]
    assert r.elapsed_seconds == 3 * HOUR


def test_events_after_now_are_ignored():
    changes = [Change(msk(2024, 11, 20, 16), status="done")]
    r = compute(tl(msk(2024, 11, 20, 9), "high", changes=changes), POLICY, msk(2024, 11, 20, 12))
    assert r.state is ClockState.RUNNING and r.elapsed_seconds == 3 * HOUR


def test_unknown_status_raises_a_typed_error_naming_the_value():
    with pytest.raises(UnknownValueError, match="Ждёт релиза"):
        Change(msk(2024, 11, 20, 10), status="Ждёт релиза")
    metric = Metric(
        "narrow",
        frozenset({Status.CREATED}),
        frozenset(),
        frozenset({Status.DONE}),
        resolution_metric().targets,
    )
    changes = [Change(msk(2024, 11, 20, 10), status="clarification")]
    with pytest.raises(UnknownStatusError, match="clarification"):
        compute(
            tl(msk(2024, 11, 20, 9), changes=changes),
            Policy("p", CAL, (metric,)),
            msk(2024, 11, 20, 12),
        )


def test_naive_now_is_rejected():
    with pytest.raises(TypeError, match="aware"):
        compute(tl(msk(2024, 11, 20, 9)), POLICY, datetime(2024, 11, 20, 12))


def test_first_response_metric_stops_when_work_starts_and_never_restarts():
    first = Metric(
        "first_response",
        frozenset({Status.CREATED}),
        frozenset(),
        frozenset({Status.IN_PROGRESS, Status.CLARIFICATION, Status.DONE}),
        resolution_metric().targets,
        reopen=ReopenRule.STOP_IS_FINAL,
    )
    policy = Policy("p", CAL, (resolution_metric(), first))
    changes = [
        Change(msk(2024, 11, 20, 10, 30), status="in_progress"),
        Change(msk(2024, 11, 20, 11), status="created"),
    ]
    r = compute(
        tl(msk(2024, 11, 20, 9), changes=changes),
        policy,
        msk(2024, 11, 20, 15),
        metric="first_response",
    )
    assert r.metric == "first_response"
    assert r.elapsed_seconds == 1.5 * HOUR and r.state is ClockState.STOPPED


def test_withdrawn_request_is_marked_for_exclusion_from_compliance():
    changes = [Change(msk(2024, 11, 20, 10), status="done", resolution="withdrawn")]
    r = compute(
        tl(msk(2024, 11, 20, 9), changes=changes, resolution="withdrawn"),
        POLICY,
        msk(2024, 11, 20, 12),
    )
    assert r.withdrawn and r.state is ClockState.STOPPED


def test_priority_rule_highest_keeps_the_tightest_target_after_a_downgrade():
    changes = [Change(msk(2024, 11, 20, 10), priority="low")]
    timeline = tl(msk(2024, 11, 20, 9), "critical", changes=changes)
    current = compute(timeline, POLICY, msk(2024, 11, 20, 17))
    highest = compute(
        timeline,
        Policy("p", CAL, (resolution_metric(),), priority_rule=PriorityRule.HIGHEST),
        msk(2024, 11, 20, 17),
    )
    assert current.target_seconds == 75 * HOUR and not current.breached
    assert highest.target_seconds == 6 * HOUR and highest.breached


def test_breach_final_keeps_a_breach_after_the_priority_is_lowered():
    changes = [Change(msk(2024, 11, 20, 17), priority="low")]
    timeline = tl(msk(2024, 11, 20, 9), "critical", changes=changes)
    final = Policy("p", CAL, (resolution_metric(),), breach_final=True)
    r = compute(timeline, final, msk(2024, 11, 21, 10))
    assert r.breached and r.breached_at == msk(2024, 11, 20, 15)
    assert not compute(timeline, POLICY, msk(2024, 11, 21, 10)).breached


def test_customer_calendar_24x7_counts_the_night():
    policy = Policy(
        "24x7", BusinessCalendar(CalendarSpec(always_open=True)), (resolution_metric(),)
    )
    r = compute(tl(msk(2024, 11, 22, 22)), policy, msk(2024, 11, 23, 2))
    assert r.elapsed_seconds == 4 * HOUR and r.due_at == msk(2024, 11, 23, 4)


def test_breach_final_after_a_raise_over_the_new_target_is_final_from_the_raise():
    # 12 h counted on low (75 h), then critical (6 h): over the new target at once.
    changes = [
        Change(msk(2024, 11, 21, 12), priority="critical"),
        Change(msk(2024, 11, 21, 14), priority="low"),
    ]
    timeline = tl(msk(2024, 11, 20, 9), "low", changes=changes)
    final = Policy("p", CAL, (resolution_metric(),), breach_final=True)
    r = compute(timeline, final, msk(2024, 11, 21, 16))
    assert r.target_seconds == 75 * HOUR and r.breached
    assert r.breached_at == msk(2024, 11, 21, 12)
    raised = compute(timeline, final, msk(2024, 11, 21, 13))
    assert raised.breached and raised.breached_at == msk(2024, 11, 20, 15)
