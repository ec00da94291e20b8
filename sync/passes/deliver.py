"""Send the notices a plan holds: record, send, mark — each once per request and event.

Each (issue, event) is recorded first ('pending', with its final text), marked 'sending'
just before the side effect and 'sent' (or 'failed') after it. After a crash between the
side effect and the mark (a row left in 'sending'):
- the acknowledgement is a tracker comment: look for the text among the comments first;
- an e-mail cannot be looked for. We choose at-least-once: it is sent again, with the same
  Message-ID (and the same recorded text), so mail clients that de-duplicate show it once.
  The regulation obliges us to notify; a rare duplicate of an identical message costs less
  than a closure the user never hears of, and the window (an SMTP "250 OK" not yet
  committed to SQLite) is milliseconds wide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sla.instant import to_us
from sync.adapters.mailer import Mailer, MailError, valid_address
from sync.adapters.store import NoticeRow, StateStore
from sync.binding import Binding
from sync.passes.notices import NEW, SUPERSEDE
from sync.ports import Tracker

__all__ = ["Delivery", "Effects", "deliver"]


@dataclass(frozen=True)
class Effects:
    """The outside world one tracker's plans act on."""

    binding: Binding
    store: StateStore
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
            store.mark_notice(tracker, key, n.event, "superseded", fx.now_us())
            continue
        if n.state == NEW:
            store.add_notice(tracker, key, n, fx.now_us())
            n = store.notice(tracker, key, n.event) or n
        if n.channel == "comment":
            d.sent += _comment(fx, key, n)
        else:
            d.sent += _email(fx, key, n, d)
    return d


def _comment(fx: Effects, key: str, n: NoticeRow) -> bool:
    store, name = fx.store, fx.tracker_name
    if n.state == "sending" and n.body.strip() in (c.strip() for c in fx.tracker.comments(key)):
        store.mark_notice(name, key, n.event, "sent", fx.now_us())
        return False
    store.mark_notice(name, key, n.event, "sending", fx.now_us())
    fx.tracker.comment(key, n.body)  # tracker errors propagate, as for any write
    store.mark_notice(name, key, n.event, "sent", fx.now_us())
    return True


def _email(fx: Effects, key: str, n: NoticeRow, d: Delivery) -> bool:
    store, name, mailer = fx.store, fx.tracker_name, fx.mailer
    now = fx.clock()
    if mailer is None:  # SMTP was configured when it was planned, not any more: keep it
        d.problems.append(f"closure e-mail pending: no SMTP relay configured ({n.event})")
        return False
    if not valid_address(n.recipient):
        # Permanent: a retry would send to the same address. The tracker field is fixed by
        # a human; the record stays as 'failed' and is reported once.
        why = f"malformed address {n.recipient!r}" if n.recipient else "no address in request"
        store.mark_notice(name, key, n.event, "failed", to_us(now), attempts=0, error=why)
        d.problems.append(f"closure e-mail not sent: {why}")
        return False
    attempts = n.attempts + 1
    store.mark_notice(name, key, n.event, "sending", to_us(now), attempts=attempts)
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
        d.problems.append(f"closure e-mail to {n.recipient} {verb}: {exc.reason}")
        return False
    store.mark_notice(name, key, n.event, "sent", fx.now_us(), attempts=attempts)
    return True
