"""The pass: read changed issues, recompute, write back only what changed, advance the cursor.

One service function per command (DESIGN.md): `sync_since` (the scheduled / cron pass),
`sweep` (issues whose result flips with time alone) and `recompute` (one issue, e.g. from a
webhook). All three end in `_process`, which is the only place that writes to the tracker.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog

from config.regulation import Regulation
from mappings.raw import RawIssue
from sla import ClockState, Policy, SlaError, SlaResult, compute
from sla.instant import to_us
from sync.binding import Binding, lookback_start
from sync.errors import SkippableIssueError
from sync.store import IssueState, StateStore

BREACH_COMMENT = "breach_comment"


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

    def __init__(
        self,
        binding: Binding,
        regulation: Regulation,
        store: StateStore,
        clock: Callable[[], datetime],
        options: PassOptions | None = None,
        on_issue: Callable[[str, IssueOutcome], None] | None = None,
    ) -> None:
        self.b = binding
        self.regulation = regulation
        self.store = store
        self.clock = clock
        self.options = options or PassOptions()
        self.on_issue = on_issue
        self.log = structlog.get_logger().bind(tracker=binding.name)
        self._catalog_ready = False

    # -- commands -----------------------------------------------------------------------

    def sync_since(self, *, full: bool = False, dry_run: bool = False) -> PassReport:
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
        for page in self.b.tracker.search(
            scope, since, self._field_ids(), history_field_ids=self._history_ids()
        ):
            for raw in page.issues:
                report.issues.append(self._guarded(raw, dry_run, report.run_id, dedupe=True))
            if page.last_updated is not None and not dry_run:
                # Only now: every write of this page went through (a fatal error raised).
                self.store.advance_cursor(self.b.name, self.b.scope, to_us(page.last_updated))
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
        return self._result(raw, self.clock())[0]

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
        return self._guarded(raw, dry_run, run_id, dedupe=False)

    def _guarded(self, raw: RawIssue, dry_run: bool, run_id: str, dedupe: bool) -> IssueOutcome:
        """One issue; its own bad data never stops the others (fatal/retriable errors do)."""
        try:
            outcome = self._process(raw, dry_run, dedupe)
        except (SlaError, SkippableIssueError) as exc:
            return self._failed(raw.key, str(exc), dry_run, run_id)
        self._log(outcome, run_id)
        return outcome

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

    def _result(self, raw: RawIssue, now: datetime) -> tuple[SlaResult, Policy]:
        mapped = self.b.mapping.map_issue(
            raw, self.b.profile, self.b.catalog, status_categories=self.b.status_categories
        )
        timeline = mapped.timeline
        for warning in mapped.warnings:
            self.log.warning("mapping", issue=raw.key, detail=warning)
        policy = self.regulation.policies.for_customer(timeline.customer)
        return compute(timeline, policy, now), policy

    def _process(self, raw: RawIssue, dry_run: bool, dedupe: bool) -> IssueOutcome:
        now = self.clock()
        now_us = to_us(now)
        m = self.b.mapping
        seen = self.store.issue(self.b.name, raw.key)
        updated = m.updated_of(raw)
        updated_us = to_us(updated) if updated else None
        check_due = seen is None or (seen.check_us is not None and seen.check_us <= now_us)
        if (
            dedupe
            and seen
            and updated_us is not None
            and seen.seen_updated_us == updated_us
            and not check_due
        ):
            return IssueOutcome(raw.key, "duplicate")  # already processed this version
        result, policy = self._result(raw, now)
        human = self._changed_by_someone_else(raw, seen)
        hours_due = (
            human
            or seen is None
            or seen.hours_written_us is None
            or (
                now_us - seen.hours_written_us
                >= self.options.hours_refresh / timedelta(microseconds=1)
            )
        )
        desired = m.desired_fields(result, self.b.profile, self.b.catalog, include_hours=hours_due)
        changed = m.changed_fields(raw.fields, desired)
        lines = m.render_changes(raw.fields, changed, desired) if changed else []
        comment = self._breach_comment(result)
        if dry_run:
            if comment and self.store.intent(self.b.name, raw.key, BREACH_COMMENT) != "done":
                lines.append(f"comment: {comment}")
            return IssueOutcome(raw.key, "would-write" if lines else "unchanged", lines, result)
        if changed:
            current = m.labels_of(raw)
            wanted = changed.pop("labels", current)
            self.b.tracker.update(
                raw.key,
                changed,
                labels_add=[lb for lb in wanted if lb not in current],
                labels_remove=[lb for lb in current if lb not in wanted],
            )
        commented = bool(comment) and self._comment_once(raw.key, comment)
        hours_written = (
            now_us
            if hours_due and desired.hours_field_ids
            else (seen.hours_written_us if seen else None)
        )
        self.store.record_issue(
            self.b.name,
            raw.key,
            seen_updated_us=updated_us,
            check_us=self._next_check(result, policy, hours_written, bool(desired.hours_field_ids)),
            state=result.state.value,
            breached=result.breached,
            due_us=to_us(result.due_at) if result.due_at else None,
            hours_written_us=hours_written,
        )
        outcome = (
            "written"
            if changed or commented
            else ("unchanged" if human or not seen else "own-write")
        )
        return IssueOutcome(raw.key, outcome, lines, result, commented=commented)

    def _changed_by_someone_else(self, raw: RawIssue, seen: IssueState | None) -> bool:
        """Did anyone but us change the issue since we last processed it?"""
        if seen is None or seen.seen_updated_us is None:
            return True
        account = self.b.tracker.account_id()
        sla_ids = self.b.mapping.sla_field_ids(self.b.profile, self.b.catalog)
        labels = [
            lb
            for lb in (self.b.profile.write.label_breached, self.b.profile.write.label_at_risk)
            if lb
        ]
        for h in reversed(raw.histories):
            at = self.b.mapping.history_time(h)
            if at is None or to_us(at) <= seen.seen_updated_us:
                break
            if not self.b.mapping.is_own_change(h, account, sla_ids, sla_labels=labels):
                return True
        return False

    def _breach_comment(self, result: SlaResult) -> str | None:
        enabled = self.options.breach_comment
        if not result.breached or enabled is False:
            return None
        text = self.b.mapping.breach_comment(result, self.b.profile)
        if text is None and enabled:  # forced on by settings while the profile has it off
            text = f"SLA breached: {result.key}"
        return text

    def _comment_once(self, key: str, text: str) -> bool:
        """Record intent, post, mark done; after a crash in between, look before posting."""
        state = self.store.intent(self.b.name, key, BREACH_COMMENT)
        if state == "done":
            return False
        if state == "intended" and text.strip() in (c.strip() for c in self._comments(key)):
            self.store.mark_intent(self.b.name, key, BREACH_COMMENT, "done", to_us(self.clock()))
            return False
        self.store.mark_intent(self.b.name, key, BREACH_COMMENT, "intended", to_us(self.clock()))
        self.b.tracker.comment(key, text)
        self.store.mark_intent(self.b.name, key, BREACH_COMMENT, "done", to_us(self.clock()))
        return True

    def _comments(self, key: str) -> Iterable[str]:
        comments = getattr(self.b.tracker, "comments", None)
        return comments(key) if comments else ()

    def _next_check(
        self, r: SlaResult, policy: Policy, hours_written_us: int | None, writes_hours: bool
    ) -> int | None:
        """When the result flips without any event: at-risk point, breach, hours refresh."""
        if r.state is not ClockState.RUNNING:
            return None
        candidates = []
        if r.at_risk_at and not r.at_risk and not r.breached:
            candidates.append(to_us(r.at_risk_at))
        if r.due_at and not r.breached:
            # counted > target happens at the first working second after due_at.
            candidates.append(policy.calendar.add_business_us(to_us(r.due_at), 1_000_000))
        if writes_hours and hours_written_us is not None:
            candidates.append(
                hours_written_us + int(self.options.hours_refresh.total_seconds() * 1e6)
            )
        return min(candidates) if candidates else None
