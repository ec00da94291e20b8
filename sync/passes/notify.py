"""The regulation's notifications: acknowledge a new request, e-mail the user when it closes.

Section 3 asks that each request is confirmed with its number and registration time;
section 5, that the user is told by e-mail when it is closed. `plan` works out which are due
(reads the store, writes nothing: dry-run shows them), `apply` sends them after the field
writes. Each (issue, event) is sent once: its text is recorded first ('pending'), marked
'sending' just before the side effect and 'sent' (or 'failed') after it.

After a crash between the side effect and the mark (a row left in 'sending'):
- the acknowledgement is a tracker comment: look for the text among the comments first;
- an e-mail cannot be looked for. We choose at-least-once: it is sent again, with the same
  Message-ID (and the same recorded text), so mail clients that de-duplicate show it once.
  The regulation obliges us to notify; a rare duplicate of an identical message costs less
  than a closure the user never hears of, and the window (an SMTP "250 OK" not yet
  committed to SQLite) is milliseconds wide.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from sla import ClockState, Policy, Resolution, SlaResult
from sla.instant import to_us
from sync.adapters.mailer import MailError, valid_address
from sync.adapters.store import IssueState, NoticeRow

if TYPE_CHECKING:
    from sync.passes.writeback import Context

ACK = "ack"
CLOSURE = "closure:"  # + epoch ms of the last transition to Done: a re-closure is new
NEW, SUPERSEDE = "new", "supersede"  # plan-only states, never stored as such


@dataclass
class Delivery:
    """What `apply` did: how many went out, and what needs a human or a retry."""

    sent: int = 0
    problems: list[str] = field(default_factory=list)


def plan(
    ctx: Context,
    key: str,
    mapped: Any,
    result: SlaResult,
    policy: Policy,
    seen: IssueState | None,
    now: datetime,
) -> list[NoticeRow]:
    """The notifications due for one issue: new ones, retries, and stale ones to drop."""
    store, tracker = ctx.store, ctx.binding.name
    due = {row.event: row for row in store.open_notices(tracker, key)}
    timeline = mapped.timeline
    closed = closed_at(result, policy, timeline.resolution)
    event = f"{CLOSURE}{to_us(closed) // 1000}" if closed else None
    for ev, row in due.items():
        if ev.startswith(CLOSURE) and ev != event:
            # Reopened while the e-mail waited: "your request is closed" would be wrong now.
            due[ev] = dataclasses.replace(row, state=SUPERSEDE)
    # The very first pass over a tracker (no cursor yet) takes stock and sends nothing:
    # every request is "new" to the store then, and was handled before sla-sync came.
    if store.cursor(tracker, ctx.binding.scope) is None:
        return list(due.values())
    ack = _ack(ctx, key, timeline, seen, now) if ACK not in due else None
    mail = _closure(ctx, key, event, closed, mapped, seen, now) if event not in due else None
    if ack or mail:
        values = _values(ctx, key, timeline, result, policy)
        for row in (ack, mail):
            if row is not None:
                subject = row.subject.format(**values) if row.subject else None
                due[row.event] = dataclasses.replace(
                    row, subject=subject, body=row.body.format(**values)
                )
    return list(due.values())


def _ack(
    ctx: Context, key: str, timeline: Any, seen: IssueState | None, now: datetime
) -> NoticeRow | None:
    cfg = ctx.regulation.notifications.acknowledgement
    # First sight only; a request registered long before it is first seen (moved into the
    # scope, entered late) is not acknowledged either.
    if (
        not cfg.enabled
        or seen is not None
        or now - timeline.registered_at > timedelta(hours=cfg.max_age_hours)
        or ctx.store.notice(ctx.binding.name, key, ACK) is not None
    ):
        return None
    return NoticeRow(ACK, "comment", None, None, cfg.template, None, NEW, 0, None)


def _closure(
    ctx: Context,
    key: str,
    event: str | None,
    closed: datetime | None,
    mapped: Any,
    seen: IssueState | None,
    now: datetime,
) -> NoticeRow | None:
    cfg, mailer = ctx.regulation.notifications.closure_email, ctx.mailer
    if event is None or closed is None or mailer is None or not cfg.enabled:
        return None
    # Only closures sla-sync observes: a pass that already processed the closed version
    # (seen at or after the closure) decided then; switching e-mails on later, or a lost
    # state file, must not mail every old closure.
    observed = seen is None or seen.seen_updated_us is None or to_us(closed) > seen.seen_updated_us
    if (
        not observed
        or mapped.timeline.resolution in cfg.skip_resolutions
        or now - closed > timedelta(hours=cfg.max_age_hours)
        or ctx.store.notice(ctx.binding.name, key, event) is not None
    ):
        return None
    msg_id = mailer.message_id(ctx.binding.name, key, event)
    email = mapped.requester_email
    return NoticeRow(event, "email", email, cfg.subject, cfg.body, msg_id, NEW, 0, None)


def lines(notices: Sequence[NoticeRow]) -> list[str]:
    """One line per notification, for `--dry-run` and the pass report."""
    out = []
    for n in notices:
        if n.channel == "comment":
            out.append("acknowledgement comment: " + " / ".join(n.body.splitlines()))
            continue
        to = n.recipient or "(no address)"
        if n.state == SUPERSEDE:
            out.append(f"closure e-mail to {to} dropped: the request was reopened")
        else:
            retry = f" (attempt {n.attempts + 1})" if n.state != NEW and n.attempts else ""
            out.append(f"closure e-mail to {to}{retry}: {n.subject}")
    return out


def apply(ctx: Context, key: str, notices: Sequence[NoticeRow]) -> Delivery:
    """Record, send, mark each notification; e-mail problems are collected, not raised."""
    d = Delivery()
    store, tracker = ctx.store, ctx.binding.name
    for n in notices:
        now_us = to_us(ctx.clock())
        if n.state == SUPERSEDE:
            store.mark_notice(tracker, key, n.event, "superseded", now_us)
            continue
        if n.state == NEW:
            store.add_notice(tracker, key, n, now_us)
            n = store.notice(tracker, key, n.event) or n
        if n.channel == "comment":
            d.sent += _comment(ctx, key, n)
        else:
            d.sent += _email(ctx, key, n, d)
    return d


def _comment(ctx: Context, key: str, n: NoticeRow) -> bool:
    b, store = ctx.binding, ctx.store
    if n.state == "sending":
        comments = getattr(b.tracker, "comments", None)
        if n.body.strip() in (c.strip() for c in (comments(key) if comments else ())):
            store.mark_notice(b.name, key, n.event, "sent", to_us(ctx.clock()))
            return False
    store.mark_notice(b.name, key, n.event, "sending", to_us(ctx.clock()))
    b.tracker.comment(key, n.body)  # tracker errors propagate, as for any write
    store.mark_notice(b.name, key, n.event, "sent", to_us(ctx.clock()))
    return True


def _email(ctx: Context, key: str, n: NoticeRow, d: Delivery) -> bool:
    store, tracker, mailer = ctx.store, ctx.binding.name, ctx.mailer
    now = ctx.clock()
    if mailer is None:  # SMTP was configured when it was planned, not any more: keep it
        d.problems.append(f"closure e-mail pending: no SMTP relay configured ({n.event})")
        return False
    if not valid_address(n.recipient):
        # Permanent: a retry would send to the same address. The tracker field is fixed by
        # a human; the record stays as 'failed' and is reported once.
        why = f"malformed address {n.recipient!r}" if n.recipient else "no address in request"
        store.mark_notice(tracker, key, n.event, "failed", to_us(now), attempts=0, error=why)
        d.problems.append(f"closure e-mail not sent: {why}")
        return False
    attempts = n.attempts + 1
    store.mark_notice(tracker, key, n.event, "sending", to_us(now), attempts=attempts)
    try:
        msg = mailer.message(n.recipient or "", n.subject or "", n.body, n.message_id or "", now)
        mailer.send(msg)
    except MailError as exc:
        gave_up = exc.permanent or (exc.counted and attempts >= mailer.max_attempts)
        # An unreachable relay or a settings problem is not this message's fault: it does
        # not use up an attempt, so an outage of any length loses nothing.
        kept = attempts if exc.counted else n.attempts
        state = "failed" if gave_up else "pending"
        store.mark_notice(
            tracker, key, n.event, state, to_us(ctx.clock()), attempts=kept, error=exc.reason
        )
        verb = "failed" if gave_up else "pending, retried next pass"
        d.problems.append(f"closure e-mail to {n.recipient} {verb}: {exc.reason}")
        return False
    store.mark_notice(tracker, key, n.event, "sent", to_us(ctx.clock()), attempts=attempts)
    return True


def closed_at(result: SlaResult, policy: Policy, resolution: Resolution | None) -> datetime | None:
    """When the request last reached Done (a stopped status with a resolution), else None."""
    if result.state is not ClockState.STOPPED or resolution is None:
        return None
    stopped = policy.metric(result.metric).stopped
    if result.status not in stopped:
        return None  # stopped for good by `stop_is_final`, but open again
    start = None
    # Segments split at priority and line changes too: the closure is where the trailing
    # run of stopped statuses begins.
    for seg in reversed(result.segments):
        if seg.status not in stopped:
            break
        start = seg.start
    return start


def _values(
    ctx: Context, key: str, timeline: Any, result: SlaResult, policy: Policy
) -> dict[str, str]:
    reg, zone = ctx.regulation, policy.calendar.zone
    resolution = timeline.resolution
    outcome = "нарушен" if result.breached else "соблюдён"
    if result.withdrawn:
        outcome = "не учитывается"
    return {
        "number": key,
        "registered": _when(timeline.registered_at, zone),
        "closed": _when(closed_at(result, policy, resolution), zone),
        "priority": reg.name_of("priorities", result.priority.value),
        "line": reg.name_of("lines", result.line.value),
        "status": reg.name_of("statuses", result.status.value),
        "target": _hours(result.target_hours),
        "elapsed": _hours(result.elapsed_hours),
        "due": _when(result.due_at, zone),
        "resolution": reg.name_of("resolutions", resolution.value) if resolution else "—",
        "outcome": outcome,
    }


def _when(at: datetime | None, zone: tzinfo) -> str:
    return at.astimezone(zone).strftime("%d.%m.%Y %H:%M %Z") if at else "—"


def _hours(hours: float) -> str:
    # Russian decimal comma, at most one decimal: 7,5 / 6.
    return f"{hours:.1f}".rstrip("0").rstrip(".").replace(".", ",")
