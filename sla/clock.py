"""The clock (DESIGN.md, "The clock" — normative): `compute(timeline, policy, now)`."""

from __future__ import annotations

import math
from datetime import datetime
from operator import attrgetter

from sla.enums import ClockState, Line, Priority, Status
from sla.errors import UnknownStatusError
from sla.instant import to_us
from sla.policy import LineRule, Metric, Policy, PriorityRule, ReopenRule, Targets
from sla.result import Segment, SlaResult, new_result, new_segment
from sla.timeline import Timeline

_PRIORITY_RANK = {Priority.LOW: 0, Priority.MEDIUM: 1, Priority.HIGH: 2, Priority.CRITICAL: 3}

# Enum members as module constants: `ClockState.RUNNING` is a descriptor lookup on the enum
# class (~60 ns on Python 3.11), paid on every stretch otherwise.
_RUNNING, _PAUSED, _STOPPED = ClockState.RUNNING, ClockState.PAUSED, ClockState.STOPPED
_L1_2, _L3 = Line.L1_2, Line.L3
_P_CURRENT, _P_HIGHEST, _P_INITIAL = (
    PriorityRule.CURRENT,
    PriorityRule.HIGHEST,
    PriorityRule.INITIAL,
)
_LINE_CURRENT = LineRule.CURRENT
_STOP_IS_FINAL = ReopenRule.STOP_IS_FINAL
_AT_US = attrgetter("at_us")

Run = tuple[Status, Priority, Line, ClockState]
"""What holds during one stretch: status, priority, line and the clock's state."""


def compute(
    timeline: Timeline, policy: Policy, now: datetime, metric: str | None = None
) -> SlaResult:
    """Recompute one metric of one request at `now`: a pure function of its arguments."""
    m = policy.metric(metric) if metric else policy.primary
    cal = policy.calendar
    now_us = to_us(now, "now")
    bounds, instants, runs = _stretches(timeline, m, now_us, now)
    last = runs[-1]
    priority = _target_priority(runs, policy.priority_rule)
    line = _target_line(runs, policy.line_rule)
    targets = m.targets
    target = round(targets.get(priority, line) * 1e6)
    threshold = math.ceil(policy.at_risk_ratio * target)

    # Stretch i runs from boundary i to boundary i+1: one calendar lookup and one conversion
    # to the calendar's zone per boundary, not two per stretch.
    cums = cal.cumulative_us_many(bounds)
    zone = cal.zone
    local = [dt.astimezone(zone) for dt in instants]
    in_force = _InForce(runs[0], policy, targets) if policy.breach_final else None

    counted = paused = 0
    reached_at = risk_at = final_breach_at = None
    segments: list[Segment] = []
    for i, (status, prio, ln, state) in enumerate(runs):
        business = cums[i + 1] - cums[i]
        if in_force:
            in_force.see(prio, ln)
        counts = state is _RUNNING
        if counts and business:
            start = bounds[i]
            if reached_at is None and counted + business >= target:
                reached_at = cal.add_business_us(start, target - counted)
            if risk_at is None and counted + business >= threshold:
                risk_at = cal.add_business_us(start, max(threshold - counted, 0))
            if in_force and final_breach_at is None:
                then = in_force.target_us(prio, ln)
                if counted + business > then:
                    # A raise can put counted time over the new target at once: the breach
                    # is then final from the stretch's start, not a negative amount earlier.
                    final_breach_at = cal.add_business_us(start, max(then - counted, 0))
            counted += business
        elif state is _PAUSED:
            paused += business
        seconds = business / 1e6
        segments.append(
            new_segment(
                local[i],
                local[i + 1],
                status,
                seconds if counts else 0.0,
                state is _PAUSED,
                seconds,
                prio,
                ln,
                state,
            )
        )

    state = last[3]
    breached = counted > target
    breached_at = reached_at if breached else None
    if final_breach_at is not None and (breached_at is None or final_breach_at < breached_at):
        breached, breached_at = True, final_breach_at
    due_at = None
    if state is _RUNNING:
        due_at = reached_at if counted >= target else cal.add_business_us(now_us, target - counted)
        if risk_at is None:
            risk_at = cal.add_business_us(now_us, threshold - counted)

    from_us = cal.from_us
    # Positional, in field order (keywords cost 5 % of the whole call here).
    return new_result(
        timeline.key,  # key
        m.name,  # metric
        policy.name,  # policy
        now,  # now
        priority,  # priority
        line,  # line
        last[0],  # status
        state,  # state
        target / 1e6,  # target_seconds
        counted / 1e6,  # elapsed_seconds
        paused / 1e6,  # paused_seconds
        max(target - counted, 0) / 1e6,  # remaining_seconds
        breached,  # breached
        None if breached_at is None else from_us(breached_at),  # breached_at
        None if due_at is None else from_us(due_at),  # due_at
        not breached and counted >= threshold,  # at_risk
        None if risk_at is None else from_us(risk_at),  # at_risk_at
        timeline.withdrawn,  # withdrawn
        tuple(segments),  # segments
    )


