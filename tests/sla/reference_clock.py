"""A deliberately naive reference clock: walks minute by minute (DESIGN.md, "The clock").

It shares no code with `sla.clock` or `sla.calendar`: the caller gives it a predicate that
says whether a whole minute is working time, and it counts minutes one at a time in integer
microseconds. Every rule is written as its definition, not as the fast path computes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sla import ClockState, Line, Metric, Policy, Priority, PriorityRule, ReopenRule, Timeline
from sla.policy import LineRule

MINUTE = timedelta(minutes=1)
MINUTE_US = 60_000_000
RANK = {Priority.LOW: 0, Priority.MEDIUM: 1, Priority.HIGH: 2, Priority.CRITICAL: 3}

Working = Callable[[datetime], bool]


@dataclass
class Expected:
    """What `compute` must return, as instants (any zone) and integer microseconds."""

    priority: Priority
    line: Line
    status: object
    state: ClockState
    target_us: int
    counted_us: int
    paused_us: int
    breached: bool
    breached_at: datetime | None
    due_at: datetime | None
    at_risk: bool
    at_risk_at: datetime | None
    segments: list[
        tuple
    ]  # (start, end, status, counted_us, paused, business_us, prio, line, clock)


def _state_of(metric: Metric, status, stopped_before: bool) -> ClockState:
    if stopped_before or status in metric.stopped:
        return ClockState.STOPPED
    if status in metric.counting:
        return ClockState.RUNNING
    assert status in metric.paused, status
    return ClockState.PAUSED


def _values_at(tl: Timeline, changes, metric: Metric, t: datetime):
    """Status, priority, line in force at `t` (every change at or before `t` applied)."""
    status, priority, line = tl.status, tl.priority, tl.line
    seen_stop = status in metric.stopped
    for at, c in changes:
        if at > t:
            break
        status, priority, line = c.status or status, c.priority or priority, c.line or line
        seen_stop = seen_stop or status in metric.stopped
    final = metric.reopen is ReopenRule.STOP_IS_FINAL and seen_stop
    return status, priority, line, _state_of(metric, status, final)


def _is_boundary(tl: Timeline, changes, t: datetime) -> bool:
    """A new segment starts at `t` when some change at `t` alters the running values."""
    status, priority, line = tl.status, tl.priority, tl.line
    altered = False
    for at, c in changes:
        if at > t:
            break
        new = (c.status or status, c.priority or priority, c.line or line)
        if at == t and new != (status, priority, line):
            altered = True
        status, priority, line = new
    return altered


def _priority(values: list[tuple], rule: PriorityRule) -> Priority:
    if rule is PriorityRule.INITIAL:
        return values[0][1]
    if rule is PriorityRule.HIGHEST:
        return max((v[1] for v in values), key=RANK.__getitem__)
    return values[-1][1]


def _line(values: list[tuple], rule: LineRule) -> Line:
    if rule is LineRule.CURRENT:
        return values[-1][2]
    return Line.L3 if any(v[2] is Line.L3 for v in values) else Line.L1_2


def _walk_until(start: datetime, counted: int, goal: int, working: Working) -> datetime:
    """First instant from `start` (running) at which `counted` reaches `goal`."""
    t = start.astimezone(UTC)  # UTC: a wall-clock minute walk would skip or repeat at DST
    while True:
        if working(t):
            if counted + MINUTE_US >= goal:
                return t + timedelta(microseconds=goal - counted)
            counted += MINUTE_US
        t += MINUTE


def compute(
    tl: Timeline, policy: Policy, metric: Metric, now: datetime, working: Working
) -> Expected:
    """The clock's result by definition, one whole minute at a time."""
    # Every instant in UTC: minutes are walked, compared and deduplicated as instants (aware
    # datetimes in a DST fold compare unequal across zones, and add wall-clock minutes).
    reg, now = tl.registered_at.astimezone(UTC), now.astimezone(UTC)
    changes = sorted(((c.at.astimezone(UTC), c) for c in tl.changes), key=lambda p: p[0])
    changes = [(at, c) for at, c in changes if at <= now]  # stable: ties keep tracker order
    bounds = {at for at, _ in changes if at > reg and _is_boundary(tl, changes, at)}
    starts = [reg, *sorted(bounds)]
    values = [_values_at(tl, changes, metric, t) for t in starts]
    ends = [*starts[1:], max(now, starts[-1])]

    priority = _priority(values, policy.priority_rule)
    line = _line(values, policy.line_rule)
    target = round(metric.targets.get(priority, line) * 1e6)
    threshold = math.ceil(policy.at_risk_ratio * target)  # "counted >= ratio x target", in µs

    counted = paused = 0
    reached_at = risk_at = final_at = None
    segments = []
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        status, prio, ln, state = values[i]
        then = round(
            metric.targets.get(
                _priority(values[: i + 1], policy.priority_rule),
                _line(values[: i + 1], policy.line_rule),
            )
            * 1e6
        )
        c0 = counted
        business = 0
        t = a
        while t < b:
            if working(t):
                before = counted
                business += MINUTE_US
                if state is ClockState.RUNNING:
                    counted += MINUTE_US
                    if reached_at is None and before < target <= counted:
                        reached_at = t + timedelta(microseconds=target - before)
                    if risk_at is None and before < threshold <= counted:
                        risk_at = t + timedelta(microseconds=threshold - before)
                elif state is ClockState.PAUSED:
                    paused += MINUTE_US
            t += MINUTE
        if (
            policy.breach_final
            and final_at is None
            and state is ClockState.RUNNING
            and business
            and c0 + business > then
        ):
            final_at = a if c0 >= then else _walk_until(a, c0, then, working)
        counted_here = business if state is ClockState.RUNNING else 0
        is_paused = state is ClockState.PAUSED
        segments.append((a, b, status, counted_here, is_paused, business, prio, ln, state))

    status, _, _, state = values[-1]
    breached = counted > target
    breached_at = reached_at if breached else None
    if final_at is not None and (breached_at is None or final_at < breached_at):
        breached, breached_at = True, final_at
    due_at = None
    if state is ClockState.RUNNING:
        due_at = reached_at if counted >= target else _walk_until(now, counted, target, working)
        if risk_at is None:
            risk_at = _walk_until(now, counted, threshold, working)
    return Expected(
        priority,
        line,
        status,
        state,
        target,
        counted,
        paused,
        breached,
        breached_at,
        due_at,
        not breached and counted >= threshold,
        risk_at,
        segments,
    )
