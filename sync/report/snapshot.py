"""The live view's read model (pure): a row per open request and a row per closure, as the pass
records them, and what an open row says at a later instant.

The pass records a row after it applied an issue (`snapshot_of`); the page and `report --open`
read the rows, never the tracker. Between two recomputes a running clock keeps counting, so
the time left shown is the recorded time left minus the business time since the row was
computed, on the policy's calendar (`as_of`): a page rendered at 17:00 of a request recorded
at 11:00 with 8 h left says 2 h, and one rendered on Saturday says what Friday 18:00 said.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from mappings.port import MappedIssue
from sla import BusinessCalendar, ClockState, SlaResult
from sla.instant import to_us

__all__ = [
    "Closure",
    "LiveRow",
    "MonthFigures",
    "OpenRequest",
    "Snapshot",
    "as_of",
    "month_figures",
    "snapshot_of",
]


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """One request whose clock runs or is paused, as computed at `computed_us`."""

    tracker: str
    key: str
    status: str  # regulation code: created / in_progress / clarification
    state: str  # the clock: running | paused
    at_risk: bool
    breached: bool
    priority: str  # regulation code
    line: str  # regulation code
    customer: str | None
    assignee: str | None  # the name people read
    policy: str
    due_us: int | None  # running clock: when the target is reached if it keeps running
    at_risk_at_us: int | None
    elapsed_us: int  # counted business time at `computed_us`
    target_us: int
    computed_us: int

    @property
    def remaining_us(self) -> int:
        """Business time left at `computed_us` (negative: over the target)."""
        return self.target_us - self.elapsed_us


@dataclass(frozen=True, slots=True)
class Closure:
    """One request's last closure: when, and whether it met its target."""

    tracker: str
    key: str
    closed_us: int
    outcome: str  # met | breached | withdrawn (withdrawn: never in compliance)
    priority: str
    line: str
    customer: str | None
    assignee: str | None
    policy: str
    elapsed_us: int
    target_us: int
    computed_us: int


Snapshot = OpenRequest | Closure


def _us(seconds: float) -> int:
    return round(seconds * 1_000_000)


def snapshot_of(tracker: str, mapped: MappedIssue, result: SlaResult) -> Snapshot:
    """The row the pass records for one computed issue: open, or closed at its last closure."""
    t = mapped.timeline
    who = mapped.assignee.name if mapped.assignee else None
    common = {
        "tracker": tracker,
        "key": result.key,
        "priority": result.priority.value,
        "line": result.line.value,
        "customer": t.customer,
        "assignee": who,
        "policy": result.policy,
        "elapsed_us": _us(result.elapsed_seconds),
        "target_us": _us(result.target_seconds),
        "computed_us": to_us(result.now),
    }
    if result.state is ClockState.STOPPED:
        outcome = "withdrawn" if result.withdrawn else "breached" if result.breached else "met"
        return Closure(closed_us=_closed_us(result), outcome=outcome, **common)
    return OpenRequest(
        status=result.status.value,
        state=result.state.value,
        at_risk=result.at_risk,
        breached=result.breached,
        due_us=to_us(result.due_at) if result.due_at else None,
        at_risk_at_us=to_us(result.at_risk_at) if result.at_risk_at else None,
        **common,
    )


def _closed_us(result: SlaResult) -> int:
    """The start of the stopped stretch the request is in (its last move to a stopped status)."""
    closed = result.now
    for seg in reversed(result.segments):
        if seg.clock is not ClockState.STOPPED:
            break
        closed = seg.start
    return to_us(closed)


@dataclass(frozen=True, slots=True)
class LiveRow:
    """An open request as it stands at `now_us`."""

    request: OpenRequest
    left_us: int  # business time left now; negative: overdue by that much
    breached: bool
    at_risk: bool

    @property
    def state(self) -> str:
        """What the page marks: breached, at_risk, paused or running."""
        if self.breached:
            return "breached"
        if self.at_risk:
            return "at_risk"
        return self.request.state


def as_of(req: OpenRequest, calendar: BusinessCalendar, now_us: int) -> LiveRow:
    """The row at `now_us`: a running clock has counted the business time since it was computed.

    A row computed later than `now_us` (the clock went back) is shown as recorded.
    """
    running = req.state == ClockState.RUNNING.value
    since = 0
    if running and now_us > req.computed_us:
        since = calendar.business_us(req.computed_us, now_us)
    elapsed = req.elapsed_us + since
    breached = req.breached or elapsed > req.target_us  # clock rule 6: equal is not a breach
    risk_reached = running and req.at_risk_at_us is not None and req.at_risk_at_us <= now_us
    at_risk = not breached and (req.at_risk or risk_reached)
    return LiveRow(req, req.target_us - elapsed, breached, at_risk)


def by_time_left(rows: Iterable[LiveRow]) -> list[LiveRow]:
    """Least time left first (the most overdue on top); ties by key, then tracker."""
    return sorted(rows, key=lambda r: (r.left_us, _key_order(r.request.key), r.request.tracker))


def _key_order(key: str) -> tuple[str, int]:
    prefix, _, num = key.rpartition("-")
    return prefix, int(num) if num.isdigit() else 0


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """Met and breached closures of one priority × line in this month and the one before."""

    priority: str
    line: str
    met: int = 0
    breached: int = 0
    last_met: int = 0
    last_breached: int = 0

    @property
    def compliance(self) -> float | None:
        """This month's met / (met + breached) in percent; None when nothing was judged."""
        judged = self.met + self.breached
        return 100.0 * self.met / judged if judged else None

    @property
    def last_compliance(self) -> float | None:
        """Last month's compliance in percent; None when nothing was judged."""
        judged = self.last_met + self.last_breached
        return 100.0 * self.last_met / judged if judged else None

    @property
    def trend(self) -> float | None:
        """Percentage points against last month; None when either month has no figure."""
        now, before = self.compliance, self.last_compliance
        return None if now is None or before is None else now - before


def month_starts(now: datetime, zone) -> tuple[datetime, datetime]:
    """Midnight of the first day of this month and of the month before, in `zone`."""
    local = now.astimezone(zone)
    this = datetime(local.year, local.month, 1, tzinfo=zone)
    before = (this - timedelta(days=1)).replace(day=1)
    return this, before


def month_figures(
    closures: Iterable[Closure],
    now: datetime,
    zone,
    order: Sequence[tuple[str, str]],
) -> list[MonthFigures]:
    """Compliance per priority × line (in `order`) of this month against the month before.

    A closure counts in the month it happened (in `zone`); withdrawn requests never count
    (clock rule 8). Rows with no judged closure in either month are left out.
    """
    this, before = month_starts(now, zone)
    this_us, before_us, now_us = to_us(this), to_us(before), to_us(now)
    counts: dict[tuple[str, str], list[int]] = {}
    for c in closures:
        if c.outcome == "withdrawn" or not before_us <= c.closed_us <= now_us:
            continue
        slot = counts.setdefault((c.priority, c.line), [0, 0, 0, 0])
        offset = 0 if c.closed_us >= this_us else 2
        slot[offset + (1 if c.outcome == "breached" else 0)] += 1
    return [MonthFigures(p, ln, *counts[(p, ln)]) for p, ln in order if (p, ln) in counts]
