"""The output of `sla.compute`: numbers plus the segments that explain them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sla.enums import ClockState, Line, Priority, Status


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of time in one status; `counted_seconds` is what it adds to the clock."""

    start: datetime
    end: datetime
    status: Status
    counted_seconds: float
    paused: bool
    business_seconds: float
    priority: Priority
    line: Line
    clock: ClockState


@dataclass(frozen=True, slots=True)
class SlaResult:
    """One metric of one request at instant `now` (see DESIGN.md, "The clock")."""

    key: str
    metric: str
    policy: str
    now: datetime
    priority: Priority
    line: Line
    status: Status
    state: ClockState
    target_seconds: float
    elapsed_seconds: float
    paused_seconds: float
    remaining_seconds: float
    breached: bool
    breached_at: datetime | None
    due_at: datetime | None
    at_risk: bool
    at_risk_at: datetime | None
    withdrawn: bool
    segments: tuple[Segment, ...]

    @property
    def target_hours(self) -> float:
        return self.target_seconds / 3600

    @property
    def elapsed_hours(self) -> float:
        return self.elapsed_seconds / 3600

    @property
    def remaining_hours(self) -> float:
        return self.remaining_seconds / 3600


# The clock builds ~10 segments per request. A frozen dataclass's generated __init__ sets
# each field through object.__setattr__ (its own __setattr__ refuses), several times the
# cost of a plain slot store. So the clock fills a plain class with the same slot layout and
# then gives it its real class: the very object `Segment(...)` builds (same class, fields,
# equality, hash and immutability from then on), at a quarter of the cost. CPython allows
# the `__class__` assignment because both layouts are the same slots on `object`.


def _draft(cls: type) -> type:
    return type(f"_{cls.__name__}Draft", (), {"__slots__": cls.__slots__})


_SegmentDraft = _draft(Segment)
_ResultDraft = _draft(SlaResult)


def new_segment(
    start: datetime,
    end: datetime,
    status: Status,
    counted_seconds: float,
    paused: bool,
    business_seconds: float,
    priority: Priority,
    line: Line,
    clock: ClockState,
) -> Segment:
    """`Segment(...)`, built faster (see above)."""
    seg = _SegmentDraft()
    seg.start = start
    seg.end = end
    seg.status = status
    seg.counted_seconds = counted_seconds
    seg.paused = paused
    seg.business_seconds = business_seconds
    seg.priority = priority
    seg.line = line
    seg.clock = clock
    seg.__class__ = Segment
    return seg


def new_result(
    key: str,
    metric: str,
    policy: str,
    now: datetime,
    priority: Priority,
    line: Line,
    status: Status,
    state: ClockState,
    target_seconds: float,
    elapsed_seconds: float,
    paused_seconds: float,
    remaining_seconds: float,
    breached: bool,
    breached_at: datetime | None,
    due_at: datetime | None,
    at_risk: bool,
    at_risk_at: datetime | None,
    withdrawn: bool,
    segments: tuple[Segment, ...],
) -> SlaResult:
    """`SlaResult(...)`, built faster (see above)."""
    r = _ResultDraft()
    r.key = key
    r.metric = metric
    r.policy = policy
    r.now = now
    r.priority = priority
    r.line = line
    r.status = status
    r.state = state
    r.target_seconds = target_seconds
    r.elapsed_seconds = elapsed_seconds
    r.paused_seconds = paused_seconds
    r.remaining_seconds = remaining_seconds
    r.breached = breached
    r.breached_at = breached_at
    r.due_at = due_at
    r.at_risk = at_risk
    r.at_risk_at = at_risk_at
    r.withdrawn = withdrawn
    r.segments = segments
    r.__class__ = SlaResult
    return r
