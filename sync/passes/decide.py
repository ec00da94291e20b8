"""What one issue needs, decided from a snapshot (pure): fields, labels, comment, notices.

Inputs are the raw issue, its mapping and SLA result, what the store recorded before
(`Prior`, read by the shell) and `now`; the output is a `Plan`. Nothing here reads the store,
the clock or the tracker — `sync.passes.apply` carries the plan out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from config.regulation import Regulation
from mappings.breach_comment import breach_comment
from mappings.desired import describe_changes, diff
from mappings.port import FieldChanges, MappedIssue
from mappings.raw import RawIssue
from mappings.settle import settle
from sla import ClockState, Policy, SlaResult, compute
from sla.instant import to_us
from sync.adapters.store import IssueState, NoticeRow
from sync.binding import Binding
from sync.passes import escalations, notices
from sync.passes.escalations import EscalationRules
from sync.passes.notices import NoticeRules
from sync.report.snapshot import Snapshot, snapshot_of

__all__ = [
    "BREACH_COMMENT",
    "Evaluation",
    "Plan",
    "Prior",
    "Rules",
    "decide",
    "evaluate",
    "is_duplicate",
    "next_check",
]

BREACH_COMMENT = "breach_comment"  # the store's intent kind of the one-time breach comment


@dataclass(frozen=True)
class Prior:
    """What the store knew of one issue before this recompute."""

    issue: IssueState | None
    breach_comment_done: bool = False
    notices: Mapping[str, NoticeRow] = field(default_factory=dict)  # by event, oldest first
    first_pass: bool = False  # the tracker has no cursor yet: take stock, notify nobody


@dataclass(frozen=True)
class Rules:
    """Everything a decision depends on besides the issue: one binding, one pass."""

    binding: Binding
    account_id: str  # sla-sync's own account, to recognise its own writes
    hours_refresh: timedelta
    breach_comment: bool | None  # None: as the mapping profile says
    notices: NoticeRules
    escalations: EscalationRules | None = None  # None: no rule enabled


@dataclass(frozen=True)
class Evaluation:
    """One issue mapped and computed under its customer's policy."""

    mapped: MappedIssue
    result: SlaResult
    policy: Policy


@dataclass
class Plan:
    """What one issue needs: decided from what was read, not yet done."""

    key: str
    updated_us: int | None
    seen: IssueState | None
    duplicate: bool = False
    result: SlaResult | None = None
    changes: FieldChanges = field(default_factory=FieldChanges)
    lines: list[str] = field(default_factory=list)
    comment: str | None = None
    notices: list[NoticeRow] = field(default_factory=list)
    human: bool = True
    state: str = ""
    breached: bool = False
    due_us: int | None = None
    check_us: int | None = None
    hours_written_us: int | None = None
    snapshot: Snapshot | None = None  # the live view's row (a few numbers, not the result)


def evaluate(raw: RawIssue, b: Binding, regulation: Regulation, now: datetime) -> Evaluation:
    """Map the raw issue and compute its SLA under the customer's policy.

    Values the profile cannot place fail the issue only when they change the SLA under that
    policy (`mappings.settle`); otherwise they come back as warnings.
    """
    mapped = b.mapping.map_issue(raw, b.profile, b.catalog, b.vocabulary)
    policy = regulation.policies.for_customer(mapped.timeline.customer)
    mapped = settle(mapped, policy, now)
    return Evaluation(mapped, compute(mapped.timeline, policy, now), policy)


def is_duplicate(seen: IssueState | None, updated_us: int | None, now_us: int) -> bool:
    """This version of the issue was processed already (an overlap re-read) and nothing is due.

    Never when the record is from the future (the clock ran ahead since): its figures are
    stale however the check time reads.
    """
    if seen is None or updated_us is None or seen.seen_updated_us != updated_us:
        return False
    if seen.from_the_future(now_us):
        return False
    return seen.check_us is None or seen.check_us > now_us


