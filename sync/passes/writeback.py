"""One issue's write-back, in two steps: `plan` (pure reading and computing) and `apply`.

A pass plans every issue of its window before it writes anything: writes bump `updated`,
and a search still being paged over `updated` would shift under them and skip issues.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from config.regulation import Regulation
from mappings.raw import RawIssue
from sla import ClockState, Policy, SlaResult, compute
from sla.instant import to_us
from sync.adapters.mailer import Mailer
from sync.adapters.store import IssueState, NoticeRow, StateStore
from sync.binding import Binding
from sync.errors import SkippableIssueError
from sync.passes import notify

BREACH_COMMENT = "breach_comment"


@dataclass
class Plan:
    """What one issue needs: computed from what was read, not yet written."""

    key: str
    updated_us: int | None
    seen: IssueState | None
    duplicate: bool = False
    result: SlaResult | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    labels_add: list[str] = field(default_factory=list)
    labels_remove: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    comment: str | None = None
    notices: list[NoticeRow] = field(default_factory=list)  # sync/notify.py
    human: bool = True
    hours_due: bool = True
    state: str = ""
    breached: bool = False
    due_us: int | None = None
    check_us: int | None = None
    hours_written_us: int | None = None


@dataclass(frozen=True)
class Context:
    """Everything `plan`/`apply` need besides the issue."""

    binding: Binding
    regulation: Regulation
    store: StateStore
    clock: Callable[[], datetime]
    hours_refresh: timedelta
    breach_comment: bool | None
    warn: Callable[[str, str], None]
    mailer: Mailer | None = None  # None: no SMTP relay configured, no closure e-mails


def compute_result(ctx: Context, raw: RawIssue, now: datetime) -> tuple[SlaResult, Policy]:
    """Map the raw issue and compute its SLA under the customer's policy."""
    _, result, policy = map_and_compute(ctx, raw, now)
    return result, policy


def map_and_compute(ctx: Context, raw: RawIssue, now: datetime) -> tuple[Any, SlaResult, Policy]:
    """`compute_result`, plus the mapped issue (requester e-mail, timeline)."""
    b = ctx.binding
    mapped = b.mapping.map_issue(raw, b.profile, b.catalog, status_categories=b.status_categories)
    for warning in mapped.warnings:
        ctx.warn(raw.key, warning)
    policy = ctx.regulation.policies.for_customer(mapped.timeline.customer)
    return mapped, compute(mapped.timeline, policy, now), policy


def plan(ctx: Context, raw: RawIssue, dedupe: bool, keep_result: bool = True) -> Plan:
    """Recompute one issue and work out the fields, labels and comment it needs."""
    b, m = ctx.binding, ctx.binding.mapping
    now = ctx.clock()
    now_us = to_us(now)
    seen = ctx.store.issue(b.name, raw.key)
    updated = m.updated_of(raw)
    p = Plan(raw.key, to_us(updated) if updated else None, seen)
    check_due = seen is None or (seen.check_us is not None and seen.check_us <= now_us)
    if (
        dedupe
        and seen
        and p.updated_us is not None
        and seen.seen_updated_us == p.updated_us
        and not check_due
    ):
        p.duplicate = True  # this version was processed already (overlap re-read)
        return p
    mapped, result, policy = map_and_compute(ctx, raw, now)
    p.human = changed_by_someone_else(ctx, raw, seen)
    refresh_us = ctx.hours_refresh // timedelta(microseconds=1)
    p.hours_due = (
        p.human
        or seen is None
        or seen.hours_written_us is None
        or (now_us - seen.hours_written_us >= refresh_us)
    )
    desired = m.desired_fields(result, b.profile, b.catalog, include_hours=p.hours_due)
    writes_hours = bool(desired.hours_field_ids)
    changed = m.changed_fields(raw.fields, desired)
    zone = policy.calendar.zone
    p.lines = m.render_changes(raw.fields, changed, desired, tz=zone) if changed else []
    if "labels" in changed:
        current = m.labels_of(raw)
        wanted = changed.pop("labels")
        p.labels_add = [lb for lb in wanted if lb not in current]
        p.labels_remove = [lb for lb in current if lb not in wanted]
    p.fields = changed
    text = m.breach_comment(result, b.profile, ctx.breach_comment)
    if text and ctx.store.intent(b.name, raw.key, BREACH_COMMENT) != "done":
        p.comment = text
    p.notices = notify.plan(ctx, raw.key, mapped, result, policy, seen, now)
    p.lines += notify.lines(p.notices)
    # A pass holds every plan until it writes: keep the few numbers the store needs, and the
    # full result (segments and all) only when the caller shows it.
    p.state, p.breached = result.state.value, result.breached
    p.due_us = to_us(result.due_at) if result.due_at else None
    p.hours_written_us = (
        now_us if p.hours_due and writes_hours else (seen.hours_written_us if seen else None)
    )
    p.check_us = next_check(ctx, result, policy, p.hours_written_us if writes_hours else None)
    p.result = result if keep_result else None
    return p


