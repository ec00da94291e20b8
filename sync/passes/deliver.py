"""Send the notices a plan holds: record, send, mark — each once per request and event.

The rules every effect on the outside world follows (the breach comment in `apply` too):
1. Record before sending: each (issue, event) is recorded first ('pending', with its final
   text) and claimed 'sending' just before the side effect — only if it is still open, so a
   row another process sent meanwhile is skipped; 'sent' (or 'failed') after it.
2. Check after an unknown outcome: a comment whose answer was lost (`OutcomeUnknownError`:
   reset or timeout after the request went out, 5xx to the POST), or a row found in
   'sending' (a crash between the side effect and the mark), is looked for among the
   issue's comments before it is posted again (`post_comment_once`).
3. An e-mail cannot be looked for. We choose at-least-once: after a crash or a lost SMTP
   answer it is sent again, with the same Message-ID (and the same recorded text), so mail
   clients that de-duplicate show it once. The regulation obliges us to notify; a rare
   duplicate of an identical message costs less than a closure the user never hears of.
One holder per issue at a time (`Store.issue_lock`, across threads and instances), so (1) is
a guard, not the only defence against two passes at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sla.instant import to_us
from sync.adapters.mailer import Mailer, MailError, valid_address
from sync.adapters.store import NoticeRow
from sync.adapters.store_port import Store
from sync.binding import Binding
from sync.errors import OutcomeUnknownError
from sync.passes.escalations import SKIPPED
from sync.passes.notices import CLOSURE, NEW, OPEN, SUPERSEDE
from sync.ports import Tracker

__all__ = ["Delivery", "Effects", "deliver", "post_comment_once"]

UNKNOWN_ATTEMPTS = 3  # posts of one comment whose answers were lost, each looked for after


@dataclass(frozen=True)
class Effects:
    """The outside world one tracker's plans act on."""

    binding: Binding
    store: Store
    clock: Callable[[], datetime]
    mailer: Mailer | None = None  # None: no SMTP relay configured

    @property
    def tracker_name(self) -> str:
        """The configured tracker's name (the store's key)."""
        return self.binding.name

    @property
    def tracker(self) -> Tracker:
        """The binding's adapter."""
        return self.binding.tracker

    def now_us(self) -> int:
        """The clock, as epoch microseconds."""
        return to_us(self.clock())


@dataclass
class Delivery:
    """What `deliver` did: how many went out, and what needs a human or a retry."""

    sent: int = 0
    problems: list[str] = field(default_factory=list)


def deliver(fx: Effects, key: str, notices: Sequence[NoticeRow]) -> Delivery:
    """Record, send, mark each notification; e-mail problems are collected, not raised."""
    d = Delivery()
    store, tracker = fx.store, fx.tracker_name
    for n in notices:
        if n.state == SUPERSEDE:
            store.mark_notice(tracker, key, n.event, "superseded", fx.now_us(), only_open=True)
            continue
        if n.state == SKIPPED:  # reached before sla-sync looked: remembered, never sent
            store.add_notice(tracker, key, n, fx.now_us())
            store.mark_notice(tracker, key, n.event, SKIPPED, fx.now_us(), only_open=True)
            continue
        if n.state == NEW:
            store.add_notice(tracker, key, n, fx.now_us())
        # The row as recorded now: another pass may have sent it since this plan was made.
        fresh = store.notice(tracker, key, n.event)
        if fresh is None or fresh.state not in OPEN:
            continue
        if fresh.channel == "comment":
            d.sent += _comment(fx, key, fresh)
        elif fresh.channel in ("label", "field"):
            d.sent += _set(fx, key, fresh, d)
        else:
            d.sent += _email(fx, key, fresh, d)
    return d


