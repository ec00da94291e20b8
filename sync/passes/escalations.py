"""Which escalation rules one request has reached, and when the next one comes (pure).

A rule fires once per request and cycle (a reopen starts a new cycle), at the first pass or
sweep after the counted clock reached its point; a request closed before that point never
fires it, and paused time does not bring it closer. Each action becomes one notice row
(`esc:<rule>:<cycle>:<action>[.<recipient>]`), recorded before it is carried out like the
regulation's notifications, so it happens once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from config.escalations import ASSIGNEE, Escalation
from mappings.port import MappedIssue, Person
from sla import ClockState, Policy, SlaResult
from sla.reach import counted_reaches, cycle_of
from sync.adapters.mailer import message_id
from sync.adapters.store import NoticeRow
from sync.passes.notices import NEW

__all__ = ["ESCALATION", "SKIPPED", "EscalationRules", "ahead", "lines", "plan"]

ESCALATION = "esc:"
SKIPPED = "skipped"  # plan-only state: reached before sla-sync first looked (recorded, not done)


@dataclass(frozen=True)
class EscalationRules:
    """The enabled rules and what their texts need besides the request."""

    tracker: str
    rules: tuple[Escalation, ...]
    mail_from: str | None  # None: no SMTP relay, e-mail actions wait (reported)
    name_of: Callable[[str, str], str]
    mention: Callable[[Person | None], str]  # the tracker's way to mention a person

    def labels(self) -> list[str]:
        """Labels the rules put on requests (so their writes are recognised as ours)."""
        return [a.label for r in self.rules for a in r.actions if a.label]

    def fields(self) -> frozenset[str]:
        """Fields the rules set (so their writes are recognised as ours)."""
        return frozenset(a.set_field.field for r in self.rules for a in r.actions if a.set_field)


def plan(
    key: str,
    mapped: MappedIssue,
    result: SlaResult,
    policy: Policy,
    recorded: Mapping[str, NoticeRow],
    first_pass: bool,
    rules: EscalationRules,
) -> list[NoticeRow]:
    """The actions of every rule the request reached in this cycle and has not had yet."""
    if result.state is ClockState.STOPPED or not rules.rules:
        return []
    stopped = policy.metric(result.metric).stopped
    cycle = cycle_of(result, frozenset(stopped))
    out: list[NoticeRow] = []
    for rule in _applicable(rules.rules, mapped, result):
        if not _reached(rule, result):
            continue
        values = _values(key, mapped, result, policy, rule, rules)
        for i, action in enumerate(rule.actions):
            for row in _rows(f"{ESCALATION}{rule.name}:{cycle}:{i}", action, mapped, values, rules):
                if row.event not in recorded:
                    # The first pass takes stock: what was reached before sla-sync came is
                    # recorded as skipped, so it never fires later.
                    out.append(row if not first_pass else _skipped(row))
    return out


def ahead(
    mapped: MappedIssue, result: SlaResult, policy: Policy, rules: EscalationRules
) -> list[tuple[str, datetime]]:
    """(rule, instant) of the rules not reached yet that a running clock will reach."""
    if result.state is not ClockState.RUNNING:
        return []
    out = []
    for rule in _applicable(rules.rules, mapped, result):
        if _reached(rule, result):
            continue
        point = rule.when.threshold(result.target_seconds)
        at = counted_reaches(result, policy.calendar, point + (1 if rule.when.breach else 0))
        if at is not None:
            out.append((rule.name, at))
    return sorted(out, key=lambda item: item[1])


# How `explain` words the state of an escalation's record, before its time.
_RECORDED = {
    "skipped": "not sent (reached before sla-sync first looked), noted",
    "pending": "pending since",
    "sending": "being sent since",
}


def explained(
    recorded: Sequence[tuple[NoticeRow, int]], ahead: Sequence[tuple[str, datetime]], zone: tzinfo
) -> list[str]:
    """`explain`'s lines: what each rule's records say (and when), then the points ahead."""
    out = [
        f"escalation {n.event.split(':')[1]} ({n.channel}): {_RECORDED.get(n.state, n.state)} "
        f"{datetime.fromtimestamp(at_us / 1e6, zone):%Y-%m-%d %H:%M}"
        for n, at_us in recorded
    ]
    out += [
        f"escalation {rule}: ahead, at {at.astimezone(zone):%Y-%m-%d %H:%M}" for rule, at in ahead
    ]
    return out


def lines(rows: list[NoticeRow]) -> list[str]:
    """One line per escalation action, for `--dry-run` and the pass report."""
    out: list[str] = []
    skipped: dict[str, list[str]] = {}  # rule -> its actions, one line per rule
    for n in rows:
        rule = n.event.split(":")[1]
        if n.state == SKIPPED:
            skipped.setdefault(rule, []).append(_CHANNEL_WORDS.get(n.channel, n.channel))
        elif n.channel == "comment":
            out.append(f"escalation {rule}: comment: " + " / ".join(n.body.splitlines()))
        elif n.channel == "email":
            out.append(f"escalation {rule}: e-mail to {n.recipient or '(no address)'}: {n.subject}")
        elif n.channel == "label":
            out.append(f"escalation {rule}: label {n.body}")
        else:
            out.append(f"escalation {rule}: {n.recipient} = {n.body}")
    for rule, actions in skipped.items():
        done = ", ".join(actions)
        out.append(f"escalation {rule} ({done}): reached before sla-sync looked; not sent")
    return out


_CHANNEL_WORDS = {"comment": "comment", "email": "e-mail", "label": "label", "field": "field"}


def _applicable(rules, mapped: MappedIssue, result: SlaResult) -> list[Escalation]:
    customer = mapped.timeline.customer
    return [r for r in rules if r.applies_to(result.priority, result.line, customer)]


def _reached(rule: Escalation, r: SlaResult) -> bool:
    point = rule.when.threshold(r.target_seconds)
    return r.elapsed_seconds > point if rule.when.breach else r.elapsed_seconds >= point


def _rows(event, action, mapped: MappedIssue, values, rules: EscalationRules) -> list[NoticeRow]:
    if action.comment is not None:
        # Stripped: without an assignee, "{mention} …" would start with a space.
        text = action.comment.format(**values).strip()
        return [NoticeRow(event, "comment", None, None, text, None, NEW, 0, None)]
    if action.label is not None:
        return [NoticeRow(event, "label", None, None, action.label, None, NEW, 0, None)]
    if action.set_field is not None:
        f = action.set_field
        return [NoticeRow(event, "field", f.field, None, f.value, None, NEW, 0, None)]
    email = action.email
    assert email is not None
    rows = []
    for n, to in enumerate(email.to):
        address = (mapped.assignee.email if mapped.assignee else None) if to == ASSIGNEE else to
        ev = f"{event}.{n}"
        msg_id = message_id(rules.mail_from, rules.tracker, mapped.timeline.key, ev)
        subject, body = email.subject.format(**values), email.body.format(**values)
        rows.append(NoticeRow(ev, "email", address, subject, body, msg_id, NEW, 0, None))
    return rows


def _skipped(row: NoticeRow) -> NoticeRow:
    return NoticeRow(row.event, row.channel, row.recipient, row.subject, row.body,
                     row.message_id, SKIPPED, 0, None)  # fmt: skip


def _values(key, mapped, result, policy, rule, rules: EscalationRules) -> dict[str, str]:
    name_of, zone = rules.name_of, policy.calendar.zone
    person = mapped.assignee

    def when(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%d.%m.%Y %H:%M %Z") if at else "—"

    def hours(seconds: float) -> str:
        return f"{seconds / 3600:.1f}".rstrip("0").rstrip(".").replace(".", ",")

    share = result.elapsed_seconds / result.target_seconds if result.target_seconds else 0
    return {
        "number": key,
        "registered": when(mapped.timeline.registered_at),
        "priority": name_of("priorities", result.priority.value),
        "line": name_of("lines", result.line.value),
        "status": name_of("statuses", result.status.value),
        "target": hours(result.target_seconds),
        "elapsed": hours(result.elapsed_seconds),
        "remaining": hours(result.remaining_seconds),
        "due": when(result.due_at),
        "breached_at": when(result.breached_at),
        "customer": mapped.timeline.customer or "—",
        "assignee": person.name if person else "не назначен",
        "mention": rules.mention(person),
        "rule": rule.name,
        "share": f"{share:.0%}",
    }
