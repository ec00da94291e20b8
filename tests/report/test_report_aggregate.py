"""Pure aggregation: closure in a window, percentiles, compliance, withdrawn, month buckets."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from config.regulation import load_regulation
from sla import Change, Line, Priority, RequestType, Resolution, Status, Timeline
from sync.report.aggregate import (
    closed_requests,
    closure_at,
    flips,
    group,
    month_of,
    percentile,
    total,
)

MSK = ZoneInfo("Europe/Moscow")
POLICIES = load_regulation().policies
STOPPED = frozenset({Status.DONE})
SINCE = datetime(2026, 11, 1, tzinfo=MSK)
UNTIL = datetime(2026, 12, 1, tzinfo=MSK)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=MSK)


def request(
    key: str,
    hours: float,
    *,
    start: datetime | None = None,
    priority: Priority = Priority.HIGH,
    customer: str = "Лента",
    kind: RequestType | None = RequestType.DEFECT,
    resolution: str = "resolved",
    pause: tuple[datetime, datetime] | None = None,
) -> Timeline:
    """A request worked from Monday 9 Nov 09:00 and closed after `hours` on the same day."""
    start = start or at(9, 9)
    changes = [Change(start, status=Status.IN_PROGRESS)]
    if pause:
        changes += [
            Change(pause[0], status="clarification"),
            Change(pause[1], status="in_progress"),
        ]
    end = start.replace(hour=start.hour + int(hours), minute=int(hours % 1 * 60))
    if pause:
        end = end.replace(hour=end.hour + (pause[1].hour - pause[0].hour))
    changes.append(Change(end, status=Status.DONE, resolution=resolution))
    return Timeline(
        key, start, Status.CREATED, priority, Line.L1_2, tuple(changes), None, customer, kind
    )


def test_median_and_p90_interpolate_between_closest_ranks():
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 0.5) == 5.5
    # rank (10 - 1) * 0.9 = 8.1 -> 9 + 0.1 * (10 - 9)
    assert percentile(values, 0.9) == pytest.approx(9.1)
    assert percentile([4.0], 0.9) == 4.0
    assert percentile([], 0.5) is None


def test_compliance_counts_met_over_met_plus_breached_and_leaves_withdrawn_apart():
    reqs = closed_requests(
        [
            request("A-1", 4),  # High target 15 h: met
            request("A-2", 8),  # met
            request("A-3", 6, resolution="withdrawn"),  # withdrawn: not judged
            request("A-4", 8, start=at(10, 9), priority=Priority.CRITICAL),  # 8 > 6: breached
        ],
        POLICIES,
        SINCE,
        UNTIL,
    )
    stats = group(reqs)
    high = next(s for k, s in stats.items() if k.priority is Priority.HIGH)
    assert (high.closed, high.withdrawn, high.met, high.breached) == (3, 1, 2, 0)
    assert high.compliance == 100.0
    assert high.median_hours == 6.0  # 4 and 8: the withdrawn 6 h does not count
    everything = total(reqs)
    assert (everything.met, everything.breached) == (2, 1)
    assert everything.compliance == pytest.approx(200 / 3)
    assert everything.type_figures(RequestType.DEFECT) == (2, 3)


def test_clarification_share_is_paused_over_counted_plus_paused():
    # 09:00-11:00 counted (2 h), 11:00-14:00 in Уточнение (3 h), 14:00-16:00 counted (2 h).
    t = request("B-1", 4, pause=(at(9, 11), at(9, 14)))
    (req,) = closed_requests([t], POLICIES, SINCE, UNTIL)
    assert req.result.elapsed_hours == 4.0
    assert total([req]).clarification_share == pytest.approx(100 * 3 / 7)


def test_month_of_closure_is_taken_in_the_calendar_zone_not_utc():
    late = datetime(2026, 11, 30, 22, 30, tzinfo=ZoneInfo("UTC"))  # 1 Dec 01:30 in Moscow
    assert month_of(late, POLICIES.default) == "2026-12"
    t = request("C-1", 2, start=at(30, 9))
    t = Timeline(
        t.key,
        t.registered_at,
        t.status,
        t.priority,
        t.line,
        (*t.changes[:-1], Change(late, status=Status.DONE)),
        customer="Лента",
    )
    (req,) = closed_requests([t], POLICIES, SINCE, datetime(2027, 1, 1, tzinfo=MSK))
    assert req.month == "2026-12"


def test_request_reopened_before_the_window_ends_is_not_closed_in_it():
    t = request("D-1", 2)
    reopened = Timeline(
        t.key,
        t.registered_at,
        t.status,
        t.priority,
        changes=(*t.changes, Change(at(12, 10), status=Status.IN_PROGRESS)),
    )
    assert closure_at(reopened, STOPPED, SINCE, UNTIL) is None
    # ...but a window that ends before the reopen sees the first closure.
    assert closure_at(reopened, STOPPED, SINCE, at(12, 0)) == at(9, 11)


def test_request_closed_before_the_window_is_left_out():
    t = request("E-1", 2, start=at(26, 9, month=10))
    assert closure_at(t, STOPPED, SINCE, UNTIL) is None


def test_sla_is_taken_at_the_closure_so_a_later_reopen_does_not_change_it():
    t = request("F-1", 5)
    reopened = Timeline(
        t.key,
        t.registered_at,
        t.status,
        t.priority,
        changes=(*t.changes, Change(at(2, 10, month=12), status=Status.IN_PROGRESS)),
        customer="Лента",
    )
    # The reopen lies after the window: the request counts as closed in November, 5 h.
    (req,) = closed_requests([reopened], POLICIES, SINCE, UNTIL)
    assert req.closed_at == at(9, 14) and req.result.elapsed_hours == 5.0


def test_customer_filter_ignores_case_and_spaces():
    reqs = closed_requests(
        [request("G-1", 2, customer="Лента"), request("G-2", 2, customer="Магнит")],
        POLICIES,
        SINCE,
        UNTIL,
        customer="  лента ",
    )
    assert [r.key for r in reqs] == ["G-1"]


def test_flips_compare_outcomes_and_never_list_withdrawn_requests():
    strict = load_regulation().policies
    base = closed_requests(
        [request("H-1", 8, priority=Priority.CRITICAL), request("H-2", 8, resolution="withdrawn")],
        strict,
        SINCE,
        UNTIL,
    )
    assert base[0].breached and base[1].withdrawn
    lenient = [
        type(r)(**{**{f: getattr(r, f) for f in r.__slots__}, "result": _met(r.result)})
        for r in base
    ]
    (flip,) = flips(base, lenient)
    assert flip.key == "H-1" and flip.direction == "breached → met"
    assert base[1].resolution is Resolution.WITHDRAWN


def _met(result):
    from dataclasses import replace

    return replace(result, breached=False, breached_at=None)
