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
