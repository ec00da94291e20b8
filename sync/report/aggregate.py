"""Compliance figures from closed requests: pure functions, no I/O (docs/DESIGN.md, clock rule 8).

A request belongs to a report window when its last transition to a stopped status inside
the window is not undone by a reopen before the window ends; its SLA is the clock's result
at that closure instant, so a later reopen cannot change the month it was reported in.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sla import (
    Line,
    Policy,
    PolicySet,
    Priority,
    RequestType,
    Resolution,
    SlaResult,
    Status,
    Timeline,
    compute,
)

PRIORITY_ORDER = (Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW)
NO_CUSTOMER = "—"


@dataclass(frozen=True, slots=True)
class ClosedRequest:
    """One request closed in the window, with its SLA as of the closure."""

    key: str
    customer: str
    request_type: RequestType | None
    resolution: Resolution | None
    closed_at: datetime
    month: str  # "YYYY-MM" of the closure in the policy calendar's zone
    result: SlaResult
    policy: Policy
    tracker: str = ""  # the configured tracker it was read from (reports over several)

    @property
    def withdrawn(self) -> bool:
        return self.resolution is Resolution.WITHDRAWN

    @property
    def breached(self) -> bool:
        return self.result.breached


@dataclass(frozen=True, slots=True, order=True)
class GroupKey:
    """Customer × priority × line × month of closure (per tracker when several are read)."""

    customer: str
    priority_rank: int
    line: Line
    month: str
    tracker: str = ""

    @property
    def priority(self) -> Priority:
        return PRIORITY_ORDER[self.priority_rank]


@dataclass
class GroupStats:
    """The figures of one group; withdrawn requests are counted apart from compliance."""

    closed: int = 0
    withdrawn: int = 0
    met: int = 0
    breached: int = 0
    counted_hours: list[float] = field(default_factory=list)
    paused_seconds: float = 0.0
    counted_seconds: float = 0.0
    by_type: dict[str, list[int]] = field(default_factory=dict)  # type -> [met, breached]

    @property
    def compliance(self) -> float | None:
        """met / (met + breached) as a percentage; None when nothing was judged."""
        judged = self.met + self.breached
        return 100.0 * self.met / judged if judged else None

    @property
    def median_hours(self) -> float | None:
        return percentile(self.counted_hours, 0.5)

    @property
    def p90_hours(self) -> float | None:
        return percentile(self.counted_hours, 0.9)

    @property
    def clarification_share(self) -> float | None:
        """Paused business time / (counted + paused), as a percentage."""
        total = self.counted_seconds + self.paused_seconds
        return 100.0 * self.paused_seconds / total if total else None

    def type_figures(self, kind: RequestType) -> tuple[int, int]:
        """(met, judged) of one request type."""
        met, breached = self.by_type.get(kind.value, [0, 0])
        return met, met + breached

    def add(self, req: ClosedRequest) -> None:
        """Fold one closed request into the group."""
        self.closed += 1
        if req.withdrawn:
            self.withdrawn += 1
            return
        r = req.result
        self.counted_hours.append(r.elapsed_seconds / 3600)
        self.counted_seconds += r.elapsed_seconds
        self.paused_seconds += r.paused_seconds
        if r.breached:
            self.breached += 1
        else:
            self.met += 1
        if req.request_type is not None:
            pair = self.by_type.setdefault(req.request_type.value, [0, 0])
            pair[1 if r.breached else 0] += 1


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None for no values."""
    if not values:
        return None
    if q == 0.5:
        return statistics.median(values)
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def closure_at(
    timeline: Timeline, stopped: frozenset[Status], since: datetime, until: datetime
) -> datetime | None:
    """The last transition into a stopped status in [since, until) that stays stopped until then."""
    status = timeline.status
    closed: datetime | None = None
    if status in stopped and since <= timeline.registered_at < until:
        closed = timeline.registered_at
    for change in sorted(timeline.changes, key=lambda c: c.at_us):
        if change.at >= until:
            break
        new = change.status or status
        if new is status:
            continue
        if new in stopped and status not in stopped:
            closed = change.at if change.at >= since else None
        elif new not in stopped:
            closed = None  # reopened before the window ended: not closed in it
        status = new
    return closed


