"""Which of the regulation's notifications one issue needs now (pure).

Section 3 asks that each request is confirmed with its number and registration time;
section 5, that the user is told by e-mail when it is closed. Given what the store recorded
(`Prior.notices`), this decides which are new, which are still due, and which a reopen made
stale; `sync.passes.deliver` sends them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from config.notifications import Notifications
from mappings.port import MappedIssue
from sla import ClockState, Policy, Resolution, SlaResult
from sla.instant import to_us
from sync.adapters.mailer import message_id
from sync.adapters.store import IssueState, NoticeRow

__all__ = ["ACK", "CLOSURE", "NEW", "SUPERSEDE", "NoticeRules", "closed_at", "lines", "plan"]

ACK = "ack"
CLOSURE = "closure:"  # + epoch ms of the last transition to Done: a re-closure is new
NEW, SUPERSEDE = "new", "supersede"  # plan-only states, never stored as such
OPEN = ("pending", "sending")


@dataclass(frozen=True)
class NoticeRules:
    """What the notices depend on besides the issue: the texts, the sender, the words."""

    tracker: str
    config: Notifications
    mail_from: str | None  # None: no SMTP relay configured, no closure e-mails
    name_of: Callable[[str, str], str]  # the regulation's word for a code


def plan(
    key: str,
    mapped: MappedIssue,
    result: SlaResult,
    policy: Policy,
    seen: IssueState | None,
    recorded: dict[str, NoticeRow],
    first_pass: bool,
    now: datetime,
    rules: NoticeRules,
) -> list[NoticeRow]:
    """The notifications due for one issue: new ones, retries, and stale ones to drop."""
    due = {ev: row for ev, row in recorded.items() if row.state in OPEN}
    timeline = mapped.timeline
    closed = closed_at(result, policy, timeline.resolution)
    event = f"{CLOSURE}{to_us(closed) // 1000}" if closed else None
    for ev, row in due.items():
        if ev.startswith(CLOSURE) and ev != event:
            # Reopened while the e-mail waited: "your request is closed" would be wrong now.
            due[ev] = dataclasses.replace(row, state=SUPERSEDE)
    # The very first pass over a tracker (no cursor yet) takes stock and sends nothing:
    # every request is "new" to the store then, and was handled before sla-sync came.
    if first_pass:
        return list(due.values())
    ack = _ack(mapped, seen, recorded, now, rules) if ACK not in due else None
    mail = None
    if event is not None and closed is not None and event not in due:
        mail = _closure(key, event, closed, mapped, seen, recorded, now, rules)
    if ack or mail:
        values = _values(key, mapped, result, policy, rules)
        for row in (ack, mail):
            if row is not None:
                subject = row.subject.format(**values) if row.subject else None
                due[row.event] = dataclasses.replace(
                    row, subject=subject, body=row.body.format(**values)
                )
    return list(due.values())


def _ack(
    mapped: MappedIssue,
    seen: IssueState | None,
    recorded: dict[str, NoticeRow],
    now: datetime,
    rules: NoticeRules,
) -> NoticeRow | None:
    cfg = rules.config.acknowledgement
    # First sight only; a request registered long before it is first seen (moved into the
    # scope, entered late) is not acknowledged either.
    if (
        not cfg.enabled
        or seen is not None
        or now - mapped.timeline.registered_at > timedelta(hours=cfg.max_age_hours)
        or ACK in recorded
    ):
        return None
    return NoticeRow(ACK, "comment", None, None, cfg.template, None, NEW, 0, None)


def _closure(
    key: str,
    event: str,
    closed: datetime,
    mapped: MappedIssue,
    seen: IssueState | None,
    recorded: dict[str, NoticeRow],
    now: datetime,
    rules: NoticeRules,
) -> NoticeRow | None:
    cfg = rules.config.closure_email
    if rules.mail_from is None or not cfg.enabled:
        return None
    # Only closures sla-sync observes: a pass that already processed the closed version
    # (seen at or after the closure) decided then; switching e-mails on later, or a lost
    # state file, must not mail every old closure.
    observed = seen is None or seen.seen_updated_us is None or to_us(closed) > seen.seen_updated_us
    if (
        not observed
        or mapped.timeline.resolution in cfg.skip_resolutions
        or now - closed > timedelta(hours=cfg.max_age_hours)
        or event in recorded
    ):
        return None
    msg_id = message_id(rules.mail_from, rules.tracker, key, event)
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
    key: str, mapped: MappedIssue, result: SlaResult, policy: Policy, rules: NoticeRules
) -> dict[str, str]:
    name_of, zone = rules.name_of, policy.calendar.zone
    timeline = mapped.timeline
    resolution = timeline.resolution
    outcome = "нарушен" if result.breached else "соблюдён"
    if result.withdrawn:
        outcome = "не учитывается"
    return {
        "number": key,
        "registered": _when(timeline.registered_at, zone),
        "closed": _when(closed_at(result, policy, resolution), zone),
        "priority": name_of("priorities", result.priority.value),
        "line": name_of("lines", result.line.value),
        "status": name_of("statuses", result.status.value),
        "target": _hours(result.target_hours),
        "elapsed": _hours(result.elapsed_hours),
        "due": _when(result.due_at, zone),
        "resolution": name_of("resolutions", resolution.value) if resolution else "—",
        "outcome": outcome,
    }


def _when(at: datetime | None, zone: tzinfo) -> str:
    return at.astimezone(zone).strftime("%d.%m.%Y %H:%M %Z") if at else "—"


def _hours(hours: float) -> str:
    # Russian decimal comma, at most one decimal: 7,5 / 6.
    return f"{hours:.1f}".rstrip("0").rstrip(".").replace(".", ",")
