"""The live view's rows: what the pass records, and what a row says later.

The reference for "later" is the domain itself: a row recorded at t1 and read at t2 must say
what `compute` says at t2 of the same (unchanged) history — time left, breached, at risk.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from config.regulation import load_regulation
from mappings.port import MappedIssue, Person
from sla import Change, Line, Priority, Resolution, Status, Timeline, compute
from sla.instant import to_us
from sync.report.snapshot import (
    Closure,
    OpenRequest,
    as_of,
    by_time_left,
    month_figures,
    snapshot_of,
)
from tests.helpers import msk

REG = load_regulation()
POLICY = REG.policies.default
ANNA = Person("anna", "Анна Смирнова", "anna@cera.example")


def critical(*changes: Change, key: str = "SUP-1", resolution=None) -> Timeline:
    # Registered Friday 20 November 2026, 13:00 Moscow; Critical, lines 1-2: 6 business hours.
    return Timeline(
        key,
        msk(2026, 11, 20, 13),
        Status.CREATED,
        Priority.CRITICAL,
        Line.L1_2,
        changes,
        resolution=resolution,
        customer="Магнит",
    )


def row_at(timeline: Timeline, when, assignee: Person | None = ANNA):
    result = compute(timeline, POLICY, when)
    return snapshot_of("jira", MappedIssue(timeline, assignee=assignee), result), result


def test_an_open_request_is_recorded_with_its_figures_and_assignee():
    timeline = critical(Change(msk(2026, 11, 20, 13, 30), status="in_progress"))
    row, result = row_at(timeline, msk(2026, 11, 20, 16))
    assert isinstance(row, OpenRequest)
    assert (row.tracker, row.key, row.state) == ("jira", "SUP-1", "running")
    assert row.status == "in_progress"
    assert (row.priority, row.line, row.customer, row.assignee) == (
        "critical", "1-2", "Магнит", "Анна Смирнова",
    )  # fmt: skip
    assert row.elapsed_us == 3 * 3600 * 10**6 and row.target_us == 6 * 3600 * 10**6
    # 3 h left: Friday 16:00-18:00 and Monday 09:00-10:00.
    assert row.due_us == to_us(result.due_at) == to_us(msk(2026, 11, 23, 10))
    assert row.computed_us == to_us(msk(2026, 11, 20, 16))


def test_time_left_keeps_running_on_the_calendar_between_recomputes():
    row, _ = row_at(critical(), msk(2026, 11, 20, 16))  # 3 h counted, 3 h left
    # Friday 16:00-18:00 (2 h), the weekend (0 h), Monday 09:00-10:00 (1 h): 0 left, not late.
    monday_ten = as_of(row, POLICY.calendar, to_us(msk(2026, 11, 23, 10)))
    assert monday_ten.left_us == 0 and not monday_ten.breached and monday_ten.at_risk
    late = as_of(row, POLICY.calendar, to_us(msk(2026, 11, 23, 10, 1)))
    assert late.left_us == -60 * 10**6 and late.breached and late.state == "breached"
    # Saturday says what Friday 18:00 said.
    saturday = as_of(row, POLICY.calendar, to_us(msk(2026, 11, 21, 12)))
    assert saturday.left_us == 1 * 3600 * 10**6 and saturday.state == "at_risk"


def test_a_paused_request_keeps_its_time_left():
    timeline = critical(Change(msk(2026, 11, 20, 14), status="clarification"))
    row, _ = row_at(timeline, msk(2026, 11, 20, 16))
    later = as_of(row, POLICY.calendar, to_us(msk(2026, 11, 25, 12)))
    assert row.state == "paused" and later.left_us == 5 * 3600 * 10**6 and later.state == "paused"


def test_a_row_from_the_future_is_shown_as_recorded():
    row, _ = row_at(critical(), msk(2026, 11, 20, 16))
    earlier = as_of(row, POLICY.calendar, to_us(msk(2026, 11, 20, 15)))  # the clock went back
    assert earlier.left_us == row.remaining_us


@settings(max_examples=60, deadline=None)
@given(
    recorded=st.integers(min_value=0, max_value=5 * 24 * 60),
    later=st.integers(min_value=0, max_value=10 * 24 * 60),
)
def test_a_row_read_later_says_what_compute_says_then(recorded, later):
    timeline = critical(Change(msk(2026, 11, 20, 13, 30), status="in_progress"))
    t1 = msk(2026, 11, 20, 13) + timedelta(minutes=recorded)
    t2 = t1 + timedelta(minutes=later)
    row, _ = row_at(timeline, t1)
    seen = as_of(row, POLICY.calendar, to_us(t2))
    truth = compute(timeline, POLICY, t2)
    assert seen.left_us == round((truth.target_seconds - truth.elapsed_seconds) * 1e6)
    assert (seen.breached, seen.at_risk) == (truth.breached, truth.at_risk)


def test_a_closed_request_is_recorded_as_its_last_closure():
    timeline = critical(
        Change(msk(2026, 11, 20, 14), status="done", resolution="resolved"),
        Change(msk(2026, 11, 20, 15), status="in_progress"),  # reopened
        Change(msk(2026, 11, 23, 17), status="done", resolution="resolved"),
    )
    row, result = row_at(timeline, msk(2026, 11, 24, 10))
    assert isinstance(row, Closure)
    assert row.closed_us == to_us(msk(2026, 11, 23, 17))
    # 1 h + (15:00-18:00 Fri = 3 h) + (09:00-17:00 Mon = 8 h) = 12 h > 6 h.
    assert row.outcome == "breached" and row.elapsed_us == 12 * 3600 * 10**6
    assert result.breached


def test_a_withdrawn_request_is_recorded_as_withdrawn():
    timeline = critical(
        Change(msk(2026, 11, 20, 14), status="done", resolution="withdrawn"),
        resolution=Resolution.WITHDRAWN,
    )
    row, _ = row_at(timeline, msk(2026, 11, 24, 10), assignee=None)
    assert isinstance(row, Closure) and row.outcome == "withdrawn" and row.assignee is None


def test_open_requests_are_ordered_by_time_left_most_overdue_first():
    rows = []
    for key, start in (("SUP-1", 9), ("SUP-2", 14), ("SUP-3", 11)):
        tl = Timeline(key, msk(2026, 11, 23, start), Status.CREATED, Priority.CRITICAL)
        rows.append(row_at(tl, msk(2026, 11, 23, 16))[0])
    now = to_us(msk(2026, 11, 23, 17))
    ordered = by_time_left(as_of(r, POLICY.calendar, now) for r in rows)
    assert [r.request.key for r in ordered] == ["SUP-1", "SUP-3", "SUP-2"]
    assert [r.left_us // 3_600_000_000 for r in ordered] == [-2, 0, 3]


def closure(key, when, outcome, priority="high", line="1-2"):
    return Closure("jira", key, to_us(when), outcome, priority, line, None, None, "regulation",
                   0, 0, 0)  # fmt: skip


def test_month_figures_compare_this_month_with_the_one_before():
    closures = [
        closure("A", msk(2026, 11, 2, 10), "met"),
        closure("B", msk(2026, 11, 10, 10), "breached"),
        closure("C", msk(2026, 11, 12, 10), "withdrawn"),  # never in compliance
        closure("D", msk(2026, 10, 31, 23, 30), "met"),  # October in Moscow (20:30 UTC)
        closure("E", msk(2026, 10, 15, 10), "met"),
        closure("F", msk(2026, 9, 30, 10), "breached"),  # two months ago: out
        closure("G", msk(2026, 11, 3, 10), "met", "low", "3"),
    ]
    order = [("high", "1-2"), ("low", "3"), ("critical", "3")]
    figures = month_figures(closures, msk(2026, 11, 18, 15), POLICY.calendar.zone, order)
    high, low = figures
    assert (high.priority, high.line, high.met, high.breached) == ("high", "1-2", 1, 1)
    assert (high.last_met, high.last_breached) == (2, 0)
    assert (high.compliance, high.last_compliance, high.trend) == (50.0, 100.0, -50.0)
    assert (low.met, low.compliance, low.last_compliance, low.trend) == (1, 100.0, None, None)
