"""When the counted clock reaches an amount of time: for escalation rules and their sweep (pure).

"80 % of the target" or "4 business hours after the breach" are points on the *counted*
clock, not on the calendar: paused time does not bring them closer, and a request closed
before reaching them never reaches them. The answer comes from a result's segments (a point
already passed) or, for a running clock, from the calendar (a point still ahead).
"""

from __future__ import annotations

from datetime import datetime

from sla.calendar import BusinessCalendar
from sla.enums import ClockState
from sla.instant import to_us
from sla.result import SlaResult

__all__ = ["counted_reaches", "cycle_of"]


def counted_reaches(
    result: SlaResult, calendar: BusinessCalendar, seconds: float
) -> datetime | None:
    """The earliest instant the counted time reaches `seconds`; None if it never will.

    Past when it already did; for a running clock, when it will if it keeps running from the
    result's `now`; None for a paused or stopped clock that has not reached it.
    """
    want = round(seconds * 1_000_000)
    counted = 0
    for seg in result.segments:
        if seg.clock is not ClockState.RUNNING:
            continue
        part = round(seg.counted_seconds * 1_000_000)
        if part and counted + part >= want:
            at = calendar.add_business_us(to_us(seg.start), max(want - counted, 0))
            return calendar.from_us(at)
        counted += part
    if result.state is ClockState.RUNNING:
        at = calendar.add_business_us(to_us(result.now), max(want - counted, 0))
        return calendar.from_us(at)
    return None


def cycle_of(result: SlaResult, stopped_statuses: frozenset) -> int:
    """How many times the request was reopened: 0 until its first reopen (a new cycle)."""
    cycles, was_stopped = 0, False
    for seg in result.segments:
        stopped = seg.status in stopped_statuses
        if was_stopped and not stopped:
            cycles += 1
        was_stopped = stopped
    return cycles