def apply(ctx: Context, p: Plan) -> tuple[str, bool]:
    """Write the plan; record the issue in the store. Returns (outcome, commented)."""
    b = ctx.binding
    if p.duplicate:
        return "duplicate", False
    writes = bool(p.fields or p.labels_add or p.labels_remove)
    if writes:
        b.tracker.update(p.key, p.fields, labels_add=p.labels_add, labels_remove=p.labels_remove)
    commented = bool(p.comment) and comment_once(ctx, p.key, p.comment or "")
    delivery = notify.apply(ctx, p.key, p.notices)
    ctx.store.record_issue(
        b.name,
        p.key,
        seen_updated_us=p.updated_us,
        check_us=p.check_us,
        state=p.state,
        breached=p.breached,
        due_us=p.due_us,
        hours_written_us=p.hours_written_us,
    )
    if delivery.problems:  # after record_issue: the failure makes the next pass retry
        raise SkippableIssueError(p.key, "; ".join(delivery.problems))
    if writes or commented or delivery.sent:
        return "written", commented
    return ("unchanged" if p.human or p.seen is None else "own-write"), False


def changed_by_someone_else(ctx: Context, raw: RawIssue, seen: IssueState | None) -> bool:
    """Did anyone but us change the issue since we last processed it?"""
    if seen is None or seen.seen_updated_us is None:
        return True
    b = ctx.binding
    account = b.tracker.account_id()
    sla_ids = b.mapping.sla_field_ids(b.profile, b.catalog)
    w = b.profile.write
    labels = [lb for lb in (w.label_breached, w.label_at_risk) if lb]
    for h in reversed(raw.histories):
        at = b.mapping.history_time(h)
        if at is None or to_us(at) <= seen.seen_updated_us:
            break
        if not b.mapping.is_own_change(h, account, sla_ids, sla_labels=labels):
            return True
    return False


def comment_once(ctx: Context, key: str, text: str) -> bool:
    """Record intent, post, mark done; after a crash in between, look before posting."""
    b, store = ctx.binding, ctx.store
    state = store.intent(b.name, key, BREACH_COMMENT)
    if state == "done":
        return False
    if state == "intended" and text.strip() in (c.strip() for c in _comments(b, key)):
        store.mark_intent(b.name, key, BREACH_COMMENT, "done", to_us(ctx.clock()))
        return False
    store.mark_intent(b.name, key, BREACH_COMMENT, "intended", to_us(ctx.clock()))
    b.tracker.comment(key, text)
    store.mark_intent(b.name, key, BREACH_COMMENT, "done", to_us(ctx.clock()))
    return True


def _comments(b: Binding, key: str) -> Iterable[str]:
    comments = getattr(b.tracker, "comments", None)
    return comments(key) if comments else ()


def next_check(
    ctx: Context, r: SlaResult, policy: Policy, hours_written_us: int | None
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
    if hours_written_us is not None:
        candidates.append(hours_written_us + ctx.hours_refresh // timedelta(microseconds=1))
    return min(candidates) if candidates else None
