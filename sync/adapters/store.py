"""The state store: one SQLite file (WAL) with cursors, per-issue state and intents.

Times are integer epoch microseconds. Every method is one short transaction, so a process
killed at any point leaves the file consistent; the pass decides *when* to call them (the
cursor only after the writes of its page succeeded, an intent before a comment is posted).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from sync.adapters.sqlite_db import SqliteFile

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cursors (
    tracker TEXT NOT NULL, scope TEXT NOT NULL, updated_us INTEGER NOT NULL,
    PRIMARY KEY (tracker, scope));
CREATE TABLE IF NOT EXISTS issues (
    tracker TEXT NOT NULL, key TEXT NOT NULL,
    seen_updated_us INTEGER,          -- the tracker's `updated` of the version last processed
    check_us INTEGER,                 -- when the result flips without any event (sweep)
    hours_written_us INTEGER,         -- last write of elapsed/remaining hours
    state TEXT, breached INTEGER, due_us INTEGER,
    PRIMARY KEY (tracker, key));
CREATE INDEX IF NOT EXISTS issues_check ON issues (tracker, check_us);
CREATE TABLE IF NOT EXISTS failures (
    tracker TEXT NOT NULL, key TEXT NOT NULL, reason TEXT NOT NULL, at_us INTEGER NOT NULL,
    PRIMARY KEY (tracker, key));
CREATE TABLE IF NOT EXISTS intents (
    tracker TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
    state TEXT NOT NULL,              -- 'intended' before the side effect, 'done' after
    at_us INTEGER NOT NULL,
    PRIMARY KEY (tracker, key, kind));
CREATE TABLE IF NOT EXISTS notices (
    tracker TEXT NOT NULL, key TEXT NOT NULL,
    event TEXT NOT NULL,              -- 'ack', 'closure:<epoch ms of the closure>'
    channel TEXT NOT NULL,            -- 'comment' | 'email'
    recipient TEXT, subject TEXT, body TEXT NOT NULL, message_id TEXT,
    state TEXT NOT NULL,              -- pending -> sending -> sent | failed | superseded
    attempts INTEGER NOT NULL DEFAULT 0, error TEXT, at_us INTEGER NOT NULL,
    PRIMARY KEY (tracker, key, event));
"""


@dataclass(frozen=True, slots=True)
class IssueState:
    """What the store remembers of one issue."""

    seen_updated_us: int | None
    check_us: int | None
    hours_written_us: int | None
    state: str | None
    breached: bool | None
    due_us: int | None


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


