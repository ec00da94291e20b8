"""The pass: read changed issues, recompute, write back only what changed, advance the cursor.

One service function per command (DESIGN.md): `sync_since` (the scheduled / cron pass),
`sweep` (issues whose result flips with time alone) and `recompute` (one issue, e.g. from a
webhook). All three end in `writeback.apply`, the only place that writes to the tracker.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog

from config.regulation import Regulation
from mappings.raw import RawIssue
from sla import SlaError, SlaResult
from sla.instant import to_us
from sync.adapters.mailer import Mailer
from sync.adapters.store import StateStore
from sync.binding import Binding, lookback_start
from sync.errors import SkippableIssueError
from sync.passes import writeback
from sync.passes.writeback import Plan


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


class Runner:
    """Runs passes, sweeps and single recomputes for one configured tracker."""

    CHUNK = 100  # issues written between two cursor advances

    def __init__(
        self,
        binding: Binding,
        regulation: Regulation,
        store: StateStore,
        clock: Callable[[], datetime],
        options: PassOptions | None = None,
        on_issue: Callable[[str, IssueOutcome], None] | None = None,
        mailer: Mailer | None = None,
    ) -> None:
        self.b = binding
        self.regulation = regulation
        self.store = store
        self.clock = clock
        self.options = options or PassOptions()
        self.on_issue = on_issue
        self.log = structlog.get_logger().bind(tracker=binding.name)
        self.ctx = writeback.Context(
            binding,
            regulation,
            store,
            clock,
            self.options.hours_refresh,
            self.options.breach_comment,
            lambda key, detail: self.log.warning("mapping", issue=key, detail=detail),
            mailer,
        )
        self._catalog_ready = False

    # -- commands -----------------------------------------------------------------------

    def sync_since(
        self, *, full: bool = False, dry_run: bool = False, keep_results: bool = False
    ) -> PassReport:
        """One incremental pass (or everything with `full`); the cursor moves page by page."""
        report = self._start()
        now = self.clock()
        cursor_us = None if full else self.store.cursor(self.b.name, self.b.scope)
        scope, since = self.b.scope, None
        if cursor_us is not None:
            since = datetime.fromtimestamp(cursor_us / 1e6, now.tzinfo) - self.options.overlap
        elif not full:
            start = lookback_start(now, self.options.closed_lookback_days)
            if start is not None:
                scope = self.b.mapping.lookback_scope(scope, start)
        self._retry_failures(report, dry_run)
        plans: dict[str, Plan] = {}
        for page in self.b.tracker.search(
            scope, since, self._field_ids(), history_field_ids=self._history_ids()
        ):
            for raw in page.issues:
                p = self._plan(raw, dry_run, report.run_id, dedupe=True, keep=keep_results)
                if isinstance(p, IssueOutcome):
                    report.issues.append(p)
                else:
                    plans[p.key] = p  # a key met twice: the later read is the fresher one
        # Writes only now (they bump `updated`), oldest update first; the cursor follows each
        # chunk once its writes went through, so a killed pass redoes little.
        ordered = sorted(plans.values(), key=lambda p: (p.updated_us or 0, p.key))
        for start in range(0, len(ordered), self.CHUNK):
            chunk = ordered[start : start + self.CHUNK]
            report.issues += [self._apply(p, dry_run, report.run_id) for p in chunk]
            newest = max((p.updated_us for p in chunk if p.updated_us), default=None)
            if newest is not None and not dry_run:
                self.store.advance_cursor(self.b.name, self.b.scope, newest)
        return report

    def sweep(self, *, dry_run: bool = False) -> PassReport:
        """Recompute the issues whose deadline, at-risk point or hours refresh has come."""
        report = self._start()
        now_us = to_us(self.clock())
        for key in self.store.due_for_check(self.b.name, now_us):
            report.issues.append(self._recompute(key, dry_run, report.run_id))
        return report

    def recompute(self, key: str, *, dry_run: bool = False) -> IssueOutcome:
        """Fetch one issue fresh and bring its SLA fields up to date."""
        report = self._start()
        return self._recompute(key, dry_run, report.run_id)

    def explain(self, key: str) -> SlaResult:
        """The SLA result of one issue, read-only."""
        self._start()
        raw = self.b.tracker.fetch(key, self._field_ids())
        return writeback.compute_result(self.ctx, raw, self.clock())[0]

    # -- internals ----------------------------------------------------------------------

    def _start(self) -> PassReport:
        if not self._catalog_ready:
            self.b.refresh_catalog()
            self._catalog_ready = True
        return PassReport(self.b.name, uuid.uuid4().hex[:12])

    def refresh(self) -> None:
        """Re-read field definitions at the next command (once per scheduled pass)."""
        self._catalog_ready = False

    def _field_ids(self) -> list[str]:
        return self.b.mapping.required_field_ids(self.b.profile, self.b.catalog)

    def _history_ids(self) -> list[str]:
        return self.b.mapping.history_field_ids(self.b.profile, self.b.catalog)

    def _retry_failures(self, report: PassReport, dry_run: bool) -> None:
        for key in self.store.failures(self.b.name):
            report.issues.append(self._recompute(key, dry_run, report.run_id))

    def _recompute(self, key: str, dry_run: bool, run_id: str) -> IssueOutcome:
        try:
            raw = self.b.tracker.fetch(key, self._field_ids())
        except SkippableIssueError as exc:
            return self._failed(key, str(exc), dry_run, run_id)
        return self._handle(raw, dry_run, run_id, dedupe=False)

    def _failed(self, key: str, reason: str, dry_run: bool, run_id: str) -> IssueOutcome:
        if not dry_run:
            self.store.record_failure(self.b.name, key, reason, to_us(self.clock()))
        outcome = IssueOutcome(key, "failed", error=reason)
        self._log(outcome, run_id)
        return outcome

    def _log(self, o: IssueOutcome, run_id: str) -> None:
        self.log.info(
            "issue",
            issue=o.key,
            run_id=run_id,
            outcome=o.outcome,
            writes=len(o.changes) if o.outcome == "written" else 0,
            **({"error": o.error} if o.error else {}),
        )
        if self.on_issue:
            self.on_issue(self.b.name, o)

    def _handle(self, raw: RawIssue, dry_run: bool, run_id: str, dedupe: bool) -> IssueOutcome:
        """Plan and, unless dry-run, apply one issue right away (single recomputes)."""
        p = self._plan(raw, dry_run, run_id, dedupe)
        return p if isinstance(p, IssueOutcome) else self._apply(p, dry_run, run_id)

    def _plan(
        self, raw: RawIssue, dry_run: bool, run_id: str, dedupe: bool, keep: bool = True
    ) -> Plan | IssueOutcome:
        try:
            return writeback.plan(self.ctx, raw, dedupe, keep)
        except (SlaError, SkippableIssueError) as exc:
            return self._failed(raw.key, str(exc), dry_run, run_id)

    def _apply(self, p: Plan, dry_run: bool, run_id: str) -> IssueOutcome:
        """One issue; its own bad data never stops the others (fatal/retriable errors do)."""
        if dry_run:
            lines = p.lines + ([f"comment: {p.comment}"] if p.comment else [])
            outcome = IssueOutcome(
                p.key,
                "duplicate" if p.duplicate else ("would-write" if lines else "unchanged"),
                lines,
                p.result,
            )
        else:
            try:
                kind, commented = writeback.apply(self.ctx, p)
            except SkippableIssueError as exc:
                return self._failed(p.key, str(exc), dry_run, run_id)
            outcome = IssueOutcome(p.key, kind, p.lines, p.result, commented=commented)
        self._log(outcome, run_id)
        return outcome