def post_comment_once(fx: Effects, key: str, text: str, *, maybe_posted: bool) -> bool:
    """Post `text` as a comment unless it is there already; True when this call posted it.

    `maybe_posted`: the record says an earlier attempt may have gone through (a crash, or a
    lost answer): look first. A lost answer now is looked for before the next attempt, never
    blindly retried. Tracker errors propagate (the record stays open: the next pass looks).
    """
    if maybe_posted and _has_comment(fx, key, text):
        return False
    for attempt in range(1, UNKNOWN_ATTEMPTS + 1):
        try:
            fx.tracker.comment(key, text)
            return True
        except OutcomeUnknownError:
            if _has_comment(fx, key, text):
                return True  # it went through; only the answer was lost
            if attempt == UNKNOWN_ATTEMPTS:
                raise
    return False  # not reached


def _has_comment(fx: Effects, key: str, text: str) -> bool:
    body = text.strip()
    return any(c.strip() == body for c in fx.tracker.comments(key))


def _comment(fx: Effects, key: str, n: NoticeRow) -> bool:
    store, name = fx.store, fx.tracker_name
    if not store.claim_notice(name, key, n.event, n.state, fx.now_us(), n.attempts + 1):
        return False  # taken by another pass meanwhile
    posted = post_comment_once(fx, key, n.body, maybe_posted=n.state == "sending")
    store.mark_notice(name, key, n.event, "sent", fx.now_us())
    return posted


def _set(fx: Effects, key: str, n: NoticeRow, d: Delivery) -> bool:
    """An escalation's label or field value: an idempotent write, so at-least-once is fine."""
    store, name, b = fx.store, fx.tracker_name, fx.binding
    fields: dict[str, object] = {}
    if n.channel == "field":
        found = b.catalog.matches(n.recipient or "")
        if len(found) != 1:
            why = f"no single field named {n.recipient!r} in the tracker"
            store.mark_notice(name, key, n.event, "failed", fx.now_us(), attempts=0, error=why)
            d.problems.append(f"escalation {n.event} not done: {why}")
            return False
        fields[found[0].id] = b.mapping.encode_text(found[0], n.body)
    if not store.claim_notice(name, key, n.event, n.state, fx.now_us(), n.attempts + 1):
        return False  # taken by another pass meanwhile
    labels = [n.body] if n.channel == "label" else []
    fx.tracker.update(key, fields, labels_add=labels)
    store.mark_notice(name, key, n.event, "sent", fx.now_us())
    return True


def _what(n: NoticeRow) -> str:
    return "closure e-mail" if n.event.startswith(CLOSURE) else f"escalation e-mail {n.event}"


def _email(fx: Effects, key: str, n: NoticeRow, d: Delivery) -> bool:
    store, name, mailer = fx.store, fx.tracker_name, fx.mailer
    now = fx.clock()
    if mailer is None:  # SMTP was configured when it was planned, not any more: keep it
        d.problems.append(f"{_what(n)} pending: no SMTP relay configured")
        return False
    if not valid_address(n.recipient):
        # Permanent: a retry would send to the same address. The tracker field is fixed by
        # a human; the record stays as 'failed' and is reported once.
        why = f"malformed address {n.recipient!r}" if n.recipient else "no address in request"
        store.mark_notice(name, key, n.event, "failed", to_us(now), attempts=0, error=why)
        d.problems.append(f"{_what(n)} not sent: {why}")
        return False
    attempts = n.attempts + 1
    if not store.claim_notice(name, key, n.event, n.state, to_us(now), attempts):
        return False  # taken by another pass meanwhile
    try:
        msg = mailer.message(n.recipient or "", n.subject or "", n.body, n.message_id or "", now)
        mailer.send(msg)
    except MailError as exc:
        gave_up = exc.permanent or (exc.counted and attempts >= mailer.max_attempts)
        # An unreachable relay or a settings problem is not this message's fault: it does
        # not use up an attempt, so an outage of any length loses nothing.
        kept = attempts if exc.counted else n.attempts
        state = "failed" if gave_up else "pending"
        store.mark_notice(name, key, n.event, state, fx.now_us(), attempts=kept, error=exc.reason)
        verb = "failed" if gave_up else "pending, retried next pass"
        d.problems.append(f"{_what(n)} to {n.recipient} {verb}: {exc.reason}")
        return False
    store.mark_notice(name, key, n.event, "sent", fx.now_us(), attempts=attempts)
    return True
