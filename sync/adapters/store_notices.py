"""The notices table of the state store: each notification recorded with its text, then sent.

`sync/passes/deliver.py` records a row ('pending') before the side effect, claims it
('sending') only while it is still open, and marks it 'sent' / 'failed' / 'superseded'.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sync.adapters.db import Db

__all__ = ["NoticeRow", "NoticeTable"]


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """One notification of one issue, as recorded before (and after) it was sent."""

    event: str
    channel: str
    recipient: str | None
    subject: str | None
    body: str
    message_id: str | None
    state: str
    attempts: int
    error: str | None


_NOTICE_COLS = "event, channel, recipient, subject, body, message_id, state, attempts, error"


class NoticeTable:
    """The notice methods of the state store (its database handle is `self._f`)."""

    _f: Db

    def notice(self, tracker: str, key: str, event: str) -> NoticeRow | None:
        """One notification of an issue, if it was ever due."""
        row = self._f.one(
            f"SELECT {_NOTICE_COLS} FROM notices WHERE tracker=? AND key=? AND event=?",
            tracker,
            key,
            event,
        )
        return NoticeRow(*row) if row else None

    def notices(self, tracker: str, key: str) -> dict[str, NoticeRow]:
        """Every notification ever recorded for an issue, by event, oldest first."""
        rows = self._f.all(
            f"SELECT {_NOTICE_COLS} FROM notices WHERE tracker=? AND key=? ORDER BY at_us, event",
            tracker,
            key,
        )
        return {r[0]: NoticeRow(*r) for r in rows}

    def escalations(self, tracker: str, key: str) -> list[tuple[NoticeRow, int]]:
        """The escalation actions recorded for an issue, with when each last moved."""
        rows = self._f.all(
            f"SELECT {_NOTICE_COLS}, at_us FROM notices WHERE tracker=? AND key=? "
            "AND event LIKE 'esc:%' ORDER BY at_us, event",
            tracker,
            key,
        )
        return [(NoticeRow(*r[:-1]), r[-1]) for r in rows]

    def open_notices(self, tracker: str, key: str) -> list[NoticeRow]:
        """Notifications of an issue not yet sent nor given up ('pending', 'sending')."""
        rows = self._f.all(
            f"SELECT {_NOTICE_COLS} FROM notices WHERE tracker=? AND key=? "
            "AND state IN ('pending', 'sending') ORDER BY at_us, event",
            tracker,
            key,
        )
        return [NoticeRow(*r) for r in rows]

    def add_notice(self, tracker: str, key: str, n: NoticeRow, at_us: int) -> None:
        """Record a due notification with its final text ('pending'); a second add is a no-op."""
        with self._f.tx() as db:
            db.execute(
                "INSERT INTO notices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (tracker, key, *dataclasses.astuple(n)[:6], "pending", 0, None, at_us),
            )

    def mark_notice(
        self,
        tracker: str,
        key: str,
        event: str,
        state: str,
        at_us: int,
        *,
        attempts: int | None = None,
        error: str | None = None,
        only_open: bool = False,
    ) -> None:
        """Move a notification on: 'sent' / 'failed' after the side effect; with `only_open`,
        only while it is still 'pending' or 'sending' (never over a sent one)."""
        open_only = " AND state IN ('pending', 'sending')" if only_open else ""
        with self._f.tx() as db:
            db.execute(
                "UPDATE notices SET state=?, at_us=?, attempts=coalesce(?, attempts), error=? "
                "WHERE tracker=? AND key=? AND event=?" + open_only,
                (state, at_us, attempts, error, tracker, key, event),
            )

    def claim_notice(
        self, tracker: str, key: str, event: str, expected: str, at_us: int, attempts: int
    ) -> bool:
        """Move a notification from `expected` to 'sending'; False when it is no longer there
        (sent, failed or superseded meanwhile): the caller must not send it."""
        with self._f.tx() as db:
            cur = db.execute(
                "UPDATE notices SET state='sending', at_us=?, attempts=? "
                "WHERE tracker=? AND key=? AND event=? AND state=?",
                (at_us, attempts, tracker, key, event, expected),
            )
            return cur.rowcount == 1

    def notice_counts(self, tracker: str) -> dict[str, int]:
        """Notifications per state (for metrics and reports)."""
        rows = self._f.all(
            "SELECT state, count(*) FROM notices WHERE tracker=? GROUP BY state", tracker
        )
        return {r[0]: r[1] for r in rows}
