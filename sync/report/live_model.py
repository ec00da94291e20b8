"""What the live view and `report --open` show, built from the read model at one instant.

Open requests as of `now` (time left counted on each row's policy calendar), narrowed by the
filters and ordered by time left; this month's compliance by priority and line against last
month; and, per configured tracker, how to link an issue to its page in the tracker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from config.regulation import Regulation
from sla import Policy, PolicySet
from sla.instant import to_us
from sync.adapters.live_store import LiveStore
from sync.report.snapshot import (
    LiveRow,
    MonthFigures,
    as_of,
    by_time_left,
    month_figures,
    month_starts,
)

__all__ = ["Filters", "LiveModel", "Tracker", "build", "policy_named"]

PRIORITIES = ("critical", "high", "medium", "low")
LINES = ("1-2", "3")
Link = Callable[[str, str], str]  # (base URL, key) -> URL


@dataclass(frozen=True, slots=True)
class Tracker:
    """A configured tracker as the view needs it: its name and how to link its issues."""

    name: str
    url: str
    issue_url: Link | None = None

    def link(self, key: str) -> str | None:
        """The issue's page in the tracker (None when the kind has none)."""
        return self.issue_url(self.url, key) if self.issue_url else None


@dataclass(frozen=True, slots=True)
class Filters:
    """What to show: each set filter must match (case-insensitive; codes or the regulation's
    words for priority and line)."""

    tracker: str | None = None
    customer: str | None = None
    priority: str | None = None
    line: str | None = None
    assignee: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, Sequence[str]]) -> Filters:
        """From a parsed query string (`urllib.parse.parse_qs`); empty values are unset."""
        got = {}
        for f in fields(cls):
            values = [v.strip() for v in query.get(f.name, ()) if v.strip()]
            got[f.name] = values[0][:200] if values else None
        return cls(**got)

    def as_dict(self) -> dict[str, str]:
        """The set filters only."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name))}

    def accepts(self, item: Any, name_of: Callable[[str, str], str]) -> bool:
        """Whether an open request or a closure passes every set filter."""
        checks = (
            (self.tracker, (item.tracker,)),
            (self.customer, (item.customer or "",)),
            (self.priority, (item.priority, name_of("priorities", item.priority))),
            (self.line, (item.line, name_of("lines", item.line))),
            (self.assignee, (item.assignee or "",)),
        )
        return all(
            wanted is None or _norm(wanted) in {_norm(c) for c in candidates}
            for wanted, candidates in checks
        )


@dataclass
class LiveModel:
    """Everything one rendering shows."""

    now: datetime
    zone: Any  # the regulation's time zone: the page's times
    rows: list[LiveRow]  # filtered, least time left first
    everything: list[LiveRow]  # before filtering: the filters' choices and the counts
    months: list[MonthFigures]
    this_month: datetime
    last_month: datetime
    trackers: Mapping[str, Tracker]
    filters: Filters = field(default_factory=Filters)

    def link(self, row: LiveRow) -> str | None:
        """The request's page in its tracker."""
        t = self.trackers.get(row.request.tracker)
        return t.link(row.request.key) if t else None

    def choices(self, attr: str) -> list[str]:
        """The values of one column among all open requests (for the filter lists)."""
        values = {getattr(r.request, attr) for r in self.everything}
        return sorted(v for v in values if v)

    def counts(self) -> dict[str, int]:
        """Open requests shown, and how many of them are breached, at risk, paused."""
        out = {"open": len(self.rows), "breached": 0, "at_risk": 0, "paused": 0}
        for r in self.rows:
            if r.state in out:
                out[r.state] += 1
        return out


def policy_named(policies: PolicySet, name: str) -> Policy:
    """The policy a row was computed with (its calendar counts the time since)."""
    for policy in (policies.default, *policies.by_customer.values()):
        if policy.name == name:
            return policy
    return policies.default


def build(
    store: LiveStore,
    regulation: Regulation,
    trackers: Iterable[Tracker],
    now: datetime,
    filters: Filters | None = None,
) -> LiveModel:
    """The view at `now` of the configured trackers' requests (others' rows are left out)."""
    filters = filters or Filters()
    known = {t.name: t for t in trackers}
    now_us = to_us(now)
    policies = regulation.policies
    everything = by_time_left(
        as_of(req, policy_named(policies, req.policy).calendar, now_us)
        for req in store.open_requests(known)
    )
    rows = [r for r in everything if filters.accepts(r.request, regulation.name_of)]
    zone = policies.default.calendar.zone
    this_month, last_month = month_starts(now, zone)
    recent = store.closures(to_us(last_month), known)
    closures = [c for c in recent if filters.accepts(c, regulation.name_of)]
    order = [(p, ln) for p in PRIORITIES for ln in LINES]
    months = month_figures(closures, now, zone, order)
    return LiveModel(now, zone, rows, everything, months, this_month, last_month, known, filters)


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()
