"""The clock (DESIGN.md, "The clock" — normative): `compute(timeline, policy, now)`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sla.calendar import BusinessCalendar
from sla.enums import ClockState, Line, Priority, Status
from sla.errors import UnknownStatusError
from sla.instant import to_us
from sla.policy import LineRule, Metric, Policy, PriorityRule, ReopenRule
from sla.result import Segment, SlaResult
from sla.timeline import Timeline

_PRIORITY_RANK = {Priority.LOW: 0, Priority.MEDIUM: 1, Priority.HIGH: 2, Priority.CRITICAL: 3}


class _Action(Enum):
    COUNT = "count"
    PAUSE = "pause"
    STOP = "stop"


_STATE = {
    _Action.COUNT: ClockState.RUNNING,
    _Action.PAUSE: ClockState.PAUSED,
    _Action.STOP: ClockState.STOPPED,
}


@dataclass(slots=True)
class _Stretch:
    start: int
    end: int
    start_dt: datetime
    end_dt: datetime
    status: Status
    priority: Priority
    line: Line
    action: _Action


def compute(
    timeline: Timeline, policy: Policy, now: datetime, metric: str | None = None
) -> SlaResult:
    """Recompute one metric of one request at `now`: a pure function of its arguments."""
    m = policy.metric(metric) if metric else policy.primary
    cal = policy.calendar
    now_us = to_us(now, "now")
    stretches = _stretches(timeline, m, now_us, now)
    last = stretches[-1]
    priority = _target_priority(stretches, policy.priority_rule)
    line = _target_line(stretches, policy.line_rule)
    target = round(m.targets.get(priority, line) * 1e6)
    threshold = math.ceil(policy.at_risk_ratio * target)

    counted = paused = 0
    reached_at = risk_at = final_breach_at = None
    segments: list[Segment] = []
    zone = cal.zone
    cum_start = cal.cumulative_us(stretches[0].start)
    for st in stretches:
        cum_end = cal.cumulative_us(st.end)
        business = cum_end - cum_start
        cum_start = cum_end
        counts = st.action is _Action.COUNT
        if counts and business:
            if reached_at is None and counted + business >= target:
                reached_at = cal.add_business_us(st.start, target - counted)
            if risk_at is None and counted + business >= threshold:
                risk_at = cal.add_business_us(st.start, max(threshold - counted, 0))
            if policy.breach_final and final_breach_at is None:
                then = round(m.targets.get(*_in_force(stretches, st, policy)) * 1e6)
                if counted + business > then:
                    # A raise can put counted time over the new target at once: the breach
                    # is then final from the stretch's start, not a negative amount earlier.
                    final_breach_at = cal.add_business_us(st.start, max(then - counted, 0))
            counted += business
        elif st.action is _Action.PAUSE:
            paused += business
        segments.append(
            Segment(
                st.start_dt.astimezone(zone),
                st.end_dt.astimezone(zone),
                st.status,
                business / 1e6 if counts else 0.0,
                st.action is _Action.PAUSE,
                business / 1e6,
                st.priority,
                st.line,
                _STATE[st.action],
            )
        )

    state = _STATE[last.action]
    breached = counted > target
    breached_at = reached_at if breached else None
    if final_breach_at is not None and (breached_at is None or final_breach_at < breached_at):
        breached, breached_at = True, final_breach_at
    due_at = None
    if state is ClockState.RUNNING:
        due_at = reached_at if counted >= target else cal.add_business_us(now_us, target - counted)
        if risk_at is None:
            risk_at = cal.add_business_us(now_us, threshold - counted)

    return SlaResult(
        key=timeline.key,
        metric=m.name,
        policy=policy.name,
        now=now,
        priority=priority,
        line=line,
        status=last.status,
        state=state,
        target_seconds=target / 1e6,
        elapsed_seconds=counted / 1e6,
        paused_seconds=paused / 1e6,
        remaining_seconds=max(target - counted, 0) / 1e6,
        breached=breached,
        breached_at=_dt(cal, breached_at),
        due_at=_dt(cal, due_at),
        at_risk=not breached and counted >= threshold,
        at_risk_at=_dt(cal, risk_at),
        withdrawn=timeline.withdrawn,
        segments=tuple(segments),
    )


def _dt(cal: BusinessCalendar, us: int | None) -> datetime | None:
    return None if us is None else cal.from_us(us)


def _action(metric: Metric, status: Status) -> _Action:
    if status in metric.counting:
        return _Action.COUNT
    if status in metric.paused:
        return _Action.PAUSE
    if status in metric.stopped:
        return _Action.STOP
    raise UnknownStatusError(status.value, metric.name)


def _stretches(timeline: Timeline, metric: Metric, now_us: int, now: datetime) -> list[_Stretch]:
    """Split [registration, now] at every change of status, priority or line."""
    reg = to_us(timeline.registered_at, "registration time")
    # Sorted by instant; ties keep the tracker's order. Changes after `now` are ignored.
    changes = sorted((c.at_us, i, c) for i, c in enumerate(timeline.changes))
    status, priority, line = timeline.status, timeline.priority, timeline.line
    final = False
    start, start_dt = reg, timeline.registered_at
    out: list[_Stretch] = []
    for at, _, change in changes:
        if at > now_us:
            break
        new_status = change.status or status
        new_priority = change.priority or priority
        new_line = change.line or line
        if new_status is status and new_priority is priority and new_line is line:
            continue
        if at > start:
            out.append(
                _stretch(start, at, start_dt, change.at, status, priority, line, metric, final)
            )
            start, start_dt = at, change.at
        if metric.reopen is ReopenRule.STOP_IS_FINAL and _action(metric, status) is _Action.STOP:
            final = True
        status, priority, line = new_status, new_priority, new_line
    end, end_dt = (now_us, now) if now_us > start else (start, start_dt)
    out.append(_stretch(start, end, start_dt, end_dt, status, priority, line, metric, final))
    return out


def _stretch(
    start: int,
    end: int,
    start_dt: datetime,
    end_dt: datetime,
    status: Status,
    priority: Priority,
    line: Line,
    metric: Metric,
    final: bool,
) -> _Stretch:
    action = _Action.STOP if final else _action(metric, status)
    return _Stretch(start, end, start_dt, end_dt, status, priority, line, action)


def _target_priority(stretches: list[_Stretch], rule: PriorityRule) -> Priority:
    if rule is PriorityRule.INITIAL:
        return stretches[0].priority
    if rule is PriorityRule.HIGHEST:
        return max((s.priority for s in stretches), key=_PRIORITY_RANK.__getitem__)
    return stretches[-1].priority


def _target_line(stretches: list[_Stretch], rule: LineRule) -> Line:
    if rule is LineRule.CURRENT:
        return stretches[-1].line
    return Line.L3 if any(s.line is Line.L3 for s in stretches) else Line.L1_2


def _in_force(stretches: list[_Stretch], st: _Stretch, policy: Policy) -> tuple[Priority, Line]:
    """Priority and line that selected the target while `st` ran (for breach finality)."""
    upto = stretches[: stretches.index(st) + 1]
    return _target_priority(upto, policy.priority_rule), _target_line(upto, policy.line_rule)