def resolution_at(timeline: Timeline, at: datetime) -> Resolution | None:
    """The resolution set at or before `at` (the timeline's final one when never changed)."""
    limit = at.timestamp()
    found = [c for c in timeline.changes if c.resolution is not None and c.at.timestamp() <= limit]
    if not found:
        return timeline.resolution
    return max(enumerate(found), key=lambda ic: (ic[1].at_us, ic[0]))[1].resolution


def month_of(instant: datetime, policy: Policy) -> str:
    """'YYYY-MM' of an instant in the policy calendar's zone (a 23:30 UTC close is local)."""
    return instant.astimezone(policy.calendar.zone).strftime("%Y-%m")


def closed_requests(
    timelines: Iterable[Timeline],
    policies: PolicySet,
    since: datetime,
    until: datetime,
    customer: str | None = None,
    tracker: str = "",
) -> list[ClosedRequest]:
    """The requests closed in [since, until), each computed at its closure under its policy."""
    wanted = _norm(customer) if customer else None
    out = []
    for t in timelines:
        if wanted is not None and _norm(t.customer or "") != wanted:
            continue
        policy = policies.for_customer(t.customer)
        closed = closure_at(t, policy.primary.stopped, since, until)
        if closed is None:
            continue
        out.append(
            ClosedRequest(
                key=t.key,
                customer=t.customer or NO_CUSTOMER,
                request_type=t.request_type,
                resolution=resolution_at(t, closed),
                closed_at=closed,
                month=month_of(closed, policy),
                result=compute(t, policy, closed),
                policy=policy,
                tracker=tracker,
            )
        )
    return sorted(out, key=lambda r: (r.closed_at, r.key))


def group(requests: Iterable[ClosedRequest]) -> dict[GroupKey, GroupStats]:
    """Figures per customer × priority × line × month, in a stable reading order."""
    groups: dict[GroupKey, GroupStats] = defaultdict(GroupStats)
    for req in requests:
        r = req.result
        rank = PRIORITY_ORDER.index(r.priority)
        groups[GroupKey(req.customer, rank, r.line, req.month, req.tracker)].add(req)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0].tracker, kv[0])))


def by_priority_month(requests: Iterable[ClosedRequest]) -> dict[tuple[str, Priority], GroupStats]:
    """Figures per month × priority over all customers (the chart's bars)."""
    groups: dict[tuple[str, Priority], GroupStats] = defaultdict(GroupStats)
    for req in requests:
        groups[(req.month, req.result.priority)].add(req)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0][0], PRIORITY_ORDER.index(kv[0][1]))))


def total(requests: Iterable[ClosedRequest]) -> GroupStats:
    """Figures over every request."""
    stats = GroupStats()
    for req in requests:
        stats.add(req)
    return stats


@dataclass(frozen=True, slots=True)
class Flip:
    """A request whose outcome differs between two policies."""

    key: str
    customer: str
    base: ClosedRequest
    other: ClosedRequest

    @property
    def direction(self) -> str:
        return "met → breached" if self.other.breached else "breached → met"


def flips(base: Iterable[ClosedRequest], other: Iterable[ClosedRequest]) -> list[Flip]:
    """Requests judged under both policies whose met/breached outcome differs (withdrawn: never)."""
    theirs = {(r.tracker, r.key): r for r in other if not r.withdrawn}
    out = [
        Flip(r.key, r.customer, r, theirs[(r.tracker, r.key)])
        for r in base
        if not r.withdrawn
        and (r.tracker, r.key) in theirs
        and theirs[(r.tracker, r.key)].breached != r.breached
    ]
    return sorted(out, key=lambda f: (f.base.tracker, f.key))


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()