def decide(
    raw: RawIssue,
    ev: Evaluation,
    prior: Prior,
    now: datetime,
    rules: Rules,
    *,
    keep_result: bool = True,
) -> Plan:
    """The fields, labels, comment and notices one issue needs, and what to record of it."""
    b, m, result = rules.binding, rules.binding.mapping, ev.result
    now_us = to_us(now)
    seen = prior.issue
    p = Plan(raw.key, to_us(raw.updated) if raw.updated else None, seen)
    p.human = changed_by_someone_else(raw, seen, rules)
    refresh_us = rules.hours_refresh // timedelta(microseconds=1)
    # Hours written "in the future" were computed by a clock that ran ahead: rewrite them.
    future = seen is not None and seen.from_the_future(now_us)
    hours_due = (
        p.human
        or seen is None
        or future
        or seen.hours_written_us is None
        or (now_us - seen.hours_written_us >= refresh_us)
    )
    desired = m.desired_fields(result, b.profile, b.catalog, include_hours=hours_due)
    current, labels = ev.mapped.current, ev.mapped.labels
    p.changes = diff(current, labels, desired, m.same)
    if p.changes:
        zone = ev.policy.calendar.zone
        p.lines = describe_changes(current, labels, p.changes, desired, m.show, zone, m.labels_name)
    text = breach_comment(result, b.profile, rules.breach_comment)
    if text and not prior.breach_comment_done:
        p.comment = text
    p.notices = notices.plan(
        raw.key,
        ev.mapped,
        result,
        ev.policy,
        seen,
        dict(prior.notices),
        prior.first_pass,
        now,
        rules.notices,
    )
    p.lines += notices.lines(p.notices)
    upcoming: list[int] = []
    if rules.escalations is not None:
        fired = escalations.plan(
            raw.key,
            ev.mapped,
            result,
            ev.policy,
            prior.notices,
            prior.first_pass,
            rules.escalations,
        )
        p.notices += fired
        p.lines += escalations.lines(fired)
        upcoming = [to_us(at) for _, at in escalations.ahead(ev.mapped, result, ev.policy,
                                                              rules.escalations)]  # fmt: skip
    # A pass holds every plan until it writes: keep the few numbers the store needs, and the
    # full result (segments and all) only when the caller shows it.
    p.state, p.breached = result.state.value, result.breached
    p.due_us = to_us(result.due_at) if result.due_at else None
    writes_hours = bool(desired.hours_field_ids)
    kept = seen.hours_written_us if seen and not future else None
    p.hours_written_us = now_us if hours_due and writes_hours else kept
    p.check_us = next_check(
        result, ev.policy, p.hours_written_us if writes_hours else None, rules.hours_refresh
    )
    # The sweep recomputes at the next escalation point too, so a rule fires within one sweep.
    if upcoming:
        p.check_us = min([*upcoming, *([p.check_us] if p.check_us is not None else [])])
    p.snapshot = snapshot_of(b.name, ev.mapped, result)
    p.result = result if keep_result else None
    return p


def changed_by_someone_else(raw: RawIssue, seen: IssueState | None, rules: Rules) -> bool:
    """Did anyone but sla-sync change the issue since it was last processed?"""
    if seen is None or seen.seen_updated_us is None:
        return True
    m = rules.binding.mapping
    for h in reversed(raw.histories):
        at = m.history_time(h)
        if at is None or to_us(at) <= seen.seen_updated_us:
            break
        if not is_own_change(h, rules):
            return True
    return False


def is_own_change(history: Mapping[str, Any], rules: Rules) -> bool:
    """One history entry is sla-sync's account touching only what sla-sync writes."""
    b = rules.binding
    own_fields = b.mapping.own_write_fields(b.profile, b.catalog)
    w = b.profile.write
    own_labels = [lb for lb in (w.label_breached, w.label_at_risk) if lb]
    if rules.escalations is not None:  # labels and fields our escalation rules set
        own_labels += rules.escalations.labels()
        own_fields = own_fields | rules.escalations.fields()
    return b.mapping.is_own_change(history, rules.account_id, own_fields, own_labels)


def next_check(
    r: SlaResult, policy: Policy, hours_written_us: int | None, hours_refresh: timedelta
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
        candidates.append(hours_written_us + hours_refresh // timedelta(microseconds=1))
    return min(candidates) if candidates else None