class StateStore:
    """Cursors, per-issue state and side-effect intents in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self._f = SqliteFile(path, _SCHEMA, synchronous="NORMAL")
        self.path = self._f.path

    def close(self) -> None:
        """Close the connection."""
        self._f.close()

    # -- cursors ------------------------------------------------------------------------

    def cursor(self, tracker: str, scope: str) -> int | None:
        """The `updated` instant up to which every issue of the scope was processed."""
        row = self._f.one(
            "SELECT updated_us FROM cursors WHERE tracker=? AND scope=?", tracker, scope
        )
        return row[0] if row else None

    def advance_cursor(self, tracker: str, scope: str, updated_us: int) -> None:
        """Move the cursor forward (never back)."""
        with self._f.tx() as db:
            db.execute(
                "INSERT INTO cursors VALUES (?, ?, ?) ON CONFLICT(tracker, scope) DO UPDATE "
                "SET updated_us = max(updated_us, excluded.updated_us)",
                (tracker, scope, updated_us),
            )

    # -- issues -------------------------------------------------------------------------

    def issue(self, tracker: str, key: str) -> IssueState | None:
        """What was recorded for an issue, if anything."""
        row = self._f.one(
            "SELECT seen_updated_us, check_us, hours_written_us, state, breached, due_us "
            "FROM issues WHERE tracker=? AND key=?",
            tracker,
            key,
        )
        if row is None:
            return None
        return IssueState(
            row[0], row[1], row[2], row[3], None if row[4] is None else bool(row[4]), row[5]
        )

    def record_issue(
        self,
        tracker: str,
        key: str,
        *,
        seen_updated_us: int | None,
        check_us: int | None,
        state: str,
        breached: bool,
        due_us: int | None,
        hours_written_us: int | None = None,
    ) -> None:
        """Remember an issue after it was processed (and its writes succeeded)."""
        with self._f.tx() as db:
            db.execute(
                "INSERT INTO issues VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(tracker, key) DO UPDATE SET seen_updated_us=excluded.seen_updated_us,"
                " check_us=excluded.check_us, state=excluded.state,"
                " breached=excluded.breached, due_us=excluded.due_us,"
                " hours_written_us=coalesce(excluded.hours_written_us, hours_written_us)",
                (
                    tracker,
                    key,
                    seen_updated_us,
                    check_us,
                    hours_written_us,
                    state,
                    int(breached),
                    due_us,
                ),
            )
            db.execute("DELETE FROM failures WHERE tracker=? AND key=?", (tracker, key))

    def due_for_check(self, tracker: str, now_us: int, limit: int = 1000) -> list[str]:
        """Issues whose result may have flipped by `now` (deadline, at-risk, hours refresh)."""
        with self._f.lock:
            rows = self._f.db.execute(
                "SELECT key FROM issues WHERE tracker=? AND check_us IS NOT NULL AND check_us<=? "
                "ORDER BY check_us LIMIT ?",
                (tracker, now_us, limit),
            ).fetchall()
        return [r[0] for r in rows]

    def count_by_state(self, tracker: str) -> dict[str, int]:
        """Issues per clock state (for metrics)."""
        with self._f.lock:
            rows = self._f.db.execute(
                "SELECT state, count(*) FROM issues WHERE tracker=? GROUP BY state", (tracker,)
            ).fetchall()
        return {r[0]: r[1] for r in rows}

    # -- failures -----------------------------------------------------------------------

    def record_failure(self, tracker: str, key: str, reason: str, at_us: int) -> None:
        """Remember a skipped issue so the next pass retries it."""
        with self._f.tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)", (tracker, key, reason, at_us)
            )

    def failures(self, tracker: str) -> dict[str, str]:
        """Issues that failed last time, with the reason."""
        with self._f.lock:
            rows = self._f.db.execute(
                "SELECT key, reason FROM failures WHERE tracker=?", (tracker,)
            ).fetchall()
        return dict(rows)

    # -- intents (record intent, then act, then mark) -----------------------------------

    def intent(self, tracker: str, key: str, kind: str) -> str | None:
        """'intended', 'done' or None for a side effect (comment, e-mail) of an issue."""
        row = self._f.one(
            "SELECT state FROM intents WHERE tracker=? AND key=? AND kind=?", tracker, key, kind
        )
        return row[0] if row else None

    def mark_intent(self, tracker: str, key: str, kind: str, state: str, at_us: int) -> None:
        """Record that a side effect is about to happen ('intended') or happened ('done')."""
        with self._f.tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO intents VALUES (?, ?, ?, ?, ?)",
                (tracker, key, kind, state, at_us),
            )

    def clear_intent(self, tracker: str, key: str, kind: str) -> None:
        """Forget a side effect (e.g. a breach that is no longer a breach)."""
        with self._f.tx() as db:
            db.execute(
                "DELETE FROM intents WHERE tracker=? AND key=? AND kind=?", (tracker, key, kind)
            )

    # -- notices (sync/passes/deliver.py: recorded with their text before they are sent) ---------

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

    def open_notices(self, tracker: str, key: str) -> list[NoticeRow]:
        """Notifications of an issue not yet sent nor given up ('pending', 'sending')."""
        with self._f.lock:
            rows = self._f.db.execute(
                f"SELECT {_NOTICE_COLS} FROM notices WHERE tracker=? AND key=? "
                "AND state IN ('pending', 'sending') ORDER BY at_us, event",
                (tracker, key),
            ).fetchall()
        return [NoticeRow(*r) for r in rows]

    def add_notice(self, tracker: str, key: str, n: NoticeRow, at_us: int) -> None:
        """Record a due notification with its final text ('pending'); a second add is a no-op."""
        with self._f.tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO notices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    ) -> None:
        """Move a notification on: 'sending' before the side effect, then 'sent' / 'failed'."""
        with self._f.tx() as db:
            db.execute(
                "UPDATE notices SET state=?, at_us=?, attempts=coalesce(?, attempts), error=? "
                "WHERE tracker=? AND key=? AND event=?",
                (state, at_us, attempts, error, tracker, key, event),
            )

    def notice_counts(self, tracker: str) -> dict[str, int]:
        """Notifications per state (for metrics and reports)."""
        with self._f.lock:
            rows = self._f.db.execute(
                "SELECT state, count(*) FROM notices WHERE tracker=? GROUP BY state", (tracker,)
            ).fetchall()
        return {r[0]: r[1] for r in rows}