class _InForce:
    """The target in force while the stretches so far ran (breach finality), kept as they go."""

    __slots__ = ("by_line", "first", "l3", "rule", "targets", "top")

    def __init__(self, first: Run, policy: Policy, targets: Targets) -> None:
        self.rule, self.by_line = policy.priority_rule, policy.line_rule is not _LINE_CURRENT
        self.targets, self.first, self.top, self.l3 = targets, first[1], first[1], False

    def see(self, priority: Priority, line: Line) -> None:
        """Take in the next stretch's priority and line."""
        if _PRIORITY_RANK[priority] > _PRIORITY_RANK[self.top]:
            self.top = priority
        self.l3 = self.l3 or line is _L3

    def target_us(self, priority: Priority, line: Line) -> int:
        """The target (µs) that `_target_priority`/`_target_line` give for the stretches seen."""
        rule = self.rule
        p = priority if rule is _P_CURRENT else self.top if rule is _P_HIGHEST else self.first
        ln = (_L3 if self.l3 else _L1_2) if self.by_line else line
        return round(self.targets.get(p, ln) * 1e6)


def _state(metric: Metric, status: Status) -> ClockState:
    if status in metric.counting:
        return _RUNNING
    if status in metric.paused:
        return _PAUSED
    if status in metric.stopped:
        return _STOPPED
    raise UnknownStatusError(status.value, metric.name)


def _stretches(
    timeline: Timeline, metric: Metric, now_us: int, now: datetime
) -> tuple[list[int], list[datetime], list[Run]]:
    """Split [registration, now] at every change of status, priority or line.

    Returns the n + 1 boundaries (epoch µs, and the datetimes they came from) and what held
    during each of the n stretches between them.
    """
    reg = to_us(timeline.registered_at, "registration time")
    # Sorted by instant; the sort is stable, so ties keep the tracker's order. Changes after
    # `now` are ignored.
    changes = sorted(timeline.changes, key=_AT_US)
    status, priority, line = timeline.status, timeline.priority, timeline.line
    stop_is_final = metric.reopen is _STOP_IS_FINAL
    final = False
    start = reg
    bounds = [reg]
    instants = [timeline.registered_at]
    runs: list[Run] = []
    for change in changes:
        at = change.at_us
        if at > now_us:
            break
        new_status = change.status or status
        new_priority = change.priority or priority
        new_line = change.line or line
        if new_status is status and new_priority is priority and new_line is line:
            continue
        if at > start:
            runs.append((status, priority, line, _STOPPED if final else _state(metric, status)))
            bounds.append(at)
            instants.append(change.at)
            start = at
        if stop_is_final and _state(metric, status) is _STOPPED:
            final = True
        status, priority, line = new_status, new_priority, new_line
    if now_us > start:
        bounds.append(now_us)
        instants.append(now)
    else:
        bounds.append(start)
        instants.append(instants[-1])
    runs.append((status, priority, line, _STOPPED if final else _state(metric, status)))
    return bounds, instants, runs


def _target_priority(runs: list[Run], rule: PriorityRule) -> Priority:
    if rule is _P_INITIAL:
        return runs[0][1]
    if rule is _P_HIGHEST:
        return max((r[1] for r in runs), key=_PRIORITY_RANK.__getitem__)
    return runs[-1][1]


def _target_line(runs: list[Run], rule: LineRule) -> Line:
    if rule is _LINE_CURRENT:
        return runs[-1][2]
    for run in runs:  # a plain loop: any() over a generator costs twice as much here
        if run[2] is _L3:
            return _L3
    return _L1_2
