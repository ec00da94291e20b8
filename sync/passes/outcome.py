"""What a pass reports, and the options it runs with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sla import SlaResult

__all__ = ["IssueOutcome", "PassOptions", "PassReport"]


@dataclass
class IssueOutcome:
    """What happened to one issue in a pass."""

    key: str
    outcome: str  # written | unchanged | own-write | duplicate | would-write | failed
    changes: list[str] = field(default_factory=list)
    result: SlaResult | None = None
    error: str | None = None
    commented: bool = False


@dataclass
class PassReport:
    """The outcome of one pass over one tracker."""

    tracker: str
    run_id: str
    issues: list[IssueOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[IssueOutcome]:
        return [i for i in self.issues if i.outcome == "failed"]

    @property
    def writes(self) -> int:
        return sum(1 for i in self.issues if i.outcome == "written")


@dataclass(frozen=True)
class PassOptions:
    """Knobs of a pass, from settings."""

    overlap: timedelta = timedelta(minutes=5)
    closed_lookback_days: int | None = 30
    hours_refresh: timedelta = timedelta(minutes=60)
    breach_comment: bool | None = None
