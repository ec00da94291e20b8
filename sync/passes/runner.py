"""The pass: read changed issues, decide, write back only what changed, advance the cursor.

One service function per command (docs/DESIGN.md, "The pass"): `sync_since` (the scheduled /
cron pass), `sweep` (issues whose result flips with time alone) and `recompute` (one issue,
e.g. from a webhook). Each reads the issue and what the store knew of it, lets `decide` work
out the plan (pure), and hands it to `apply`, the only place that writes to the tracker.

The pass and the sweep hold the store's pass lock (`Store.lock`: one pass at a time,
re-entrant within the process); a single recompute holds `Store.writer()` (SQLite: the same
one-writer lock; PostgreSQL: nothing, instances write side by side). Every issue is read,
decided and written under `Store.issue_lock`, one holder per issue across threads and
instances; a plan made before another holder processed its issue is made again. A webhook's
recompute first checks that the issue is in the scope (`ScopeCheck`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import structlog

from config.regulation import Regulation
from mappings.raw import RawIssue
from sla import SlaError, SlaResult
from sla.instant import to_us
from sync.adapters.mailer import Mailer
from sync.adapters.store_port import IssueState, Store
from sync.binding import Binding
from sync.errors import SkippableIssueError
from sync.passes import escalations
from sync.passes.apply import apply
from sync.passes.decide import (
    BREACH_COMMENT,
    Evaluation,
    Plan,
    Prior,
    Rules,
    decide,
    evaluate,
    is_duplicate,
    is_own_change,
)
from sync.passes.deliver import Effects
from sync.passes.escalations import EscalationRules
from sync.passes.known import KnownVersions
from sync.passes.notices import NoticeRules
from sync.passes.outcome import IssueOutcome, PassOptions, PassReport
from sync.passes.scope import ScopeCheck
from sync.passes.window import read_window, window

__all__ = ["IssueOutcome", "PassOptions", "PassReport", "Runner"]


class Runner:
    """Runs passes, sweeps and single recomputes for one configured tracker."""

    CHUNK = 100  # issues written between two cursor advances

    def __init__(
        self,
        binding: Binding,
        regulation: Regulation,
        store: Store,
        clock: Callable[[], datetime],
        options: PassOptions | None = None,
        on_issue: Callable[[str, IssueOutcome], None] | None = None,
        mailer: Mailer | None = None,
        scope_cache_seconds: float = 600,
        scope: ScopeCheck | None = None,
    ) -> None:
        self.b = binding
        self.regulation = regulation
        self.store = store
        self.clock = clock
        self.options = options or PassOptions()
        self.on_issue = on_issue
        self.log = structlog.get_logger().bind(tracker=binding.name)
        self.fx = Effects(binding, store, clock, mailer)
        self._notice_rules = NoticeRules(
            binding.name,
            regulation.notifications,
            mailer.s.from_address if mailer else None,
            regulation.name_of,
        )
        enabled = tuple(r for r in regulation.escalations if r.enabled)
        self._escalations = (
            EscalationRules(
                binding.name,
                enabled,
                mailer.s.from_address if mailer else None,
                regulation.name_of,
                binding.mapping.mention,
            )
            if enabled
            else None
        )
        self._catalog_ready = False
        self._calendar_warned: set[str] = set()
        self.scope = scope or ScopeCheck(binding, scope_cache_seconds)

    # -- commands -----------------------------------------------------------------------

    def sync_since(
        self, *, full: bool = False, dry_run: bool = False, keep_results: bool = False
    ) -> PassReport:
        """One incremental pass (or everything with `full`); the cursor moves page by page."""
        report = self._start()
        with self._writing(dry_run):
            return self._pass(report, full, dry_run, keep_results)

    def _pass(self, report: PassReport, full: bool, dry_run: bool, keep: bool) -> PassReport:
        now = self.clock()
        cursor_us = None if full else self.store.cursor(self.b.name, self.b.scope)
        query = window(self.b.scope, cursor_us, now, self.options, full=full)
        # Issues that failed before: retried from the window's fresh read when it holds them,
        # else fetched after it. Either way one outcome per key (one key, one failure).
        failed_before = set(self.store.failures(self.b.name))
        fields, history = self.b.read_field_ids(), self.b.history_field_ids()
        known = KnownVersions(self.store, self.b.name, self.clock, failed_before)
        pages = self.b.tracker.search(query, fields, history, known=known)
        read = read_window(
            pages,
            known,
            lambda raw, dedupe: self._plan(raw, dry_run, report.run_id, dedupe=dedupe, keep=keep),
            failed_before,
        )
        report.issues += read.failed.values()
        for key in sorted(read.unread_failures):
            report.issues.append(self._recompute(key, dry_run, report.run_id))
        plans = read.plans
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
        with self._writing(dry_run):
            now_us = to_us(self.clock())
            for key in self.store.due_for_check(self.b.name, now_us):
                report.issues.append(self._recompute(key, dry_run, report.run_id))
        return report

    def recompute(self, key: str, *, dry_run: bool = False, scoped: bool = False) -> IssueOutcome:
        """Fetch one issue fresh and bring its SLA fields up to date.

        `scoped` (a webhook's issue): first make sure the scope selects it; otherwise nothing
        is read or written and the outcome is "ignored".
        """
        report = self._start()
        if scoped and not self.scope.contains(key):
            outcome = IssueOutcome(key, "ignored", error="not in the scope")
            self._log(outcome, report.run_id)
            return outcome
        with self._writing(dry_run, check_clock=False, single=True):
            return self._recompute(key, dry_run, report.run_id)

    def is_own_write(self, history: Mapping[str, Any]) -> bool:
        """A change (as the tracker's webhook describes it) is only sla-sync's own write."""
        self._start()
        return is_own_change(history, self._rules())

    def explain(self, key: str) -> SlaResult:
        """The SLA result of one issue, read-only."""
        return self.explain_with_escalations(key)[0]

    def explain_with_escalations(self, key: str) -> tuple[SlaResult, list[str]]:
        """The SLA result of one issue and its escalations: fired (when) and ahead (when)."""
        self._start()
        raw = self.b.tracker.fetch(key, self.b.read_field_ids(), self.b.history_field_ids())
        ev = self._evaluate(raw, self.clock())
        if self._escalations is None:
            return ev.result, []
        recorded = self.store.escalations(self.b.name, key)
        ahead = escalations.ahead(ev.mapped, ev.result, ev.policy, self._escalations)
        return ev.result, escalations.explained(recorded, ahead, ev.policy.calendar.zone)

    # -- internals ----------------------------------------------------------------------

    def _start(self) -> PassReport:
        if not self._catalog_ready:
            self.b.refresh_catalog()
            self._catalog_ready = True
        return PassReport(self.b.name, uuid.uuid4().hex[:12])

    @contextmanager
    def _writing(
        self, dry_run: bool, check_clock: bool = True, single: bool = False
    ) -> Iterator[None]:
        """Hold the pass lock (`single`: the writer lock; nothing for a dry run); notice a
        clock gone back."""
        if dry_run:
            yield
            return
        with self.store.writer() if single else self.store.lock():
            if check_clock:
                self._check_clock()
            yield

    def _check_clock(self) -> None:
        now_us = to_us(self.clock())
        before = self.store.swap_pass_start(self.b.name, now_us)
        if before is not None and now_us < before:
            # Rows written meanwhile carry later times; the sweep and `decide` treat them as
            # stale, so the figures heal in this pass and the next sweep.
            self.log.warning(
                "clock.backwards",
                seconds=round((before - now_us) / 1e6, 3),
                detail="the clock is earlier than at the previous pass; "
                "figures recorded since are recomputed",
            )

    def refresh(self) -> None:
        """Re-read field definitions at the next command (once per scheduled pass)."""
        self._catalog_ready = False

    def _rules(self) -> Rules:
        return Rules(
            self.b,
            self.b.tracker.account_id(),
            self.options.hours_refresh,
            self.options.breach_comment,
            self._notice_rules,
            self._escalations,
        )

    def _prior(self, key: str, seen: IssueState | None) -> Prior:
        name = self.b.name
        return Prior(
            issue=seen,
            breach_comment_done=self.store.intent(name, key, BREACH_COMMENT) == "done",
            notices=self.store.notices(name, key),
            first_pass=self.store.cursor(name, self.b.scope) is None,
        )

    def _recompute(self, key: str, dry_run: bool, run_id: str) -> IssueOutcome:
        if dry_run:
            return self._fresh(key, dry_run, run_id)
        with self.store.issue_lock(self.b.name, key):
            return self._fresh(key, dry_run, run_id)

    def _fresh(self, key: str, dry_run: bool, run_id: str) -> IssueOutcome:
        """Fetch, decide and apply one issue now (the caller holds its issue lock)."""
        try:
            raw = self.b.tracker.fetch(key, self.b.read_field_ids(), self.b.history_field_ids())
        except SkippableIssueError as exc:
            return self._failed(key, str(exc), dry_run, run_id)
        p = self._plan(raw, dry_run, run_id, dedupe=False)
        return p if isinstance(p, IssueOutcome) else self._act(p, dry_run, run_id)

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
            writes=len(o.changes) if o.outcome in ("written", "would-write") else 0,
            **({"error": o.error} if o.error else {}),
        )
        if self.on_issue:
            self.on_issue(self.b.name, o)

    def _evaluate(self, raw: RawIssue, now: datetime) -> Evaluation:
        ev = evaluate(raw, self.b, self.regulation, now)
        for warning in ev.mapped.warnings:
            self.log.warning("mapping", issue=raw.key, detail=warning)
        calendar = ev.policy.calendar
        coverage = calendar.coverage_warning(ev.mapped.timeline.registered_at, now)
        if coverage and coverage not in self._calendar_warned:
            self._calendar_warned.add(coverage)  # once per process: it is about the data
            self.log.warning("calendar", issue=raw.key, detail=coverage)
        return ev

    def _plan(
        self, raw: RawIssue, dry_run: bool, run_id: str, dedupe: bool, keep: bool = True
    ) -> Plan | IssueOutcome:
        now = self.clock()
        seen = self.store.issue(self.b.name, raw.key)
        updated_us = to_us(raw.updated) if raw.updated else None
        if dedupe and is_duplicate(seen, updated_us, to_us(now)):
            return Plan(raw.key, updated_us, seen, duplicate=True)
        try:
            ev = self._evaluate(raw, now)
            return decide(raw, ev, self._prior(raw.key, seen), now, self._rules(), keep_result=keep)
        except (SlaError, SkippableIssueError) as exc:
            return self._failed(raw.key, str(exc), dry_run, run_id)

    def _apply(self, p: Plan, dry_run: bool, run_id: str) -> IssueOutcome:
        """A plan of the pass, under its issue's lock; made again if the issue's record
        changed since it was read (a webhook recompute, here or on another instance)."""
        if dry_run:
            return self._act(p, dry_run, run_id)
        with self.store.issue_lock(self.b.name, p.key):
            if self.store.issue(self.b.name, p.key) != p.seen:
                return self._fresh(p.key, dry_run, run_id)
            return self._act(p, dry_run, run_id)

    def _act(self, p: Plan, dry_run: bool, run_id: str) -> IssueOutcome:
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
                kind, commented = apply(self.fx, p)
            except SkippableIssueError as exc:
                return self._failed(p.key, str(exc), dry_run, run_id)
            outcome = IssueOutcome(p.key, kind, p.lines, p.result, commented=commented)
        self._log(outcome, run_id)
        return outcome
